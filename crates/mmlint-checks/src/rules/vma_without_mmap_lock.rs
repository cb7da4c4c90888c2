//! # vma-without-mmap-lock
//!
//! ## What it finds
//! A VMA lookup (`find_vma()`, `vma_lookup()`, an iterator …), a `get_user_pages*()` call
//! without `locked`, an mmap_lock assertion, or a call to a function that needs the lock
//! held (one of these, directly or through its callees), made on a path where that mm's
//! mmap_lock is not held: this function released it, its conditional acquire
//! (`mmap_read_lock_killable()`, `mmap_read_trylock()`) failed, or the function is an
//! entry point that the kernel calls holding no mmap_lock and never took it. Entry points
//! are listed in `rules/entry.toml`: `file_operations` callbacks other than `.mmap`
//! (recognised from the designated initializer or the store that puts them there),
//! `SYSCALL_DEFINE` bodies, `linux_binfmt.load_binary`, kernel threads
//! (`kthread_run()`, `kthread_create()`), work items (`INIT_WORK()`,
//! `INIT_DELAYED_WORK()`, `DECLARE_WORK()`, `DECLARE_DELAYED_WORK()`,
//! `kthread_init_work()`) and `module_init()` functions (`threads.c`, `module_init.c`,
//! `module_init_module.c`). The notes lead from the call to where the requirement
//! comes from: the callee, its callee, down to the lookup.
//!
//! ## Why is this a bug?
//! Walking the VMA tree requires the mmap_lock (or RCU with per-VMA locks, 6.4+): without
//! it the tree can be modified under the walker and the returned VMA can be freed at any
//! moment. GUP without `locked` expects the caller to hold the lock and asserts it.
//! Outside the entry points, the entry state is unknown, so a lookup in a function that
//! never touches the lock is not reported: the caller may hold it. The requirement goes
//! into the function's summary instead, and is checked where it is called.
//!
//! ## Example
//! ```c
//! if (mmap_read_lock_killable(mm))
//!         pr_debug("interrupted\n");     /* and falls through */
//! vma = find_vma(mm, addr);
//! ```
//!
//! ## Use instead
//! ```c
//! if (mmap_read_lock_killable(mm))
//!         return -EINTR;
//! vma = find_vma(mm, addr);
//! ```
//!
//! ## Known limitations
//! - A lookup in a function that never takes or releases that lock, and is not an entry
//!   point, is not reported (`testdata/rules/vma-without-mmap-lock/lookup.c`,
//!   `ok_find_vma_unknown_entry`); its callers are checked
//!   (`entry.c`, `bad_compat_ioctl`). A function handed to the kernel in a way the rules
//!   data does not name (a timer, an IRQ handler, a callback stored through a helper
//!   function rather than by the macro's own store) has an unknown entry state.
//! - Two mm expressions mmlint cannot prove equal are two locks: after releasing `other`,
//!   a lookup on `mm` is not reported even if the caller passed the same mm twice
//!   (`lookup.c`, `ok_other_mm_released`). Aliases are followed as for dangling-vma
//!   (`current->mm`, local copies, `vma->vm_mm`: `testdata/rules/dangling-vma/alias.c`).
//! - An entry state that holds nothing says nothing about a lock named through a local
//!   VMA whose lookup mmlint did not see (`vma = vma_prev_limit(...)`, then
//!   `vm_flags_set(vma, ...)`): that is some mm's lock, often one the function holds under
//!   another name (6.12 `brk()`), so it is not reported (`entry.c`,
//!   `__do_sys_mmlint_ok_untracked_vma`).
//! - A function that takes the lock itself, on a path where it had not touched it, does
//!   not pass its lookups on to its callers: it manages that lock, and a lookup on a path
//!   where it skipped the acquire is a correlation mmlint did not follow (6.1
//!   `mm/gup_test.c`: the lock is taken when a flag computed from `cmd` says so, and the
//!   GUP call sits in a `switch (cmd)` the flag covers) or its own bug, which is then missed
//!   (`self_locking.c`, `ok_gup_test_ioctl`).
//! - A callee's requirement that arises only under a test of one of its scalar parameters
//!   does not apply where the argument contradicts the test (6.12 `vma_init()` calls
//!   `vma_mark_detached(vma, false)`, which asserts the write lock only `if (detached)`:
//!   `conditional_requirement.c`, `ok_fallocate`); see mmap-lock-mode-mismatch for what
//!   such a condition can say.
//! - A callee's requirement on a lock it reaches through a pointer argument does not
//!   apply where that argument is NULL (6.12 `shmem_get_folio()` passes NULL for the
//!   `vmf` of `shmem_get_folio_gfp()`, whose fault path needs the fault's lock:
//!   `null_vmf.c`, `ok_read_without_fault`).
//! - A release in a function of another file is missed without a summary file
//!   (`limitations.c`, `missed_lookup_after_other_file_release`). Functions of the same
//!   file are followed through their summaries, including a callee that looks VMAs up and
//!   so needs the lock held (`testdata/rules/dangling-vma/summaries.c`,
//!   `bad_helper_lookup_after_unlock`).

use mmlint_diagnostics::{Diagnostic, Note, Severity};
use mmlint_domains::summary::Origin;
use mmlint_domains::{Event, Status};
use mmlint_ir::{Loc, Span};

use crate::{Check, FnCx, RuleMeta};

pub struct VmaWithoutMmapLock;

static META: RuleMeta = RuleMeta {
    id: "vma-without-mmap-lock",
    severity: Severity::Warning,
    summary: "VMA lookup or GUP without the mmap_lock, after this function released it",
    doc: include_str!(concat!(env!("OUT_DIR"), "/vma_without_mmap_lock.md")),
};

impl Check for VmaWithoutMmapLock {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn run(&self, cx: &FnCx<'_>, out: &mut Vec<Diagnostic>) {
        for e in &cx.facts.events {
            let Event::NeedsLock {
                at,
                call,
                lock_display,
                status,
                via,
                ..
            } = e
            else {
                continue;
            };
            let note = match status {
                Status::Released(r) => Note {
                    span: r.clone(),
                    message: "lock released here".into(),
                },
                Status::AcquireFailed(r) => Note {
                    span: r.clone(),
                    message: "conditional acquire failed on this path".into(),
                },
                Status::Unknown => match &cx.facts.entry {
                    Some(entry) => Note {
                        span: entry.at.clone(),
                        message: format!("{}: the kernel calls it without mmap_lock", entry.why),
                    },
                    None => continue,
                },
                _ => continue,
            };
            let message = format!("{call}() called without mmap_lock of '{lock_display}' held");
            let mut notes = vec![note];
            notes.extend(origin_notes(via));
            out.push(cx.diag(&META, at.clone(), message, notes));
        }
    }
}

/// The steps of a requirement after the call itself: the callee's call or lookup that needs
/// the lock, and so on down to the origin.
pub(crate) fn origin_notes(via: &[Origin]) -> Vec<Note> {
    via.iter()
        .skip(1)
        .map(|o| Note {
            span: Span::point(Loc::new(o.file.as_str(), o.line, o.col)),
            message: o.what.clone(),
        })
        .collect()
}
