//! # mmap-lock-leak
//!
//! ## What it finds
//! A function that returns with an mmap_lock it acquired still held on some paths and
//! released on others of the same kind of return: an error return (negative errno, or NULL
//! from a function returning a pointer) that still holds the lock while other returns
//! release it, or two returns of the same value class that disagree.
//!
//! ## Why is this a bug?
//! The caller cannot know whether to unlock. Usually an error path jumps past the unlock
//! (`return -EINVAL;` in the middle of a locked region, or `goto out;` to a label after
//! `mmap_read_unlock()`), and the mm's lock stays held forever: the next `mmap_write_lock()`
//! (munmap, exit) hangs.
//!
//! A lock helper that returns holding the lock on every path is fine, and so is one whose
//! returns differ by class the caller can test (`if (mmap_read_lock_killable(mm)) return
//! -EINTR; … return 0;` with the lock held).
//!
//! ## Example
//! ```c
//! mmap_read_lock(mm);
//! vma = vma_lookup(mm, addr);
//! if (!vma)
//!         return -EFAULT;                /* lock still held */
//! ...
//! mmap_read_unlock(mm);
//! return 0;
//! ```
//!
//! ## Use instead
//! ```c
//! if (!vma) {
//!         ret = -EFAULT;
//!         goto out_unlock;
//! }
//! ```
//!
//! ## Known limitations
//! Each is a function of `testdata/rules/mmap-lock-leak/limitations.c`, unless said
//! otherwise.
//! - Returns of different value classes are trusted to tell the caller whether the lock is
//!   held, as `mmap_read_lock_killable()`'s 0 and `-EINTR` do: a leak on a return whose
//!   class differs from the releasing ones, such as a bool function's `false`, is missed
//!   (`missed_leak_on_false_return`).
//! - A function that holds the lock at every return is taken for a lock helper, so one that
//!   never unlocks is not reported (`missed_never_unlocks`; the helpers this must accept
//!   are in `helpers.c`).
//! - A release mmlint does not see makes a correct path look like a leak: a callee in
//!   another file without a summary file, or a release two calls deep through a header
//!   inline function that names no mmap_lock API (such headers are not lowered):
//!   `mm/khugepaged.c` `collapse_huge_page()` (docs/triage/linux-6.1.md, report 1).
//! - A function of the same file that forwards `locked` to GUP: its summary does not say
//!   that it cleared `*locked` when GUP dropped the lock, so the caller's `if (locked)
//!   mmap_read_unlock(mm);` is not tied to the release and its return is reported
//!   (`fp_locked_through_a_wrapper`, a false positive).

use mmlint_diagnostics::{Diagnostic, Note, Severity};
use mmlint_domains::{is_vma_lock, Event, HeldLock, LockKey, Sign};
use mmlint_ir::Span;

use crate::{Check, FnCx, RuleMeta};

pub struct MmapLockLeak;

static META: RuleMeta = RuleMeta {
    id: "mmap-lock-leak",
    severity: Severity::Warning,
    summary: "mmap_lock acquired here is still held on some returns and not on others",
    doc: include_str!(concat!(env!("OUT_DIR"), "/mmap_lock_leak.md")),
};

struct Ret<'a> {
    at: &'a Span,
    sign: Sign,
    held: &'a [HeldLock],
    released: &'a [LockKey],
}

impl Check for MmapLockLeak {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn run(&self, cx: &FnCx<'_>, out: &mut Vec<Diagnostic>) {
        run(cx, out)
    }
}

/// A return that still holds a lock this function took, where another return released
/// it: `error` when the return is an error return.
pub(crate) struct Leak<'a> {
    pub(crate) at: &'a Span,
    pub(crate) held: &'a HeldLock,
    pub(crate) other: &'a Span,
    pub(crate) error: bool,
}

/// The leaks of the mmap_locks (`vma_locks` false) or of the per-VMA locks (true).
pub(crate) fn leaks<'a>(cx: &'a FnCx<'_>, vma_locks: bool) -> Vec<Leak<'a>> {
    let mut found = Vec::new();
    let returns_pointer = cx.body.func.ret_ty.is_pointer();
    let rets: Vec<Ret<'a>> = cx
        .facts
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Return {
                at,
                value,
                held,
                released,
            } => Some(Ret {
                at,
                sign: value.unwrap_or(Sign::TOP),
                held,
                released,
            }),
            _ => None,
        })
        .collect();
    let mut keys: Vec<&LockKey> = rets
        .iter()
        .flat_map(|r| r.held.iter().map(|h| &h.key))
        .filter(|k| is_vma_lock(k) == vma_locks)
        .collect();
    keys.sort();
    keys.dedup();
    let is_error = |s: Sign| {
        if returns_pointer {
            // NULL, or an error pointer.
            !s.is_empty() && Sign::NEG.union(Sign::ZERO).contains(s)
        } else {
            !s.contains(Sign::ZERO) && s.contains(Sign::NEG) && s != Sign::TOP
        }
    };
    for key in keys {
        let holding =
            |r: &Ret<'a>| -> Option<&'a HeldLock> { r.held.iter().find(|h| &h.key == key) };
        // Returns where the caller's hold is unknown (the lock was never touched, or
        // was re-taken after a callee dropped it) say nothing about balance.
        let released: Vec<&Ret<'a>> = rets.iter().filter(|r| r.released.contains(key)).collect();
        if released.is_empty() {
            continue;
        }
        for r in rets.iter() {
            let Some(h) = holding(r) else { continue };
            // An unknown value is only "the same class" as another unknown value: a
            // helper returning `proc_get_vma()` with the lock and `ERR_PTR(-EINTR)`
            // without it is the kernel's convention, not a leak.
            let same_class = released.iter().find(|n| {
                if n.sign == Sign::TOP || r.sign == Sign::TOP {
                    n.sign == r.sign
                } else {
                    !n.sign.meet(r.sign).is_empty()
                }
            });
            let error = is_error(r.sign);
            let other = match (same_class, error) {
                (Some(n), _) => n,
                (None, true) => released[0],
                (None, false) => continue,
            };
            found.push(Leak {
                at: r.at,
                held: h,
                other: other.at,
                error,
            });
        }
    }
    found
}

fn run(cx: &FnCx<'_>, out: &mut Vec<Diagnostic>) {
    for l in leaks(cx, false) {
        let h = l.held;
        let message = if l.error {
            format!(
                "error return with mmap_lock of '{}' still held (acquired by this function)",
                h.display
            )
        } else {
            format!(
                "returns with mmap_lock of '{}' held here but released on other returns",
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
