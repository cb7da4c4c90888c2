//! # vma-lock-leak
//!
//! ## What it finds
//! A function that returns still holding a per-VMA read lock it took
//! (`lock_vma_under_rcu()`, `vma_start_read()`) on some paths and not on others of the same
//! kind of return: an error return that still holds it while other returns release it,
//! or two returns of the same value class that disagree.
//!
//! ## Why is this a bug?
//! Since 6.4 the page-fault path and a few others (userfaultfd, `/proc/pid/maps`) lock one
//! VMA instead of the whole mm. A VMA read lock that is never released blocks every writer
//! of that VMA: `vma_start_write()` under the mmap write lock waits forever, so the next
//! `munmap()`, `mprotect()` or `mremap()` of the range hangs with the mmap_lock held for
//! write, and with it the whole process.
//!
//! A helper that returns a locked VMA on success and NULL without the lock
//! (`lock_vma_under_rcu()` itself, userfaultfd's `uffd_lock_vma()`) is fine: its returns
//! differ by class.
//!
//! ## Example
//! ```c
//! vma = lock_vma_under_rcu(mm, address);
//! if (!vma)
//!         goto lock_mmap;
//! if (access_error(error_code, vma))
//!         return;                        /* VMA lock still held */
//! fault = handle_mm_fault(vma, address, flags | FAULT_FLAG_VMA_LOCK, regs);
//! if (!(fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED)))
//!         vma_end_read(vma);
//! ```
//!
//! ## Use instead
//! ```c
//! if (access_error(error_code, vma)) {
//!         vma_end_read(vma);
//!         return;
//! }
//! ```
//!
//! ## Known limitations
//! - Returns of different value classes are trusted to tell the caller whether the lock is
//!   held, as for `mmap-lock-leak`.
//! - A function that holds the VMA lock at every return is taken for a lock helper and not
//!   reported.
//! - A function that returns a VMA or stores VMAs through a `struct vm_area_struct **`
//!   parameter hands its VMA locks to its caller and is not judged (`uffd_lock_vma()`,
//!   `uffd_move_lock()` in mm/userfaultfd.c return locked VMAs on some paths only, by
//!   design): a leak inside such a helper is missed (`missed_leak_in_vma_helper` in
//!   `testdata/rules/vma-lock-leak/limitations.c`).
//! - Which VMA lock a call releases is found from its VMA argument's provenance: a VMA
//!   stored in a structure and read back (`vmf->vma`) is not tied to the lock it was
//!   obtained under, so `release_fault_lock(vmf)` releases the VMA lock this function holds,
//!   if any.

use mmlint_diagnostics::{Diagnostic, Note, Severity};

use super::mmap_lock_leak::leaks;
use crate::{Check, FnCx, RuleMeta};

pub struct VmaLockLeak;

static META: RuleMeta = RuleMeta {
    id: "vma-lock-leak",
    severity: Severity::Warning,
    summary: "per-VMA lock acquired here is still held on some returns and not on others",
    doc: include_str!(concat!(env!("OUT_DIR"), "/vma_lock_leak.md")),
};

impl Check for VmaLockLeak {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn run(&self, cx: &FnCx<'_>, out: &mut Vec<Diagnostic>) {
        if hands_vmas_over(cx) {
            return;
        }
        for l in leaks(cx, true) {
            let h = l.held;
            let message = if l.error {
                format!(
                    "error return with the per-VMA lock of {} still held (acquired by this function)",
                    h.display
                )
            } else {
                format!(
                    "returns with the per-VMA lock of {} held here but released on other returns",
                    h.display
                )
            };
            let mut notes = vec![Note {
                span: h.acquired_at.clone(),
                message: format!("acquired here by {}", h.acquired_by),
            }];
            if l.other != l.at {
                notes.push(Note {
                    span: l.other.clone(),
                    message: "this return releases it".into(),
                });
            }
            out.push(cx.diag(&META, l.at.clone(), message, notes));
        }
    }
}

/// A function that returns a VMA, or stores VMAs through a `struct vm_area_struct **`
/// parameter, hands its locked VMAs to its caller (userfaultfd's `uffd_lock_vma()`,
/// `uffd_move_lock()`): which return keeps which VMA's lock is its contract, not a leak.
fn hands_vmas_over(cx: &FnCx<'_>) -> bool {
    let f = &cx.body.func;
    let vma = cx.db.vma_record.as_str();
    f.ret_ty.is_ptr_to(vma)
        || f.params
            .iter()
            .any(|&p| f.var(p).ty.record.as_deref() == Some(vma) && f.var(p).ty.ptr_depth >= 2)
}
