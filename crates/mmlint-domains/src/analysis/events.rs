//! What the analysis records for the checks: the events of one function and its facts.

use mmlint_ir::Span;

use super::EntryState;
use crate::state::{HoldMode, LockKey, Prov, Sign, Status};
use crate::summary::{Origin, Summary};

/// A VMA (or derived pointer) dereferenced or passed to a call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VmaUse {
    pub at: Span,
    /// The pointer as written (`vma`, `file`, `vmas[i]`).
    pub name: String,
    pub prov: Prov,
    /// How the source names the mm whose lock the VMA belongs to.
    pub lock_display: String,
    /// The lock is held again at the use (taken again after the release).
    pub relocked_at: Option<Span>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReleaseEvent {
    pub at: Span,
    /// The lock released (see [`crate::is_vma_lock`]).
    pub key: LockKey,
    pub call: String,
    pub lock_display: String,
    pub mode: HoldMode,
    /// The state of the lock just before the release.
    pub before: Status,
    pub acquired_at: Option<Span>,
    pub acquired_by: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GupCall {
    pub at: Span,
    pub name: String,
    /// `vmas` is not provably NULL.
    pub vmas_nonnull: bool,
    pub vmas_text: Option<String>,
    /// `locked` is not provably NULL.
    pub locked_nonnull: bool,
    pub locked_text: Option<String>,
    /// gup_flags names the unlockable flag.
    pub unlockable_flag: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldLock {
    pub key: LockKey,
    pub display: String,
    pub acquired_at: Span,
    pub acquired_by: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    VmaUse(VmaUse),
    Release(ReleaseEvent),
    /// A call that needs the mm's lock held in `mode` (VMA lookup, GUP without `locked`,
    /// `vm_flags_set()`, a callee that needs it), made in `status`: released, acquire
    /// failed, `Unknown` in a function that holds nothing at entry ([`FnFacts::entry`]), or
    /// held for read where write is needed. `via` is where the requirement comes from,
    /// this call first.
    NeedsLock {
        at: Span,
        call: String,
        lock_display: String,
        status: Status,
        mode: HoldMode,
        via: Vec<Origin>,
    },
    Gup(GupCall),
    /// A VMA changed (`what`: a `vma_write` call or a store to a `vma_write_fields` field)
    /// while only a read hold protects it.
    VmaChangedUnderRead {
        at: Span,
        what: String,
        vma: String,
        lock_display: String,
        hold: super::ReadHold,
        held_at: Option<Span>,
        held_by: Option<String>,
    },
    /// A call that takes the mm's lock itself (`get_user_pages_unlocked`, `*_fast`, or a
    /// callee whose summary says it does) made while this function holds it. `via` is
    /// where the callee takes it, this call first (empty for a direct call).
    TakesHeldLock {
        at: Span,
        call: String,
        lock_display: String,
        held_at: Span,
        held_by: String,
        via: Vec<Origin>,
    },
    /// The function returns: the sign of the value returned (`None` for void), the locks
    /// this function acquired that are still held, and the locks known not to be held
    /// (released, or a conditional acquire failed). Locks in neither list are in the
    /// caller's state or unknown.
    Return {
        at: Span,
        value: Option<Sign>,
        held: Vec<HeldLock>,
        released: Vec<LockKey>,
    },
}

/// What the lock/VMA analysis found in one function.
#[derive(Debug)]
pub struct FnFacts {
    pub events: Vec<Event>,
    /// False when the step budget ran out (results may miss paths).
    pub converged: bool,
    /// What a caller needs to know about this function (see [`crate::summary`]).
    pub summary: Summary,
    /// The entry state the analysis started from, when the code says how the kernel calls
    /// the function.
    pub entry: Option<EntryState>,
}
