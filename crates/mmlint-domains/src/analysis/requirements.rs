//! Requirements: a call that needs a lock held (a lookup, GUP without `locked`, an
//! assertion, `vm_flags_set()` for write, a summarised callee that needs one) is checked
//! against the path's state. A lock still in its entry state is the caller's business: the
//! requirement goes into this function's summary, with where it comes from, and is checked
//! at its call sites, unless the entry state is known to hold nothing.
//!
//! A requirement passed on carries what the path knew about the scalar parameters where it
//! arose (`if (lock_vma) vma_start_write(vma)`): a call site whose argument contradicts it
//! (`false`) does not need the lock.

use std::collections::BTreeMap;

use mmlint_ir::{Expr, ExprKind, Function, UnOp, VarId};
use mmlint_rules::NeedsWrite;

use super::value::Val;
use super::{Event, LockVma};
use crate::state::{HoldMode, LockKey, Place, Sign, State, Status};
use crate::summary::{
    condition_may_hold, join_conditions, Forbid, LockPath, Need, Origin, MAX_ORIGIN,
};

/// A requirement this function passes on: the mode, where it comes from, and the condition
/// on the parameters under which it arises (every path's, joined).
#[derive(Clone, Debug)]
pub(crate) struct NeedAt {
    mode: HoldMode,
    via: Vec<Origin>,
    when: Vec<(usize, Sign)>,
}

/// Scalar parameters no expression of the body writes or takes the address of: a path's
/// knowledge of one is knowledge of the caller's argument.
pub(crate) fn fixed_scalar_params<'e>(
    f: &Function,
    exprs: impl Iterator<Item = &'e Expr>,
) -> BTreeMap<VarId, usize> {
    fn written(e: &Expr, out: &mut Vec<VarId>) {
        let target = match &e.kind {
            ExprKind::Assign { lhs, .. } => Some(lhs),
            ExprKind::AddrOf(x) => Some(x),
            ExprKind::Unary {
                op: UnOp::PreInc | UnOp::PreDec | UnOp::PostInc | UnOp::PostDec,
                operand,
            } => Some(operand),
            _ => None,
        };
        if let Some(ExprKind::Local(v)) = target.map(|t| &t.strip_casts().kind) {
            out.push(*v);
        }
        e.for_each_child(|c| written(c, out));
    }
    let mut out = Vec::new();
    for e in exprs {
        written(e, &mut out);
    }
    f.params
        .iter()
        .enumerate()
        .filter(|(_, v)| {
            let ty = &f.var(**v).ty;
            ty.is_scalar && !ty.is_pointer() && !out.contains(v)
        })
        .map(|(i, v)| (*v, i))
        .collect()
}

/// Only zero, negative and positive are told apart in a condition: a `bool` parameter
/// turns any non-zero argument into 1.
fn coarse(s: Sign) -> Sign {
    if s.meet(Sign::POS).is_empty() {
        s
    } else {
        s.union(Sign::POS)
    }
}

