//! Learned summaries: a call to a function the rules data does not know but an earlier
//! analysis summarised (its uses and requirements applied now, its outcomes a split of the
//! path), and the other direction, how this function's locks and exits are named for its
//! callers ([`crate::summary`] builds the summary from them).

use std::collections::BTreeMap;
use std::sync::Arc;

use mmlint_ir::{Expr, ExprKind, Span};

use super::super::value::Val;
use super::super::{Event, LockVma, ReleaseEvent};
use super::out_place;
use crate::state::{HoldMode, LockKey, Place, Sign, State, Status};
use crate::summary::{self, Effect, Exit, LockPath, OutValue, Summary};

/// A summarised call's outcomes, translated into the caller's terms.
pub(crate) struct SummarySplit {
    pub(crate) at: Span,
    pub(crate) call: String,
    pub(crate) outcomes: Vec<CallOutcome>,
}

pub(crate) struct CallOutcome {
    ret: Sign,
    /// What the caller's places hold afterwards.
    out: Vec<(Place, Sign)>,
    locks: Vec<(CallerLock, Effect)>,
    returns_vma: Option<(LockKey, String)>,
}

/// A caller's lock a summary names: the same lock whatever the callee's path to it, so it
/// compares by key; the display is how messages name it.
#[derive(Clone)]
struct CallerLock {
    key: LockKey,
    display: String,
}

impl PartialEq for CallerLock {
    fn eq(&self, o: &Self) -> bool {
        self.key == o.key
    }
}

/// What the out-parameters a summarised callee may leave hold before the call.
pub(crate) fn out_signs_before(
    st: &State,
    sum: Option<&Summary>,
    args: &[Expr],
) -> BTreeMap<usize, Sign> {
    let mut before = BTreeMap::new();
    if let Some(sum) = sum {
        for o in &sum.outcomes {
            for (i, _) in &o.out {
                // Before `eval`, which forgets what `&v` points to: the address is read
                // from the expression.
                let place = args.get(*i).and_then(|a| {
                    let addr_of = match &a.strip_casts().kind {
                        ExprKind::AddrOf(x) => match x.kind {
                            ExprKind::Local(v) => Some(v),
                            _ => None,
                        },
                        _ => None,
                    };
                    out_place(a, addr_of)
                });
                if let Some(p) = place {
                    before.insert(*i, st.sign(p));
                }
            }
        }
    }
    before
}

