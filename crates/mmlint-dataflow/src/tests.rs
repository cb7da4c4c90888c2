//! The engine on its own, with toy domains: a reaching-count domain whose state differs at
//! every location, and a disjunction domain refined on edges.

use std::sync::Arc;

use mmlint_cfg::{build, EdgeKind, Inst, Terminator};
use mmlint_ir::*;

use super::*;

fn sp(line: u32) -> Span {
    Span::point(Loc::new(Arc::<str>::from("t.c"), line, 1))
}
fn int() -> Ty {
    Ty {
        spelling: "int".into(),
        is_scalar: true,
        ..Ty::default()
    }
}
fn local(v: u32, line: u32) -> Expr {
    Expr::new(ExprKind::Local(VarId(v)), int(), sp(line))
}
fn lit(v: i128, line: u32) -> Expr {
    Expr::new(ExprKind::IntLit(v), int(), sp(line))
}
fn call(name: &str, line: u32) -> Stmt {
    let e = Expr::new(
        ExprKind::Call {
            callee: Callee::Direct(name.into()),
            args: vec![],
        },
        int(),
        sp(line),
    );
    Stmt::new(StmtKind::Expr(e), sp(line))
}
fn func(body: Vec<Stmt>) -> Function {
    Function {
        name: "f".into(),
        span: sp(1),
        vars: vec![VarDecl {
            name: "x".into(),
            ty: int(),
            span: sp(1),
            is_param: true,
            is_temp: false,
        }],
        params: vec![VarId(0)],
        ret_ty: int(),
        is_static: false,
        in_header: false,
        body: Stmt::new(StmtKind::Compound(body), sp(1)),
    }
}

/// The set of call names seen on some path: a may-analysis with a powerset lattice.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
struct Seen(std::collections::BTreeSet<String>);
impl JoinSemiLattice for Seen {
    fn join(&mut self, other: &Self) -> bool {
        let n = self.0.len();
        self.0.extend(other.0.iter().cloned());
        self.0.len() != n
    }
}
struct SeenCalls;
impl Analysis for SeenCalls {
    type Domain = Seen;
    const NAME: &'static str = "seen";
    fn bottom_value(&self, _: &mmlint_cfg::Body) -> Seen {
        Seen::default()
    }
    fn initialize_start_block(&self, _: &mmlint_cfg::Body, _: &mut Seen) {}
    fn apply_statement_effect(&mut self, s: &mut Seen, inst: &Inst, _: Location) {
        if let Some(n) = inst.expr.direct_callee() {
            s.0.insert(n.to_string());
        }
    }
}

#[test]
fn may_analysis_joins_both_branches_and_loops() {
    // a(); if (x) b(); else c(); while (x) d(); e(); return;
    let body = vec![
        call("a", 2),
        Stmt::new(
            StmtKind::If {
                cond: local(0, 3),
                then: Box::new(call("b", 3)),
                els: Some(Box::new(call("c", 3))),
            },
            sp(3),
        ),
        Stmt::new(
            StmtKind::While {
                cond: local(0, 4),
                body: Box::new(call("d", 4)),
            },
            sp(4),
        ),
        call("e", 5),
    ];
    let body = build(func(body));
    let mut res = iterate_to_fixpoint(&body, SeenCalls, 0);
    assert!(res.converged);
    struct AtReturn(Vec<Seen>);
    impl ResultsVisitor<SeenCalls> for AtReturn {
        fn visit_terminator_before(
            &mut self,
            _: &mut SeenCalls,
            s: &Seen,
            t: &Terminator,
            _: Location,
        ) {
            if matches!(t, Terminator::Return { .. }) {
                self.0.push(s.clone());
            }
        }
    }
    let mut v = AtReturn(vec![]);
    res.visit_with(&body, &mut v);
    assert_eq!(v.0.len(), 1);
    let names: Vec<&str> = v.0[0].0.iter().map(|s| s.as_str()).collect();
    assert_eq!(names, ["a", "b", "c", "d", "e"]);
}

/// A path-sensitive toy: each disjunct is (value of x known?, calls on this path).
#[derive(Clone, PartialEq, Eq, Debug)]
struct Path {
    x: Option<bool>,
    calls: Vec<String>,
}
impl JoinSemiLattice for Path {
    fn join(&mut self, other: &Self) -> bool {
        let before = self.clone();
        if self.x != other.x {
            self.x = None;
        }
        for c in &other.calls {
            if !self.calls.contains(c) {
                self.calls.push(c.clone());
            }
        }
        *self != before
    }
}
impl Subsumes for Path {
    fn subsumes(&self, other: &Self) -> bool {
        self == other
    }
}
struct Paths {
    cap: usize,
}
impl Analysis for Paths {
    type Domain = Disjunction<Path>;
    const NAME: &'static str = "paths";
    fn bottom_value(&self, _: &mmlint_cfg::Body) -> Self::Domain {
        Disjunction::bottom(self.cap)
    }
    fn initialize_start_block(&self, _: &mmlint_cfg::Body, s: &mut Self::Domain) {
        s.insert(Path {
            x: None,
            calls: vec![],
        });
    }
    fn apply_statement_effect(&mut self, s: &mut Self::Domain, inst: &Inst, _: Location) {
        if let Some(n) = inst.expr.direct_callee() {
            let n = n.to_string();
            s.flat_map(|mut p| {
                p.calls.push(n.clone());
                Some(p)
            });
        }
    }
    fn apply_edge_effect(&mut self, s: &mut Self::Domain, _: &Terminator, e: &EdgeKind) {
        let val = match e {
            EdgeKind::True => true,
            EdgeKind::False => false,
            _ => return,
        };
        s.flat_map(|mut p| match p.x {
            Some(known) if known != val => None,
            _ => {
                p.x = Some(val);
                Some(p)
            }
        });
    }
}

