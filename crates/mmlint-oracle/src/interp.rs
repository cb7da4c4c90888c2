//! The reference interpreter: enumerates every path of a generated function on its own
//! tree (no CFG, no dataflow, no joins) and applies the rules as docs/rules/*.md state
//! them, each "on some path":
//!
//! - dangling-vma: a VMA local (or `file = vma->vm_file` taken from it, until
//!   `get_file(file)`) dereferenced after the hold of the lock it was obtained
//!   under ended on this path (a release, or GUP reporting `*locked == 0`), even if the lock
//!   was taken again since. `get_file(file)` itself is such a use when that hold has
//!   already ended (a reference taken too late pins nothing); the reference it takes makes
//!   the later uses of `file` safe either way. A local known to be NULL (tested) is not a
//!   VMA.
//! - vma-without-mmap-lock: a lookup, or GUP without `locked`, while this function has
//!   released that lock on this path or its conditional acquire failed.
//! - mmap-lock-unbalanced-unlock: a release after a release, or after a failed
//!   conditional acquire, on this path.
//! - mmap-lock-mode-mismatch: a release in the other mode than the hold this function
//!   took.
//! - gup-vmas-unlockable: a reachable GUP call with both a non-NULL `vmas` and `locked`.
//! - gup-while-mmap-locked: `get_user_pages_fast()` while this function holds
//!   `current->mm`'s lock.
//! - mmap-lock-leak: over the function's returns (one per path: line, value, locks held
//!   by this function, locks released or failed), a return holding a lock is reported
//!   when another return of the same value class (negative, 0, 1, >1) releases it, or
//!   when it returns a negative value and any return releases it.
//!
//! Entry state is unknown (nothing is reported about a lock before this function touches
//! it). GUP with `locked` either keeps the lock (`*locked == 1`, the hold never ended:
//! Linux 6.1's contract) or releases it (`*locked == 0`). Loops run 0 to
//! [`LOOP_BOUND`] times.

use std::collections::BTreeMap;

use crate::ast::*;

pub const DANGLING: &str = "dangling-vma";
pub const WITHOUT_LOCK: &str = "vma-without-mmap-lock";
pub const LEAK: &str = "mmap-lock-leak";
pub const UNBALANCED: &str = "mmap-lock-unbalanced-unlock";
pub const MODE: &str = "mmap-lock-mode-mismatch";
pub const UNLOCKABLE: &str = "gup-vmas-unlockable";
pub const GUP_LOCKED: &str = "gup-while-mmap-locked";

/// The rules the generator exercises.
pub const RULES: [&str; 7] = [
    DANGLING,
    WITHOUT_LOCK,
    LEAK,
    UNBALANCED,
    MODE,
    UNLOCKABLE,
    GUP_LOCKED,
];

/// How many times the interpreter runs a loop body at most.
pub const LOOP_BOUND: usize = 3;

/// Paths explored before giving up on a function.
const PATH_LIMIT: usize = 100_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Unknown,
    Held(Mode),
    Released,
    Failed,
}

