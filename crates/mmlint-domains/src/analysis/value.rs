//! Abstract values: what an expression evaluates to on one path ([`Val`]), the value
//! classes of integers and how comparisons act on them, constant flag expressions, the
//! expressions that evaluate the same twice ([`pure_key`]), and `eval`, which walks an
//! expression applying its side effects.

use std::sync::Arc;

use mmlint_ir::{BinOp, Expr, ExprKind, UnOp, VarId};

use super::LockVma;
use crate::state::{LockKey, Place, Prov, Sign, State};

/// The abstract value of an expression.
#[derive(Clone, Debug, Default)]
pub(crate) struct Val {
    /// The value is a VMA or a pointer derived from one.
    pub(crate) prov: Option<Prov>,
    /// The value is (or names) an mm, or its mmap_lock: the lock's key and display.
    pub(crate) lock: Option<(LockKey, String)>,
    pub(crate) sign: Option<Sign>,
    /// `&local`: out-parameters.
    pub(crate) addr_of: Option<VarId>,
}

impl Val {
    pub(crate) fn sign(&self) -> Sign {
        self.sign.unwrap_or(Sign::TOP)
    }
}

/// The classes `x` can be in when `x op c` holds.
pub(crate) fn signs_satisfying(op: BinOp, c: i128) -> Sign {
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

pub(crate) fn negate(op: BinOp) -> BinOp {
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

pub(crate) fn swap(op: BinOp) -> BinOp {
    match op {
        BinOp::Lt => BinOp::Gt,
        BinOp::Gt => BinOp::Lt,
        BinOp::Le => BinOp::Ge,
        BinOp::Ge => BinOp::Le,
        o => o,
    }
}

/// The sign of `x op c` when `x` has sign `s`: ZERO, POS (true) or both.
pub(crate) fn compare(s: Sign, op: BinOp, c: i128) -> Sign {
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

/// The named constants an expression ORs together (`VM_FAULT_RETRY | VM_FAULT_COMPLETED`).
pub(crate) fn const_names(e: &Expr, out: &mut Vec<String>) {
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

/// The named flags local `v` may hold after `v = rhs` or `v op= rhs`: known while it is
/// built from named constants (and locals so built) with `=`, `|=` and `&=`.
fn flag_bits_after(
    st: &State,
    v: VarId,
    op: Option<BinOp>,
    rhs: &Expr,
) -> Option<std::collections::BTreeSet<std::sync::Arc<str>>> {
    let of_rhs = || match &rhs.strip_casts().kind {
        _ if is_constant_flags(rhs) => {
            let mut names = Vec::new();
            const_names(rhs, &mut names);
            Some(
                names
                    .iter()
                    .map(|n| std::sync::Arc::from(n.as_str()))
                    .collect(),
            )
        }
        ExprKind::Local(w) => st.flag_bits.get(w).cloned(),
        _ => None,
    };
    match op {
        None => of_rhs(),
        Some(BinOp::BitOr) => {
            let mut bits = st.flag_bits.get(&v)?.clone();
            bits.extend(of_rhs()?);
            Some(bits)
        }
        // Clearing bits leaves a subset: the names it may hold still cover it.
        Some(BinOp::BitAnd) => st.flag_bits.get(&v).cloned(),
        _ => None,
    }
}

/// Flags written as constants only (`FAULT_FLAG_WRITE | FAULT_FLAG_REMOTE`).
pub(crate) fn is_constant_flags(e: &Expr) -> bool {
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

impl LockVma<'_> {
    pub(crate) fn eval_args(&mut self, st: &mut State, call: &Expr) -> Vec<Val> {
        let mut dead_end = false;
        match &call.kind {
            ExprKind::Call { args, .. } => args
                .iter()
                .map(|a| self.eval(st, a, &mut dead_end))
                .collect(),
            _ => vec![],
        }
    }

    pub(crate) fn local_val(&self, st: &State, v: VarId, e: &Expr) -> Val {
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
    pub(crate) fn eval(&mut self, st: &mut State, e: &Expr, infeasible: &mut bool) -> Val {
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
                        let bits = flag_bits_after(st, v, *op, rhs);
                        st.vmas.remove(&v);
                        st.forget(v);
                        if let Some(b) = bits {
                            st.flag_bits.insert(v, b);
                        }
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
                        self.vma_store(st, lhs);
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
}

/// A span-free rendering of a condition that reads only locals, constants and addresses of
/// globals, so evaluating it twice without writing those locals gives the same result.
pub(crate) fn pure_key(e: &Expr) -> Option<String> {
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

pub(crate) fn collect_locals(e: &Expr, out: &mut Vec<VarId>) {
    if let ExprKind::Local(v) = e.kind {
        out.push(v);
    }
    e.for_each_child(|c| collect_locals(c, out));
}
