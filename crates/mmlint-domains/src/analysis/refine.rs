//! Branch refinement: what the edge a branch takes says about the path (a local's value
//! class, a fault result's outcome, a condition tested before), and the conditions that
//! can be remembered between two tests.

use mmlint_ir::{BinOp, Expr, ExprKind, Function, UnOp};

use super::value::{collect_locals, const_names, negate, pure_key, signs_satisfying, swap};
use crate::state::{FaultTag, Place, Sign, State};

/// Keeps `st` only if `p` can have a sign in `allowed`; a VMA pointer known to be NULL is
/// no longer tracked.
pub(crate) fn restrict(mut st: State, p: Place, allowed: Sign) -> Option<State> {
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
pub(crate) fn place_of(e: &Expr) -> Option<Place> {
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
pub(crate) fn refine(
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
