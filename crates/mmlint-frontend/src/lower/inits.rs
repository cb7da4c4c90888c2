//! Designated initializers that store a function in a struct field: how the kernel will
//! call that function (`.unlocked_ioctl = foo_ioctl` in a `struct file_operations`).

use clang_sys::*;
use mmlint_ir::{FieldInit, FnArg};

use super::Ctx;
use crate::cx;

/// Nested initializers deeper than this are not looked into.
const MAX_NESTING: u32 = 8;

/// The `.field = function` pairs of the main file's variable initializers.
pub(super) fn field_inits(ctx: &mut Ctx, root: CXCursor) -> Vec<FieldInit> {
    let mut out = Vec::new();
    for c in cx::children(root) {
        if cx::kind(c) != CXCursor_VarDecl
            || !cx::is_expanded_in_main_file(ctx.main_file, cx::location(c))
        {
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
                        assigned: false,
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

/// In the main file's function bodies: stores of a function into a struct field
/// (`(_work)->func = (_func)`, what `INIT_WORK()` expands to) and calls that pass a
/// function by name (`kthread_create_on_node(threadfn, ...)`, inside `kthread_run()`).
/// Macros are seen expanded, so the hook is what they expand to, not their names.
pub(super) fn body_stores_and_calls(ctx: &mut Ctx, root: CXCursor) -> (Vec<FieldInit>, Vec<FnArg>) {
    let (mut stores, mut calls) = (Vec::new(), Vec::new());
    for f in cx::children(root) {
        if cx::kind(f) != CXCursor_FunctionDecl
            || !cx::is_definition(f)
            || !cx::is_from_main_file(cx::location(f))
        {
            continue;
        }
        let in_fn = cx::spelling(f);
        for c in cx::descendants(f) {
            match cx::kind(c) {
                CXCursor_CallExpr => {
                    let callee = cx::spelling(c);
                    if callee.is_empty() {
                        continue;
                    }
                    for i in 0..cx::num_args(c).max(0) as u32 {
                        if let Some(function) = function_named(cx::arg(c, i)) {
                            calls.push(FnArg {
                                callee: callee.clone(),
                                macro_use: false,
                                index: i as usize,
                                function,
                                span: ctx.point(c),
                            });
                        }
                    }
                }
                CXCursor_BinaryOperator if cx::binary_op(c) == CXBinaryOperator_Assign => {
                    let parts = cx::children(c);
                    let [lhs, rhs] = parts[..] else { continue };
                    let lhs = strip(lhs);
                    if cx::kind(lhs) != CXCursor_MemberRefExpr {
                        continue;
                    }
                    let Some(function) = function_named(rhs) else {
                        continue;
                    };
                    let field = cx::referenced(lhs);
                    let record = cx::spelling(cx::semantic_parent(field));
                    if record.is_empty() {
                        continue;
                    }
                    stores.push(FieldInit {
                        record,
                        field: cx::spelling(field),
                        function,
                        var: in_fn.clone(),
                        span: ctx.point(c),
                        assigned: true,
                    });
                }
                _ => {}
            }
        }
    }
    (stores, calls)
}

/// How far past a file-scope macro's name its arguments are looked for.
const MACRO_WINDOW: u32 = 400;

/// Functions passed by name to macros used at file scope (`module_init(foo_init)`). What
/// such a macro expands to differs between configurations (an `initcall_t` variable, an
/// `__ADDRESSABLE()` one, `init_module`'s alias with `MODULE`), but each leaves a
/// declaration whose expansion location is the macro's name: its arguments are read from
/// the tokens there.
pub(super) fn macro_fn_args(ctx: &mut Ctx, root: CXCursor) -> Vec<FnArg> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    let top: Vec<CXCursor> = cx::children(root)
        .into_iter()
        .filter(|&d| cx::is_expanded_in_main_file(ctx.main_file, cx::location(d)))
        .collect();
    let functions: std::collections::HashSet<String> = top
        .iter()
        .filter(|&&d| cx::kind(d) == CXCursor_FunctionDecl)
        .map(|&d| cx::spelling(d))
        .collect();
    for &d in &top {
        let loc = cx::location(d);
        let (file, _, _, offset) = cx::expansion(loc);
        let (sfile, soffset) = cx::spelling_loc(loc);
        if (sfile == file && soffset == offset) || !seen.insert(offset) {
            continue;
        }
        let toks = cx::tokenize_window(ctx.tu, file, offset, MACRO_WINDOW);
        let Some((name, args)) = macro_call(&toks) else {
            continue;
        };
        for (index, arg) in args.iter().enumerate() {
            if let [one] = &arg[..] {
                if functions.contains(one) {
                    out.push(FnArg {
                        callee: name.clone(),
                        macro_use: true,
                        index,
                        function: one.clone(),
                        span: ctx.point(d),
                    });
                }
            }
        }
    }
    out
}

/// `NAME ( a , b c , ... )`: the name and each argument's tokens.
fn macro_call(toks: &[cx::Token]) -> Option<(String, Vec<Vec<String>>)> {
    let name = toks.first().filter(|t| t.kind == CXToken_Identifier)?;
    if !toks.get(1)?.is("(") {
        return None;
    }
    let mut args = vec![Vec::new()];
    let mut depth = 0u32;
    for t in &toks[2..] {
        match t.text.as_str() {
            "(" | "[" | "{" => depth += 1,
            ")" if depth == 0 => return Some((name.text.clone(), args)),
            ")" | "]" | "}" => depth = depth.saturating_sub(1),
            "," if depth == 0 => {
                args.push(Vec::new());
                continue;
            }
            _ => {}
        }
        args.last_mut()?.push(t.text.clone());
    }
    None
}