#[derive(Clone, Copy, Debug)]
struct Lock {
    status: Status,
    /// This function acquired the current hold.
    ours: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Vma {
    Null,
    Ptr {
        lock: usize,
        dead: bool,
        /// Known non-NULL (a test passed).
        nonnull: bool,
    },
}

#[derive(Clone, Debug)]
struct St {
    locks: [Lock; 2],
    vmas: [Vma; VMAS],
    file: Vma,
    /// Outcomes of `vI->vm_flags & VM_WRITE` and `vI->vm_start > addr` on this path,
    /// until `vI` is assigned: mmlint assumes, like Smatch, that a condition over locals
    /// and their fields gives the same result until one of those locals is written.
    tests: [[Option<bool>; 2]; VMAS],
    flags: [Option<bool>; FLAGS],
    ret: i64,
    locked: i64,
    /// The decisions taken so far, for a witness.
    trace: Vec<String>,
}

enum Flow {
    Next,
    Return(i64, u32),
    Goto(usize),
}

#[derive(Clone, Debug)]
struct RetRec {
    line: u32,
    value: i64,
    held: [bool; 2],
    released: [bool; 2],
    trace: Vec<String>,
}

/// What a checker with mmlint's documented semantics must report in one function.
#[derive(Debug, Default)]
pub struct Expected {
    /// (rule, line) → the decisions of one path that reports it.
    pub reports: BTreeMap<(&'static str, u32), String>,
    /// Complete paths (feasible ones; loops bounded).
    pub paths: usize,
    /// More than the interpreter's path limit: `reports` is incomplete.
    pub truncated: bool,
}

struct Interp<'f> {
    f: &'f Func,
    out: Expected,
    rets: Vec<RetRec>,
    steps: usize,
}

/// Sign classes as the leak rule compares return values.
fn class(v: i64) -> u8 {
    match v {
        v if v < 0 => 0,
        0 => 1,
        1 => 2,
        _ => 3,
    }
}

impl Interp<'_> {
    fn key(&self, mm: MmRef) -> usize {
        match mm {
            MmRef::Current => 1,
            MmRef::Mm if self.f.mm_is_current => 1,
            MmRef::Mm => 0,
        }
    }

    fn report(&mut self, rule: &'static str, line: u32, st: &St) {
        self.out
            .reports
            .entry((rule, line))
            .or_insert_with(|| st.trace.join(" "));
    }

    fn kill(st: &mut St, lock: usize) {
        for v in st.vmas.iter_mut().chain([&mut st.file]) {
            if let Vma::Ptr { lock: l, dead, .. } = v {
                if *l == lock {
                    *dead = true;
                }
            }
        }
    }

    fn needs_lock(&mut self, st: &St, lock: usize, line: u32) {
        if matches!(st.locks[lock].status, Status::Released | Status::Failed) {
            self.report(WITHOUT_LOCK, line, st);
        }
    }

    fn release(&mut self, st: &mut St, lock: usize, mode: Mode, line: u32) {
        let l = st.locks[lock];
        match l.status {
            Status::Released | Status::Failed => self.report(UNBALANCED, line, st),
            Status::Held(m) if l.ours && m != mode => self.report(MODE, line, st),
            _ => {}
        }
        st.locks[lock].status = Status::Released;
        Self::kill(st, lock);
    }

    fn acquire(st: &mut St, lock: usize, mode: Mode) {
        st.locks[lock] = Lock {
            status: Status::Held(mode),
            ours: true,
        };
    }

    /// `if (mmap_<mode>_trylock(mm)) { ... unlock; return; }`: a trylock used as an
    /// assertion (docs/api-data.md, `failure_asserts`). Its success is an acquire; its
    /// failure says the lock is held (for write after a read trylock, in some mode after a
    /// write trylock): a lock still in its entry state is held from then on, not by this
    /// function, and any other state stays as it was.
    fn probe(&mut self, mode: Mode, mm: MmRef, line: u32, st: St) -> Vec<(St, bool)> {
        let k = self.key(mm);
        let mut ok = st.clone();
        Self::acquire(&mut ok, k, mode);
        ok.trace.push(format!("L{line}:acquired"));
        let mut fail = st;
        if let Status::Unknown = fail.locks[k].status {
            fail.locks[k].status = Status::Held(match mode {
                Mode::Read => Mode::Write,
                Mode::Write => Mode::Read,
            });
        }
        fail.trace.push(format!("L{line}:asserted-held"));
        vec![(ok, true), (fail, false)]
    }

