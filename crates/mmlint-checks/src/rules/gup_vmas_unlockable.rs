//! # gup-vmas-unlockable
//!
//! ## What it finds
//! A `get_user_pages*()` / `pin_user_pages*()` call that passes a non-NULL `vmas` array
//! together with a non-NULL `int *locked`, or with `FOLL_UNLOCKABLE` in `gup_flags`.
//!
//! ## Why is this a bug?
//! A non-NULL `locked` (internally `FOLL_UNLOCKABLE`, 6.2–6.4) allows GUP to drop the
//! mmap_lock while it faults pages in. Any VMA it stored in `vmas` before dropping the lock
//! may be freed by the time the call returns, so the array is dangling by construction.
//! The kernel catches the combination at run time: `BUG_ON(vmas)` in
//! `__get_user_pages_locked()` (6.1), `WARN_ON_ONCE` in `is_valid_gup_args()` (6.2–6.4).
//! mmlint reports it at build time, at the call.
//!
//! ## Example
//! ```c
//! int locked = 1;
//! mmap_read_lock(mm);
//! ret = get_user_pages_remote(mm, addr, 1, FOLL_WRITE, &page, &vma, &locked);
//! ```
//!
//! ## Use instead
//! Either pass `locked = NULL` and keep the lock held across the call and every use of
//! `vmas`, or drop `vmas` and look the VMA up under the lock after the call
//! (`vma_lookup(mm, addr)`), which is what Linux 6.5 made every caller do
//! (`get_user_page_vma_remote()` for the single-page case).
//!
//! ## Known limitations
//! - Only a `vmas` and a `locked` that are provably non-NULL at the call count (an array or
//!   `&local`): a wrapper that forwards its caller's parameters is not reported
//!   (`testdata/rules/gup-vmas-unlockable/wrappers.c`, `ok_forwarding_wrapper`; it was a
//!   false positive on `mm/gup.c` `__get_user_pages_remote()`, docs/triage/linux-6.1.md),
//!   and neither is a caller of a wrapper of the same file that passes both
//!   (`testdata/rules/mmap-lock-leak/limitations.c`, `fp_locked_through_a_wrapper`).
//! - `FOLL_UNLOCKABLE` counts only when it is written in the call's `gup_flags` argument,
//!   not when it comes through a variable (`limitations.c`,
//!   `missed_unlockable_flag_in_a_variable`).

use mmlint_diagnostics::{Diagnostic, Severity};
use mmlint_domains::Event;

use crate::{Check, FnCx, RuleMeta};

pub struct GupVmasUnlockable;

static META: RuleMeta = RuleMeta {
    id: "gup-vmas-unlockable",
    severity: Severity::Error,
    summary: "GUP called with a vmas array and a lock it may drop (locked / FOLL_UNLOCKABLE)",
    doc: include_str!(concat!(env!("OUT_DIR"), "/gup_vmas_unlockable.md")),
};

impl Check for GupVmasUnlockable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn run(&self, cx: &FnCx<'_>, out: &mut Vec<Diagnostic>) {
        for e in &cx.facts.events {
            let Event::Gup(g) = e else { continue };
            if !g.vmas_nonnull || !(g.locked_nonnull || g.unlockable_flag) {
                continue;
            }
            let vmas = g.vmas_text.as_deref().unwrap_or("vmas");
            let why = if g.locked_nonnull {
                format!(
                    "a non-NULL 'locked' ({})",
                    g.locked_text.as_deref().unwrap_or("locked")
                )
            } else {
                "FOLL_UNLOCKABLE".to_string()
            };
            let message = format!(
                "{}() called with a 'vmas' array ({vmas}) and {why}: GUP may drop mmap_lock and leave the VMAs dangling",
                g.name
            );
            out.push(cx.diag(&META, g.at.clone(), message, vec![]));
        }
    }
}
