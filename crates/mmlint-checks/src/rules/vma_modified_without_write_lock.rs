//! # vma-modified-without-write-lock
//!
//! ## What it finds
//! A change to a VMA that is in the mm's tree while only a read hold protects it: a call
//! that needs the mmap write lock on a VMA (the `needs_write` rows with a `vma_arg` in
//! `rules/entry.toml`: `vm_flags_set()`, `vm_flags_clear()`, `vm_flags_mod()`,
//! `vm_flags_reset()` since 6.3, `vma_start_write()`, `vma_assert_write_locked()` since
//! 6.4, `expand_stack_locked()` since 6.1.37), or a store to `vm_start`, `vm_end`,
//! `vm_pgoff`, `anon_vma` or `vm_policy`, where the VMA was obtained under an mmap_lock
//! this function took for read, or under the VMA's own read lock (`lock_vma_under_rcu()`,
//! `vma_start_read()`), or in a fault handler (a function the unit stores in a
//! `vm_operations_struct` as `.fault`, `.huge_fault`, `.page_mkwrite` or `.pfn_mkwrite`,
//! 6.4+: rules data `entry_point` with `holds = "read-or-vma-read"`), which the kernel calls
//! with the mmap read lock or only the VMA's read lock held. `remap_pfn_range()`,
//! `io_remap_pfn_range()` and `vm_iomap_memory()` are such calls too (they call
//! `vm_flags_set()`). Such a call is reported here only, not also as
//! `mmap-lock-mode-mismatch`; a call that needs the write lock through a helper (the
//! helper's summary says so) is `mmap-lock-mode-mismatch`'s.
//!
//! ## Why is this a bug?
//! Readers of a VMA (the page-fault path, `/proc/pid/maps`, GUP) hold the mmap read lock
//! or, since 6.4, only the VMA's read lock. Changing a VMA is only safe for a writer that
//! excludes all of them: the mmap write lock plus, since 6.4, the VMA's write lock
//! (`vma_start_write()`, which `vm_flags_set()` and friends take themselves and which
//! asserts the mmap write lock). A change under a read hold races with other readers:
//! `vm_flags` torn under a concurrent fault, a VMA's range changed while the fault handler
//! trusts it. Upstream fixed such bugs in 6.4–6.11 (`vm_flags` changed in fault handlers
//! that held only the read lock).
//!
//! ## Example
//! ```c
//! mmap_read_lock(mm);
//! vma = vma_lookup(mm, addr);
//! if (vma)
//!         vm_flags_set(vma, VM_DONTCOPY);   /* needs the write lock */
//! mmap_read_unlock(mm);
//! ```
//!
//! ## Use instead
//! ```c
//! mmap_write_lock(mm);
//! vma = vma_lookup(mm, addr);
//! if (vma)
//!         vm_flags_set(vma, VM_DONTCOPY);
//! mmap_write_unlock(mm);
//! ```
//!
//! ## Known limitations
//! - Only holds this function took are judged here: a call that changes a VMA parameter
//!   becomes a write requirement of the function, checked where it is called
//!   (`mmap-lock-mode-mismatch`); a store to a parameter's field is not (yet) a
//!   requirement, and after `mmap_assert_locked()` the caller is trusted.
//! - A store to a VMA that is not in the tree yet (a new VMA being set up by
//!   `vm_area_alloc()` before `vma_link()`) is not a change to a VMA in the tree; such VMAs
//!   have no lock provenance here and are not reported.
//! - A store under the mmap write lock without `vma_start_write()` (6.4+) is not reported
//!   yet.
//! - `expand_stack_locked()` is in the data since 6.1.37 (the stable backport of 6.5's
//!   stack-expansion fix); a tree whose version is unknown gets it too, so a 6.1.0-6.1.36
//!   tree analysed without a version may be reported on a stack expansion under the read
//!   lock (`testdata/rules/dangling-vma/parisc_fault.c`).
//! - A fault handler is known only by the designated initializer of a
//!   `vm_operations_struct` in the same unit; a handler assigned at run time, or a helper it
//!   calls in another unit, is not (a helper's write requirement is reported at its call in
//!   the handler as `mmap-lock-mode-mismatch`).
//! - Only the VMA of the fault (`vmf->vma`) is known to be read-held in a fault handler;
//!   what the handler looks up itself is judged like any other lookup.

use mmlint_diagnostics::{Diagnostic, Note, Severity};
use mmlint_domains::{Event, ReadHold};

use crate::{Check, FnCx, RuleMeta};

pub struct VmaModifiedWithoutWriteLock;

static META: RuleMeta = RuleMeta {
    id: "vma-modified-without-write-lock",
    severity: Severity::Warning,
    summary: "VMA changed while only the mmap read lock or its per-VMA read lock is held",
    doc: include_str!(concat!(
        env!("OUT_DIR"),
        "/vma_modified_without_write_lock.md"
    )),
};

impl Check for VmaModifiedWithoutWriteLock {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn run(&self, cx: &FnCx<'_>, out: &mut Vec<Diagnostic>) {
        for e in &cx.facts.events {
            let Event::VmaChangedUnderRead {
                at,
                what,
                vma,
                lock_display,
                hold,
                held_at,
                held_by,
            } = e
            else {
                continue;
            };
            let message = match hold {
                ReadHold::MmapRead => format!(
                    "{what} changes VMA '{vma}' with only the mmap read lock of '{lock_display}' held: it needs the write lock"
                ),
                ReadHold::VmaRead => format!(
                    "{what} changes VMA '{vma}' with only its per-VMA read lock held: it needs the mmap write lock"
                ),
                ReadHold::FaultEntry => format!(
                    "{what} changes VMA '{vma}' in a fault handler, which runs with only the mmap read lock or the VMA's per-VMA read lock held: it needs the mmap write lock"
                ),
            };
            let notes = match (held_at, held_by, hold) {
                (Some(s), Some(why), ReadHold::FaultEntry) => vec![Note {
                    span: s.clone(),
                    message: format!(
                        "{why}: the kernel calls it with a read hold of the faulting VMA"
                    ),
                }],
                (Some(s), Some(by), _) => vec![Note {
                    span: s.clone(),
                    message: format!("read lock taken here by {by}"),
                }],
                _ => vec![],
            };
            out.push(cx.diag(&META, at.clone(), message, notes));
        }
    }
}
