//! Calls that return a VMA (`[[vma_source]]`: `find_vma`, `vma_lookup`, iterators,
//! `lock_mm_and_find_vma`): the VMA they return, under which lock, and the lock they need.

use mmlint_ir::Expr;
use mmlint_rules::VmaSource;

use super::super::value::Val;
use super::super::LockVma;
use super::droppers::{DropSplit, Flag};
use crate::state::{HoldMode, Prov, Sign, State};

// Older kernels reused some names with other types (`int expand_stack(vma, addr)`
// before 6.1.37): only a call returning a VMA is a VMA source.
// (the maple tree walkers return `void *`).
pub(crate) fn returns_vma(a: &LockVma<'_>, e: &Expr) -> bool {
    a.is_vma_ptr(e) || (e.ty.ptr_depth == 1 && e.ty.spelling.starts_with("void"))
}

impl LockVma<'_> {
    pub(crate) fn vma_source_call(
        &mut self,
        st: &mut State,
        e: &Expr,
        name: &str,
        src: &VmaSource,
        args: &[Expr],
        vals: &[Val],
    ) -> Val {
        let lock = match (src.mm_arg, src.iter_arg) {
            (Some(i), _) => vals
                .get(i)
                .and_then(|v| v.lock.clone())
                .or_else(|| Some(self.lock_named(args.get(i)?))),
            (_, Some(i)) => vals
                .get(i)
                .and_then(|v| v.lock.clone())
                .or_else(|| self.held_lock(st)),
            _ => None,
        };
        let Some((key, display)) = lock else {
            return Val::default();
        };
        st.lock_mut(&key, &display);
        if src.null_releases {
            self.drop_split = Some(DropSplit {
                lock: key.clone(),
                at: e.span.clone(),
                flag: Flag::Result,
                kept_sign: Sign::NONZERO,
                new_hold_when_kept: true,
                kept_acquires: src.takes_lock,
                failed_acquire: false,
                call: self.text(e),
            });
            // The hold the VMA belongs to starts inside the call.
            let prov = Prov {
                lock_taken_at: Some(e.span.clone()),
                lock_taken_by: Some(self.text(e)),
                ..self.new_vma(st, &key, &e.span, name)
            };
            return Val {
                prov: Some(prov),
                ..Val::default()
            };
        }
        // A lookup that may also expand the stack needs the lock for write
        // (`find_extend_vma_locked()`): one requirement, in the stronger mode.
        let mode = if self.db.needs_write_at(name, self.decl(name)).is_some() {
            HoldMode::Write
        } else {
            HoldMode::Read
        };
        self.needs_lock(st, &key, &display, e, name, mode);
        let prov = self.new_vma(st, &key, &e.span, name);
        for &i in &src.out_args {
            if let Some(out) = vals.get(i).and_then(|v| v.addr_of) {
                st.vmas.insert(out, prov.clone());
                st.forget(out);
            }
        }
        Val {
            prov: Some(prov),
            ..Val::default()
        }
    }
}
