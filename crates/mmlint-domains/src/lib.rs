//! The mmap_lock / VMA domain: which mm locks are held in which mode, which local pointers
//! are VMAs (or derived from one) and under which hold they were obtained, and what branch
//! conditions say about locals. Runs on the generic engine of `mmlint-dataflow` as a
//! bounded disjunction of [`State`]s (path sensitivity without path explosion).
//!
//! The analysis does not report anything itself: like Smatch's `smatch_locking.c` it
//! records [`Event`]s (a VMA used, a lock released, a lookup, a GUP call, a return) with
//! the state they happened in, and the checks in `mmlint-checks` decide what is a bug.
//!
//! All API knowledge comes from [`mmlint_rules::ApiDb`].

mod analysis;
mod state;
pub mod summary;

pub use analysis::{
    analyze, is_relevant, Callees, EntryState, Event, FnFacts, GupCall, HeldLock, ReadHold,
    ReleaseEvent, VmaUse,
};
pub use state::{
    is_vma_lock, FaultTag, HoldMode, LockKey, LockSt, Place, Prov, Sign, State, Status,
};
pub use summary::{Lookup, Summaries, Summary};

/// At most this many states per program point before they are joined.
pub const MAX_DISJUNCTS: usize = 32;
