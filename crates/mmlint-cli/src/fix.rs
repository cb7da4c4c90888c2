//! `mmlint fix`: the fixes the rules attach to their findings, as a unified diff for
//! `patch -p1` from the tree root (like `make coccicheck MODE=patch`), or written to the
//! files with `--apply`. Findings without a fix are listed on stderr, gcc-style.

use std::collections::{BTreeMap, HashSet};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use mmlint_diagnostics::{Diagnostic, Edit, SourceFile};
use mmlint_driver::FileOutcome;

use crate::{analyze_run, fresh, setup, CheckRun, CommonOpts, ExitStatus, Units};

#[derive(clap::Args)]
pub struct FixArgs {
    #[command(flatten)]
    units: Units,
    /// Only this rule's fixes (repeatable; default: every rule, the ones off by default
    /// included).
    #[arg(long, value_name = "RULE")]
    rule: Vec<String>,
    /// Write the fixed files instead of printing a patch.
    #[arg(long)]
    apply: bool,
    /// Patch paths are relative to DIR (default: the compile_commands.json directory with
    /// -p, else the current directory).
    #[arg(long, value_name = "DIR")]
    srcroot: Option<PathBuf>,
    /// Settings file (default: the nearest mmlint.toml at or above the current directory).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(flatten)]
    common: CommonOpts,
    /// Compiler arguments for clang (include paths, defines), after `--`.
    #[arg(last = true, value_name = "COMPILER_ARGS")]
    compiler_args: Vec<String>,
}

