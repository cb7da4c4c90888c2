//! # gup-vmas-migration
//!
//! ## What it finds
//! Every call that still passes the `vmas` argument of a GUP function whose later signature
//! dropped it (`get_user_pages()`, `pin_user_pages()`, `get_user_pages_remote()`,
//! `pin_user_pages_remote()` and mm's internal `__get_user_pages*()`: Linux 6.5, "remove
//! the vmas parameter from GUP"), with the rewrite that applies. Level note, off by default:
//! `--enable gup-vmas-migration`, or `enable = ["gup-vmas-migration"]` in mmlint.toml.
//!
//! The cases:
//!
//! 1. `vmas` is NULL: drop the argument. `mmlint fix` does it.
//! 2. one page, and one VMA (`&vma`) used under the same lock hold: the remote
//!    `get_user_pages_remote()` becomes `get_user_page_vma_remote(mm, addr, gup_flags,
//!    &vma)`, which returns the page or an error pointer and drops the page itself when the
//!    VMA lookup fails; the others keep the call without `vmas` and look the VMA up with
//!    `vma_lookup()` right after it, under the same hold. `mmlint fix` writes either when
//!    the result is assigned (`ret = get_user_pages_remote(...);`), keeping `ret`'s meaning
//!    so the error handling after it is unchanged.
//! 3. an array of VMAs (io_uring's `io_pin_pages()` in 6.1 checks every VMA for file-backed
//!    mappings): no mechanical rewrite. 6.5 GUP itself refuses `FOLL_LONGTERM` pins of
//!    file-backed mappings that need dirty tracking, so that check can go; any other use
//!    needs a `vma_lookup()` per address under the same hold.
//! 4. a VMA from `vmas` used after the lock may have been dropped (reported by
//!    `dangling-vma`), or `vmas` passed with a non-NULL `locked` (`gup-vmas-unlockable`):
//!    that is a bug first; fix it, then migrate.
//!
//! A function that forwards its own `vmas` parameter (a wrapper) is reported too: the
//! parameter itself has to go, in the function and its callers.
//!
//! The signatures, the 6.5 replacement and the helpers are data in `rules/gup.toml`
//! (`migration`), not code.
//!
//! ## Why is this a bug?
//! It is not a bug in a tree before 6.5: it is the work a backport or an out-of-tree driver
//! must do to build against 6.5 and later. The `vmas` array is only valid while the
//! mmap_lock is held, which is why upstream removed it; the rewrites keep every VMA use
//! under the hold the VMA was looked up in.
//!
//! ## Example
//! ```c
//! mmap_read_lock(mm);
//! ret = get_user_pages_remote(mm, addr, 1, FOLL_WRITE, &page, &vma, NULL);
//! if (ret <= 0)
//!         goto out;
//! if (vma->vm_flags & VM_SHARED)
//!         ...
//! ```
//!
//! ## Use instead
//! ```c
//! mmap_read_lock(mm);
//! page = get_user_page_vma_remote(mm, addr, FOLL_WRITE, &vma);
//! ret = IS_ERR_OR_NULL(page) ? PTR_ERR_OR_ZERO(page) : 1;
//! if (ret <= 0)
//!         goto out;
//! ```
//! `mmlint fix --rule gup-vmas-migration -p compile_commands.json FILE...` prints these
//! rewrites as a patch for `patch -p1`; `--apply` writes them.
//!
//! ## Fix safety
//! Case 1 is exact. Case 2 leaves an error pointer in the page variable when the call
//! fails, where the old code left it untouched: check that no error path uses it.
//!
//! ## Known limitations
//! The rewrite is mechanical only where it is exact; these are reported with their case
//! and no fix:
//! - an array of VMAs (case 3: `testdata/rules/gup-vmas-migration/array.c`);
//! - a one-VMA call whose result is not simply assigned, or which is the unbraced body of
//!   an `if` (`one_vma_manual.c`);
//! - a wrapper's own `vmas` parameter, which its callers pass (`dangling.c`).

