//! `mmlint summarize`: one batch run that keeps, instead of findings, the summaries of the
//! functions other units can call, and writes them to a summary file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use mmlint_driver::{FileOutcome, Summary};

use crate::{analyze_run, setup, CheckRun, CommonOpts, ExitStatus};

pub fn run(mut run: CheckRun, mut common: CommonOpts, output: &Path) -> ExitStatus {
    // mmlint.toml's rules directories change what is learned, so they apply here too.
    match crate::layer_settings(None, &mut common) {
        Ok(s) => run.settings(&s),
        Err(st) => return st,
    }
    let hint = crate::TreeHint {
        compdb: run.compdb.as_deref(),
        clang_args: &run.compiler_args,
    };
    let mut cfg = match setup(&common, hint) {
        Ok(c) => c,
        Err(s) => return s,
    };
    cfg.clang_args = run.compiler_args.clone();
    cfg.wants_summaries = true;
    if let Err(st) = crate::check_writable(output, "the summary file") {
        return st;
    }
    let start = Instant::now();
    let (results, _, _) = match analyze_run(&run, &cfg, "summarise") {
        Ok(x) => x,
        Err(s) => return s,
    };
    let mut functions: BTreeMap<String, Arc<Summary>> = BTreeMap::new();
    // A name exported with different summaries by two units (arch or config variants)
    // is left out: a call cannot tell which one it reaches.
    let mut ambiguous = BTreeSet::new();
    let mut status = ExitStatus::Clean;
    let mut units = 0;
    let mut failed = 0;
    for (path, outcome) in results {
        match outcome {
            FileOutcome::Analyzed { exported, .. } => {
                units += 1;
                for (name, s) in exported {
                    match functions.get(&name) {
                        Some(old) if **old != *s => {
                            ambiguous.insert(name);
                        }
                        Some(_) => {}
                        None => {
                            functions.insert(name, s);
                        }
                    }
                }
            }
            // The other units' summaries are still written: a tree always has a few
            // units that fail, and a call into them is unknown with or without the file.
            FileOutcome::Failed { reason, details } => {
                let _ = mmlint_report::render_file_error(
                    &mut std::io::stderr(),
                    &path,
                    &reason,
                    &details,
                );
                failed += 1;
                status = ExitStatus::ToolError;
            }
        }
    }
    for n in &ambiguous {
        functions.remove(n);
    }
    if let Err(e) = mmlint_driver::summary_file::write(output, &functions) {
        crate::error_line(&e);
        return ExitStatus::ToolError;
    }
    let failed = if failed > 0 {
        format!(" ({failed} failed: their functions are not in it)")
    } else {
        String::new()
    };
    eprintln!(
        "mmlint: {} function summaries from {units} units{failed} written to {} in {:.1} s ({} names left out: different summaries in different units)",
        functions.len(),
        output.display(),
        start.elapsed().as_secs_f64(),
        ambiguous.len(),
    );
    status
}