    /// The ways `c` can evaluate on `st`: (state after, value).
    fn cond(&mut self, c: &Cond, line: u32, st: St) -> Vec<(St, bool)> {
        let mut st = st;
        match c {
            Cond::Flag { i, neg } => self
                .flag(st, *i, line)
                .into_iter()
                .map(|(s, v)| (s, v != *neg))
                .collect(),
            Cond::FlagAnd(a, b) => {
                let mut out = Vec::new();
                for (s, va) in self.flag(st, *a, line) {
                    if !va {
                        out.push((s, false));
                    } else {
                        out.extend(self.flag(s, *b, line));
                    }
                }
                out
            }
            Cond::FlagOr(a, b) => {
                let mut out = Vec::new();
                for (s, va) in self.flag(st, *a, line) {
                    if va {
                        out.push((s, true));
                    } else {
                        out.extend(self.flag(s, *b, line));
                    }
                }
                out
            }
            Cond::Killable { mode, mm } => {
                let k = self.key(*mm);
                let mut ok = st.clone();
                Self::acquire(&mut ok, k, *mode);
                ok.trace.push(format!("L{line}:acquired"));
                st.locks[k].status = Status::Failed;
                st.trace.push(format!("L{line}:acquire-failed"));
                vec![(ok, false), (st, true)]
            }
            Cond::Trylock { mode, mm, neg } => {
                let k = self.key(*mm);
                let mut ok = st.clone();
                Self::acquire(&mut ok, k, *mode);
                ok.trace.push(format!("L{line}:acquired"));
                st.locks[k].status = Status::Failed;
                st.trace.push(format!("L{line}:acquire-failed"));
                vec![(ok, !*neg), (st, *neg)]
            }
            Cond::Vma { v, neg } => {
                let v = *v;
                match st.vmas[v] {
                    Vma::Null => vec![(st, *neg)],
                    Vma::Ptr { nonnull: true, .. } => vec![(st, !*neg)],
                    Vma::Ptr { lock, dead, .. } => {
                        let mut null = st.clone();
                        null.vmas[v] = Vma::Null;
                        null.trace.push(format!("L{line}:v{v}==NULL"));
                        st.vmas[v] = Vma::Ptr {
                            lock,
                            dead,
                            nonnull: true,
                        };
                        st.trace.push(format!("L{line}:v{v}!=NULL"));
                        vec![(null, *neg), (st, !*neg)]
                    }
                }
            }
            Cond::Ret(t) => {
                let v = match t {
                    RetTest::NonZero => st.ret != 0,
                    RetTest::Zero => st.ret == 0,
                    RetTest::Neg => st.ret < 0,
                };
                vec![(st, v)]
            }
            Cond::Locked { neg } => {
                let v = (st.locked != 0) != *neg;
                vec![(st, v)]
            }
            Cond::FlagAndKillable { i, mode, mm } => {
                let mut out = Vec::new();
                for (s, set) in self.flag(st, *i, line) {
                    if set {
                        out.extend(self.cond(
                            &Cond::Killable {
                                mode: *mode,
                                mm: *mm,
                            },
                            line,
                            s,
                        ));
                    } else {
                        out.push((s, false));
                    }
                }
                out
            }
            Cond::VmaNullOrUse { v } => {
                let mut out = Vec::new();
                for (s, nonnull) in self.cond(&Cond::Vma { v: *v, neg: false }, line, st) {
                    if !nonnull {
                        out.push((s, true));
                    } else {
                        out.extend(self.vma_use_test(*v, 1, line, s));
                    }
                }
                out
            }
            Cond::VmaFlag { v } => self.vma_use_test(*v, 0, line, st),
        }
    }

    /// Test `which` of a field of `vI`: a use, with an outcome unknown the first time.
    fn vma_use_test(&mut self, v: usize, which: usize, line: u32, st: St) -> Vec<(St, bool)> {
        if let Vma::Ptr { dead: true, .. } = st.vmas[v] {
            self.report(DANGLING, line, &st);
        }
        if let Some(known) = st.tests[v][which] {
            return vec![(st, known)];
        }
        let mut t = st.clone();
        t.tests[v][which] = Some(true);
        t.trace.push(format!("L{line}:v{v}-test{which}-true"));
        let mut f = st;
        f.tests[v][which] = Some(false);
        f.trace.push(format!("L{line}:v{v}-test{which}-false"));
        vec![(t, true), (f, false)]
    }

