//! The lock/VMA analysis: the state it carries through a function ([`LockVma`]), the
//! engine's [`Analysis`] impl, and the statement transfer function [`LockVma::exec`].
//!
//! Each concern lives in a module of its own:
//! - `value`: abstract values of expressions (value classes, comparisons, constants) and
//!   `eval`;
//! - `refine`: what a branch edge says about locals (`if (!vma)`, `switch`, fault bits);
//! - `paths`: statements that split a path in two or three (conditional acquires,
//!   `IS_ERR` tests, fault-result tests);
//! - `vma`: VMA provenance (a VMA's fields, pointers derived from it, its uses);
//! - `probe`: trylocks used as assertions (`BUG_ON(mmap_read_trylock(mm))`), found on the
//!   statement tree;
//! - `vma_write`: changes to a VMA (`vm_flags_set()`, stores to `vm_start` …) and the
//!   hold they happen under;
//! - `calls`: the call transfer function, one file per category of rules data;
//! - `entry`: what the function holds at entry when the code says how the kernel calls it;
//! - `requirements`: locks a call needs held (and in which mode): checked against the
//!   path's state, or, when the entry state is unknown, passed on to the callers.

mod calls;
mod entry;
mod events;
mod paths;
mod probe;
mod refine;
mod requirements;
mod value;
mod vma;
mod vma_write;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use mmlint_cfg::{Body, EdgeKind, Inst, Terminator};
use mmlint_dataflow::{iterate_to_fixpoint, Analysis, Disjunction, Location, ResultsVisitor};
use mmlint_ir::{Callee, Expr, ExprKind, Function, Loc, Span, Ty, UnOp, VarId};
use mmlint_rules::ApiDb;

use crate::state::{LockKey, Place, Prov, Sign, State, Status};
use crate::summary::{self, Exit, Lookup, Origin};
use crate::MAX_DISJUNCTS;

use calls::{DropSplit, SummarySplit};
pub use entry::EntryState;
pub use events::{Event, FnFacts, GupCall, HeldLock, ReleaseEvent, VmaUse};
use refine::{place_of, refine, restrict};
use requirements::NeedAt;
use value::pure_key;
pub use vma_write::ReadHold;

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

/// What the translation unit declares about the functions it calls.
#[derive(Clone, Copy)]
pub struct Callees<'a> {
    /// Declared noreturn.
    pub noreturn: &'a BTreeSet<String>,
    /// Declared parameter types (functions with a prototype).
    pub params: &'a BTreeMap<String, Vec<Ty>>,
}

