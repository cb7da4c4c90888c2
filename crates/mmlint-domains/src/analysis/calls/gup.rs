//! get_user_pages and its variants (`[[gup]]`): the GUP event the checks read, the lock
//! it needs or takes itself, `locked` (a [`DropSplit`]) and the `vmas` output.

use std::sync::Arc;

use mmlint_ir::{Expr, ExprKind, VarId};
use mmlint_rules::GupFn;

use super::super::value::Val;
use super::super::{Event, GupCall, LockVma};
use super::droppers::{DropSplit, Flag};
use super::out_place;
use crate::state::{HoldMode, Place, Prov, Sign, State};

/// What a GUP call needs to know from before its arguments are evaluated (evaluating
/// `&locked` or passing `locked` forgets what they held).
#[derive(Default)]
pub(crate) struct Before {
    /// Per argument: a pointer this function has itself read or written through on this
    /// path, so not NULL (6.12's `__get_user_pages_locked()` tests `*locked`, then passes
    /// `locked` on).
    derefed: Vec<bool>,
    /// For `takes_lock_when_unlocked`: the place `locked` points to and its value.
    locked: Option<(Place, Sign)>,
}

impl Before {
    pub(crate) fn of(st: &State, g: Option<&GupFn>, args: &[Expr]) -> Before {
        let Some(g) = g else {
            return Before::default();
        };
        let derefed = args
            .iter()
            .map(|a| match a.strip_casts().kind {
                ExprKind::Local(p) => st.signs.contains_key(&Place::Deref(p)),
                _ => false,
            })
            .collect();
        let locked = g
            .locked_arg
            .filter(|_| g.takes_lock_when_unlocked)
            .and_then(|i| args.get(i))
            .and_then(|a| out_place(a, addr_of_local(a)))
            .map(|p| (p, st.sign(p)));
        Before { derefed, locked }
    }
}

/// The local `&v` names.
fn addr_of_local(a: &Expr) -> Option<VarId> {
    match &a.strip_casts().kind {
        ExprKind::AddrOf(x) => match x.kind {
            ExprKind::Local(v) => Some(v),
            _ => None,
        },
        _ => None,
    }
}

impl LockVma<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn gup_call(
        &mut self,
        st: &mut State,
        e: &Expr,
        name: &str,
        g: &GupFn,
        args: &[Expr],
        vals: &[Val],
        before: &Before,
    ) -> Val {
        let mut g = g.clone();
        // `*locked == 0`: the call takes and drops the lock itself, and leaves 0 there.
        if let Some((place, was)) = before.locked {
            if was == Sign::ZERO {
                g.takes_lock = true;
                st.signs.insert(place, Sign::ZERO);
            }
        }
        let lock = match (g.mm_arg, g.vma_arg) {
            (Some(i), _) => vals.get(i).and_then(|v| v.lock.clone()),
            (None, Some(i)) => vals
                .get(i)
                .and_then(|v| v.prov.as_ref())
                .map(|p| (p.lock.clone(), p.lock.to_string())),
            (None, None) => Some((Arc::from("current->mm"), "current->mm".to_string())),
        };
        // Provably non-NULL: a wrapper forwarding its callers' `vmas` and `locked`
        // parameters is not the place of the bug.
        let nonnull = |i: Option<usize>| {
            i.and_then(|i| vals.get(i))
                .is_some_and(|v| Sign::NONZERO.contains(v.sign()))
        };
        let locked_nonnull = nonnull(g.locked_arg)
            || g.locked_arg
                .is_some_and(|i| before.derefed.get(i).copied().unwrap_or(false));
        let unlockable_flag = match (&self.db.unlockable_flag, g.flags_arg) {
            (Some(flag), Some(i)) => args.get(i).is_some_and(|a| names_global(a, flag)),
            _ => false,
        };
        self.emit(Event::Gup(GupCall {
            at: e.span.clone(),
            name: name.to_string(),
            vmas_nonnull: nonnull(g.vmas_arg),
            vmas_text: g.vmas_arg.and_then(|i| args.get(i)).map(|a| self.text(a)),
            locked_nonnull,
            locked_text: g.locked_arg.and_then(|i| args.get(i)).map(|a| self.text(a)),
            unlockable_flag,
        }));
        if let Some((key, display)) = lock.as_ref().filter(|_| !g.lockless) {
            st.lock_mut(key, display);
            if !locked_nonnull && !g.takes_lock {
                self.needs_lock(st, key, display, e, name, HoldMode::Read);
            }
            if g.takes_lock {
                self.takes_lock(st, key, e, name, Vec::new());
            }
            if locked_nonnull && !g.takes_lock {
                self.drop_split = Some(DropSplit {
                    lock: key.clone(),
                    at: e.span.clone(),
                    flag: g
                        .locked_arg
                        .and_then(|i| out_place(&args[i], vals[i].addr_of))
                        .map_or(Flag::None, Flag::Place),
                    kept_sign: Sign::ONE,
                    new_hold_when_kept: self.db.locked_kept_is_new_hold,
                    kept_acquires: false,
                    failed_acquire: false,
                    call: self.text(e),
                });
            }
            // The `vmas` output: an array variable, or `&vma` for one page.
            if let Some(i) = g.vmas_arg {
                let prov = self.new_vma(st, key, &e.span, "vmas");
                match (&args[i].strip_casts().kind, vals[i].addr_of) {
                    (_, Some(v)) => {
                        st.vmas.insert(v, prov);
                    }
                    (ExprKind::Local(v), None) if self.is_vma_ptr(&args[i]) => {
                        st.vmas.insert(
                            *v,
                            Prov {
                                is_array: true,
                                ..prov
                            },
                        );
                    }
                    _ => {}
                }
            }
        }
        Val::default()
    }
}

fn names_global(e: &Expr, name: &str) -> bool {
    if let ExprKind::Global(n) | ExprKind::NamedConst { name: n, .. } = &e.kind {
        if n == name {
            return true;
        }
    }
    let mut found = false;
    e.for_each_child(|c| found = found || names_global(c, name));
    found
}
