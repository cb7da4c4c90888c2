//! The `mmlint` command: argument parsing, exit codes, choosing what to print.

use std::collections::HashSet;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use mmlint_driver::{analyze_file, Config, FileOutcome};
use mmlint_rules::ApiDb;

/// Finds mmap_lock / VMA lifetime bugs in Linux kernel C code.
#[derive(Parser)]
#[command(name = "mmlint", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse C files and print diagnostics gcc-style on stdout.
    Check {
        /// C files to analyse.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Exit 0 even when there are findings (tool errors still exit 2).
        #[arg(long)]
        exit_zero: bool,
        /// Extra rules-data directory (*.toml), layered over the built-in rules/.
        #[arg(long, value_name = "DIR")]
        rules_dir: Vec<PathBuf>,
        /// Turn a rule off (repeatable).
        #[arg(long, value_name = "RULE")]
        disable: Vec<String>,
        /// Compiler arguments for clang (include paths, defines), after `--`.
        #[arg(last = true, value_name = "COMPILER_ARGS")]
        compiler_args: Vec<String>,
    },
    /// List the rules: id, default level, summary.
    Rules,
    /// Print a rule's documentation.
    Explain {
        /// A rule id, e.g. dangling-vma.
        rule: String,
    },
    /// Print the control-flow graphs mmlint builds for a file (for debugging).
    DumpCfg {
        file: PathBuf,
        /// Only this function.
        #[arg(long)]
        function: Option<String>,
        #[arg(last = true, value_name = "COMPILER_ARGS")]
        compiler_args: Vec<String>,
    },
}

/// 0: no findings; 1: findings; 2: a file could not be analysed, or a usage error.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum ExitStatus {
    Clean = 0,
    Findings = 1,
    ToolError = 2,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let status = match cli.command {
        Command::Check {
            files,
            exit_zero,
            rules_dir,
            disable,
            compiler_args,
        } => check(files, exit_zero, rules_dir, disable, compiler_args),
        Command::Rules => {
            for c in mmlint_checks::registry() {
                let m = c.meta();
                println!("{:<28} {:<8} {}", m.id, m.severity.as_str(), m.summary);
            }
            ExitStatus::Clean
        }
        Command::Explain { rule } => match mmlint_checks::find_rule(&rule) {
            Some(c) => {
                print!("{}", c.meta().doc);
                ExitStatus::Clean
            }
            None => {
                eprintln!("mmlint: error: unknown rule '{rule}' (see `mmlint rules`)");
                ExitStatus::ToolError
            }
        },
        Command::DumpCfg {
            file,
            function,
            compiler_args,
        } => match mmlint_frontend::parse_file(&file, &compiler_args) {
            Ok(tu) => {
                for b in mmlint_driver::bodies(&tu, function.as_deref()) {
                    println!("{b}");
                }
                ExitStatus::Clean
            }
            Err(e) => {
                eprintln!("{}: error: {e}", file.display());
                ExitStatus::ToolError
            }
        },
    };
    ExitCode::from(status as u8)
}

fn load_rules(dirs: &[PathBuf]) -> Result<ApiDb, String> {
    let mut db = ApiDb::builtin().map_err(|e| format!("built-in rules: {e}"))?;
    for d in dirs {
        db.load_dir(d).map_err(|e| e.to_string())?;
    }
    Ok(db)
}

fn check(
    files: Vec<PathBuf>,
    exit_zero: bool,
    rules_dir: Vec<PathBuf>,
    disable: Vec<String>,
    clang_args: Vec<String>,
) -> ExitStatus {
    for r in &disable {
        if mmlint_checks::find_rule(r).is_none() {
            eprintln!("mmlint: error: unknown rule '{r}' in --disable (see `mmlint rules`)");
            return ExitStatus::ToolError;
        }
    }
    let db = match load_rules(&rules_dir) {
        Ok(db) => db,
        Err(e) => {
            eprintln!("mmlint: error: {e}");
            return ExitStatus::ToolError;
        }
    };
    if let Err(e) = mmlint_frontend::Frontend::ensure_loaded() {
        eprintln!("mmlint: error: {e}");
        return ExitStatus::ToolError;
    }
    let cfg = Config {
        clang_args,
        db,
        disabled: disable,
    };
    let mut status = ExitStatus::Clean;
    let mut seen = HashSet::new();
    let stdout = io::stdout();
    for f in &files {
        let outcome = analyze_file(f, &cfg);
        let mut out = stdout.lock();
        let res = match outcome {
            FileOutcome::Analyzed {
                diagnostics,
                incomplete,
            } => {
                for name in incomplete {
                    eprintln!(
                        "{}: note: analysis of '{name}' stopped at its step budget; results may be incomplete",
                        f.display()
                    );
                }
                let fresh: Vec<_> = diagnostics
                    .into_iter()
                    .filter(|d| mmlint_driver::dedup_across_files(&mut seen, d))
                    .collect();
                if !fresh.is_empty() {
                    status = status.max(ExitStatus::Findings);
                }
                mmlint_report::render_gcc(&mut out, &fresh)
            }
            FileOutcome::Failed { reason, details } => {
                status = ExitStatus::ToolError;
                mmlint_report::render_file_error(
                    &mut out,
                    &f.display().to_string(),
                    &reason,
                    &details,
                )
            }
        };
        if res.and_then(|_| out.flush()).is_err() {
            // stdout closed (a pager quit): nothing more to say.
            return status;
        }
    }
    if exit_zero && status == ExitStatus::Findings {
        ExitStatus::Clean
    } else {
        status
    }
}
