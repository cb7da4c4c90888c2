//! Kbuild's checker protocol: `make C=1 CHECK=mmlint` runs
//! `mmlint $(CHECKFLAGS) $(c_flags) path/file.c` for every compiled file, like Sparse.
//!
//! Diagnostics go to stderr so they interleave with the build log. Findings never fail the
//! build unless asked (`--error-exitcode`, or `MMLINT_ERROR_EXITCODE=1`); a tool error exits
//! 2. mmlint's own options come from `MMLINT_FLAGS` (or `CF=` on the make command line, which
//! Kbuild appends to CHECKFLAGS): `--error-exitcode`, `--disable=RULE`, `--enable=RULE`,
//! `--rules-dir=DIR`, `--no-unit-prefilter` (parse every file),
//! `--summaries=FILE` (or `MMLINT_SUMMARIES=FILE`: a summary file from
//! `mmlint summarize`), `--kernel-version=X.Y` (otherwise read from the tree's
//! include/generated/uapi/linux/version.h: CHECK runs at the tree's root),
//! `--target=ARCH|TRIPLE` (the line's own architecture otherwise: Sparse's `--arch=`, the
//! `arch/<ARCH>/include` paths),
//! `--timeout=SECONDS` (or `MMLINT_TIMEOUT=SECONDS`; default 120).
//!
//! Each file is analysed in a fork of this process (set up once: rules, libclang), so a
//! crash or a parse that never ends is one `file.c: error: …` line, not a hung or dead
//! build step.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use mmlint_driver::kbuild::{target_by_name, translate, translate_for, Target};
use mmlint_driver::worker::{analyze_forked, Job};
use mmlint_driver::FileOutcome;

use crate::{print_outcome, CommonOpts, ExitStatus};

struct Opts {
    error_exitcode: bool,
    target: Option<Target>,
    no_unit_prefilter: bool,
    common: CommonOpts,
    timeout: Option<u64>,
}

/// The per-file time limit when neither `--timeout=` nor `MMLINT_TIMEOUT` names one: the
/// subcommands' default.
const DEFAULT_TIMEOUT: u64 = 120;

/// mmlint's options that take a value, in the only form the checker protocol accepts.
const OWN_WITH_VALUE: &[&str] = &[
    "--disable=RULE",
    "--enable=RULE",
    "--rules-dir=DIR",
    "--summaries=FILE",
    "--kernel-version=X.Y",
    "--target=ARCH|TRIPLE",
    "--timeout=SECONDS",
];

fn seconds(v: &str, what: &str) -> Result<u64, String> {
    v.parse::<u64>()
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("{what}: '{v}' is not a positive number of seconds"))
}

/// Every C file on the command line, in order. Kbuild passes one, but a hand-written call
/// may pass several, and [`translate`] keeps only the last: the others would be silently
/// left out.
fn c_files(args: &[String]) -> Vec<String> {
    let mut args = args.to_vec();
    let mut files = Vec::new();
    while let Some(f) = translate(&args).file {
        let Some(i) = args.iter().rposition(|a| *a == f) else {
            break;
        };
        args.remove(i);
        files.push(f);
    }
    files.reverse();
    files
}

/// Takes mmlint's own options out of `args` (they start with `--` and name one of ours).
fn own_options(args: &[String], env_flags: &str) -> Result<(Opts, Vec<String>), String> {
    let mut opts = Opts {
        error_exitcode: false,
        target: None,
        no_unit_prefilter: false,
        common: CommonOpts::default(),
        timeout: None,
    };
    let mut rest = Vec::new();
    let env: Vec<String> = env_flags.split_whitespace().map(String::from).collect();
    for (a, from_env) in env
        .iter()
        .map(|a| (a, true))
        .chain(args.iter().map(|a| (a, false)))
    {
        if a == "--error-exitcode" {
            opts.error_exitcode = true;
        } else if a == "--no-unit-prefilter" {
            opts.no_unit_prefilter = true;
        } else if let Some(r) = a.strip_prefix("--disable=") {
            opts.common.disable.push(r.to_string());
        } else if let Some(r) = a.strip_prefix("--enable=") {
            opts.common.enable.push(r.to_string());
        } else if let Some(d) = a.strip_prefix("--rules-dir=") {
            opts.common.rules_dir.push(PathBuf::from(d));
        } else if let Some(f) = a.strip_prefix("--summaries=") {
            opts.common.summaries = Some(PathBuf::from(f));
        } else if let Some(v) = a.strip_prefix("--kernel-version=") {
            opts.common.kernel_version = Some(v.parse().map_err(|e| {
                format!(
                    "--kernel-version: {e}{}",
                    if from_env { " (in MMLINT_FLAGS)" } else { "" }
                )
            })?);
        } else if let Some(t) = a.strip_prefix("--target=") {
            // clang's own spelling: a `--target=` from the build's flags (CF=, an LLVM=1
            // line) is taken as the user's choice too, which it is.
            opts.target = Some(target_by_name(t)?);
        } else if let Some(t) = a.strip_prefix("--timeout=") {
            opts.timeout = Some(seconds(t, "--timeout")?);
        } else if let Some(form) = OWN_WITH_VALUE.iter().find(|f| {
            let name = f.split('=').next().unwrap_or(f);
            a == name || a.starts_with(&format!("{name}="))
        }) {
            // `--disable RULE` (a space, as on the subcommands' command line) would hand
            // the rule to clang as a file and fail the unit with a clang error.
            return Err(format!(
                "option '{a}' needs its value after '=': {form}{}",
                if from_env { " (in MMLINT_FLAGS)" } else { "" }
            ));
        } else if from_env {
            return Err(format!("unknown option '{a}' in MMLINT_FLAGS"));
        } else {
            rest.push(a.clone());
        }
    }
    Ok((opts, rest))
}

