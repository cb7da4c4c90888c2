//! Per-function control-flow graphs.
//!
//! [`build`] turns an IR [`Function`] (a structured statement tree) into a [`Body`]: basic
//! blocks of straight-line [`Inst`]s, each ending in a [`Terminator`], connected by petgraph
//! edges that say which way a branch went ([`EdgeKind`]). Short-circuit operators, `?:`,
//! comma and GNU statement expressions become control flow, so an analysis sees
//! `if (!vma || addr < vma->vm_start)` as two branches and can refine its state on each.
//!
//! **Invariant:** every branch condition left in a [`Terminator::Branch`] is free of calls
//! and assignments: a call in a condition is hoisted into a temporary first, so the
//! analysis applies the call's effect once and then refines on the temporary per edge.

mod build;
mod display;

pub use build::build;
use mmlint_ir::{Expr, Function, Span, VarId};
use petgraph::graph::{DiGraph, NodeIndex};

pub type BlockId = NodeIndex<u32>;

/// One straight-line step: an expression evaluated for its effects (calls, assignments,
/// dereferences). Declarations with an initialiser become an `Assign`.
#[derive(Clone, Debug)]
pub struct Inst {
    pub expr: Expr,
}

#[derive(Clone, Debug)]
pub enum Terminator {
    /// Continue to the single successor.
    Goto,
    /// Two successors, with [`EdgeKind::True`] and [`EdgeKind::False`] edges.
    Branch { cond: Expr },
    /// `switch (discr)`: [`EdgeKind::Case`] and one [`EdgeKind::Default`] edge.
    Switch { discr: Expr },
    /// Leaves the function. `value` is a local, a constant or `None`.
    Return { value: Option<Expr>, span: Span },
    /// No successors and no return (after `__builtin_unreachable()`).
    Unreachable,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EdgeKind {
    Goto,
    True,
    False,
    /// Taken when the switch value is in `lo..=hi`.
    Case {
        lo: i128,
        hi: i128,
    },
    /// A `case` whose value the frontend could not evaluate: nothing is known on the edge.
    CaseUnknown,
    Default,
}

#[derive(Clone, Debug)]
pub struct BasicBlock {
    pub insts: Vec<Inst>,
    pub term: Terminator,
    /// Where the terminator is written (the `if`, `return`, `goto`, …).
    pub term_span: Span,
}

/// The CFG of one function. `func` is the function the graph was built from, with the
/// temporaries the builder introduced appended to its variables.
#[derive(Debug)]
pub struct Body {
    pub func: Function,
    pub graph: DiGraph<BasicBlock, EdgeKind, u32>,
    pub entry: BlockId,
}

impl Body {
    pub fn block(&self, b: BlockId) -> &BasicBlock {
        &self.graph[b]
    }

    /// Successor edges of `b` in a stable order (the order they were added).
    pub fn successors(&self, b: BlockId) -> Vec<(BlockId, &EdgeKind)> {
        let mut out: Vec<_> = self
            .graph
            .edges(b)
            .map(|e| {
                use petgraph::visit::EdgeRef;
                (e.id(), e.target(), e.weight())
            })
            .collect();
        out.sort_by_key(|(id, _, _)| *id);
        out.into_iter().map(|(_, t, w)| (t, w)).collect()
    }

    /// Blocks reachable from the entry in reverse postorder.
    pub fn reverse_postorder(&self) -> Vec<BlockId> {
        let mut dfs = petgraph::visit::DfsPostOrder::new(&self.graph, self.entry);
        let mut order = Vec::new();
        while let Some(n) = dfs.next(&self.graph) {
            order.push(n);
        }
        order.reverse();
        order
    }

    pub fn var_name(&self, v: VarId) -> &str {
        &self.func.var(v).name
    }

    /// Every top-level expression of the body, blocks in graph order: the instructions,
    /// then the branch condition, switch value or returned value.
    pub fn exprs(&self) -> impl Iterator<Item = &Expr> {
        self.graph.node_weights().flat_map(|bb| {
            let term = match &bb.term {
                Terminator::Branch { cond } | Terminator::Switch { discr: cond } => Some(cond),
                Terminator::Return { value, .. } => value.as_ref(),
                Terminator::Goto | Terminator::Unreachable => None,
            };
            bb.insts.iter().map(|i| &i.expr).chain(term)
        })
    }
}
