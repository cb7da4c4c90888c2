//! What the preprocessor and GNU builtins hide from the cursor tree: the macro a literal
//! was written as, `__builtin_choose_expr`, `a ?: b`, and `_Generic`.

use clang_sys::*;
use mmlint_ir::{Expr, ExprKind};

use super::expr::{expr_children, strip_wrappers};
use super::FnLower;
use crate::cx;

impl FnLower<'_> {
    /// The macro the user wrote for an integer literal that comes from a macro expansion
    /// (`FOLL_UNLOCKABLE` for the `0x200000` it expands to): the identifier at the
    /// expansion site.
    pub(super) fn macro_name(&mut self, c: CXCursor) -> Option<String> {
        let loc = cx::location(c);
        let (ef, _, _, eoff) = cx::expansion(loc);
        let (sf, soff) = cx::spelling_loc(loc);
        if ef.is_null() || (ef == sf && eoff == soff) {
            return None;
        }
        // Read the identifier straight from the file buffer: tokenizing here, for every
        // macro-made literal of a kernel TU, costs more than the whole parse.
        let text = self.ctx.contents(ef);
        let rest = text.get(eoff as usize..)?;
        let len = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        let ident = &rest[..len];
        if ident.is_empty() || ident[0].is_ascii_digit() {
            return None;
        }
        Some(String::from_utf8_lossy(ident).into_owned())
    }

    /// `__builtin_choose_expr(k, a, b)`: only the chosen operand exists at run time. libclang
    /// does not name the class, so it is recognised by a constant first operand, the chosen
    /// operand having the expression's type, and the builtin's name at the spelling location
    /// (in the source or in the macro body that wrote it).
    pub(super) fn choose_expr(&mut self, c: CXCursor, ch: &[CXCursor]) -> Option<CXCursor> {
        let k = cx::eval_int(ch[0])?;
        let chosen = if k != 0 { ch[1] } else { ch[2] };
        if !cx::equal_types(cx::cursor_type(c), cx::cursor_type(chosen)) {
            return None;
        }
        let (file, off) = cx::spelling_loc(cx::range_start(cx::extent(c)));
        if file.is_null() {
            return None;
        }
        let toks = cx::tokenize_window(self.ctx.tu, file, off, 24);
        toks.first()
            .is_some_and(|t| t.is("__builtin_choose_expr"))
            .then_some(chosen)
    }

    /// GNU `a ?: b` is exposed as common-operand, condition, true-value (both re-views of
    /// the common operand, so the same source range) and false-value.
    pub(super) fn is_binary_conditional(&mut self, ch: &[CXCursor]) -> bool {
        let r0 = cx::extent(ch[0]);
        let same = |c: CXCursor| cx::equal_ranges(cx::extent(c), r0);
        same(ch[1]) && same(ch[2])
    }

    /// `_Generic`: libclang lists the controlling expression and every association but not
    /// which one was selected. Pick the only association whose type is the result type, or
    /// else the only one that calls a function taking a pointer to the controlling type (the
    /// kernel's typed-dispatch idiom, e.g. seqlock.h's `__seqprop`); otherwise give up.
    pub(super) fn generic_selection(&mut self, c: CXCursor) -> Expr {
        let ch = expr_children(c);
        let Some((&ctrl_c, assocs)) = ch.split_first() else {
            return self.opaque(c, Vec::new());
        };
        let t = cx::cursor_type(c);
        let by_result: Vec<CXCursor> = assocs
            .iter()
            .copied()
            .filter(|&a| cx::equal_types(cx::cursor_type(a), t))
            .collect();
        if let [one] = by_result.as_slice() {
            return self.expr(*one);
        }
        let ctrl = cx::unqualified(cx::canonical(cx::cursor_type(ctrl_c)));
        let by_param: Vec<CXCursor> = assocs
            .iter()
            .copied()
            .filter(|&a| {
                let call = strip_wrappers(a);
                if cx::kind(call) != CXCursor_CallExpr {
                    return false;
                }
                let Some(callee) = cx::children(call).first().map(|&f| strip_wrappers(f)) else {
                    return false;
                };
                let f = cx::referenced(callee);
                if cx::kind(f) != CXCursor_FunctionDecl {
                    return false;
                }
                let p = cx::canonical(cx::arg_type(cx::cursor_type(f), 0));
                p.kind == CXType_Pointer
                    && cx::equal_types(cx::unqualified(cx::canonical(cx::pointee(p))), ctrl)
            })
            .collect();
        if let [one] = by_param.as_slice() {
            return self.expr(*one);
        }
        let kind = match cx::eval_int(c) {
            Some(v) => ExprKind::IntLit(v),
            None => ExprKind::Opaque(Vec::new()),
        };
        let ty = self.ctx.ty(t);
        let span = self.ctx.span(c);
        Expr::new(kind, ty, span)
    }
}
