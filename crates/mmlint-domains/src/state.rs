//! One path's knowledge: mmap_lock states, VMA provenance, signs of locals, mm aliases.

use std::collections::BTreeMap;
use std::sync::Arc;

use mmlint_dataflow::{JoinSemiLattice, Subsumes};
use mmlint_ir::{Span, VarId};

/// The canonical name of one mm's mmap_lock: the mm expression after local aliases are
/// resolved (`mm` for a parameter, `current->mm` for `mm = current->mm`).
pub type LockKey = Arc<str>;

/// Keys of per-VMA locks start with this. It is not a C identifier character, so a summary
/// never takes such a key for a parameter's path.
pub const VMA_LOCK_PREFIX: &str = "@vma-lock:";

/// The per-VMA lock of a VMA parameter is named by the field that holds it in 6.4–6.12
/// (`vma->vm_lock`): a path relative to the parameter, so a summary can say that a callee
/// released its caller's VMA lock.
pub const VMA_LOCK_FIELD: &str = "->vm_lock";

/// The key names a per-VMA lock (a VMA's read lock, or an mm's VMA write locks), not an
/// mmap_lock.
pub fn is_vma_lock(key: &str) -> bool {
    key.starts_with(VMA_LOCK_PREFIX) || key.ends_with(VMA_LOCK_FIELD)
}

/// A set of value classes a value may be in: negative, zero, one, greater than one. One
/// has its own class because kernel APIs return it as a distinct outcome (trylock,
/// `do_mas_munmap()`'s "downgraded").
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Sign(pub u8);

impl Sign {
    pub const NEG: Sign = Sign(1);
    pub const ZERO: Sign = Sign(2);
    pub const ONE: Sign = Sign(4);
    pub const GT1: Sign = Sign(8);
    pub const POS: Sign = Sign(12);
    pub const NONZERO: Sign = Sign(13);
    pub const TOP: Sign = Sign(15);
    pub const EMPTY: Sign = Sign(0);

