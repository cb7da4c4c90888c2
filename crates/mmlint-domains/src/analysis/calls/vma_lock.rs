//! Per-VMA locks (6.4+): the read lock of one VMA, a second lock kind next to the mm's
//! mmap_lock. Its key is made from the VMA (see [`VMA_LOCK_PREFIX`]); a VMA obtained under
//! it has that key as its lock, so ending the VMA lock (`vma_end_read()`, a fault handler's
//! retry) makes it dangle exactly as releasing the mmap_lock does. `lock_vma_under_rcu()`
//! (`vma_source` with `vma_locked`) returns such a VMA, or NULL with no lock taken.

use std::sync::Arc;

use mmlint_ir::{Expr, ExprKind};
use mmlint_rules::{RetryReleases, VmaSource};

use super::super::value::Val;
use super::super::LockVma;
use super::droppers::{DropSplit, Flag};
use crate::state::{
    is_vma_lock, LockKey, Prov, Sign, State, Status, VMA_LOCK_FIELD, VMA_LOCK_PREFIX,
};

impl LockVma<'_> {
    /// The per-VMA lock of the VMA `arg` (whose provenance is `p`): the one it was obtained
    /// under, or else a key of its own named after where the VMA came from.
    pub(crate) fn vma_lock_of(&self, arg: &Expr, p: Option<&Prov>) -> (LockKey, String) {
        let display = self.text(arg);
        match p {
            Some(p) if is_vma_lock(&p.lock) => (p.lock.clone(), display),
            // A VMA parameter's lock is the caller's: named relative to the parameter.
            Some(p) if p.source == "parameter" && p.derived_from.is_none() => (
                Arc::from(format!("{display}{VMA_LOCK_FIELD}").as_str()),
                display,
            ),
            Some(p) => {
                let at = &p.obtained_at.start;
                let key = format!("{VMA_LOCK_PREFIX}{display}@{}:{}", at.line, at.col);
                (Arc::from(key.as_str()), display)
            }
            None => (
                Arc::from(format!("{VMA_LOCK_PREFIX}{display}").as_str()),
                display,
            ),
        }
    }

    /// The per-VMA read lock this function holds, if any.
    pub(crate) fn held_vma_lock(&self, st: &State) -> Option<(LockKey, String)> {
        st.locks
            .iter()
            .find(|(k, l)| is_vma_lock(k) && matches!(l.status, Status::Held(_)))
            .map(|(k, l)| (k.clone(), l.display.clone()))
    }

    /// After `vma_start_read(vma)` succeeded, `vma` lives as long as its VMA lock.
    pub(crate) fn bind_to_vma_lock(&self, st: &mut State, arg: &Expr, key: &LockKey, call: &Expr) {
        let ExprKind::Local(v) = arg.strip_casts().kind else {
            return;
        };
        match st.vmas.get_mut(&v) {
            Some(p) => {
                p.lock = key.clone();
                p.dead = None;
                p.lock_taken_at = Some(call.span.clone());
                p.lock_taken_by = Some(self.text(call));
            }
            // A VMA the analysis did not see being found (6.12 lock_vma_under_rcu()'s
            // mas_walk()): from here on it is one under this VMA lock.
            None => {
                let prov = Prov {
                    lock_taken_at: Some(call.span.clone()),
                    lock_taken_by: Some(self.text(call)),
                    ..self.new_vma(st, key, &call.span, "vma_start_read")
                };
                st.vmas.insert(v, prov);
            }
        }
    }

    /// `lock_vma_under_rcu(mm, addr)`: a VMA under a VMA lock the call took, or NULL with
    /// no lock; the mm's mmap_lock is neither needed nor taken.
    pub(crate) fn vma_locked_source_call(
        &mut self,
        st: &mut State,
        e: &Expr,
        name: &str,
        _src: &VmaSource,
    ) -> Val {
        let at = &e.span.start;
        let call = self.text(e);
        let key: LockKey =
            Arc::from(format!("{VMA_LOCK_PREFIX}{name}@{}:{}", at.line, at.col).as_str());
        st.lock_mut(&key, &format!("the VMA from {call}"));
        self.drop_split = Some(DropSplit {
            lock: key.clone(),
            at: e.span.clone(),
            flag: Flag::Result,
            kept_sign: Sign::NONZERO,
            new_hold_when_kept: false,
            kept_acquires: true,
            failed_acquire: true,
            call: call.clone(),
        });
        let prov = Prov {
            lock_taken_at: Some(e.span.clone()),
            lock_taken_by: Some(call),
            ..self.new_vma(st, &key, &e.span, name)
        };
        Val {
            prov: Some(prov),
            ..Val::default()
        }
    }

    /// A fault helper that releases the fault's VMA lock when it returns a retry
    /// (`vmf_anon_prepare(vmf)`): the path splits by fault outcome, and the faulting VMA
    /// dangles on the retry paths. The lock is a fault handler's entry hold when `vmf` is
    /// its fault, else the VMA lock this function holds; with neither known, nothing.
    pub(crate) fn retry_releases_call(
        &mut self,
        st: &mut State,
        e: &Expr,
        rr: &RetryReleases,
        _vals: &[Val],
    ) -> Val {
        let ExprKind::Call { args, .. } = &e.kind else {
            return Val::default();
        };
        let key = match (
            &self.fault_vma,
            args.get(rr.vmf_arg).map(|a| &a.strip_casts().kind),
        ) {
            (Some(fv), Some(ExprKind::Local(v))) if fv.is_fault(*v) => Some(fv.key.clone()),
            _ => self.held_vma_lock(st).map(|(k, _)| k),
        };
        let held = key
            .as_ref()
            .and_then(|k| st.locks.get(k))
            .is_some_and(|l| matches!(l.status, Status::Held(_)));
        if let (Some(key), true) = (key, held) {
            self.fault_split = Some((key, e.span.clone(), false));
        }
        Val::default()
    }
}
