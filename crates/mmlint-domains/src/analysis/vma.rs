//! VMA provenance: which expressions are VMAs or mms, what a VMA's fields are (another
//! VMA, its mm's lock, a pointer derived from it), new VMAs, and uses of a VMA.

use mmlint_ir::{Expr, Span};

use super::value::Val;
use super::{Event, LockVma, VmaUse};
use crate::state::{is_vma_lock, LockKey, LockSt, Prov, State, Status};

impl LockVma<'_> {
    pub(crate) fn is_vma_ptr(&self, e: &Expr) -> bool {
        e.ty.record.as_deref() == Some(self.db.vma_record.as_str()) && e.ty.ptr_depth >= 1
    }

    pub(crate) fn is_mm_ptr(&self, e: &Expr) -> bool {
        e.ty.is_ptr_to(&self.db.mm_record)
    }

    pub(crate) fn use_vma(&mut self, st: &State, prov: &Prov, e: &Expr) {
        if prov.source.starts_with("parameter") {
            let f = &self.body.func;
            if let Some(i) = f
                .params
                .iter()
                .position(|&p| f.var(p).span == prov.obtained_at)
                .filter(|&i| i < 64)
            {
                self.param_uses |= 1 << i;
            }
        }
        if prov.dead.is_some() {
            let lock = st.locks.get(&prov.lock);
            let relocked_at = lock.and_then(|l| match l.status {
                Status::Held(_) => l.acquired_at.clone(),
                _ => None,
            });
            let ev = VmaUse {
                at: e.span.clone(),
                name: self.text(e),
                prov: prov.clone(),
                lock_display: lock.map(|l| l.display.clone()).unwrap_or_default(),
                relocked_at,
            };
            self.emit(Event::VmaUse(ev));
        }
    }

    /// The provenance of `base->field` (or `&base->field`): the VMA's, with the field path
    /// recorded so two pointers derived from one VMA stay distinct objects.
    pub(crate) fn derive(&self, p: &Prov, base: &Expr, field: &str) -> Prov {
        Prov {
            derived_from: Some(p.derived_from.clone().unwrap_or_else(|| self.text(base))),
            source: format!("{}->{field}", p.source),
            is_array: false,
            ..p.clone()
        }
    }

    /// `base->field` / `base.field`, with `b` the value of `base`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn member(
        &mut self,
        st: &mut State,
        e: &Expr,
        base: &Expr,
        b: &Val,
        field: &str,
        arrow: bool,
        reads: bool,
    ) -> Val {
        if b.prov.is_none() && b.lock.is_none() && arrow {
            if let Some(p) = self.fault_entry_vma(st, base, field) {
                return Val {
                    prov: Some(p),
                    ..Val::default()
                };
            }
        }
        if let Some(p) = &b.prov {
            if arrow && reads && !p.is_array {
                self.use_vma(st, p, base);
            }
            // `vma->vm_lock`: the VMA's per-VMA lock, when its rwsem is taken raw.
            if self.db.vma_lock_rwsem.first().map(String::as_str) == Some(field)
                && !p.is_array
                && p.derived_from.is_none()
            {
                return Val {
                    lock: Some(self.vma_lock_of(base, Some(p))),
                    ..Val::default()
                };
            }
            if p.is_array {
                return Val::default();
            }
            if field == "vm_mm" || self.db.vma_field_not_derived.iter().any(|f| f == field) {
                // Under a VMA lock, the mm's mmap_lock is not held: its state is unknown.
                if is_vma_lock(&p.lock) {
                    return Val::default();
                }
                if field == "vm_mm" || self.is_mm_ptr(e) {
                    let display = st
                        .locks
                        .get(&p.lock)
                        .map(|l| l.display.clone())
                        .unwrap_or_else(|| self.text(e));
                    return Val {
                        lock: Some((p.lock.clone(), display)),
                        ..Val::default()
                    };
                }
                return Val::default();
            }
            if self.db.is_vma_field(&self.db.vma_record, field) {
                return Val {
                    prov: Some(Prov {
                        source: field.to_string(),
                        obtained_at: e.span.clone(),
                        derived_from: None,
                        ..p.clone()
                    }),
                    ..Val::default()
                };
            }
            if e.ty.is_pointer() || !reads {
                return Val {
                    prov: Some(self.derive(p, base, field)),
                    ..Val::default()
                };
            }
            return Val::default();
        }
        if let Some(lock) = &b.lock {
            if is_vma_lock(&lock.0) {
                let rwsem = self.db.vma_lock_rwsem.get(1).map(String::as_str);
                return Val {
                    lock: (rwsem == Some(field)).then(|| lock.clone()),
                    ..Val::default()
                };
            }
            // `mm->mmap_lock` (and `.dep_map` inside it) name the lock; `mm->mm_mt` names
            // the VMA tree an iterator walks.
            if self.db.lock_fields.iter().any(|f| f == field)
                || self.db.mm_tree_fields.iter().any(|f| f == field)
                || field == "dep_map"
            {
                return Val {
                    lock: Some(lock.clone()),
                    ..Val::default()
                };
            }
            if self.db.is_vma_field(&self.db.mm_record, field) {
                let held = st.locks.get(&lock.0);
                return Val {
                    prov: Some(Prov {
                        lock: lock.0.clone(),
                        obtained_at: e.span.clone(),
                        source: field.to_string(),
                        derived_from: None,
                        lock_taken_at: held.and_then(|l| l.acquired_at.clone()),
                        lock_taken_by: held.and_then(|l| l.acquired_by.clone()),
                        dead: None,
                        is_array: false,
                    }),
                    ..Val::default()
                };
            }
        }
        if self.is_mm_ptr(e) {
            return Val {
                lock: Some(self.lock_named(e)),
                ..Val::default()
            };
        }
        Val::default()
    }

    pub(crate) fn new_vma(&self, st: &State, key: &LockKey, at: &Span, source: &str) -> Prov {
        let l = st.locks.get(key);
        Prov {
            lock: key.clone(),
            obtained_at: at.clone(),
            source: source.to_string(),
            derived_from: None,
            lock_taken_at: l.and_then(|l| l.acquired_at.clone()),
            lock_taken_by: l.and_then(|l| l.acquired_by.clone()),
            dead: None,
            is_array: false,
        }
    }
}

