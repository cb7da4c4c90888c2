//! The entry kinds of the rules data, as written in `rules/*.toml` (docs/api-data.md).

use serde::Deserialize;

use crate::version::{KernelVersion, VersionRange};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LockAction {
    Acquire,
    Release,
    Downgrade,
    /// Read → write without releasing (`mmap_upgrade_trylock`, 6.4+ fault path): only as a
    /// conditional operation.
    Upgrade,
    Assert,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    Read,
    Write,
    Any,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LockKind {
    /// The argument is the `struct mm_struct *`.
    Mm,
    /// The argument is the semaphore, `&mm->mmap_lock`.
    Rwsem,
    /// The argument is a VMA; the lock is its mm's.
    Vma,
    /// The argument is a VMA; the lock is its own per-VMA lock (6.4+).
    VmaLock,
    /// The argument is a `struct vm_fault *`; the lock is whichever the fault holds: the
    /// per-VMA lock when this function holds one, else the mm's (`release_fault_lock()`).
    Fault,
    /// The argument is the mm; the lock is the per-VMA write locks of all its VMAs
    /// (`vma_end_write_all()`, which only `mmap_write_unlock()` and
    /// `mmap_write_downgrade()` may call).
    MmVmaWrite,
}

/// The return value that means a conditional lock operation happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SucceedsWhen {
    /// 0 (killable acquires: -EINTR otherwise).
    Zero,
    /// non-zero (trylocks).
    Nonzero,
    /// exactly 1 (munmap helpers return 1 when they downgraded, 0 or -errno otherwise).
    One,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockFn {
    pub name: String,
    pub action: LockAction,
    pub mode: Mode,
    pub lock_arg: usize,
    pub lock_kind: LockKind,
    /// For a conditional acquire or downgrade: the return value meaning it happened.
    #[serde(default)]
    pub succeeds_when: Option<SucceedsWhen>,
    /// The operation can only happen when this argument is non-zero (`downgrade` flag).
    #[serde(default)]
    pub only_if_arg: Option<usize>,
    /// For a trylock: the mode its failure proves held when it is used as an assertion
    /// (`BUG_ON(mmap_read_trylock(mm))`: a success path that cannot go on, or that only
    /// releases the lock again). Without it such a failure is an acquire that failed.
    #[serde(default)]
    pub failure_asserts: Option<Mode>,
    /// First kernel this entry describes (inclusive).
    #[serde(default)]
    pub since: Option<KernelVersion>,
    /// First kernel it no longer describes (exclusive).
    #[serde(default)]
    pub until: Option<KernelVersion>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VmaSource {
    pub name: String,
    #[serde(default)]
    pub mm_arg: Option<usize>,
    #[serde(default)]
    pub iter_arg: Option<usize>,
    #[serde(default)]
    pub out_args: Vec<usize>,
    /// Returns a VMA with the read lock held (taken, or dropped and re-taken inside: earlier
    /// VMAs are stale), or NULL with the lock released (`lock_mm_and_find_vma`, 6.1.37+
    /// `expand_stack`).
    #[serde(default)]
    pub null_releases: bool,
    /// The call takes the lock itself (the caller must not hold it).
    #[serde(default)]
    pub takes_lock: bool,
    /// Returns a VMA under its own per-VMA read lock, taken by the call, with no mmap_lock
    /// held; or NULL with no lock (`lock_vma_under_rcu`, 6.4+).
    #[serde(default)]
    pub vma_locked: bool,
    /// First kernel this entry describes (inclusive).
    #[serde(default)]
    pub since: Option<KernelVersion>,
    /// First kernel it no longer describes (exclusive).
    #[serde(default)]
    pub until: Option<KernelVersion>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VmaField {
    pub record: String,
    pub field: String,
    /// First kernel this entry describes (inclusive).
    #[serde(default)]
    pub since: Option<KernelVersion>,
    /// First kernel it no longer describes (exclusive).
    #[serde(default)]
    pub until: Option<KernelVersion>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pin {
    pub name: String,
    pub arg: usize,
    /// First kernel this entry describes (inclusive).
    #[serde(default)]
    pub since: Option<KernelVersion>,
    /// First kernel it no longer describes (exclusive).
    #[serde(default)]
    pub until: Option<KernelVersion>,
}

/// `handle_mm_fault()`: the result's retry/completed bits say the lock was released.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultHandler {
    pub name: String,
    pub vma_arg: usize,
    #[serde(default)]
    pub flags_arg: Option<usize>,
    #[serde(default)]
    pub allow_retry_flag: Option<String>,
    pub retry_flag: String,
    pub completed_flag: String,
    #[serde(default)]
    pub error_flags: Vec<String>,
    /// Called on a VMA under its per-VMA lock (with the VMA-lock fault flag), the retry
    /// and completed outcomes release that lock too (6.6+). When false (6.4, 6.5) the
    /// caller always releases it.
    #[serde(default)]
    pub releases_vma_lock: bool,
    /// First kernel this entry describes (inclusive).
    #[serde(default)]
    pub since: Option<KernelVersion>,
    /// First kernel it no longer describes (exclusive).
    #[serde(default)]
    pub until: Option<KernelVersion>,
}

/// A test true only when a fault result has `implies` set (`fault_signal_pending`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultTest {
    pub name: String,
    pub arg: usize,
    pub implies: String,
    /// First kernel this entry describes (inclusive).
    #[serde(default)]
    pub since: Option<KernelVersion>,
    /// First kernel it no longer describes (exclusive).
    #[serde(default)]
    pub until: Option<KernelVersion>,
}

/// Returns with the lock held, setting `*flag` when it dropped and re-took it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetakeFlag {
    pub name: String,
    pub mm_arg: usize,
    pub flag_arg: usize,
    /// First kernel this entry describes (inclusive).
    #[serde(default)]
    pub since: Option<KernelVersion>,
    /// First kernel it no longer describes (exclusive).
    #[serde(default)]
    pub until: Option<KernelVersion>,
}

/// Returns false when it released the lock of its VMA argument's mm.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleasedWhenFalse {
    pub name: String,
    pub vma_arg: usize,
    /// First kernel this entry describes (inclusive).
    #[serde(default)]
    pub since: Option<KernelVersion>,
    /// First kernel it no longer describes (exclusive).
    #[serde(default)]
    pub until: Option<KernelVersion>,
}