    pub fn of(v: i128) -> Sign {
        match v {
            v if v < 0 => Sign::NEG,
            0 => Sign::ZERO,
            1 => Sign::ONE,
            _ => Sign::GT1,
        }
    }
    pub fn meet(self, o: Sign) -> Sign {
        Sign(self.0 & o.0)
    }
    pub fn union(self, o: Sign) -> Sign {
        Sign(self.0 | o.0)
    }
    pub fn contains(self, o: Sign) -> bool {
        self.0 & o.0 == o.0
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// `!x`
    pub fn logical_not(self) -> Sign {
        let mut r = Sign::EMPTY;
        if self.contains(Sign::ZERO) {
            r = r.union(Sign::ONE);
        }
        if !self.meet(Sign::NONZERO).is_empty() {
            r = r.union(Sign::ZERO);
        }
        r
    }
    /// `-x`
    pub fn negated(self) -> Sign {
        let mut r = self.meet(Sign::ZERO);
        if self.contains(Sign::NEG) {
            r = r.union(Sign::POS);
        }
        if !self.meet(Sign::POS).is_empty() {
            r = r.union(Sign::NEG);
        }
        r
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum HoldMode {
    Read,
    Write,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Whatever the caller held at entry: nothing can be said.
    Unknown,
    Held(HoldMode),
    /// Released by this function on this path.
    Released(Span),
    /// A conditional acquire (killable, trylock) failed on this path.
    AcquireFailed(Span),
    /// Paths with different states were joined: nothing can be said.
    Maybe,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockSt {
    pub status: Status,
    /// How the source names the mm (`mm`, `vma->vm_mm`), for messages.
    pub display: String,
    /// Set when this function acquired the current hold.
    pub acquired_at: Option<Span>,
    /// The acquiring call as written, e.g. `mmap_read_lock(mm)`.
    pub acquired_by: Option<String>,
    /// The hold this function's caller had at entry ended on this path (released, or
    /// dropped and re-taken inside a call): what the function's summary reports.
    pub entry_ended: bool,
}

impl LockSt {
    pub fn entry(display: String) -> Self {
        LockSt {
            status: Status::Unknown,
            display,
            acquired_at: None,
            acquired_by: None,
            entry_ended: false,
        }
    }
    /// Records that the current hold ends; it is the caller's hold unless this function
    /// took it.
    pub fn end_hold(&mut self) {
        if self.acquired_at.is_none() {
            self.entry_ended = true;
        }
    }
    pub fn held_by_us(&self) -> bool {
        matches!(self.status, Status::Held(_)) && self.acquired_at.is_some()
    }
}

/// Where a VMA pointer (or a pointer derived from one) came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prov {
    pub lock: LockKey,
    pub obtained_at: Span,
    /// What produced it: `find_vma`, `parameter`, `vmas`, `vm_next` …
    pub source: String,
    /// For a derived pointer (`file = vma->vm_file`), the VMA expression it came from.
    pub derived_from: Option<String>,
    /// The hold it was obtained under: where and by which call it was taken.
    pub lock_taken_at: Option<Span>,
    pub lock_taken_by: Option<String>,
    /// The hold ended here (explicit release on this path); the pointer is dangling.
    pub dead: Option<Span>,
    /// A `struct vm_area_struct **` array filled by GUP: its elements are the VMAs.
    pub is_array: bool,
}

/// What a sign is known about: a local, or what a local pointer points to (`*locked`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Place {
    Var(VarId),
    Deref(VarId),
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct State {
    pub locks: BTreeMap<LockKey, LockSt>,
    pub vmas: BTreeMap<VarId, Prov>,
    pub signs: BTreeMap<Place, Sign>,
    pub aliases: BTreeMap<VarId, (LockKey, String)>,
    /// Outcomes of branch conditions made only of locals, constants and addresses of
    /// globals (`mm != &init_mm`), keyed by a span-free rendering, with the locals they
    /// read: a later branch on the same condition follows the same way.
    pub conds: BTreeMap<String, (bool, Vec<VarId>)>,
    /// What a fault handler's result can say on this path ([`FaultTag`] bits).
    pub fault_tags: BTreeMap<Place, u8>,
    /// Pointer parameters (bit = parameter index, first 64) whose pointee this function
    /// may have written: the others still hold the caller's value on return.
    pub out_written: u64,
    /// Locals built from named constant flags only (`flags = A; flags |= B;`): the names
    /// they may hold. Absent: anything.
    pub flag_bits: BTreeMap<VarId, std::collections::BTreeSet<Arc<str>>>,
}

/// Outcomes of `handle_mm_fault()` a result local can stand for.
pub struct FaultTag;

impl FaultTag {
    /// Neither the retry nor the completed bit: the lock is still held.
    pub const KEPT: u8 = 1;
    pub const RETRY: u8 = 2;
    pub const COMPLETED: u8 = 4;
}

impl State {
    pub fn sign(&self, p: Place) -> Sign {
        self.signs.get(&p).copied().unwrap_or(Sign::TOP)
    }

    /// Forgets what is known about `v` and what it points to (it was written).
    pub fn forget(&mut self, v: VarId) {
        self.signs.remove(&Place::Var(v));
        self.signs.remove(&Place::Deref(v));
        self.conds.retain(|_, (_, vars)| !vars.contains(&v));
        self.fault_tags.remove(&Place::Var(v));
        self.fault_tags.remove(&Place::Deref(v));
        self.flag_bits.remove(&v);
    }

    /// The lock's state, creating the entry state the first time a lock is named.
    pub fn lock_mut(&mut self, key: &LockKey, display: &str) -> &mut LockSt {
        self.locks
            .entry(key.clone())
            .or_insert_with(|| LockSt::entry(display.to_string()))
    }

    /// Ends the hold of `key`: every VMA obtained under it dangles from here on.
    pub fn kill_vmas_of(&mut self, key: &LockKey, at: &Span) {
        if let Some(l) = self.locks.get_mut(key) {
            l.end_hold();
        }
        for p in self.vmas.values_mut() {
            if &p.lock == key && p.dead.is_none() {
                p.dead = Some(at.clone());
            }
        }
    }
}

/// Joins maps whose absent keys mean "nothing known" (signs, aliases); `merge` returns
/// `None` to forget a key whose values differ.
fn join_maps<K: Ord + Clone, V: Clone + PartialEq>(
    a: &mut BTreeMap<K, V>,
    b: &BTreeMap<K, V>,
    mut merge: impl FnMut(&mut V, &V) -> Option<()>,
) -> bool {
    let mut changed = false;
    let keys: Vec<K> = a.keys().cloned().collect();
    for k in keys {
        match b.get(&k) {
            Some(bv) => {
                let av = a.get_mut(&k).expect("key from a");
                if av != bv {
                    let before = av.clone();
                    if merge(av, bv).is_none() {
                        a.remove(&k);
                        changed = true;
                    } else if *av != before {
                        changed = true;
                    }
                }
            }
            // Absent means "nothing known": the join knows nothing either.
            None => {
                a.remove(&k);
                changed = true;
            }
        }
    }
    changed
}

impl JoinSemiLattice for State {
    fn join(&mut self, other: &Self) -> bool {
        let mut changed = false;
        // Locks: a lock named on only one side is at its entry state on the other.
        for (k, ov) in &other.locks {
            match self.locks.get_mut(k) {
                Some(sv) => {
                    if sv != ov {
                        let before = sv.clone();
                        if sv.status != ov.status {
                            sv.status = Status::Maybe;
                        }
                        sv.entry_ended |= ov.entry_ended;
                        if sv.acquired_at != ov.acquired_at {
                            sv.acquired_at = sv.acquired_at.clone().or(ov.acquired_at.clone());
                            sv.acquired_by = sv.acquired_by.clone().or(ov.acquired_by.clone());
                        }
                        changed |= *sv != before;
                    }
                }
                None => {
                    let mut v = ov.clone();
                    if v.status != Status::Unknown {
                        v.status = Status::Maybe;
                    }
                    self.locks.insert(k.clone(), v);
                    changed = true;
                }
            }
        }
        for (k, sv) in self.locks.iter_mut() {
            if !other.locks.contains_key(k)
                && sv.status != Status::Unknown
                && sv.status != Status::Maybe
            {
                sv.status = Status::Maybe;
                changed = true;
            }
        }
        // VMAs: dangling on some path is dangling (the bug is on that path).
        for (k, ov) in &other.vmas {
            match self.vmas.get_mut(k) {
                Some(sv) => {
                    if sv.dead.is_none() && ov.dead.is_some() {
                        *sv = ov.clone();
                        changed = true;
                    }
                }
                None => {
                    self.vmas.insert(*k, ov.clone());
                    changed = true;
                }
            }
        }
        changed |= join_maps(&mut self.signs, &other.signs, |a, b| {
            *a = a.union(*b);
            Some(())
        });
        changed |= join_maps(&mut self.aliases, &other.aliases, |_, _| None);
        changed |= join_maps(&mut self.conds, &other.conds, |_, _| None);
        changed |= join_maps(&mut self.fault_tags, &other.fault_tags, |a, b| {
            *a |= *b;
            Some(())
        });
        changed |= join_maps(&mut self.flag_bits, &other.flag_bits, |a, b| {
            a.extend(b.iter().cloned());
            Some(())
        });
        if self.out_written | other.out_written != self.out_written {
            self.out_written |= other.out_written;
            changed = true;
        }
        changed
    }
}

impl Subsumes for State {
    /// `join(self, other) == self`, decided without building the join (this runs for every
    /// state inserted into a disjunction).
    fn subsumes(&self, other: &Self) -> bool {
        if self == other {
            return true;
        }
        let locks_ok = other.locks.iter().all(|(k, o)| match self.locks.get(k) {
            Some(s) => {
                (s.status == o.status || s.status == Status::Maybe)
                    && (s.acquired_at.is_some() || o.acquired_at.is_none())
                    && (s.acquired_by.is_some() || o.acquired_by.is_none())
                    && (s.entry_ended || !o.entry_ended)
            }
            None => false,
        }) && self.locks.iter().all(|(k, s)| {
            other.locks.contains_key(k) || matches!(s.status, Status::Unknown | Status::Maybe)
        });
        locks_ok
            && self.out_written & other.out_written == other.out_written
            // A VMA of another lock is not covered: a release of `o.lock` would end `o`
            // and not `s` (found by the oracle: `vma = find_vma(current->mm, …); if (!vma)
            // vma = vma_lookup(mm, …);` lost the current->mm path).
            && other.vmas.iter().all(|(k, o)| match self.vmas.get(k) {
                Some(s) => {
                    s.lock == o.lock
                        && s.is_array == o.is_array
                        && !(s.dead.is_none() && o.dead.is_some())
                }
                None => false,
            })
            && self
                .signs
                .iter()
                .all(|(k, s)| other.signs.get(k).is_some_and(|o| s.contains(*o)))
            && self
                .aliases
                .iter()
                .all(|(k, s)| other.aliases.get(k) == Some(s))
            && self
                .conds
                .iter()
                .all(|(k, s)| other.conds.get(k) == Some(s))
            && self
                .flag_bits
                .iter()
                .all(|(k, s)| other.flag_bits.get(k).is_some_and(|o| o.is_subset(s)))
    }

    /// Paths that agree on every lock's status and on which VMAs dangle are joined first:
    /// what they disagree on (signs of locals) matters less than keeping a released lock
    /// apart from a held one.
    fn merge_class(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for (k, l) in &self.locks {
            k.hash(&mut h);
            std::mem::discriminant(&l.status).hash(&mut h);
            if let Status::Held(m) = l.status {
                m.hash(&mut h);
            }
            l.acquired_at.is_some().hash(&mut h);
            l.entry_ended.hash(&mut h);
        }
        for (v, p) in &self.vmas {
            v.hash(&mut h);
            p.dead.is_some().hash(&mut h);
        }
        h.finish()
    }
}