    fn flag(&mut self, mut st: St, i: usize, line: u32) -> Vec<(St, bool)> {
        match st.flags[i] {
            Some(v) => vec![(st, v)],
            None => {
                let mut t = st.clone();
                t.flags[i] = Some(true);
                t.trace.push(format!("L{line}:f{i}"));
                st.flags[i] = Some(false);
                st.trace.push(format!("L{line}:!f{i}"));
                vec![(t, true), (st, false)]
            }
        }
    }

    fn stmt(&mut self, s: &Stmt, mut st: St) -> Vec<(St, Flow)> {
        let line = s.line;
        self.steps += 1;
        match &s.kind {
            Kind::Lock { mode, mm } => {
                let k = self.key(*mm);
                Self::acquire(&mut st, k, *mode);
            }
            Kind::Unlock { mode, mm } => {
                let k = self.key(*mm);
                self.release(&mut st, k, *mode, line);
            }
            Kind::Downgrade { mm } => {
                let k = self.key(*mm);
                if st.locks[k].status == Status::Held(Mode::Write) {
                    st.locks[k].status = Status::Held(Mode::Read);
                }
            }
            Kind::StoreKillable { mode, mm } => {
                let k = self.key(*mm);
                let mut ok = st.clone();
                Self::acquire(&mut ok, k, *mode);
                ok.ret = 0;
                ok.trace.push(format!("L{line}:acquired"));
                st.locks[k].status = Status::Failed;
                st.ret = -4;
                st.trace.push(format!("L{line}:acquire-failed"));
                return vec![(ok, Flow::Next), (st, Flow::Next)];
            }
            Kind::Lookup { v, mm, .. } => {
                let k = self.key(*mm);
                self.needs_lock(&st, k, line);
                st.vmas[*v] = Vma::Ptr {
                    lock: k,
                    dead: false,
                    nonnull: false,
                };
                st.tests[*v] = [None; 2];
            }
            Kind::Use { v } => {
                if let Vma::Ptr { dead: true, .. } = st.vmas[*v] {
                    self.report(DANGLING, line, &st);
                }
            }
            Kind::GupRemote { mm, vmas, locked } => {
                let k = self.key(*mm);
                if vmas.is_some() && *locked {
                    self.report(UNLOCKABLE, line, &st);
                }
                if !*locked {
                    self.needs_lock(&st, k, line);
                }
                if let Some(v) = vmas {
                    st.vmas[*v] = Vma::Ptr {
                        lock: k,
                        dead: false,
                        nonnull: false,
                    };
                    st.tests[*v] = [None; 2];
                }
                if *locked {
                    let mut dropped = st.clone();
                    dropped.locked = 0;
                    dropped.locks[k].status = Status::Released;
                    Self::kill(&mut dropped, k);
                    dropped.trace.push(format!("L{line}:gup-dropped"));
                    st.locked = 1;
                    st.trace.push(format!("L{line}:gup-kept"));
                    return vec![(st, Flow::Next), (dropped, Flow::Next)];
                }
            }
            Kind::GupCurrent { vmas } => {
                self.needs_lock(&st, 1, line);
                if let Some(v) = vmas {
                    st.vmas[*v] = Vma::Ptr {
                        lock: 1,
                        dead: false,
                        nonnull: false,
                    };
                    st.tests[*v] = [None; 2];
                }
            }
            Kind::GupFast => {
                let l = st.locks[1];
                if matches!(l.status, Status::Held(_)) && l.ours {
                    self.report(GUP_LOCKED, line, &st);
                }
            }
            Kind::Copy { dst, src } => {
                st.vmas[*dst] = st.vmas[*src];
                // A written local: what was tested on it is forgotten, and mmlint keys
                // tests by the locals they read, so the copy's tests start unknown.
                st.tests[*dst] = [None; 2];
            }
            Kind::Derive { v } => {
                if let Vma::Ptr { dead, .. } = st.vmas[*v] {
                    if dead {
                        self.report(DANGLING, line, &st);
                    }
                }
                // The field may be NULL whatever the VMA is.
                st.file = match st.vmas[*v] {
                    Vma::Ptr { lock, dead, .. } => Vma::Ptr {
                        lock,
                        dead,
                        nonnull: false,
                    },
                    Vma::Null => Vma::Null,
                };
            }
            Kind::UseFile => {
                if let Vma::Ptr { dead: true, .. } = st.file {
                    self.report(DANGLING, line, &st);
                }
            }
            Kind::PinFile => {
                if let Vma::Ptr { dead: true, .. } = st.file {
                    self.report(DANGLING, line, &st);
                }
                st.file = Vma::Null;
            }
            Kind::SetRet(c) => st.ret = *c,
            Kind::SetRetCond { i, a, b } => {
                return self
                    .flag(st, *i, line)
                    .into_iter()
                    .map(|(mut s, set)| {
                        s.ret = if set { *a } else { *b };
                        (s, Flow::Next)
                    })
                    .collect();
            }
            Kind::SetLocked => st.locked = 1,
            Kind::Return(RetVal::Var) => {
                let v = st.ret;
                return vec![(st, Flow::Return(v, line))];
            }
            Kind::Return(RetVal::Const(c)) => return vec![(st, Flow::Return(*c, line))],
            Kind::Goto(l) => return vec![(st, Flow::Goto(*l))],
            Kind::If { cond, then, els } => {
                let mut out = Vec::new();
                let outcomes = match cond {
                    Cond::Trylock {
                        mode,
                        mm,
                        neg: false,
                    } if releases_and_returns(then) => self.probe(*mode, *mm, line, st),
                    _ => self.cond(cond, line, st),
                };
                for (s, v) in outcomes {
                    if v {
                        out.extend(self.block(then, s));
                    } else if let Some(e) = els {
                        out.extend(self.block(e, s));
                    } else {
                        out.push((s, Flow::Next));
                    }
                }
                return out;
            }
            Kind::Switch { cases } => {
                let mut out = Vec::new();
                // `sel` is tested once per function: every case is a way in, and default
                // (or leaving the switch when there is none) is another.
                let mut entries: Vec<usize> = (0..cases.len()).collect();
                let has_default = cases.iter().any(|c| c.value.is_none());
                for entry in entries.drain(..) {
                    let mut s = st.clone();
                    s.trace.push(format!("L{line}:case#{entry}"));
                    let mut cur = vec![s];
                    for c in &cases[entry..] {
                        let mut next = Vec::new();
                        for s in cur {
                            for (s2, fl) in self.block(&c.body, s) {
                                match fl {
                                    Flow::Next if !c.brk => next.push(s2),
                                    Flow::Next => out.push((s2, Flow::Next)),
                                    other => out.push((s2, other)),
                                }
                            }
                        }
                        cur = next;
                    }
                    out.extend(cur.into_iter().map(|s| (s, Flow::Next)));
                }
                if !has_default {
                    st.trace.push(format!("L{line}:no-case"));
                    out.push((st, Flow::Next));
                }
                return out;
            }
            Kind::Loop { body } => {
                let mut out = Vec::new();
                let mut cur = vec![st];
                for iter in 0..=LOOP_BOUND {
                    let mut next = Vec::new();
                    for mut s in cur {
                        // Leave after `iter` iterations, or run one more.
                        if iter < LOOP_BOUND {
                            let mut more = s.clone();
                            more.trace.push(format!("L{line}:iter{}", iter + 1));
                            for (s2, fl) in self.block(body, more) {
                                match fl {
                                    Flow::Next => next.push(s2),
                                    other => out.push((s2, other)),
                                }
                            }
                        }
                        s.trace.push(format!("L{line}:exit"));
                        out.push((s, Flow::Next));
                    }
                    cur = next;
                }
                return out;
            }
        }
        vec![(st, Flow::Next)]
    }