impl LockVma<'_> {
    /// `name` (the call `e`) needs `key` held in `mode`; `via` says why, starting at `e`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn require(
        &mut self,
        st: &State,
        key: &LockKey,
        display: &str,
        e: &Expr,
        name: &str,
        mode: HoldMode,
        mut via: Vec<Origin>,
        when: &[(usize, Sign)],
    ) {
        via.truncate(MAX_ORIGIN);
        let lock = st.locks.get(key);
        let status = lock.map(|l| l.status.clone()).unwrap_or(Status::Unknown);
        let ours = lock.is_some_and(|l| l.acquired_at.is_some()) || self.entry.is_some();
        let report = match &status {
            Status::Unknown => self.holds_nothing_at_entry() && self.entry_speaks_for(key),
            Status::Released(_) | Status::AcquireFailed(_) => true,
            // Read held where write is needed: a mismatch when the hold is this function's
            // (or the kernel's, by the entry state); after an assertion that accepts either
            // mode, the caller must hold it for write.
            Status::Held(HoldMode::Read) => mode == HoldMode::Write && ours,
            Status::Held(HoldMode::Write) | Status::Maybe => false,
        };
        if report {
            self.emit(Event::NeedsLock {
                at: e.span.clone(),
                call: name.to_string(),
                lock_display: display.to_string(),
                status,
                mode,
                via,
            });
            return;
        }
        let passed_on = match status {
            Status::Unknown => true,
            Status::Held(HoldMode::Read) => mode == HoldMode::Write,
            _ => false,
        };
        if passed_on {
            self.pass_on(st, key, mode, via, when);
        }
    }

    /// Records a requirement for the callers, with the condition the path `st` and the
    /// callee's condition on this function's parameters (`when`) put on it.
    fn pass_on(
        &mut self,
        st: &State,
        key: &LockKey,
        mode: HoldMode,
        via: Vec<Origin>,
        when: &[(usize, Sign)],
    ) {
        let mut cond: Vec<(usize, Sign)> = Vec::new();
        for (&v, &i) in &self.fixed_params {
            let known = when
                .iter()
                .filter(|(j, _)| *j == i)
                .fold(st.sign(Place::Var(v)), |s, (_, t)| s.meet(*t));
            let known = coarse(known);
            if known != Sign::TOP {
                cond.push((i, known));
            }
        }
        match self.needs.get_mut(key) {
            None => {
                self.needs.insert(
                    key.clone(),
                    NeedAt {
                        mode,
                        via,
                        when: cond,
                    },
                );
            }
            // A write need keeps its own condition: joined with a read need's, a write
            // under `walk_lock != PGWALK_RDLOCK` and a read under `== PGWALK_RDLOCK` (6.12
            // mm/pagewalk.c process_mm_walk_lock()) would become a write need always.
            Some(need) if need.mode == mode => {
                need.when = join_conditions(&need.when, &cond);
            }
            Some(need) => {
                if mode == HoldMode::Write {
                    need.mode = mode;
                    need.via = via;
                    need.when = cond;
                }
            }
        }
    }

    /// Whether the entry state ("no mmap_lock") says anything about `key`: not when the key
    /// is reached through a local VMA whose lookup the analysis did not see (6.12 brk():
    /// `brkvma = vma_prev_limit(...)`; `brkvma->vm_mm` is the mm this function locked,
    /// under a name the analysis cannot tie to it).
    fn entry_speaks_for(&self, key: &str) -> bool {
        let end = key
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(key.len());
        let root = &key[..end];
        let f = &self.body.func;
        let untracked_local_vma = f.vars.iter().enumerate().any(|(i, v)| {
            v.name == root
                && v.ty.is_ptr_to(&self.db.vma_record)
                && !f.params.iter().any(|p| p.0 as usize == i)
        });
        !untracked_local_vma
    }

    /// A direct requirement of the rules data (lookup, GUP, assertion, write-needing call).
    pub(crate) fn needs_lock(
        &mut self,
        st: &State,
        key: &LockKey,
        display: &str,
        e: &Expr,
        name: &str,
        mode: HoldMode,
    ) {
        let what = format!(
            "{name}() needs the mmap_lock of '{display}' held{}",
            mode_words(mode)
        );
        let via = vec![self.origin_at(e, what)];
        self.require(st, key, display, e, name, mode, via, &[]);
    }

    /// A requirement recorded for the callers only, never reported here: on a lock still
    /// in its entry state (and one the entry state does not say is free).
    pub(crate) fn pass_on_need(
        &mut self,
        st: &State,
        key: &LockKey,
        e: &Expr,
        name: &str,
        mode: HoldMode,
    ) {
        let unknown = st
            .locks
            .get(key)
            .is_none_or(|l| l.status == Status::Unknown);
        if !unknown || self.holds_nothing_at_entry() {
            return;
        }
        let display = st
            .locks
            .get(key)
            .map_or_else(|| key.to_string(), |l| l.display.clone());
        let what = format!(
            "{name}() needs the mmap_lock of '{display}' held{}",
            mode_words(mode)
        );
        let via = vec![self.origin_at(e, what)];
        self.pass_on(st, key, mode, via, &[]);
    }

    /// A call whose rules data says it needs its VMA argument's mm (or its mm argument)
    /// locked for write.
    pub(crate) fn write_needed(
        &mut self,
        st: &mut State,
        e: &Expr,
        name: &str,
        w: &NeedsWrite,
        args: &[Expr],
        vals: &[Val],
    ) {
        let path = match (w.vma_arg, w.mm_arg) {
            (Some(index), _) => LockPath::Param {
                index,
                path: "->vm_mm".into(),
            },
            (_, Some(index)) => LockPath::Param {
                index,
                path: String::new(),
            },
            _ => return,
        };
        if let Some((key, display)) = self.resolve_path(st, &path, args, vals) {
            st.lock_mut(&key, &display);
            self.needs_lock(st, &key, &display, e, name, HoldMode::Write);
        }
    }

    /// A summarised callee's requirement, at its call `e`.
    pub(crate) fn callee_needs(
        &mut self,
        st: &mut State,
        e: &Expr,
        name: &str,
        need: &Need,
        args: &[Expr],
        vals: &[Val],
    ) {
        // The callee needs the lock only where its condition holds: not when an argument
        // contradicts it; an argument that is one of this function's parameters puts the
        // condition on this function's callers.
        let arg_sign = |i: usize| vals.get(i).map_or(Sign::TOP, |v| v.sign());
        if !condition_may_hold(&need.when, arg_sign) {
            return;
        }
        let caller_param = |i: usize| match args.get(i)?.strip_casts().kind {
            ExprKind::Local(v) => self.fixed_params.get(&v).copied(),
            _ => None,
        };
        let when: Vec<(usize, Sign)> = need
            .when
            .iter()
            .filter_map(|&(i, s)| Some((caller_param(i)?, s)))
            .collect();
        // A condition neither this call's argument decides nor this function's caller
        // can (`process_vma_walk_lock(vma, ops->walk_lock)`): the write the callee may
        // need is a guess, the lock held at all is not.
        let undecidable = need.when.iter().any(|&(i, s)| {
            let a = arg_sign(i);
            a.meet(s) != a && caller_param(i).is_none()
        });
        let mode = if undecidable {
            HoldMode::Read
        } else {
            need.mode
        };
        let Some((key, display)) = self.resolve_path(st, &need.lock, args, vals) else {
            return;
        };
        st.lock_mut(&key, &display);
        let what = format!(
            "{name}() needs the mmap_lock of '{display}' held{}",
            mode_words(mode)
        );
        let mut via = vec![self.origin_at(e, what)];
        via.extend(need.origin.iter().cloned());
        self.require(st, &key, &display, e, name, mode, via, &when);
    }

    fn origin_at(&self, e: &Expr, what: String) -> Origin {
        Origin {
            file: e.span.start.file.to_string(),
            line: e.span.start.line,
            col: e.span.start.col,
            what,
        }
    }

    /// A call (`name`, at `e`) that takes `key` itself: with the lock held by this
    /// function it is a self-deadlock; with the lock still in its entry state the callers
    /// must not hold it, unless the entry state says nothing is held. `via` is the callee's
    /// origin (empty for a call the rules data names).
    pub(crate) fn takes_lock(
        &mut self,
        st: &State,
        key: &LockKey,
        e: &Expr,
        name: &str,
        callee_via: Vec<Origin>,
    ) {
        let Some(l) = st.locks.get(key) else {
            return;
        };
        let what = format!("{name}() takes the mmap_lock of '{}' itself", l.display);
        let mut via = vec![self.origin_at(e, what)];
        via.extend(callee_via);
        via.truncate(MAX_ORIGIN);
        match (&l.status, &l.acquired_at) {
            (Status::Held(_), Some(at)) => self.emit(Event::TakesHeldLock {
                at: e.span.clone(),
                call: name.to_string(),
                lock_display: l.display.clone(),
                held_at: at.clone(),
                held_by: l.acquired_by.clone().unwrap_or_default(),
                via,
            }),
            (Status::Unknown, _) if !self.holds_nothing_at_entry() => {
                self.forbids.entry(key.clone()).or_insert(via);
            }
            _ => {}
        }
    }

    /// A summarised callee that takes a lock its caller must not hold, at its call `e`.
    pub(crate) fn callee_forbids(
        &mut self,
        st: &mut State,
        e: &Expr,
        name: &str,
        f: &Forbid,
        args: &[Expr],
        vals: &[Val],
    ) {
        let Some((key, display)) = self.resolve_path(st, &f.lock, args, vals) else {
            return;
        };
        st.lock_mut(&key, &display);
        self.takes_lock(st, &key, e, name, f.origin.clone());
    }

    /// The locks this function's callers must not hold, as they name them.
    pub(crate) fn summary_forbids(&self) -> Vec<Forbid> {
        self.forbids
            .iter()
            .filter_map(|(k, origin)| {
                Some(Forbid {
                    lock: self.path_of(k)?,
                    origin: origin.clone(),
                })
            })
            .collect()
    }

    /// This function's requirements as its callers name the locks.
    pub(crate) fn summary_needs(&self) -> Vec<Need> {
        self.needs
            .iter()
            .filter(|(k, _)| !self.takes_from_entry.contains(*k))
            .filter_map(|(k, need)| {
                Some(Need {
                    lock: self.path_of(k)?,
                    mode: need.mode,
                    origin: need.via.clone(),
                    when: need.when.clone(),
                })
            })
            .collect()
    }
}

fn mode_words(mode: HoldMode) -> &'static str {
    match mode {
        HoldMode::Read => "",
        HoldMode::Write => " for write",
    }
}
