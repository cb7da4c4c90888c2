//! The `mmlint` command: argument parsing, exit codes, choosing what to print.
//!
//! Two front doors: the subcommands (`mmlint check …`), and Kbuild's checker protocol
//! (`make C=1 CHECK=mmlint`), where mmlint is called like a compiler with no subcommand.

mod baseline;
mod config;
mod fix;
mod install_files;
mod kbuild_check;
mod lsp_cmd;
mod run_setup;
mod run_summary;
mod summarize;
mod target;
mod version;
mod worker_cmd;

use std::collections::{BTreeMap, HashSet};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use mmlint_diagnostics::Diagnostic;
use mmlint_driver::batch::{load_compdb_for, run_units, Unit};
use mmlint_driver::{Config, FileOutcome};
use mmlint_report::{Failure, Format, RenderCx};
use mmlint_rules::KernelVersion;
use run_setup::list_rules;
pub(crate) use run_setup::{setup, TreeHint};
use run_summary::{count_outcomes, BatchSummary};

/// Finds mmap_lock / VMA lifetime bugs in Linux kernel C code.
///
/// Called without a subcommand, mmlint acts as Kbuild's checker: `make C=1 CHECK=mmlint`.
#[derive(Parser)]
#[command(name = "mmlint", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Default)]
struct CommonOpts {
    /// Extra rules-data directory (*.toml), layered over the built-in rules/.
    #[arg(long, value_name = "DIR")]
    rules_dir: Vec<PathBuf>,
    /// Turn a rule off (repeatable).
    #[arg(long, value_name = "RULE")]
    disable: Vec<String>,
    /// Turn on a rule that is off by default (repeatable; `mmlint rules` marks them).
    #[arg(long, value_name = "RULE")]
    enable: Vec<String>,
    /// Summaries of functions defined in other files, written by `mmlint summarize`.
    #[arg(long, value_name = "FILE")]
    summaries: Option<PathBuf>,
    /// The kernel analysed (X.Y or X.Y.Z), for the rules data's version ranges (default:
    /// mmlint.toml's kernel_version, else the tree's include/generated/uapi/linux/version.h).
    #[arg(long, value_name = "X.Y")]
    kernel_version: Option<KernelVersion>,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Gcc,
    Human,
    Json,
    Sarif,
}

#[derive(Clone, Copy, ValueEnum, Default)]
enum ColorArg {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(clap::Args)]
struct OutputOpts {
    /// Output format (default: human on a terminal, gcc otherwise).
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Write the report to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Colour in the human format.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorArg,
    /// SARIF artifact URIs are relative to DIR (default: the current directory, or the
    /// compile_commands.json directory with -p).
    #[arg(long, value_name = "DIR")]
    srcroot: Option<PathBuf>,
    /// Report only findings whose fingerprint is not in FILE (an earlier SARIF or JSON run).
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Write this run's findings to FILE (JSON lines) for --baseline.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Print the number of findings per rule on stderr.
    #[arg(long)]
    statistics: bool,
    /// Report mmlint-ignore comments that suppress nothing.
    #[arg(long)]
    report_unused_suppressions: bool,
    /// Settings file (default: the nearest mmlint.toml at or above the current directory).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Where the rule pages (docs/rules/) are published: findings link to URL/RULE.md
    /// (default: `doc-url` of mmlint.toml; unset, no links: see `mmlint explain RULE`).
    #[arg(long, value_name = "URL")]
    doc_url: Option<String>,
}

