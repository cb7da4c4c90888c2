//! Calls that take a reference on an object reached from a VMA (`[[pin]]`: `mpol_get`,
//! `get_file`): the object stays valid after the lock is released, if the reference was
//! taken while the lock was still held. Taken after the release, it is a use of a pointer
//! that may already dangle (`file = vma->vm_file; mmap_read_unlock(mm); get_file(file)`).

use mmlint_ir::Expr;

use super::super::value::Val;
use super::super::LockVma;
use crate::state::{Prov, State};

impl LockVma<'_> {
    pub(crate) fn pin_call(
        &mut self,
        st: &mut State,
        p: &mmlint_rules::Pin,
        args: &[Expr],
        vals: &[Val],
    ) -> Val {
        // The reference pins the object, whichever local names it: `pol_refcount = pol;
        // mpol_get(pol);` keeps pol_refcount valid too.
        if let Some(pinned) = vals.get(p.arg).and_then(|v| v.prov.clone()) {
            // Reported once, here: the later uses are of the object this reference holds.
            if pinned.dead.is_some() {
                if let Some(a) = args.get(p.arg) {
                    self.use_vma(st, &pinned, a);
                }
            }
            let same = |q: &Prov| {
                q.obtained_at == pinned.obtained_at
                    && q.derived_from == pinned.derived_from
                    && q.source == pinned.source
            };
            st.vmas.retain(|_, q| !same(q));
        }
        Val::default()
    }
}
