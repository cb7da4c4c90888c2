//! Kbuild's checker protocol: `make C=1 CHECK=mmlint` runs
//! `mmlint $(CHECKFLAGS) $(c_flags) path/file.c` for every compiled file, like Sparse.
//!
//! Diagnostics go to stderr so they interleave with the build log. Findings never fail the
//! build unless asked (`--error-exitcode`, or `MMLINT_ERROR_EXITCODE=1`); a tool error exits
//! 2. mmlint's own options come from `MMLINT_FLAGS` (or `CF=` on the make command line, which
//! Kbuild appends to CHECKFLAGS): `--error-exitcode`, `--disable=RULE`, `--rules-dir=DIR`,
//! `--summaries=FILE` (or `MMLINT_SUMMARIES=FILE`: a summary file from `mmlint summarize`).

use std::collections::HashSet;
use std::io;
use std::path::PathBuf;

use mmlint_driver::kbuild::translate;

use crate::{print_outcome, setup, CommonOpts, ExitStatus};

struct Opts {
    error_exitcode: bool,
    common: CommonOpts,
}

/// Takes mmlint's own options out of `args` (they start with `--` and name one of ours).
fn own_options(args: &[String], env_flags: &str) -> Result<(Opts, Vec<String>), String> {
    let mut opts = Opts {
        error_exitcode: false,
        common: CommonOpts {
            rules_dir: vec![],
            disable: vec![],
            summaries: None,
        },
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
        } else if let Some(r) = a.strip_prefix("--disable=") {
            opts.common.disable.push(r.to_string());
        } else if let Some(d) = a.strip_prefix("--rules-dir=") {
            opts.common.rules_dir.push(PathBuf::from(d));
        } else if let Some(f) = a.strip_prefix("--summaries=") {
            opts.common.summaries = Some(PathBuf::from(f));
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
            eprintln!("mmlint: error: {e}");
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
    let t = translate(compiler.as_slice());
    let Some(file) = t.file else {
        eprintln!(
            "mmlint: error: no C file on the command line (as Kbuild's CHECK, mmlint expects `mmlint FLAGS... file.c`; see `mmlint --help`)"
        );
        return ExitStatus::ToolError as u8;
    };
    let cfg = match setup(&opts.common) {
        Ok(mut cfg) => {
            cfg.clang_args = t.args;
            cfg
        }
        Err(s) => return s as u8,
    };
    let outcome = mmlint_driver::analyze_file(std::path::Path::new(&file), &cfg);
    let mut status = ExitStatus::Clean;
    print_outcome(
        &mut io::stderr(),
        &mut io::stderr(),
        &file,
        outcome,
        &mut HashSet::new(),
        &mut status,
    );
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
        let (o, rest) = own_options(&args, "--disable=mmap-lock-leak").unwrap();
        assert!(o.error_exitcode);
        assert_eq!(o.common.disable, vec!["mmap-lock-leak".to_string()]);
        assert_eq!(rest, vec!["-D__CHECKER__", "-I./include", "mm/gup.c"]);
        assert!(own_options(&[], "--colour").is_err());
    }
}
