//! Designated initializers that store a function in a struct field: how the kernel will
//! call that function (`.unlocked_ioctl = foo_ioctl` in a `struct file_operations`).

use clang_sys::*;
use mmlint_ir::FieldInit;

use super::Ctx;
use crate::cx;

/// Nested initializers deeper than this are not looked into.
const MAX_NESTING: u32 = 8;

/// The `.field = function` pairs of the main file's variable initializers.
pub(super) fn field_inits(ctx: &mut Ctx, root: CXCursor) -> Vec<FieldInit> {
    let mut out = Vec::new();
    for c in cx::children(root) {
        if cx::kind(c) != CXCursor_VarDecl || !cx::is_from_main_file(cx::location(c)) {
            continue;
        }
        if let Some(init) = cx::var_init(c) {
            let var = cx::spelling(c);
            walk(ctx, init, &var, 0, &mut out);
        }
    }
    out
}

fn walk(ctx: &mut Ctx, c: CXCursor, var: &str, depth: u32, out: &mut Vec<FieldInit>) {
    if depth > MAX_NESTING {
        return;
    }
    let c = strip(c);
    if cx::kind(c) != CXCursor_InitListExpr {
        return;
    }
    let record = cx::spelling(cx::type_decl(cx::canonical(cx::cursor_type(c))));
    for item in cx::children(c) {
        // libclang shows a designated initializer as an unexposed expression whose children
        // are the designator (a MemberRef to the field) and the value.
        let parts = cx::children(item);
        let designator = parts
            .first()
            .filter(|&&p| cx::kind(p) == CXCursor_MemberRef && parts.len() == 2);
        match designator {
            Some(&field) => {
                let value = parts[1];
                match function_named(value) {
                    Some(function) => out.push(FieldInit {
                        record: record.clone(),
                        field: cx::spelling(field),
                        function,
                        var: var.to_string(),
                        span: ctx.point(field),
                    }),
                    None => walk(ctx, value, var, depth + 1, out),
                }
            }
            None => walk(ctx, item, var, depth + 1, out),
        }
    }
}

/// Looks through implicit casts, parentheses and `&`.
fn strip(mut c: CXCursor) -> CXCursor {
    loop {
        let k = cx::kind(c);
        let kids = cx::children(c);
        let wrapper = matches!(
            k,
            CXCursor_UnexposedExpr | CXCursor_ParenExpr | CXCursor_CStyleCastExpr
        ) || (k == CXCursor_UnaryOperator
            && cx::unary_op(c) == CXUnaryOperator_AddrOf);
        match kids.last() {
            Some(&inner) if wrapper && cx::kind(inner) != CXCursor_MemberRef => c = inner,
            _ => return c,
        }
    }
}

/// The function a value names (`foo`, `&foo`, `(void *)foo`).
fn function_named(value: CXCursor) -> Option<String> {
    let v = strip(value);
    if cx::kind(v) != CXCursor_DeclRefExpr {
        return None;
    }
    let d = cx::referenced(v);
    (cx::kind(d) == CXCursor_FunctionDecl).then(|| cx::spelling(d))
}