use std::ops::Range;

use mmlint_cfg::Terminator;
use mmlint_diagnostics::{Diagnostic, Edit, Fix, Note, Severity, SourceFile};
use mmlint_domains::Event;
use mmlint_ir::{Callee, Expr, ExprKind, Function, Span, VarId};
use mmlint_rules::{GupFn, GupMigration};

use crate::ctext::{self, call_stmt, indent_before, one_line, width, MAX_COLUMNS};
use crate::{line_of, Check, FnCx, RuleMeta};

pub struct GupVmasMigration;

static META: RuleMeta = RuleMeta {
    id: "gup-vmas-migration",
    severity: Severity::Note,
    summary: "GUP call passing 'vmas', which Linux 6.5 removed: the rewrite that applies (off by default)",
    doc: include_str!(concat!(env!("OUT_DIR"), "/gup_vmas_migration.md")),
};

impl Check for GupVmasMigration {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn enabled_by_default(&self) -> bool {
        false
    }

    fn run(&self, cx: &FnCx<'_>, out: &mut Vec<Diagnostic>) {
        let mut sites = Vec::new();
        for bb in cx.body.graph.node_weights() {
            for inst in &bb.insts {
                collect(cx, &inst.expr, true, &mut sites);
            }
            if let Terminator::Branch { cond } = &bb.term {
                collect(cx, cond, false, &mut sites);
            }
        }
        sites.sort_by(|a, b| a.call.span.start.cmp(&b.call.span.start));
        sites.dedup_by(|a, b| a.call.span == b.call.span);
        for s in &sites {
            out.push(report(cx, s));
        }
    }
}

/// How the call's value is used, as far as a rewrite cares.
enum Form<'a> {
    /// `lhs = call;` with `lhs` a local the user declared.
    Assigned { lhs: &'a Expr },
    /// Any other place (a condition, an argument, an initialiser, an ignored result).
    Other,
}

struct Site<'a> {
    call: &'a Expr,
    args: &'a [Expr],
    name: &'a str,
    gup: &'a GupFn,
    migration: &'a GupMigration,
    form: Form<'a>,
}

fn collect<'a>(cx: &FnCx<'a>, e: &'a Expr, top: bool, out: &mut Vec<Site<'a>>) {
    let func = &cx.body.func;
    if top {
        if let ExprKind::Assign { op: None, lhs, rhs } = &e.kind {
            let user_local = matches!(lhs.strip_casts().kind,
                ExprKind::Local(v) if !func.var(v).is_temp);
            if user_local {
                if let Some(site) = site(cx, rhs.strip_casts(), Form::Assigned { lhs }) {
                    out.push(site);
                    for c in children(rhs.strip_casts()) {
                        collect(cx, c, false, out);
                    }
                    return;
                }
            }
        }
    }
    if let Some(site) = site(cx, e, Form::Other) {
        out.push(site);
    }
    for c in children(e) {
        collect(cx, c, false, out);
    }
}

/// The direct sub-expressions of `e` (`Expr::for_each_child`'s, with their lifetime).
fn children(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Member { base, .. } => vec![&**base],
        ExprKind::Deref(x) | ExprKind::AddrOf(x) | ExprKind::Cast(x) => vec![&**x],
        ExprKind::Unary { operand, .. } => vec![&**operand],
        ExprKind::Index { base: a, index: b }
        | ExprKind::Binary { lhs: a, rhs: b, .. }
        | ExprKind::Assign { lhs: a, rhs: b, .. } => vec![&**a, &**b],
        ExprKind::Cond { cond, then, els } => {
            let mut v = vec![&**cond];
            v.extend(then.as_deref());
            v.push(els);
            v
        }
        ExprKind::Call { callee, args } => {
            let mut v: Vec<&Expr> = match callee {
                Callee::Indirect(c) => vec![&**c],
                Callee::Direct(_) => vec![],
            };
            v.extend(args);
            v
        }
        ExprKind::InitList(es) | ExprKind::Opaque(es) => es.iter().collect(),
        _ => vec![],
    }
}

