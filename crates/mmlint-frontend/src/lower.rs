//! Lowering of libclang cursors to `mmlint-ir`.
//!
//! One recursive walk per function body. Children are fetched once per node with
//! `clang_visitChildren`; positions are recovered from the child list (libclang skips absent
//! children, so `for` headers need a small token scan, see [`FnLower::for_slots`]).
//! Anything unexpected degrades to `Opaque`/`Nop` rather than panicking.

// clang-sys constants keep their C names; matching on them is the point.
#![allow(non_upper_case_globals)]

use std::collections::HashMap;
use std::sync::Arc;

use clang_sys::*;
use mmlint_ir::{
    BinOp, Callee, Expr, ExprKind, Function, Loc, ParseError, Span, Stmt, StmtKind,
    TranslationUnit, Ty, UnOp, VarDecl, VarId,
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
    /// Callees whose noreturn bit was already looked at (type spelling is costly).
    callees_seen: std::collections::HashSet<String>,
    /// File buffers by CXFile address: (pointer, length).
    buffers: HashMap<usize, (usize, usize)>,
    files: HashMap<usize, Arc<str>>,
    no_file: Arc<str>,
    types: HashMap<(CXTypeKind, usize), Ty>,
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

    fn ty(&mut self, t: CXType) -> Ty {
        let c = cx::canonical(t);
        if c.kind == CXType_Invalid {
            return Ty::unknown();
        }
        let key = (c.kind, c.data[0] as usize);
        if let Some(ty) = self.types.get(&key) {
            return ty.clone();
        }
        let ty = compute_ty(c);
        self.types.insert(key, ty.clone());
        ty
    }
}