fn if_x(then: &str, line: u32) -> Stmt {
    Stmt::new(
        StmtKind::If {
            cond: local(0, line),
            then: Box::new(call(then, line)),
            els: None,
        },
        sp(line),
    )
}

fn return_states(cap: usize, body: Vec<Stmt>) -> Vec<Path> {
    let body = build(func(body));
    let mut res = iterate_to_fixpoint(&body, Paths { cap }, 0);
    assert!(res.converged);
    struct AtReturn(Vec<Path>);
    impl ResultsVisitor<Paths> for AtReturn {
        fn visit_terminator_before(
            &mut self,
            _: &mut Paths,
            s: &Disjunction<Path>,
            t: &Terminator,
            _: Location,
        ) {
            if matches!(t, Terminator::Return { .. }) {
                self.0.extend(s.states().iter().cloned());
            }
        }
    }
    let mut v = AtReturn(vec![]);
    res.visit_with(&body, &mut v);
    v.0
}

#[test]
fn edge_effects_correlate_two_branches_on_the_same_condition() {
    // if (x) lock(); if (x) unlock();  — the paths lock+skip and skip+unlock are infeasible.
    let states = return_states(8, vec![if_x("lock", 2), if_x("unlock", 3)]);
    let mut calls: Vec<Vec<String>> = states.iter().map(|p| p.calls.clone()).collect();
    calls.sort();
    assert_eq!(
        calls,
        vec![vec![], vec!["lock".to_string(), "unlock".to_string()]]
    );
}

#[test]
fn exceeding_the_cap_joins_instead_of_exploding() {
    // 40 independent branches would be 2^40 paths; cap 4 keeps it small and terminates.
    let body: Vec<Stmt> = (0..40)
        .map(|i| {
            Stmt::new(
                StmtKind::If {
                    cond: Expr::new(
                        ExprKind::Call {
                            callee: Callee::Direct("cond".into()),
                            args: vec![],
                        },
                        int(),
                        sp(2 + i),
                    ),
                    then: Box::new(call(&format!("c{i}"), 2 + i)),
                    els: None,
                },
                sp(2 + i),
            )
        })
        .collect();
    let states = return_states(4, body);
    assert!(!states.is_empty() && states.len() <= 4, "{}", states.len());
}

#[test]
fn constant_conditions_do_not_branch() {
    // do { a(); } while (0); — the loop body runs once, no back edge.
    let body = vec![Stmt::new(
        StmtKind::DoWhile {
            body: Box::new(call("a", 2)),
            cond: lit(0, 2),
        },
        sp(2),
    )];
    let states = return_states(8, body);
    assert_eq!(states.len(), 1);
    assert_eq!(states[0].calls, vec!["a".to_string()]);
}

#[test]
fn step_budget_reports_non_convergence() {
    let body = vec![Stmt::new(
        StmtKind::While {
            cond: local(0, 2),
            body: Box::new(call("a", 2)),
        },
        sp(2),
    )];
    let body = build(func(body));
    let res = iterate_to_fixpoint(&body, SeenCalls, 2);
    assert!(!res.converged);
}

/// A toy state whose merge class is its `x`: on overflow, states agreeing on `x` are joined
/// and the `x` distinction survives.
#[derive(Clone, PartialEq, Eq, Debug)]
struct Classed {
    x: bool,
    n: u32,
    max: u32,
}
impl JoinSemiLattice for Classed {
    fn join(&mut self, o: &Self) -> bool {
        let before = self.clone();
        self.max = self.max.max(o.max).max(o.n).max(self.n);
        self.n = 0;
        if self.x != o.x {
            self.x = false;
        }
        *self != before
    }
}
impl Subsumes for Classed {
    fn subsumes(&self, other: &Self) -> bool {
        self == other
    }
    fn merge_class(&self) -> u64 {
        self.x as u64
    }
}

#[test]
fn overflow_joins_within_merge_classes_first() {
    let mut d = Disjunction::bottom(3);
    for (i, x) in [(1, true), (2, false), (3, true), (4, false)] {
        d.insert(Classed { x, n: i, max: 0 });
    }
    let mut xs: Vec<bool> = d.states().iter().map(|s| s.x).collect();
    xs.sort();
    assert_eq!(xs, vec![false, true], "{:?}", d.states());
    assert!(d.states().iter().all(|s| s.max >= 3));
}
