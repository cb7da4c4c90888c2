use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use mmlint_cfg::{Body, EdgeKind, Inst, Terminator};
use mmlint_dataflow::{iterate_to_fixpoint, Analysis, Disjunction, Location, ResultsVisitor};
use mmlint_ir::{BinOp, Callee, Expr, ExprKind, Function, Span, UnOp, VarId};
use mmlint_rules::{ApiDb, LockAction, LockFn, LockKind, Mode, SucceedsWhen};

use crate::state::{FaultTag, HoldMode, LockKey, Place, Prov, Sign, State, Status};
use crate::summary::{self, Effect, Exit, LockPath, Lookup, OutValue, Summary};
use crate::MAX_DISJUNCTS;

/// A VMA (or derived pointer) dereferenced or passed to a call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VmaUse {
    pub at: Span,
    /// The pointer as written (`vma`, `file`, `vmas[i]`).
    pub name: String,
    pub prov: Prov,
    /// How the source names the mm whose lock the VMA belongs to.
    pub lock_display: String,
    /// The lock is held again at the use (taken again after the release).
    pub relocked_at: Option<Span>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReleaseEvent {
    pub at: Span,
    pub call: String,
    pub lock_display: String,
    pub mode: HoldMode,
    /// The state of the lock just before the release.
    pub before: Status,
    pub acquired_at: Option<Span>,
    pub acquired_by: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GupCall {
    pub at: Span,
    pub name: String,
    /// `vmas` is not provably NULL.
    pub vmas_nonnull: bool,
    pub vmas_text: Option<String>,
    /// `locked` is not provably NULL.
    pub locked_nonnull: bool,
    pub locked_text: Option<String>,
    /// gup_flags names the unlockable flag.
    pub unlockable_flag: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldLock {
    pub key: LockKey,
    pub display: String,
    pub acquired_at: Span,
    pub acquired_by: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    VmaUse(VmaUse),
    Release(ReleaseEvent),
    /// A call that needs the mm's lock held (VMA lookup, GUP without `locked`), made in
    /// `status`.
    NeedsLock {
        at: Span,
        call: String,
        lock_display: String,
        status: Status,
    },
    Gup(GupCall),
    /// A call that takes the mm's lock itself (`get_user_pages_unlocked`, `*_fast`) made
    /// while this function holds it.
    TakesHeldLock {
        at: Span,
        call: String,
        lock_display: String,
        held_at: Span,
        held_by: String,
    },
    /// The function returns: the sign of the value returned (`None` for void), the locks
    /// this function acquired that are still held, and the locks known not to be held
    /// (released, or a conditional acquire failed). Locks in neither list are in the
    /// caller's state or unknown.
    Return {
        at: Span,
        value: Option<Sign>,
        held: Vec<HeldLock>,
        released: Vec<LockKey>,
    },
}

/// What the lock/VMA analysis found in one function.
#[derive(Debug)]
pub struct FnFacts {
    pub events: Vec<Event>,
    /// False when the step budget ran out (results may miss paths).
    pub converged: bool,
    /// What a caller needs to know about this function (see [`crate::summary`]).
    pub summary: Summary,
}

/// True when the function touches anything the analysis tracks: a call the rules data
/// knows, or a VMA-typed variable. Functions that do not are skipped.
pub fn is_relevant(body: &Body, db: &ApiDb, summaries: Lookup<'_>) -> bool {
    if body
        .func
        .vars
        .iter()
        .any(|v| v.ty.record.as_deref() == Some(db.vma_record.as_str()))
    {
        return true;
    }
    body.graph.node_weights().any(|bb| {
        bb.insts
            .iter()
            .any(|i| mentions_known_call(&i.expr, db, summaries))
            || match &bb.term {
                Terminator::Branch { cond } => mentions_known_call(cond, db, summaries),
                _ => false,
            }
    })
}

fn mentions_known_call(e: &Expr, db: &ApiDb, summaries: Lookup<'_>) -> bool {
    if let Some(n) = e.direct_callee() {
        if db.knows(n) || summaries.get(n).is_some() {
            return true;
        }
    }
    if let ExprKind::Member { field, .. } = &e.kind {
        if db.is_vma_field(&db.mm_record, field) {
            return true;
        }
    }
    let mut any = false;
    e.for_each_child(|c| any = any || mentions_known_call(c, db, summaries));
    any
}

/// Runs the analysis on `body` and returns its events, deduplicated, in program order.
pub fn analyze(
    body: &Body,
    db: &ApiDb,
    noreturn: &BTreeSet<String>,
    summaries: Lookup<'_>,
) -> FnFacts {
    let analysis = LockVma {
        body,
        db,
        noreturn,
        summaries,
        roots: stable_roots(body, db),
        recording: false,
        events: Vec::new(),
        drop_split: None,
        fault_split: None,
        retake_split: None,
        summary_split: None,
        param_uses: 0,
        needs: BTreeSet::new(),
        exits: Vec::new(),
    };
    let mut results = iterate_to_fixpoint(body, analysis, 0);
    results.analysis.recording = true;
    struct Nop;
    impl ResultsVisitor<LockVma<'_>> for Nop {}
    results.visit_with(body, &mut Nop);
    let a = &mut results.analysis;
    let mut events = std::mem::take(&mut a.events);
    let mut seen = std::collections::HashSet::new();
    events.retain(|e| seen.insert(format!("{e:?}")));
    let needs = a.needs.iter().filter_map(|k| a.path_of(k)).collect();
    let uses = (0..body.func.params.len().min(64))
        .filter(|i| a.param_uses & (1 << i) != 0)
        .collect();
    let out_params: Vec<usize> = (0..body.func.params.len().min(64))
        .filter(|&i| a.is_out_param(i))
        .collect();
    let summary = summary::summarize(&a.exits, needs, uses, &out_params);
    FnFacts {
        events,
        converged: results.converged,
        summary,
    }
}

/// Locals assigned once, from a call the rules data says always returns the same pointer
/// (`tsk = current`): lock keys name them by that call, as a callee would.
fn stable_roots(body: &Body, db: &ApiDb) -> HashMap<VarId, String> {
    fn walk(e: &Expr, db: &ApiDb, f: &Function, out: &mut HashMap<VarId, Option<String>>) {
        match &e.kind {
            ExprKind::Assign { op, lhs, rhs } => {
                if let ExprKind::Local(v) = lhs.strip_casts().kind {
                    let stable = match (&rhs.strip_casts().kind, op) {
                        (
                            ExprKind::Call {
                                callee: Callee::Direct(n),
                                args,
                            },
                            None,
                        ) if args.is_empty() && db.stable_calls.contains(n) => {
                            Some(rhs.display(f).to_string())
                        }
                        _ => None,
                    };
                    match out.get(&v) {
                        None => {
                            out.insert(v, stable);
                        }
                        Some(_) => {
                            out.insert(v, None);
                        }
                    }
                }
            }
            ExprKind::AddrOf(x) => {
                if let ExprKind::Local(v) = x.strip_casts().kind {
                    out.insert(v, None);
                }
            }
            ExprKind::Unary {
                op: UnOp::PreInc | UnOp::PreDec | UnOp::PostInc | UnOp::PostDec,
                operand,
            } => {
                if let ExprKind::Local(v) = operand.strip_casts().kind {
                    out.insert(v, None);
                }
            }
            _ => {}
        }
        e.for_each_child(|c| walk(c, db, f, out));
    }
    if db.stable_calls.is_empty() {
        return HashMap::new();
    }
    let mut seen = HashMap::new();
    for e in body.exprs() {
        walk(e, db, &body.func, &mut seen);
    }
    seen.into_iter()
        .filter(|(v, _)| !body.func.params.contains(v))
        .filter_map(|(v, s)| Some((v, s?)))
        .collect()
}

struct LockVma<'a> {
    body: &'a Body,
    db: &'a ApiDb,
    /// Functions the translation unit declares noreturn.
    noreturn: &'a BTreeSet<String>,
    /// Summaries of the callees (rules data wins over them).
    summaries: Lookup<'a>,
    /// Locals that stand for a stable call's value (`tsk = current`).
    roots: HashMap<VarId, String>,
    recording: bool,
    events: Vec<Event>,
    /// Set by a call that may drop the lock and tells by an out-parameter (GUP's
    /// `locked`): the statement's path splits in two after it.
    drop_split: Option<DropSplit>,
    /// Set by a fault handler call: the path splits three ways after the statement.
    fault_split: Option<(LockKey, Span)>,
    /// Set by a call that sets a flag when it dropped and re-took the lock.
    retake_split: Option<(LockKey, Span, Place)>,
    /// Set by a call to a summarised function: one path per outcome the caller can tell
    /// apart.
    summary_split: Option<SummarySplit>,
    /// Parameters (bits) whose VMA this function reads.
    param_uses: u64,
    /// Locks this function expects held at entry.
    needs: BTreeSet<LockKey>,
    /// The states at `return`, recorded in the final pass.
    exits: Vec<Exit>,
}

/// A summarised call's outcomes, translated into the caller's terms.
struct SummarySplit {
    at: Span,
    call: String,
    outcomes: Vec<CallOutcome>,
}

struct CallOutcome {
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

/// GUP with a non-NULL `locked`: on return `*locked == 0` means the lock was released,
/// `*locked == 1` that it is held, but it may have been dropped and re-taken inside: either
/// way every VMA obtained before the call is stale.
/// Functions like `lock_mm_and_find_vma()` say the same with their result: a VMA with the
/// lock held, or NULL with it released.
struct DropSplit {
    lock: LockKey,
    at: Span,
    /// What tells the two outcomes apart: 0 when the lock was dropped.
    flag: Flag,
    /// The flag's sign when the lock is held.
    kept_sign: Sign,
    /// When the lock is held on return, is it a new hold (dropped and re-taken inside)?
    /// 6.1 GUP says no: `__get_user_pages_locked()` releases the lock and clears
    /// `*locked` whenever it had dropped it (its `lock_dropped` case), so `*locked == 1`
    /// means the hold never ended and earlier VMAs are still valid (madvise_populate relies
    /// on it).
    new_hold_when_kept: bool,
    /// The call takes the lock itself (`lock_mm_and_find_vma()`): a kept lock is this
    /// function's hold. Otherwise the hold it had before continues.
    kept_acquires: bool,
    /// The call as written, for messages.
    call: String,
}

#[derive(Clone, Copy)]
enum Flag {
    /// A local passed by address (`&locked`), or what a pointer local points to.
    Place(Place),
    /// The call's result, when the statement assigns it to a local.
    Result,
    None,
}

/// The abstract value of an expression.
#[derive(Clone, Debug, Default)]
struct Val {
    /// The value is a VMA or a pointer derived from one.
    prov: Option<Prov>,
    /// The value is (or names) an mm, or its mmap_lock: the lock's key and display.
    lock: Option<(LockKey, String)>,
    sign: Option<Sign>,
    /// `&local`: out-parameters.
    addr_of: Option<VarId>,
}

impl Val {
    fn sign(&self) -> Sign {
        self.sign.unwrap_or(Sign::TOP)
    }
}

fn hold(mode: Mode) -> HoldMode {
    match mode {
        Mode::Write => HoldMode::Write,
        _ => HoldMode::Read,
    }
}

/// The classes `x` can be in when `x op c` holds.
fn signs_satisfying(op: BinOp, c: i128) -> Sign {
    // Representatives: NEG is (-inf, -1], GT1 is [2, inf); ZERO and ONE are exact.
    let some_in = |lo: Option<i128>, hi: Option<i128>| match op {
        BinOp::Lt => lo.is_none_or(|l| l < c),
        BinOp::Le => lo.is_none_or(|l| l <= c),
        BinOp::Gt => hi.is_none_or(|h| h > c),
        BinOp::Ge => hi.is_none_or(|h| h >= c),
        BinOp::Eq => lo.is_none_or(|l| l <= c) && hi.is_none_or(|h| h >= c),
        BinOp::Ne => lo != hi || lo != Some(c),
        _ => true,
    };
    let mut r = Sign::EMPTY;
    for (class, lo, hi) in [
        (Sign::NEG, None, Some(-1)),
        (Sign::ZERO, Some(0), Some(0)),
        (Sign::ONE, Some(1), Some(1)),
        (Sign::GT1, Some(2), None),
    ] {
        if some_in(lo, hi) {
            r = r.union(class);
        }
    }
    r
}

fn negate(op: BinOp) -> BinOp {
    match op {
        BinOp::Lt => BinOp::Ge,
        BinOp::Ge => BinOp::Lt,
        BinOp::Gt => BinOp::Le,
        BinOp::Le => BinOp::Gt,
        BinOp::Eq => BinOp::Ne,
        BinOp::Ne => BinOp::Eq,
        o => o,
    }
}

fn swap(op: BinOp) -> BinOp {
    match op {
        BinOp::Lt => BinOp::Gt,
        BinOp::Gt => BinOp::Lt,
        BinOp::Le => BinOp::Ge,
        BinOp::Ge => BinOp::Le,
        o => o,
    }
}

/// The sign of `x op c` when `x` has sign `s`: ZERO, POS (true) or both.
fn compare(s: Sign, op: BinOp, c: i128) -> Sign {
    let t = signs_satisfying(op, c);
    let f = signs_satisfying(negate(op), c);
    let mut r = Sign::EMPTY;
    if !s.meet(t).is_empty() {
        r = r.union(Sign::ONE);
    }
    if !s.meet(f).is_empty() {
        r = r.union(Sign::ZERO);
    }
    r
}

/// A conditional acquire at the top of a statement: `ret = mmap_read_lock_killable(mm)`,
/// `t = !mmap_read_trylock(mm)`, or the call alone.
struct CondAcquire<'e, 'a> {
    call: &'e Expr,
    lock: &'a LockFn,
    target: Option<VarId>,
    rhs: &'e Expr,
}

impl<'a> LockVma<'a> {
    fn text(&self, e: &Expr) -> String {
        e.display(&self.body.func).to_string()
    }

    /// `e` as a lock key: its text, with a local that stands for a stable call's value
    /// named by the call, as a callee writing `current->mm` names it.
    fn key_text(&self, e: &Expr) -> String {
        if self.roots.is_empty() {
            return self.text(e);
        }
        match &e.kind {
            ExprKind::Local(v) => self.roots.get(v).cloned().unwrap_or_else(|| self.text(e)),
            ExprKind::Member { base, field, arrow } => {
                let op = if *arrow { "->" } else { "." };
                format!("{}{op}{field}", self.key_text(base))
            }
            ExprKind::Cast(x) => self.key_text(x),
            _ => self.text(e),
        }
    }

    /// The lock an mm expression names: (key, display).
    fn lock_named(&self, e: &Expr) -> (LockKey, String) {
        (Arc::from(self.key_text(e).as_str()), self.text(e))
    }

    /// A lock key of this function as its callers name it: through a parameter, or a
    /// global expression. Keys rooted at other locals mean nothing to a caller.
    fn path_of(&self, key: &str) -> Option<LockPath> {
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
    fn is_out_param(&self, i: usize) -> bool {
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

    fn param_index(&self, v: VarId) -> Option<usize> {
        self.body
            .func
            .params
            .iter()
            .position(|&p| p == v)
            .filter(|&i| i < 64)
    }

    /// The callee may have written `*p`: if `p` is a parameter, callers see a new value.
    fn wrote_through(&self, st: &mut State, p: VarId) {
        if let Some(i) = self.param_index(p) {
            st.out_written |= 1 << i;
        }
    }

    /// A lock of the caller named by a summary: through the call's arguments, or global.
    fn resolve_path(
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
    fn apply_summary(
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
        for path in &sum.needs_lock {
            if let Some((key, display)) = self.resolve_path(st, path, args, vals) {
                st.lock_mut(&key, &display);
                self.needs_lock(st, &key, &display, e, name);
            }
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
    fn apply_outcome(
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

    fn emit(&mut self, e: Event) {
        if self.recording {
            self.events.push(e);
        }
    }

    fn is_vma_ptr(&self, e: &Expr) -> bool {
        e.ty.record.as_deref() == Some(self.db.vma_record.as_str()) && e.ty.ptr_depth >= 1
    }

    fn is_mm_ptr(&self, e: &Expr) -> bool {
        e.ty.is_ptr_to(&self.db.mm_record)
    }

    fn find_cond_acquire<'e>(&self, e: &'e Expr) -> Option<CondAcquire<'e, 'a>> {
        let (target, rhs) = match &e.strip_casts().kind {
            ExprKind::Assign { op: None, lhs, rhs } => match lhs.strip_casts().kind {
                ExprKind::Local(v) => (Some(v), &**rhs),
                _ => return None,
            },
            _ => (None, e),
        };
        let mut core = rhs.strip_casts();
        loop {
            match &core.kind {
                ExprKind::Unary {
                    op: UnOp::Not,
                    operand,
                } => core = operand.strip_casts(),
                ExprKind::Binary { op, lhs, rhs: r }
                    if op.is_comparison() && r.const_value().is_some() =>
                {
                    core = lhs.strip_casts()
                }
                _ => break,
            }
        }
        let name = core.direct_callee()?;
        let lock = self.db.lock_fn(name)?;
        lock.succeeds_when?;
        Some(CondAcquire {
            call: core,
            lock,
            target,
            rhs,
        })
    }

    /// `t = IS_ERR(p)` (as the CFG hoists `if (IS_ERR(p))`): two paths, one where `p` is an
    /// error pointer and `t` true, one where it is not and `t` false.
    fn err_check_split(&mut self, st: &mut State, e: &Expr) -> Option<Vec<State>> {
        let (t, rhs, core, args) = tested_call(e)?;
        let test = self.db.is_err(core.direct_callee()?)?;
        let ExprKind::Local(p) = args.get(test.arg)?.strip_casts().kind else {
            return None;
        };
        let mut infeasible = false;
        self.eval(st, e, &mut infeasible);
        if infeasible {
            return Some(vec![]);
        }
        let (bad, good) = if test.null_too {
            (Sign::NEG.union(Sign::ZERO), Sign::POS)
        } else {
            (Sign::NEG, Sign::ZERO.union(Sign::POS))
        };
        let mut out = Vec::new();
        for (call_sign, allowed) in [(Sign::ONE, bad), (Sign::ZERO, good)] {
            let mut s = st.clone();
            s.forget(t);
            s.signs
                .insert(Place::Var(t), self.sign_with_call(rhs, core, call_sign));
            out.extend(restrict(s, Place::Var(p), allowed));
        }
        Some(out)
    }

    /// `t = fault_signal_pending(fault, regs)`: true only when `fault` has the retry bit.
    fn fault_test_split(&mut self, st: &mut State, e: &Expr) -> Option<Vec<State>> {
        let (t, rhs, core, args) = tested_call(e)?;
        let test = self.db.fault_test(core.direct_callee()?)?;
        let fault = place_of(args.get(test.arg)?)?;
        let bits = self.fault_bits(&test.implies);
        let mut infeasible = false;
        self.eval(st, e, &mut infeasible);
        if infeasible {
            return Some(vec![]);
        }
        let mut out = Vec::new();
        for call_sign in [Sign::ONE, Sign::ZERO] {
            let mut s = st.clone();
            s.forget(t);
            s.signs
                .insert(Place::Var(t), self.sign_with_call(rhs, core, call_sign));
            if call_sign == Sign::ONE {
                match s.fault_tags.get(&fault).copied() {
                    Some(tag) if tag & bits == 0 => continue,
                    Some(tag) => {
                        s.fault_tags.insert(fault, tag & bits);
                    }
                    None => {}
                }
            }
            out.push(s);
        }
        Some(out)
    }

    /// The fault outcomes on which a test of flag `name` can be true: retry, completed, or
    /// (for an error flag, never set with those two) only the outcome where the lock is
    /// still held. 0 for a flag the rules data does not know.
    fn fault_bits(&self, name: &str) -> u8 {
        let mut bits = 0;
        for (retry, completed, errors) in self.db.fault_flags() {
            if name == retry {
                bits |= FaultTag::RETRY;
            }
            if name == completed {
                bits |= FaultTag::COMPLETED;
            }
            if errors.iter().any(|e| e == name) {
                bits |= FaultTag::KEPT;
            }
        }
        bits
    }

    /// The sign of `e` when the conditional-acquire call inside it returned `call_sign`.
    fn sign_with_call(&self, e: &Expr, call: &Expr, call_sign: Sign) -> Sign {
        if std::ptr::eq(e, call) {
            return call_sign;
        }
        match &e.kind {
            ExprKind::Cast(x) => self.sign_with_call(x, call, call_sign),
            ExprKind::Unary {
                op: UnOp::Not,
                operand,
            } => self.sign_with_call(operand, call, call_sign).logical_not(),
            ExprKind::Binary { op, lhs, rhs } if op.is_comparison() => {
                let c = rhs.const_value().unwrap_or(0);
                compare(self.sign_with_call(lhs, call, call_sign), *op, c)
            }
            _ => Sign::TOP,
        }
    }

    /// Applies one instruction to one path, returning the paths it continues as.
    fn exec(&mut self, mut st: State, e: &Expr) -> Vec<State> {
        if let Some(ca) = self.find_cond_acquire(e) {
            let args = self.eval_args(&mut st, ca.call);
            let Some((key, display)) = self.lock_of_or_held(&st, ca.lock, ca.call, &args) else {
                return vec![st];
            };
            if let Some(i) = ca.lock.only_if_arg {
                if args.get(i).is_some_and(|v| v.sign() == Sign::ZERO) {
                    return vec![st];
                }
            }
            let (ok_sign, fail_sign) = match ca.lock.succeeds_when {
                Some(SucceedsWhen::Zero) => (Sign::ZERO, Sign::NEG),
                Some(SucceedsWhen::One) => (Sign::ONE, Sign::ZERO.union(Sign::NEG)),
                _ => (Sign::POS, Sign::ZERO),
            };
            let mut ok = st.clone();
            let mut fail = st;
            if ca.lock.action == LockAction::Downgrade {
                let l = ok.lock_mut(&key, &display);
                if l.status == Status::Held(HoldMode::Write) {
                    l.status = Status::Held(HoldMode::Read);
                }
            } else if ca.lock.action == LockAction::Upgrade {
                let l = ok.lock_mut(&key, &display);
                if l.status == Status::Held(HoldMode::Read) {
                    l.status = Status::Held(HoldMode::Write);
                }
            } else {
                let text = self.text(ca.call);
                let l = ok.lock_mut(&key, &display);
                l.status = Status::Held(hold(ca.lock.mode));
                l.acquired_at = Some(ca.call.span.clone());
                l.acquired_by = Some(text);
                fail.lock_mut(&key, &display).status = Status::AcquireFailed(ca.call.span.clone());
            }
            if let Some(v) = ca.target {
                let s_ok = self.sign_with_call(ca.rhs, ca.call, ok_sign);
                let s_fail = self.sign_with_call(ca.rhs, ca.call, fail_sign);
                for (s, sign) in [(&mut ok, s_ok), (&mut fail, s_fail)] {
                    s.vmas.remove(&v);
                    s.aliases.remove(&v);
                    s.forget(v);
                    s.signs.insert(Place::Var(v), sign);
                }
            }
            return vec![ok, fail];
        }
        if let Some(split) = self.err_check_split(&mut st, e) {
            return split;
        }
        if let Some(split) = self.fault_test_split(&mut st, e) {
            return split;
        }
        let mut infeasible = false;
        self.drop_split = None;
        self.fault_split = None;
        self.retake_split = None;
        self.summary_split = None;
        self.eval(&mut st, e, &mut infeasible);
        if infeasible {
            return vec![];
        }
        let target = match &e.strip_casts().kind {
            ExprKind::Assign { op: None, lhs, .. } => match lhs.strip_casts().kind {
                ExprKind::Local(v) => Some(Place::Var(v)),
                _ => None,
            },
            _ => None,
        };
        if let Some((lock, at)) = self.fault_split.take() {
            // Whatever the result, VMAs from before the call are stale: userfaultfd may
            // drop and re-take the lock without reporting a retry.
            st.kill_vmas_of(&lock, &at);
            let mut out = Vec::new();
            for tag in [FaultTag::KEPT, FaultTag::RETRY, FaultTag::COMPLETED] {
                let mut s = st.clone();
                if tag != FaultTag::KEPT {
                    if let Some(l) = s.locks.get_mut(&lock) {
                        l.status = Status::Released(at.clone());
                    }
                }
                if let Some(t) = target {
                    s.fault_tags.insert(t, tag);
                }
                out.push(s);
            }
            return out;
        }
        if let Some(sp) = self.summary_split.take() {
            return sp
                .outcomes
                .iter()
                .filter_map(|o| self.apply_outcome(st.clone(), &sp, o, target))
                .collect();
        }
        if let Some((lock, at, flag)) = self.retake_split.take() {
            let mut retaken = st.clone();
            retaken.kill_vmas_of(&lock, &at);
            retaken.signs.insert(flag, Sign::ONE);
            return vec![st, retaken];
        }
        match self.drop_split.take() {
            Some(d) => {
                let flag = match (d.flag, &e.strip_casts().kind) {
                    (Flag::Place(p), _) => Some(p),
                    (Flag::Result, ExprKind::Assign { op: None, lhs, .. }) => {
                        match lhs.strip_casts().kind {
                            ExprKind::Local(v) => Some(Place::Var(v)),
                            _ => None,
                        }
                    }
                    (Flag::Result | Flag::None, _) => None,
                };
                let mut dropped = st.clone();
                dropped.kill_vmas_of(&d.lock, &d.at);
                if d.new_hold_when_kept {
                    // Everything from before the call is stale; what it returned is not.
                    let fresh: Vec<VarId> = st
                        .vmas
                        .iter()
                        .filter(|(_, p)| p.obtained_at == d.at && p.dead.is_none())
                        .map(|(v, _)| *v)
                        .collect();
                    st.kill_vmas_of(&d.lock, &d.at);
                    for v in fresh {
                        if let Some(p) = st.vmas.get_mut(&v) {
                            p.dead = None;
                        }
                    }
                }
                if let Some(l) = dropped.locks.get_mut(&d.lock) {
                    l.status = Status::Released(d.at.clone());
                }
                if let Some(l) = st.locks.get_mut(&d.lock) {
                    // A hold this function owns, or one the call took itself, now starts
                    // at the call (notes say "taken again here" there).
                    let ours = l.acquired_at.is_some() && d.new_hold_when_kept;
                    if d.kept_acquires || ours {
                        l.status = Status::Held(HoldMode::Read);
                        l.acquired_at = Some(d.at.clone());
                        l.acquired_by = Some(d.call.clone());
                    }
                }
                if let Some(Place::Deref(v)) = flag {
                    self.wrote_through(&mut dropped, v);
                    self.wrote_through(&mut st, v);
                }
                if let Some(p) = flag {
                    dropped.signs.insert(p, Sign::ZERO);
                    if let Place::Var(v) = p {
                        dropped.vmas.remove(&v);
                    }
                    st.signs.insert(p, d.kept_sign);
                }
                vec![st, dropped]
            }
            None => vec![st],
        }
    }

    fn eval_args(&mut self, st: &mut State, call: &Expr) -> Vec<Val> {
        let mut dead_end = false;
        match &call.kind {
            ExprKind::Call { args, .. } => args
                .iter()
                .map(|a| self.eval(st, a, &mut dead_end))
                .collect(),
            _ => vec![],
        }
    }

    /// Names the lock a lock-API call operates on.
    fn lock_of(&self, l: &LockFn, call: &Expr, args: &[Val]) -> Option<(LockKey, String)> {
        let v = args.get(l.lock_arg)?;
        match l.lock_kind {
            LockKind::Mm => v.lock.clone().or_else(|| {
                let ExprKind::Call { args: a, .. } = &call.kind else {
                    return None;
                };
                Some(self.lock_named(a.get(l.lock_arg)?))
            }),
            // Only an rwsem reached through the mm's lock field (`&mm->mmap_lock`) is an
            // mmap_lock; `eval` marks exactly those with the mm's lock.
            LockKind::Rwsem => v.lock.clone(),
            LockKind::Vma => v
                .prov
                .as_ref()
                .map(|p| (p.lock.clone(), p.lock.to_string())),
        }
    }

    /// [`Self::lock_of`], falling back to the lock this function holds when the argument
    /// does not say (a VMA the analysis did not see being obtained).
    fn lock_of_or_held(
        &self,
        st: &State,
        l: &LockFn,
        call: &Expr,
        args: &[Val],
    ) -> Option<(LockKey, String)> {
        match (self.lock_of(l, call, args), l.lock_kind) {
            (Some(k), _) => Some(k),
            (None, LockKind::Vma) => self.held_lock(st),
            (None, _) => None,
        }
    }

    fn use_vma(&mut self, st: &State, prov: &Prov, e: &Expr) {
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

    fn local_val(&self, st: &State, v: VarId, e: &Expr) -> Val {
        // An array's address is never NULL.
        let array = self.body.func.var(v).ty.spelling.contains('[');
        let mut val = Val {
            prov: st.vmas.get(&v).cloned(),
            sign: if array {
                Some(Sign::NONZERO)
            } else {
                st.signs.get(&Place::Var(v)).copied()
            },
            ..Val::default()
        };
        if let Some(a) = st.aliases.get(&v) {
            val.lock = Some(a.clone());
        } else if self.is_mm_ptr(e) {
            val.lock = Some(self.lock_named(e));
        }
        val
    }

    /// Evaluates `e` on one path: records uses, applies calls, writes locals.
    fn eval(&mut self, st: &mut State, e: &Expr, infeasible: &mut bool) -> Val {
        match &e.kind {
            ExprKind::Local(v) => self.local_val(st, *v, e),
            ExprKind::Global(_) => {
                let lock = self.is_mm_ptr(e).then(|| {
                    let text = self.text(e);
                    (Arc::from(text.as_str()), text)
                });
                Val {
                    lock,
                    ..Val::default()
                }
            }
            ExprKind::IntLit(v) | ExprKind::NamedConst { value: v, .. } => Val {
                sign: Some(Sign::of(*v)),
                ..Val::default()
            },
            ExprKind::OtherLit | ExprKind::Unevaluated => Val::default(),
            ExprKind::Member { base, field, arrow } => {
                let b = self.eval(st, base, infeasible);
                self.member(st, e, base, &b, field, *arrow, true)
            }
            ExprKind::Deref(x) => {
                let v = self.eval(st, x, infeasible);
                match &v.prov {
                    Some(p) if p.is_array => Val {
                        prov: Some(Prov {
                            is_array: false,
                            ..p.clone()
                        }),
                        ..Val::default()
                    },
                    Some(p) => {
                        self.use_vma(st, p, x);
                        Val::default()
                    }
                    None => Val {
                        sign: match x.strip_casts().kind {
                            ExprKind::Local(p) => st.signs.get(&Place::Deref(p)).copied(),
                            _ => None,
                        },
                        ..Val::default()
                    },
                }
            }
            ExprKind::AddrOf(x) => match &x.kind {
                // `&vma->anon_vma` computes an address without reading the VMA.
                ExprKind::Member { base, field, arrow } => {
                    let b = self.eval(st, base, infeasible);
                    let mut v = self.member(st, x, base, &b, field, *arrow, false);
                    // `&mm->mmap_lock` is still the lock; the address of a VMA field
                    // derives from the VMA.
                    if v.prov.is_none() {
                        if let Some(p) = &b.prov {
                            v.prov = Some(self.derive(p, base, field));
                        }
                    }
                    v
                }
                ExprKind::Local(l) => {
                    let l = *l;
                    let mut v = self.local_val(st, l, x);
                    st.forget(l);
                    v.addr_of = Some(l);
                    v.sign = Some(Sign::NONZERO);
                    // `&vma` is a one-element VMA array for GUP's `vmas`.
                    v.prov = None;
                    v
                }
                _ => {
                    self.eval(st, x, infeasible);
                    Val::default()
                }
            },
            ExprKind::Index { base, index } => {
                let b = self.eval(st, base, infeasible);
                self.eval(st, index, infeasible);
                match &b.prov {
                    Some(p) if p.is_array => Val {
                        prov: Some(Prov {
                            is_array: false,
                            ..p.clone()
                        }),
                        ..Val::default()
                    },
                    Some(p) => {
                        self.use_vma(st, p, base);
                        Val::default()
                    }
                    None => Val::default(),
                }
            }
            ExprKind::Unary { op, operand } => {
                let v = self.eval(st, operand, infeasible);
                match op {
                    UnOp::Not => Val {
                        sign: Some(v.sign().logical_not()),
                        ..Val::default()
                    },
                    UnOp::Neg => Val {
                        sign: Some(v.sign().negated()),
                        ..Val::default()
                    },
                    UnOp::Plus => v,
                    UnOp::BitNot => Val::default(),
                    UnOp::PreInc | UnOp::PreDec | UnOp::PostInc | UnOp::PostDec => {
                        if let ExprKind::Local(l) = operand.strip_casts().kind {
                            st.forget(l);
                        }
                        // `vmas++` walks the array; it stays an array of the same VMAs.
                        Val {
                            prov: v.prov.filter(|p| p.is_array),
                            ..Val::default()
                        }
                    }
                }
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let l = self.eval(st, lhs, infeasible);
                let r = self.eval(st, rhs, infeasible);
                match op {
                    _ if op.is_comparison() => {
                        let sign = match (rhs.const_value(), lhs.const_value()) {
                            (Some(c), _) => compare(l.sign(), *op, c),
                            (None, Some(c)) => compare(r.sign(), swap(*op), c),
                            _ => Sign::ZERO.union(Sign::ONE),
                        };
                        Val {
                            sign: Some(sign),
                            ..Val::default()
                        }
                    }
                    // Pointer arithmetic on a VMA array stays in the array.
                    BinOp::Add | BinOp::Sub if l.prov.as_ref().is_some_and(|p| p.is_array) => Val {
                        prov: l.prov,
                        ..Val::default()
                    },
                    BinOp::Comma => r,
                    _ => Val::default(),
                }
            }
            ExprKind::Assign { op, lhs, rhs } => {
                let r = self.eval(st, rhs, infeasible);
                match lhs.strip_casts().kind {
                    ExprKind::Local(v) => {
                        st.vmas.remove(&v);
                        st.forget(v);
                        st.aliases.remove(&v);
                        if op.is_none() {
                            if let Some(p) = &r.prov {
                                if lhs.ty.is_pointer() {
                                    st.vmas.insert(v, p.clone());
                                }
                            }
                            if let Some(s) = r.sign {
                                st.signs.insert(Place::Var(v), s);
                            }
                            if let Some(l) = &r.lock {
                                // Messages name the lock the way this function does.
                                st.aliases.insert(v, (l.0.clone(), self.text(lhs)));
                            }
                        }
                    }
                    // `*locked = 0`: remember what the pointer now points to.
                    ExprKind::Deref(ref p)
                        if matches!(p.strip_casts().kind, ExprKind::Local(_)) =>
                    {
                        let ExprKind::Local(p) = p.strip_casts().kind else {
                            unreachable!()
                        };
                        st.signs.remove(&Place::Deref(p));
                        self.wrote_through(st, p);
                        if let (None, Some(s)) = (op, r.sign) {
                            st.signs.insert(Place::Deref(p), s);
                        }
                    }
                    // A store through a VMA (`vma->vm_flags = x`) is a use; the stored
                    // value escapes, and conditions on that place are stale.
                    _ => {
                        self.eval(st, lhs, infeasible);
                        if let Some(place) = pure_key(lhs) {
                            st.conds.retain(|k, _| !k.contains(&place));
                        }
                    }
                }
                r
            }
            ExprKind::Cond { cond, then, els } => {
                self.eval(st, cond, infeasible);
                if let Some(t) = then {
                    self.eval(st, t, infeasible);
                }
                self.eval(st, els, infeasible);
                Val::default()
            }
            ExprKind::Call { callee, args } => self.call(st, e, callee, args, infeasible),
            ExprKind::Cast(x) => {
                let mut v = self.eval(st, x, infeasible);
                if !e.ty.is_pointer() && !e.ty.is_scalar {
                    v.prov = None;
                }
                v
            }
            ExprKind::StmtExpr(_) => Val::default(),
            ExprKind::InitList(es) | ExprKind::Opaque(es) => {
                let mut lock = None;
                for x in es {
                    let v = self.eval(st, x, infeasible);
                    lock = lock.or(v.lock.filter(|_| v.addr_of.is_none()));
                }
                Val {
                    lock: if matches!(e.kind, ExprKind::InitList(_)) {
                        lock
                    } else {
                        None
                    },
                    ..Val::default()
                }
            }
        }
    }

    /// The provenance of `base->field` (or `&base->field`): the VMA's, with the field path
    /// recorded so two pointers derived from one VMA stay distinct objects.
    fn derive(&self, p: &Prov, base: &Expr, field: &str) -> Prov {
        Prov {
            derived_from: Some(p.derived_from.clone().unwrap_or_else(|| self.text(base))),
            source: format!("{}->{field}", p.source),
            is_array: false,
            ..p.clone()
        }
    }

    /// `base->field` / `base.field`, with `b` the value of `base`.
    #[allow(clippy::too_many_arguments)]
    fn member(
        &mut self,
        st: &mut State,
        e: &Expr,
        base: &Expr,
        b: &Val,
        field: &str,
        arrow: bool,
        reads: bool,
    ) -> Val {
        if let Some(p) = &b.prov {
            if arrow && reads && !p.is_array {
                self.use_vma(st, p, base);
            }
            if p.is_array {
                return Val::default();
            }
            if field == "vm_mm" || self.db.vma_field_not_derived.iter().any(|f| f == field) {
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

    fn new_vma(&self, st: &State, key: &LockKey, at: &Span, source: &str) -> Prov {
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

    fn needs_lock(&mut self, st: &State, key: &LockKey, display: &str, e: &Expr, name: &str) {
        let status = st
            .locks
            .get(key)
            .map(|l| l.status.clone())
            .unwrap_or(Status::Unknown);
        if status == Status::Unknown {
            self.needs.insert(key.clone());
        }
        if matches!(status, Status::Released(_) | Status::AcquireFailed(_)) {
            self.emit(Event::NeedsLock {
                at: e.span.clone(),
                call: name.to_string(),
                lock_display: display.to_string(),
                status,
            });
        }
    }

    /// The lock a call's VMA belongs to when no argument names the mm: the one this
    /// function holds (iterators initialised elsewhere).
    /// Records one way out of the function for its summary.
    fn record_exit(&mut self, st: &State, val: Option<&Val>) {
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

    fn held_lock(&self, st: &State) -> Option<(LockKey, String)> {
        st.locks
            .iter()
            .find(|(_, l)| matches!(l.status, Status::Held(_)))
            .map(|(k, l)| (k.clone(), l.display.clone()))
    }

    fn call(
        &mut self,
        st: &mut State,
        e: &Expr,
        callee: &Callee,
        args: &[Expr],
        infeasible: &mut bool,
    ) -> Val {
        if let Callee::Indirect(c) = callee {
            self.eval(st, c, infeasible);
        }
        let summary = match callee {
            Callee::Direct(n) if !self.db.knows(n) => self.summaries.get(n).cloned(),
            _ => None,
        };
        // What the out-parameters hold before the call: a summarised callee may leave them.
        let mut before = BTreeMap::new();
        if let Some(sum) = &summary {
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
        let vals: Vec<Val> = args.iter().map(|a| self.eval(st, a, infeasible)).collect();
        // The callee may write through a pointer it is given.
        for a in args {
            if let ExprKind::Local(p) = a.strip_casts().kind {
                st.signs.remove(&Place::Deref(p));
                if self.body.func.var(p).ty.is_pointer() {
                    self.wrote_through(st, p);
                }
            }
        }
        // A callee given `&vma` may store another VMA there (`hugepage_vma_revalidate(mm,
        // addr, ..., &vma, cc)`): what it stores is looked up under the current hold.
        if !self.db.knows(name_of(callee)) {
            for (a, v) in args.iter().zip(&vals) {
                let Some(out) = v.addr_of else { continue };
                let Some(old) = st.vmas.get(&out).cloned() else {
                    continue;
                };
                if a.ty.ptr_depth >= 2 && !old.is_array {
                    let fresh = self.new_vma(st, &old.lock, &e.span, name_of(callee));
                    st.vmas.insert(out, fresh);
                }
            }
        }
        let name = match callee {
            Callee::Direct(n) => n.as_str(),
            Callee::Indirect(_) => "",
        };
        if self.db.is_noreturn(name) || self.noreturn.contains(name) {
            *infeasible = true;
            return Val::default();
        }
        if let Some(l) = self.db.lock_fn(name) {
            let Some((key, display)) = self.lock_of_or_held(st, l, e, &vals) else {
                return Val::default();
            };
            let text = self.text(e);
            match l.action {
                LockAction::Acquire => {
                    let lk = st.lock_mut(&key, &display);
                    lk.status = if l.succeeds_when.is_some() {
                        // The result is not branched on where the analysis can see it.
                        Status::Maybe
                    } else {
                        Status::Held(hold(l.mode))
                    };
                    lk.acquired_at = Some(e.span.clone());
                    lk.acquired_by = Some(text);
                }
                LockAction::Release => {
                    let lk = st.lock_mut(&key, &display).clone();
                    self.emit(Event::Release(ReleaseEvent {
                        at: e.span.clone(),
                        call: text,
                        lock_display: lk.display.clone(),
                        mode: hold(l.mode),
                        before: lk.status.clone(),
                        acquired_at: lk.acquired_at.clone(),
                        acquired_by: lk.acquired_by.clone(),
                    }));
                    let lk = st.lock_mut(&key, &display);
                    lk.status = Status::Released(e.span.clone());
                    st.kill_vmas_of(&key, &e.span);
                }
                LockAction::Downgrade => {
                    let lk = st.lock_mut(&key, &display);
                    if lk.status == Status::Held(HoldMode::Write) {
                        lk.status = if l.succeeds_when.is_some() {
                            // Downgraded or not, depending on a result nobody tests here.
                            Status::Maybe
                        } else {
                            Status::Held(HoldMode::Read)
                        };
                    }
                }
                LockAction::Upgrade => {
                    // Upgraded or not, depending on a result nobody tests here.
                    let lk = st.lock_mut(&key, &display);
                    if lk.status == Status::Held(HoldMode::Read) {
                        lk.status = Status::Maybe;
                    }
                }
                LockAction::Assert => {
                    if st
                        .locks
                        .get(&key)
                        .is_none_or(|l| l.status == Status::Unknown)
                    {
                        self.needs.insert(key.clone());
                    }
                    let lk = st.lock_mut(&key, &display);
                    match (&lk.status, l.mode) {
                        (Status::Unknown | Status::Maybe, Mode::Write) => {
                            lk.status = Status::Held(HoldMode::Write)
                        }
                        (Status::Unknown | Status::Maybe, _) => {
                            lk.status = Status::Held(HoldMode::Read)
                        }
                        _ => {}
                    }
                }
            }
            return Val::default();
        }
        // Older kernels reused some names with other types (`int expand_stack(vma, addr)`
        // before 6.1.37): only a call returning a VMA is a VMA source.
        // (the maple tree walkers return `void *`).
        let returns_vma =
            self.is_vma_ptr(e) || (e.ty.ptr_depth == 1 && e.ty.spelling.starts_with("void"));
        if let Some(src) = self.db.vma_source(name).filter(|_| returns_vma) {
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
            self.needs_lock(st, &key, &display, e, name);
            let prov = self.new_vma(st, &key, &e.span, name);
            for &i in &src.out_args {
                if let Some(out) = vals.get(i).and_then(|v| v.addr_of) {
                    st.vmas.insert(out, prov.clone());
                    st.forget(out);
                }
            }
            return Val {
                prov: Some(prov),
                ..Val::default()
            };
        }
        if let Some(fh) = self.db.fault_handler(name) {
            let i = fh.vma_arg;
            // A constant flags argument without the allow-retry flag cannot drop the lock.
            let may_drop = match (fh.flags_arg.and_then(|f| args.get(f)), &fh.allow_retry_flag) {
                (Some(flags), Some(allow)) if is_constant_flags(flags) => {
                    let mut names = Vec::new();
                    const_names(flags, &mut names);
                    names.iter().any(|n| n == allow)
                }
                _ => true,
            };
            if let Some(p) = vals.get(i).and_then(|v| v.prov.clone()) {
                if !p.is_array {
                    self.use_vma(st, &p, &args[i]);
                }
                if may_drop {
                    self.fault_split = Some((p.lock.clone(), e.span.clone()));
                }
            }
            return Val::default();
        }
        if let Some(rf) = self.db.retake_flag(name) {
            let (mm, fl) = (rf.mm_arg, rf.flag_arg);
            let lock = vals.get(mm).and_then(|v| v.lock.clone());
            // A pointer flag known to be NULL is not written.
            let flag = args
                .get(fl)
                .and_then(|a| out_place(a, vals[fl].addr_of))
                .filter(|p| matches!(p, Place::Var(_)) || vals[fl].sign() != Sign::ZERO);
            if let (Some((key, display)), Some(flag)) = (lock, flag) {
                st.lock_mut(&key, &display);
                self.retake_split = Some((key, e.span.clone(), flag));
            }
            return Val::default();
        }
        if let Some(rw) = self.db.released_when_false(name) {
            let i = rw.vma_arg;
            if let Some(p) = vals.get(i).and_then(|v| v.prov.clone()) {
                if !p.is_array {
                    self.use_vma(st, &p, &args[i]);
                }
                self.drop_split = Some(DropSplit {
                    lock: p.lock.clone(),
                    at: e.span.clone(),
                    flag: Flag::Result,
                    kept_sign: Sign::ONE,
                    new_hold_when_kept: false,
                    kept_acquires: false,
                    call: self.text(e),
                });
            }
            return Val::default();
        }
        if let Some(g) = self.db.gup(name, args.len()) {
            let g = g.clone();
            let lock = match (g.mm_arg, g.vma_arg) {
                (Some(i), _) => vals.get(i).and_then(|v| v.lock.clone()),
                (None, Some(i)) => vals
                    .get(i)
                    .and_then(|v| v.prov.as_ref())
                    .map(|p| (p.lock.clone(), p.lock.to_string())),
                (None, None) => Some((Arc::from("current->mm"), "current->mm".to_string())),
            };
            // Provably non-NULL: a wrapper forwarding its callers' `vmas` and `locked`
            // parameters is not the place of the bug.
            let nonnull = |i: Option<usize>| {
                i.and_then(|i| vals.get(i))
                    .is_some_and(|v| Sign::NONZERO.contains(v.sign()))
            };
            let locked_nonnull = nonnull(g.locked_arg);
            let unlockable_flag = match (&self.db.unlockable_flag, g.flags_arg) {
                (Some(flag), Some(i)) => args.get(i).is_some_and(|a| names_global(a, flag)),
                _ => false,
            };
            self.emit(Event::Gup(GupCall {
                at: e.span.clone(),
                name: name.to_string(),
                vmas_nonnull: nonnull(g.vmas_arg),
                vmas_text: g.vmas_arg.and_then(|i| args.get(i)).map(|a| self.text(a)),
                locked_nonnull,
                locked_text: g.locked_arg.and_then(|i| args.get(i)).map(|a| self.text(a)),
                unlockable_flag,
            }));
            if let Some((key, display)) = &lock {
                st.lock_mut(key, display);
                if !locked_nonnull && !g.takes_lock {
                    self.needs_lock(st, key, display, e, name);
                }
                if g.takes_lock {
                    let l = &st.locks[key];
                    if let (Status::Held(_), Some(at)) = (&l.status, &l.acquired_at) {
                        self.emit(Event::TakesHeldLock {
                            at: e.span.clone(),
                            call: name.to_string(),
                            lock_display: l.display.clone(),
                            held_at: at.clone(),
                            held_by: l.acquired_by.clone().unwrap_or_default(),
                        });
                    }
                }
                if locked_nonnull && !g.takes_lock {
                    self.drop_split = Some(DropSplit {
                        lock: key.clone(),
                        at: e.span.clone(),
                        flag: g
                            .locked_arg
                            .and_then(|i| out_place(&args[i], vals[i].addr_of))
                            .map_or(Flag::None, Flag::Place),
                        kept_sign: Sign::ONE,
                        new_hold_when_kept: self.db.locked_kept_is_new_hold,
                        kept_acquires: false,
                        call: self.text(e),
                    });
                }
                // The `vmas` output: an array variable, or `&vma` for one page.
                if let Some(i) = g.vmas_arg {
                    let prov = self.new_vma(st, key, &e.span, "vmas");
                    match (&args[i].strip_casts().kind, vals[i].addr_of) {
                        (_, Some(v)) => {
                            st.vmas.insert(v, prov);
                        }
                        (ExprKind::Local(v), None) if self.is_vma_ptr(&args[i]) => {
                            st.vmas.insert(
                                *v,
                                Prov {
                                    is_array: true,
                                    ..prov
                                },
                            );
                        }
                        _ => {}
                    }
                }
            }
            return Val::default();
        }
        if self.db.is_err_ptr(name) {
            return Val {
                sign: Some(Sign::NEG),
                ..Val::default()
            };
        }
        if let Some(p) = self.db.pin(name) {
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
            return Val::default();
        }
        if let Some(sum) = summary {
            self.apply_summary(st, e, name, &sum, args, &vals, &before);
            let ret = sum
                .outcomes
                .iter()
                .fold(Sign::EMPTY, |acc, o| acc.union(o.ret));
            return Val {
                sign: (!sum.outcomes.is_empty() && ret != Sign::TOP).then_some(ret),
                ..Val::default()
            };
        }
        if !self.db.is_no_deref(name) {
            for (a, v) in args.iter().zip(&vals) {
                if let Some(p) = &v.prov {
                    if !p.is_array {
                        self.use_vma(st, p, a);
                    }
                }
            }
        }
        Val::default()
    }
}

/// The place a callee writes through an out-parameter argument: the local whose address is
/// passed (`&locked`), or what a pointer local points to (`locked`).
fn out_place(arg: &Expr, addr_of: Option<VarId>) -> Option<Place> {
    match (addr_of, &arg.strip_casts().kind) {
        (Some(v), _) => Some(Place::Var(v)),
        (None, ExprKind::Local(p)) => Some(Place::Deref(*p)),
        _ => None,
    }
}

fn name_of(c: &Callee) -> &str {
    match c {
        Callee::Direct(n) => n,
        Callee::Indirect(_) => "",
    }
}

fn names_global(e: &Expr, name: &str) -> bool {
    if let ExprKind::Global(n) | ExprKind::NamedConst { name: n, .. } = &e.kind {
        if n == name {
            return true;
        }
    }
    let mut found = false;
    e.for_each_child(|c| found = found || names_global(c, name));
    found
}

impl Analysis for LockVma<'_> {
    type Domain = Disjunction<State>;
    const NAME: &'static str = "lock-vma";

    fn bottom_value(&self, _body: &Body) -> Self::Domain {
        Disjunction::bottom(MAX_DISJUNCTS)
    }

    fn initialize_start_block(&self, body: &Body, state: &mut Self::Domain) {
        let mut st = State::default();
        // A VMA parameter is valid under the lock its caller holds: the lock of its vm_mm.
        for &p in &body.func.params {
            let d = body.func.var(p);
            if d.ty.is_ptr_to(&self.db.vma_record) {
                let display = format!("{}->vm_mm", d.name);
                let key: LockKey = Arc::from(display.as_str());
                st.lock_mut(&key, &display);
                st.vmas.insert(
                    p,
                    Prov {
                        lock: key,
                        obtained_at: d.span.clone(),
                        source: "parameter".into(),
                        derived_from: None,
                        lock_taken_at: None,
                        lock_taken_by: None,
                        dead: None,
                        is_array: false,
                    },
                );
            }
        }
        state.insert(st);
    }

    fn apply_statement_effect(&mut self, state: &mut Self::Domain, inst: &Inst, _loc: Location) {
        state.flat_map(|st| self.exec(st, &inst.expr));
    }

    fn apply_terminator_effect(
        &mut self,
        state: &mut Self::Domain,
        term: &Terminator,
        _: Location,
    ) {
        let mut infeasible = false;
        match term {
            Terminator::Branch { cond } | Terminator::Switch { discr: cond } => {
                state.flat_map(|mut st| {
                    self.eval(&mut st, cond, &mut infeasible);
                    Some(st)
                });
            }
            Terminator::Return { value, span } => {
                if !self.recording {
                    return;
                }
                for st in state.states().to_vec() {
                    let mut st = st;
                    let val = value
                        .as_ref()
                        .map(|v| self.eval(&mut st, v, &mut infeasible));
                    let sign = val.as_ref().map(|v| v.sign());
                    self.record_exit(&st, val.as_ref());
                    let held = st
                        .locks
                        .iter()
                        .filter(|(_, l)| l.held_by_us())
                        .map(|(k, l)| HeldLock {
                            key: k.clone(),
                            display: l.display.clone(),
                            acquired_at: l.acquired_at.clone().expect("held_by_us"),
                            acquired_by: l.acquired_by.clone().unwrap_or_default(),
                        })
                        .collect();
                    let released = st
                        .locks
                        .iter()
                        .filter(|(_, l)| {
                            matches!(l.status, Status::Released(_) | Status::AcquireFailed(_))
                        })
                        .map(|(k, _)| k.clone())
                        .collect();
                    self.emit(Event::Return {
                        at: span.clone(),
                        value: sign,
                        held,
                        released,
                    });
                }
            }
            Terminator::Goto | Terminator::Unreachable => {}
        }
    }

    fn apply_edge_effect(&mut self, state: &mut Self::Domain, term: &Terminator, edge: &EdgeKind) {
        match (term, edge) {
            (Terminator::Branch { cond }, EdgeKind::True | EdgeKind::False) => {
                let truth = *edge == EdgeKind::True;
                let func = &self.body.func;
                let bits = |n: &str| self.fault_bits(n);
                state.flat_map(|st| refine(st, cond, truth, func, &bits));
            }
            (Terminator::Switch { discr }, EdgeKind::Case { lo, hi }) => {
                if let Some(p) = place_of(discr) {
                    let (lo, hi) = (*lo, *hi);
                    let mut allowed = Sign::EMPTY;
                    for (class, in_range) in [
                        (Sign::NEG, lo < 0),
                        (Sign::ZERO, lo <= 0 && 0 <= hi),
                        (Sign::ONE, lo <= 1 && 1 <= hi),
                        (Sign::GT1, hi >= 2),
                    ] {
                        if in_range {
                            allowed = allowed.union(class);
                        }
                    }
                    let key = pure_key(discr);
                    state.flat_map(|st| {
                        // An earlier `if (cmd != X)` decides `case X:` too.
                        if let (Some(k), true) = (&key, lo == hi) {
                            let contradicts = |op: &str, bad: bool| {
                                [format!("({k} {op} {lo})"), format!("({lo} {op} {k})")]
                                    .iter()
                                    .any(|c| st.conds.get(c).is_some_and(|(t, _)| *t == bad))
                            };
                            if contradicts("Ne", true) || contradicts("Eq", false) {
                                return None;
                            }
                        }
                        restrict(st, p, allowed)
                    });
                }
            }
            _ => {}
        }
    }
}

/// Keeps `st` only if `p` can have a sign in `allowed`; a VMA pointer known to be NULL is
/// no longer tracked.
fn restrict(mut st: State, p: Place, allowed: Sign) -> Option<State> {
    let s = st.sign(p).meet(allowed);
    if s.is_empty() {
        return None;
    }
    if let (Place::Var(v), true) = (p, s == Sign::ZERO) {
        st.vmas.remove(&v);
    }
    st.signs.insert(p, s);
    Some(st)
}

/// The place a branch condition tests: `v` or `*v`.
fn place_of(e: &Expr) -> Option<Place> {
    match &e.strip_casts().kind {
        ExprKind::Local(v) => Some(Place::Var(*v)),
        ExprKind::Deref(x) => match x.strip_casts().kind {
            ExprKind::Local(v) => Some(Place::Deref(v)),
            _ => None,
        },
        _ => None,
    }
}

/// The path `st` continues as when `cond` evaluated to `truth`, or `None` when it cannot.
fn refine(
    mut st: State,
    cond: &Expr,
    truth: bool,
    func: &Function,
    fault_bits: &dyn Fn(&str) -> u8,
) -> Option<State> {
    let c = cond.strip_casts();
    // `fault & VM_FAULT_RETRY`: what the result of a fault handler says.
    if let ExprKind::Binary {
        op: BinOp::BitAnd,
        lhs,
        rhs,
    } = &c.kind
    {
        if let Some(p) = place_of(lhs) {
            let mut names = Vec::new();
            const_names(rhs, &mut names);
            let bits = names.iter().fold(0, |b, n| b | fault_bits(n));
            if let (Some(tag), true) = (st.fault_tags.get(&p).copied(), bits != 0) {
                // Retry and completed are exact (the bit is set exactly on that outcome);
                // an error bit only says "not retry, not completed" when it is set.
                let exact = bits & (FaultTag::RETRY | FaultTag::COMPLETED);
                let left = if truth { tag & bits } else { tag & !exact };
                if left == 0 {
                    return None;
                }
                st.fault_tags.insert(p, left);
            }
        }
    }
    if let Some(key) = pure_key(c) {
        let mut vars = Vec::new();
        collect_locals(c, &mut vars);
        match st.conds.get(&key) {
            Some((known, _)) if *known != truth => return None,
            Some(_) => {}
            None => {
                st.conds.insert(key, (truth, vars));
            }
        }
    }
    if let Some(p) = place_of(c) {
        // A pointer that passes `if (p)` is taken to be a valid one: kernel functions return
        // either NULL or an error pointer for failure, so an error pointer is told apart by
        // IS_ERR(), not by a NULL test.
        let is_ptr = matches!(p, Place::Var(v) if func.var(v).ty.is_pointer());
        let truthy = if is_ptr { Sign::POS } else { Sign::NONZERO };
        return restrict(st, p, if truth { truthy } else { Sign::ZERO });
    }
    match &c.kind {
        ExprKind::Unary {
            op: UnOp::Not,
            operand,
        } => refine(st, operand, !truth, func, fault_bits),
        ExprKind::Binary { op, lhs, rhs } if op.is_comparison() => {
            let op = if truth { *op } else { negate(*op) };
            match (
                place_of(lhs),
                rhs.const_value(),
                place_of(rhs),
                lhs.const_value(),
            ) {
                (Some(p), Some(k), _, _) => restrict(st, p, signs_satisfying(op, k)),
                (_, _, Some(p), Some(k)) => restrict(st, p, signs_satisfying(swap(op), k)),
                _ => Some(st),
            }
        }
        _ => Some(st),
    }
}

/// A span-free rendering of a condition that reads only locals, constants and addresses of
/// globals, so evaluating it twice without writing those locals gives the same result.
fn pure_key(e: &Expr) -> Option<String> {
    if let Some(v) = e.const_value() {
        return Some(v.to_string());
    }
    Some(match &e.kind {
        ExprKind::Local(v) => format!("v{}", v.0),
        ExprKind::IntLit(n) | ExprKind::NamedConst { value: n, .. } => n.to_string(),
        ExprKind::AddrOf(x) => match &x.kind {
            ExprKind::Global(g) => format!("&{g}"),
            _ => return None,
        },
        ExprKind::Cast(x) => return pure_key(x),
        // `b->memory`, `ifh->nr_file_filters`: tested twice around a locked region. Like
        // Smatch, assume nothing but a store to the same place changes it in between.
        ExprKind::Member { base, field, arrow } => {
            format!(
                "{}{}{field}",
                pure_key(base)?,
                if *arrow { "->" } else { "." }
            )
        }
        ExprKind::Unary {
            op: UnOp::Not,
            operand,
        } => format!("!{}", pure_key(operand)?),
        ExprKind::Binary { op, lhs, rhs }
            if op.is_comparison() || matches!(op, BinOp::BitAnd | BinOp::BitOr) =>
        {
            format!("({} {:?} {})", pure_key(lhs)?, op, pure_key(rhs)?)
        }
        _ => return None,
    })
}

fn collect_locals(e: &Expr, out: &mut Vec<VarId>) {
    if let ExprKind::Local(v) = e.kind {
        out.push(v);
    }
    e.for_each_child(|c| collect_locals(c, out));
}

/// The named constants an expression ORs together (`VM_FAULT_RETRY | VM_FAULT_COMPLETED`).
fn const_names(e: &Expr, out: &mut Vec<String>) {
    match &e.strip_casts().kind {
        ExprKind::NamedConst { name, .. } | ExprKind::Global(name) => out.push(name.clone()),
        ExprKind::Binary {
            op: BinOp::BitOr,
            lhs,
            rhs,
        } => {
            const_names(lhs, out);
            const_names(rhs, out);
        }
        _ => {}
    }
}

/// Flags written as constants only (`FAULT_FLAG_WRITE | FAULT_FLAG_REMOTE`).
fn is_constant_flags(e: &Expr) -> bool {
    match &e.strip_casts().kind {
        ExprKind::NamedConst { .. } | ExprKind::IntLit(_) => true,
        ExprKind::Binary {
            op: BinOp::BitOr,
            lhs,
            rhs,
        } => is_constant_flags(lhs) && is_constant_flags(rhs),
        _ => false,
    }
}

/// `t = f(args)` or `t = !f(args)`, as the CFG hoists a call tested by a branch: the local,
/// the right-hand side, the call and its arguments.
fn tested_call(e: &Expr) -> Option<(VarId, &Expr, &Expr, &[Expr])> {
    let ExprKind::Assign { op: None, lhs, rhs } = &e.strip_casts().kind else {
        return None;
    };
    let ExprKind::Local(t) = lhs.strip_casts().kind else {
        return None;
    };
    let mut core = rhs.strip_casts();
    while let ExprKind::Unary {
        op: UnOp::Not,
        operand,
    } = &core.kind
    {
        core = operand.strip_casts();
    }
    match &core.kind {
        ExprKind::Call { args, .. } => Some((t, &**rhs, core, args.as_slice())),
        _ => None,
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
