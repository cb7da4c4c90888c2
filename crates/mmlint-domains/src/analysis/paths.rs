//! Statements whose result splits the path: conditional lock operations
//! (`mmap_read_lock_killable`, trylocks, 6.1's munmap downgrades and 6.5+'s munmap unlocks),
//! `IS_ERR` tests, and tests of a fault handler's result (`fault_signal_pending`).

use mmlint_ir::{Expr, ExprKind, UnOp, VarId};
use mmlint_rules::{LockAction, LockFn, LockKind, SucceedsWhen};

use super::calls::hold;
use super::refine::{place_of, restrict};
use super::value::compare;
use super::LockVma;
use crate::state::{FaultTag, HoldMode, Place, Sign, State, Status};

/// A conditional lock operation at the top of a statement: `ret =
/// mmap_read_lock_killable(mm)`, `t = !mmap_read_trylock(mm)`, `ret = do_vmi_munmap(...)`,
/// or the call alone.
pub(crate) struct CondAcquire<'e, 'a> {
    call: &'e Expr,
    lock: &'a LockFn,
    target: Option<VarId>,
    rhs: &'e Expr,
}

impl<'a> LockVma<'a> {
    pub(crate) fn find_cond_acquire<'e>(&self, e: &'e Expr) -> Option<CondAcquire<'e, 'a>> {
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
        let lock = self.db.lock_fn_at(name, self.decl(name))?;
        lock.succeeds_when?;
        Some(CondAcquire {
            call: core,
            lock,
            target,
            rhs,
        })
    }

    /// A conditional lock operation: one path where it happened and one where it did not,
    /// the result's local holding the value each returns; with `only_if_arg` unknown, a
    /// third where that argument was 0 and nothing happened.
    pub(crate) fn cond_acquire(&mut self, mut st: State, ca: CondAcquire<'_, 'a>) -> Vec<State> {
        let args = self.eval_args(&mut st, ca.call);
        let Some((key, display)) = self.lock_of_or_held(&st, ca.lock, ca.call, &args) else {
            return vec![st];
        };
        let (ok_sign, fail_sign) = match ca.lock.succeeds_when {
            Some(SucceedsWhen::Zero) => (Sign::ZERO, Sign::NEG),
            Some(SucceedsWhen::One) => (Sign::ONE, Sign::ZERO.union(Sign::NEG)),
            _ => (Sign::POS, Sign::ZERO),
        };
        // `__vm_munmap(start, len, unlock)` tests `unlock` again after do_vmi_munmap():
        // the path where it was 0 must not be one where the lock was released.
        let mut skipped = None;
        if let Some(i) = ca.lock.only_if_arg {
            let arg = args.get(i).map_or(Sign::TOP, |v| v.sign());
            if arg == Sign::ZERO {
                return vec![st];
            }
            let place = match &ca.call.kind {
                ExprKind::Call { args: a, .. } => a.get(i).and_then(place_of),
                _ => None,
            };
            if let Some(p) = place.filter(|_| arg.contains(Sign::ZERO)) {
                skipped = restrict(st.clone(), p, Sign::ZERO);
                st = match restrict(st, p, Sign::NONZERO) {
                    Some(s) => s,
                    None => return skipped.into_iter().collect(),
                };
            }
        }
        let mut ok = st.clone();
        let mut fail = st;
        match ca.lock.action {
            LockAction::Downgrade => {
                let l = ok.lock_mut(&key, &display);
                if l.status == Status::Held(HoldMode::Write) {
                    l.status = Status::Held(HoldMode::Read);
                }
            }
            LockAction::Upgrade => {
                let l = ok.lock_mut(&key, &display);
                if l.status == Status::Held(HoldMode::Read) {
                    l.status = Status::Held(HoldMode::Write);
                }
            }
            LockAction::Release => {
                ok.lock_mut(&key, &display).status = Status::Released(ca.call.span.clone());
                if self.release_kills(&key) {
                    ok.kill_vmas_of(&key, &ca.call.span);
                }
            }
            LockAction::Acquire | LockAction::Assert => {
                let text = self.text(ca.call);
                let l = ok.lock_mut(&key, &display);
                if ca.lock.action == LockAction::Acquire && l.status == Status::Unknown {
                    self.takes_from_entry.insert(key.clone());
                }
                l.status = Status::Held(hold(ca.lock.mode));
                l.acquired_at = Some(ca.call.span.clone());
                l.acquired_by = Some(text);
                // After `vma_start_read(vma)` succeeded, `vma` lives as long as its VMA lock.
                if ca.lock.lock_kind == LockKind::VmaLock {
                    if let ExprKind::Call { args: a, .. } = &ca.call.kind {
                        if let Some(arg) = a.get(ca.lock.lock_arg) {
                            self.bind_to_vma_lock(&mut ok, arg, &key, ca.call);
                        }
                    }
                }
                match ca.lock.failure_asserts {
                    // A trylock used as an assertion: its failure says the lock is held.
                    Some(mode) if self.probes.contains(&ca.call.span.start) => {
                        let name = ca.lock.name.clone();
                        self.assert_held(&mut fail, &key, &display, ca.call, &name, mode, false);
                    }
                    _ => {
                        fail.lock_mut(&key, &display).status =
                            Status::AcquireFailed(ca.call.span.clone())
                    }
                }
            }
        }
        let mut out = vec![ok, fail];
        out.extend(skipped);
        if let Some(v) = ca.target {
            // Skipped, the call returns what it returns when nothing happened: its failure
            // values, and 0 when 0 is also plain success (the munmap helpers).
            let skipped_sign = if ok_sign == Sign::ZERO {
                ok_sign.union(fail_sign)
            } else {
                fail_sign
            };
            let signs = [ok_sign, fail_sign, skipped_sign];
            for (s, sign) in out.iter_mut().zip(signs) {
                let sign = self.sign_with_call(ca.rhs, ca.call, sign);
                s.vmas.remove(&v);
                s.aliases.remove(&v);
                s.forget(v);
                s.signs.insert(Place::Var(v), sign);
            }
        }
        out
    }

    /// `t = IS_ERR(p)` (as the CFG hoists `if (IS_ERR(p))`): two paths, one where `p` is an
    /// error pointer and `t` true, one where it is not and `t` false.
    pub(crate) fn err_check_split(&mut self, st: &mut State, e: &Expr) -> Option<Vec<State>> {
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
    pub(crate) fn fault_test_split(&mut self, st: &mut State, e: &Expr) -> Option<Vec<State>> {
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
    pub(crate) fn fault_bits(&self, name: &str) -> u8 {
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
    pub(crate) fn sign_with_call(&self, e: &Expr, call: &Expr, call_sign: Sign) -> Sign {
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
