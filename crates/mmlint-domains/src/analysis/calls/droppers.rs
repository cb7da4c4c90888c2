//! Calls that may drop the lock and tell the caller so, splitting its path: fault handlers
//! (`[[fault_handler]]`, three ways by `VM_FAULT_*` outcome), calls that set a flag when
//! they dropped and re-took the lock (`[[retake_flag]]`), and calls whose false result
//! means the lock was released (`[[released_when_false]]`). GUP's `locked` and
//! `lock_mm_and_find_vma()`'s NULL use the same [`DropSplit`].

use mmlint_ir::{Expr, ExprKind, Span, VarId};
use mmlint_rules::{FaultHandler, ReleasedWhenFalse, RetakeFlag};

use super::super::value::{const_names, is_constant_flags, Val};
use super::super::LockVma;
use super::out_place;
use crate::state::{is_vma_lock, FaultTag, HoldMode, LockKey, Place, Sign, State, Status};

/// GUP with a non-NULL `locked`: on return `*locked == 0` means the lock was released,
/// `*locked == 1` that it is held, but it may have been dropped and re-taken inside: either
/// way every VMA obtained before the call is stale.
/// Functions like `lock_mm_and_find_vma()` say the same with their result: a VMA with the
/// lock held, or NULL with it released.
pub(crate) struct DropSplit {
    pub(crate) lock: LockKey,
    pub(crate) at: Span,
    /// What tells the two outcomes apart: 0 when the lock was dropped.
    pub(crate) flag: Flag,
    /// The flag's sign when the lock is held.
    pub(crate) kept_sign: Sign,
    /// When the lock is held on return, is it a new hold (dropped and re-taken inside)?
    /// 6.1 GUP says no: `__get_user_pages_locked()` releases the lock and clears
    /// `*locked` whenever it had dropped it (its `lock_dropped` case), so `*locked == 1`
    /// means the hold never ended and earlier VMAs are still valid (madvise_populate relies
    /// on it).
    pub(crate) new_hold_when_kept: bool,
    /// The call takes the lock itself (`lock_mm_and_find_vma()`): a kept lock is this
    /// function's hold. Otherwise the hold it had before continues.
    pub(crate) kept_acquires: bool,
    /// NULL means the call could not take the lock (`lock_vma_under_rcu()`), not that it
    /// released one.
    pub(crate) failed_acquire: bool,
    /// The call as written, for messages.
    pub(crate) call: String,
}

#[derive(Clone, Copy)]
pub(crate) enum Flag {
    /// A local passed by address (`&locked`), or what a pointer local points to.
    Place(Place),
    /// The call's result, when the statement assigns it to a local.
    Result,
    None,
}

