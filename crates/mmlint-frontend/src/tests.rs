use std::path::{Path, PathBuf};

use mmlint_ir::*;

use crate::{parse_file, parse_source, FrontendError};

fn parse(src: &str) -> TranslationUnit {
    parse_with(src, &[])
}

fn parse_with(src: &str, args: &[&str]) -> TranslationUnit {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    parse_source(Path::new("test.c"), src, &args).expect("parse")
}

fn func<'a>(tu: &'a TranslationUnit, name: &str) -> &'a Function {
    tu.functions
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no function {name}"))
}

/// The statements of the function's top-level block.
fn body(f: &Function) -> &[Stmt] {
    match &f.body.kind {
        StmtKind::Compound(s) => s,
        other => panic!("body is not compound: {other:?}"),
    }
}

/// Every statement in `s`, pre-order, including those inside statement expressions.
fn all_stmts(s: &Stmt) -> Vec<&Stmt> {
    fn walk<'a>(s: &'a Stmt, out: &mut Vec<&'a Stmt>) {
        out.push(s);
        let mut exprs: Vec<&Expr> = Vec::new();
        match &s.kind {
            StmtKind::Expr(e) | StmtKind::IndirectGoto(e) => exprs.push(e),
            StmtKind::Decl { init, .. } => exprs.extend(init),
            StmtKind::Return(e) => exprs.extend(e),
            StmtKind::Compound(ss) => ss.iter().for_each(|s| walk(s, out)),
            StmtKind::If { cond, then, els } => {
                exprs.push(cond);
                walk(then, out);
                if let Some(e) = els {
                    walk(e, out)
                }
            }
            StmtKind::While { cond, body } | StmtKind::DoWhile { cond, body } => {
                exprs.push(cond);
                walk(body, out)
            }
            StmtKind::Switch { cond, body } => {
                exprs.push(cond);
                walk(body, out)
            }
            StmtKind::For {
                init,
                cond,
                inc,
                body,
            } => {
                if let Some(i) = init {
                    walk(i, out)
                }
                exprs.extend(cond);
                exprs.extend(inc);
                walk(body, out)
            }
            StmtKind::Case { body, .. }
            | StmtKind::Default(body)
            | StmtKind::Label { body, .. } => walk(body, out),
            StmtKind::Break | StmtKind::Continue | StmtKind::Goto(_) | StmtKind::Nop => {}
        }
        for e in exprs {
            for x in all_exprs_of(e) {
                if let ExprKind::StmtExpr(ss) = &x.kind {
                    ss.iter().for_each(|s| walk(s, out));
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(s, &mut out);
    out
}

/// Like `Expr::for_each_child`, but the children borrow from `e`.
fn children(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Local(_)
        | ExprKind::Global(_)
        | ExprKind::IntLit(_)
        | ExprKind::NamedConst { .. }
        | ExprKind::OtherLit
        | ExprKind::Unevaluated
        | ExprKind::StmtExpr(_) => vec![],
        ExprKind::Member { base, .. } => vec![base],
        ExprKind::Deref(x) | ExprKind::AddrOf(x) | ExprKind::Cast(x) => vec![x],
        ExprKind::Index { base, index } => vec![base, index],
        ExprKind::Unary { operand, .. } => vec![operand],
        ExprKind::Binary { lhs, rhs, .. } | ExprKind::Assign { lhs, rhs, .. } => vec![lhs, rhs],
        ExprKind::Cond { cond, then, els } => {
            let mut v: Vec<&Expr> = vec![cond];
            v.extend(then.as_deref());
            v.push(els);
            v
        }
        ExprKind::Call { callee, args } => {
            let mut v: Vec<&Expr> = Vec::new();
            if let Callee::Indirect(c) = callee {
                v.push(c);
            }
            v.extend(args.iter());
            v
        }
        ExprKind::InitList(es) | ExprKind::Opaque(es) => es.iter().collect(),
    }
}

/// `e` and its sub-expressions, pre-order (not entering statement expressions).
fn all_exprs_of(e: &Expr) -> Vec<&Expr> {
    fn walk<'a>(e: &'a Expr, out: &mut Vec<&'a Expr>) {
        out.push(e);
        for c in children(e) {
            walk(c, out);
        }
    }
    let mut out = Vec::new();
    walk(e, &mut out);
    out
}

/// Every expression in the function, including inside statement expressions.
fn all_exprs(f: &Function) -> Vec<&Expr> {
    let mut out = Vec::new();
    for s in all_stmts(&f.body) {
        let roots: Vec<&Expr> = match &s.kind {
            StmtKind::Expr(e) | StmtKind::IndirectGoto(e) => vec![e],
            StmtKind::Decl { init, .. } => init.iter().collect(),
            StmtKind::Return(e) => e.iter().collect(),
            StmtKind::If { cond, .. }
            | StmtKind::While { cond, .. }
            | StmtKind::DoWhile { cond, .. }
            | StmtKind::Switch { cond, .. } => vec![cond],
            StmtKind::For { cond, inc, .. } => cond.iter().chain(inc.iter()).collect(),
            _ => vec![],
        };
        for r in roots {
            out.extend(all_exprs_of(r));
        }
    }
    out
}

fn calls<'a>(f: &'a Function, name: &str) -> Vec<&'a Expr> {
    all_exprs(f)
        .into_iter()
        .filter(|e| e.direct_callee() == Some(name))
        .collect()
}

fn local_name<'a>(f: &'a Function, e: &Expr) -> Option<&'a str> {
    match &e.strip_casts().kind {
        ExprKind::Local(v) => Some(&f.var(*v).name),
        _ => None,
    }
}

fn var_id(f: &Function, name: &str) -> VarId {
    let i = f
        .vars
        .iter()
        .position(|v| v.name == name)
        .unwrap_or_else(|| panic!("no var {name}"));
    VarId(i as u32)
}

fn expr_stmt(s: &Stmt) -> &Expr {
    match &s.kind {
        StmtKind::Expr(e) => e,
        other => panic!("not an expression statement: {other:?}"),
    }
}

// ----- basics ---------------------------------------------------------------------------

