//! Lowering of libclang cursors to `mmlint-ir`.
//!
//! One recursive walk per function body. Children are fetched once per node with
//! `clang_visitChildren`; positions are recovered from the child list (libclang skips absent
//! children, so `for` headers need a small token scan, see [`FnLower::for_slots`]).
//! Anything unexpected degrades to `Opaque`/`Nop` rather than panicking.
//!
//! - `types`: clang types to IR `Ty` (interned per TU);
//! - `expr`: expressions;
//! - `macros`: what the preprocessor and builtins hide (the macro a literal came from,
//!   `__builtin_choose_expr`, `?:` with an omitted operand, `_Generic`);
//! - `stmt`: statements, `for` headers and `asm goto`;
//! - `inits`: designated initializers that store function pointers (`.mmap = foo_mmap`).

// clang-sys constants keep their C names; matching on them is the point.
#![allow(non_upper_case_globals)]

mod expr;
mod inits;
mod macros;
mod stmt;
mod types;

use std::collections::HashMap;
use std::sync::Arc;

use clang_sys::*;
use mmlint_ir::{
    Expr, ExprKind, Function, Loc, ParseError, Span, TranslationUnit, Ty, VarDecl, VarId,
};

use crate::cx;

/// Nesting beyond this is lowered as `Opaque`/`Nop`. Far above anything in the kernel; it
/// only guards the stack against pathological input.
const MAX_DEPTH: u32 = 20_000;

/// Window scanned for a `for` header when the body's position does not bound it.
const FOR_HEADER_WINDOW: u32 = 4096;

/// Per-translation-unit state shared by all functions: interned file names and types.
struct Ctx {
    tu: CXTranslationUnit,
    noreturn: std::collections::BTreeSet<String>,
    /// Declared parameter types of the callees with a prototype.
    decls: std::collections::BTreeMap<String, Vec<Ty>>,
    /// Callees whose noreturn bit was already looked at (type spelling is costly).
    callees_seen: std::collections::HashSet<String>,
    /// File buffers by CXFile address: (pointer, length).
    buffers: HashMap<usize, (usize, usize)>,
    files: HashMap<usize, Arc<str>>,
    no_file: Arc<str>,
    types: HashMap<(CXTypeKind, usize), Ty>,
    /// The main file (null if libclang does not know it by the caller's path).
    main_file: CXFile,
}

impl Ctx {
    /// The bytes of a file of the TU (owned by clang for the TU's lifetime).
    /// Cached: clang looks the buffer up linearly.
    fn contents(&mut self, f: CXFile) -> &[u8] {
        let tu = self.tu;
        let &mut (p, size) = self.buffers.entry(f as usize).or_insert_with(|| {
            let mut size: usize = 0;
            let p = unsafe { clang_getFileContents(tu, f, &mut size) };
            (p as usize, if p.is_null() { 0 } else { size })
        });
        if p == 0 {
            return &[];
        }
        // SAFETY: clang keeps the buffer alive as long as the TU, which outlives `self`.
        unsafe { std::slice::from_raw_parts(p as *const u8, size) }
    }

    fn file(&mut self, f: CXFile) -> Arc<str> {
        if f.is_null() {
            return self.no_file.clone();
        }
        self.files
            .entry(f as usize)
            .or_insert_with(|| Arc::from(cx::file_name(f)))
            .clone()
    }

    fn loc(&mut self, l: CXSourceLocation) -> (Loc, CXFile) {
        let (f, line, col, _) = cx::expansion(l);
        (Loc::new(self.file(f), line, col), f)
    }

    fn span(&mut self, c: CXCursor) -> Span {
        let r = cx::extent(c);
        let (start, sf) = self.loc(cx::range_start(r));
        let (ef, line, col, _) = cx::expansion(cx::range_end(r));
        // libclang's extent end is one past the last character; the IR's is inclusive.
        let end = if ef == sf && (line, col) > (start.line, start.col) {
            Loc {
                file: start.file.clone(),
                line,
                col: col.saturating_sub(1).max(1),
            }
        } else {
            start.clone()
        };
        Span { start, end }
    }

    fn point(&mut self, c: CXCursor) -> Span {
        Span::point(self.loc(cx::location(c)).0)
    }
}

