//! The argument roles of each entry kind (what the callee's declaration must look like for
//! the entry to describe it), and how much each can report.

use crate::select::{Entry, Role};
use crate::version::VersionRange;
use crate::{
    ExclusiveMm, FaultHandler, FaultTest, GupFn, IsErr, LockAction, LockFn, LockKind, NeedsWrite,
    Pin, ReleasedWhenFalse, RetakeFlag, RetryReleases, VmaSource,
};

pub trait Named {
    fn name(&self) -> &str;
}

macro_rules! ranged {
    ($($t:ty),*) => {$(
        impl Named for $t {
            fn name(&self) -> &str {
                &self.name
            }
        }
        impl $t {
            pub fn range(&self) -> VersionRange {
                VersionRange {
                    since: self.since,
                    until: self.until,
                }
            }
        }
    )*};
}

ranged!(
    LockFn,
    VmaSource,
    Pin,
    GupFn,
    FaultHandler,
    FaultTest,
    RetakeFlag,
    ReleasedWhenFalse,
    RetryReleases,
    IsErr,
    ExclusiveMm,
    NeedsWrite
);

impl Entry for LockFn {
    fn range(&self) -> VersionRange {
        LockFn::range(self)
    }
    fn roles(&self) -> Vec<(usize, Role)> {
        let lock = match self.lock_kind {
            LockKind::Mm | LockKind::MmVmaWrite => Role::Mm,
            LockKind::Vma | LockKind::VmaLock => Role::Vma,
            LockKind::Rwsem | LockKind::Fault => Role::RecordPtr,
        };
        let mut r = vec![(self.lock_arg, lock)];
        r.extend(self.only_if_arg.map(|i| (i, Role::Scalar)));
        r
    }
    fn weight(&self) -> u32 {
        match self.action {
            LockAction::Assert => 0,
            LockAction::Downgrade | LockAction::Upgrade => 1,
            LockAction::Acquire | LockAction::Release => 2,
        }
    }
}

impl Entry for VmaSource {
    fn range(&self) -> VersionRange {
        VmaSource::range(self)
    }
    fn roles(&self) -> Vec<(usize, Role)> {
        let mut r: Vec<(usize, Role)> = self.mm_arg.map(|i| (i, Role::Mm)).into_iter().collect();
        r.extend(self.iter_arg.map(|i| (i, Role::RecordPtr)));
        r.extend(self.out_args.iter().map(|&i| (i, Role::VmaArray)));
        r
    }
    fn weight(&self) -> u32 {
        1 + u32::from(self.null_releases) + u32::from(self.takes_lock) + u32::from(self.vma_locked)
    }
}

impl Entry for GupFn {
    fn range(&self) -> VersionRange {
        GupFn::range(self)
    }
    fn roles(&self) -> Vec<(usize, Role)> {
        [
            (self.mm_arg, Role::Mm),
            (self.vma_arg, Role::Vma),
            (self.vmas_arg, Role::VmaArray),
            (self.locked_arg, Role::ScalarPtr),
            (self.pages_arg, Role::PtrPtr),
            (self.flags_arg, Role::Scalar),
            (self.start_arg, Role::Scalar),
            (self.nr_arg, Role::Scalar),
        ]
        .into_iter()
        .filter_map(|(i, r)| Some((i?, r)))
        .collect()
    }
    fn arity(&self) -> Option<usize> {
        Some(self.args)
    }
    /// `vmas` feeds three rules, `locked` makes VMAs dangle, `takes_lock` one rule.
    fn weight(&self) -> u32 {
        2 * u32::from(self.vmas_arg.is_some())
            + u32::from(self.locked_arg.is_some())
            + u32::from(self.takes_lock)
    }
}

impl Entry for FaultHandler {
    fn range(&self) -> VersionRange {
        FaultHandler::range(self)
    }
    fn roles(&self) -> Vec<(usize, Role)> {
        let mut r = vec![(self.vma_arg, Role::Vma)];
        r.extend(self.flags_arg.map(|i| (i, Role::Scalar)));
        r
    }
    fn weight(&self) -> u32 {
        1
    }
}

impl Entry for RetakeFlag {
    fn range(&self) -> VersionRange {
        RetakeFlag::range(self)
    }
    fn roles(&self) -> Vec<(usize, Role)> {
        vec![(self.mm_arg, Role::Mm), (self.flag_arg, Role::ScalarPtr)]
    }
    fn weight(&self) -> u32 {
        1
    }
}

impl Entry for ReleasedWhenFalse {
    fn range(&self) -> VersionRange {
        ReleasedWhenFalse::range(self)
    }
    fn roles(&self) -> Vec<(usize, Role)> {
        vec![(self.vma_arg, Role::Vma)]
    }
    fn weight(&self) -> u32 {
        1
    }
}

impl Entry for RetryReleases {
    fn range(&self) -> VersionRange {
        RetryReleases::range(self)
    }
    fn roles(&self) -> Vec<(usize, Role)> {
        vec![(self.vmf_arg, Role::RecordPtr)]
    }
    fn weight(&self) -> u32 {
        1
    }
}

impl Entry for ExclusiveMm {
    fn range(&self) -> VersionRange {
        ExclusiveMm::range(self)
    }
    fn roles(&self) -> Vec<(usize, Role)> {
        vec![(self.mm_arg, Role::Mm)]
    }
    /// Reports less than no entry at all: it only silences.
    fn weight(&self) -> u32 {
        0
    }
}

impl Entry for NeedsWrite {
    fn range(&self) -> VersionRange {
        NeedsWrite::range(self)
    }
    fn roles(&self) -> Vec<(usize, Role)> {
        let mut r: Vec<(usize, Role)> = self.vma_arg.map(|i| (i, Role::Vma)).into_iter().collect();
        r.extend(self.mm_arg.map(|i| (i, Role::Mm)));
        r
    }
    fn weight(&self) -> u32 {
        1
    }
}

/// Kinds without typed argument roles.
macro_rules! untyped {
    ($($t:ty),*) => {$(
        impl Entry for $t {
            fn range(&self) -> VersionRange {
                <$t>::range(self)
            }
            fn roles(&self) -> Vec<(usize, Role)> {
                Vec::new()
            }
            fn weight(&self) -> u32 {
                1
            }
        }
    )*};
}

untyped!(Pin, FaultTest, IsErr);