/// Which files to analyse, shared by the commands that analyse a tree.
#[derive(clap::Args)]
pub(crate) struct Units {
    /// C files; with -p, paths (files or directories) selecting the database's units.
    paths: Vec<PathBuf>,
    /// A compile_commands.json: its translation units, each with its own flags.
    #[arg(short = 'p', long = "compile-commands", value_name = "FILE")]
    compdb: Option<PathBuf>,
    /// Parallel jobs (default: the number of CPUs with -p, 1 for files).
    #[arg(short = 'j', long, value_name = "N")]
    jobs: Option<usize>,
    /// Per-file time limit in seconds: a file whose analysis takes longer fails, the others
    /// go on.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    timeout: u64,
    /// Parse for this kernel ARCH (arm64, parisc, ...) or clang triple, whatever the
    /// command lines say (default: found from each line; docs/architectures.md).
    #[arg(long, value_name = "ARCH|TRIPLE")]
    target: Option<String>,
    /// With -p, analyse every unit again instead of reusing the results of unchanged ones.
    #[arg(long)]
    no_cache: bool,
    /// Where results and header scans are kept between runs (default:
    /// $XDG_CACHE_HOME/mmlint, or ~/.cache/mmlint).
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Parse every unit, also those whose text cannot reach the mm API (for comparisons;
    /// the results are the same).
    #[arg(long)]
    no_unit_prefilter: bool,
}

// Parsed once at start-up: the size of the `check` variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Analyse C files (or a compile_commands.json) and report mmap_lock/VMA bugs.
    Check {
        #[command(flatten)]
        units: Units,
        /// Exit 0 even when there are findings (tool errors still exit 2).
        #[arg(long)]
        exit_zero: bool,
        #[command(flatten)]
        common: CommonOpts,
        #[command(flatten)]
        output: OutputOpts,
        /// Compiler arguments for clang (include paths, defines), after `--`.
        #[arg(last = true, value_name = "COMPILER_ARGS")]
        compiler_args: Vec<String>,
    },
    /// Print the rules' fixes as a patch for `patch -p1` (or apply them with --apply).
    Fix(fix::FixArgs),
    /// Learn the summaries of the exported functions of a tree's units (what each does to
    /// the mmap_lock, per outcome) and write them to one file for `check --summaries`.
    Summarize {
        #[command(flatten)]
        units: Units,
        /// Where to write the summary file.
        #[arg(short = 'o', long, value_name = "FILE")]
        output: PathBuf,
        #[command(flatten)]
        common: CommonOpts,
        /// Compiler arguments for clang, after `--`.
        #[arg(last = true, value_name = "COMPILER_ARGS")]
        compiler_args: Vec<String>,
    },
    /// List the rules: id, default level, summary; with --kernel-version, also the API data
    /// entries that apply to that kernel.
    Rules {
        /// Also list the rules-data entries for this kernel (X.Y or X.Y.Z).
        #[arg(long, value_name = "X.Y")]
        kernel_version: Option<KernelVersion>,
        /// Extra rules-data directory (*.toml), layered over the built-in rules/.
        #[arg(long, value_name = "DIR")]
        rules_dir: Vec<PathBuf>,
    },
    /// Print a rule's documentation.
    Explain {
        /// A rule id, e.g. dangling-vma.
        rule: String,
    },
    /// Serve the Language Server Protocol on stdio (editor diagnostics; docs/editors.md).
    Lsp {
        /// Use this compile_commands.json for every file (default: the nearest one above
        /// each file).
        #[arg(short = 'p', long = "compile-commands", value_name = "FILE")]
        compdb: Option<PathBuf>,
        /// Analyses that may run at once.
        #[arg(short = 'j', long, value_name = "N", default_value_t = 2)]
        jobs: usize,
        /// Milliseconds without edits before an unsaved buffer is analysed.
        #[arg(long, value_name = "MS", default_value_t = 300)]
        debounce: u64,
        /// Time limit in seconds for one analysis: it is abandoned (and logged), the server
        /// goes on.
        #[arg(long, value_name = "SECONDS", default_value_t = 120)]
        timeout: u64,
        /// Settings file (default: the nearest mmlint.toml at or above the current directory).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Where the rule pages are published: diagnostics link to URL/RULE.md
        /// (`codeDescription`; default: `doc-url` of mmlint.toml, else no link).
        #[arg(long, value_name = "URL")]
        doc_url: Option<String>,
        #[command(flatten)]
        common: CommonOpts,
        /// Compiler arguments for files no compile_commands.json covers, after `--`.
        #[arg(last = true, value_name = "COMPILER_ARGS")]
        compiler_args: Vec<String>,
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
    /// Write the man pages and shell completions into DIR (what `make install` installs).
    #[command(hide = true)]
    InstallFiles { dir: PathBuf },
}

/// 0: no findings; 1: findings; 2: a file could not be analysed, or a usage error.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum ExitStatus {
    Clean = 0,
    Findings = 1,
    ToolError = 2,
}