fn site<'a>(cx: &FnCx<'a>, e: &'a Expr, form: Form<'a>) -> Option<Site<'a>> {
    let ExprKind::Call {
        callee: Callee::Direct(name),
        args,
    } = &e.kind
    else {
        return None;
    };
    let gup = cx.db.gup(name, args.len())?;
    let migration = gup.migration.as_ref()?;
    Some(Site {
        call: e,
        args,
        name,
        gup,
        migration,
        form,
    })
}

/// What the `vmas` argument is.
enum Vmas {
    Null,
    /// The enclosing function's parameter, or a choice involving one: a wrapper.
    Forwarded,
    /// `&vma`: room for one VMA.
    One(VarId),
    Array,
}

fn classify(func: &Function, e: &Expr) -> Vmas {
    let e = e.strip_casts();
    if e.const_value() == Some(0) {
        return Vmas::Null;
    }
    match &e.kind {
        ExprKind::Local(v) if func.var(*v).is_param => Vmas::Forwarded,
        ExprKind::Cond { .. } => Vmas::Forwarded,
        ExprKind::AddrOf(x) => match x.strip_casts().kind {
            ExprKind::Local(v) => Vmas::One(v),
            _ => Vmas::Array,
        },
        _ => Vmas::Array,
    }
}

fn report(cx: &FnCx<'_>, s: &Site<'_>) -> Diagnostic {
    let func = &cx.body.func;
    let g = s.gup;
    let m = s.migration;
    let vi = g.vmas_arg.expect("validated: a migration has vmas_arg");
    let vmas_expr = &s.args[vi];
    let vmas = vmas_expr.display(func).to_string();
    let name = s.name;
    let since = &m.since;
    let mut notes = Vec::new();
    let mut fix = None;
    // GUP may drop the lock (the domain's reading of `locked` and the flags, as for
    // gup-vmas-unlockable).
    let unlockable = cx.facts.events.iter().any(|e| {
        matches!(e, Event::Gup(c) if c.at == s.call.span && (c.locked_nonnull || c.unlockable_flag))
    });
    // Dangling uses of what this call stored in `vmas` (the domain's provenance).
    let dangling: Vec<&Span> = cx
        .facts
        .events
        .iter()
        .filter_map(|e| match e {
            Event::VmaUse(u)
                if u.prov.obtained_at == s.call.span && u.prov.source.starts_with("vmas") =>
            {
                Some(&u.at)
            }
            _ => None,
        })
        .collect();
    let message = match classify(func, vmas_expr) {
        Vmas::Null => {
            fix = cx.source.and_then(|src| {
                let call = call_text(src, s)?;
                Some(Fix {
                    description: format!("drop the NULL 'vmas' argument ({since} signature)"),
                    edits: vec![drop_arg(src, &call, vi)?],
                })
            });
            format!("{name}() passes NULL for 'vmas', which Linux {since} removed: drop the argument")
        }
        Vmas::Forwarded => format!(
            "{name}() forwards 'vmas' ({vmas}) from the caller of {}(): Linux {since} removed the argument; remove the parameter from {}() and its callers too",
            func.name, func.name
        ),
        _ if !dangling.is_empty() || unlockable => {
            for at in &dangling {
                notes.push(Note {
                    span: (*at).clone(),
                    message: "VMA from 'vmas' used here after the lock may have been dropped"
                        .into(),
                });
            }
            let why = if dangling.is_empty() {
                "GUP may also drop the lock ('locked' or FOLL_UNLOCKABLE) and leave the VMAs dangling (see gup-vmas-unlockable)".to_string()
            } else {
                format!(
                    "a VMA from it is used after the lock may have been dropped (line {}, see dangling-vma)",
                    line_of(dangling[0])
                )
            };
            format!(
                "{name}() fills 'vmas' ({vmas}), which Linux {since} removed, but {why}: fix that bug first, then drop 'vmas' and look the VMA up under the hold that uses it"
            )
        }
        Vmas::One(vma)
            if g
                .nr_arg
                .and_then(|i| s.args.get(i))
                .and_then(|a| a.const_value())
                == Some(1) =>
        {
            let vma_name = &func.var(vma).name;
            if never_read(cx, vma) {
                fix = cx.source.and_then(|src| {
                    let call = call_text(src, s)?;
                    let mut edits = vec![drop_arg(src, &call, vi)?];
                    edits.extend(declaration_line(src, func, vma));
                    Some(Fix {
                        description: format!(
                            "drop 'vmas' ({since} signature); '{vma_name}' is never read"
                        ),
                        edits,
                    })
                });
                return finish(cx, s, format!(
                    "{name}() fills 'vmas' with one VMA ('{vma_name}') that is never read, and Linux {since} removed 'vmas': drop the argument and the variable"
                ), notes, fix);
            }
            match (&m.single_page, &m.lookup) {
                (Some(helper), _) => {
                    fix = cx.source.and_then(|src| single_page_fix(src, s, helper));
                    format!(
                        "{name}() fills 'vmas' with one VMA ('{vma_name}') for one page, which Linux {since} removed: use {helper}(), which returns the page or an error pointer and looks the VMA up under the same hold"
                    )
                }
                (None, Some(lookup)) => {
                    fix = cx.source.and_then(|src| lookup_fix(src, s, vma_name, lookup));
                    format!(
                        "{name}() fills 'vmas' with one VMA ('{vma_name}') for one page, which Linux {since} removed: drop 'vmas' and look the VMA up with {lookup}() after the call, under the same hold"
                    )
                }
                (None, None) => format!(
                    "{name}() fills 'vmas' with one VMA ('{vma_name}'), which Linux {since} removed: drop 'vmas' and look the VMA up with vma_lookup() under the same hold"
                ),
            }
        }
        _ => format!(
            "{name}() fills a VMA array ('vmas' = {vmas}), which Linux {since} removed: no mechanical rewrite. If the VMAs are only checked for file-backed FOLL_LONGTERM pins, the check can go ({since} GUP refuses file-backed mappings that need dirty tracking); otherwise look each VMA up with vma_lookup() under the same hold"
        ),
    };
    finish(cx, s, message, notes, fix)
}

