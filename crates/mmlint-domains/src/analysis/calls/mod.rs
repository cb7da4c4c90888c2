//! The call transfer function: [`LockVma::call`] evaluates the arguments, applies what any
//! call may do (write through a pointer it is given), and dispatches on what the rules data
//! (or a learned summary) says the callee is. One file per category of rules data:
//! - `lock`: lock API calls (acquire, release, downgrade, upgrade, assert);
//! - `vma_source`: calls that return a VMA (lookups, iterators);
//! - `droppers`: calls that may drop the lock and say so in their result or an
//!   out-parameter (fault handlers, retake flags, released-when-false);
//! - `gup`: get_user_pages and friends;
//! - `vma_lock`: per-VMA locks (6.4+): their keys, `lock_vma_under_rcu()`;
//! - `pin`: calls that take a reference on a VMA-derived object;
//! - `learned`: summaries of other functions, and this function's own.

mod droppers;
mod gup;
mod learned;
mod lock;
mod pin;
mod vma_lock;
mod vma_source;

use mmlint_ir::{Callee, Expr, ExprKind, VarId};

use super::value::Val;
use super::LockVma;
use crate::state::{Place, Sign, State};

pub(crate) use droppers::{fault_outcomes, retake_outcomes, DropSplit};
pub(crate) use learned::SummarySplit;
pub(crate) use lock::hold;

impl LockVma<'_> {
    pub(crate) fn call(
        &mut self,
        st: &mut State,
        e: &Expr,
        callee: &Callee,
        args: &[Expr],
        infeasible: &mut bool,
    ) -> Val {
        if let Callee::Indirect(c) = callee {
            self.eval(st, c, infeasible);
        }
        let summary = match callee {
            Callee::Direct(n) if !self.db.knows(n) => self.summaries.get(n).cloned(),
            _ => None,
        };
        // Which rules entry describes the call: by name, kernel version and the callee's
        // declared parameter types.
        let name = name_of(callee);
        let decl = self.decl(name);
        let gup = self.db.gup_at(name, args.len(), decl);
        let before = learned::out_signs_before(st, summary.as_deref(), args);
        let gup_before = gup::Before::of(st, gup, args);
        let vals: Vec<Val> = args.iter().map(|a| self.eval(st, a, infeasible)).collect();
        self.callee_writes(st, e, callee, args, &vals);
        if self.db.is_noreturn(name) || self.noreturn.contains(name) {
            *infeasible = true;
            return Val::default();
        }
        if let Some(l) = self.db.lock_fn_at(name, decl) {
            return self.lock_call(st, e, l, &vals);
        }
        if let Some(src) = self
            .db
            .vma_source_at(name, decl)
            .filter(|_| vma_source::returns_vma(self, e))
        {
            if src.vma_locked {
                return self.vma_locked_source_call(st, e, name, src);
            }
            return self.vma_source_call(st, e, name, src, args, &vals);
        }
        if let Some(fh) = self.db.fault_handler_at(name, decl) {
            return self.fault_handler_call(st, e, fh, args, &vals);
        }
        if let Some(rf) = self.db.retake_flag(name) {
            return self.retake_flag_call(st, e, rf, args, &vals);
        }
        if let Some(rr) = self.db.retry_releases(name) {
            return self.retry_releases_call(st, e, rr, &vals);
        }
        if let Some(rw) = self.db.released_when_false(name) {
            return self.released_when_false_call(st, e, rw, args, &vals);
        }
        if let Some(g) = gup {
            return self.gup_call(st, e, name, g, args, &vals, &gup_before);
        }
        if self.db.is_err_ptr(name) {
            return Val {
                sign: Some(Sign::NEG),
                ..Val::default()
            };
        }
        if let Some(p) = self.db.pin(name) {
            return self.pin_call(st, p, args, &vals);
        }
        if let Some(w) = self.db.needs_write_at(name, decl) {
            self.write_call(st, e, name, w, args, &vals);
        }
        if let Some(sum) = summary {
            return self.summary_call(st, e, name, &sum, args, &vals, &before);
        }
        if !self.db.is_no_deref(name) {
            for (a, v) in args.iter().zip(&vals) {
                if let Some(p) = &v.prov {
                    if !p.is_array {
                        self.use_vma(st, p, a);
                    }
                }
            }
        }
        Val::default()
    }

    /// What any call may do to the caller's state, whatever the callee.
    fn callee_writes(
        &mut self,
        st: &mut State,
        e: &Expr,
        callee: &Callee,
        args: &[Expr],
        vals: &[Val],
    ) {
        // The callee may write through a pointer it is given.
        for a in args {
            if let ExprKind::Local(p) = a.strip_casts().kind {
                st.signs.remove(&Place::Deref(p));
                if self.body.func.var(p).ty.is_pointer() {
                    self.wrote_through(st, p);
                }
            }
        }
        // A callee given `&vma` may store another VMA there (`hugepage_vma_revalidate(mm,
        // addr, ..., &vma, cc)`): what it stores is looked up under the current hold.
        if !self.db.knows(name_of(callee)) {
            for (a, v) in args.iter().zip(vals) {
                let Some(out) = v.addr_of else { continue };
                let Some(old) = st.vmas.get(&out).cloned() else {
                    continue;
                };
                if a.ty.ptr_depth >= 2 && !old.is_array {
                    let fresh = self.new_vma(st, &old.lock, &e.span, name_of(callee));
                    st.vmas.insert(out, fresh);
                }
            }
        }
    }
}

/// The place a callee writes through an out-parameter argument: the local whose address is
/// passed (`&locked`), or what a pointer local points to (`locked`).
pub(crate) fn out_place(arg: &Expr, addr_of: Option<VarId>) -> Option<Place> {
    match (addr_of, &arg.strip_casts().kind) {
        (Some(v), _) => Some(Place::Var(v)),
        (None, ExprKind::Local(p)) => Some(Place::Deref(*p)),
        _ => None,
    }
}

pub(crate) fn name_of(c: &Callee) -> &str {
    match c {
        Callee::Direct(n) => n,
        Callee::Indirect(_) => "",
    }
}