const SUBCOMMANDS: &[&str] = &[
    "check",
    "fix",
    "summarize",
    "rules",
    "explain",
    "dump-cfg",
    "lsp",
    "install-files",
    "help",
];

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().collect();
    if let Some(first) = argv.get(1) {
        if first == worker_cmd::NAME {
            // Nothing outlives the worker's loop: leave without libclang's destructors.
            ABANDONED_THREADS.store(true, std::sync::atomic::Ordering::SeqCst);
            return exit(worker_cmd::run());
        }
        let is_cli = SUBCOMMANDS.contains(&first.as_str())
            || matches!(first.as_str(), "-h" | "--help" | "-V" | "--version");
        if !is_cli {
            return ExitCode::from(kbuild_check::run(&argv[1..]));
        }
        // clap's version flag would print a fixed string; this one names the libclang and
        // the rules data too.
        if matches!(first.as_str(), "-V" | "--version") {
            return exit(version::run(&argv[2..]));
        }
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    let status = match cli.command {
        Command::Check {
            units,
            exit_zero,
            common,
            output,
            compiler_args,
        } => {
            let run = CheckRun::new(units, compiler_args);
            let status = check(run, common, &output);
            if exit_zero && status == ExitStatus::Findings {
                ExitStatus::Clean
            } else {
                status
            }
        }
        Command::Fix(args) => fix::run(args),
        Command::Summarize {
            units,
            output,
            common,
            compiler_args,
        } => {
            let run = CheckRun::new(units, compiler_args);
            summarize::run(run, common, &output)
        }
        Command::InstallFiles { dir } => install_files::run(Cli::command(), &dir),
        Command::Rules {
            kernel_version,
            rules_dir,
        } => list_rules(kernel_version, &rules_dir),
        Command::Explain { rule } => match mmlint_checks::find_rule_meta(&rule) {
            Some(m) => print_stdout(m.doc),
            None => {
                eprintln!("mmlint: error: unknown rule '{rule}' (see `mmlint rules`)");
                ExitStatus::ToolError
            }
        },
        Command::Lsp {
            compdb,
            jobs,
            debounce,
            timeout,
            config,
            doc_url,
            common,
            compiler_args,
        } => lsp_cmd::run(lsp_cmd::LspArgs {
            common,
            compdb,
            jobs,
            debounce_ms: debounce,
            timeout: Duration::from_secs(timeout),
            config,
            doc_url,
            compiler_args,
        }),
        Command::DumpCfg {
            file,
            function,
            compiler_args,
        } => match mmlint_frontend::parse_file(&file, &compiler_args) {
            Ok(tu) => {
                let text: String = mmlint_driver::bodies(&tu, function.as_deref())
                    .iter()
                    .map(|b| format!("{b}\n"))
                    .collect();
                let printed = print_stdout(&text);
                // The graphs of a file clang could not parse are shown (this is for
                // debugging) but are not mistaken for a clean run.
                if let Some(e) = tu.errors.first() {
                    let at = e.loc.as_ref().map_or(String::new(), |l| format!("{l}: "));
                    eprintln!(
                        "{}: error: clang could not parse this file ({} error{}; first: {at}{})",
                        file.display(),
                        tu.errors.len(),
                        if tu.errors.len() == 1 { "" } else { "s" },
                        e.message
                    );
                    ExitStatus::ToolError
                } else {
                    printed
                }
            }
            Err(e) => {
                eprintln!("{}: error: {e}", file.display());
                ExitStatus::ToolError
            }
        },
    };
    exit(status)
}

