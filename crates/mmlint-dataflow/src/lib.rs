//! A generic forward dataflow engine over [`mmlint_cfg::Body`], in the shape of rustc's
//! `rustc_mir_dataflow`: an [`Analysis`] supplies a lattice [`Analysis::Domain`], statement
//! and terminator effects, and edge effects that refine the state on each branch;
//! [`iterate_to_fixpoint`] computes the state at every block entry, and
//! [`Results::visit_with`] replays the blocks once more for checks.
//!
//! **Invariant:** nothing here knows about locks, VMAs or the kernel. Domains live in
//! `mmlint-domains`.
//!
//! Contract: transfer functions must be monotone and the domain of finite height; the
//! engine still stops after a step budget and reports it in [`Results::converged`], so a
//! pathological function degrades instead of hanging.

mod disjunction;

use std::collections::VecDeque;

pub use disjunction::{Disjunction, Subsumes};
use mmlint_cfg::{BlockId, Body, EdgeKind, Inst, Terminator};

/// A join-semilattice: `join` moves `self` up to the least upper bound of both and says
/// whether `self` changed.
pub trait JoinSemiLattice: Clone + Eq {
    fn join(&mut self, other: &Self) -> bool;
}

/// A program point: instruction `index` of `block`, or its terminator when
/// `index == insts.len()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    pub block: BlockId,
    pub index: usize,
}

pub trait Analysis {
    type Domain: JoinSemiLattice;
    /// Used in debug dumps.
    const NAME: &'static str;

    /// The state of blocks not yet reached (the identity of `join`).
    fn bottom_value(&self, body: &Body) -> Self::Domain;
    fn initialize_start_block(&self, body: &Body, state: &mut Self::Domain);
    fn apply_statement_effect(&mut self, state: &mut Self::Domain, inst: &Inst, loc: Location);
    fn apply_terminator_effect(
        &mut self,
        _state: &mut Self::Domain,
        _term: &Terminator,
        _loc: Location,
    ) {
    }
    /// Refines the state flowing along one outgoing edge of `term` (for example, the lock
    /// is held only on the edge where a killable acquire returned 0).
    fn apply_edge_effect(
        &mut self,
        _state: &mut Self::Domain,
        _term: &Terminator,
        _edge: &EdgeKind,
    ) {
    }
}

pub struct Results<A: Analysis> {
    pub analysis: A,
    entry_states: Vec<A::Domain>,
    reached: Vec<bool>,
    /// False when the step budget ran out before a fixpoint: states are then an
    /// under-approximation for the blocks not yet stable.
    pub converged: bool,
}

/// Hooks called by [`Results::visit_with`] at every reachable location, in reverse
/// postorder, with the state *before* the effect of that location.
pub trait ResultsVisitor<A: Analysis> {
    fn visit_statement_before(&mut self, _a: &mut A, _s: &A::Domain, _i: &Inst, _l: Location) {}
    fn visit_terminator_before(
        &mut self,
        _a: &mut A,
        _s: &A::Domain,
        _t: &Terminator,
        _l: Location,
    ) {
    }
}

/// Runs `analysis` to a fixpoint. `max_block_visits` bounds the work (0 = a default of
/// 64 visits per block).
pub fn iterate_to_fixpoint<A: Analysis>(
    body: &Body,
    mut analysis: A,
    max_block_visits: usize,
) -> Results<A> {
    let n = body.graph.node_count();
    let budget = if max_block_visits == 0 {
        64 * n + 256
    } else {
        max_block_visits
    };
    let mut entry_states: Vec<A::Domain> = (0..n).map(|_| analysis.bottom_value(body)).collect();
    let mut reached = vec![false; n];
    analysis.initialize_start_block(body, &mut entry_states[body.entry.index()]);
    reached[body.entry.index()] = true;

    // Process blocks in reverse postorder priority, so a loop body sees its preheader first.
    let rpo = body.reverse_postorder();
    let mut rank = vec![usize::MAX; n];
    for (i, b) in rpo.iter().enumerate() {
        rank[b.index()] = i;
    }
    let mut queued = vec![false; n];
    let mut work: VecDeque<BlockId> = VecDeque::new();
    work.push_back(body.entry);
    queued[body.entry.index()] = true;
    let mut steps = 0usize;
    let mut converged = true;

    while let Some(b) = pop_lowest(&mut work, &rank) {
        queued[b.index()] = false;
        steps += 1;
        if steps > budget {
            converged = false;
            break;
        }
        let mut state = entry_states[b.index()].clone();
        let bb = body.block(b);
        for (index, inst) in bb.insts.iter().enumerate() {
            analysis.apply_statement_effect(&mut state, inst, Location { block: b, index });
        }
        let term_loc = Location {
            block: b,
            index: bb.insts.len(),
        };
        analysis.apply_terminator_effect(&mut state, &bb.term, term_loc);
        for (succ, edge) in body.successors(b) {
            let mut out = state.clone();
            analysis.apply_edge_effect(&mut out, &bb.term, edge);
            let changed = entry_states[succ.index()].join(&out);
            if (changed || !reached[succ.index()]) && !queued[succ.index()] {
                queued[succ.index()] = true;
                work.push_back(succ);
            }
            reached[succ.index()] = true;
        }
    }
    Results {
        analysis,
        entry_states,
        reached,
        converged,
    }
}

fn pop_lowest(work: &mut VecDeque<BlockId>, rank: &[usize]) -> Option<BlockId> {
    let (pos, _) = work
        .iter()
        .enumerate()
        .min_by_key(|(_, b)| rank[b.index()])?;
    work.remove(pos)
}

impl<A: Analysis> Results<A> {
    /// The state at the entry of `block` (bottom when it was never reached).
    pub fn entry_state(&self, block: BlockId) -> &A::Domain {
        &self.entry_states[block.index()]
    }

    pub fn is_reached(&self, block: BlockId) -> bool {
        self.reached[block.index()]
    }

    /// The state just before `loc`, recomputed from the block entry.
    pub fn state_before(&mut self, body: &Body, loc: Location) -> A::Domain {
        let mut state = self.entry_states[loc.block.index()].clone();
        for (index, inst) in body
            .block(loc.block)
            .insts
            .iter()
            .enumerate()
            .take(loc.index)
        {
            self.analysis.apply_statement_effect(
                &mut state,
                inst,
                Location {
                    block: loc.block,
                    index,
                },
            );
        }
        state
    }

    /// Replays every reached block once, calling `vis` before each location and applying
    /// the analysis' effects as during the fixpoint.
    pub fn visit_with(&mut self, body: &Body, vis: &mut impl ResultsVisitor<A>) {
        for b in body.reverse_postorder() {
            if !self.reached[b.index()] {
                continue;
            }
            let mut state = self.entry_states[b.index()].clone();
            let bb = body.block(b);
            for (index, inst) in bb.insts.iter().enumerate() {
                let loc = Location { block: b, index };
                vis.visit_statement_before(&mut self.analysis, &state, inst, loc);
                self.analysis.apply_statement_effect(&mut state, inst, loc);
            }
            let loc = Location {
                block: b,
                index: bb.insts.len(),
            };
            vis.visit_terminator_before(&mut self.analysis, &state, &bb.term, loc);
            self.analysis
                .apply_terminator_effect(&mut state, &bb.term, loc);
        }
    }
}

#[cfg(test)]
mod tests;
