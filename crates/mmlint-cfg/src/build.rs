use std::collections::HashMap;

use mmlint_ir::{BinOp, Callee, Expr, ExprKind, Function, Span, Stmt, StmtKind, Ty, UnOp, VarDecl};
use petgraph::graph::DiGraph;

use crate::{BasicBlock, BlockId, Body, EdgeKind, Inst, Terminator};

/// Builds the CFG of `func`. Never fails: constructs without control-flow meaning are kept
/// as plain instructions.
pub fn build(mut func: Function) -> Body {
    let tree = std::mem::replace(&mut func.body, Stmt::new(StmtKind::Nop, func.span.clone()));
    let mut b = Builder {
        graph: DiGraph::default(),
        cur: BlockId::new(0),
        vars: &mut func.vars,
        labels: HashMap::new(),
        breaks: Vec::new(),
        continues: Vec::new(),
        switches: Vec::new(),
        indirect_gotos: Vec::new(),
    };
    let entry = b.new_block(&tree.span);
    b.cur = entry;
    b.stmt(&tree);
    // Falling off the end returns; the closing brace is where that happens.
    let end = Span::point(tree.span.end.clone());
    b.finish(
        Terminator::Return {
            value: None,
            span: end.clone(),
        },
        end,
        &[],
    );
    let labels: Vec<BlockId> = b.labels.values().copied().collect();
    for from in std::mem::take(&mut b.indirect_gotos) {
        for &l in &labels {
            b.graph.add_edge(from, l, EdgeKind::Goto);
        }
    }
    let graph = b.graph;
    func.body = tree;
    Body { func, graph, entry }
}

struct SwitchCx {
    cases: Vec<(EdgeKind, BlockId)>,
    has_default: bool,
}

struct Builder<'f> {
    graph: DiGraph<BasicBlock, EdgeKind, u32>,
    cur: BlockId,
    vars: &'f mut Vec<VarDecl>,
    labels: HashMap<String, BlockId>,
    breaks: Vec<BlockId>,
    continues: Vec<BlockId>,
    switches: Vec<SwitchCx>,
    indirect_gotos: Vec<BlockId>,
}

fn int_ty() -> Ty {
    Ty {
        spelling: "int".into(),
        ptr_depth: 0,
        record: None,
        is_scalar: true,
    }
}

fn is_simple(e: &Expr) -> bool {
    matches!(
        e.strip_casts().kind,
        ExprKind::Local(_) | ExprKind::IntLit(_) | ExprKind::Global(_) | ExprKind::OtherLit
    ) || e.const_value().is_some()
}

fn has_effects(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Call { .. } | ExprKind::Assign { .. } | ExprKind::StmtExpr(_) => true,
        ExprKind::Unary {
            op: UnOp::PreInc | UnOp::PreDec | UnOp::PostInc | UnOp::PostDec,
            ..
        } => true,
        _ => {
            let mut any = false;
            e.for_each_child(|c| any |= has_effects(c));
            any
        }
    }
}