impl LockVma<'_> {
    pub(crate) fn fault_handler_call(
        &mut self,
        st: &mut State,
        e: &Expr,
        fh: &FaultHandler,
        args: &[Expr],
        vals: &[Val],
    ) -> Val {
        let i = fh.vma_arg;
        // A constant flags argument without the allow-retry flag cannot drop the lock.
        let may_drop = match (fh.flags_arg.and_then(|f| args.get(f)), &fh.allow_retry_flag) {
            (Some(flags), Some(allow)) if is_constant_flags(flags) => {
                let mut names = Vec::new();
                const_names(flags, &mut names);
                names.iter().any(|n| n == allow)
            }
            // A local built from named flags on every path: may it hold the flag?
            (Some(flags), Some(allow)) => match &flags.strip_casts().kind {
                ExprKind::Local(v) => st
                    .flag_bits
                    .get(v)
                    .is_none_or(|bits| bits.iter().any(|n| &**n == allow.as_str())),
                _ => true,
            },
            _ => true,
        };
        if let Some(p) = vals.get(i).and_then(|v| v.prov.clone()) {
            if !p.is_array {
                self.use_vma(st, &p, &args[i]);
            }
            // Under its VMA lock the VMA's mm is not locked: only the VMA lock can end,
            // and only where the handler releases it (6.6+).
            // Under FAULT_FLAG_VMA_LOCK the handler may give up and return VM_FAULT_RETRY
            // whatever the other flags say (do_swap_page(), the userfaultfd paths).
            let may_drop = if is_vma_lock(&p.lock) {
                fh.releases_vma_lock
            } else {
                may_drop
            };
            if may_drop {
                self.fault_split = Some((p.lock.clone(), e.span.clone(), true));
            }
        }
        Val::default()
    }

    pub(crate) fn retake_flag_call(
        &mut self,
        st: &mut State,
        e: &Expr,
        rf: &RetakeFlag,
        args: &[Expr],
        vals: &[Val],
    ) -> Val {
        let (mm, fl) = (rf.mm_arg, rf.flag_arg);
        let lock = vals.get(mm).and_then(|v| v.lock.clone());
        // A pointer flag known to be NULL is not written.
        let flag = args
            .get(fl)
            .and_then(|a| out_place(a, vals[fl].addr_of))
            .filter(|p| matches!(p, Place::Var(_)) || vals[fl].sign() != Sign::ZERO);
        if let (Some((key, display)), Some(flag)) = (lock, flag) {
            st.lock_mut(&key, &display);
            self.retake_split = Some((key, e.span.clone(), flag));
        }
        Val::default()
    }

    pub(crate) fn released_when_false_call(
        &mut self,
        st: &mut State,
        e: &Expr,
        rw: &ReleasedWhenFalse,
        args: &[Expr],
        vals: &[Val],
    ) -> Val {
        let i = rw.vma_arg;
        if let Some(p) = vals.get(i).and_then(|v| v.prov.clone()) {
            if !p.is_array {
                self.use_vma(st, &p, &args[i]);
            }
            self.drop_split = Some(DropSplit {
                lock: p.lock.clone(),
                at: e.span.clone(),
                flag: Flag::Result,
                kept_sign: Sign::ONE,
                new_hold_when_kept: false,
                kept_acquires: false,
                failed_acquire: false,
                call: self.text(e),
            });
        }
        Val::default()
    }

    /// The two paths after a [`DropSplit`] call: the lock kept, the lock dropped.
    pub(crate) fn drop_outcomes(&mut self, mut st: State, d: &DropSplit, e: &Expr) -> Vec<State> {
        let flag = match (d.flag, &e.strip_casts().kind) {
            (Flag::Place(p), _) => Some(p),
            (Flag::Result, ExprKind::Assign { op: None, lhs, .. }) => {
                match lhs.strip_casts().kind {
                    ExprKind::Local(v) => Some(Place::Var(v)),
                    _ => None,
                }
            }
            (Flag::Result | Flag::None, _) => None,
        };
        let mut dropped = st.clone();
        dropped.kill_vmas_of(&d.lock, &d.at);
        if d.new_hold_when_kept {
            // Everything from before the call is stale; what it returned is not.
            let fresh: Vec<VarId> = st
                .vmas
                .iter()
                .filter(|(_, p)| p.obtained_at == d.at && p.dead.is_none())
                .map(|(v, _)| *v)
                .collect();
            st.kill_vmas_of(&d.lock, &d.at);
            for v in fresh {
                if let Some(p) = st.vmas.get_mut(&v) {
                    p.dead = None;
                }
            }
        }
        if let Some(l) = dropped.locks.get_mut(&d.lock) {
            l.status = if d.failed_acquire {
                Status::AcquireFailed(d.at.clone())
            } else {
                Status::Released(d.at.clone())
            };
        }
        if let Some(l) = st.locks.get_mut(&d.lock) {
            // A hold this function owns, or one the call took itself, now starts
            // at the call (notes say "taken again here" there).
            let ours = l.acquired_at.is_some() && d.new_hold_when_kept;
            if d.kept_acquires || ours {
                l.status = Status::Held(HoldMode::Read);
                l.acquired_at = Some(d.at.clone());
                l.acquired_by = Some(d.call.clone());
            }
        }
        if let Some(Place::Deref(v)) = flag {
            self.wrote_through(&mut dropped, v);
            self.wrote_through(&mut st, v);
        }
        if let Some(p) = flag {
            dropped.signs.insert(p, Sign::ZERO);
            if let Place::Var(v) = p {
                dropped.vmas.remove(&v);
            }
            st.signs.insert(p, d.kept_sign);
        }
        vec![st, dropped]
    }
}

/// The three paths after a fault handler call: the lock kept, a retry (released), done
/// (released), the result's local tagged with which.
pub(crate) fn fault_outcomes(
    mut st: State,
    lock: &LockKey,
    at: &Span,
    target: Option<Place>,
    stale_when_kept: bool,
) -> Vec<State> {
    // Whatever the result, VMAs from before handle_mm_fault() are stale: userfaultfd may
    // drop and re-take the mmap_lock without reporting a retry. A VMA lock is never
    // re-taken inside: while it is kept, its VMA is valid.
    let stale_when_kept = stale_when_kept && !is_vma_lock(lock);
    if stale_when_kept {
        st.kill_vmas_of(lock, at);
    }
    let mut out = Vec::new();
    for tag in [FaultTag::KEPT, FaultTag::RETRY, FaultTag::COMPLETED] {
        let mut s = st.clone();
        if tag != FaultTag::KEPT {
            if !stale_when_kept {
                s.kill_vmas_of(lock, at);
            }
            if let Some(l) = s.locks.get_mut(lock) {
                l.status = Status::Released(at.clone());
            }
        }
        if let Some(t) = target {
            s.fault_tags.insert(t, tag);
            // VM_FAULT_RETRY and VM_FAULT_COMPLETED are bits above 1: `if (ret)` is true.
            if tag != FaultTag::KEPT {
                s.signs.insert(t, Sign::GT1);
            }
        }
        out.push(s);
    }
    out
}

/// The two paths after a retake-flag call: the lock never dropped, or dropped and re-taken
/// with the flag set.
pub(crate) fn retake_outcomes(st: State, lock: &LockKey, at: &Span, flag: Place) -> Vec<State> {
    let mut retaken = st.clone();
    retaken.kill_vmas_of(lock, at);
    retaken.signs.insert(flag, Sign::ONE);
    vec![st, retaken]
}