impl LockVma<'_> {
    /// A release of `current->mm`'s lock that this function did not take, in a function
    /// with VMA parameters whose mm it never names: the caller looked those VMAs up in its
    /// own mm, under the hold released here, so they dangle from here on. A VMA of another
    /// process's mm passed in makes this a false report (docs of dangling-vma).
    pub(crate) fn release_ties_vma_params(
        &self,
        st: &mut State,
        key: &LockKey,
        before: &LockSt,
        at: &Span,
    ) {
        if before.acquired_at.is_some() || before.status != Status::Unknown {
            return;
        }
        let is_current_mm = self
            .db
            .stable_calls
            .iter()
            .any(|c| **key == *format!("{c}()->mm"))
            || &**key == "current->mm";
        if !is_current_mm {
            return;
        }
        let f = &self.body.func;
        for &p in &f.params {
            let d = f.var(p);
            if !d.ty.is_ptr_to(&self.db.vma_record) {
                continue;
            }
            let param_key: LockKey = std::sync::Arc::from(format!("{}->vm_mm", d.name).as_str());
            let untouched = st.locks.get(&param_key).is_some_and(|l| {
                l.status == Status::Unknown && l.acquired_at.is_none() && !l.entry_ended
            });
            if untouched {
                st.kill_vmas_of(&param_key, at);
                if let Some(l) = st.locks.get_mut(&param_key) {
                    l.status = Status::Released(at.clone());
                }
            }
        }
    }
}
