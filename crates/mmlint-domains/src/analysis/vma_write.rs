//! Changes to a VMA in the tree (`needs_write` calls with a VMA argument such as
//! `vm_flags_set()`, stores to `vma_write_fields`): each is recorded with the lock its VMA
//! is held under, so that a change under only the mmap read lock or only a VMA read lock
//! can be reported.

use mmlint_ir::{Expr, ExprKind};
use mmlint_rules::NeedsWrite;

use super::value::Val;
use super::{Event, LockVma};
use crate::state::{is_vma_lock, HoldMode, Prov, State, Status};

/// Which read-only hold a VMA was changed under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadHold {
    /// The mm's mmap_lock, taken for read by this function.
    MmapRead,
    /// The VMA's own read lock (`lock_vma_under_rcu()`, `vma_start_read()`).
    VmaRead,
    /// A fault handler's entry hold: the mmap read lock or only the VMA's read lock
    /// (`held_at`/`held_by` are the entry state's designated initializer and reason).
    FaultEntry,
}

impl LockVma<'_> {
    /// The VMA `p` (as `vma`) is changed by `what` at `at`: records it when only a read
    /// hold protects it, and says whether it did. Holds this function does not know (the
    /// caller's) are left to the requirements.
    pub(crate) fn vma_changed(&mut self, st: &State, p: &Prov, vma: &Expr, what: String) -> bool {
        if p.is_array || p.derived_from.is_some() || p.dead.is_some() {
            return false;
        }
        let Some(l) = st.locks.get(&p.lock) else {
            return false;
        };
        let hold = match (&l.status, is_vma_lock(&p.lock)) {
            (Status::Held(HoldMode::Read), false) if self.is_fault_entry_hold(&p.lock) => {
                ReadHold::FaultEntry
            }
            (Status::Held(_), true) => ReadHold::VmaRead,
            (Status::Held(HoldMode::Read), false) if l.acquired_at.is_some() => ReadHold::MmapRead,
            _ => return false,
        };
        self.emit(Event::VmaChangedUnderRead {
            at: vma.span.clone(),
            what,
            vma: self.text(vma),
            lock_display: l.display.clone(),
            held_at: match (&hold, self.entry) {
                (ReadHold::FaultEntry, Some(e)) => Some(e.at.clone()),
                _ => l.acquired_at.clone(),
            },
            held_by: match (&hold, self.entry) {
                (ReadHold::FaultEntry, Some(e)) => Some(e.why.clone()),
                _ => l.acquired_by.clone(),
            },
            hold,
        });
        true
    }

    /// A `needs_write` call. One with a VMA argument changes that VMA: under a read hold
    /// this function took, or the VMA's own read lock, that is reported as a change
    /// without the write lock (and not again as a mode requirement). Otherwise the write
    /// requirement is checked, or passed on to the callers, like any other.
    pub(crate) fn write_call(
        &mut self,
        st: &mut State,
        e: &Expr,
        name: &str,
        w: &NeedsWrite,
        args: &[Expr],
        vals: &[Val],
    ) {
        if let Some(i) = w.vma_arg {
            let p = vals.get(i).and_then(|v| v.prov.clone());
            if let (Some(p), Some(a)) = (p.filter(|p| !p.is_array), args.get(i)) {
                if self.vma_changed(st, &p, a, format!("{name}()")) {
                    return;
                }
                // Under a VMA lock the mm's mmap_lock is neither known nor needed here.
                if is_vma_lock(&p.lock) {
                    return;
                }
            }
        }
        self.write_needed(st, e, name, w, args, vals);
    }

    /// `vma->field = x` where `field` is one of the rules data's `vma_write_fields`.
    pub(crate) fn vma_store(&mut self, st: &mut State, lhs: &Expr) {
        let ExprKind::Member {
            base,
            field,
            arrow: true,
        } = &lhs.strip_casts().kind
        else {
            return;
        };
        if !self.db.vma_write_fields.iter().any(|f| f == field) {
            return;
        }
        let ExprKind::Local(v) = base.strip_casts().kind else {
            return;
        };
        if let Some(p) = st.vmas.get(&v).cloned() {
            self.vma_changed(st, &p, base, format!("a store to '{}'", self.text(lhs)));
        }
    }
}
