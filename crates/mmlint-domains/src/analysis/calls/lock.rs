//! Lock API calls (`[[lock]]` in the rules data): acquire, release, downgrade, upgrade and
//! assert, unconditional ones; conditional ones split the path (`paths`) when they are a
//! statement of their own, and leave the lock `Maybe` inside a larger expression.

use mmlint_ir::{Expr, ExprKind};
use mmlint_rules::{LockAction, LockFn, LockKind, Mode};

use super::super::value::Val;
use super::super::{Event, LockVma, ReleaseEvent};
use std::sync::Arc;

use crate::state::{is_vma_lock, HoldMode, LockKey, State, Status, VMA_LOCK_PREFIX};

pub(crate) fn hold(mode: Mode) -> HoldMode {
    match mode {
        Mode::Write => HoldMode::Write,
        _ => HoldMode::Read,
    }
}

impl LockVma<'_> {
    /// A call to the lock API, applied to the lock it names.
    pub(crate) fn lock_call(&mut self, st: &mut State, e: &Expr, l: &LockFn, vals: &[Val]) -> Val {
        let Some((key, display)) = self.lock_of_or_held(st, l, e, vals) else {
            return Val::default();
        };
        // The mmap_lock's own write unlock and downgrade end the VMA write locks: that is
        // their job, not a premature end.
        if l.lock_kind == LockKind::MmVmaWrite
            && self
                .db
                .lock_fn(&self.body.func.name)
                .is_some_and(|f| matches!(f.action, LockAction::Release | LockAction::Downgrade))
        {
            return Val::default();
        }
        // The raw rwsem of a per-VMA lock is the VMA's read lock only when taken for read:
        // its write side is vma_start_write()'s own business (mm.h:757-765).
        if l.lock_kind == LockKind::Rwsem && is_vma_lock(&key) && l.mode == Mode::Write {
            return Val::default();
        }
        let text = self.text(e);
        match l.action {
            LockAction::Acquire => {
                let lk = st.lock_mut(&key, &display);
                if lk.status == Status::Unknown {
                    self.takes_from_entry.insert(key.clone());
                }
                lk.status = if l.succeeds_when.is_some() {
                    // The result is not branched on where the analysis can see it.
                    Status::Maybe
                } else {
                    Status::Held(hold(l.mode))
                };
                lk.acquired_at = Some(e.span.clone());
                lk.acquired_by = Some(text);
                // `down_read(&vma->vm_lock->lock)`: the VMA now lives as long as its own
                // lock, past the mmap_lock it was found under.
                if l.lock_kind == LockKind::Rwsem && is_vma_lock(&key) {
                    if let Some(vma) = vma_of_lock_rwsem(e, l.lock_arg) {
                        self.bind_to_vma_lock(st, vma, &key, e);
                    }
                }
            }
            // Released or not, depending on a result nobody tests here.
            LockAction::Release if l.succeeds_when.is_some() => {
                st.lock_mut(&key, &display).status = Status::Maybe;
            }
            LockAction::Release => {
                let lk = st.lock_mut(&key, &display).clone();
                self.emit(Event::Release(ReleaseEvent {
                    at: e.span.clone(),
                    key: key.clone(),
                    call: text,
                    lock_display: lk.display.clone(),
                    mode: hold(l.mode),
                    before: lk.status.clone(),
                    acquired_at: lk.acquired_at.clone(),
                    acquired_by: lk.acquired_by.clone(),
                }));
                let before = st.lock_mut(&key, &display).clone();
                self.release_ties_vma_params(st, &key, &before, &e.span);
                let lk = st.lock_mut(&key, &display);
                lk.status = Status::Released(e.span.clone());
                if self.release_kills(&key) {
                    st.kill_vmas_of(&key, &e.span);
                }
            }
            LockAction::Downgrade => {
                let lk = st.lock_mut(&key, &display);
                if lk.status == Status::Held(HoldMode::Write) {
                    lk.status = if l.succeeds_when.is_some() {
                        // Downgraded or not, depending on a result nobody tests here.
                        Status::Maybe
                    } else {
                        Status::Held(HoldMode::Read)
                    };
                }
            }
            LockAction::Upgrade => {
                // Upgraded or not, depending on a result nobody tests here.
                let lk = st.lock_mut(&key, &display);
                if lk.status == Status::Held(HoldMode::Read) {
                    lk.status = Status::Maybe;
                }
            }
            LockAction::Assert => self.assert_held(st, &key, &display, e, &l.name, l.mode, true),
        }
        Val::default()
    }

    /// An assertion that `key` is held in `mode` (`mmap_assert_locked`, a failed trylock
    /// used as an assertion): from then on it is, and a lock this function never touched
    /// is a requirement its callers must meet (in that mode, with the assertion as origin).
    /// `checked`: the assertion is also checked against this function's own state (an
    /// explicit `mmap_assert_*()`); a trylock used as an assertion only passes the
    /// requirement on, since the failed trylock could also be one that merely failed.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn assert_held(
        &mut self,
        st: &mut State,
        key: &LockKey,
        display: &str,
        e: &Expr,
        name: &str,
        mode: Mode,
        checked: bool,
    ) {
        st.lock_mut(key, display);
        // `vma_assert_locked()` accepts the VMA's read lock or the mmap_lock: no single
        // lock the callers must hold, so no requirement.
        if !is_vma_lock(key) {
            if checked {
                self.needs_lock(st, key, display, e, name, hold(mode));
            } else {
                self.pass_on_need(st, key, e, name, hold(mode));
            }
        }
        let lk = st.lock_mut(key, display);
        match (&lk.status, mode) {
            (Status::Unknown | Status::Maybe, Mode::Write) => {
                lk.status = Status::Held(HoldMode::Write)
            }
            (Status::Unknown | Status::Maybe, _) => lk.status = Status::Held(HoldMode::Read),
            _ => {}
        }
    }

    /// Names the lock a lock-API call operates on.
    pub(crate) fn lock_of(
        &self,
        l: &LockFn,
        call: &Expr,
        args: &[Val],
    ) -> Option<(LockKey, String)> {
        let v = args.get(l.lock_arg)?;
        match l.lock_kind {
            LockKind::Mm => v.lock.clone().or_else(|| {
                let ExprKind::Call { args: a, .. } = &call.kind else {
                    return None;
                };
                Some(self.lock_named(a.get(l.lock_arg)?))
            }),
            // Only an rwsem reached through the mm's lock field (`&mm->mmap_lock`) is an
            // mmap_lock; `eval` marks exactly those with the mm's lock.
            LockKind::Rwsem => v.lock.clone(),
            LockKind::Vma => v
                .prov
                .as_ref()
                .map(|p| (p.lock.clone(), p.lock.to_string())),
            LockKind::VmaLock => {
                let ExprKind::Call { args: a, .. } = &call.kind else {
                    return None;
                };
                Some(self.vma_lock_of(a.get(l.lock_arg)?, v.prov.as_ref()))
            }
            LockKind::MmVmaWrite => {
                let (key, display) = v.lock.clone().or_else(|| {
                    let ExprKind::Call { args: a, .. } = &call.kind else {
                        return None;
                    };
                    Some(self.lock_named(a.get(l.lock_arg)?))
                })?;
                Some((
                    Arc::from(format!("{VMA_LOCK_PREFIX}write:{key}").as_str()),
                    display,
                ))
            }
            LockKind::Fault => None,
        }
    }

    /// [`Self::lock_of`], falling back to the lock this function holds when the argument
    /// does not say (a VMA the analysis did not see being obtained).
    pub(crate) fn lock_of_or_held(
        &self,
        st: &State,
        l: &LockFn,
        call: &Expr,
        args: &[Val],
    ) -> Option<(LockKey, String)> {
        match (self.lock_of(l, call, args), l.lock_kind) {
            (Some(k), _) => Some(k),
            (None, LockKind::Vma) => self.held_lock(st),
            (None, LockKind::Fault) => self.held_vma_lock(st).or_else(|| self.held_lock(st)),
            (None, _) => None,
        }
    }

    /// The lock a call's VMA belongs to when no argument names the mm: the one this
    /// function holds (iterators initialised elsewhere).
    pub(crate) fn held_lock(&self, st: &State) -> Option<(LockKey, String)> {
        st.locks
            .iter()
            .find(|(k, l)| matches!(l.status, Status::Held(_)) && !is_vma_lock(k))
            .map(|(k, l)| (k.clone(), l.display.clone()))
    }
}

/// The VMA of a raw per-VMA lock operation's argument: `vma` in `&vma->vm_lock->lock`.
fn vma_of_lock_rwsem(call: &Expr, arg: usize) -> Option<&Expr> {
    let ExprKind::Call { args, .. } = &call.kind else {
        return None;
    };
    let ExprKind::AddrOf(rwsem) = &args.get(arg)?.strip_casts().kind else {
        return None;
    };
    let ExprKind::Member { base: lock, .. } = &rwsem.strip_casts().kind else {
        return None;
    };
    let ExprKind::Member { base: vma, .. } = &lock.strip_casts().kind else {
        return None;
    };
    Some(vma)
}