/// A fault helper that releases the fault's per-VMA read lock (that of `vmf->vma`) when its
/// result has `VM_FAULT_RETRY` (`vmf_anon_prepare()`, 6.12 mm/internal.h:365-372), and
/// keeps it otherwise.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryReleases {
    pub name: String,
    /// The `struct vm_fault *` argument.
    pub vmf_arg: usize,
    /// First kernel this entry describes (inclusive).
    #[serde(default)]
    pub since: Option<KernelVersion>,
    /// First kernel it no longer describes (exclusive).
    #[serde(default)]
    pub until: Option<KernelVersion>,
}

/// A call that needs the mmap_lock held for write: of its VMA argument's mm
/// (`vm_flags_set()`, 6.3+; `expand_stack_locked()`) or of its mm argument
/// (`find_extend_vma_locked()`). Exactly one of `vma_arg` and `mm_arg`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NeedsWrite {
    pub name: String,
    #[serde(default)]
    pub vma_arg: Option<usize>,
    #[serde(default)]
    pub mm_arg: Option<usize>,
    /// First kernel this entry describes (inclusive).
    #[serde(default)]
    pub since: Option<KernelVersion>,
    /// First kernel it no longer describes (exclusive).
    #[serde(default)]
    pub until: Option<KernelVersion>,
}

/// A function whose mm argument no other task can reach any more (`exit_mmap()`: the last
/// `mm_users` reference is gone): dropping and re-taking its lock does not end the life of
/// its VMAs, because nobody else can unmap them.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExclusiveMm {
    pub name: String,
    pub mm_arg: usize,
    #[serde(default)]
    pub since: Option<KernelVersion>,
    #[serde(default)]
    pub until: Option<KernelVersion>,
}

