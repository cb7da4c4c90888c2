//! Shrinks a disagreement found by the long run to a small function, for a fixture:
//! `cargo run -p mmlint-oracle --example shrink -- SEED FUNCTION_INDEX [loops] [large]`
//! (the options of the unit the long run generated: every third unit has loops, every
//! fourth is large). Deletes statements, unwraps branches and loops, drops cases, as long
//! as mmlint and the interpreter still disagree on the same (rule, kind), then prints the
//! function and both sides' reports.

#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::BTreeSet;

use common::*;
use mmlint_oracle::ast::{self, Func, Kind as K, Stmt};
use mmlint_oracle::interp;

type Diff = BTreeSet<(String, bool)>;

/// (rule, missed?) classes on which the two sides disagree for `f`.
fn diff(cfg: &mmlint_driver::Config, f: &Func) -> (Diff, String, String) {
    let mut fs = vec![f.clone()];
    let text = ast::print_unit("shrunk", &mut fs);
    let path = std::env::temp_dir().join("oracle_shrink.c");
    let got = engine_reports(cfg, &path, &text).unwrap_or_default();
    let have = got.get(&fs[0].name).cloned().unwrap_or_default();
    let exp = interp::expected(&fs[0]);
    let want: BTreeSet<(String, u32)> = exp
        .reports
        .keys()
        .map(|(r, l)| (r.to_string(), *l))
        .collect();
    let mut d = Diff::new();
    for (r, _) in want.difference(&have) {
        d.insert((r.clone(), true));
    }
    for (r, _) in have.difference(&want) {
        d.insert((r.clone(), false));
    }
    let report = format!(
        "interpreter ({} paths): {:?}\nmmlint: {:?}",
        exp.paths, exp.reports, have
    );
    (d, text, report)
}

/// Every one-step simplification of a block.
fn variants(b: &[Stmt]) -> Vec<Vec<Stmt>> {
    let mut out = Vec::new();
    for i in 0..b.len() {
        let mut v = b.to_vec();
        v.remove(i);
        out.push(v);
        let splice = |inner: &[Stmt]| {
            let mut v = b.to_vec();
            v.splice(i..=i, inner.iter().cloned());
            v
        };
        match &b[i].kind {
            K::If { cond, then, els } => {
                out.push(splice(then));
                if let Some(e) = els {
                    out.push(splice(e));
                    let mut v = b.to_vec();
                    v[i].kind = K::If {
                        cond: cond.clone(),
                        then: then.clone(),
                        els: None,
                    };
                    out.push(v);
                }
                for t in variants(then) {
                    let mut v = b.to_vec();
                    v[i].kind = K::If {
                        cond: cond.clone(),
                        then: t,
                        els: els.clone(),
                    };
                    out.push(v);
                }
                if let Some(e) = els {
                    for t in variants(e) {
                        let mut v = b.to_vec();
                        v[i].kind = K::If {
                            cond: cond.clone(),
                            then: then.clone(),
                            els: Some(t),
                        };
                        out.push(v);
                    }
                }
            }
            K::Loop { body } => {
                out.push(splice(body));
                for t in variants(body) {
                    let mut v = b.to_vec();
                    v[i].kind = K::Loop { body: t };
                    out.push(v);
                }
            }
            K::Switch { cases } => {
                for c in 0..cases.len() {
                    let mut cs = cases.clone();
                    cs.remove(c);
                    let mut v = b.to_vec();
                    v[i].kind = K::Switch { cases: cs };
                    out.push(v);
                    for t in variants(&cases[c].body) {
                        let mut cs = cases.clone();
                        cs[c].body = t;
                        let mut v = b.to_vec();
                        v[i].kind = K::Switch { cases: cs };
                        out.push(v);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let seed: u64 = args[1].parse().expect("SEED");
    let index: usize = args[2].parse().expect("FUNCTION_INDEX");
    let opt = |o: &str| args.iter().skip(3).any(|s| s == o);
    let gen = mmlint_oracle::GenConfig {
        loops: opt("loops"),
        large: opt("large"),
    };
    let cfg = config();
    let mut f = mmlint_oracle::gen_unit(seed, index + 1, gen).funcs[index].clone();
    let (target, _, _) = diff(&cfg, &f);
    assert!(!target.is_empty(), "no disagreement in {seed}/{index}");
    let keeps = |f: &Func, cfg: &mmlint_driver::Config| {
        let (d, _, _) = diff(cfg, f);
        target.iter().any(|t| d.contains(t))
    };
    loop {
        let mut changed = false;
        // The epilogue first, then the body.
        for li in 0..f.labels.len() {
            for v in variants(&f.labels[li].body) {
                let mut g = f.clone();
                g.labels[li].body = v;
                if keeps(&g, &cfg) {
                    f = g;
                    changed = true;
                    break;
                }
            }
        }
        for v in variants(&f.body) {
            let mut g = f.clone();
            g.body = v;
            if keeps(&g, &cfg) {
                f = g;
                changed = true;
                break;
            }
        }
        if !changed {
            break;
        }
    }
    let (d, text, report) = diff(&cfg, &f);
    println!("{text}\n{report}\ndisagreements (rule, missed): {d:?}");
}