fn finish(
    cx: &FnCx<'_>,
    s: &Site<'_>,
    message: String,
    notes: Vec<Note>,
    fix: Option<Fix>,
) -> Diagnostic {
    let mut d = cx.diag(&META, s.call.span.clone(), message, notes);
    d.fix = fix;
    d
}

/// `v` is only ever written: passed as `&v` for a GUP `vmas` output, or assigned a
/// constant (`vma = NULL`).
fn never_read(cx: &FnCx<'_>, v: VarId) -> bool {
    fn reads(cx: &FnCx<'_>, e: &Expr, v: VarId) -> usize {
        match &e.kind {
            ExprKind::Local(x) => usize::from(*x == v),
            ExprKind::Assign { op: None, lhs, rhs }
                if matches!(lhs.strip_casts().kind, ExprKind::Local(x) if x == v)
                    && rhs.const_value().is_some() =>
            {
                0
            }
            ExprKind::Call {
                callee: Callee::Direct(name),
                args,
            } => {
                let vmas = cx
                    .db
                    .gup(name, args.len())
                    .filter(|g| g.migration.is_some())
                    .and_then(|g| g.vmas_arg);
                args.iter()
                    .enumerate()
                    .map(|(i, a)| {
                        let out = Some(i) == vmas
                            && matches!(&a.strip_casts().kind, ExprKind::AddrOf(x)
                                if matches!(x.strip_casts().kind, ExprKind::Local(y) if y == v));
                        if out {
                            0
                        } else {
                            reads(cx, a, v)
                        }
                    })
                    .sum()
            }
            _ => children(e).into_iter().map(|c| reads(cx, c, v)).sum(),
        }
    }
    let mut n = 0;
    for bb in cx.body.graph.node_weights() {
        for inst in &bb.insts {
            n += reads(cx, &inst.expr, v);
        }
        match &bb.term {
            Terminator::Branch { cond } => n += reads(cx, cond, v),
            Terminator::Switch { discr } => n += reads(cx, discr, v),
            Terminator::Return { value: Some(e), .. } => n += reads(cx, e, v),
            _ => {}
        }
    }
    n == 0
}