pub fn lower_tu(
    tu: CXTranslationUnit,
    main: &str,
    filter: Option<&crate::Prefilter>,
) -> TranslationUnit {
    let mut ctx = Ctx {
        tu,
        noreturn: Default::default(),
        decls: Default::default(),
        callees_seen: Default::default(),
        buffers: HashMap::new(),
        files: HashMap::new(),
        no_file: Arc::from(""),
        types: HashMap::new(),
        main_file: std::ptr::null_mut(),
    };
    // Pre-intern the main file under the caller's spelling of its path.
    if let Ok(c_main) = std::ffi::CString::new(main) {
        let f = unsafe { clang_getFile(tu, c_main.as_ptr()) };
        if !f.is_null() {
            ctx.files.insert(f as usize, Arc::from(main));
        }
        ctx.main_file = f;
    }
    let errors = diagnostics(&mut ctx);
    let root = unsafe { clang_getTranslationUnitCursor(tu) };
    // Which definitions to lower: with a filter, those whose text mentions the API, then
    // (to a fixpoint) main-file functions that call one of them: a driver's wrapper of a
    // wrapper has no API word in its text but its summary matters to its callers.
    struct Def {
        cursor: CXCursor,
        name: String,
        in_main: bool,
        /// The body text, when it has its own (not generated by a macro).
        text: Option<(CXFile, u32, u32)>,
        keep: bool,
    }
    let mut defs: Vec<Def> = Vec::new();
    for c in cx::children(root) {
        if cx::kind(c) != CXCursor_FunctionDecl || !cx::is_definition(c) {
            continue;
        }
        let mut d = Def {
            cursor: c,
            name: cx::spelling(c),
            in_main: cx::is_from_main_file(cx::location(c)),
            text: None,
            keep: true,
        };
        if let Some(filter) = filter {
            let r = cx::extent(c);
            let (sf, so) = cx::spelling_loc(cx::range_start(r));
            let (ef, eo) = cx::spelling_loc(cx::range_end(r));
            // A body generated by a macro has no text of its own: keep it.
            if sf == ef && !sf.is_null() && eo > so {
                let text = ctx.contents(sf);
                if let Some(body) = text.get(so as usize..eo as usize) {
                    d.text = Some((sf, so, eo));
                    d.keep = filter.matches(body);
                }
            }
        }
        defs.push(d);
    }
    if filter.is_some() {
        let mut new_names: Vec<String> = defs
            .iter()
            .filter(|d| d.keep)
            .map(|d| d.name.clone())
            .collect();
        while !new_names.is_empty() {
            let Ok(ac) = aho_corasick::AhoCorasick::new(&new_names) else {
                break;
            };
            new_names.clear();
            for d in defs.iter_mut().filter(|d| !d.keep && d.in_main) {
                let Some((f, so, eo)) = d.text else { continue };
                let text = ctx.contents(f);
                let Some(body) = text.get(so as usize..eo as usize) else {
                    continue;
                };
                if calls_any(&ac, body) {
                    d.keep = true;
                    new_names.push(d.name.clone());
                }
            }
        }
    }
    let mut functions = Vec::new();
    for d in defs.iter().filter(|d| d.keep) {
        if let Some(f) = lower_function(&mut ctx, d.cursor) {
            functions.push(f);
        }
    }
    let mut field_inits = inits::field_inits(&mut ctx, root);
    let (stores, mut fn_args) = inits::body_stores_and_calls(&mut ctx, root);
    field_inits.extend(stores);
    fn_args.extend(inits::macro_fn_args(&mut ctx, root));
    TranslationUnit {
        main_file: main.to_string(),
        functions,
        errors,
        noreturn: ctx.noreturn,
        decls: ctx.decls,
        field_inits,
        fn_args,
    }
}

/// `text` calls one of the automaton's names: a match followed by `(` and not preceded by an
/// identifier character.
fn calls_any(ac: &aho_corasick::AhoCorasick, text: &[u8]) -> bool {
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    ac.find_overlapping_iter(text).any(|m| {
        let before_ok = m.start() == 0 || !ident(text[m.start() - 1]);
        let rest = &text[m.end()..];
        let after = rest.iter().find(|b| !b.is_ascii_whitespace());
        before_ok && after == Some(&b'(')
    })
}

fn diagnostics(ctx: &mut Ctx) -> Vec<ParseError> {
    let mut out = Vec::new();
    unsafe {
        let n = clang_getNumDiagnostics(ctx.tu);
        for i in 0..n {
            let d = clang_getDiagnostic(ctx.tu, i);
            if d.is_null() {
                continue;
            }
            let sev = clang_getDiagnosticSeverity(d);
            if sev == CXDiagnostic_Error || sev == CXDiagnostic_Fatal {
                let (loc, f) = ctx.loc(clang_getDiagnosticLocation(d));
                out.push(ParseError {
                    loc: (!f.is_null()).then_some(loc),
                    message: cx::string(clang_getDiagnosticSpelling(d)),
                });
            }
            clang_disposeDiagnostic(d);
        }
    }
    out
}

