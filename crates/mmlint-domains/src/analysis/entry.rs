//! Entry states: a function the code hands to the kernel in a known way (a `file_operations`
//! callback, a `SYSCALL_DEFINE` body; rules data `entry_point`) starts from what the kernel
//! holds when it calls it, instead of "whatever the caller held".
//!
//! A fault handler (`vm_operations_struct.fault` …, 6.4+) runs under the mmap read lock or
//! only its VMA's per-VMA read lock: which one, the handler cannot tell from its types, so
//! its VMA (`vmf->vma`) is modelled as held under one read hold that stands for both. It
//! is enough to read the VMA and never enough to change it; releasing it
//! (`release_fault_lock(vmf)`) ends the VMA's validity either way.

use std::sync::Arc;

use mmlint_ir::{Expr, ExprKind, Function, Span, VarId};
use mmlint_rules::Holds;

use super::LockVma;
use crate::state::{HoldMode, LockKey, Prov, State, Status};

/// What a function holds at entry, and why mmlint believes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryState {
    pub holds: Holds,
    /// For a read hold of one VMA (fault handlers): (parameter, field) that holds it,
    /// `vmf->vma`.
    pub vma: Option<(usize, String)>,
    /// Where the code says how the kernel calls the function (the designated initializer,
    /// or the function for a macro-named body).
    pub at: Span,
    /// That reason in words, e.g. "foo_ioctl is file_operations.unlocked_ioctl of
    /// 'foo_fops'".
    pub why: String,
}

/// The VMA a fault handler's entry hold protects: `param->field` (`vmf->vma`).
#[derive(Clone, Debug)]
pub(crate) struct FaultVma {
    var: VarId,
    field: String,
    /// The hold's key: `vmf->vma->vm_mm`, as the VMA's mm names its mmap_lock.
    pub(crate) key: LockKey,
    display: String,
    param_at: Span,
}

impl FaultVma {
    /// `v` is the fault descriptor parameter (`vmf`).
    pub(crate) fn is_fault(&self, v: VarId) -> bool {
        v == self.var
    }
}

/// The fault handler's VMA, when the entry state is a read hold of one VMA.
pub(crate) fn fault_vma(func: &Function, entry: Option<&EntryState>) -> Option<FaultVma> {
    let e = entry.filter(|e| e.holds == Holds::ReadOrVmaRead)?;
    let (i, field) = e.vma.as_ref()?;
    let &var = func.params.get(*i)?;
    let d = func.var(var);
    let display = format!("{}->{field}->vm_mm", d.name);
    Some(FaultVma {
        var,
        field: field.clone(),
        key: Arc::from(display.as_str()),
        display,
        param_at: d.span.clone(),
    })
}

impl LockVma<'_> {
    /// Applies the entry state to the locks the start state names (the VMA parameters'):
    /// `.mmap` runs with its VMA's mm locked for write; a fault handler with its VMA held
    /// for read.
    pub(crate) fn entry_locks(&self, st: &mut State) {
        if let Some(fv) = &self.fault_vma {
            st.lock_mut(&fv.key, &fv.display).status = Status::Held(HoldMode::Read);
            return;
        }
        let mode = match self.entry.map(|e| e.holds) {
            Some(Holds::Read) => HoldMode::Read,
            Some(Holds::Write) => HoldMode::Write,
            Some(Holds::None | Holds::ReadOrVmaRead) | None => return,
        };
        for l in st.locks.values_mut() {
            l.status = Status::Held(mode);
        }
    }

    /// The kernel calls this function holding no mmap_lock: a lock whose state is still
    /// the entry state is not held.
    pub(crate) fn holds_nothing_at_entry(&self) -> bool {
        self.entry.is_some_and(|e| e.holds == Holds::None)
    }

    /// `key` is the fault handler's entry hold of its VMA.
    pub(crate) fn is_fault_entry_hold(&self, key: &str) -> bool {
        self.fault_vma.as_ref().is_some_and(|fv| &*fv.key == key)
    }

    /// `base->field` is the fault handler's VMA (`vmf->vma`): its provenance, dead once the
    /// entry hold was released on this path.
    pub(crate) fn fault_entry_vma(&self, st: &State, base: &Expr, field: &str) -> Option<Prov> {
        let fv = self.fault_vma.as_ref()?;
        let ExprKind::Local(v) = base.strip_casts().kind else {
            return None;
        };
        if v != fv.var || field != fv.field {
            return None;
        }
        let dead = match st.locks.get(&fv.key).map(|l| &l.status) {
            Some(Status::Released(at)) => Some(at.clone()),
            _ => None,
        };
        Some(Prov {
            lock: fv.key.clone(),
            obtained_at: fv.param_at.clone(),
            source: "fault".into(),
            derived_from: None,
            lock_taken_at: None,
            lock_taken_by: None,
            dead,
            is_array: false,
        })
    }
}
