//! # gup-while-mmap-locked
//!
//! ## What it finds
//! A call to a GUP variant that takes the mmap_lock itself (`get_user_pages_unlocked()`,
//! `pin_user_pages_unlocked()`, `get_user_pages_fast()`, `pin_user_pages_fast()`) made
//! while this function holds that mm's mmap_lock; and a call to a function that calls one
//! of them (directly or through its callees) on a lock it was handed in its caller's
//! state: its summary says its callers must not hold that lock, and the notes lead from
//! the call down to the GUP call (`requirements.c`; across files with a summary file,
//! `testdata/summaries/drv_user.c`).
//!
//! ## Why is this a bug?
//! These variants call `mmap_read_lock()` themselves when they need to fault pages in (the
//! `_fast` ones fall back to the slow path when the page tables are not populated). Taking
//! the rwsem for read while this thread already holds it for write deadlocks at once; taking
//! it for read twice deadlocks as soon as a writer queues between the two acquisitions,
//! because rwsems are fair to waiting writers. The bug only shows under contention.
//!
//! ## Example
//! ```c
//! mmap_read_lock(current->mm);
//! vma = vma_lookup(current->mm, addr);
//! ret = get_user_pages_fast(addr, 1, FOLL_WRITE, &page);
//! mmap_read_unlock(current->mm);
//! ```
//!
//! ## Use instead
//! Call the `_fast`/`_unlocked` variant after dropping the lock, or keep the lock and call
//! `get_user_pages()` / `get_user_pages_remote()`, which expect it held:
//! ```c
//! mmap_read_lock(current->mm);
//! ret = get_user_pages(addr, 1, FOLL_WRITE, &page, NULL);
//! mmap_read_unlock(current->mm);
//! ```
//!
//! The variants that take the lock are `takes_lock` in `rules/gup.toml`.
//!
//! ## Known limitations
//! - Only a hold some function took counts, not an assertion: calling a `_fast` variant
//!   after `mmap_assert_locked()` (the caller's hold) is missed
//!   (`testdata/rules/gup-while-mmap-locked/limitations.c`,
//!   `missed_fast_under_callers_lock`).
//! - These variants lock `current->mm`. A hold counts when its mm is `current->mm` as
//!   written, or a local copy of it (`fast_and_unlocked.c`,
//!   `bad_gup_unlocked_under_alias`); an mm parameter is another mm, even when the caller
//!   passes `current->mm` (`fast_and_unlocked.c`, `ok_gup_fast_other_mm`).

use mmlint_diagnostics::{Diagnostic, Note, Severity};
use mmlint_domains::Event;

use super::vma_without_mmap_lock::origin_notes;
use crate::{Check, FnCx, RuleMeta};

pub struct GupWhileMmapLocked;

static META: RuleMeta = RuleMeta {
    id: "gup-while-mmap-locked",
    severity: Severity::Error,
    summary: "GUP variant that takes mmap_lock itself, called with that lock held",
    doc: include_str!(concat!(env!("OUT_DIR"), "/gup_while_mmap_locked.md")),
};

impl Check for GupWhileMmapLocked {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn run(&self, cx: &FnCx<'_>, out: &mut Vec<Diagnostic>) {
        for e in &cx.facts.events {
            let Event::TakesHeldLock {
                at,
                call,
                lock_display,
                held_at,
                held_by,
                via,
            } = e
            else {
                continue;
            };
            let message = format!(
                "{call}() takes mmap_lock of '{lock_display}' itself, but it is already held here: self-deadlock"
            );
            let mut notes = vec![Note {
                span: held_at.clone(),
                message: format!("held since {held_by} here"),
            }];
            notes.extend(origin_notes(via));
            out.push(cx.diag(&META, at.clone(), message, notes));
        }
    }
}
