//! Expressions: one IR expression per clang expression cursor, wrappers (parentheses,
//! implicit casts, `__extension__`) dropped.

use clang_sys::*;
use mmlint_ir::{BinOp, Callee, Expr, ExprKind, UnOp};

use super::{FnLower, Lowered, MAX_DEPTH};
use crate::cx;

pub(super) fn is_expr(c: CXCursor) -> bool {
    cx::is_expr_kind(cx::kind(c))
}

pub(super) fn expr_children(c: CXCursor) -> Vec<CXCursor> {
    let mut v = cx::children(c);
    v.retain(|&ch| is_expr(ch));
    v
}

/// Skips implicit-cast wrappers and parentheses, which libclang exposes as single-child
/// `UnexposedExpr` / `ParenExpr`.
pub(super) fn strip_wrappers(mut c: CXCursor) -> CXCursor {
    for _ in 0..64 {
        match cx::kind(c) {
            CXCursor_UnexposedExpr | CXCursor_ParenExpr => {
                let ch = expr_children(c);
                if ch.len() != 1 {
                    return c;
                }
                c = ch[0];
            }
            _ => return c,
        }
    }
    c
}

impl FnLower<'_> {
    pub(super) fn expr(&mut self, c: CXCursor) -> Expr {
        if self.depth >= MAX_DEPTH {
            return self.opaque(c, Vec::new());
        }
        self.depth += 1;
        let e = self.expr_inner(c);
        self.depth -= 1;
        e
    }

    pub(super) fn expr_inner(&mut self, c: CXCursor) -> Expr {
        let k = cx::kind(c);
        let kind = match k {
            CXCursor_ParenExpr => {
                let ch = expr_children(c);
                return match ch.as_slice() {
                    [inner] => self.expr(*inner),
                    _ => {
                        let parts = self.exprs(&ch);
                        self.opaque(c, parts)
                    }
                };
            }
            CXCursor_DeclRefExpr => self.decl_ref(c),
            CXCursor_IntegerLiteral => match cx::eval_int(c) {
                Some(value) => match self.macro_name(c) {
                    Some(name) => ExprKind::NamedConst { name, value },
                    None => ExprKind::IntLit(value),
                },
                None => ExprKind::OtherLit,
            },
            CXCursor_GNUNullExpr => ExprKind::IntLit(0),
            CXCursor_FloatingLiteral
            | CXCursor_StringLiteral
            | CXCursor_CharacterLiteral
            | CXCursor_ImaginaryLiteral
            | CXCursor_FixedPointLiteral => ExprKind::OtherLit,
            CXCursor_UnaryOperator => match self.unary(c) {
                Lowered::Kind(kind) => kind,
                Lowered::Done(inner) => return inner,
            },
            CXCursor_BinaryOperator | CXCursor_CompoundAssignOperator => self.binary(c),
            CXCursor_ConditionalOperator => {
                let ch = expr_children(c);
                match ch.as_slice() {
                    [a, b, e] => ExprKind::Cond {
                        cond: Box::new(self.expr(*a)),
                        then: Some(Box::new(self.expr(*b))),
                        els: Box::new(self.expr(*e)),
                    },
                    _ => ExprKind::Opaque(self.exprs(&ch)),
                }
            }
            CXCursor_CallExpr => self.call(c),
            CXCursor_MemberRefExpr => self.member(c),
            CXCursor_ArraySubscriptExpr => {
                let ch = expr_children(c);
                match ch.as_slice() {
                    [b, i] => ExprKind::Index {
                        base: Box::new(self.expr(*b)),
                        index: Box::new(self.expr(*i)),
                    },
                    _ => ExprKind::Opaque(self.exprs(&ch)),
                }
            }
            CXCursor_CStyleCastExpr => {
                // A cast to a record or typedef type has a TypeRef child before the operand.
                let ch = expr_children(c);
                match ch.last() {
                    Some(&inner) => ExprKind::Cast(Box::new(self.expr(inner))),
                    None => ExprKind::Opaque(Vec::new()),
                }
            }
            CXCursor_UnexposedExpr => match self.unexposed(c) {
                Lowered::Kind(kind) => kind,
                Lowered::Done(e) => return e,
            },
            CXCursor_StmtExpr => {
                let mut stmts = Vec::new();
                for ch in cx::children(c) {
                    if cx::kind(ch) == CXCursor_CompoundStmt {
                        for s in cx::children(ch) {
                            self.stmt_into(s, &mut stmts);
                        }
                    }
                }
                ExprKind::StmtExpr(stmts)
            }
            CXCursor_InitListExpr => ExprKind::InitList(self.init_list(c)),
            CXCursor_CompoundLiteralExpr => {
                let ch = expr_children(c);
                match ch.as_slice() {
                    [il] if cx::kind(*il) == CXCursor_InitListExpr => {
                        ExprKind::InitList(self.init_list(*il))
                    }
                    _ => ExprKind::InitList(self.exprs(&ch)),
                }
            }
            CXCursor_UnaryExpr => ExprKind::Unevaluated,
            CXCursor_GenericSelectionExpr => return self.generic_selection(c),
            // `&&label`: the IR has no label values; indirect gotos are handled
            // conservatively by the CFG builder.
            CXCursor_AddrLabelExpr => ExprKind::Opaque(Vec::new()),
            _ => ExprKind::Opaque(self.exprs(&expr_children(c))),
        };
        let ty = self.ctx.ty(cx::cursor_type(c));
        let span = self.ctx.span(c);
        Expr::new(kind, ty, span)
    }

    pub(super) fn decl_ref(&mut self, c: CXCursor) -> ExprKind {
        let r = cx::referenced(c);
        match cx::kind(r) {
            CXCursor_VarDecl | CXCursor_ParmDecl => match self.lookup_var(r) {
                Some(id) => ExprKind::Local(id),
                None => ExprKind::Global(cx::spelling(c)),
            },
            CXCursor_EnumConstantDecl => ExprKind::NamedConst {
                name: cx::spelling(c),
                value: cx::enum_value(r),
            },
            _ => ExprKind::Global(cx::spelling(c)),
        }
    }

    /// `__extension__ e` is just `e`.
    pub(super) fn unary(&mut self, c: CXCursor) -> Lowered {
        let ch = expr_children(c);
        let [operand] = ch.as_slice() else {
            return Lowered::Kind(ExprKind::Opaque(self.exprs(&ch)));
        };
        let op = match cx::unary_op(c) {
            CXUnaryOperator_Extension => return Lowered::Done(self.expr(*operand)),
            CXUnaryOperator_AddrOf => {
                return Lowered::Kind(ExprKind::AddrOf(Box::new(self.expr(*operand))))
            }
            CXUnaryOperator_Deref => {
                return Lowered::Kind(ExprKind::Deref(Box::new(self.expr(*operand))))
            }
            CXUnaryOperator_LNot => UnOp::Not,
            CXUnaryOperator_Not => UnOp::BitNot,
            CXUnaryOperator_Minus => UnOp::Neg,
            CXUnaryOperator_Plus => UnOp::Plus,
            CXUnaryOperator_PreInc => UnOp::PreInc,
            CXUnaryOperator_PreDec => UnOp::PreDec,
            CXUnaryOperator_PostInc => UnOp::PostInc,
            CXUnaryOperator_PostDec => UnOp::PostDec,
            // __real / __imag and anything newer.
            _ => return Lowered::Kind(ExprKind::Opaque(vec![self.expr(*operand)])),
        };
        Lowered::Kind(ExprKind::Unary {
            op,
            operand: Box::new(self.expr(*operand)),
        })
    }

    pub(super) fn binary(&mut self, c: CXCursor) -> ExprKind {
        let ch = expr_children(c);
        let [l, r] = ch.as_slice() else {
            return ExprKind::Opaque(self.exprs(&ch));
        };
        enum Form {
            Bin(BinOp),
            Assign(Option<BinOp>),
        }
        use Form::*;
        let form = match cx::binary_op(c) {
            CXBinaryOperator_Mul => Bin(BinOp::Mul),
            CXBinaryOperator_Div => Bin(BinOp::Div),
            CXBinaryOperator_Rem => Bin(BinOp::Rem),
            CXBinaryOperator_Add => Bin(BinOp::Add),
            CXBinaryOperator_Sub => Bin(BinOp::Sub),
            CXBinaryOperator_Shl => Bin(BinOp::Shl),
            CXBinaryOperator_Shr => Bin(BinOp::Shr),
            CXBinaryOperator_LT => Bin(BinOp::Lt),
            CXBinaryOperator_GT => Bin(BinOp::Gt),
            CXBinaryOperator_LE => Bin(BinOp::Le),
            CXBinaryOperator_GE => Bin(BinOp::Ge),
            CXBinaryOperator_EQ => Bin(BinOp::Eq),
            CXBinaryOperator_NE => Bin(BinOp::Ne),
            CXBinaryOperator_And => Bin(BinOp::BitAnd),
            CXBinaryOperator_Xor => Bin(BinOp::BitXor),
            CXBinaryOperator_Or => Bin(BinOp::BitOr),
            CXBinaryOperator_LAnd => Bin(BinOp::LAnd),
            CXBinaryOperator_LOr => Bin(BinOp::LOr),
            CXBinaryOperator_Comma => Bin(BinOp::Comma),
            CXBinaryOperator_Assign => Assign(None),
            CXBinaryOperator_MulAssign => Assign(Some(BinOp::Mul)),
            CXBinaryOperator_DivAssign => Assign(Some(BinOp::Div)),
            CXBinaryOperator_RemAssign => Assign(Some(BinOp::Rem)),
            CXBinaryOperator_AddAssign => Assign(Some(BinOp::Add)),
            CXBinaryOperator_SubAssign => Assign(Some(BinOp::Sub)),
            CXBinaryOperator_ShlAssign => Assign(Some(BinOp::Shl)),
            CXBinaryOperator_ShrAssign => Assign(Some(BinOp::Shr)),
            CXBinaryOperator_AndAssign => Assign(Some(BinOp::BitAnd)),
            CXBinaryOperator_XorAssign => Assign(Some(BinOp::BitXor)),
            CXBinaryOperator_OrAssign => Assign(Some(BinOp::BitOr)),
            // C++-only operators (<=>, .*, ->*).
            _ => return ExprKind::Opaque(self.exprs(&ch)),
        };
        let mut lhs = Box::new(self.expr(*l));
        let mut rhs = Box::new(self.expr(*r));
        match form {
            Bin(op) => {
                // An operand of a comparison that is a constant the IR cannot fold (the
                // `_IOWR()` ioctl numbers: `sizeof` inside `?:`, a character literal) is
                // folded by clang, so `cmd != GUP_FAST_BENCHMARK` correlates with the
                // `case GUP_FAST_BENCHMARK:` label clang folds too.
                if op.is_comparison() {
                    for (side, cur) in [(&mut lhs, *l), (&mut rhs, *r)] {
                        if side.const_value().is_none() && constant_shaped(side) {
                            if let Some(v) = cx::eval_int(cur) {
                                side.kind = ExprKind::IntLit(v);
                            }
                        }
                    }
                }
                ExprKind::Binary { op, lhs, rhs }
            }
            Assign(op) => ExprKind::Assign { op, lhs, rhs },
        }
    }

    pub(super) fn call(&mut self, c: CXCursor) -> ExprKind {
        let ch = cx::children(c);
        let Some(&callee_c) = ch.first() else {
            return ExprKind::Opaque(Vec::new());
        };
        let target = strip_wrappers(callee_c);
        let callee = if cx::kind(target) == CXCursor_DeclRefExpr
            && cx::kind(cx::referenced(target)) == CXCursor_FunctionDecl
        {
            let name = cx::spelling(target);
            if self.ctx.callees_seen.insert(name.clone()) {
                let decl = cx::referenced(target);
                // clang prints the noreturn bit of a function type as an attribute.
                if cx::type_spelling(cx::cursor_type(decl)).contains("noreturn") {
                    self.ctx.noreturn.insert(name.clone());
                }
                // Kernels reuse names with other shapes: the rules data is matched against
                // the declaration. Without a prototype (`int f()`) there is nothing to match.
                let n = cx::num_args(decl);
                if n >= 0 && cx::has_prototype(decl) {
                    let params = (0..n as u32)
                        .map(|i| self.ctx.ty(cx::cursor_type(cx::arg(decl, i))))
                        .collect();
                    self.ctx.decls.insert(name.clone(), params);
                }
            }
            Callee::Direct(name)
        } else {
            Callee::Indirect(Box::new(self.expr(callee_c)))
        };
        let n = cx::num_args(c);
        let args = if n >= 0 {
            (0..n as u32)
                .map(|i| cx::arg(c, i))
                .filter(|&a| !cx::is_null(a))
                .map(|a| self.expr(a))
                .collect()
        } else {
            let rest: Vec<CXCursor> = ch[1..].iter().copied().filter(|&a| is_expr(a)).collect();
            self.exprs(&rest)
        };
        ExprKind::Call { callee, args }
    }

    /// True for the implicit member expression clang inserts to reach a field of an
    /// anonymous struct/union (`v->anon_union.field` written as `v->field`).
    pub(super) fn is_anonymous_member(c: CXCursor) -> bool {
        cx::kind(c) == CXCursor_MemberRefExpr
            && cx::is_anonymous_record(cx::type_decl(cx::canonical(cx::cursor_type(c))))
    }

    pub(super) fn member(&mut self, c: CXCursor) -> ExprKind {
        let ch = expr_children(c);
        let Some(&base_c) = ch.first() else {
            return ExprKind::Opaque(Vec::new());
        };
        let arrow = cx::canonical(cx::cursor_type(base_c)).kind == CXType_Pointer;
        let anonymous = Self::is_anonymous_member(c);
        let field = if anonymous {
            String::new()
        } else {
            cx::spelling(c)
        };
        let base = self.expr(base_c);
        // Collapse `base->(anonymous).field` into `base->field`: the analyses track fields by
        // name and never see the unnamed intermediate.
        if !anonymous {
            if let ExprKind::Member {
                field: inner_field, ..
            } = &base.kind
            {
                if inner_field.is_empty() {
                    if let ExprKind::Member {
                        base: inner_base,
                        arrow: inner_arrow,
                        ..
                    } = base.kind
                    {
                        return ExprKind::Member {
                            base: inner_base,
                            field,
                            arrow: inner_arrow,
                        };
                    }
                }
            }
        }
        ExprKind::Member {
            base: Box::new(base),
            field,
            arrow,
        }
    }

    /// `UnexposedExpr` covers implicit casts and the expression classes libclang does not
    /// name; they are told apart by shape.
    pub(super) fn unexposed(&mut self, c: CXCursor) -> Lowered {
        let ch = expr_children(c);
        match ch.len() {
            // offsetof, __builtin_types_compatible_p and other type traits.
            0 => Lowered::Kind(ExprKind::Unevaluated),
            1 => {
                let t = cx::cursor_type(c);
                let inner_t = cx::cursor_type(ch[0]);
                let inner = self.expr(ch[0]);
                if cx::equal_types(t, inner_t) || t.kind == CXType_Void {
                    // Value-preserving wrappers (lvalue-to-rvalue, ConstantExpr, designated
                    // initialisers, __func__) vanish.
                    Lowered::Done(inner)
                } else if inner.ty.spelling.contains("__va_list_tag") {
                    // `__builtin_va_arg(ap, T)`: a fresh value read through `ap`, not `ap`
                    // converted.
                    Lowered::Kind(ExprKind::Opaque(vec![inner]))
                } else {
                    Lowered::Kind(ExprKind::Cast(Box::new(inner)))
                }
            }
            3 => {
                if let Some(chosen) = self.choose_expr(c, &ch) {
                    return Lowered::Done(self.expr(chosen));
                }
                Lowered::Kind(ExprKind::Opaque(self.exprs(&ch)))
            }
            4 if self.is_binary_conditional(&ch) => Lowered::Kind(ExprKind::Cond {
                cond: Box::new(self.expr(ch[0])),
                then: None,
                els: Box::new(self.expr(ch[3])),
            }),
            _ => Lowered::Kind(ExprKind::Opaque(self.exprs(&ch))),
        }
    }

    pub(super) fn init_list(&mut self, c: CXCursor) -> Vec<Expr> {
        expr_children(c).into_iter().map(|e| self.expr(e)).collect()
    }
}

/// Built from literals, named constants, sizeof, operators and globals only: no local, no
/// call, no memory access (so clang's evaluator is only asked about likely constants; it
/// decides whether a global in an unevaluated `?:` arm matters).
fn constant_shaped(e: &Expr) -> bool {
    let own = matches!(
        e.kind,
        ExprKind::IntLit(_)
            | ExprKind::Global(_)
            | ExprKind::NamedConst { .. }
            | ExprKind::OtherLit
            | ExprKind::Unevaluated
            | ExprKind::Cast(_)
            | ExprKind::Unary { .. }
            | ExprKind::Binary { .. }
            | ExprKind::Cond { .. }
    );
    if !own {
        return false;
    }
    let mut ok = true;
    e.for_each_child(|c| ok = ok && constant_shaped(c));
    ok
}
