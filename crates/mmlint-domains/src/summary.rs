//! Function summaries in the spirit of Smatch's return states: what a call does to the
//! caller's locks, out-parameters and VMAs, per class of outcome, learned from the body.
//!
//! A summary names locks relative to the callee's parameters (`Param { index: 0, path:
//! "->mm" }`) or as a global expression (`get_current()->mm`), so a call site can
//! translate it into its own lock keys. Outcomes are kept apart only while something the
//! caller can test (the result, an out-parameter) tells them apart; outcomes the caller
//! cannot tell apart are merged, and a lock whose effect differs between them becomes
//! [`Effect::Maybe`], which silences rather than guesses.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::state::{HoldMode, LockSt, Sign, Status};

/// A lock as the callee names it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum LockPath {
    /// The mm reached from parameter `index` through `path` (C member syntax: `""` for the
    /// parameter itself, `"->mm"`, `"->vm_mm"` for a VMA parameter's mm).
    Param { index: usize, path: String },
    /// A lock named without parameters, e.g. `get_current()->mm`.
    Global(String),
}

/// What a call does to one lock on one outcome (absent: nothing).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Effect {
    /// Takes the lock; the caller did not hold it.
    Acquire(HoldMode),
    /// Releases the caller's hold.
    Release,
    /// Ends the caller's hold and returns with the lock held again: a new hold, every VMA
    /// the caller obtained before the call is stale.
    Retake(HoldMode),
    /// Differs between outcomes the caller cannot tell apart.
    Maybe,
}

/// The value an out-parameter (`*p` of a pointer parameter) has on return.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutValue {
    /// The classes of the values the callee may have stored.
    pub written: Sign,
    /// On some path the callee did not write it: the caller's value is still there.
    pub may_keep: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// The classes of the returned value (all of them for `void`).
    pub ret: Sign,
    /// Out-parameters the callee may write on this outcome, by parameter index.
    pub out: Vec<(usize, OutValue)>,
    pub locks: Vec<(LockPath, Effect)>,
    /// Returns a VMA valid under the named lock on return.
    pub returns_vma: Option<LockPath>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub outcomes: Vec<Outcome>,
    /// Locks the callee expects its caller to hold (lookups, assertions, its callees'
    /// requirements), and in which mode.
    pub needs_lock: Vec<Need>,
    /// Locks the callee takes itself (a `*_fast` / `*_unlocked` GUP, directly or through
    /// its callees) on its caller's behalf: calling it with one of them held is a
    /// self-deadlock.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub must_not_hold: Vec<Forbid>,
    /// VMA parameters the callee dereferences (or hands on to a callee that may): passing a
    /// dangling VMA there is a use. VMA parameters not listed are not read.
    pub uses_vma_params: Vec<usize>,
}

impl Summary {
    /// Nothing a caller could apply: no lock effect, no VMA returned, no requirement, no
    /// VMA parameter left unread.
    pub fn is_trivial(&self, vma_params: &[usize]) -> bool {
        self.needs_lock.is_empty()
            && self.must_not_hold.is_empty()
            && vma_params.iter().all(|p| self.uses_vma_params.contains(p))
            && self
                .outcomes
                .iter()
                .all(|o| o.locks.is_empty() && o.returns_vma.is_none())
    }
}

/// A lock a function needs held at entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Need {
    pub lock: LockPath,
    /// `Read`: held in either mode; `Write`: held for write.
    pub mode: HoldMode,
    /// Where the requirement comes from, this function's call or lookup first, then its
    /// callee's (at most [`MAX_ORIGIN`] steps).
    pub origin: Vec<Origin>,
    /// The requirement arises only when each listed scalar parameter (by index) has a value
    /// in the given classes (`ksm`'s `break_ksm()` locks the VMA for write only `if
    /// (lock_vma)`); empty: always. A caller whose argument is outside them does not need
    /// the lock. Absent in files written before conditions existed: unconditional, as they
    /// meant.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub when: Vec<(usize, Sign)>,
}