pub fn run(args: &[String]) -> u8 {
    let env_flags = std::env::var("MMLINT_FLAGS").unwrap_or_default();
    let (mut opts, compiler) = match own_options(args, &env_flags) {
        Ok(x) => x,
        Err(e) => {
            crate::error_line(&e);
            return ExitStatus::ToolError as u8;
        }
    };
    if std::env::var("MMLINT_ERROR_EXITCODE").is_ok_and(|v| v == "1") {
        opts.error_exitcode = true;
    }
    // The summary file of the tree being built (`mmlint summarize`), unless MMLINT_FLAGS or
    // the command line names one.
    if opts.common.summaries.is_none() {
        if let Some(f) = std::env::var_os("MMLINT_SUMMARIES").filter(|f| !f.is_empty()) {
            opts.common.summaries = Some(PathBuf::from(f));
        }
    }
    let t = translate_for(None, compiler.as_slice(), opts.target.as_ref());
    let timeout = match (opts.timeout, std::env::var("MMLINT_TIMEOUT")) {
        (Some(t), _) => t,
        (None, Ok(v)) if !v.is_empty() => match seconds(&v, "MMLINT_TIMEOUT") {
            Ok(t) => t,
            Err(e) => {
                crate::error_line(&e);
                return ExitStatus::ToolError as u8;
            }
        },
        _ => DEFAULT_TIMEOUT,
    };
    let files = c_files(&compiler);
    if files.is_empty() {
        eprintln!(
            "mmlint: error: no C file on the command line (as Kbuild's CHECK, mmlint expects `mmlint FLAGS... file.c`; see `mmlint --help`)"
        );
        return ExitStatus::ToolError as u8;
    }
    // CHECK runs at the tree's root, where the version header is.
    let hint = crate::TreeHint {
        compdb: None,
        clang_args: &t.args,
    };
    let cfg = match crate::run_setup::setup_without_libclang(&opts.common, hint) {
        Ok(mut cfg) => {
            cfg.clang_args = t.args;
            // One short read instead of a parse for the files that cannot reach the API;
            // the header scans are kept between the build's many processes.
            if !opts.no_unit_prefilter {
                cfg.enable_unit_prefilter(mmlint_driver::cache::ResultCache::default_dir());
            }
            cfg
        }
        Err(s) => return s as u8,
    };
    let mut status = ExitStatus::Clean;
    let mut seen = HashSet::new();
    for file in &files {
        // Decided here, before libclang is loaded and a process forked: most units of a
        // directory are never parsed.
        let Some(header_bodies) = mmlint_driver::prefilter_verdict(Path::new(file), &cfg) else {
            continue;
        };
        if let Err(e) = mmlint_frontend::Frontend::ensure_loaded() {
            crate::error_line(e.to_string());
            return ExitStatus::ToolError as u8;
        }
        let mut unit_cfg = cfg.clone();
        unit_cfg.unit_prefilter = None;
        unit_cfg.header_bodies = header_bodies;
        let job = Job {
            path: file.clone(),
            args: cfg.clang_args.clone(),
            contents: None,
        };
        // This process has no other thread, as analyze_forked requires.
        let outcome =
            analyze_forked(job, &unit_cfg, Duration::from_secs(timeout)).unwrap_or_else(|a| {
                FileOutcome::Failed {
                    reason: a.reason(),
                    details: vec![],
                }
            });
        print_outcome(
            &mut io::stderr(),
            &mut io::stderr(),
            file,
            outcome,
            &mut seen,
            &mut status,
        );
    }
    match status {
        ExitStatus::Findings if !opts.error_exitcode => ExitStatus::Clean as u8,
        s => s as u8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_options_come_from_env_and_argv() {
        let args: Vec<String> = [
            "-D__CHECKER__",
            "--error-exitcode",
            "-I./include",
            "mm/gup.c",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let (o, rest) = own_options(
            &args,
            "--disable=mmap-lock-leak --enable=gup-vmas-migration",
        )
        .unwrap();
        assert!(o.error_exitcode);
        assert_eq!(o.common.enable, vec!["gup-vmas-migration".to_string()]);
        assert_eq!(o.common.disable, vec!["mmap-lock-leak".to_string()]);
        assert_eq!(rest, vec!["-D__CHECKER__", "-I./include", "mm/gup.c"]);
        assert!(own_options(&[], "--colour").is_err());
    }

    #[test]
    fn own_options_with_a_space_before_the_value_are_errors() {
        let args = vec!["--disable".to_string(), "dangling-vma".to_string()];
        let e = own_options(&args, "").err().unwrap();
        assert!(e.contains("--disable=RULE"), "{e}");
        let e = own_options(&[], "--summaries").err().unwrap();
        assert!(e.contains("--summaries=FILE (in MMLINT_FLAGS)"), "{e}");
    }

    #[test]
    fn every_c_file_is_found_not_only_the_last() {
        let args: Vec<String> = ["-I", "inc.c", "a.c", "-o", "x.o", "b.c", "-Dx"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(c_files(&args), vec!["a.c", "b.c"]);
    }
}