pub fn run(a: FixArgs) -> ExitStatus {
    let mut common = a.common;
    let settings = match crate::layer_settings(a.config.as_deref(), &mut common) {
        Ok(s) => s,
        Err(st) => return st,
    };
    for r in &a.rule {
        if mmlint_checks::find_rule(r).is_none() {
            eprintln!("mmlint: error: unknown rule '{r}' in --rule (see `mmlint rules`)");
            return ExitStatus::ToolError;
        }
    }
    // Only the chosen rules run; without --rule, all of them (fixing is asking for them).
    let all: Vec<String> = mmlint_checks::registry()
        .iter()
        .map(|c| c.meta().id.to_string())
        .collect();
    if a.rule.is_empty() {
        common.enable = all;
    } else {
        common.enable = a.rule.clone();
        common
            .disable
            .extend(all.into_iter().filter(|id| !a.rule.contains(id)));
    }
    let hint = crate::TreeHint {
        compdb: a.units.compdb.as_deref(),
        clang_args: &a.compiler_args,
    };
    let mut cfg = match setup(&common, hint) {
        Ok(cfg) => cfg,
        Err(s) => return s,
    };
    cfg.clang_args = a.compiler_args.clone();

    let mut run = CheckRun::new(a.units, a.compiler_args);
    run.settings(&settings);
    let (results, base_dir, _) = match analyze_run(&run, &cfg, "fix") {
        Ok(x) => x,
        Err(s) => return s,
    };

    let mut status = ExitStatus::Clean;
    let mut seen = HashSet::new();
    let mut diags: Vec<Diagnostic> = Vec::new();
    let mut err = io::stderr().lock();
    for (path, outcome) in results {
        match outcome {
            FileOutcome::Analyzed { diagnostics, .. } => {
                diags.extend(
                    fresh(diagnostics, &mut seen)
                        .into_iter()
                        .filter(|d| d.suppression.is_none()),
                );
            }
            FileOutcome::Failed { reason, details } => {
                status = ExitStatus::ToolError;
                let _ = mmlint_report::render_file_error(&mut err, &path, &reason, &details);
            }
        }
    }
    let unfixed: Vec<Diagnostic> = diags.iter().filter(|d| d.fix.is_none()).cloned().collect();
    if !unfixed.is_empty() {
        let _ = writeln!(
            err,
            "mmlint: {} finding(s) without an automatic fix:",
            unfixed.len()
        );
        let _ = mmlint_report::render_gcc(&mut err, &unfixed);
    }

    // The edits per file, one fix at a time: a fix whose edits overlap an earlier one's is
    // left out whole (never half applied).
    let mut per_file: BTreeMap<String, Vec<&Edit>> = BTreeMap::new();
    let mut taken: BTreeMap<String, Vec<(u32, u32, u32, u32)>> = BTreeMap::new();
    // The files each taken fix edits: a fix counts as applied when all of them were written.
    let mut fix_files: Vec<Vec<String>> = Vec::new();
    for d in &diags {
        let Some(fix) = &d.fix else { continue };
        let key = |e: &Edit| {
            (
                e.span.start.line,
                e.span.start.col,
                e.span.end.line,
                e.span.end.col,
            )
        };
        let overlaps = fix.edits.iter().any(|e| {
            let (sl, sc, el, ec) = key(e);
            taken.get(&*e.span.start.file).is_some_and(|v| {
                v.iter()
                    .any(|t| (sl, sc) <= (t.2, t.3) && (t.0, t.1) <= (el, ec))
            })
        });
        if overlaps {
            let _ = writeln!(
                err,
                "{}: note: fix '{}' overlaps another fix; left out",
                d.span.start, fix.description
            );
            continue;
        }
        fix_files.push(
            fix.edits
                .iter()
                .map(|e| e.span.start.file.to_string())
                .collect(),
        );
        for e in &fix.edits {
            taken
                .entry(e.span.start.file.to_string())
                .or_default()
                .push(key(e));
            per_file
                .entry(e.span.start.file.to_string())
                .or_default()
                .push(e);
        }
    }

    let abs_base = std::fs::canonicalize(&base_dir).unwrap_or(base_dir.clone());
    let root = a
        .srcroot
        .map(|p| std::fs::canonicalize(&p).unwrap_or(p))
        .unwrap_or_else(|| abs_base.clone());
    let mut out = io::stdout().lock();
    let mut files = 0;
    let mut not_done: HashSet<&str> = HashSet::new();
    for (file, edits) in &per_file {
        let path = abs_base.join(file);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("mmlint: error: {}: cannot read: {e}", path.display());
                status = ExitStatus::ToolError;
                not_done.insert(file);
                continue;
            }
        };
        let src = SourceFile::new(file.as_str(), text);
        let res = if a.apply {
            // A read-only file is one its owner chose not to have edited; root could
            // write it anyway, so the mode is asked, not the write.
            let read_only = std::fs::metadata(&path).is_ok_and(|m| m.permissions().readonly());
            if read_only {
                Err("file is read-only; its fixes were not applied".to_string())
            } else {
                src.apply(edits).and_then(|t| {
                    std::fs::write(&path, t)
                        .map_err(|e| format!("cannot write: {e}; its fixes were not applied"))
                })
            }
        } else {
            let rel = relative(&path, &root);
            match mmlint_report::render_patch(&mut out, &rel, &src, edits) {
                // The reader stopped (`mmlint fix | head`): not an error of this file.
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => break,
                r => r.map_err(|e| e.to_string()),
            }
        };
        match res {
            Ok(()) => files += 1,
            Err(e) => {
                crate::error_line(format!("{}: {e}", path.display()));
                status = ExitStatus::ToolError;
                not_done.insert(file);
            }
        }
    }
    let n_fixes = fix_files
        .iter()
        .filter(|fs| fs.iter().all(|f| !not_done.contains(f.as_str())))
        .count();
    let _ = out.flush();
    let verb = if a.apply { "applied" } else { "printed" };
    let _ = writeln!(err, "mmlint: {verb} {n_fixes} fix(es) in {files} file(s)");
    status
}

/// `path` relative to `root` when inside it, for `patch -p1` run in `root`.
fn relative(path: &Path, root: &Path) -> String {
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    abs.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or(abs)
        .display()
        .to_string()
}
