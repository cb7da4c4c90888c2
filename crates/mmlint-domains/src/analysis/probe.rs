//! Trylocks used as assertions. `BUG_ON(mmap_read_trylock(mm))` does not try to take the
//! lock: it asserts that somebody (the caller) holds it, since only then can the trylock
//! fail, and its success path cannot go on. `if (WARN_ON(down_read_trylock(sem))) {
//! up_read(sem); return; }` says the same and backs out on success. The failure of such a
//! call is an assertion (the mode its rules entry's `failure_asserts` names), not an acquire
//! that failed and left the caller without the lock.
//!
//! Found on the statement tree, before the CFG flattens it: an `if` whose condition is true
//! exactly when the trylock succeeded and whose branch either cannot return (`BUG()`) or
//! releases a lock and returns.

use std::collections::{BTreeSet, HashSet};

use mmlint_ir::{Expr, ExprKind, Function, Loc, Stmt, StmtKind, UnOp};
use mmlint_rules::{ApiDb, LockAction};

/// The start positions of the trylock calls that are assertions.
pub fn assertion_probes(f: &Function, db: &ApiDb, noreturn: &BTreeSet<String>) -> HashSet<Loc> {
    let mut out = HashSet::new();
    walk(&f.body, db, noreturn, &mut out);
    out
}

fn walk(s: &Stmt, db: &ApiDb, noreturn: &BTreeSet<String>, out: &mut HashSet<Loc>) {
    match &s.kind {
        StmtKind::If { cond, then, els } => {
            if let Some(call) = probe_call(cond, db, &mut Vec::new()) {
                if cannot_go_on(then, db, noreturn) {
                    out.insert(call.span.start.clone());
                }
            }
            walk(then, db, noreturn, out);
            if let Some(e) = els {
                walk(e, db, noreturn, out);
            }
        }
        StmtKind::Compound(ss) => ss.iter().for_each(|s| walk(s, db, noreturn, out)),
        StmtKind::While { body, .. }
        | StmtKind::DoWhile { body, .. }
        | StmtKind::Switch { body, .. }
        | StmtKind::Case { body, .. }
        | StmtKind::Default(body)
        | StmtKind::Label { body, .. } => walk(body, db, noreturn, out),
        StmtKind::For { init, body, .. } => {
            if let Some(i) = init {
                walk(i, db, noreturn, out);
            }
            walk(body, db, noreturn, out)
        }
        _ => {}
    }
}

/// The trylock (with `failure_asserts`) that `e` is true exactly when it succeeded: the
/// call itself under casts and `!!`, the first argument of a branch-prediction hint
/// (`__builtin_expect(x, 0)`: a call whose other arguments are constants), or a statement
/// expression (`WARN_ON()`) whose local is set from one and whose value is that local.
fn probe_call<'e>(
    e: &'e Expr,
    db: &ApiDb,
    locals: &mut Vec<(mmlint_ir::VarId, &'e Expr)>,
) -> Option<&'e Expr> {
    let e = e.strip_casts();
    match &e.kind {
        ExprKind::Call { args, .. } => {
            let name = e.direct_callee()?;
            if let Some(l) = db.lock_fn(name) {
                return (l.action == LockAction::Acquire && l.failure_asserts.is_some())
                    .then_some(e);
            }
            let (first, rest) = args.split_first()?;
            if rest.iter().all(|a| a.const_value().is_some()) {
                probe_call(first, db, locals)
            } else {
                None
            }
        }
        ExprKind::Unary {
            op: UnOp::Not,
            operand,
        } => match &operand.strip_casts().kind {
            ExprKind::Unary {
                op: UnOp::Not,
                operand: inner,
            } => probe_call(inner, db, locals),
            _ => None,
        },
        ExprKind::Local(v) => locals.iter().find(|(l, _)| l == v).map(|(_, c)| *c),
        ExprKind::StmtExpr(stmts) => {
            for s in stmts {
                if let StmtKind::Decl {
                    var,
                    init: Some(init),
                } = &s.kind
                {
                    if let Some(c) = probe_call(init, db, locals) {
                        locals.push((*var, c));
                    }
                }
            }
            match &stmts.last()?.kind {
                StmtKind::Expr(v) => probe_call(v, db, locals),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The branch cannot fall through to what follows the `if`: it calls a function that does
/// not return, or it releases a lock and returns.
fn cannot_go_on(s: &Stmt, db: &ApiDb, noreturn: &BTreeSet<String>) -> bool {
    let mut calls = Vec::new();
    let mut returns = false;
    flat(s, &mut calls, &mut returns);
    let stops = calls
        .iter()
        .any(|n| db.is_noreturn(n) || noreturn.contains(*n));
    let releases = calls.iter().any(|n| {
        db.lock_fn(n)
            .is_some_and(|l| l.action == LockAction::Release)
    });
    stops || (releases && returns)
}

/// The calls made directly by the statements of `s` (not in nested conditions' branches),
/// and whether one of them is a `return`.
fn flat<'s>(s: &'s Stmt, calls: &mut Vec<&'s str>, returns: &mut bool) {
    match &s.kind {
        StmtKind::Expr(e) => {
            if let Some(n) = e.strip_casts().direct_callee() {
                calls.push(n);
            }
        }
        StmtKind::Return(_) => *returns = true,
        StmtKind::Compound(ss) => ss.iter().for_each(|s| flat(s, calls, returns)),
        // `do { ... } while (0)`, as BUG() expands.
        StmtKind::DoWhile { body, cond } if cond.const_value() == Some(0) => {
            flat(body, calls, returns)
        }
        _ => {}
    }
}