    fn block(&mut self, stmts: &[Stmt], st: St) -> Vec<(St, Flow)> {
        let mut cur = vec![st];
        let mut done = Vec::new();
        for s in stmts {
            if self.steps > PATH_LIMIT * 8 {
                self.out.truncated = true;
                break;
            }
            let mut next = Vec::new();
            for st in cur {
                for (st2, fl) in self.stmt(s, st) {
                    match fl {
                        Flow::Next => next.push(st2),
                        other => done.push((st2, other)),
                    }
                }
            }
            cur = next;
        }
        done.extend(cur.into_iter().map(|s| (s, Flow::Next)));
        done
    }

    fn record_return(&mut self, st: St, value: i64, line: u32) {
        if self.out.paths >= PATH_LIMIT {
            self.out.truncated = true;
            return;
        }
        self.out.paths += 1;
        let held =
            [0, 1].map(|k| matches!(st.locks[k].status, Status::Held(_)) && st.locks[k].ours);
        let released =
            [0, 1].map(|k| matches!(st.locks[k].status, Status::Released | Status::Failed));
        self.rets.push(RetRec {
            line,
            value,
            held,
            released,
            trace: st.trace,
        });
    }

    /// The epilogue from label `from` on, then `return ret;`.
    fn epilogue(&mut self, from: usize, st: St) {
        let f = self.f;
        let mut cur = vec![st];
        for l in &f.labels[from..] {
            let mut next = Vec::new();
            for s in cur {
                for (s2, fl) in self.block(&l.body, s) {
                    match fl {
                        Flow::Next => next.push(s2),
                        Flow::Return(v, line) => self.record_return(s2, v, line),
                        Flow::Goto(_) => unreachable!("epilogues do not jump"),
                    }
                }
            }
            cur = next;
        }
        for s in cur {
            let v = s.ret;
            self.record_return(s, v, f.ret_line);
        }
    }