/// The condition under which a requirement arises on one path or another (what both
/// conditions say about a parameter, joined; a parameter only one of them names is free).
pub fn join_conditions(a: &[(usize, Sign)], b: &[(usize, Sign)]) -> Vec<(usize, Sign)> {
    a.iter()
        .filter_map(|&(i, s)| {
            let (_, t) = b.iter().find(|(j, _)| *j == i)?;
            let u = s.union(*t);
            (u != Sign::TOP).then_some((i, u))
        })
        .collect()
}

/// Whether a call whose arguments have the classes `arg` (by parameter index) can meet
/// `when`.
pub fn condition_may_hold(when: &[(usize, Sign)], arg: impl Fn(usize) -> Sign) -> bool {
    when.iter().all(|&(i, s)| !arg(i).meet(s).is_empty())
}

/// A lock a function must be called without: it takes it itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forbid {
    pub lock: LockPath,
    /// Where the requirement comes from, this function's call first, down to the call
    /// that takes the lock (at most [`MAX_ORIGIN`] steps).
    pub origin: Vec<Origin>,
}

/// One step of a requirement's origin: a position and what happens there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    pub file: String,
    pub line: u32,
    pub col: u32,
    pub what: String,
}

/// Requirement chains longer than this keep their first steps only.
pub const MAX_ORIGIN: usize = 4;

/// One way out of the function, as the analysis saw it at a `return`.
#[derive(Clone, Debug)]
pub struct Exit {
    pub ret: Sign,
    pub locks: Vec<(LockPath, LockSt)>,
    /// Out-parameters written on this path, with what they hold.
    pub out: BTreeMap<usize, Sign>,
    pub returns_vma: Option<LockPath>,
}

/// What one exit did to a lock, as the caller sees it.
pub fn effect_of(l: &LockSt) -> Option<Effect> {
    match (&l.status, l.entry_ended, l.acquired_at.is_some()) {
        (Status::Maybe, _, _) => Some(Effect::Maybe),
        (Status::Held(m), true, _) => Some(Effect::Retake(*m)),
        (Status::Held(m), false, true) => Some(Effect::Acquire(*m)),
        (Status::Released(_) | Status::AcquireFailed(_), true, _) => Some(Effect::Release),
        _ => None,
    }
}

/// At most this many outcomes per summary; beyond it they are merged by result class only.
const MAX_OUTCOMES: usize = 8;

/// Builds the summary from the function's exits.
pub fn summarize(
    exits: &[Exit],
    needs_lock: Vec<Need>,
    uses_vma_params: Vec<usize>,
    out_params: &[usize],
) -> Summary {
    let mut outcomes: Vec<Outcome> = Vec::new();
    for x in exits {
        let mut locks: Vec<(LockPath, Effect)> = x
            .locks
            .iter()
            .filter_map(|(p, l)| effect_of(l).map(|e| (p.clone(), e)))
            .collect();
        locks.sort_by(|a, b| a.0.cmp(&b.0));
        locks.dedup_by(|a, b| a.0 == b.0);
        let out = out_params
            .iter()
            .filter_map(|&i| {
                x.out.get(&i).map(|&s| {
                    (
                        i,
                        OutValue {
                            written: s,
                            may_keep: false,
                        },
                    )
                })
            })
            .collect();
        let o = Outcome {
            ret: x.ret,
            out,
            locks,
            returns_vma: x.returns_vma.clone(),
        };
        match outcomes
            .iter_mut()
            .find(|p| p.locks == o.locks && p.returns_vma == o.returns_vma)
        {
            Some(p) => absorb(p, &o),
            None => outcomes.push(o),
        }
    }
    if outcomes.len() > MAX_OUTCOMES {
        let mut merged: Vec<Outcome> = Vec::new();
        for o in outcomes {
            match merged.iter_mut().find(|p| !p.ret.meet(o.ret).is_empty()) {
                Some(p) => merge(p, &o),
                None => merged.push(o),
            }
        }
        outcomes = merged;
    }
    Summary {
        outcomes,
        needs_lock,
        must_not_hold: Vec::new(),
        uses_vma_params,
    }
}

