//! # dangling-vma
//!
//! ## What it finds
//! A VMA (`struct vm_area_struct *`), or a pointer derived from one (`vma->vm_file`,
//! `&vma->anon_vma`, `vma->vm_private_data`), dereferenced or passed to a function after
//! the mmap_lock hold it was obtained under has ended, including when the lock has been
//! taken again since.
//!
//! ## Why is this a bug?
//! A VMA is only guaranteed to exist while its mm's `mmap_lock` is held. As soon as the
//! lock is released another thread can `munmap()` the range, merge or split the VMA, and
//! the `vm_area_struct` is freed. Re-taking the lock does not bring the old pointer back to
//! life: it must be looked up again (`vma_lookup()`, `find_vma()`) under the new hold. The
//! result is a use-after-free that only shows under concurrent unmapping.
//!
//! Sources of VMAs: `find_vma()`, `vma_lookup()`, `find_vma_intersection()`,
//! `find_vma_prev()` (and its `prev`), `find_extend_vma()`, `lock_mm_and_find_vma()`,
//! `expand_stack()`, the VMA and maple-tree iterators (`for_each_vma`, `vma_next`,
//! `mas_find`, …), `mm->mmap` / `vm_next` / `vm_prev`, the `vmas` array filled by
//! `get_user_pages*()` before 6.5, VMAs returned by functions of the same file (their
//! summaries), and VMA parameters (valid under the caller's hold until this function
//! releases it). The list is data: `vma_source` in `rules/vma.toml`.
//!
//! Releases are the mmap_lock unlocks, the GUP and fault calls that may drop the lock
//! (`locked`, `VM_FAULT_RETRY`, `rules/droppers.toml`), and calls to functions of the same
//! file that release it, through their summaries (fixtures `callee_release.c`,
//! `summaries.c`); functions of other files with `--summaries FILE` (`mmlint summarize`;
//! `testdata/summaries/drv_user.c`).
//!
//! Per-VMA locks (6.4+): a VMA from `lock_vma_under_rcu()`, or one `vma_start_read()`
//! locked, lives as long as its own VMA lock, not the mmap_lock. That lock ends with
//! `vma_end_read()`, `release_fault_lock()`, or inside `handle_mm_fault(...,
//! FAULT_FLAG_VMA_LOCK)` when it returns `VM_FAULT_RETRY` or `VM_FAULT_COMPLETED` (6.6+;
//! `releases_vma_lock` in `rules/droppers.toml`). The message says which lock ended
//! (fixtures `vma_lock.c`).
//!
//! ## Example
//! ```c
//! mmap_read_lock(mm);
//! vma = find_vma(mm, addr);
//! mmap_read_unlock(mm);
//! if (vma->vm_flags & VM_WRITE)      /* vma may be freed */
//!         ...
//! ```
//!
//! ## Use instead
//! Copy what is needed while the lock is held, or keep the lock held across the use:
//! ```c
//! mmap_read_lock(mm);
//! vma = find_vma(mm, addr);
//! writable = vma && (vma->vm_flags & VM_WRITE);
//! mmap_read_unlock(mm);
//! ```
//! To keep an object the VMA points to, take a reference before unlocking
//! (`get_file(vma->vm_file)`). After re-taking the lock, look the VMA up again.
//!
//! ## Known limitations
//! Each is a function of `testdata/rules/dangling-vma/limitations.c`, unless said otherwise.
//! - Only VMAs held in local variables are tracked: one stored in a structure or a global
//!   and used after the unlock is missed (`missed_vma_in_struct_field`,
//!   `missed_vma_in_global`).
//! - A release in a function of another file is missed without a summary file, and so is
//!   one through a function pointer (`missed_release_in_other_file`,
//!   `missed_release_through_function_pointer`).
//! - A callee that releases the lock on some of its paths only, with nothing the caller can
//!   test telling which, leaves the lock "maybe held", and a maybe is not reported
//!   (`missed_callee_releases_on_some_paths`).
//! - A function that releases `current->mm`'s lock without having taken it, and has VMA
//!   parameters whose mm it never names, takes those VMAs to be `current->mm`'s
//!   (`param.c`, `bad_param_after_current_mm_release`): the caller looked them up in its
//!   own mm. A VMA of another process passed in is then reported although the lock
//!   released is not its own (`fp_remote_vma_param_after_current_mm_release`). A lock
//!   operation on the VMA's own mm (`vma->vm_mm`) earlier on the path turns this off.
//! - `vmf->vma` is a VMA only in a fault handler (a `vm_operations_struct` `.fault`,
//!   `.huge_fault`, `.page_mkwrite` or `.pfn_mkwrite` of the unit, 6.4+): there it is
//!   valid until `release_fault_lock(vmf)` or a helper's retry (`retry_releases`:
//!   `vmf_anon_prepare()`, `vmf_can_call_fault()`). In a function handed `vmf` by its
//!   caller it is not tracked, so a use after such a helper's retry there is missed.
//! - mmlint cannot know by itself that nobody else can unmap: `exit_mmap()` runs when the
//!   mm has no users left, so its uses of the first VMA after `mmap_read_unlock()` are
//!   safe. That is said in the rules data (`exclusive_mm` in `rules/vma.toml`, fixture
//!   `exit_mmap.c`; docs/triage/linux-6.1.md, reports 3–6); another function in that
//!   situation needs an entry there, or an `mmlint-ignore` comment that says why.

