//! Whole-tree runs: read a compile_commands.json, pick the translation units, analyse them
//! in parallel worker processes with a per-TU time limit, and return the outcomes in
//! database order (so the output does not depend on `-j`).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Deserialize;

use crate::worker::{Job, Pool, WorkerCommand};
use crate::{Config, FileOutcome};
use mmlint_frontend::flags::{split_command, translate_for, Target};

/// One translation unit to analyse.
#[derive(Clone, Debug)]
pub struct Unit {
    /// The file as the database names it, relative to `directory` when it is inside it.
    pub display: String,
    pub directory: PathBuf,
    /// libclang arguments, including `-working-directory`.
    pub args: Vec<String>,
}

#[derive(Deserialize)]
struct RawEntry {
    directory: Option<String>,
    file: Option<String>,
    command: Option<String>,
    arguments: Option<Vec<String>>,
}

/// Reads and translates a compile_commands.json. `filters` keep the units whose file (as
/// displayed) is, or is under, one of the given paths; none keeps all. Errors are one line.
pub fn load_compdb(path: &Path, filters: &[String]) -> Result<Vec<Unit>, String> {
    load_compdb_for(path, filters, None)
}

/// [`load_compdb`], every unit parsed for `target` when given (`--target`) instead of the
/// one its command line names.
pub fn load_compdb_for(
    path: &Path,
    filters: &[String],
    target: Option<&Target>,
) -> Result<Vec<Unit>, String> {
    let where_ = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{where_}: cannot read: {e}"))?;
    let raw: Vec<serde_json::Value> = match serde_json::from_str(&text) {
        Ok(serde_json::Value::Array(a)) => a,
        Ok(_) => {
            return Err(format!(
                "{where_}: not a compile_commands.json: the top level must be a JSON array"
            ))
        }
        Err(e) => return Err(format!("{where_}: not valid JSON: {e}")),
    };
    let db_dir = path.parent().unwrap_or(Path::new("."));
    let mut units = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, v) in raw.into_iter().enumerate() {
        let e: RawEntry = serde_json::from_value(v)
            .map_err(|e| format!("{where_}: entry {i}: wrong shape: {e}"))?;
        let (Some(dir), Some(file)) = (e.directory, e.file) else {
            return Err(format!(
                "{where_}: entry {i}: needs \"directory\" and \"file\""
            ));
        };
        let argv = match (e.arguments, e.command) {
            (Some(a), _) => a,
            (None, Some(c)) => {
                split_command(&c).map_err(|m| format!("{where_}: entry {i}: {m}"))?
            }
            (None, None) => {
                return Err(format!(
                    "{where_}: entry {i}: needs \"command\" or \"arguments\""
                ))
            }
        };
        let dir = if Path::new(&dir).is_absolute() {
            PathBuf::from(dir)
        } else {
            db_dir.join(dir)
        };
        let abs = if Path::new(&file).is_absolute() {
            PathBuf::from(&file)
        } else {
            dir.join(&file)
        };
        // A file that no longer exists (a stale database after a branch switch) is that
        // unit's failure when it is analysed, not the whole run's.
        let display = abs
            .strip_prefix(&dir)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| abs.display().to_string());
        if !filters.is_empty()
            && !filters.iter().any(|f| {
                let f = f.trim_end_matches('/');
                display == f || display.starts_with(&format!("{f}/"))
            })
        {
            continue;
        }
        // Assembly and duplicate entries (a file built twice) are not analysed twice.
        if !display.ends_with(".c") || !seen.insert(display.clone()) {
            continue;
        }
        let compiler = argv.first().map(String::as_str);
        let mut args = translate_for(compiler, argv.get(1..).unwrap_or(&[]), target).args;
        args.push(format!("-working-directory={}", dir.display()));
        units.push(Unit {
            display,
            directory: dir,
            args,
        });
    }
    Ok(units)
}

/// What happened to one unit.
#[derive(Debug)]
pub struct UnitResult {
    pub unit: Unit,
    pub outcome: FileOutcome,
    pub elapsed: Duration,
}

/// Analyses `units` in `jobs` worker processes started with `worker` (see
/// [`crate::worker`]); each unit gets `timeout`. `progress` is called after each unit with
/// the number done so far. Results are in the order of `units`.
pub fn run_units(
    units: Vec<Unit>,
    cfg: &Config,
    jobs: usize,
    timeout: Duration,
    worker: &WorkerCommand,
    progress: &(dyn Fn(usize) + Sync),
) -> Vec<UnitResult> {
    let done = AtomicUsize::new(0);
    let workers = Pool::new(worker.clone(), cfg);
    // The threads only wait for their workers' replies.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build()
        .expect("thread pool");
    pool.install(|| {
        units
            .into_par_iter()
            .map(|unit| {
                let start = Instant::now();
                let job = Job {
                    path: unit.display.clone(),
                    args: unit.args.clone(),
                    contents: None,
                };
                let outcome =
                    workers
                        .analyze(&job, timeout, None)
                        .unwrap_or_else(|a| FileOutcome::Failed {
                            reason: a.reason(),
                            details: vec![],
                        });
                progress(done.fetch_add(1, Ordering::Relaxed) + 1);
                UnitResult {
                    unit,
                    outcome,
                    elapsed: start.elapsed(),
                }
            })
            .collect()
    })
}