#[test]
fn function_metadata_params_and_types() {
    let tu = parse(
        "struct vm_area_struct { unsigned long vm_start; };\n\
         typedef unsigned long ulong_t;\n\
         static int f(struct vm_area_struct **pp, ulong_t n, int arr[4])\n\
         {\n\
           int local = 0;\n\
           return local + (int)n;\n\
         }\n",
    );
    assert!(tu.errors.is_empty(), "{:?}", tu.errors);
    assert_eq!(tu.main_file, "test.c");
    let f = func(&tu, "f");
    assert!(f.is_static);
    assert!(!f.in_header);
    assert_eq!(f.span.start, Loc::new("test.c", 3, 12));
    assert_eq!(f.params, vec![VarId(0), VarId(1), VarId(2)]);
    assert!(f.vars[..3].iter().all(|v| v.is_param));
    assert!(!f.vars[3].is_param && f.vars[3].name == "local");
    let pp = &f.vars[0].ty;
    assert_eq!(pp.ptr_depth, 2);
    assert_eq!(pp.record.as_deref(), Some("vm_area_struct"));
    assert_eq!(pp.spelling, "struct vm_area_struct **");
    assert!(!pp.is_scalar);
    let n = &f.vars[1].ty;
    assert!(n.is_scalar && n.ptr_depth == 0 && n.spelling == "unsigned long");
    // A parameter declared as an array is a pointer.
    assert_eq!(f.vars[2].ty.ptr_depth, 1);
    assert_eq!(f.ret_ty.spelling, "int");
    assert!(f.ret_ty.is_scalar);
}

#[test]
fn array_locals_count_as_one_pointer_level() {
    let tu = parse("struct s { int x; };\nvoid f(void) { struct s a[3]; int m[2][2]; }\n");
    let f = func(&tu, "f");
    let a = f.var(var_id(f, "a"));
    assert_eq!(a.ty.ptr_depth, 1);
    assert_eq!(a.ty.record.as_deref(), Some("s"));
    assert_eq!(f.var(var_id(f, "m")).ty.ptr_depth, 2);
}

#[test]
fn only_definitions_with_bodies_are_lowered() {
    let tu = parse("int decl(int);\nint def(void) { return decl(1); }\n");
    let names: Vec<&str> = tu.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, vec!["def"]);
}

// ----- statements -----------------------------------------------------------------------

#[test]
fn if_else() {
    let tu = parse("int f(int a)\n{\n  if (a)\n    return 1;\n  else\n    return 2;\n}\n");
    let f = func(&tu, "f");
    let [s] = body(f) else { panic!() };
    let StmtKind::If { cond, then, els } = &s.kind else {
        panic!("{s:?}")
    };
    assert_eq!(local_name(f, cond), Some("a"));
    assert!(matches!(&then.kind, StmtKind::Return(Some(e)) if e.const_value() == Some(1)));
    let els = els.as_ref().expect("else");
    assert!(matches!(&els.kind, StmtKind::Return(Some(e)) if e.const_value() == Some(2)));
    assert_eq!(s.span.start.line, 3);
    assert_eq!(els.span.start.line, 6);
}

#[test]
fn while_do_and_full_for() {
    let tu = parse(
        "void g(int);\n\
         void f(int n) {\n\
           while (n) n--;\n\
           do { g(n); } while (n < 10);\n\
           for (int i = 0; i < n; i++) g(i);\n\
         }\n",
    );
    let f = func(&tu, "f");
    let [w, d, fo] = body(f) else { panic!() };
    assert!(matches!(&w.kind, StmtKind::While { cond, .. } if local_name(f, cond) == Some("n")));
    let StmtKind::DoWhile { body: db, cond } = &d.kind else {
        panic!()
    };
    assert!(matches!(&cond.kind, ExprKind::Binary { op: BinOp::Lt, .. }));
    assert!(matches!(&db.kind, StmtKind::Compound(v) if v.len() == 1));
    let StmtKind::For {
        init,
        cond,
        inc,
        body: fb,
    } = &fo.kind
    else {
        panic!()
    };
    let init = init.as_ref().expect("init");
    let i = var_id(f, "i");
    assert!(
        matches!(&init.kind, StmtKind::Decl { var, init: Some(e) } if *var == i && e.const_value() == Some(0))
    );
    assert!(matches!(
        &cond.as_ref().unwrap().kind,
        ExprKind::Binary { op: BinOp::Lt, .. }
    ));
    assert!(matches!(
        &inc.as_ref().unwrap().kind,
        ExprKind::Unary {
            op: UnOp::PostInc,
            ..
        }
    ));
    assert_eq!(expr_stmt(fb).direct_callee(), Some("g"));
}

/// (init present, cond present, inc present) for each `for` in the function, in order.
fn for_shapes(f: &Function) -> Vec<(bool, bool, bool)> {
    all_stmts(&f.body)
        .into_iter()
        .filter_map(|s| match &s.kind {
            StmtKind::For {
                init, cond, inc, ..
            } => Some((init.is_some(), cond.is_some(), inc.is_some())),
            _ => None,
        })
        .collect()
}

#[test]
fn for_with_missing_parts() {
    let tu = parse(
        "void g(int);\n\
         void f(int n, int *p) {\n\
           int i;\n\
           for (;;) break;\n\
           for (; n; ) n--;\n\
           for (i = 0; ; i++) if (i > n) break;\n\
           for (int j = 0; j < n; ) j++;\n\
           for (int j = 0; ; j++) break;\n\
           for (; ; i++) break;\n\
           for (i = 0; i < n; ) i++;\n\
           for (; i < n; i++) g(i);\n\
           for (i = 0; ; ) break;\n\
           for (; (p) != 0; ) p = 0;\n\
         }\n",
    );
    let f = func(&tu, "f");
    assert_eq!(
        for_shapes(f),
        vec![
            (false, false, false),
            (false, true, false),
            (true, false, true),
            (true, true, false),
            (true, false, true),
            (false, false, true),
            (true, true, false),
            (false, true, true),
            (true, false, false),
            (false, true, false),
        ]
    );
}