use mmlint_diagnostics::{Diagnostic, Note, Severity};
use mmlint_domains::{is_vma_lock, Event, VmaUse};
use mmlint_ir::Span;

use crate::{line_of, Check, FnCx, RuleMeta};

pub struct DanglingVma;

static META: RuleMeta = RuleMeta {
    id: "dangling-vma",
    severity: Severity::Warning,
    summary: "VMA used after the mmap_lock hold it was obtained under ended",
    doc: include_str!(concat!(env!("OUT_DIR"), "/dangling_vma.md")),
};

impl Check for DanglingVma {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn run(&self, cx: &FnCx<'_>, out: &mut Vec<Diagnostic>) {
        for e in &cx.facts.events {
            if let Event::VmaUse(u) = e {
                out.push(report(cx, u));
            }
        }
    }
}

fn report(cx: &FnCx<'_>, u: &VmaUse) -> Diagnostic {
    let p = &u.prov;
    let Some(released) = &p.dead else {
        unreachable!("the analysis records only uses of dead VMAs")
    };
    let vma = p.derived_from.clone().unwrap_or_else(|| u.name.clone());
    let vma_lock = is_vma_lock(&p.lock);
    // A fault handler's VMA: the kernel's hold is the mmap read lock or the VMA lock.
    let fault = p.source.split("->").next() == Some("fault");
    let message = match (&p.derived_from, vma_lock) {
        (None, false) if fault => format!(
            "VMA '{}' used after the fault's lock (the mmap_lock or its per-VMA lock) was released",
            u.name
        ),
        (Some(base), false) if fault => format!(
            "pointer '{}' derived from VMA '{}' used after the fault's lock (the mmap_lock or its per-VMA lock) was released",
            u.name, base
        ),
        (Some(base), true) => format!(
            "pointer '{}' derived from VMA '{}' used after the VMA's per-VMA lock was released",
            u.name, base
        ),
        (None, true) => format!("VMA '{}' used after its per-VMA lock was released", u.name),
        (Some(base), false) => format!(
            "pointer '{}' derived from VMA '{}' used after mmap_lock of '{}' was released",
            u.name, base, u.lock_display
        ),
        (None, false) => format!(
            "VMA '{}' used after mmap_lock of '{}' was released",
            u.name, u.lock_display
        ),
    };
    // A derived pointer's source is "<vma source>-><field>…".
    let origin = p.source.split("->").next().unwrap_or_default();
    let obtained = match (origin, &p.lock_taken_at, &p.lock_taken_by) {
        ("fault", _, _) => {
            format!("'{vma}' is the fault's VMA: valid only while the fault's lock is held")
        }
        ("parameter", _, _) => {
            format!("'{vma}' is a parameter: valid only while the caller's mmap_lock is held")
        }
        (src, Some(at), Some(by)) => format!(
            "'{vma}' obtained here{}, under {by} taken at line {}",
            via(cx, src, &p.obtained_at),
            line_of(at)
        ),
        (src, _, _) => format!("'{vma}' obtained here{}", via(cx, src, &p.obtained_at)),
    };
    let mut notes = vec![
        Note {
            span: p.obtained_at.clone(),
            message: obtained,
        },
        Note {
            span: released.clone(),
            message: if vma_lock {
                "VMA lock released here".into()
            } else {
                "lock released here".into()
            },
        },
    ];
    if let Some(again) = &u.relocked_at {
        notes.push(Note {
            span: again.clone(),
            message: format!("lock taken again here; '{vma}' must be looked up again"),
        });
    }
    cx.diag(&META, u.at.clone(), message, notes)
}

/// How the VMA was obtained, when the note's call does not say it: for a GUP `vmas`
/// output, the GUP function called there (its event has the call's span).
fn via(cx: &FnCx<'_>, source: &str, at: &Span) -> String {
    if source != "vmas" {
        return String::new();
    }
    let callee = cx.facts.events.iter().find_map(|e| match e {
        Event::Gup(g) if g.at == *at => Some(g.name.as_str()),
        _ => None,
    });
    match callee {
        Some(name) => format!(" (the 'vmas' array of {name}())"),
        None => " (a 'vmas' array filled by GUP)".into(),
    }
}
