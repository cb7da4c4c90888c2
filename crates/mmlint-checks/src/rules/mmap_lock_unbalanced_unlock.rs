//! # mmap-lock-unbalanced-unlock
//!
//! ## What it finds
//! A release of an mm's mmap_lock (`mmap_read_unlock()`, `up_read(&mm->mmap_lock)`, …) on a
//! path where this function already released it (double unlock), or where its conditional
//! acquire (`mmap_read_lock_killable()`, `mmap_read_trylock()`) failed.
//!
//! ## Why is this a bug?
//! Releasing an rwsem that is not held corrupts its count: other readers or the writer are
//! let in while someone still relies on the lock, or the next `down_write()` never
//! succeeds. The usual cause is an error path that jumps to a label which unlocks again,
//! or a killable acquire whose failure path falls into the common unlock.
//!
//! Releasing a lock the caller holds (entry state unknown) is not reported.
//!
//! ## Example
//! ```c
//! if (mmap_read_lock_killable(mm))
//!         goto out;
//! ...
//! out:
//!         mmap_read_unlock(mm);          /* not held when the acquire failed */
//! ```
//!
//! ## Use instead
//! Give the failure path its own label after the unlock, or return directly:
//! ```c
//! if (mmap_read_lock_killable(mm))
//!         return -EINTR;
//! ```
//!
//! ## Known limitations
//! - The lock's state on entry is unknown, so a release of a lock the caller holds is never
//!   reported, even when the caller did not hold it
//!   (`testdata/rules/mmap-lock-unbalanced-unlock/double.c`, `ok_release_callers_lock`).
//! - A first release in a function of another file is missed without a summary file, and
//!   the second release then looks like the only one
//!   (`limitations.c`, `missed_double_unlock_after_other_file_release`). Functions of the
//!   same file are followed through their summaries
//!   (`testdata/rules/dangling-vma/summaries.c`, `bad_unlock_ignoring_locked`).

use mmlint_diagnostics::{Diagnostic, Note, Severity};
use mmlint_domains::{is_vma_lock, Event, Status};

use crate::{Check, FnCx, RuleMeta};

pub struct MmapLockUnbalancedUnlock;

static META: RuleMeta = RuleMeta {
    id: "mmap-lock-unbalanced-unlock",
    severity: Severity::Warning,
    summary: "mmap_lock released twice, or after its conditional acquire failed",
    doc: include_str!(concat!(env!("OUT_DIR"), "/mmap_lock_unbalanced_unlock.md")),
};

impl Check for MmapLockUnbalancedUnlock {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn run(&self, cx: &FnCx<'_>, out: &mut Vec<Diagnostic>) {
        for e in &cx.facts.events {
            let Event::Release(r) = e else { continue };
            if is_vma_lock(&r.key) {
                continue;
            }
            let (message, note) = match &r.before {
                Status::Released(first) => (
                    format!(
                        "{} releases mmap_lock of '{}', which was already released on this path",
                        r.call, r.lock_display
                    ),
                    Note {
                        span: first.clone(),
                        message: "first released here".into(),
                    },
                ),
                Status::AcquireFailed(at) => (
                    format!(
                        "{} releases mmap_lock of '{}', which is not held: the conditional acquire failed on this path",
                        r.call, r.lock_display
                    ),
                    Note {
                        span: at.clone(),
                        message: "conditional acquire failed here".into(),
                    },
                ),
                _ => continue,
            };
            out.push(cx.diag(&META, r.at.clone(), message, vec![note]));
        }
    }
}