#[test]
fn for_with_missing_parts_from_macros() {
    let tu = parse(
        "#define each_nonnull(p) for (; (p) != 0; )\n\
         #define count_up(i) \\\n\
           for ((i) = 0; \\\n\
                ; (i)++)\n\
         #define forever for (;;)\n\
         #define from(i, a) for (i = (a); ; )\n\
         void f(int *p) {\n\
           int i;\n\
           each_nonnull(p) p = 0;\n\
           count_up(i) if (i > 3) break;\n\
           forever break;\n\
           from(i, 3) break;\n\
         }\n",
    );
    let f = func(&tu, "f");
    assert_eq!(
        for_shapes(f),
        vec![
            (false, true, false),
            (true, false, true),
            (false, false, false),
            (true, false, false),
        ]
    );
    // The loop is located where the macro is used.
    let fors: Vec<u32> = all_stmts(&f.body)
        .into_iter()
        .filter(|s| matches!(s.kind, StmtKind::For { .. }))
        .map(|s| s.span.start.line)
        .collect();
    assert_eq!(fors, vec![9, 10, 11, 12]);
}

#[test]
fn switch_case_default_fallthrough() {
    let tu = parse(
        "enum e { A = 7, B };\n\
         void g(int);\n\
         void f(int n) {\n\
           switch (n) {\n\
           case 1:\n\
           case 2:\n\
             g(1);\n\
           case B:\n\
             g(2);\n\
             break;\n\
           case 10 ... 12:\n\
             __attribute__((fallthrough));\n\
           default:\n\
             g(3);\n\
           }\n\
         }\n",
    );
    let f = func(&tu, "f");
    let [sw] = body(f) else { panic!() };
    let StmtKind::Switch { cond, body: sb } = &sw.kind else {
        panic!()
    };
    assert_eq!(local_name(f, cond), Some("n"));
    let StmtKind::Compound(items) = &sb.kind else {
        panic!()
    };
    // case 1: case 2: g(1);  case B: g(2);  break;  case 10...12: ;  default: g(3);
    let StmtKind::Case {
        value: Some(1),
        hi: None,
        body: b1,
    } = &items[0].kind
    else {
        panic!("{:?}", items[0])
    };
    let StmtKind::Case {
        value: Some(2),
        body: b2,
        ..
    } = &b1.kind
    else {
        panic!()
    };
    assert_eq!(expr_stmt(b2).direct_callee(), Some("g"));
    assert!(matches!(
        &items[1].kind,
        StmtKind::Case { value: Some(8), .. }
    ));
    assert!(matches!(&items[2].kind, StmtKind::Break));
    let StmtKind::Case {
        value: Some(10),
        hi: Some(12),
        body: range_body,
    } = &items[3].kind
    else {
        panic!("{:?}", items[3])
    };
    assert!(matches!(range_body.kind, StmtKind::Nop));
    let StmtKind::Default(d) = &items[4].kind else {
        panic!("{:?}", items[4])
    };
    assert_eq!(expr_stmt(d).direct_callee(), Some("g"));
}

#[test]
fn goto_and_labels() {
    let tu = parse(
        "void unlock(void);\n\
         int f(int n) {\n\
           if (n)\n\
             goto out;\n\
           n++;\n\
         out:\n\
           unlock();\n\
           return n;\n\
         }\n",
    );
    let f = func(&tu, "f");
    let stmts = body(f);
    let StmtKind::If { then, .. } = &stmts[0].kind else {
        panic!()
    };
    assert!(matches!(&then.kind, StmtKind::Goto(l) if l == "out"));
    let StmtKind::Label { name, body: lb } = &stmts[2].kind else {
        panic!("{:?}", stmts[2])
    };
    assert_eq!(name, "out");
    assert_eq!(expr_stmt(lb).direct_callee(), Some("unlock"));
    assert_eq!(stmts[2].span.start.line, 6);
    assert!(matches!(stmts[3].kind, StmtKind::Return(Some(_))));
}

#[test]
fn indirect_goto_and_label_address() {
    let tu = parse("void f(void) {\n  void *p = &&l;\n  goto *p;\nl:\n  ;\n}\n");
    let f = func(&tu, "f");
    let stmts = body(f);
    assert!(matches!(&stmts[1].kind, StmtKind::IndirectGoto(e) if local_name(f, e) == Some("p")));
}