/// Runs the analysis on `body` and returns its events, deduplicated, in program order.
pub fn analyze(
    body: &Body,
    db: &ApiDb,
    callees: Callees<'_>,
    summaries: Lookup<'_>,
    entry: Option<&EntryState>,
) -> FnFacts {
    let noreturn = callees.noreturn;
    // The mm of a function that owns it alone: its lock's releases end no VMA's life.
    let exclusive = db
        .exclusive_mm(&body.func.name)
        .and_then(|x| body.func.params.get(x.mm_arg))
        .map(|&p| Arc::from(body.func.var(p).name.as_str()));
    let fault_vma = entry::fault_vma(&body.func, entry);
    let analysis = LockVma {
        body,
        db,
        noreturn,
        params: callees.params,
        probes: probe::assertion_probes(&body.func, db, noreturn),
        exclusive,
        summaries,
        roots: stable_roots(body, db),
        recording: false,
        events: Vec::new(),
        drop_split: None,
        fault_split: None,
        retake_split: None,
        summary_split: None,
        param_uses: 0,
        needs: BTreeMap::new(),
        fixed_params: requirements::fixed_scalar_params(&body.func, body.exprs()),
        takes_from_entry: BTreeSet::new(),
        forbids: BTreeMap::new(),
        exits: Vec::new(),
        entry,
        fault_vma,
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
    let needs = a.summary_needs();
    let uses = (0..body.func.params.len().min(64))
        .filter(|i| a.param_uses & (1 << i) != 0)
        .collect();
    let out_params: Vec<usize> = (0..body.func.params.len().min(64))
        .filter(|&i| a.is_out_param(i))
        .collect();
    let mut summary = summary::summarize(&a.exits, needs, uses, &out_params);
    summary.must_not_hold = a.summary_forbids();
    FnFacts {
        events,
        converged: results.converged,
        summary,
        entry: entry.cloned(),
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
    /// Declared parameter types of the callees: which rules entry describes a call.
    params: &'a BTreeMap<String, Vec<Ty>>,
    /// Trylocks used as assertions (`BUG_ON(mmap_read_trylock(mm))`), by call position.
    probes: HashSet<Loc>,
    /// The lock of an mm this function owns alone (`exclusive_mm`).
    exclusive: Option<LockKey>,
    /// Summaries of the callees (rules data wins over them).
    summaries: Lookup<'a>,
    /// Locals that stand for a stable call's value (`tsk = current`).
    roots: HashMap<VarId, String>,
    recording: bool,
    events: Vec<Event>,
    /// Set by a call that may drop the lock and tells by an out-parameter (GUP's
    /// `locked`): the statement's path splits in two after it.
    drop_split: Option<DropSplit>,
    /// Set by a fault handler call: the path splits three ways after the statement. The
    /// flag: earlier VMAs are stale even when the lock is kept (handle_mm_fault() under
    /// the mmap_lock), not only where it was released (a fault helper's retry).
    fault_split: Option<(LockKey, Span, bool)>,
    /// Set by a call that sets a flag when it dropped and re-took the lock.
    retake_split: Option<(LockKey, Span, Place)>,
    /// Set by a call to a summarised function: one path per outcome the caller can tell
    /// apart.
    summary_split: Option<SummarySplit>,
    /// Parameters (bits) whose VMA this function reads.
    param_uses: u64,
    /// Locks this function expects held at entry: the mode, where the requirement comes
    /// from, and the condition on the parameters under which it arises.
    needs: BTreeMap<LockKey, NeedAt>,
    /// Scalar parameters the body never writes, by variable: what a path knows about them
    /// is what the caller passed.
    fixed_params: BTreeMap<VarId, usize>,
    /// Locks this function itself acquires on a path where it had not touched them: it
    /// manages them, so its callers are not asked to hold them (a lookup on a path where
    /// the acquire was skipped is a correlation the analysis missed, as in 6.1
    /// mm/gup_test.c, or a bug of this function, not of its callers).
    takes_from_entry: BTreeSet<LockKey>,
    /// Locks this function takes itself on its caller's behalf (a `*_fast` GUP on a lock
    /// still in its entry state): its callers must not hold them. Where it comes from.
    forbids: BTreeMap<LockKey, Vec<Origin>>,
    /// The states at `return`, recorded in the final pass.
    exits: Vec<Exit>,
    /// What the function holds at entry, when the code says how the kernel calls it.
    entry: Option<&'a EntryState>,
    /// A fault handler's VMA (`vmf->vma`) and its entry hold.
    fault_vma: Option<entry::FaultVma>,
}

impl<'a> LockVma<'a> {
    /// The declared parameter types of `name`, when the unit has its prototype.
    pub(crate) fn decl(&self, name: &str) -> Option<&'a [Ty]> {
        self.params.get(name).map(Vec::as_slice)
    }

    /// Whether releasing `key` ends its VMAs' lives: not for an mm this function owns
    /// alone (`exclusive_mm`), which nobody else can unmap.
    pub(crate) fn release_kills(&self, key: &LockKey) -> bool {
        self.exclusive.as_ref() != Some(key)
    }

    pub(crate) fn text(&self, e: &Expr) -> String {
        e.display(&self.body.func).to_string()
    }

    /// `e` as a lock key: its text, with a local that stands for a stable call's value
    /// named by the call, as a callee writing `current->mm` names it.
    pub(crate) fn key_text(&self, e: &Expr) -> String {
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
    pub(crate) fn lock_named(&self, e: &Expr) -> (LockKey, String) {
        (Arc::from(self.key_text(e).as_str()), self.text(e))
    }

    pub(crate) fn param_index(&self, v: VarId) -> Option<usize> {
        self.body
            .func
            .params
            .iter()
            .position(|&p| p == v)
            .filter(|&i| i < 64)
    }

    /// The callee may have written `*p`: if `p` is a parameter, callers see a new value.
    pub(crate) fn wrote_through(&self, st: &mut State, p: VarId) {
        if let Some(i) = self.param_index(p) {
            st.out_written |= 1 << i;
        }
    }

    pub(crate) fn emit(&mut self, e: Event) {
        if self.recording {
            self.events.push(e);
        }
    }

    /// Applies one instruction to one path, returning the paths it continues as.
    fn exec(&mut self, mut st: State, e: &Expr) -> Vec<State> {
        if let Some(ca) = self.find_cond_acquire(e) {
            return self.cond_acquire(st, ca);
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
        // A call that tells its caller apart by its result or an out-parameter (see
        // `calls`) continues as one path per outcome.
        if let Some((lock, at, stale_when_kept)) = self.fault_split.take() {
            return calls::fault_outcomes(st, &lock, &at, target, stale_when_kept);
        }
        if let Some(sp) = self.summary_split.take() {
            return sp
                .outcomes
                .iter()
                .filter_map(|o| self.apply_outcome(st.clone(), &sp, o, target))
                .collect();
        }
        if let Some((lock, at, flag)) = self.retake_split.take() {
            return calls::retake_outcomes(st, &lock, &at, flag);
        }
        match self.drop_split.take() {
            Some(d) => self.drop_outcomes(st, &d, e),
            None => vec![st],
        }
    }
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
        self.entry_locks(&mut st);
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
