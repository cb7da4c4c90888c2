//! A bounded disjunction of states: path sensitivity without path explosion.

use crate::JoinSemiLattice;

/// `self ⊒ other`: everything `other` allows, `self` allows too.
pub trait Subsumes {
    fn subsumes(&self, other: &Self) -> bool;

    /// States of the same class are joined first when a disjunction overflows, so the
    /// distinctions that matter most (a domain's choice) survive longest.
    fn merge_class(&self) -> u64 {
        0
    }
}

/// A set of at most `cap` states, each describing some of the paths reaching a point. An
/// empty set is bottom (no path reaches the point). When an insertion would exceed `cap`,
/// states of the same [`Subsumes::merge_class`] are joined, and if that is not enough all
/// of them: precision degrades, the analysis never blows up.
///
/// A state already covered by another ([`Subsumes`]) is not added; this keeps the set small
/// and makes the collapse a fixpoint (a joined state absorbs the states that follow it round
/// a loop), which guarantees termination on a lattice of finite height.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disjunction<S> {
    states: Vec<S>,
    cap: usize,
}

impl<S: JoinSemiLattice + Subsumes> Disjunction<S> {
    pub fn bottom(cap: usize) -> Self {
        Disjunction {
            states: Vec::new(),
            cap: cap.max(1),
        }
    }

    pub fn is_bottom(&self) -> bool {
        self.states.is_empty()
    }

    pub fn states(&self) -> &[S] {
        &self.states
    }

    /// Adds one state; true when the set changed.
    pub fn insert(&mut self, s: S) -> bool {
        if self.states.iter().any(|e| e.subsumes(&s)) {
            return false;
        }
        self.states.retain(|e| !s.subsumes(e));
        self.states.push(s);
        if self.states.len() > self.cap {
            // First join within merge classes; only if that is not enough, join everything.
            let mut groups: Vec<(u64, S)> = Vec::new();
            for s in std::mem::take(&mut self.states) {
                let class = s.merge_class();
                match groups.iter_mut().find(|(c, _)| *c == class) {
                    Some((_, g)) => {
                        g.join(&s);
                    }
                    None => groups.push((class, s)),
                }
            }
            if groups.len() > self.cap {
                let mut all = groups.into_iter().map(|(_, s)| s);
                let mut joined = all.next().expect("more than cap >= 1 states");
                for s in all {
                    joined.join(&s);
                }
                self.states.push(joined);
            } else {
                self.states = groups.into_iter().map(|(_, s)| s).collect();
            }
        }
        true
    }

    /// Replaces every state by the states `f` maps it to (none: the path is infeasible;
    /// several: the path splits).
    pub fn flat_map<I: IntoIterator<Item = S>>(&mut self, mut f: impl FnMut(S) -> I) {
        let old = std::mem::take(&mut self.states);
        for s in old {
            for t in f(s) {
                self.insert(t);
            }
        }
    }
}

impl<S: JoinSemiLattice + Subsumes> JoinSemiLattice for Disjunction<S> {
    fn join(&mut self, other: &Self) -> bool {
        let mut changed = false;
        for s in &other.states {
            changed |= self.insert(s.clone());
        }
        changed
    }
}