fn compute_ty(c: CXType) -> Ty {
    let spelling = cx::type_spelling(c);
    let mut base = c;
    let mut depth: u8 = 0;
    loop {
        let next = match base.kind {
            CXType_Pointer | CXType_BlockPointer => cx::pointee(base),
            CXType_ConstantArray
            | CXType_IncompleteArray
            | CXType_VariableArray
            | CXType_DependentSizedArray => cx::element_type(base),
            _ => break,
        };
        if next.kind == CXType_Invalid {
            break;
        }
        base = cx::canonical(next);
        depth = depth.saturating_add(1);
    }
    let record = if base.kind == CXType_Record {
        let name = cx::spelling(cx::type_decl(base));
        // Unnamed records spell as "struct (unnamed at …)" / "" depending on the version.
        (!name.is_empty() && !name.contains([' ', '('])).then_some(name)
    } else {
        None
    };
    let is_scalar = depth == 0
        && matches!(
            base.kind,
            CXType_Bool
                ..=CXType_LongDouble
                    | CXType_Half
                    | CXType_Float16
                    | CXType_Float128
                    | CXType_Ibm128
                    | CXType_Enum
        );
    Ty {
        spelling,
        ptr_depth: depth,
        record,
        is_scalar,
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
        callees_seen: Default::default(),
        buffers: HashMap::new(),
        files: HashMap::new(),
        no_file: Arc::from(""),
        types: HashMap::new(),
    };
    // Pre-intern the main file under the caller's spelling of its path.
    if let Ok(c_main) = std::ffi::CString::new(main) {
        let f = unsafe { clang_getFile(tu, c_main.as_ptr()) };
        if !f.is_null() {
            ctx.files.insert(f as usize, Arc::from(main));
        }
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
    TranslationUnit {
        main_file: main.to_string(),
        functions,
        errors,
        noreturn: ctx.noreturn,
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

fn is_expr(c: CXCursor) -> bool {
    cx::is_expr_kind(cx::kind(c))
}

fn is_stmt_or_expr(c: CXCursor) -> bool {
    let k = cx::kind(c);
    cx::is_stmt_kind(k) || cx::is_expr_kind(k)
}

fn expr_children(c: CXCursor) -> Vec<CXCursor> {
    let mut v = cx::children(c);
    v.retain(|&ch| is_expr(ch));
    v
}

/// Skips implicit-cast wrappers and parentheses, which libclang exposes as single-child
/// `UnexposedExpr` / `ParenExpr`.
fn strip_wrappers(mut c: CXCursor) -> CXCursor {
    for _ in 0..64 {
        match cx::kind(c) {
            CXCursor_UnexposedExpr | CXCursor_ParenExpr => {
                let ch = expr_children(c);
                if ch.len() != 1 {
                    return c;
                }
                c = ch[0];
            }
            _ => return c,
        }
    }
    c
}

fn is_assign_like(c: CXCursor) -> bool {
    match cx::kind(c) {
        CXCursor_CompoundAssignOperator => true,
        CXCursor_BinaryOperator => matches!(
            cx::binary_op(c),
            CXBinaryOperator_Assign | CXBinaryOperator_Comma
        ),
        CXCursor_UnaryOperator => matches!(
            cx::unary_op(c),
            CXUnaryOperator_PostInc
                | CXUnaryOperator_PostDec
                | CXUnaryOperator_PreInc
                | CXUnaryOperator_PreDec
        ),
        _ => false,
    }
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

    // ----- expressions -------------------------------------------------------------------

    fn expr(&mut self, c: CXCursor) -> Expr {
        if self.depth >= MAX_DEPTH {
            return self.opaque(c, Vec::new());
        }
        self.depth += 1;
        let e = self.expr_inner(c);
        self.depth -= 1;
        e
    }

    fn expr_inner(&mut self, c: CXCursor) -> Expr {
        let k = cx::kind(c);
        let kind = match k {
            CXCursor_ParenExpr => {
                let ch = expr_children(c);
                return match ch.as_slice() {
                    [inner] => self.expr(*inner),
                    _ => {
                        let parts = self.exprs(&ch);
                        self.opaque(c, parts)
                    }
                };
            }
            CXCursor_DeclRefExpr => self.decl_ref(c),
            CXCursor_IntegerLiteral => match cx::eval_int(c) {
                Some(value) => match self.macro_name(c) {
                    Some(name) => ExprKind::NamedConst { name, value },
                    None => ExprKind::IntLit(value),
                },
                None => ExprKind::OtherLit,
            },
            CXCursor_GNUNullExpr => ExprKind::IntLit(0),
            CXCursor_FloatingLiteral
            | CXCursor_StringLiteral
            | CXCursor_CharacterLiteral
            | CXCursor_ImaginaryLiteral
            | CXCursor_FixedPointLiteral => ExprKind::OtherLit,
            CXCursor_UnaryOperator => match self.unary(c) {
                Lowered::Kind(kind) => kind,
                Lowered::Done(inner) => return inner,
            },
            CXCursor_BinaryOperator | CXCursor_CompoundAssignOperator => self.binary(c),
            CXCursor_ConditionalOperator => {
                let ch = expr_children(c);
                match ch.as_slice() {
                    [a, b, e] => ExprKind::Cond {
                        cond: Box::new(self.expr(*a)),
                        then: Some(Box::new(self.expr(*b))),
                        els: Box::new(self.expr(*e)),
                    },
                    _ => ExprKind::Opaque(self.exprs(&ch)),
                }
            }
            CXCursor_CallExpr => self.call(c),
            CXCursor_MemberRefExpr => self.member(c),
            CXCursor_ArraySubscriptExpr => {
                let ch = expr_children(c);
                match ch.as_slice() {
                    [b, i] => ExprKind::Index {
                        base: Box::new(self.expr(*b)),
                        index: Box::new(self.expr(*i)),
                    },
                    _ => ExprKind::Opaque(self.exprs(&ch)),
                }
            }
            CXCursor_CStyleCastExpr => {
                // A cast to a record or typedef type has a TypeRef child before the operand.
                let ch = expr_children(c);
                match ch.last() {
                    Some(&inner) => ExprKind::Cast(Box::new(self.expr(inner))),
                    None => ExprKind::Opaque(Vec::new()),
                }
            }
            CXCursor_UnexposedExpr => match self.unexposed(c) {
                Lowered::Kind(kind) => kind,
                Lowered::Done(e) => return e,
            },
            CXCursor_StmtExpr => {
                let mut stmts = Vec::new();
                for ch in cx::children(c) {
                    if cx::kind(ch) == CXCursor_CompoundStmt {
                        for s in cx::children(ch) {
                            self.stmt_into(s, &mut stmts);
                        }
                    }
                }
                ExprKind::StmtExpr(stmts)
            }
            CXCursor_InitListExpr => ExprKind::InitList(self.init_list(c)),
            CXCursor_CompoundLiteralExpr => {
                let ch = expr_children(c);
                match ch.as_slice() {
                    [il] if cx::kind(*il) == CXCursor_InitListExpr => {
                        ExprKind::InitList(self.init_list(*il))
                    }
                    _ => ExprKind::InitList(self.exprs(&ch)),
                }
            }
            CXCursor_UnaryExpr => ExprKind::Unevaluated,
            CXCursor_GenericSelectionExpr => return self.generic_selection(c),
            // `&&label`: the IR has no label values; indirect gotos are handled
            // conservatively by the CFG builder.
            CXCursor_AddrLabelExpr => ExprKind::Opaque(Vec::new()),
            _ => ExprKind::Opaque(self.exprs(&expr_children(c))),
        };
        let ty = self.ctx.ty(cx::cursor_type(c));
        let span = self.ctx.span(c);
        Expr::new(kind, ty, span)
    }

    /// The macro the user wrote for an integer literal that comes from a macro expansion
    /// (`FOLL_UNLOCKABLE` for the `0x200000` it expands to): the identifier at the
    /// expansion site.
    fn macro_name(&mut self, c: CXCursor) -> Option<String> {
        let loc = cx::location(c);
        let (ef, _, _, eoff) = cx::expansion(loc);
        let (sf, soff) = cx::spelling_loc(loc);
        if ef.is_null() || (ef == sf && eoff == soff) {
            return None;
        }
        // Read the identifier straight from the file buffer: tokenizing here, for every
        // macro-made literal of a kernel TU, costs more than the whole parse.
        let text = self.ctx.contents(ef);
        let rest = text.get(eoff as usize..)?;
        let len = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        let ident = &rest[..len];
        if ident.is_empty() || ident[0].is_ascii_digit() {
            return None;
        }
        Some(String::from_utf8_lossy(ident).into_owned())
    }

    fn decl_ref(&mut self, c: CXCursor) -> ExprKind {
        let r = cx::referenced(c);
        match cx::kind(r) {
            CXCursor_VarDecl | CXCursor_ParmDecl => match self.lookup_var(r) {
                Some(id) => ExprKind::Local(id),
                None => ExprKind::Global(cx::spelling(c)),
            },
            CXCursor_EnumConstantDecl => ExprKind::NamedConst {
                name: cx::spelling(c),
                value: cx::enum_value(r),
            },
            _ => ExprKind::Global(cx::spelling(c)),
        }
    }

    /// `__extension__ e` is just `e`.
    fn unary(&mut self, c: CXCursor) -> Lowered {
        let ch = expr_children(c);
        let [operand] = ch.as_slice() else {
            return Lowered::Kind(ExprKind::Opaque(self.exprs(&ch)));
        };
        let op = match cx::unary_op(c) {
            CXUnaryOperator_Extension => return Lowered::Done(self.expr(*operand)),
            CXUnaryOperator_AddrOf => {
                return Lowered::Kind(ExprKind::AddrOf(Box::new(self.expr(*operand))))
            }
            CXUnaryOperator_Deref => {
                return Lowered::Kind(ExprKind::Deref(Box::new(self.expr(*operand))))
            }
            CXUnaryOperator_LNot => UnOp::Not,
            CXUnaryOperator_Not => UnOp::BitNot,
            CXUnaryOperator_Minus => UnOp::Neg,
            CXUnaryOperator_Plus => UnOp::Plus,
            CXUnaryOperator_PreInc => UnOp::PreInc,
            CXUnaryOperator_PreDec => UnOp::PreDec,
            CXUnaryOperator_PostInc => UnOp::PostInc,
            CXUnaryOperator_PostDec => UnOp::PostDec,
            // __real / __imag and anything newer.
            _ => return Lowered::Kind(ExprKind::Opaque(vec![self.expr(*operand)])),
        };
        Lowered::Kind(ExprKind::Unary {
            op,
            operand: Box::new(self.expr(*operand)),
        })
    }

    fn binary(&mut self, c: CXCursor) -> ExprKind {
        let ch = expr_children(c);
        let [l, r] = ch.as_slice() else {
            return ExprKind::Opaque(self.exprs(&ch));
        };
        enum Form {
            Bin(BinOp),
            Assign(Option<BinOp>),
        }
        use Form::*;
        let form = match cx::binary_op(c) {
            CXBinaryOperator_Mul => Bin(BinOp::Mul),
            CXBinaryOperator_Div => Bin(BinOp::Div),
            CXBinaryOperator_Rem => Bin(BinOp::Rem),
            CXBinaryOperator_Add => Bin(BinOp::Add),
            CXBinaryOperator_Sub => Bin(BinOp::Sub),
            CXBinaryOperator_Shl => Bin(BinOp::Shl),
            CXBinaryOperator_Shr => Bin(BinOp::Shr),
            CXBinaryOperator_LT => Bin(BinOp::Lt),
            CXBinaryOperator_GT => Bin(BinOp::Gt),
            CXBinaryOperator_LE => Bin(BinOp::Le),
            CXBinaryOperator_GE => Bin(BinOp::Ge),
            CXBinaryOperator_EQ => Bin(BinOp::Eq),
            CXBinaryOperator_NE => Bin(BinOp::Ne),
            CXBinaryOperator_And => Bin(BinOp::BitAnd),
            CXBinaryOperator_Xor => Bin(BinOp::BitXor),
            CXBinaryOperator_Or => Bin(BinOp::BitOr),
            CXBinaryOperator_LAnd => Bin(BinOp::LAnd),
            CXBinaryOperator_LOr => Bin(BinOp::LOr),
            CXBinaryOperator_Comma => Bin(BinOp::Comma),
            CXBinaryOperator_Assign => Assign(None),
            CXBinaryOperator_MulAssign => Assign(Some(BinOp::Mul)),
            CXBinaryOperator_DivAssign => Assign(Some(BinOp::Div)),
            CXBinaryOperator_RemAssign => Assign(Some(BinOp::Rem)),
            CXBinaryOperator_AddAssign => Assign(Some(BinOp::Add)),
            CXBinaryOperator_SubAssign => Assign(Some(BinOp::Sub)),
            CXBinaryOperator_ShlAssign => Assign(Some(BinOp::Shl)),
            CXBinaryOperator_ShrAssign => Assign(Some(BinOp::Shr)),
            CXBinaryOperator_AndAssign => Assign(Some(BinOp::BitAnd)),
            CXBinaryOperator_XorAssign => Assign(Some(BinOp::BitXor)),
            CXBinaryOperator_OrAssign => Assign(Some(BinOp::BitOr)),
            // C++-only operators (<=>, .*, ->*).
            _ => return ExprKind::Opaque(self.exprs(&ch)),
        };
        let mut lhs = Box::new(self.expr(*l));
        let mut rhs = Box::new(self.expr(*r));
        match form {
            Bin(op) => {
                // An operand of a comparison that is a constant the IR cannot fold (the
                // `_IOWR()` ioctl numbers: `sizeof` inside `?:`, a character literal) is
                // folded by clang, so `cmd != GUP_FAST_BENCHMARK` correlates with the
                // `case GUP_FAST_BENCHMARK:` label clang folds too.
                if op.is_comparison() {
                    for (side, cur) in [(&mut lhs, *l), (&mut rhs, *r)] {
                        if side.const_value().is_none() && constant_shaped(side) {
                            if let Some(v) = cx::eval_int(cur) {
                                side.kind = ExprKind::IntLit(v);
                            }
                        }
                    }
                }
                ExprKind::Binary { op, lhs, rhs }
            }
            Assign(op) => ExprKind::Assign { op, lhs, rhs },
        }
    }

    fn call(&mut self, c: CXCursor) -> ExprKind {
        let ch = cx::children(c);
        let Some(&callee_c) = ch.first() else {
            return ExprKind::Opaque(Vec::new());
        };
        let target = strip_wrappers(callee_c);
        let callee = if cx::kind(target) == CXCursor_DeclRefExpr
            && cx::kind(cx::referenced(target)) == CXCursor_FunctionDecl
        {
            let name = cx::spelling(target);
            // clang prints the noreturn bit of a function type as an attribute.
            if self.ctx.callees_seen.insert(name.clone())
                && cx::type_spelling(cx::cursor_type(cx::referenced(target))).contains("noreturn")
            {
                self.ctx.noreturn.insert(name.clone());
            }
            Callee::Direct(name)
        } else {
            Callee::Indirect(Box::new(self.expr(callee_c)))
        };
        let n = cx::num_args(c);
        let args = if n >= 0 {
            (0..n as u32)
                .map(|i| cx::arg(c, i))
                .filter(|&a| !cx::is_null(a))
                .map(|a| self.expr(a))
                .collect()
        } else {
            let rest: Vec<CXCursor> = ch[1..].iter().copied().filter(|&a| is_expr(a)).collect();
            self.exprs(&rest)
        };
        ExprKind::Call { callee, args }
    }

    /// True for the implicit member expression clang inserts to reach a field of an
    /// anonymous struct/union (`v->anon_union.field` written as `v->field`).
    fn is_anonymous_member(c: CXCursor) -> bool {
        cx::kind(c) == CXCursor_MemberRefExpr
            && cx::is_anonymous_record(cx::type_decl(cx::canonical(cx::cursor_type(c))))
    }

    fn member(&mut self, c: CXCursor) -> ExprKind {
        let ch = expr_children(c);
        let Some(&base_c) = ch.first() else {
            return ExprKind::Opaque(Vec::new());
        };
        let arrow = cx::canonical(cx::cursor_type(base_c)).kind == CXType_Pointer;
        let anonymous = Self::is_anonymous_member(c);
        let field = if anonymous {
            String::new()
        } else {
            cx::spelling(c)
        };
        let base = self.expr(base_c);
        // Collapse `base->(anonymous).field` into `base->field`: the analyses track fields by
        // name and never see the unnamed intermediate.
        if !anonymous {
            if let ExprKind::Member {
                field: inner_field, ..
            } = &base.kind
            {
                if inner_field.is_empty() {
                    if let ExprKind::Member {
                        base: inner_base,
                        arrow: inner_arrow,
                        ..
                    } = base.kind
                    {
                        return ExprKind::Member {
                            base: inner_base,
                            field,
                            arrow: inner_arrow,
                        };
                    }
                }
            }
        }
        ExprKind::Member {
            base: Box::new(base),
            field,
            arrow,
        }
    }

    /// `UnexposedExpr` covers implicit casts and the expression classes libclang does not
    /// name; they are told apart by shape.
    fn unexposed(&mut self, c: CXCursor) -> Lowered {
        let ch = expr_children(c);
        match ch.len() {
            // offsetof, __builtin_types_compatible_p and other type traits.
            0 => Lowered::Kind(ExprKind::Unevaluated),
            1 => {
                let t = cx::cursor_type(c);
                let inner_t = cx::cursor_type(ch[0]);
                let inner = self.expr(ch[0]);
                if cx::equal_types(t, inner_t) || t.kind == CXType_Void {
                    // Value-preserving wrappers (lvalue-to-rvalue, ConstantExpr, designated
                    // initialisers, __func__) vanish.
                    Lowered::Done(inner)
                } else if inner.ty.spelling.contains("__va_list_tag") {
                    // `__builtin_va_arg(ap, T)`: a fresh value read through `ap`, not `ap`
                    // converted.
                    Lowered::Kind(ExprKind::Opaque(vec![inner]))
                } else {
                    Lowered::Kind(ExprKind::Cast(Box::new(inner)))
                }
            }
            3 => {
                if let Some(chosen) = self.choose_expr(c, &ch) {
                    return Lowered::Done(self.expr(chosen));
                }
                Lowered::Kind(ExprKind::Opaque(self.exprs(&ch)))
            }
            4 if self.is_binary_conditional(&ch) => Lowered::Kind(ExprKind::Cond {
                cond: Box::new(self.expr(ch[0])),
                then: None,
                els: Box::new(self.expr(ch[3])),
            }),
            _ => Lowered::Kind(ExprKind::Opaque(self.exprs(&ch))),
        }
    }

    /// `__builtin_choose_expr(k, a, b)`: only the chosen operand exists at run time. libclang
    /// does not name the class, so it is recognised by a constant first operand, the chosen
    /// operand having the expression's type, and the builtin's name at the spelling location
    /// (in the source or in the macro body that wrote it).
    fn choose_expr(&mut self, c: CXCursor, ch: &[CXCursor]) -> Option<CXCursor> {
        let k = cx::eval_int(ch[0])?;
        let chosen = if k != 0 { ch[1] } else { ch[2] };
        if !cx::equal_types(cx::cursor_type(c), cx::cursor_type(chosen)) {
            return None;
        }
        let (file, off) = cx::spelling_loc(cx::range_start(cx::extent(c)));
        if file.is_null() {
            return None;
        }
        let toks = cx::tokenize_window(self.ctx.tu, file, off, 24);
        toks.first()
            .is_some_and(|t| t.is("__builtin_choose_expr"))
            .then_some(chosen)
    }

    /// GNU `a ?: b` is exposed as common-operand, condition, true-value (both re-views of
    /// the common operand, so the same source range) and false-value.
    fn is_binary_conditional(&mut self, ch: &[CXCursor]) -> bool {
        let r0 = cx::extent(ch[0]);
        let same = |c: CXCursor| cx::equal_ranges(cx::extent(c), r0);
        same(ch[1]) && same(ch[2])
    }

    fn init_list(&mut self, c: CXCursor) -> Vec<Expr> {
        expr_children(c).into_iter().map(|e| self.expr(e)).collect()
    }

    /// `_Generic`: libclang lists the controlling expression and every association but not
    /// which one was selected. Pick the only association whose type is the result type, or
    /// else the only one that calls a function taking a pointer to the controlling type (the
    /// kernel's typed-dispatch idiom, e.g. seqlock.h's `__seqprop`); otherwise give up.
    fn generic_selection(&mut self, c: CXCursor) -> Expr {
        let ch = expr_children(c);
        let Some((&ctrl_c, assocs)) = ch.split_first() else {
            return self.opaque(c, Vec::new());
        };
        let t = cx::cursor_type(c);
        let by_result: Vec<CXCursor> = assocs
            .iter()
            .copied()
            .filter(|&a| cx::equal_types(cx::cursor_type(a), t))
            .collect();
        if let [one] = by_result.as_slice() {
            return self.expr(*one);
        }
        let ctrl = cx::unqualified(cx::canonical(cx::cursor_type(ctrl_c)));
        let by_param: Vec<CXCursor> = assocs
            .iter()
            .copied()
            .filter(|&a| {
                let call = strip_wrappers(a);
                if cx::kind(call) != CXCursor_CallExpr {
                    return false;
                }
                let Some(callee) = cx::children(call).first().map(|&f| strip_wrappers(f)) else {
                    return false;
                };
                let f = cx::referenced(callee);
                if cx::kind(f) != CXCursor_FunctionDecl {
                    return false;
                }
                let p = cx::canonical(cx::arg_type(cx::cursor_type(f), 0));
                p.kind == CXType_Pointer
                    && cx::equal_types(cx::unqualified(cx::canonical(cx::pointee(p))), ctrl)
            })
            .collect();
        if let [one] = by_param.as_slice() {
            return self.expr(*one);
        }
        let kind = match cx::eval_int(c) {
            Some(v) => ExprKind::IntLit(v),
            None => ExprKind::Opaque(Vec::new()),
        };
        let ty = self.ctx.ty(t);
        let span = self.ctx.span(c);
        Expr::new(kind, ty, span)
    }

    // ----- statements --------------------------------------------------------------------

    /// Lowers `c` to exactly one statement.
    fn stmt(&mut self, c: CXCursor) -> Stmt {
        let mut v = Vec::with_capacity(1);
        self.stmt_into(c, &mut v);
        match v.len() {
            0 => self.nop(c),
            1 => v.remove(0),
            _ => {
                let span = self.ctx.span(c);
                Stmt::new(StmtKind::Compound(v), span)
            }
        }
    }

    fn nop(&mut self, c: CXCursor) -> Stmt {
        let span = self.ctx.span(c);
        Stmt::new(StmtKind::Nop, span)
    }

    fn opt_stmt(&mut self, c: Option<&CXCursor>) -> Option<Box<Stmt>> {
        c.map(|&c| Box::new(self.stmt(c)))
    }

    /// A missing child (only in code with errors) becomes `Nop` / `Opaque`.
    fn stmt_or_nop(&mut self, c: Option<&CXCursor>, parent: CXCursor) -> Box<Stmt> {
        Box::new(match c {
            Some(&c) => self.stmt(c),
            None => self.nop(parent),
        })
    }

    fn expr_or_opaque(&mut self, c: Option<&CXCursor>, parent: CXCursor) -> Expr {
        match c {
            Some(&c) if is_expr(c) => self.expr(c),
            _ => self.opaque(parent, Vec::new()),
        }
    }

    /// Lowers `c`, pushing zero or more statements (a `DeclStmt` yields one per variable).
    fn stmt_into(&mut self, c: CXCursor, out: &mut Vec<Stmt>) {
        if self.depth >= MAX_DEPTH {
            out.push(self.nop(c));
            return;
        }
        self.depth += 1;
        self.stmt_into_inner(c, out);
        self.depth -= 1;
    }

    fn stmt_into_inner(&mut self, c: CXCursor, out: &mut Vec<Stmt>) {
        let k = cx::kind(c);
        if k == CXCursor_DeclStmt {
            self.decl_stmt(c, out);
            return;
        }
        if cx::is_expr_kind(k) {
            let e = self.expr(c);
            let span = e.span.clone();
            out.push(Stmt::new(StmtKind::Expr(e), span));
            return;
        }
        let kind = match k {
            CXCursor_CompoundStmt => {
                let mut v = Vec::new();
                for ch in cx::children(c) {
                    self.stmt_into(ch, &mut v);
                }
                StmtKind::Compound(v)
            }
            CXCursor_IfStmt => {
                let ch = cx::children(c);
                StmtKind::If {
                    cond: self.expr_or_opaque(ch.first(), c),
                    then: self.stmt_or_nop(ch.get(1), c),
                    els: self.opt_stmt(ch.get(2)),
                }
            }
            CXCursor_WhileStmt => {
                let ch = cx::children(c);
                StmtKind::While {
                    cond: self.expr_or_opaque(ch.first(), c),
                    body: self.stmt_or_nop(ch.get(1), c),
                }
            }
            CXCursor_DoStmt => {
                let ch = cx::children(c);
                StmtKind::DoWhile {
                    body: self.stmt_or_nop(ch.first(), c),
                    cond: self.expr_or_opaque(ch.get(1), c),
                }
            }
            CXCursor_ForStmt => self.for_stmt(c),
            CXCursor_SwitchStmt => {
                let ch = cx::children(c);
                StmtKind::Switch {
                    cond: self.expr_or_opaque(ch.first(), c),
                    body: self.stmt_or_nop(ch.get(1), c),
                }
            }
            CXCursor_CaseStmt => {
                let ch = cx::children(c);
                let value = ch.first().and_then(|&v| cx::eval_int(v));
                let hi = if ch.len() >= 3 {
                    cx::eval_int(ch[1])
                } else {
                    None
                };
                let body = if ch.len() >= 2 { ch.last() } else { None };
                StmtKind::Case {
                    value,
                    hi,
                    body: self.stmt_or_nop(body, c),
                }
            }
            CXCursor_DefaultStmt => {
                let ch = cx::children(c);
                StmtKind::Default(self.stmt_or_nop(ch.last(), c))
            }
            CXCursor_BreakStmt => StmtKind::Break,
            CXCursor_ContinueStmt => StmtKind::Continue,
            CXCursor_ReturnStmt => {
                let ch = expr_children(c);
                StmtKind::Return(ch.first().map(|&e| self.expr(e)))
            }
            CXCursor_GotoStmt => {
                let label = cx::children(c)
                    .into_iter()
                    .find(|&l| cx::kind(l) == CXCursor_LabelRef)
                    .map(cx::spelling)
                    .unwrap_or_else(|| cx::spelling(cx::referenced(c)));
                StmtKind::Goto(label)
            }
            CXCursor_IndirectGotoStmt => {
                let ch = expr_children(c);
                StmtKind::IndirectGoto(self.expr_or_opaque(ch.first(), c))
            }
            CXCursor_LabelStmt => {
                let ch = cx::children(c);
                StmtKind::Label {
                    name: cx::spelling(c),
                    body: self.stmt_or_nop(ch.last(), c),
                }
            }
            CXCursor_NullStmt => StmtKind::Nop,
            CXCursor_AsmStmt | CXCursor_MSAsmStmt => self.asm_stmt(c),
            _ => {
                // AttributedStmt (`fallthrough;`) and other wrappers: keep what they contain.
                for ch in cx::children(c) {
                    if is_stmt_or_expr(ch) {
                        self.stmt_into(ch, out);
                    }
                }
                return;
            }
        };
        let span = self.ctx.span(c);
        out.push(Stmt::new(kind, span));
    }

    fn decl_stmt(&mut self, c: CXCursor, out: &mut Vec<Stmt>) {
        for d in cx::children(c) {
            if cx::kind(d) != CXCursor_VarDecl {
                // Local typedefs, tags, function prototypes and static assertions.
                continue;
            }
            let storage = cx::storage_class(d);
            if storage == CX_SC_Extern {
                // A block-scope `extern` names a global; references stay `Global`.
                continue;
            }
            let var = self.add_var(d, false);
            // A static local is initialised once, before the program runs.
            let init = if storage == CX_SC_Static {
                None
            } else {
                cx::var_init(d).map(|i| self.expr(i))
            };
            let span = self.ctx.span(d);
            out.push(Stmt::new(StmtKind::Decl { var, init }, span));
        }
    }

    fn for_stmt(&mut self, c: CXCursor) -> StmtKind {
        let mut ch = cx::children(c);
        ch.retain(|&x| is_stmt_or_expr(x));
        let Some(&body_c) = ch.last() else {
            return StmtKind::For {
                init: None,
                cond: None,
                inc: None,
                body: Box::new(self.nop(c)),
            };
        };
        let header = &ch[..ch.len() - 1];
        // Slot of each header child: 0 = init, 1 = cond, 2 = inc.
        let slots: Vec<usize> = match header.len() {
            0 => Vec::new(),
            1 | 2 => self
                .for_slots(c, body_c)
                .and_then(|present| {
                    let slots: Vec<usize> = (0..3).filter(|&i| present[i]).collect();
                    (slots.len() == header.len()).then_some(slots)
                })
                .unwrap_or_else(|| guess_for_slots(header)),
            _ => vec![0, 1, 2],
        };
        let (mut init, mut cond, mut inc) = (None, None, None);
        for (&h, &slot) in header.iter().zip(&slots) {
            match slot {
                0 => init = Some(Box::new(self.stmt(h))),
                1 if is_expr(h) => cond = Some(self.expr(h)),
                2 if is_expr(h) => inc = Some(self.expr(h)),
                _ => {}
            }
        }
        StmtKind::For {
            init,
            cond,
            inc,
            body: Box::new(self.stmt(body_c)),
        }
    }

    /// Which of init / cond / inc are written in the `for (...)` header, from the tokens
    /// where the `for` keyword is spelled: the source itself, or the body of the macro that
    /// expanded to the loop (`list_for_each` …), so it works for macro-made loops too.
    fn for_slots(&mut self, c: CXCursor, body: CXCursor) -> Option<[bool; 3]> {
        let (file, off) = cx::spelling_loc(cx::location(c));
        if file.is_null() {
            return None;
        }
        let (bf, boff) = cx::spelling_loc(cx::range_start(cx::extent(body)));
        let len = if bf == file && boff > off {
            (boff - off + 1).min(FOR_HEADER_WINDOW)
        } else {
            FOR_HEADER_WINDOW
        };
        let toks = cx::tokenize_window(self.ctx.tu, file, off, len);
        if toks.len() < 3 || !toks[0].is("for") || !toks[1].is("(") {
            return None;
        }
        let mut present = [false; 3];
        let (mut slot, mut parens, mut braces) = (0usize, 1u32, 0u32);
        for t in &toks[2..] {
            match t.text.as_str() {
                "(" => parens += 1,
                ")" => {
                    parens -= 1;
                    if parens == 0 {
                        return (slot == 2).then_some(present);
                    }
                }
                "{" => braces += 1,
                "}" => braces = braces.saturating_sub(1),
                ";" if parens == 1 && braces == 0 => {
                    slot += 1;
                    if slot > 2 {
                        return None;
                    }
                    continue;
                }
                _ => {}
            }
            present[slot] = true;
        }
        None
    }

    /// Inline assembly is a `Nop`, except `asm goto`, which may jump to any of its labels:
    /// it becomes one `if (?) goto label;` per label. libclang exposes neither the `goto`
    /// nor the labels, so both come from tokens (see [`FnLower::asm_goto_labels`]).
    fn asm_stmt(&mut self, c: CXCursor) -> StmtKind {
        let labels = self.asm_goto_labels(c);
        if labels.is_empty() {
            return StmtKind::Nop;
        }
        let span = self.ctx.span(c);
        let ty = Ty {
            spelling: "int".into(),
            ptr_depth: 0,
            record: None,
            is_scalar: true,
        };
        StmtKind::Compound(
            labels
                .into_iter()
                .map(|l| {
                    let goto = Stmt::new(StmtKind::Goto(l), span.clone());
                    let cond = Expr::new(ExprKind::Opaque(Vec::new()), ty.clone(), span.clone());
                    let branch = StmtKind::If {
                        cond,
                        then: Box::new(goto),
                        els: None,
                    };
                    Stmt::new(branch, span.clone())
                })
                .collect(),
        )
    }

    /// Whether `c` is an `asm goto` is read where the `asm` keyword is spelled (the source
    /// or a macro body such as `asm_volatile_goto`). The labels are read at the expansion
    /// site: after the fourth top-level `:` when the statement is written out there, or else
    /// any identifier there that names a label of this function (`unsafe_get_user(x, p,
    /// Efault)` passes the label as a macro argument).
    fn asm_goto_labels(&mut self, c: CXCursor) -> Vec<String> {
        let tu = self.ctx.tu;
        let r = cx::extent(c);
        let (sfile, soff) = cx::spelling_loc(cx::range_start(r));
        if sfile.is_null() {
            return Vec::new();
        }
        let head = cx::tokenize_window(tu, sfile, soff, 64);
        let is_goto = head
            .iter()
            .take(4)
            .take_while(|t| !t.is("("))
            .any(|t| t.is("goto"));
        if !is_goto {
            return Vec::new();
        }
        let (file, _, _, start) = cx::expansion(cx::range_start(r));
        let (efile, _, _, end) = cx::expansion(cx::range_end(r));
        if file.is_null() || efile != file || end < start {
            return Vec::new();
        }
        let toks = cx::tokenize_window(tu, file, start, end - start);
        let (mut depth, mut colons) = (0u32, 0u32);
        let mut labels = Vec::new();
        for t in &toks {
            match t.text.as_str() {
                "(" => depth += 1,
                ")" => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 && colons >= 4 {
                        return labels;
                    }
                }
                ":" if depth == 1 => colons += 1,
                // Lexed as one token only in C23 / C++, but be safe.
                "::" if depth == 1 => colons += 2,
                _ if colons == 4 && depth == 1 && t.kind == CXToken_Identifier => {
                    labels.push(t.text.clone())
                }
                _ => {}
            }
        }
        let names = self.label_names();
        let mut labels: Vec<String> = toks
            .into_iter()
            .filter(|t| t.kind == CXToken_Identifier && names.contains(&t.text))
            .map(|t| t.text)
            .collect();
        labels.dedup();
        labels
    }

    fn label_names(&mut self) -> &std::collections::HashSet<String> {
        let func = self.func;
        self.labels.get_or_insert_with(|| {
            cx::descendants(func)
                .into_iter()
                .filter(|&d| cx::kind(d) == CXCursor_LabelStmt)
                .map(cx::spelling)
                .collect()
        })
    }
}

/// Assignment of the header children of a `for` when its tokens could not be read.
fn guess_for_slots(header: &[CXCursor]) -> Vec<usize> {
    let is_decl = |c: CXCursor| cx::kind(c) == CXCursor_DeclStmt;
    match header {
        [a] if is_decl(*a) => vec![0],
        [_] => vec![1],
        [a, b] => {
            let (a_init, b_step) = (is_decl(*a) || is_assign_like(*a), is_assign_like(*b));
            match (a_init, b_step) {
                (true, true) => vec![0, 2],
                (true, false) => vec![0, 1],
                (false, _) => vec![1, 2],
            }
        }
        _ => (0..header.len().min(3)).collect(),
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

/// Built from literals, named constants, sizeof, operators and globals only: no local, no
/// call, no memory access (so clang's evaluator is only asked about likely constants; it
/// decides whether a global in an unevaluated `?:` arm matters).
fn constant_shaped(e: &Expr) -> bool {
    let own = matches!(
        e.kind,
        ExprKind::IntLit(_)
            | ExprKind::Global(_)
            | ExprKind::NamedConst { .. }
            | ExprKind::OtherLit
            | ExprKind::Unevaluated
            | ExprKind::Cast(_)
            | ExprKind::Unary { .. }
            | ExprKind::Binary { .. }
            | ExprKind::Cond { .. }
    );
    if !own {
        return false;
    }
    let mut ok = true;
    e.for_each_child(|c| ok = ok && constant_shaped(c));
    ok
}
