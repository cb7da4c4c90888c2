//! The `mmlint` command: argument parsing, exit codes, choosing what to print.
//!
//! Two front doors: the subcommands (`mmlint check …`), and Kbuild's checker protocol
//! (`make C=1 CHECK=mmlint`), where mmlint is called like a compiler with no subcommand.

mod kbuild_check;

use std::collections::{BTreeMap, HashSet};
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use mmlint_driver::batch::{load_compdb, run_units};
use mmlint_driver::{analyze_file, Config, FileOutcome};
use mmlint_rules::ApiDb;

/// Finds mmap_lock / VMA lifetime bugs in Linux kernel C code.
///
/// Called without a subcommand, mmlint acts as Kbuild's checker: `make C=1 CHECK=mmlint`.
#[derive(Parser)]
#[command(name = "mmlint", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct CommonOpts {
    /// Extra rules-data directory (*.toml), layered over the built-in rules/.
    #[arg(long, value_name = "DIR")]
    rules_dir: Vec<PathBuf>,
    /// Turn a rule off (repeatable).
    #[arg(long, value_name = "RULE")]
    disable: Vec<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse C files (or a compile_commands.json) and print diagnostics gcc-style.
    Check {
        /// C files to analyse; with -p, paths (files or directories) selecting units.
        paths: Vec<PathBuf>,
        /// A compile_commands.json: analyse its translation units with their own flags.
        #[arg(short = 'p', long = "compile-commands", value_name = "FILE")]
        compdb: Option<PathBuf>,
        /// Parallel jobs for -p (default: the number of CPUs).
        #[arg(short = 'j', long, value_name = "N")]
        jobs: Option<usize>,
        /// Per-unit time limit in seconds for -p.
        #[arg(long, value_name = "SECONDS", default_value_t = 120)]
        timeout: u64,
        /// Exit 0 even when there are findings (tool errors still exit 2).
        #[arg(long)]
        exit_zero: bool,
        #[command(flatten)]
        common: CommonOpts,
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

const SUBCOMMANDS: &[&str] = &["check", "rules", "explain", "dump-cfg", "help"];

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().collect();
    if let Some(first) = argv.get(1) {
        let is_cli = SUBCOMMANDS.contains(&first.as_str())
            || matches!(first.as_str(), "-h" | "--help" | "-V" | "--version");
        if !is_cli {
            return ExitCode::from(kbuild_check::run(&argv[1..]));
        }
    }
    let cli = Cli::parse();
    let status = match cli.command {
        Command::Check {
            paths,
            compdb,
            jobs,
            timeout,
            exit_zero,
            common,
            compiler_args,
        } => {
            let status = match setup(&common) {
                Err(s) => s,
                Ok(cfg) => match compdb {
                    Some(db) => {
                        let cfg = Config {
                            clang_args: compiler_args,
                            ..cfg
                        };
                        batch(&db, &paths, cfg, jobs, Duration::from_secs(timeout))
                    }
                    None if paths.is_empty() => {
                        eprintln!("mmlint: error: no files to check (give FILE... or -p compile_commands.json)");
                        ExitStatus::ToolError
                    }
                    None => check_files(
                        &paths,
                        Config {
                            clang_args: compiler_args,
                            ..cfg
                        },
                    ),
                },
            };
            if exit_zero && status == ExitStatus::Findings {
                ExitStatus::Clean
            } else {
                status
            }
        }
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

/// Validates options, loads rules data and libclang: the work shared by every way of
/// checking. Errors are printed; the caller gets the exit status.
fn setup(common: &CommonOpts) -> Result<Config, ExitStatus> {
    for r in &common.disable {
        if mmlint_checks::find_rule(r).is_none() {
            eprintln!("mmlint: error: unknown rule '{r}' in --disable (see `mmlint rules`)");
            return Err(ExitStatus::ToolError);
        }
    }
    let mut db = ApiDb::builtin().map_err(|e| {
        eprintln!("mmlint: error: built-in rules: {e}");
        ExitStatus::ToolError
    })?;
    for d in &common.rules_dir {
        db.load_dir(d).map_err(|e| {
            eprintln!("mmlint: error: {e}");
            ExitStatus::ToolError
        })?;
    }
    if let Err(e) = mmlint_frontend::Frontend::ensure_loaded() {
        eprintln!("mmlint: error: {e}");
        return Err(ExitStatus::ToolError);
    }
    Ok(Config {
        clang_args: vec![],
        db,
        disabled: common.disable.clone(),
    })
}

/// Prints one file's outcome (new diagnostics only) and says what it means for the exit
/// status. Returns false when the output is closed.
fn print_outcome(
    out: &mut dyn Write,
    err: &mut dyn Write,
    path: &str,
    outcome: FileOutcome,
    seen: &mut HashSet<(String, u32, u32, &'static str)>,
    per_rule: &mut BTreeMap<&'static str, usize>,
    status: &mut ExitStatus,
) -> bool {
    let res = match outcome {
        FileOutcome::Analyzed {
            diagnostics,
            incomplete,
        } => {
            for name in incomplete {
                let _ = writeln!(
                    err,
                    "{path}: note: analysis of '{name}' stopped at its step budget; results may be incomplete"
                );
            }
            let fresh: Vec<_> = diagnostics
                .into_iter()
                .filter(|d| mmlint_driver::dedup_across_files(seen, d))
                .collect();
            for d in &fresh {
                *per_rule.entry(d.rule).or_default() += 1;
            }
            if !fresh.is_empty() {
                *status = (*status).max(ExitStatus::Findings);
            }
            mmlint_report::render_gcc(out, &fresh)
        }
        FileOutcome::Failed { reason, details } => {
            *status = ExitStatus::ToolError;
            mmlint_report::render_file_error(out, path, &reason, &details)
        }
    };
    res.and_then(|_| out.flush()).is_ok()
}

fn check_files(files: &[PathBuf], cfg: Config) -> ExitStatus {
    let mut status = ExitStatus::Clean;
    let mut seen = HashSet::new();
    let mut per_rule = BTreeMap::new();
    for f in files {
        let outcome = analyze_file(f, &cfg);
        let ok = print_outcome(
            &mut io::stdout().lock(),
            &mut io::stderr(),
            &f.display().to_string(),
            outcome,
            &mut seen,
            &mut per_rule,
            &mut status,
        );
        if !ok {
            break;
        }
    }
    status
}

fn batch(
    db: &std::path::Path,
    filters: &[PathBuf],
    cfg: Config,
    jobs: Option<usize>,
    timeout: Duration,
) -> ExitStatus {
    let filters: Vec<String> = filters.iter().map(|p| p.display().to_string()).collect();
    let mut units = match load_compdb(db, &filters) {
        Ok(u) => u,
        Err(e) => {
            eprintln!("mmlint: error: {e}");
            return ExitStatus::ToolError;
        }
    };
    if units.is_empty() {
        eprintln!(
            "mmlint: error: {}: no C translation units match",
            db.display()
        );
        return ExitStatus::ToolError;
    }
    for u in &mut units {
        u.args.extend(cfg.clang_args.iter().cloned());
    }
    let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let total = units.len();
    let bar = if io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new(total as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} TUs {elapsed_precise} (eta {eta})",
            )
            .expect("valid template"),
        );
        Some(b)
    } else {
        None
    };
    let start = Instant::now();
    let results = run_units(units, &cfg, jobs, timeout, &|done| {
        if let Some(b) = &bar {
            b.set_position(done as u64);
        }
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let mut status = ExitStatus::Clean;
    let mut seen = HashSet::new();
    let mut per_rule = BTreeMap::new();
    let mut failed = Vec::new();
    let mut out = io::stdout().lock();
    for r in results {
        if let FileOutcome::Failed { reason, .. } = &r.outcome {
            failed.push((r.unit.display.clone(), reason.clone()));
        }
        if !print_outcome(
            &mut out,
            &mut io::stderr(),
            &r.unit.display,
            r.outcome,
            &mut seen,
            &mut per_rule,
            &mut status,
        ) {
            break;
        }
    }
    drop(out);
    let wall = start.elapsed().as_secs_f64();
    eprintln!(
        "mmlint: {} TUs in {wall:.1} s (-j {jobs}): {} analyzed, {} failed",
        total,
        total - failed.len(),
        failed.len()
    );
    for (f, why) in &failed {
        eprintln!("mmlint:   failed: {f}: {why}");
    }
    let findings: Vec<String> = per_rule.iter().map(|(r, n)| format!("{r} {n}")).collect();
    eprintln!(
        "mmlint: findings: {}",
        if findings.is_empty() {
            "none".to_string()
        } else {
            findings.join(", ")
        }
    );
    status
}
