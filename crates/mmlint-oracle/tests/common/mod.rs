#![allow(dead_code)] // each of the test and the examples uses part of it
//! The comparison of mmlint with the interpreter, shared by the property test and the long
//! run (examples/oracle_long.rs includes this file).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use mmlint_driver::{analyze_source, Config, FileOutcome};
use mmlint_oracle::ast::Func;
use mmlint_oracle::interp::{self, RULES};
use mmlint_oracle::{gen_unit, GenConfig};
use mmlint_rules::ApiDb;

/// The engine's disjunction cap (mmlint's MAX_DISJUNCTS, docs: ARCHITECTURE.md): a
/// function with at most this many paths never makes the engine join states.
pub const CAP: usize = 32;

pub fn config() -> Config {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut cfg = Config::new(ApiDb::builtin().expect("built-in rules"));
    cfg.clang_args = vec![
        "-nostdinc".into(),
        "-I".into(),
        root.join("testdata/include").display().to_string(),
    ];
    cfg
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// The interpreter reports it, mmlint does not.
    Missed,
    /// mmlint reports it, the interpreter does not.
    Extra,
}

/// One (rule, line) on which the two disagree.
#[derive(Debug, Clone)]
pub struct Disagreement {
    pub kind: Kind,
    pub rule: String,
    pub line: u32,
    pub within_cap: bool,
    pub loops: bool,
    /// Decisions of a path that reports it (interpreter's side only).
    pub witness: String,
    pub function: String,
    /// The unit's seed, and the function's text.
    pub seed: u64,
    pub source: String,
}

#[derive(Debug, Default)]
pub struct Tally {
    pub units: usize,
    pub programs: usize,
    pub within_cap: usize,
    pub over_cap: usize,
    pub truncated: usize,
    pub with_loops: usize,
    pub reports_expected: usize,
    pub agreeing_programs: usize,
    /// (kind, rule, within cap, loops) → count of (rule, line) disagreements.
    pub by_class: BTreeMap<(Kind, String, bool, bool), usize>,
    pub failed_units: Vec<String>,
    pub examples: Vec<Disagreement>,
}

fn func_text(text: &str, f: &Func) -> String {
    text.lines()
        .enumerate()
        .skip(f.first_line as usize - 1)
        .take((f.last_line - f.first_line + 1) as usize)
        .map(|(i, l)| format!("{:4} {l}\n", i + 1))
        .collect()
}

fn has_loop(stmts: &[mmlint_oracle::ast::Stmt]) -> bool {
    use mmlint_oracle::ast::Kind as K;
    stmts.iter().any(|s| match &s.kind {
        K::Loop { .. } => true,
        K::If { then, els, .. } => has_loop(then) || els.as_deref().is_some_and(has_loop),
        K::Switch { cases } => cases.iter().any(|c| has_loop(&c.body)),
        _ => false,
    })
}

/// Generates one unit from `seed`, runs both sides, adds the outcome to `tally`.
pub fn run_unit(cfg: &Config, dir: &Path, seed: u64, n: usize, gen: GenConfig, tally: &mut Tally) {
    let unit = gen_unit(seed, n, gen);
    let path: PathBuf = dir.join(format!("oracle_{seed}.c"));
    tally.units += 1;
    let got = match engine_reports(cfg, &path, &unit.text) {
        Ok(g) => g,
        Err(e) => {
            tally.failed_units.push(format!("seed {seed}: {e}"));
            return;
        }
    };
    for f in &unit.funcs {
        tally.programs += 1;
        let exp = interp::expected(f);
        let loops = has_loop(&f.body);
        if exp.truncated {
            tally.truncated += 1;
            continue;
        }
        let within_cap = exp.paths <= CAP;
        if loops {
            tally.with_loops += 1;
        } else if within_cap {
            tally.within_cap += 1;
        } else {
            tally.over_cap += 1;
        }
        tally.reports_expected += exp.reports.len();
        let want: BTreeSet<(String, u32)> = exp
            .reports
            .keys()
            .map(|(r, l)| (r.to_string(), *l))
            .collect();
        let empty = BTreeSet::new();
        let have = got.get(f.name.as_str()).unwrap_or(&empty);
        if &want == have {
            tally.agreeing_programs += 1;
            continue;
        }
        let mut diffs = Vec::new();
        for (r, l) in want.difference(have) {
            let witness =
                exp.reports[&(RULES.iter().find(|x| **x == r).copied().unwrap(), *l)].clone();
            diffs.push((Kind::Missed, r.clone(), *l, witness));
        }
        for (r, l) in have.difference(&want) {
            diffs.push((Kind::Extra, r.clone(), *l, String::new()));
        }
        for (kind, rule, line, witness) in diffs {
            *tally
                .by_class
                .entry((kind, rule.clone(), within_cap, loops))
                .or_default() += 1;
            if tally.examples.len() < 2000 {
                tally.examples.push(Disagreement {
                    kind,
                    rule,
                    line,
                    within_cap,
                    loops,
                    witness,
                    function: f.name.clone(),
                    seed,
                    source: func_text(&unit.text, f),
                });
            }
        }
    }
}

pub fn describe(d: &Disagreement) -> String {
    format!(
        "seed {} {} line {}: {} {:?}{}{}\n{}",
        d.seed,
        d.function,
        d.line,
        d.rule,
        d.kind,
        if d.within_cap { "" } else { " (over the cap)" },
        if d.witness.is_empty() {
            String::new()
        } else {
            format!("\n  witness path: {}", d.witness)
        },
        d.source
    )
}

/// What mmlint reports in `text` (written as `dir/name`), per function: (rule, line).
pub fn engine_reports(
    cfg: &Config,
    path: &Path,
    text: &str,
) -> Result<BTreeMap<String, BTreeSet<(String, u32)>>, String> {
    let diags = match analyze_source(path, text, cfg) {
        FileOutcome::Analyzed { diagnostics, .. } => diagnostics,
        FileOutcome::Failed { reason, details } => {
            return Err(format!("{reason}: {}", details.join("; ")))
        }
    };
    let name = path.display().to_string();
    let mut got: BTreeMap<String, BTreeSet<(String, u32)>> = BTreeMap::new();
    for d in &diags {
        if *d.span.start.file != *name || !RULES.contains(&d.rule) {
            continue;
        }
        got.entry(d.function.clone())
            .or_default()
            .insert((d.rule.to_string(), d.span.start.line));
    }
    Ok(got)
}