#[test]
fn asm_is_nop_and_asm_goto_branches_to_its_labels() {
    let tu = parse(
        "#define my_asm_goto(x...) asm goto(x)\n\
         #define get_or_fail(x, label) my_asm_goto(\"\" : : \"r\"(x) : : label)\n\
         int f(int x) {\n\
           asm volatile(\"nop\" : \"=r\"(x) : \"r\"(x));\n\
           asm goto(\"jmp %l0\" : : \"r\"(x) : : yes, no);\n\
           my_asm_goto(\"\" : : : : no);\n\
           get_or_fail(x, yes);\n\
           return 0;\n\
         yes:\n\
           return 1;\n\
         no:\n\
           return 2;\n\
         }\n",
    );
    let f = func(&tu, "f");
    let stmts = body(f);
    assert!(matches!(stmts[0].kind, StmtKind::Nop));
    let targets = |s: &Stmt| -> Vec<String> {
        all_stmts(s)
            .into_iter()
            .filter_map(|s| match &s.kind {
                StmtKind::If {
                    then, els: None, ..
                } => match &then.kind {
                    StmtKind::Goto(l) => Some(l.clone()),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    };
    assert_eq!(targets(&stmts[1]), vec!["yes", "no"]);
    assert_eq!(targets(&stmts[2]), vec!["no"]);
    assert_eq!(targets(&stmts[3]), vec!["yes"]);
}

#[test]
fn statement_expressions_declare_locals() {
    let tu = parse(
        "int g(int);\n\
         #define max_of(a, b) ({ int _a = (a); int _b = (b); _a > _b ? _a : _b; })\n\
         int f(int x) {\n\
           int r = max_of(x, g(x));\n\
           return r;\n\
         }\n",
    );
    let f = func(&tu, "f");
    let names: Vec<&str> = f.vars.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, vec!["x", "r", "_a", "_b"]);
    let StmtKind::Decl {
        init: Some(init), ..
    } = &body(f)[0].kind
    else {
        panic!()
    };
    let ExprKind::StmtExpr(ss) = &init.kind else {
        panic!("{init:?}")
    };
    assert_eq!(ss.len(), 3);
    assert!(matches!(&ss[0].kind, StmtKind::Decl { var, init: Some(e) }
        if f.var(*var).name == "_a" && local_name(f, e) == Some("x")));
    let value = expr_stmt(&ss[2]);
    let ExprKind::Cond { cond, then, .. } = &value.strip_casts().kind else {
        panic!("{value:?}")
    };
    assert!(
        matches!(&cond.kind, ExprKind::Binary { op: BinOp::Gt, lhs, .. } if local_name(f, lhs) == Some("_a"))
    );
    assert_eq!(local_name(f, then.as_ref().unwrap()), Some("_a"));
    assert_eq!(calls(f, "g").len(), 1);
}

#[test]
fn static_and_extern_locals() {
    let tu = parse(
        "int f(void) {\n  static int counter = 5;\n  extern int glob;\n  return counter + glob;\n}\n",
    );
    let f = func(&tu, "f");
    let c = var_id(f, "counter");
    assert!(f.vars.iter().all(|v| v.name != "glob"));
    assert!(matches!(&body(f)[0].kind, StmtKind::Decl { var, init: None } if *var == c));
    let StmtKind::Return(Some(e)) = &body(f)[1].kind else {
        panic!()
    };
    let ExprKind::Binary { lhs, rhs, .. } = &e.kind else {
        panic!()
    };
    assert_eq!(local_name(f, lhs), Some("counter"));
    assert!(matches!(&rhs.strip_casts().kind, ExprKind::Global(g) if g == "glob"));
}

// ----- expressions ----------------------------------------------------------------------

#[test]
fn logical_conditional_and_gnu_conditional() {
    let tu = parse("int f(int a, int b) {\n  int x = a && b || !a;\n  int y = a ? b : 2;\n  return a ?: b;\n}\n");
    let f = func(&tu, "f");
    let stmts = body(f);
    let StmtKind::Decl { init: Some(x), .. } = &stmts[0].kind else {
        panic!()
    };
    let ExprKind::Binary {
        op: BinOp::LOr,
        lhs,
        rhs,
    } = &x.kind
    else {
        panic!("{x:?}")
    };
    assert!(matches!(
        &lhs.kind,
        ExprKind::Binary {
            op: BinOp::LAnd,
            ..
        }
    ));
    assert!(matches!(&rhs.kind, ExprKind::Unary { op: UnOp::Not, .. }));
    let StmtKind::Decl { init: Some(y), .. } = &stmts[1].kind else {
        panic!()
    };
    assert!(
        matches!(&y.kind, ExprKind::Cond { then: Some(t), els, .. } if local_name(f, t) == Some("b") && els.const_value() == Some(2))
    );
    let StmtKind::Return(Some(r)) = &stmts[2].kind else {
        panic!()
    };
    let ExprKind::Cond { cond, then, els } = &r.kind else {
        panic!("{r:?}")
    };
    assert!(then.is_none());
    assert_eq!(local_name(f, cond), Some("a"));
    assert_eq!(local_name(f, els), Some("b"));
}

#[test]
fn comma_compound_assignment_and_unary_ops() {
    let tu = parse(
        "void f(int a, int b) {\n  a = 1, b = 2;\n  a += b;\n  a <<= 1;\n  a = -b + ~b + +b;\n  ++a; b--;\n}\n",
    );
    let f = func(&tu, "f");
    let s = body(f);
    assert!(
        matches!(&expr_stmt(&s[0]).kind, ExprKind::Binary { op: BinOp::Comma, lhs, .. }
        if matches!(lhs.kind, ExprKind::Assign { op: None, .. }))
    );
    assert!(
        matches!(&expr_stmt(&s[1]).kind, ExprKind::Assign { op: Some(BinOp::Add), lhs, rhs }
        if local_name(f, lhs) == Some("a") && local_name(f, rhs) == Some("b"))
    );
    assert!(matches!(
        &expr_stmt(&s[2]).kind,
        ExprKind::Assign {
            op: Some(BinOp::Shl),
            ..
        }
    ));
    let ops: Vec<UnOp> = all_exprs_of(expr_stmt(&s[3]))
        .into_iter()
        .filter_map(|e| match e.kind {
            ExprKind::Unary { op, .. } => Some(op),
            _ => None,
        })
        .collect();
    assert_eq!(ops, vec![UnOp::Neg, UnOp::BitNot, UnOp::Plus]);
    assert!(matches!(
        &expr_stmt(&s[4]).kind,
        ExprKind::Unary {
            op: UnOp::PreInc,
            ..
        }
    ));
    assert!(matches!(
        &expr_stmt(&s[5]).kind,
        ExprKind::Unary {
            op: UnOp::PostDec,
            ..
        }
    ));
}

#[test]
fn casts_and_null() {
    let tu = parse(
        "#define NULL ((void *)0)\n\
         struct s { int x; };\n\
         long f(int a, struct s *p) {\n\
           p = NULL;\n\
           if (p == NULL) return (long)a;\n\
           return 0;\n\
         }\n",
    );
    let f = func(&tu, "f");
    let s = body(f);
    let ExprKind::Assign { rhs, .. } = &expr_stmt(&s[0]).kind else {
        panic!()
    };
    assert_eq!(rhs.const_value(), Some(0));
    assert!(matches!(rhs.kind, ExprKind::Cast(_)));
    assert!(rhs.ty.is_ptr_to("s"));
    let StmtKind::If { then, .. } = &s[1].kind else {
        panic!()
    };
    let StmtKind::Return(Some(r)) = &then.kind else {
        panic!()
    };
    assert!(matches!(&r.kind, ExprKind::Cast(inner) if local_name(f, inner) == Some("a")));
    assert_eq!(r.ty.spelling, "long");
}

#[test]
fn member_access_arrow_dot_addr_deref_index() {
    let tu = parse(
        "struct s { int x; struct s *next; int arr[4]; };\n\
         int f(struct s *p, struct s v, int i) {\n\
           int *q = &p->next->x;\n\
           *q = v.x + p[1].x + (*p).x;\n\
           return p->arr[i];\n\
         }\n",
    );
    let f = func(&tu, "f");
    let s = body(f);
    let StmtKind::Decl { init: Some(q), .. } = &s[0].kind else {
        panic!()
    };
    let ExprKind::AddrOf(m) = &q.kind else {
        panic!("{q:?}")
    };
    let ExprKind::Member { base, field, arrow } = &m.kind else {
        panic!()
    };
    assert_eq!((field.as_str(), *arrow), ("x", true));
    let ExprKind::Member {
        base: b2,
        field: f2,
        arrow: a2,
    } = &base.strip_casts().kind
    else {
        panic!("{base:?}")
    };
    assert_eq!((f2.as_str(), *a2), ("next", true));
    assert_eq!(local_name(f, b2), Some("p"));
    assert!(base.ty.is_ptr_to("s"));

    let ExprKind::Assign { lhs, rhs, .. } = &expr_stmt(&s[1]).kind else {
        panic!()
    };
    assert!(matches!(&lhs.kind, ExprKind::Deref(e) if local_name(f, e) == Some("q")));
    let members: Vec<(bool, String)> = all_exprs_of(rhs)
        .into_iter()
        .filter_map(|e| match &e.kind {
            ExprKind::Member { arrow, base, .. } => {
                Some((*arrow, format!("{:?}", std::mem::discriminant(&base.kind))))
            }
            _ => None,
        })
        .collect();
    assert_eq!(members.len(), 3);
    assert!(members.iter().all(|(arrow, _)| !arrow), "{members:?}");
    assert!(all_exprs_of(rhs).iter().any(
        |e| matches!(&e.kind, ExprKind::Index { index, .. } if index.const_value() == Some(1))
    ));
    assert!(all_exprs_of(rhs)
        .iter()
        .any(|e| matches!(&e.kind, ExprKind::Deref(p) if local_name(f, p) == Some("p"))));

    let StmtKind::Return(Some(r)) = &s[2].kind else {
        panic!()
    };
    let ExprKind::Index { base, index } = &r.strip_casts().kind else {
        panic!("{r:?}")
    };
    assert_eq!(local_name(f, index), Some("i"));
    assert!(
        matches!(&base.strip_casts().kind, ExprKind::Member { field, arrow: true, .. } if field == "arr")
    );
}

#[test]
fn anonymous_union_members_are_flattened() {
    let tu = parse(
        "struct vma { union { unsigned long start; struct { int a; int b; }; }; };\n\
         int f(struct vma *v) { return v->b + (int)v->start; }\n",
    );
    let f = func(&tu, "f");
    let members: Vec<(String, bool, Option<&str>)> = all_exprs(f)
        .into_iter()
        .filter_map(|e| match &e.kind {
            ExprKind::Member { base, field, arrow } => {
                Some((field.clone(), *arrow, local_name(f, base)))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        members,
        vec![
            ("b".to_string(), true, Some("v")),
            ("start".to_string(), true, Some("v")),
        ]
    );
}

#[test]
fn direct_and_indirect_calls() {
    let tu = parse(
        "struct ops { int (*fault)(int); };\n\
         int h(int);\n\
         int f(struct ops *o, int (*fp)(int)) {\n\
           int (*local)(int) = h;\n\
           return h(1) + fp(2) + o->fault(3) + local(4) + (*fp)(5);\n\
         }\n",
    );
    let f = func(&tu, "f");
    let StmtKind::Decl {
        init: Some(init), ..
    } = &body(f)[0].kind
    else {
        panic!()
    };
    assert!(matches!(&init.strip_casts().kind, ExprKind::Global(g) if g == "h"));
    let all = all_exprs(f);
    let call_list: Vec<&Expr> = all
        .iter()
        .copied()
        .filter(|e| matches!(e.kind, ExprKind::Call { .. }))
        .collect();
    assert_eq!(call_list.len(), 5);
    let ExprKind::Call { callee, args } = &call_list
        .iter()
        .find(|e| e.direct_callee() == Some("h"))
        .unwrap()
        .kind
    else {
        panic!()
    };
    assert!(matches!(callee, Callee::Direct(n) if n == "h"));
    assert_eq!(args[0].const_value(), Some(1));
    let indirect: Vec<String> = call_list
        .iter()
        .filter_map(|e| match &e.kind {
            ExprKind::Call {
                callee: Callee::Indirect(c),
                args,
            } => {
                let target = match &c.strip_casts().kind {
                    ExprKind::Local(v) => f.var(*v).name.clone(),
                    ExprKind::Member { field, .. } => format!(".{field}"),
                    ExprKind::Deref(p) => format!("*{}", local_name(f, p).unwrap_or("?")),
                    other => format!("{other:?}"),
                };
                Some(format!("{target}({})", args[0].const_value().unwrap()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(indirect, vec!["fp(2)", ".fault(3)", "local(4)", "*fp(5)"]);
}

#[test]
fn call_arguments_in_order() {
    let tu = parse("int h(int, int, int);\nint f(int a, int b) { return h(a, b, 3); }\n");
    let f = func(&tu, "f");
    let c = &calls(f, "h")[0];
    let ExprKind::Call { args, .. } = &c.kind else {
        panic!()
    };
    assert_eq!(local_name(f, &args[0]), Some("a"));
    assert_eq!(local_name(f, &args[1]), Some("b"));
    assert_eq!(args[2].const_value(), Some(3));
}

#[test]
fn macro_expanded_call_is_located_at_the_use() {
    let tu = parse(
        "void lock(int *m);\n\
         #define LOCK_IT(m) \\\n\
           do { lock(m); } while (0)\n\
         void f(int *m)\n\
         {\n\
           LOCK_IT(m);\n\
         }\n",
    );
    let f = func(&tu, "f");
    let c = calls(f, "lock");
    assert_eq!(c.len(), 1);
    // (`\` line continuations in the Rust literal drop the indentation.)
    assert_eq!(c[0].span.start, Loc::new("test.c", 6, 1));
    assert_eq!(&*c[0].span.start.file, "test.c");
}

#[test]
fn spans_cover_the_expression() {
    let tu = parse("int g(int);\nint f(int a) {\n  return g(a) +\n    g(a + 1);\n}\n");
    let f = func(&tu, "f");
    let StmtKind::Return(Some(r)) = &body(f)[0].kind else {
        panic!()
    };
    assert_eq!(r.span.start, Loc::new("test.c", 3, 10));
    // Inclusive end: the `)` closing the second call.
    assert_eq!(r.span.end, Loc::new("test.c", 4, 12));
    let second = &calls(f, "g")[1];
    assert_eq!(second.span.start, Loc::new("test.c", 4, 5));
}

#[test]
fn enumerators_are_named_constants() {
    let tu = parse(
        "enum fault { VM_FAULT_OOM = 1, VM_FAULT_RETRY = 0x400, VM_BIG = 0xffffffffffffffffUL };\n\
         unsigned long f(int r) { if (r & VM_FAULT_RETRY) return VM_BIG; return VM_FAULT_OOM; }\n",
    );
    let f = func(&tu, "f");
    let lits: Vec<(String, i128)> = all_exprs(f)
        .into_iter()
        .filter_map(|e| match &e.kind {
            ExprKind::NamedConst { name, value } => Some((name.clone(), *value)),
            _ => None,
        })
        .collect();
    assert_eq!(
        lits,
        vec![
            ("VM_FAULT_RETRY".to_string(), 0x400),
            ("VM_BIG".to_string(), 0xffff_ffff_ffff_ffff),
            ("VM_FAULT_OOM".to_string(), 1)
        ]
    );
    assert!(all_exprs(f)
        .iter()
        .all(|e| !matches!(&e.kind, ExprKind::Global(_))));
}

#[test]
fn literals() {
    let tu = parse(
        "int f(void) { const char *s = \"str\"; double d = 1.5; char c = 'x'; \
         unsigned long long u = 18446744073709551615ULL; return s[0] + (int)d + c + (int)u + 0x10; }\n",
    );
    let f = func(&tu, "f");
    let inits: Vec<&Expr> = body(f)
        .iter()
        .filter_map(|s| match &s.kind {
            StmtKind::Decl { init: Some(e), .. } => Some(e.strip_casts()),
            _ => None,
        })
        .collect();
    assert!(matches!(inits[0].kind, ExprKind::OtherLit));
    assert!(matches!(inits[1].kind, ExprKind::OtherLit));
    assert!(matches!(inits[2].kind, ExprKind::OtherLit));
    assert_eq!(inits[3].const_value(), Some(18446744073709551615));
    assert!(all_exprs(f)
        .iter()
        .any(|e| matches!(e.kind, ExprKind::IntLit(16))));
}

#[test]
fn unevaluated_builtins_and_initializers() {
    let tu = parse(
        "struct s { int x; int y; };\n\
         int g(void);\n\
         unsigned long f(struct s *p) {\n\
           struct s v = { .x = g(), .y = 2 };\n\
           int arr[3] = { 1, 2, 3 };\n\
           struct s w = (struct s){ 1, 2 };\n\
           return sizeof(*p) + __builtin_offsetof(struct s, y)\n\
             + __builtin_types_compatible_p(int, long) + _Alignof(long) + v.x + arr[0] + w.y;\n\
         }\n",
    );
    let f = func(&tu, "f");
    let s = body(f);
    let StmtKind::Decl { init: Some(v), .. } = &s[0].kind else {
        panic!()
    };
    let ExprKind::InitList(parts) = &v.kind else {
        panic!("{v:?}")
    };
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0].strip_casts().direct_callee(), Some("g"));
    assert_eq!(parts[1].const_value(), Some(2));
    let StmtKind::Decl { init: Some(a), .. } = &s[1].kind else {
        panic!()
    };
    assert!(matches!(&a.kind, ExprKind::InitList(p) if p.len() == 3));
    let StmtKind::Decl { init: Some(w), .. } = &s[2].kind else {
        panic!()
    };
    assert!(matches!(&w.kind, ExprKind::InitList(p) if p.len() == 2));
    let unevaluated = all_exprs(f)
        .into_iter()
        .filter(|e| matches!(e.kind, ExprKind::Unevaluated))
        .count();
    assert_eq!(unevaluated, 4);
    // `sizeof(*p)` does not evaluate its operand.
    assert!(!all_exprs(f)
        .iter()
        .any(|e| matches!(e.kind, ExprKind::Deref(_))));
}

#[test]
fn choose_expr_and_generic_select_the_taken_operand() {
    let tu = parse(
        "typedef struct { unsigned s; } seq_t;\n\
         typedef struct { seq_t c; int l; } seq_lock_t;\n\
         static seq_t *p_plain(seq_t *s) { return s; }\n\
         static seq_t *p_lock(seq_lock_t *s) { return &s->c; }\n\
         #define seq_ptr(s) _Generic(*(s), seq_t: p_plain((void *)(s)), seq_lock_t: p_lock((void *)(s)))\n\
         int yes(void); int no(void);\n\
         unsigned f(seq_lock_t *x) {\n\
           int a = __builtin_choose_expr(sizeof(int) == 4, yes(), no());\n\
           int b = _Generic(a, long: 1, int: 2, default: 3);\n\
           return seq_ptr(x)->s + a + b;\n\
         }\n",
    );
    let f = func(&tu, "f");
    assert_eq!(calls(f, "yes").len(), 1);
    assert_eq!(calls(f, "no").len(), 0);
    assert_eq!(calls(f, "p_lock").len(), 1);
    assert_eq!(calls(f, "p_plain").len(), 0);
    let StmtKind::Decl { init: Some(b), .. } = &body(f)[1].kind else {
        panic!()
    };
    assert_eq!(b.const_value(), Some(2));
}

#[test]
fn extension_and_builtin_expect_pass_through() {
    let tu = parse(
        "#define likely(x) __builtin_expect(!!(x), 1)\n\
         int f(int a) { if (likely(a)) return __extension__ 3; return 0; }\n",
    );
    let f = func(&tu, "f");
    assert_eq!(calls(f, "__builtin_expect").len(), 1);
    let StmtKind::If { then, .. } = &body(f)[0].kind else {
        panic!()
    };
    assert!(
        matches!(&then.kind, StmtKind::Return(Some(e)) if matches!(e.kind, ExprKind::IntLit(3)))
    );
}

// ----- headers, errors, robustness ------------------------------------------------------

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!(
            "mmlint-frontend-{tag}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn header_functions_are_marked() {
    let dir = TempDir::new("hdr");
    std::fs::create_dir_all(dir.0.join("inc")).unwrap();
    std::fs::write(
        dir.0.join("inc/mm.h"),
        "static inline int helper(int x)\n{\n  return x + 1;\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.0.join("main.c"),
        "#include <mm.h>\nint use(int y) { return helper(y); }\n",
    )
    .unwrap();
    let args = vec![
        format!("-working-directory={}", dir.0.display()),
        "-I".to_string(),
        "inc".to_string(),
    ];
    let tu = parse_file(Path::new("main.c"), &args).expect("parse");
    assert!(tu.errors.is_empty(), "{:?}", tu.errors);
    let helper = func(&tu, "helper");
    assert!(helper.in_header && helper.is_static);
    assert!(helper.span.start.file.ends_with("mm.h"));
    assert_eq!(helper.span.start.line, 1);
    let u = func(&tu, "use");
    assert!(!u.in_header && !u.is_static);
    // Relative main-file paths stay as given.
    assert_eq!(&*u.span.start.file, "main.c");
    assert_eq!(tu.main_file, "main.c");
}

#[test]
fn parse_errors_are_reported_not_fatal() {
    let tu = parse("int ok(void) { return 1; }\nint bad(void) {\n  return undeclared_thing;\n}\n");
    assert_eq!(tu.errors.len(), 1, "{:?}", tu.errors);
    let e = &tu.errors[0];
    assert_eq!(e.loc, Some(Loc::new("test.c", 3, 10)));
    assert!(e.message.contains("undeclared_thing"), "{}", e.message);
    assert!(tu.functions.iter().any(|f| f.name == "ok"));
}

#[test]
fn missing_include_is_a_fatal_error_in_errors() {
    let tu = parse("#include \"does_not_exist.h\"\nint f(void) { return 0; }\n");
    assert!(!tu.errors.is_empty());
    assert!(tu.errors[0].message.contains("does_not_exist.h"));
}

#[test]
fn missing_file_is_file_not_found() {
    let err = parse_file(Path::new("/nonexistent/dir/nothing.c"), &[]).unwrap_err();
    assert!(matches!(err, FrontendError::FileNotFound(ref p) if p.contains("nothing.c")));
    assert!(!err.to_string().contains('\n'));
}

#[test]
fn garbage_does_not_panic() {
    let inputs = [
        "",
        "int f(",
        "int f(void) { for (",
        "int f(void) { switch (x) { case y: ; } }",
        "int f(void) { goto; label: }",
        "int f(void) { return ({ }); }",
        "int f(int a) { a = (struct nope *)a->b; return a ?: ; }",
        "void f(void) { asm goto(\"\" : : : : ); }",
        "int f(void) { int a[] = { [3] = 1, [0 ... 2] = 2 }; return a[0]; }",
        "int f(void) { __builtin_choose_expr(x, 1, 2); _Generic(); }",
        "int f(void) { for (;;",
    ];
    for src in inputs {
        let tu = parse(src);
        let _ = tu.functions.len();
    }
}

#[test]
fn deep_nesting_is_fine() {
    // clang's own parser limits bracket nesting (-fbracket-depth, 256 by default) and runs
    // on an 8 MiB thread, but operator chains have no such limit: a 20000-term sum is a
    // left-deep tree 20000 levels deep.
    let terms = 20_000;
    let mut chain = String::from("a");
    for i in 0..terms {
        chain.push_str(&format!(" + {i}"));
    }
    let mut parens = String::from("a");
    for _ in 0..200 {
        parens = format!("({parens} + 1)");
    }
    let mut s = String::from("x = 1;");
    for _ in 0..200 {
        s = format!("if (a) {{ {s} }}");
    }
    let src = format!("int f(int a) {{ int x; {s} x = {parens}; return {chain}; }}\n");
    // The checks below recurse as deep as the tree; give them room as well.
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let tu = parse(&src);
            assert!(tu.errors.is_empty(), "{:?}", tu.errors.first());
            let f = func(&tu, "f");
            assert!(all_exprs(f).len() > terms);
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn lowering_is_identical_across_threads() {
    let src = "int g(int);\nint f(int a) { for (int i = 0; i < a; i++) a += g(i); return a; }\n";
    let here = parse(src);
    let there = std::thread::spawn(move || parse(src)).join().unwrap();
    assert_eq!(here.functions, there.functions);
}

// ----- the real kernel ------------------------------------------------------------------

const KERNEL_DIR: &str = "/root/.cache/mmlint/linux-6.1";

/// gcc flags from compile_commands.json translated for clang, the same way as
/// shared/kernel-corpus/clang_syntax_bench.py `translate()`, minus the file name.
fn kernel_args(file: &str) -> Option<(Vec<String>, String)> {
    let db = std::fs::read_to_string(Path::new(KERNEL_DIR).join("compile_commands.json")).ok()?;
    let pos = db.find(&format!("\"file\": \"{KERNEL_DIR}/{file}\""))?;
    let entry_start = db[..pos].rfind('{')?;
    let entry = &db[entry_start..];
    let cmd_key = "\"command\": \"";
    let cs = entry.find(cmd_key)? + cmd_key.len();
    let ce = cs + entry[cs..].find("\",\n")?;
    let command = entry[cs..ce].replace("\\\"", "\"").replace("\\\\", "\\");
    let dir_key = "\"directory\": \"";
    let ds = entry.find(dir_key)? + dir_key.len();
    let de = ds + entry[ds..].find('"')?;
    let directory = entry[ds..de].to_string();
    let words = crate::flags::split_command(&command).ok()?;
    let mut out = crate::flags::translate(words.get(1..).unwrap_or(&[])).args;
    out.insert(0, format!("-working-directory={directory}"));
    Some((out, directory))
}

#[test]
fn shell_split_handles_kbuild_quoting() {
    assert_eq!(
        crate::flags::split_command(r#"gcc -DKBUILD_MODNAME='"gup"' -D"X=1" a\ b  'c d'"#).unwrap(),
        vec!["gcc", "-DKBUILD_MODNAME=\"gup\"", "-DX=1", "a b", "c d"]
    );
}

#[test]
fn kernel_gup_c() {
    let Some((args, _dir)) = kernel_args("mm/gup.c") else {
        eprintln!("skipping: {KERNEL_DIR}/compile_commands.json (with mm/gup.c) not available");
        return;
    };
    let t = std::time::Instant::now();
    let tu = parse_file(Path::new("mm/gup.c"), &args).expect("parse mm/gup.c");
    eprintln!(
        "mm/gup.c: {} functions in {:.3}s",
        tu.functions.len(),
        t.elapsed().as_secs_f64()
    );
    assert!(
        tu.errors.is_empty(),
        "{:?}",
        &tu.errors[..tu.errors.len().min(5)]
    );
    let f = func(&tu, "fixup_user_fault");
    assert!(!f.in_header);
    assert_eq!(&*f.span.start.file, "mm/gup.c");
    assert!(!body(f).is_empty());
    assert_eq!(f.var(f.params[0]).ty.record.as_deref(), Some("mm_struct"));
    assert!(!calls(f, "handle_mm_fault").is_empty());
    assert!(!calls(f, "mmap_read_lock").is_empty());
    // Header inline functions come along.
    let lock = func(&tu, "mmap_read_lock");
    assert!(lock.in_header);
}

#[test]
fn macro_constants_keep_the_name_written_at_the_use_site() {
    let tu = parse(
        "#define FOLL_WRITE 0x01\n#define FOLL_UNLOCKABLE (1 << 21)\n\
         long g(unsigned int);\n\
         long f(void) { return g(FOLL_WRITE | FOLL_UNLOCKABLE) + 7; }\n",
    );
    let f = func(&tu, "f");
    let names: Vec<String> = all_exprs(f)
        .into_iter()
        .filter_map(|e| match &e.kind {
            ExprKind::NamedConst { name, .. } => Some(name.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        names,
        vec!["FOLL_WRITE", "FOLL_UNLOCKABLE", "FOLL_UNLOCKABLE"]
    );
    assert!(all_exprs(f)
        .iter()
        .any(|e| matches!(e.kind, ExprKind::IntLit(7))));
}

/// The kernel's `__noreturn` is `__attribute__((__noreturn__))`, which is part of the
/// function type. (C11 `_Noreturn` is not: libclang does not expose it, a known gap.)
#[test]
fn noreturn_callees_are_listed() {
    let tu = parse(
        "void die(const char *m) __attribute__((__noreturn__));\nvoid go(void);\n\
         void f(int x) { if (x) die(\"x\"); go(); }\n",
    );
    let names: Vec<&str> = tu.noreturn.iter().map(|s| s.as_str()).collect();
    assert_eq!(names, vec!["die"]);
}

#[test]
fn designated_initializers_name_the_functions_they_store() {
    let tu = parse(
        "struct file; struct vm_area_struct;
         struct file_operations { void *owner; long (*unlocked_ioctl)(struct file *, unsigned, unsigned long);
           int (*mmap)(struct file *, struct vm_area_struct *); };
         struct misc { int minor; const struct file_operations *fops; struct file_operations inl; };
         static long foo_ioctl(struct file *f, unsigned c, unsigned long a) { return 0; }
         static int foo_mmap(struct file *f, struct vm_area_struct *v) { return 0; }
         static const struct file_operations foo_fops = { .owner = 0, .unlocked_ioctl = foo_ioctl, .mmap = &foo_mmap };
         static struct misc m = { .minor = 1, .fops = &foo_fops, .inl = { .mmap = foo_mmap } };",
    );
    let got: Vec<(String, String, String, String)> = tu
        .field_inits
        .iter()
        .map(|i| {
            (
                i.record.clone(),
                i.field.clone(),
                i.function.clone(),
                i.var.clone(),
            )
        })
        .collect();
    let row = |r: &str, f: &str, n: &str, v: &str| (r.into(), f.into(), n.into(), v.into());
    assert_eq!(
        got,
        vec![
            row("file_operations", "unlocked_ioctl", "foo_ioctl", "foo_fops"),
            row("file_operations", "mmap", "foo_mmap", "foo_fops"),
            row("file_operations", "mmap", "foo_mmap", "m"),
        ]
    );
}

/// The testdata headers, for tests that need the kernel's macro shapes.
fn testdata_include() -> String {
    format!(
        "-I{}",
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/include")
            .display()
    )
}

#[test]
fn work_and_thread_functions_are_found_through_the_macros_expansions() {
    let inc = testdata_include();
    let src = "#include <linux/kthread.h>
         #include <linux/workqueue.h>
         #include <linux/module.h>
         struct drv { struct work_struct w; struct delayed_work dw; struct kthread_work kw; };
         static void wfn(struct work_struct *w) { }
         static void dwfn(struct work_struct *w) { }
         static void kwfn(struct kthread_work *w) { }
         static void decl_fn(struct work_struct *w) { }
         static void decl_dfn(struct work_struct *w) { }
         static int tfn(void *d) { return 0; }
         static int init_fn(void) { return 0; }
         static DECLARE_WORK(dw, decl_fn);
         static DECLARE_DELAYED_WORK(ddw, decl_dfn);
         int start(struct drv *d) {
           INIT_WORK(&d->w, wfn);
           INIT_DELAYED_WORK(&d->dw, dwfn);
           kthread_init_work(&d->kw, kwfn);
           return IS_ERR(kthread_run(tfn, d, \"t%d\", 1));
         }
         module_init(init_fn);\n";
    for args in [
        vec!["-nostdinc", inc.as_str()],
        vec!["-nostdinc", inc.as_str(), "-DMODULE"],
    ] {
        let tu = parse_with(src, &args);
        let mut stores: Vec<String> = tu
            .field_inits
            .iter()
            .map(|i| format!("{}.{}={} {}", i.record, i.field, i.function, i.assigned))
            .collect();
        stores.sort();
        assert_eq!(
            stores,
            vec![
                "kthread_work.func=kwfn true",
                "timer_list.function=delayed_work_timer_fn false",
                "timer_list.function=delayed_work_timer_fn true",
                "work_struct.func=decl_dfn false",
                "work_struct.func=decl_fn false",
                "work_struct.func=dwfn true",
                "work_struct.func=wfn true",
            ],
            "{args:?}"
        );
        let args_of: Vec<String> = tu
            .fn_args
            .iter()
            .map(|a| {
                format!(
                    "{}{}#{}={}",
                    a.callee,
                    if a.macro_use { "!" } else { "" },
                    a.index,
                    a.function
                )
            })
            .collect();
        assert!(
            args_of.contains(&"kthread_create_on_node#0=tfn".to_string()),
            "{args_of:?}"
        );
        assert!(
            args_of.contains(&"module_init!#0=init_fn".to_string()),
            "{args_of:?}"
        );
    }
}
