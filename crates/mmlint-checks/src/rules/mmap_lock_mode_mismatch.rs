//! # mmap-lock-mode-mismatch
//!
//! ## What it finds
//! A read release (`mmap_read_unlock()`, `up_read()`) of an mmap_lock this function took
//! for writing, or a write release of a read hold. And a call that needs the lock held for
//! write (`vm_flags_set()` and the other `needs_write` rows of `rules/entry.toml`,
//! `mmap_assert_write_locked()`, or a function that calls one of them on its caller's
//! hold) made under a read hold this function took.
//!
//! ## Why is this a bug?
//! An rwsem's read and write holds are counted differently: `up_read()` on a write hold
//! leaves the semaphore in a state where it is neither held nor free, which hangs the next
//! locker or trips `DEBUG_RWSEMS`. `mmap_write_downgrade()` turns a write hold into a read
//! hold, after which the read release is the right one.
//!
//! ## Example
//! ```c
//! mmap_write_lock(mm);
//! ...
//! mmap_read_unlock(mm);
//! ```
//!
//! ## Use instead
//! ```c
//! mmap_write_lock(mm);
//! ...
//! mmap_write_unlock(mm);
//! ```
//! or `mmap_write_downgrade(mm)` before the part that only needs the read lock.
//!
//! ## Known limitations
//! Each is a function of `testdata/rules/mmap-lock-mode-mismatch/limitations.c`.
//! - Only holds taken in this function, or by functions of the same file through their
//!   summaries (`upgrade_fault_path.c`), have a known mode: a release of the caller's hold
//!   is not checked, even one asserted with `mmap_assert_write_locked()`
//!   (`missed_read_unlock_of_asserted_write_hold`).
//! - A hold taken in a function of another file is unseen without a summary file
//!   (`missed_read_unlock_after_other_file_write_lock`).
//! - After an assertion that accepts either mode (`mmap_assert_locked()`), a call that
//!   needs write is not reported: the write requirement passes to the callers
//!   (`requirements.c`, `ok_assert_any_then_flags`).
//! - A callee's requirement that arises only under a test of one of its scalar parameters
//!   (6.12 `break_ksm()`: `if (lock_vma) vma_start_write(vma)`) is not applied where the
//!   argument is a constant or a value the caller's path knows the test rejects
//!   (`conditional_requirement.c`, `ok_break_cow`); an argument that is the caller's own
//!   parameter passes the condition on (`ok_unmerge_all`). Only tests of parameters the
//!   callee never writes count, and the same requirement under different tests keeps
//!   what the tests share, often nothing (`bad_second_condition`: `(0, 0)` would be
//!   reported too). A write needed under one test keeps that test when the same lock is
//!   needed for read under another (6.12 `process_mm_walk_lock()`: read for
//!   `PGWALK_RDLOCK`, write otherwise).
//! - A callee's write requirement under a test of an argument that neither the call
//!   decides nor the caller's own parameters pass on (6.12 `walk_page_range()` calls
//!   `process_mm_walk_lock(mm, ops->walk_lock)`: the mode is a field of the ops the
//!   caller hands it) needs the lock held in either mode there, not written
//!   (`walk_lock.c`, `ok_walk_under_read_lock`): which mode is a guess, that the lock is
//!   held is not.

use mmlint_diagnostics::{Diagnostic, Note, Severity};
use mmlint_domains::{is_vma_lock, Event, HoldMode, Status};

use crate::{Check, FnCx, RuleMeta};

pub struct MmapLockModeMismatch;

static META: RuleMeta = RuleMeta {
    id: "mmap-lock-mode-mismatch",
    severity: Severity::Warning,
    summary: "read release of a write hold of mmap_lock, or the reverse",
    doc: include_str!(concat!(env!("OUT_DIR"), "/mmap_lock_mode_mismatch.md")),
};

fn mode(m: HoldMode) -> &'static str {
    match m {
        HoldMode::Read => "read",
        HoldMode::Write => "write",
    }
}

impl Check for MmapLockModeMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn run(&self, cx: &FnCx<'_>, out: &mut Vec<Diagnostic>) {
        for e in &cx.facts.events {
            if let Event::NeedsLock {
                at,
                call,
                lock_display,
                status: Status::Held(HoldMode::Read),
                mode: HoldMode::Write,
                via,
            } = e
            {
                let message = format!(
                    "{call}() needs mmap_lock of '{lock_display}' held for write, but it is held for read"
                );
                let mut notes = Vec::new();
                if let Some(n) = read_hold_note(cx) {
                    notes.push(n);
                }
                notes.extend(super::vma_without_mmap_lock::origin_notes(via));
                out.push(cx.diag(&META, at.clone(), message, notes));
                continue;
            }
            let Event::Release(r) = e else { continue };
            if is_vma_lock(&r.key) {
                continue;
            }
            // Only a hold this function took has a known mode (an assertion may not say).
            let (Status::Held(held), Some(at)) = (&r.before, &r.acquired_at) else {
                continue;
            };
            if *held == r.mode {
                continue;
            }
            let message = format!(
                "{} is a {} release of a {} hold of mmap_lock of '{}'",
                r.call,
                mode(r.mode),
                mode(*held),
                r.lock_display
            );
            let by = r.acquired_by.clone().unwrap_or_default();
            let note = Note {
                span: at.clone(),
                message: format!("held for {} since {by} here", mode(*held)),
            };
            out.push(cx.diag(&META, r.at.clone(), message, vec![note]));
        }
    }
}

/// Where the read hold comes from: the entry state (a callback the kernel calls under the
/// read lock).
fn read_hold_note(cx: &FnCx<'_>) -> Option<Note> {
    let entry = cx
        .facts
        .entry
        .as_ref()
        .filter(|e| e.holds == mmlint_rules::Holds::Read)?;
    Some(Note {
        span: entry.at.clone(),
        message: format!(
            "{}: the kernel calls it with mmap_lock held for read",
            entry.why
        ),
    })
}