impl LockVma<'_> {
    /// A call to a summarised function: [`Self::apply_summary`] now, and the result's value
    /// classes.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn summary_call(
        &mut self,
        st: &mut State,
        e: &Expr,
        name: &str,
        sum: &Summary,
        args: &[Expr],
        vals: &[Val],
        before: &BTreeMap<usize, Sign>,
    ) -> Val {
        self.apply_summary(st, e, name, sum, args, vals, before);
        let ret = sum
            .outcomes
            .iter()
            .fold(Sign::EMPTY, |acc, o| acc.union(o.ret));
        Val {
            sign: (!sum.outcomes.is_empty() && ret != Sign::TOP).then_some(ret),
            ..Val::default()
        }
    }

    /// A lock key of this function as its callers name it: through a parameter, or a
    /// global expression. Keys rooted at other locals mean nothing to a caller.
    pub(crate) fn path_of(&self, key: &str) -> Option<LockPath> {
        let end = key
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(key.len());
        let (root, rest) = key.split_at(end);
        let f = &self.body.func;
        if let Some(index) = f.params.iter().position(|&p| f.var(p).name == root) {
            return Some(LockPath::Param {
                index,
                path: rest.to_string(),
            });
        }
        if root.is_empty() || f.vars.iter().any(|v| v.name == root) {
            return None;
        }
        Some(LockPath::Global(key.to_string()))
    }

    /// Parameter `i` points to a scalar the function may report through (`bool *locked`).
    pub(crate) fn is_out_param(&self, i: usize) -> bool {
        let f = &self.body.func;
        let Some(&p) = f.params.get(i) else {
            return false;
        };
        let ty = &f.var(p).ty;
        ty.ptr_depth == 1
            && ty.record.is_none()
            && !ty.spelling.starts_with("void")
            && !ty.spelling.contains("char")
            && !ty.spelling.contains('(')
    }

    /// A lock of the caller named by a summary: through the call's arguments, or global.
    pub(crate) fn resolve_path(
        &self,
        st: &State,
        path: &LockPath,
        args: &[Expr],
        vals: &[Val],
    ) -> Option<(LockKey, String)> {
        match path {
            LockPath::Global(g) => Some((Arc::from(g.as_str()), g.clone())),
            LockPath::Param { index, path } => {
                let (arg, val) = (args.get(*index)?, vals.get(*index)?);
                if path == crate::state::VMA_LOCK_FIELD {
                    let p = val.prov.as_ref().filter(|p| !p.is_array)?;
                    return Some(self.vma_lock_of(arg, Some(p)));
                }
                if path == "->vm_mm" {
                    if let Some(p) = val.prov.as_ref().filter(|p| !p.is_array) {
                        let display = st
                            .locks
                            .get(&p.lock)
                            .map(|l| l.display.clone())
                            .unwrap_or_else(|| p.lock.to_string());
                        return Some((p.lock.clone(), display));
                    }
                }
                if path.is_empty() {
                    if let Some(l) = &val.lock {
                        return Some(l.clone());
                    }
                }
                let (base, path) = match &arg.strip_casts().kind {
                    ExprKind::AddrOf(x) => match path.strip_prefix("->") {
                        Some(rest) => (x.as_ref(), format!(".{rest}")),
                        None => return None,
                    },
                    _ => (arg, path.clone()),
                };
                // A lock reached through a null argument (`shmem_get_folio_gfp(..., NULL,
                // NULL)` for its `vmf`): the callee never reaches it, so no lock is named.
                if !path.is_empty() && base.const_value() == Some(0) {
                    return None;
                }
                let (key, display) = match base.strip_casts().kind {
                    ExprKind::Local(v) => match st.aliases.get(&v) {
                        Some((k, d)) if path.is_empty() => (k.to_string(), d.clone()),
                        _ => (self.key_text(base), self.text(base)),
                    },
                    _ => (self.key_text(base), self.text(base)),
                };
                // Only plain access paths name an object the caller can name again.
                if key.contains(['(', ' ', '[']) {
                    return None;
                }
                Some((
                    Arc::from(format!("{key}{path}").as_str()),
                    format!("{display}{path}"),
                ))
            }
        }
    }

    /// Applies a summarised callee at a call: its uses and requirements now; its outcomes
    /// are a split of the statement's path ([`Self::exec`]).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn apply_summary(
        &mut self,
        st: &mut State,
        e: &Expr,
        name: &str,
        sum: &Summary,
        args: &[Expr],
        vals: &[Val],
        before: &BTreeMap<usize, Sign>,
    ) {
        for (i, (a, v)) in args.iter().zip(vals).enumerate() {
            if let Some(p) = v.prov.as_ref().filter(|p| !p.is_array) {
                if sum.uses_vma_params.contains(&i) {
                    self.use_vma(st, p, a);
                }
            }
        }
        for need in &sum.needs_lock {
            self.callee_needs(st, e, name, need, args, vals);
        }
        for f in &sum.must_not_hold {
            self.callee_forbids(st, e, name, f, args, vals);
        }
        // The caller's places the callee may write, and what they held before the call.
        let mut places: Vec<(usize, Place, Sign)> = Vec::new();
        for (i, _) in sum.outcomes.iter().flat_map(|o| &o.out) {
            if places.iter().any(|(j, _, _)| j == i) {
                continue;
            }
            let Some(place) = args.get(*i).and_then(|a| out_place(a, vals[*i].addr_of)) else {
                continue;
            };
            places.push((*i, place, before.get(i).copied().unwrap_or(Sign::TOP)));
        }
        let mut outcomes = Vec::new();
        for o in &sum.outcomes {
            let out = places
                .iter()
                .map(|&(i, place, kept)| {
                    let s = match o.out.iter().find(|(j, _)| *j == i) {
                        Some((_, OutValue { written, may_keep })) => {
                            written.union(if *may_keep { kept } else { Sign::EMPTY })
                        }
                        None => kept,
                    };
                    (place, s)
                })
                .collect();
            let locks = o
                .locks
                .iter()
                .filter_map(|(p, eff)| {
                    let (key, display) = self.resolve_path(st, p, args, vals)?;
                    Some((CallerLock { key, display }, *eff))
                })
                .collect();
            let returns_vma = o
                .returns_vma
                .as_ref()
                .and_then(|p| self.resolve_path(st, p, args, vals));
            outcomes.push(CallOutcome {
                ret: o.ret,
                out,
                locks,
                returns_vma,
            });
        }
        // Outcomes the caller cannot tell apart are one path.
        let mut merged: Vec<CallOutcome> = Vec::new();
        for o in outcomes {
            let Some(m) = merged.iter_mut().find(|m| overlaps(m, &o)) else {
                merged.push(o);
                continue;
            };
            m.ret = m.ret.union(o.ret);
            // Every outcome lists the same places, in the same order.
            for ((_, t), (_, s)) in m.out.iter_mut().zip(o.out) {
                *t = t.union(s);
            }
            m.locks = summary::join_effects(&m.locks, &o.locks);
            if m.returns_vma != o.returns_vma {
                m.returns_vma = None;
            }
        }
        if merged
            .iter()
            .all(|o| o.locks.is_empty() && o.returns_vma.is_none())
        {
            return;
        }
        self.summary_split = Some(SummarySplit {
            at: e.span.clone(),
            call: self.text(e),
            outcomes: merged,
        });
    }

    /// One outcome of a summarised call applied to one path; `None` when the path cannot
    /// take it.
    pub(crate) fn apply_outcome(
        &mut self,
        mut st: State,
        sp: &SummarySplit,
        o: &CallOutcome,
        target: Option<Place>,
    ) -> Option<State> {
        if let Some(t) = target {
            st.signs.insert(t, o.ret);
            if let Place::Var(v) = t {
                st.vmas.remove(&v);
            }
        }
        for (p, s) in &o.out {
            if s.is_empty() {
                return None;
            }
            if *s == Sign::TOP {
                st.signs.remove(p);
            } else {
                st.signs.insert(*p, *s);
            }
            if let Place::Deref(v) = p {
                self.wrote_through(&mut st, *v);
            }
        }
        for (CallerLock { key, display }, eff) in &o.locks {
            let before = st.lock_mut(key, display).clone();
            match eff {
                Effect::Acquire(m) => {
                    let l = st.lock_mut(key, display);
                    l.status = Status::Held(*m);
                    l.acquired_at = Some(sp.at.clone());
                    l.acquired_by = Some(sp.call.clone());
                }
                Effect::Release => {
                    self.emit(Event::Release(ReleaseEvent {
                        at: sp.at.clone(),
                        key: key.clone(),
                        call: sp.call.clone(),
                        lock_display: before.display.clone(),
                        mode: match before.status {
                            Status::Held(m) => m,
                            _ => HoldMode::Read,
                        },
                        before: before.status.clone(),
                        acquired_at: before.acquired_at.clone(),
                        acquired_by: before.acquired_by.clone(),
                    }));
                    st.kill_vmas_of(key, &sp.at);
                    st.lock_mut(key, display).status = Status::Released(sp.at.clone());
                }
                Effect::Retake(m) => {
                    st.kill_vmas_of(key, &sp.at);
                    let l = st.lock_mut(key, display);
                    l.status = Status::Held(*m);
                    if l.acquired_at.is_some() {
                        l.acquired_at = Some(sp.at.clone());
                        l.acquired_by = Some(sp.call.clone());
                    }
                }
                Effect::Maybe => {
                    st.lock_mut(key, display).status = Status::Maybe;
                }
            }
        }
        if let (Some(Place::Var(v)), Some((key, _))) = (target, &o.returns_vma) {
            let prov = self.new_vma(&st, key, &sp.at, &sp.call);
            st.vmas.insert(v, prov);
        }
        Some(st)
    }

    /// Records one way out of the function for its summary.
    pub(crate) fn record_exit(&mut self, st: &State, val: Option<&Val>) {
        let f = &self.body.func;
        let locks = st
            .locks
            .iter()
            .filter_map(|(k, l)| Some((self.path_of(k)?, l.clone())))
            .collect();
        let mut out = BTreeMap::new();
        for (i, &p) in f.params.iter().enumerate().take(64) {
            if st.out_written & (1 << i) != 0 && self.is_out_param(i) {
                out.insert(i, st.sign(Place::Deref(p)));
            }
        }
        let returns_vma = val
            .and_then(|v| v.prov.as_ref())
            .filter(|p| p.dead.is_none() && !p.is_array && p.derived_from.is_none())
            .and_then(|p| self.path_of(&p.lock));
        self.exits.push(Exit {
            ret: val.map(|v| v.sign()).unwrap_or(Sign::TOP),
            locks,
            out,
            returns_vma,
        });
    }
}

/// Two outcomes of one call the caller could not tell apart: their results and what they
/// leave in the out-parameters can be equal.
fn overlaps(a: &CallOutcome, b: &CallOutcome) -> bool {
    if a.ret.meet(b.ret).is_empty() {
        return false;
    }
    a.out.iter().all(|(p, s)| {
        b.out
            .iter()
            .find(|(q, _)| q == p)
            .is_none_or(|(_, t)| !s.meet(*t).is_empty())
    })
}
