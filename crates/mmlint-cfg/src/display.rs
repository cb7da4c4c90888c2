//! A text dump of a CFG, for `--dump-cfg` and snapshot tests.

use std::fmt;

use crate::{Body, EdgeKind, Terminator};

impl fmt::Display for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "fn {}:", self.func.name)?;
        for b in self.reverse_postorder() {
            let bb = self.block(b);
            writeln!(f, "  bb{}:", b.index())?;
            for inst in &bb.insts {
                writeln!(f, "    {};", inst.expr.display(&self.func))?;
            }
            let succ: Vec<String> = self
                .successors(b)
                .into_iter()
                .map(|(to, kind)| match kind {
                    EdgeKind::Goto => format!("bb{}", to.index()),
                    EdgeKind::True => format!("true: bb{}", to.index()),
                    EdgeKind::False => format!("false: bb{}", to.index()),
                    EdgeKind::Case { lo, hi } if lo == hi => format!("{lo}: bb{}", to.index()),
                    EdgeKind::Case { lo, hi } => format!("{lo}...{hi}: bb{}", to.index()),
                    EdgeKind::CaseUnknown => format!("?: bb{}", to.index()),
                    EdgeKind::Default => format!("default: bb{}", to.index()),
                })
                .collect();
            match &bb.term {
                Terminator::Goto => writeln!(f, "    goto [{}]", succ.join(", "))?,
                Terminator::Branch { cond } => writeln!(
                    f,
                    "    if {} [{}]",
                    cond.display(&self.func),
                    succ.join(", ")
                )?,
                Terminator::Switch { discr } => writeln!(
                    f,
                    "    switch {} [{}]",
                    discr.display(&self.func),
                    succ.join(", ")
                )?,
                Terminator::Return { value, .. } => match value {
                    Some(v) => writeln!(f, "    return {}", v.display(&self.func))?,
                    None => writeln!(f, "    return")?,
                },
                Terminator::Unreachable => writeln!(f, "    unreachable")?,
            }
        }
        Ok(())
    }
}
