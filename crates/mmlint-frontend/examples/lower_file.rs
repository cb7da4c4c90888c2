//! Prints the lowered IR of a C file in a compact C-like form:
//! `lower_file [--all] [--quiet] FILE [CLANG_ARGS..]` (`--all` includes header functions,
//! `--quiet` prints only counts and timing).
use mmlint_ir::{Callee, Expr, ExprKind, Function, Stmt, StmtKind};
use std::fmt::Write;

fn e(f: &Function, x: &Expr) -> String {
    match &x.kind {
        ExprKind::Local(v) => f.var(*v).name.clone(),
        ExprKind::Global(g) => format!("@{g}"),
        ExprKind::IntLit(i) => i.to_string(),
        ExprKind::NamedConst { name, .. } => name.clone(),
        ExprKind::OtherLit => "<lit>".into(),
        ExprKind::Member { base, field, arrow } => {
            format!("{}{}{}", e(f, base), if *arrow { "->" } else { "." }, field)
        }
        ExprKind::Deref(b) => format!("*{}", e(f, b)),
        ExprKind::AddrOf(b) => format!("&{}", e(f, b)),
        ExprKind::Index { base, index } => format!("{}[{}]", e(f, base), e(f, index)),
        ExprKind::Unary { op, operand } => format!("{op:?}({})", e(f, operand)),
        ExprKind::Binary { op, lhs, rhs } => format!("({} {op:?} {})", e(f, lhs), e(f, rhs)),
        ExprKind::Assign { op, lhs, rhs } => {
            format!(
                "({} ={} {})",
                e(f, lhs),
                op.map(|o| format!("{o:?}")).unwrap_or_default(),
                e(f, rhs)
            )
        }
        ExprKind::Cond { cond, then, els } => format!(
            "({} ? {} : {})",
            e(f, cond),
            then.as_ref().map(|t| e(f, t)).unwrap_or_default(),
            e(f, els)
        ),
        ExprKind::Call { callee, args } => {
            let c = match callee {
                Callee::Direct(n) => n.clone(),
                Callee::Indirect(x) => format!("(indirect {})", e(f, x)),
            };
            let a: Vec<String> = args.iter().map(|a| e(f, a)).collect();
            format!("{c}({})@{}", a.join(", "), x.span.start.line)
        }
        ExprKind::Cast(b) => format!("(({}){})", x.ty.spelling, e(f, b)),
        ExprKind::StmtExpr(ss) => {
            let mut o = String::from("({ ");
            for s in ss {
                st(f, s, 0, &mut o);
            }
            o.push_str("})");
            o.replace('\n', " ")
        }
        ExprKind::InitList(es) => format!(
            "{{{}}}",
            es.iter().map(|a| e(f, a)).collect::<Vec<_>>().join(", ")
        ),
        ExprKind::Unevaluated => "<uneval>".into(),
        ExprKind::Opaque(es) => format!(
            "opaque[{}]",
            es.iter().map(|a| e(f, a)).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn st(f: &Function, s: &Stmt, d: usize, o: &mut String) {
    let i = "  ".repeat(d);
    let l = s.span.start.line;
    match &s.kind {
        StmtKind::Expr(x) => writeln!(o, "{i}{};  //{l}", e(f, x)).unwrap(),
        StmtKind::Decl { var, init } => {
            let v = f.var(*var);
            writeln!(
                o,
                "{i}{} {} = {};  //{l}",
                v.ty.spelling,
                v.name,
                init.as_ref().map(|x| e(f, x)).unwrap_or_default()
            )
            .unwrap()
        }
        StmtKind::Compound(ss) => {
            writeln!(o, "{i}{{").unwrap();
            for s in ss {
                st(f, s, d + 1, o);
            }
            writeln!(o, "{i}}}").unwrap();
        }
        StmtKind::If { cond, then, els } => {
            writeln!(o, "{i}if {}  //{l}", e(f, cond)).unwrap();
            st(f, then, d + 1, o);
            if let Some(x) = els {
                writeln!(o, "{i}else").unwrap();
                st(f, x, d + 1, o);
            }
        }
        StmtKind::While { cond, body } => {
            writeln!(o, "{i}while {}  //{l}", e(f, cond)).unwrap();
            st(f, body, d + 1, o);
        }
        StmtKind::DoWhile { body, cond } => {
            writeln!(o, "{i}do  //{l}").unwrap();
            st(f, body, d + 1, o);
            writeln!(o, "{i}while {}", e(f, cond)).unwrap();
        }
        StmtKind::For {
            init,
            cond,
            inc,
            body,
        } => {
            let mut s0 = String::new();
            if let Some(x) = init {
                st(f, x, 0, &mut s0);
            }
            writeln!(
                o,
                "{i}for ({}; {}; {})  //{l}",
                s0.trim(),
                cond.as_ref().map(|x| e(f, x)).unwrap_or_default(),
                inc.as_ref().map(|x| e(f, x)).unwrap_or_default()
            )
            .unwrap();
            st(f, body, d + 1, o);
        }
        StmtKind::Switch { cond, body } => {
            writeln!(o, "{i}switch {}  //{l}", e(f, cond)).unwrap();
            st(f, body, d + 1, o);
        }
        StmtKind::Case { value, hi, body } => {
            writeln!(o, "{i}case {value:?} ... {hi:?}:").unwrap();
            st(f, body, d + 1, o);
        }
        StmtKind::Default(b) => {
            writeln!(o, "{i}default:").unwrap();
            st(f, b, d + 1, o);
        }
        StmtKind::Break => writeln!(o, "{i}break;").unwrap(),
        StmtKind::Continue => writeln!(o, "{i}continue;").unwrap(),
        StmtKind::Return(x) => writeln!(
            o,
            "{i}return {};  //{l}",
            x.as_ref().map(|x| e(f, x)).unwrap_or_default()
        )
        .unwrap(),
        StmtKind::Goto(lb) => writeln!(o, "{i}goto {lb};").unwrap(),
        StmtKind::IndirectGoto(x) => writeln!(o, "{i}goto *{};", e(f, x)).unwrap(),
        StmtKind::Label { name, body } => {
            writeln!(o, "{i}{name}:").unwrap();
            st(f, body, d + 1, o);
        }
        StmtKind::Nop => writeln!(o, "{i};  //{l}").unwrap(),
    }
}

fn main() {
    let mut all = false;
    let mut quiet = false;
    let mut rest = Vec::new();
    for a in std::env::args().skip(1) {
        match a.as_str() {
            "--all" => all = true,
            "--quiet" => quiet = true,
            _ => rest.push(a),
        }
    }
    if rest.is_empty() {
        eprintln!("usage: lower_file [--all] [--quiet] FILE [CLANG_ARGS..]");
        std::process::exit(2);
    }
    let path = rest.remove(0);
    let t = std::time::Instant::now();
    let tu = match mmlint_frontend::parse_file(std::path::Path::new(&path), &rest) {
        Ok(tu) => tu,
        Err(err) => {
            eprintln!("{err}");
            std::process::exit(1);
        }
    };
    let dt = t.elapsed();
    for er in &tu.errors {
        eprintln!(
            "error: {:?}: {}",
            er.loc.as_ref().map(|l| l.to_string()),
            er.message
        );
    }
    if quiet {
        let in_main = tu.functions.iter().filter(|f| !f.in_header).count();
        println!(
            "{} functions ({} in main file), {} errors, {:.3}s",
            tu.functions.len(),
            in_main,
            tu.errors.len(),
            dt.as_secs_f64()
        );
        return;
    }
    for f in &tu.functions {
        if f.in_header && !all {
            continue;
        }
        let params: Vec<String> = f
            .params
            .iter()
            .map(|p| format!("{} {}", f.var(*p).ty.spelling, f.var(*p).name))
            .collect();
        let mut o = String::new();
        st(f, &f.body, 1, &mut o);
        println!(
            "{} {}({}) static={} @{}\n{o}",
            f.ret_ty.spelling,
            f.name,
            params.join(", "),
            f.is_static,
            f.span.start
        );
    }
}