/// Ends the process. A thread that may still be inside libclang (the language server's
/// are never joined) would see libclang's static destructors run under it on a return
/// from main (heap corruption, "double free", exit 134 after the report was printed), so
/// such a process leaves without running them.
fn exit(status: ExitStatus) -> ExitCode {
    if ABANDONED_THREADS.load(std::sync::atomic::Ordering::SeqCst) {
        let _ = io::stdout().flush();
        let _ = io::stderr().flush();
        // SAFETY: _exit only ends the process; the output above has been flushed.
        unsafe { libc::_exit(status as i32) }
    }
    ExitCode::from(status as u8)
}

/// Writes a command's whole output. `println!` panics (exit 101) when stdout is closed
/// (`mmlint rules | head -1`) or full; a closed pipe is the reader's choice, anything else
/// is a one-line error.
fn print_stdout(text: &str) -> ExitStatus {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => ExitStatus::Clean,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitStatus::Clean,
        Err(e) => {
            eprintln!("mmlint: error: stdout: {e}");
            ExitStatus::ToolError
        }
    }
}

/// Set when a thread may still be running inside libclang (see [`exit`]).
pub(crate) static ABANDONED_THREADS: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// clap's errors as one line (`mmlint: error: …`), exit 2; help and version as clap prints
/// them. clap's own text adds a tip and the usage over several lines, which drowns the one
/// line that matters in a build log.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit();
    }
    eprintln!(
        "mmlint: error: {} (see `mmlint --help`)",
        clap_message(&e.to_string())
    );
    ExitCode::from(ExitStatus::ToolError as u8)
}

