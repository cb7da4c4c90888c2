//! # vma-lock-unbalanced-unlock
//!
//! ## What it finds
//! A per-VMA lock released when it is not held: `vma_end_read()` twice on one path, after
//! `handle_mm_fault(..., FAULT_FLAG_VMA_LOCK)` already released it (its result had
//! `VM_FAULT_RETRY` or `VM_FAULT_COMPLETED`, 6.6+), after `vma_start_read()` failed, or
//! after `lock_vma_under_rcu()` returned NULL; and any call of `vma_end_write_all()`
//! outside the mmap_lock's own unlock and downgrade.
//!
//! ## Why is this a bug?
//! The VMA lock is a counter in `vma->vm_lock` (6.12: an rwsem). An extra
//! `vma_end_read()` decrements a count some other reader holds: a writer then modifies the
//! VMA under that reader, or `up_read()` underflows. In 6.6 `handle_mm_fault()` started to
//! release the VMA lock itself on `VM_FAULT_RETRY` and `VM_FAULT_COMPLETED`: callers
//! written for 6.4/6.5, which always called `vma_end_read()`, now release it twice.
//! `vma_end_write_all()` ends the write locks of every VMA of the mm while the mmap write
//! lock is still held, so readers can enter VMAs the writer is still changing; only
//! `mmap_write_unlock()` and `mmap_write_downgrade()` may call it.
//!
//! ## Example
//! ```c
//! fault = handle_mm_fault(vma, address, flags | FAULT_FLAG_VMA_LOCK, regs);
//! vma_end_read(vma);                     /* already released on RETRY/COMPLETED (6.6+) */
//! ```
//!
//! ## Use instead
//! ```c
//! fault = handle_mm_fault(vma, address, flags | FAULT_FLAG_VMA_LOCK, regs);
//! if (!(fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED)))
//!         vma_end_read(vma);
//! ```
//!
//! ## Known limitations
//! - The 6.6 semantics of `handle_mm_fault()` are the rules data's (`releases_vma_lock`
//!   in `rules/droppers.toml`): on a 6.4 or 6.5 tree the unconditional `vma_end_read()` is
//!   correct and is reported unless that entry is changed.
//! - Fault helpers that release the VMA lock on `VM_FAULT_RETRY` through their `vmf` are
//!   data (`retry_releases` in `rules/vma_lock.toml`: `vmf_anon_prepare()`,
//!   `vmf_can_call_fault()`), but only where the function knows the fault's lock: a fault
//!   handler (its entry state) or a function holding a VMA lock. In a function that is
//!   handed `vmf` by its caller (6.12 mm/memory.c's `do_anonymous_page()`), `vmf->vma`'s
//!   lock is not known and nothing is tracked (`missed_end_read_after_retry_in_vmf_callee`
//!   in `limitations.c`). `folio_lock_or_retry()` and
//!   `handle_userfault()` are not in the data.

use mmlint_diagnostics::{Diagnostic, Note, Severity};
use mmlint_domains::{is_vma_lock, Event, HoldMode, Status};

use crate::{Check, FnCx, RuleMeta};

pub struct VmaLockUnbalancedUnlock;

static META: RuleMeta = RuleMeta {
    id: "vma-lock-unbalanced-unlock",
    severity: Severity::Warning,
    summary: "per-VMA lock released when not held, or vma_end_write_all() called directly",
    doc: include_str!(concat!(env!("OUT_DIR"), "/vma_lock_unbalanced_unlock.md")),
};

impl Check for VmaLockUnbalancedUnlock {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn run(&self, cx: &FnCx<'_>, out: &mut Vec<Diagnostic>) {
        for e in &cx.facts.events {
            let Event::Release(r) = e else { continue };
            if !is_vma_lock(&r.key) {
                continue;
            }
            if r.mode == HoldMode::Write {
                let message = format!(
                    "{} ends the VMA write locks of '{}' while its mmap write lock is held: only mmap_write_unlock() and mmap_write_downgrade() may",
                    r.call, r.lock_display
                );
                out.push(cx.diag(&META, r.at.clone(), message, vec![]));
                continue;
            }
            let (message, note) = match &r.before {
                Status::Released(first) => (
                    format!(
                        "{} releases the per-VMA lock of {}, which was already released on this path",
                        r.call, r.lock_display
                    ),
                    Note {
                        span: first.clone(),
                        message: "released here".into(),
                    },
                ),
                Status::AcquireFailed(at) => (
                    format!(
                        "{} releases the per-VMA lock of {}, which is not held: it was not acquired on this path",
                        r.call, r.lock_display
                    ),
                    Note {
                        span: at.clone(),
                        message: "acquire failed here".into(),
                    },
                ),
                _ => continue,
            };
            out.push(cx.diag(&META, r.at.clone(), message, vec![note]));
        }
    }
}