    fn leak(&mut self) {
        let rets = std::mem::take(&mut self.rets);
        for k in 0..2 {
            let released: Vec<&RetRec> = rets.iter().filter(|r| r.released[k]).collect();
            if released.is_empty() {
                continue;
            }
            for r in rets.iter().filter(|r| r.held[k]) {
                let same_class = released.iter().any(|n| class(n.value) == class(r.value));
                if same_class || r.value < 0 {
                    let witness = r.trace.join(" ");
                    self.out.reports.entry((LEAK, r.line)).or_insert(witness);
                }
            }
        }
    }
}

/// Runs every path of `f` (whose lines the printer has set).
pub fn expected(f: &Func) -> Expected {
    let mut it = Interp {
        f,
        out: Expected::default(),
        rets: Vec::new(),
        steps: 0,
    };
    let entry = St {
        locks: [Lock {
            status: Status::Unknown,
            ours: false,
        }; 2],
        vmas: [Vma::Null; VMAS],
        file: Vma::Null,
        tests: [[None; 2]; VMAS],
        flags: [None; FLAGS],
        ret: 0,
        locked: 1,
        trace: Vec::new(),
    };
    for (st, fl) in it.block(&f.body, entry) {
        match fl {
            Flow::Next => it.epilogue(0, st),
            Flow::Goto(l) => it.epilogue(l, st),
            Flow::Return(v, line) => it.record_return(st, v, line),
        }
    }
    it.leak();
    it.out
}

/// A branch that releases a lock and returns among its own statements (not in nested
/// ones): after a trylock that succeeded, it backs out, so the trylock is an assertion.
fn releases_and_returns(then: &[Stmt]) -> bool {
    then.iter().any(|s| matches!(s.kind, Kind::Unlock { .. }))
        && then.iter().any(|s| matches!(s.kind, Kind::Return(_)))
}
