//! Calls that take a reference on an object reached from a VMA (`[[pin]]`: `mpol_get`,
//! `get_file`): the object stays valid after the lock is released.

use super::super::value::Val;
use super::super::LockVma;
use crate::state::{Prov, State};

impl LockVma<'_> {
    pub(crate) fn pin_call(&mut self, st: &mut State, p: &mmlint_rules::Pin, vals: &[Val]) -> Val {
        // The reference pins the object, whichever local names it: `pol_refcount = pol;
        // mpol_get(pol);` keeps pol_refcount valid too.
        if let Some(pinned) = vals.get(p.arg).and_then(|v| v.prov.clone()) {
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