/// Deletes the line declaring `v` when it declares nothing else
/// (`struct vm_area_struct *vma;`).
fn declaration_line(src: &SourceFile, func: &Function, v: VarId) -> Option<Edit> {
    let d = func.var(v);
    if d.is_param || *d.span.start.file != *src.name {
        return None;
    }
    let line = src.line(d.span.start.line);
    let alone = line.trim().strip_suffix(';').is_some_and(|decl| {
        decl.strip_suffix(d.name.as_str()).is_some_and(|ty| {
            ty.trim_end().trim_end_matches('*').trim() == d.ty.spelling.trim_end_matches('*').trim()
        })
    });
    if !alone {
        return None;
    }
    let start = src.offset(d.span.start.line, 1)?;
    let end = (start + line.len() + 1).min(src.text.len());
    Some(Edit::replace(src, start..end, String::new()))
}

/// The call as written, checked against the IR: same callee, same number of arguments.
fn call_text(src: &SourceFile, s: &Site<'_>) -> Option<ctext::CallText> {
    let c = ctext::call_at(src, &s.call.span.start, s.name)?;
    (c.args.len() == s.args.len()).then_some(c)
}

/// Removes argument `i`: from its start to the next argument's (`NULL, `), or from the end
/// of the previous one (`, NULL`). A choice that keeps the call's line breaks wins (the
/// smallest diff, as upstream did for most sites), then one that keeps the joined line
/// within 100 columns.
fn drop_arg(src: &SourceFile, call: &ctext::CallText, i: usize) -> Option<Edit> {
    let mut choices = Vec::new();
    if let Some(next) = call.args.get(i + 1) {
        choices.push(call.args[i].start..next.start);
    }
    if i > 0 {
        choices.push(call.args[i - 1].end..call.args[i].end);
    }
    let fits = |r: &Range<usize>| {
        let (ls, le) = (ctext::line_start(src, r.start), ctext::line_end(src, r.end));
        let joined = format!("{}{}", &src.text[ls..r.start], &src.text[r.end..le]);
        width(&joined) <= MAX_COLUMNS
    };
    let keeps_lines = |r: &&Range<usize>| !src.text[(*r).clone()].contains('\n');
    let r = choices
        .iter()
        .find(|r| keeps_lines(r))
        .or_else(|| choices.iter().find(|r| fits(r)))
        .or(choices.first())?
        .clone();
    Some(Edit::replace(src, r, String::new()))
}

/// The statement `lhs = call;` as written: (statement range up to and including `;`, its
/// indentation, the text of `lhs`).
fn assigned_stmt<'s>(
    src: &'s SourceFile,
    s: &Site<'_>,
    call: &ctext::CallText,
) -> Option<(Range<usize>, &'s str, &'s str)> {
    let Form::Assigned { lhs } = &s.form else {
        return None;
    };
    let start = src.offset(lhs.span.start.line, lhs.span.start.col)?;
    let indent = indent_before(src, start)?;
    // One statement becomes several: not as the unbraced body of an if/else/loop.
    if !ctext::in_block(src, start) {
        return None;
    }
    let lhs_text = src.text.get(start..call.range.start)?.trim_end();
    let lhs_text = lhs_text.strip_suffix('=')?.trim_end();
    let simple = !lhs_text.is_empty()
        && lhs_text
            .chars()
            .all(|c| c == '_' || c.is_ascii_alphanumeric());
    if !simple {
        return None;
    }
    let after = &src.text[call.range.end..];
    let semi = call.range.end + after.find(|c: char| !c.is_whitespace())?;
    (src.text.as_bytes()[semi] == b';').then_some((start..semi + 1, indent, lhs_text))
}