/// Joins the constraints of `o` into `p` (same effects).
fn absorb(p: &mut Outcome, o: &Outcome) {
    p.ret = p.ret.union(o.ret);
    let mut out: Vec<(usize, OutValue)> = Vec::new();
    let idx: std::collections::BTreeSet<usize> =
        p.out.iter().chain(&o.out).map(|(i, _)| *i).collect();
    for i in idx {
        let a = p.out.iter().find(|(j, _)| *j == i).map(|(_, v)| *v);
        let b = o.out.iter().find(|(j, _)| *j == i).map(|(_, v)| *v);
        let keep = OutValue {
            written: Sign::EMPTY,
            may_keep: true,
        };
        let (a, b) = (a.unwrap_or(keep), b.unwrap_or(keep));
        out.push((
            i,
            OutValue {
                written: a.written.union(b.written),
                may_keep: a.may_keep || b.may_keep,
            },
        ));
    }
    p.out = out;
}

/// Joins `o` into `p` whatever their effects: a lock they disagree on becomes `Maybe`.
pub fn merge(p: &mut Outcome, o: &Outcome) {
    absorb(p, o);
    p.locks = join_effects(&p.locks, &o.locks);
    p.locks.sort_by(|a, b| a.0.cmp(&b.0));
    if p.returns_vma != o.returns_vma {
        p.returns_vma = None;
    }
}

/// The effects of two outcomes taken as one: a lock they disagree on, or that only one of
/// them names, becomes `Maybe`. Locks keep the order they are first named in.
pub fn join_effects<K: PartialEq + Clone>(
    a: &[(K, Effect)],
    b: &[(K, Effect)],
) -> Vec<(K, Effect)> {
    let effect_in =
        |side: &[(K, Effect)], k: &K| side.iter().find(|(x, _)| x == k).map(|(_, e)| *e);
    let mut out: Vec<(K, Effect)> = Vec::new();
    for (k, _) in a.iter().chain(b) {
        if out.iter().any(|(x, _)| x == k) {
            continue;
        }
        let (ea, eb) = (effect_in(a, k), effect_in(b, k));
        let e = if ea == eb {
            ea.expect("named on one side")
        } else {
            Effect::Maybe
        };
        out.push((k.clone(), e));
    }
    out
}

/// Summaries by function name: learned in this translation unit, or loaded from a summary
/// file built over the whole tree (`mmlint summarize`).
pub type Summaries = std::collections::HashMap<String, std::sync::Arc<Summary>>;

/// Where a call's summary is looked up: the unit's own functions first (a `static`
/// function shadows an exported one of the same name), then the summary file.
#[derive(Clone, Copy, Default)]
pub struct Lookup<'a> {
    pub local: Option<&'a Summaries>,
    pub external: Option<&'a Summaries>,
}

impl<'a> Lookup<'a> {
    pub fn get(&self, name: &str) -> Option<&'a std::sync::Arc<Summary>> {
        self.local
            .and_then(|m| m.get(name))
            .or_else(|| self.external.and_then(|m| m.get(name)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_requirement_written_before_conditions_reads_as_unconditional() {
        let old = r#"{"lock":{"Param":{"index":0,"path":"->vm_mm"}},"mode":"Write","origin":[]}"#;
        let need: Need = serde_json::from_str(old).unwrap();
        assert!(need.when.is_empty());
        assert!(!serde_json::to_string(&need).unwrap().contains("when"));
    }

    #[test]
    fn joined_conditions_keep_what_both_say() {
        let a = [(0, Sign::NONZERO), (1, Sign::ZERO)];
        let b = [(0, Sign::ZERO), (1, Sign::ZERO), (2, Sign::POS)];
        assert_eq!(join_conditions(&a, &b), vec![(1, Sign::ZERO)]);
        assert!(condition_may_hold(&[(1, Sign::NONZERO)], |_| Sign::POS));
        assert!(!condition_may_hold(&[(1, Sign::NONZERO)], |i| if i == 1 {
            Sign::ZERO
        } else {
            Sign::TOP
        }));
    }
}