/// The first paragraph of clap's rendered error, without its `error: ` and on one line.
fn clap_message(rendered: &str) -> String {
    let para = rendered.split("\n\n").next().unwrap_or(rendered);
    let para = para.trim().strip_prefix("error: ").unwrap_or(para.trim());
    para.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Prints a tool error as one line: messages from parsers (TOML, JSON) may span several.
pub(crate) fn error_line(msg: impl std::fmt::Display) {
    eprintln!("mmlint: error: {}", one_line(&msg.to_string()));
}

pub(crate) fn one_line(msg: &str) -> String {
    msg.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Checks that `path` can be written before the analysis starts, so a typo in -o or
/// --output costs a second, not the whole run. An existing file is left as it is (it is
/// overwritten only at the end); a new one is removed again.
pub(crate) fn check_writable(path: &Path, what: &str) -> Result<(), ExitStatus> {
    let existed = path.exists();
    // A FIFO or a device (`--output /dev/stdout`, `>(gzip)`) is not probed: opening a FIFO
    // twice would hand its reader an early end of file.
    if existed && !path.is_file() && !path.is_dir() {
        return Ok(());
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
    {
        Ok(_) => {
            if !existed {
                let _ = std::fs::remove_file(path);
            }
            Ok(())
        }
        Err(e) => {
            eprintln!(
                "mmlint: error: {}: cannot write {what}: {e}",
                path.display()
            );
            Err(ExitStatus::ToolError)
        }
    }
}

/// Keeps the diagnostics not seen before in this run (a header's inline function is
/// analysed once per including file but reported once) and not suppressed.
fn fresh(
    diagnostics: Vec<Diagnostic>,
    seen: &mut HashSet<(String, u32, u32, &'static str)>,
) -> Vec<Diagnostic> {
    diagnostics
        .into_iter()
        .filter(|d| mmlint_driver::dedup_across_files(seen, d))
        .collect()
}

/// Prints one file's outcome gcc-style as it arrives (files mode and Kbuild's CHECK) and
/// updates the exit status. Returns false when the output is closed.
fn print_outcome(
    out: &mut dyn Write,
    err: &mut dyn Write,
    path: &str,
    outcome: FileOutcome,
    seen: &mut HashSet<(String, u32, u32, &'static str)>,
    status: &mut ExitStatus,
) -> bool {
    let res = match outcome {
        FileOutcome::Analyzed {
            diagnostics,
            incomplete,
            ..
        } => {
            note_incomplete(err, path, &incomplete);
            let shown: Vec<Diagnostic> = fresh(diagnostics, seen)
                .into_iter()
                .filter(|d| d.suppression.is_none())
                .collect();
            if !shown.is_empty() {
                *status = (*status).max(ExitStatus::Findings);
            }
            mmlint_report::render_gcc(out, &shown)
        }
        FileOutcome::Failed { reason, details } => {
            *status = ExitStatus::ToolError;
            mmlint_report::render_file_error(out, path, &reason, &details)
        }
    };
    res.and_then(|_| out.flush()).is_ok()
}

fn note_incomplete(err: &mut dyn Write, path: &str, incomplete: &[String]) {
    for name in incomplete {
        let _ = writeln!(
            err,
            "{path}: note: analysis of '{name}' stopped at its step budget; results may be incomplete"
        );
    }
}

/// The rule pages' address: `--doc-url` over mmlint.toml's `doc-url`. Errors are printed.
pub(crate) fn doc_url(
    flag: Option<&str>,
    settings: &config::Config,
) -> Result<Option<String>, ExitStatus> {
    match flag {
        Some(u) => config::doc_url(u).map(Some).map_err(|e| {
            crate::error_line(format!("--doc-url: {e}"));
            ExitStatus::ToolError
        }),
        None => Ok(settings.doc_url.clone()),
    }
}

/// Loads mmlint.toml (the one given, or the nearest at or above the current directory) and
/// layers the command line on top of it: its disabled and enabled rules and rules
/// directories join `common`'s. Errors are printed.
pub(crate) fn layer_settings(
    explicit: Option<&Path>,
    common: &mut CommonOpts,
) -> Result<config::Config, ExitStatus> {
    let settings = match explicit {
        Some(p) => config::load(p),
        None => match std::env::current_dir().ok().and_then(|d| config::find(&d)) {
            Some(p) => config::load(&p),
            None => Ok(config::Config::default()),
        },
    };
    let settings = settings.map_err(|e| {
        crate::error_line(&e);
        ExitStatus::ToolError
    })?;
    if common.kernel_version.is_none() {
        common.kernel_version = settings.kernel_version;
    }
    common.disable.extend(settings.disable.iter().cloned());
    common.enable.extend(settings.enable.iter().cloned());
    common
        .rules_dir
        .splice(0..0, settings.rules_dirs.iter().cloned());
    Ok(settings)
}

pub(crate) struct CheckRun {
    paths: Vec<PathBuf>,
    compdb: Option<PathBuf>,
    jobs: Option<usize>,
    timeout: Duration,
    compiler_args: Vec<String>,
    /// `--target`, or mmlint.toml's `target` (target.rs).
    target: Option<String>,
    no_cache: bool,
    cache_dir: Option<PathBuf>,
    no_unit_prefilter: bool,
}

impl CheckRun {
    pub(crate) fn new(u: Units, compiler_args: Vec<String>) -> CheckRun {
        CheckRun {
            paths: u.paths,
            compdb: u.compdb,
            jobs: u.jobs,
            timeout: Duration::from_secs(u.timeout),
            compiler_args,
            target: u.target,
            no_cache: u.no_cache,
            cache_dir: u.cache_dir,
            no_unit_prefilter: u.no_unit_prefilter,
        }
    }
}

fn check(mut run: CheckRun, mut common: CommonOpts, o: &OutputOpts) -> ExitStatus {
    let settings = match layer_settings(o.config.as_deref(), &mut common) {
        Ok(s) => s,
        Err(st) => return st,
    };
    let doc_url = match doc_url(o.doc_url.as_deref(), &settings) {
        Ok(u) => u,
        Err(st) => return st,
    };
    run.settings(&settings);
    let hint = TreeHint {
        compdb: run.compdb.as_deref(),
        clang_args: &run.compiler_args,
    };
    let cfg = match setup(&common, hint) {
        Ok(mut cfg) => {
            cfg.clang_args = run.compiler_args.clone();
            cfg.report_unused_suppressions = o.report_unused_suppressions;
            cfg
        }
        Err(s) => return s,
    };
    let baseline = match &o.baseline {
        Some(p) => match baseline::load(p) {
            Ok(b) => Some(b),
            Err(e) => {
                crate::error_line(&e);
                return ExitStatus::ToolError;
            }
        },
        None => None,
    };
    if let Some(p) = &o.output {
        if let Err(st) = check_writable(p, "the report") {
            return st;
        }
    }
    if let Some(p) = &o.write_baseline {
        if let Err(st) = check_writable(p, "baseline") {
            return st;
        }
    }
    let stdout_tty = o.output.is_none() && io::stdout().is_terminal();
    let format = match o.format {
        Some(FormatArg::Gcc) => Format::Gcc,
        Some(FormatArg::Human) => Format::Human,
        Some(FormatArg::Json) => Format::Json,
        Some(FormatArg::Sarif) => Format::Sarif,
        None if stdout_tty => Format::Human,
        None => Format::Gcc,
    };

    let (results, base_dir, summary) = match analyze_run(&run, &cfg, "check") {
        Ok(x) => x,
        Err(s) => return s,
    };

    // Collect, in input order.
    let mut status = ExitStatus::Clean;
    let mut seen = HashSet::new();
    let mut diags = Vec::new();
    let mut failures = Vec::new();
    for (path, outcome) in results {
        match outcome {
            FileOutcome::Analyzed {
                diagnostics,
                incomplete,
                ..
            } => {
                note_incomplete(&mut io::stderr(), &path, &incomplete);
                diags.extend(fresh(diagnostics, &mut seen));
            }
            FileOutcome::Failed { reason, details } => {
                status = ExitStatus::ToolError;
                failures.push(Failure {
                    path,
                    reason,
                    details,
                });
            }
        }
    }
    for d in &mut diags {
        if let Some(s) = settings.severity.get(d.rule) {
            d.severity = *s;
        }
    }
    if let Some(b) = &baseline {
        diags.retain(|d| !b.contains(&d.fingerprint));
    }
    let abs_base = std::fs::canonicalize(&base_dir).unwrap_or(base_dir.clone());
    let srcroot = o
        .srcroot
        .clone()
        .map(|p| std::fs::canonicalize(&p).unwrap_or(p))
        .unwrap_or_else(|| abs_base.clone());
    let version = env!("CARGO_PKG_VERSION");
    let cx = |color: bool| RenderCx {
        srcroot: &srcroot,
        base_dir: &abs_base,
        color,
        version,
        doc_url: doc_url.as_deref(),
        failures: &failures,
    };
    if let Some(path) = &o.write_baseline {
        let res = std::fs::File::create(path).and_then(|mut f| {
            let empty = RenderCx {
                failures: &[],
                ..cx(false)
            };
            mmlint_report::render(Format::Json, &mut f, &diags, &empty)
        });
        if let Err(e) = res {
            eprintln!(
                "mmlint: error: {}: cannot write baseline: {e}",
                path.display()
            );
            return ExitStatus::ToolError;
        }
    }
    let color = match o.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => stdout_tty,
    };
    let written = match &o.output {
        Some(path) => std::fs::File::create(path)
            .and_then(|mut f| mmlint_report::render(format, &mut f, &diags, &cx(color))),
        None => {
            let mut out = io::stdout().lock();
            mmlint_report::render(format, &mut out, &diags, &cx(color)).and_then(|_| out.flush())
        }
    };
    if let Err(e) = written {
        if e.kind() != io::ErrorKind::BrokenPipe {
            let to = o
                .output
                .as_ref()
                .map_or("stdout".to_string(), |p| p.display().to_string());
            eprintln!("mmlint: error: {to}: cannot write the report: {e}");
            return ExitStatus::ToolError;
        }
    }
    let shown = diags.iter().filter(|d| d.suppression.is_none()).count();
    if shown > 0 {
        status = status.max(ExitStatus::Findings);
    }
    let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for d in diags.iter().filter(|d| d.suppression.is_none()) {
        *per_rule.entry(d.rule).or_default() += 1;
    }
    if let Some(s) = summary {
        s.print(&failures, &per_rule);
    }
    if o.statistics {
        for (r, n) in &per_rule {
            eprintln!("{n:>6}  {r}");
        }
        let suppressed = diags.len() - shown;
        if suppressed > 0 {
            eprintln!("{suppressed:>6}  (suppressed)");
        }
    }
    status
}

type Analyzed = (Vec<(String, FileOutcome)>, PathBuf, Option<BatchSummary>);

/// Analyses what `run` names: a compile_commands.json's units (in database order), or the
/// files given. `verb` says what for, in the error when there is nothing to analyse.
pub(crate) fn analyze_run(
    run: &CheckRun,
    cfg: &Config,
    verb: &str,
) -> Result<Analyzed, ExitStatus> {
    let cfg = &run.configure(cfg);
    match &run.compdb {
        Some(db) => batch(db, run, cfg),
        None if run.paths.is_empty() => {
            eprintln!(
                "mmlint: error: no files to {verb} (give FILE... or -p compile_commands.json)"
            );
            Err(ExitStatus::ToolError)
        }
        None => {
            let with_target = target::in_front(cfg, run.target()?.as_ref());
            let cfg = with_target.as_ref().unwrap_or(cfg);
            let units = run
                .paths
                .iter()
                .map(|f| Unit {
                    display: f.display().to_string(),
                    directory: PathBuf::from("."),
                    args: cfg.clang_args.clone(),
                })
                .collect();
            let worker = worker_cmd::command()?;
            let results = run_units(
                units,
                cfg,
                run.jobs.unwrap_or(1),
                run.timeout,
                &worker,
                &|_| {},
            );
            let results = results
                .into_iter()
                .map(|r| (r.unit.display, r.outcome))
                .collect();
            Ok((results, PathBuf::from("."), None))
        }
    }
}

fn batch(db: &Path, run: &CheckRun, cfg: &Config) -> Result<Analyzed, ExitStatus> {
    let filters: Vec<String> = run.paths.iter().map(|p| p.display().to_string()).collect();
    let mut units = load_compdb_for(db, &filters, run.target()?.as_ref()).map_err(|e| {
        crate::error_line(&e);
        ExitStatus::ToolError
    })?;
    if units.is_empty() {
        eprintln!(
            "mmlint: error: {}: no C translation units match",
            db.display()
        );
        return Err(ExitStatus::ToolError);
    }
    for u in &mut units {
        u.args.extend(cfg.clang_args.iter().cloned());
    }
    let jobs = run
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let total = units.len();
    let bar = io::stderr().is_terminal().then(|| {
        let b = indicatif::ProgressBar::new(total as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} TUs {elapsed_precise} (eta {eta})",
            )
            .expect("valid template"),
        );
        b
    });
    let worker = worker_cmd::command()?;
    let start = Instant::now();
    let results = run_units(units, cfg, jobs, run.timeout, &worker, &|done| {
        if let Some(b) = &bar {
            b.set_position(done as u64);
        }
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let base = db.parent().map(Path::to_path_buf).unwrap_or_default();
    let base = if base.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        base
    };
    let summary = BatchSummary {
        total,
        skipped: count_outcomes(results.iter().map(|r| &r.outcome), |o| o.0),
        cached: count_outcomes(results.iter().map(|r| &r.outcome), |o| !o.0 && o.1),
        jobs,
        wall: start.elapsed().as_secs_f64(),
        kernel: cfg.kernel.clone(),
    };
    Ok((
        results
            .into_iter()
            .map(|r| (r.unit.display, r.outcome))
            .collect(),
        base,
        Some(summary),
    ))
}