impl Builder<'_> {
    fn new_block(&mut self, span: &Span) -> BlockId {
        self.graph.add_node(BasicBlock {
            insts: Vec::new(),
            term: Terminator::Unreachable,
            term_span: span.clone(),
        })
    }

    /// Ends the current block and continues in a fresh, so far unreachable, block.
    fn finish(&mut self, term: Terminator, span: Span, succs: &[(BlockId, EdgeKind)]) {
        let bb = &mut self.graph[self.cur];
        bb.term = term;
        bb.term_span = span.clone();
        for (to, kind) in succs {
            self.graph.add_edge(self.cur, *to, kind.clone());
        }
        self.cur = self.new_block(&span);
    }

    fn goto(&mut self, to: BlockId, span: &Span) {
        self.finish(Terminator::Goto, span.clone(), &[(to, EdgeKind::Goto)]);
    }

    /// Falls through from the current block into `b` and continues there.
    fn enter(&mut self, b: BlockId, span: &Span) {
        self.goto(b, span);
        self.cur = b;
    }

    fn emit(&mut self, expr: Expr) {
        self.graph[self.cur].insts.push(Inst { expr });
    }

    fn temp(&mut self, ty: Ty, span: &Span) -> Expr {
        let n = self.vars.iter().filter(|v| v.is_temp).count();
        self.vars.push(VarDecl {
            name: format!("<tmp{n}>"),
            ty: ty.clone(),
            span: span.clone(),
            is_param: false,
            is_temp: true,
        });
        let id = mmlint_ir::VarId(self.vars.len() as u32 - 1);
        Expr::new(ExprKind::Local(id), ty, span.clone())
    }

    fn assign(&mut self, lhs: Expr, rhs: Expr) {
        let span = rhs.span.clone();
        let ty = lhs.ty.clone();
        self.emit(Expr::new(
            ExprKind::Assign {
                op: None,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            },
            ty,
            span,
        ));
    }

    fn label_block(&mut self, name: &str, span: &Span) -> BlockId {
        if let Some(b) = self.labels.get(name) {
            return *b;
        }
        let b = self.new_block(span);
        self.labels.insert(name.to_string(), b);
        b
    }

    fn stmt(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Expr(e) => self.effect(e),
            StmtKind::Decl { var, init } => {
                if let Some(init) = init {
                    let v = self.value(init);
                    let lhs = Expr::new(
                        ExprKind::Local(*var),
                        self.vars[var.0 as usize].ty.clone(),
                        s.span.clone(),
                    );
                    self.assign(lhs, v);
                }
            }
            StmtKind::Compound(stmts) => stmts.iter().for_each(|s| self.stmt(s)),
            StmtKind::If { cond, then, els } => {
                let t = self.new_block(&then.span);
                let join = self.new_block(&s.span);
                let f = if els.is_some() {
                    self.new_block(&s.span)
                } else {
                    join
                };
                self.cond(cond, t, f);
                self.cur = t;
                self.stmt(then);
                self.goto(join, &s.span);
                if let Some(els) = els {
                    self.cur = f;
                    self.stmt(els);
                    self.goto(join, &s.span);
                }
                self.cur = join;
            }
            StmtKind::While { cond, body } => {
                let head = self.new_block(&s.span);
                let body_b = self.new_block(&body.span);
                let exit = self.new_block(&s.span);
                self.enter(head, &s.span);
                self.cond(cond, body_b, exit);
                self.cur = body_b;
                self.loop_body(body, exit, head);
                self.goto(head, &s.span);
                self.cur = exit;
            }
            StmtKind::DoWhile { body, cond } => {
                let body_b = self.new_block(&body.span);
                let cond_b = self.new_block(&cond.span);
                let exit = self.new_block(&s.span);
                self.enter(body_b, &s.span);
                self.loop_body(body, exit, cond_b);
                self.enter(cond_b, &cond.span);
                self.cond(cond, body_b, exit);
                self.cur = exit;
            }
            StmtKind::For {
                init,
                cond,
                inc,
                body,
            } => {
                if let Some(init) = init {
                    self.stmt(init);
                }
                let head = self.new_block(&s.span);
                let body_b = self.new_block(&body.span);
                let inc_b = self.new_block(&s.span);
                let exit = self.new_block(&s.span);
                self.enter(head, &s.span);
                match cond {
                    Some(c) => self.cond(c, body_b, exit),
                    None => self.goto(body_b, &s.span),
                }
                self.cur = body_b;
                self.loop_body(body, exit, inc_b);
                self.enter(inc_b, &s.span);
                if let Some(inc) = inc {
                    self.effect(inc);
                }
                self.goto(head, &s.span);
                self.cur = exit;
            }
            StmtKind::Switch { cond, body } => {
                let mut discr = self.value(cond);
                if has_effects(&discr) {
                    let t = self.temp(discr.ty.clone(), &discr.span);
                    self.assign(t.clone(), discr);
                    discr = t;
                }
                let dispatch = self.cur;
                let exit = self.new_block(&s.span);
                // Statements before the first label are unreachable.
                self.cur = self.new_block(&body.span);
                self.switches.push(SwitchCx {
                    cases: Vec::new(),
                    has_default: false,
                });
                self.breaks.push(exit);
                self.stmt(body);
                self.breaks.pop();
                let cx = self.switches.pop().expect("pushed above");
                self.goto(exit, &s.span);
                let bb = &mut self.graph[dispatch];
                bb.term = Terminator::Switch { discr };
                bb.term_span = s.span.clone();
                for (kind, to) in cx.cases {
                    self.graph.add_edge(dispatch, to, kind);
                }
                if !cx.has_default {
                    self.graph.add_edge(dispatch, exit, EdgeKind::Default);
                }
                self.cur = exit;
            }
            StmtKind::Case { value, hi, body } => {
                let b = self.new_block(&s.span);
                self.enter(b, &s.span);
                let kind = match value {
                    Some(lo) => EdgeKind::Case {
                        lo: *lo,
                        hi: hi.unwrap_or(*lo),
                    },
                    None => EdgeKind::CaseUnknown,
                };
                if let Some(cx) = self.switches.last_mut() {
                    cx.cases.push((kind, b));
                }
                self.stmt(body);
            }
            StmtKind::Default(body) => {
                let b = self.new_block(&s.span);
                self.enter(b, &s.span);
                if let Some(cx) = self.switches.last_mut() {
                    cx.cases.push((EdgeKind::Default, b));
                    cx.has_default = true;
                }
                self.stmt(body);
            }
            StmtKind::Break => {
                if let Some(&b) = self.breaks.last() {
                    self.goto(b, &s.span);
                }
            }
            StmtKind::Continue => {
                if let Some(&b) = self.continues.last() {
                    self.goto(b, &s.span);
                }
            }
            StmtKind::Return(value) => {
                let value = value.as_ref().map(|v| {
                    let v = self.value(v);
                    if is_simple(&v) {
                        v
                    } else {
                        let t = self.temp(v.ty.clone(), &v.span);
                        self.assign(t.clone(), v);
                        t
                    }
                });
                self.finish(
                    Terminator::Return {
                        value,
                        span: s.span.clone(),
                    },
                    s.span.clone(),
                    &[],
                );
            }
            StmtKind::Goto(label) => {
                let b = self.label_block(label, &s.span);
                self.goto(b, &s.span);
            }
            StmtKind::IndirectGoto(e) => {
                self.effect(e);
                self.indirect_gotos.push(self.cur);
                self.finish(Terminator::Goto, s.span.clone(), &[]);
            }
            StmtKind::Label { name, body } => {
                let b = self.label_block(name, &s.span);
                self.enter(b, &s.span);
                self.stmt(body);
            }
            StmtKind::Nop => {}
        }
    }

    fn loop_body(&mut self, body: &Stmt, brk: BlockId, cont: BlockId) {
        self.breaks.push(brk);
        self.continues.push(cont);
        // A `break` inside a switch inside the loop leaves the switch, which pushes its own
        // break target; `continue` always goes to the innermost loop.
        self.stmt(body);
        self.breaks.pop();
        self.continues.pop();
    }

    /// Evaluates `e` for its side effects only.
    fn effect(&mut self, e: &Expr) {
        let v = self.value(e);
        if has_effects(&v) || !is_simple(&v) {
            self.emit(v);
        }
    }

    /// Lowers `e` so that the result contains no control flow (`&&`, `||`, `?:`, comma,
    /// statement expressions); those parts are emitted as blocks and their values are
    /// carried by temporaries.
    fn value(&mut self, e: &Expr) -> Expr {
        let span = &e.span;
        match &e.kind {
            ExprKind::StmtExpr(stmts) => {
                let Some((last, init)) = stmts.split_last() else {
                    return Expr::new(ExprKind::Opaque(vec![]), e.ty.clone(), span.clone());
                };
                init.iter().for_each(|s| self.stmt(s));
                match &last.kind {
                    StmtKind::Expr(x) => self.value(x),
                    _ => {
                        self.stmt(last);
                        Expr::new(ExprKind::Opaque(vec![]), e.ty.clone(), span.clone())
                    }
                }
            }
            ExprKind::Cond { cond, then, els } => {
                let void = e.ty.spelling == "void";
                let tmp = self.temp(e.ty.clone(), span);
                let t = self.new_block(span);
                let f = self.new_block(span);
                let join = self.new_block(span);
                match then {
                    Some(then) => {
                        self.cond(cond, t, f);
                        self.cur = t;
                        let tv = self.value(then);
                        self.arm_result(void, &tmp, tv);
                    }
                    None => {
                        let c = self.value(cond);
                        self.assign(tmp.clone(), c);
                        self.finish(
                            Terminator::Branch { cond: tmp.clone() },
                            span.clone(),
                            &[(t, EdgeKind::True), (f, EdgeKind::False)],
                        );
                        self.cur = t;
                    }
                }
                self.goto(join, span);
                self.cur = f;
                let ev = self.value(els);
                self.arm_result(void, &tmp, ev);
                self.goto(join, span);
                self.cur = join;
                tmp
            }
            ExprKind::Binary {
                op: BinOp::LAnd | BinOp::LOr,
                ..
            } => {
                let tmp = self.temp(int_ty(), span);
                let t = self.new_block(span);
                let f = self.new_block(span);
                let join = self.new_block(span);
                self.cond(e, t, f);
                for (b, v) in [(t, 1), (f, 0)] {
                    self.cur = b;
                    self.assign(
                        tmp.clone(),
                        Expr::new(ExprKind::IntLit(v), int_ty(), span.clone()),
                    );
                    self.goto(join, span);
                }
                self.cur = join;
                tmp
            }
            ExprKind::Binary {
                op: BinOp::Comma,
                lhs,
                rhs,
            } => {
                self.effect(lhs);
                self.value(rhs)
            }
            ExprKind::Call {
                callee: Callee::Direct(name),
                args,
            } if name == "__builtin_unreachable" || name == "__builtin_trap" => {
                let args = args.iter().map(|a| self.value(a)).collect();
                let call = Expr::new(
                    ExprKind::Call {
                        callee: Callee::Direct(name.clone()),
                        args,
                    },
                    e.ty.clone(),
                    span.clone(),
                );
                self.emit(call.clone());
                self.finish(Terminator::Unreachable, span.clone(), &[]);
                Expr::new(ExprKind::Opaque(vec![]), e.ty.clone(), span.clone())
            }
            _ => self.map_children(e),
        }
    }

    fn arm_result(&mut self, void: bool, tmp: &Expr, v: Expr) {
        if void {
            if has_effects(&v) {
                self.emit(v);
            }
        } else {
            self.assign(tmp.clone(), v);
        }
    }

    fn map_children(&mut self, e: &Expr) -> Expr {
        let mut v = |x: &Expr| Box::new(self.value(x));
        let kind = match &e.kind {
            ExprKind::Member { base, field, arrow } => ExprKind::Member {
                base: v(base),
                field: field.clone(),
                arrow: *arrow,
            },
            ExprKind::Deref(x) => ExprKind::Deref(v(x)),
            ExprKind::AddrOf(x) => ExprKind::AddrOf(v(x)),
            ExprKind::Cast(x) => ExprKind::Cast(v(x)),
            ExprKind::Index { base, index } => ExprKind::Index {
                base: v(base),
                index: v(index),
            },
            ExprKind::Unary { op, operand } => ExprKind::Unary {
                op: *op,
                operand: v(operand),
            },
            ExprKind::Binary { op, lhs, rhs } => ExprKind::Binary {
                op: *op,
                lhs: v(lhs),
                rhs: v(rhs),
            },
            ExprKind::Assign { op, lhs, rhs } => {
                let rhs = v(rhs);
                ExprKind::Assign {
                    op: *op,
                    lhs: v(lhs),
                    rhs,
                }
            }
            ExprKind::Call { callee, args } => {
                let callee = match callee {
                    Callee::Direct(n) => Callee::Direct(n.clone()),
                    Callee::Indirect(c) => Callee::Indirect(v(c)),
                };
                ExprKind::Call {
                    callee,
                    args: args.iter().map(|a| *v(a)).collect(),
                }
            }
            ExprKind::InitList(es) => ExprKind::InitList(es.iter().map(|a| *v(a)).collect()),
            ExprKind::Opaque(es) => ExprKind::Opaque(es.iter().map(|a| *v(a)).collect()),
            other => other.clone(),
        };
        Expr::new(kind, e.ty.clone(), e.span.clone())
    }

    /// Lowers a condition: control continues in `t` when it is true, in `f` otherwise.
    fn cond(&mut self, e: &Expr, t: BlockId, f: BlockId) {
        let span = e.span.clone();
        let inner = e.strip_casts();
        match &inner.kind {
            ExprKind::Unary {
                op: UnOp::Not,
                operand,
            } => return self.cond(operand, f, t),
            ExprKind::Binary {
                op: BinOp::LAnd,
                lhs,
                rhs,
            } => {
                let mid = self.new_block(&span);
                self.cond(lhs, mid, f);
                self.cur = mid;
                return self.cond(rhs, t, f);
            }
            ExprKind::Binary {
                op: BinOp::LOr,
                lhs,
                rhs,
            } => {
                let mid = self.new_block(&span);
                self.cond(lhs, t, mid);
                self.cur = mid;
                return self.cond(rhs, t, f);
            }
            ExprKind::Binary {
                op: BinOp::Comma,
                lhs,
                rhs,
            } => {
                self.effect(lhs);
                return self.cond(rhs, t, f);
            }
            // `likely(x)` / `unlikely(x)` expand to `__builtin_expect(!!(x), c)`.
            ExprKind::Call {
                callee: Callee::Direct(name),
                args,
            } if name == "__builtin_expect" && !args.is_empty() => {
                for extra in &args[1..] {
                    self.effect(extra);
                }
                return self.cond(&args[0], t, f);
            }
            // `if (WARN_ON(x))`: the statement expression's value is the condition, so the
            // branch refines what that value is made of (`unlikely(__ret_warn_on)`).
            ExprKind::StmtExpr(stmts) => {
                if let Some((last, init)) = stmts.split_last() {
                    if let StmtKind::Expr(x) = &last.kind {
                        init.iter().for_each(|s| self.stmt(s));
                        return self.cond(x, t, f);
                    }
                }
            }
            _ => {}
        }
        if let Some(c) = inner.const_value() {
            let to = if c != 0 { t } else { f };
            return self.goto(to, &span);
        }
        let v = self.value(e);
        let cond = self.hoist_cond(v);
        self.finish(
            Terminator::Branch { cond },
            span,
            &[(t, EdgeKind::True), (f, EdgeKind::False)],
        );
    }

    /// Moves calls and assignments out of a branch condition so the terminator only reads
    /// locals: `if (mmap_read_lock_killable(mm))` becomes `t = mmap_read_lock_killable(mm);
    /// if (t)`, and `if ((ret = f()) < 0)` becomes `ret = f(); if (ret < 0)`. A leading `!`
    /// never gets here: `cond` turns it into swapped edges.
    fn hoist_cond(&mut self, v: Expr) -> Expr {
        if !has_effects(&v) {
            return v;
        }
        let stripped = v.strip_casts();
        match &stripped.kind {
            ExprKind::Binary { op, lhs, rhs } if op.is_comparison() => {
                let (op, ty, span) = (*op, v.ty.clone(), v.span.clone());
                let lhs = self.hoist_operand((**lhs).clone());
                let rhs = self.hoist_operand((**rhs).clone());
                Expr::new(
                    ExprKind::Binary {
                        op,
                        lhs: Box::new(lhs),
                        rhs: Box::new(rhs),
                    },
                    ty,
                    span,
                )
            }
            _ => self.hoist_operand(v),
        }
    }

    fn hoist_operand(&mut self, v: Expr) -> Expr {
        if !has_effects(&v) {
            return v;
        }
        if let ExprKind::Assign { op: None, lhs, .. } = &v.strip_casts().kind {
            if let ExprKind::Local(_) = lhs.strip_casts().kind {
                let lhs = (**lhs).clone();
                self.emit(v);
                return lhs;
            }
        }
        let t = self.temp(v.ty.clone(), &v.span);
        self.assign(t.clone(), v);
        t
    }
}