/// `&x` → `x`: a local whose address is passed.
fn addressed_local(src: &SourceFile, e: &Expr, r: &Range<usize>) -> Option<String> {
    let ExprKind::AddrOf(x) = &e.strip_casts().kind else {
        return None;
    };
    if !matches!(x.strip_casts().kind, ExprKind::Local(_)) {
        return None;
    }
    one_line(src, r)
        .strip_prefix('&')
        .map(|t| t.trim().to_string())
}

/// `ret = get_user_pages_remote(mm, addr, 1, flags, &page, &vma, NULL);` becomes
/// `page = get_user_page_vma_remote(mm, addr, flags, &vma);` and `ret` gets what GUP
/// returned for one page (1, 0 or the error), so the code after it is unchanged.
fn single_page_fix(src: &SourceFile, s: &Site<'_>, helper: &str) -> Option<Fix> {
    let g = s.gup;
    let call = call_text(src, s)?;
    let (range, indent, lhs) = assigned_stmt(src, s, &call)?;
    let arg = |i: Option<usize>| i.map(|i| one_line(src, &call.args[i]));
    let page = addressed_local(src, &s.args[g.pages_arg?], &call.args[g.pages_arg?])?;
    let vmas = one_line(src, &call.args[g.vmas_arg?]);
    let args = [arg(g.mm_arg)?, arg(g.start_arg)?, arg(g.flags_arg)?, vmas];
    let first = call_stmt(indent, &format!("{page} = "), helper, &args, ";");
    let text =
        format!("{first}\n{indent}{lhs} = IS_ERR_OR_NULL({page}) ? PTR_ERR_OR_ZERO({page}) : 1;");
    Some(Fix {
        description: format!(
            "use {helper}(); '{lhs}' keeps GUP's one-page result ('{page}' holds an error pointer on failure)"
        ),
        edits: vec![Edit::replace(src, range, text)],
    })
}

/// `ret = get_user_pages(addr, 1, flags, &page, &vma);` loses `&vma`, and the VMA is looked
/// up under the same hold right after it; without one, the page is dropped and `ret`
/// becomes an error, as `get_user_page_vma_remote()` does.
fn lookup_fix(src: &SourceFile, s: &Site<'_>, vma: &str, lookup: &str) -> Option<Fix> {
    let g = s.gup;
    let m = s.migration;
    let call = call_text(src, s)?;
    let (range, indent, lhs) = assigned_stmt(src, s, &call)?;
    let page = addressed_local(src, &s.args[g.pages_arg?], &call.args[g.pages_arg?])?;
    let mm = match g.mm_arg {
        Some(i) => one_line(src, &call.args[i]),
        None => "current->mm".to_string(),
    };
    let start = one_line(src, &call.args[g.start_arg?]);
    let release = m.release_page.as_deref()?;
    let lookup_line = format!("{indent}\t{vma} = {lookup}({mm}, {start});");
    if width(&lookup_line) > MAX_COLUMNS {
        return None;
    }
    let block = format!(
        "\n{indent}if ({lhs} > 0) {{\n{lookup_line}\n{indent}\tif (WARN_ON_ONCE(!{vma})) {{\n{indent}\t\t{release}({page});\n{indent}\t\t{lhs} = -EINVAL;\n{indent}\t}}\n{indent}}}"
    );
    // After the statement's line, past a trailing comment; not when code follows.
    let end = ctext::line_end(src, range.end);
    let rest = src.text[range.end..end].trim();
    let comment = rest.is_empty()
        || rest.starts_with("//")
        || (rest.starts_with("/*") && rest.ends_with("*/") && !rest[2..].contains("/*"));
    if !comment {
        return None;
    }
    Some(Fix {
        description: format!("drop 'vmas' and look '{vma}' up with {lookup}() after the call"),
        edits: vec![
            drop_arg(src, &call, g.vmas_arg?)?,
            Edit::replace(src, end..end, block),
        ],
    })
}