fn lower_function(ctx: &mut Ctx, c: CXCursor) -> Option<Function> {
    let children = cx::children(c);
    let body = *children
        .iter()
        .rev()
        .find(|&&b| cx::kind(b) == CXCursor_CompoundStmt)?;
    let mut fl = FnLower {
        ctx,
        vars: Vec::new(),
        var_index: HashMap::new(),
        depth: 0,
        func: c,
        labels: None,
    };
    let mut params = Vec::new();
    let n = cx::num_args(c);
    let parm_cursors: Vec<CXCursor> = if n >= 0 {
        (0..n as u32).map(|i| cx::arg(c, i)).collect()
    } else {
        children
            .iter()
            .copied()
            .filter(|&p| cx::kind(p) == CXCursor_ParmDecl)
            .collect()
    };
    for p in parm_cursors {
        params.push(fl.add_var(p, true));
    }
    let body = fl.stmt(body);
    let vars = std::mem::take(&mut fl.vars);
    let name = cx::spelling(c);
    let span = ctx.point(c);
    let ret_ty = ctx.ty(cx::result_type(c));
    Some(Function {
        name,
        span,
        vars,
        params,
        ret_ty,
        is_static: cx::storage_class(c) == CX_SC_Static,
        in_header: !cx::is_from_main_file(cx::location(c)),
        body,
    })
}

/// The result of lowering one cursor: the kind of a new expression spanning that cursor, or
/// an already finished expression that replaces it (wrappers such as `__extension__` or a
/// no-op implicit cast lower to their operand).
enum Lowered {
    Kind(ExprKind),
    Done(Expr),
}

struct FnLower<'a> {
    ctx: &'a mut Ctx,
    vars: Vec<VarDecl>,
    /// `clang_hashCursor` of a declaration → candidates, disambiguated by
    /// `clang_equalCursors`.
    var_index: HashMap<u32, Vec<(CXCursor, VarId)>>,
    depth: u32,
    /// The function being lowered, and its label names once an `asm goto` needed them.
    func: CXCursor,
    labels: Option<std::collections::HashSet<String>>,
}

impl FnLower<'_> {
    fn add_var(&mut self, c: CXCursor, is_param: bool) -> VarId {
        let decl = VarDecl {
            name: cx::spelling(c),
            ty: self.ctx.ty(cx::cursor_type(c)),
            span: self.ctx.point(c),
            is_param,
            is_temp: false,
        };
        self.vars.push(decl);
        let id = VarId(self.vars.len() as u32 - 1);
        self.var_index.entry(cx::hash(c)).or_default().push((c, id));
        id
    }

    fn lookup_var(&self, decl: CXCursor) -> Option<VarId> {
        self.var_index
            .get(&cx::hash(decl))?
            .iter()
            .find(|(c, _)| cx::equal(*c, decl))
            .map(|&(_, id)| id)
    }

    fn opaque(&mut self, c: CXCursor, parts: Vec<Expr>) -> Expr {
        let ty = self.ctx.ty(cx::cursor_type(c));
        let span = self.ctx.span(c);
        Expr::new(ExprKind::Opaque(parts), ty, span)
    }

    fn exprs(&mut self, cs: &[CXCursor]) -> Vec<Expr> {
        cs.iter().map(|&c| self.expr(c)).collect()
    }
}

// ----- debugging aid ---------------------------------------------------------------------

pub fn dump(tu: CXTranslationUnit) -> String {
    let mut out = String::new();
    let root = unsafe { clang_getTranslationUnitCursor(tu) };
    for c in cx::children(root) {
        if cx::kind(c) == CXCursor_FunctionDecl
            && cx::is_definition(c)
            && cx::is_from_main_file(cx::location(c))
        {
            dump_rec(c, 0, &mut out);
        }
    }
    out
}

fn dump_rec(c: CXCursor, depth: usize, out: &mut String) {
    use std::fmt::Write;
    let k = cx::kind(c);
    let (_, line, col, _) = cx::expansion(cx::location(c));
    let ks = cx::string(unsafe { clang_getCursorKindSpelling(k) });
    let ty = cx::type_spelling(cx::cursor_type(c));
    let _ = writeln!(
        out,
        "{:indent$}{ks}({k}) '{}' <{ty}> @{line}:{col}",
        "",
        cx::spelling(c),
        indent = depth * 2
    );
    if depth < 200 {
        for ch in cx::children(c) {
            dump_rec(ch, depth + 1, out);
        }
    }
}
