//! Entry states: a function the code hands to the kernel in a known way (a `file_operations`
//! callback, a `SYSCALL_DEFINE` body; rules data `entry_point`) starts from what the kernel
//! holds when it calls it, instead of "whatever the caller held".

use mmlint_ir::Span;
use mmlint_rules::Holds;

use super::LockVma;
use crate::state::{HoldMode, State, Status};

/// What a function holds at entry, and why mmlint believes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryState {
    pub holds: Holds,
    /// Where the code says how the kernel calls the function (the designated initializer,
    /// or the function for a macro-named body).
    pub at: Span,
    /// That reason in words, e.g. "foo_ioctl is file_operations.unlocked_ioctl of
    /// 'foo_fops'".
    pub why: String,
}

impl LockVma<'_> {
    /// Applies the entry state to the locks the start state names (the VMA parameters'):
    /// `.mmap` runs with its VMA's mm locked for write.
    pub(crate) fn entry_locks(&self, st: &mut State) {
        let mode = match self.entry.map(|e| e.holds) {
            Some(Holds::Read) => HoldMode::Read,
            Some(Holds::Write) => HoldMode::Write,
            Some(Holds::None) | None => return,
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
}