/// A name in a plain list (`no_deref`, `noreturn`, `err_ptr`, `stable_calls`): a string,
/// or `{ name, since?, until? }` when it holds only for some kernels.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub(crate) enum NameEntry {
    Plain(String),
    Ranged(RangedName),
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RangedName {
    name: String,
    #[serde(default)]
    since: Option<KernelVersion>,
    #[serde(default)]
    until: Option<KernelVersion>,
}

impl NameEntry {
    pub(crate) fn name(&self) -> &str {
        match self {
            NameEntry::Plain(n) => n,
            NameEntry::Ranged(r) => &r.name,
        }
    }
    pub(crate) fn range(&self) -> VersionRange {
        match self {
            NameEntry::Plain(_) => VersionRange::default(),
            NameEntry::Ranged(r) => VersionRange {
                since: r.since,
                until: r.until,
            },
        }
    }
}

/// A test for error pointers: `IS_ERR(p)`, `IS_ERR_OR_NULL(p)`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IsErr {
    pub name: String,
    pub arg: usize,
    /// Also true for NULL.
    #[serde(default)]
    pub null_too: bool,
    /// First kernel this entry describes (inclusive).
    #[serde(default)]
    pub since: Option<KernelVersion>,
    /// First kernel it no longer describes (exclusive).
    #[serde(default)]
    pub until: Option<KernelVersion>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GupFn {
    pub name: String,
    /// The number of arguments of this signature.
    pub args: usize,
    #[serde(default)]
    pub mm_arg: Option<usize>,
    /// A VMA argument whose mm is the one GUP works on (mm-internal helpers).
    #[serde(default)]
    pub vma_arg: Option<usize>,
    #[serde(default)]
    pub flags_arg: Option<usize>,
    #[serde(default)]
    pub vmas_arg: Option<usize>,
    #[serde(default)]
    pub locked_arg: Option<usize>,
    #[serde(default)]
    pub takes_lock: bool,
    /// Neither needs nor takes the mmap_lock: the `*_fast_only` variants, which walk the
    /// page tables with interrupts off and never fall back to the slow path.
    #[serde(default)]
    pub lockless: bool,
    /// The user address, the page count and the `struct page **` output (for rewrites).
    #[serde(default)]
    pub start_arg: Option<usize>,
    #[serde(default)]
    pub nr_arg: Option<usize>,
    #[serde(default)]
    pub pages_arg: Option<usize>,
    /// How a later kernel removed `vmas` from this signature (rule gup-vmas-migration).
    #[serde(default)]
    pub migration: Option<GupMigration>,
    /// With `*locked == 0` on entry the call takes and drops the lock itself and leaves
    /// `*locked == 0` (6.12's `__get_user_pages_locked`); with 1 it follows the `locked`
    /// protocol. Needs `locked_arg`.
    #[serde(default)]
    pub takes_lock_when_unlocked: bool,
    /// First kernel this entry describes (inclusive).
    #[serde(default)]
    pub since: Option<KernelVersion>,
    /// First kernel it no longer describes (exclusive).
    #[serde(default)]
    pub until: Option<KernelVersion>,
}

/// Linux 6.5 removed the `vmas` argument: the call keeps its name and loses that argument.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GupMigration {
    /// The kernel version that removed `vmas` (for messages).
    pub since: String,
    /// The helper a one-page call with a one-VMA `vmas` becomes, called as
    /// `helper(mm, start, gup_flags, &vma)` and returning the page or an error pointer
    /// (`get_user_page_vma_remote`).
    #[serde(default)]
    pub single_page: Option<String>,
    /// Without `single_page`: the lookup that replaces the VMA under the same hold
    /// (`vma_lookup(mm, start)`), and what drops the page reference when it fails.
    #[serde(default)]
    pub lookup: Option<String>,
    #[serde(default)]
    pub release_page: Option<String>,
}
