//! The per-file pipeline: parse with the frontend, build each function's CFG, run the
//! lock/VMA analysis on the functions that touch the mm API, run the checks.
//!
//! **Invariant:** one file's failure (missing, unparsable, internal panic) is that file's
//! [`FileOutcome::Failed`]; it never loses another file's results.

pub mod batch;
pub mod cache;
mod entry;
pub mod kernel_version;
pub mod summary_file;
pub mod unit_prefilter;
pub mod worker;
/// Kbuild command-line translation (re-exported from the frontend, which owns it).
pub use mmlint_frontend::flags as kbuild;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use mmlint_cfg::Body;
use mmlint_checks::{run_checks, FnCx};
use mmlint_diagnostics::{Diagnostic, SourceFile};
use mmlint_domains::Lookup;
pub use mmlint_domains::{Summaries, Summary};
use mmlint_frontend::{HeaderBodies, Prefilter};
use mmlint_ir::{Function, TranslationUnit};
use mmlint_rules::ApiDb;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// What the driver needs besides the file: compiler arguments, API data, enabled rules.
/// Cheap to clone: the API data and what is derived from it are shared.
#[derive(Clone)]
pub struct Config {
    pub clang_args: Vec<String>,
    pub db: Arc<ApiDb>,
    /// Which header functions the frontend lowers, derived from `db` once.
    prefilter: Arc<Prefilter>,
    pub disabled: Vec<String>,
    /// Rules that are off by default, turned on by name.
    pub enabled: Vec<String>,
    /// Also report `mmlint-ignore` comments that suppress nothing.
    pub report_unused_suppressions: bool,
    /// Summaries of functions defined in other units (`mmlint summarize`).
    pub summaries: Option<Arc<Summaries>>,
    /// The kernel the rules data was selected for and where that came from, for the run's
    /// summary line (`None`: unknown, every version's entries apply).
    pub kernel: Option<String>,
    /// Where `db` and `summaries` came from, so that a worker process can load the same
    /// (see [`worker::Setup`]): the rules directories layered over the built-in rules,
    /// and the summary file.
    pub rules_dirs: Vec<PathBuf>,
    pub summaries_file: Option<PathBuf>,
    /// Skips units whose text cannot reach the API ([`Config::enable_unit_prefilter`]).
    pub unit_prefilter: Option<Arc<unit_prefilter::UnitPrefilter>>,
    /// Reuses the results of unchanged units ([`Config::enable_cache`]).
    pub cache: Option<Arc<cache::ResultCache>>,
    /// Whether header bodies are analysed when there is no unit prefilter to decide it
    /// (a caller that ran [`prefilter_verdict`] itself passes on its answer here).
    pub header_bodies: HeaderBodies,
    /// The run keeps the summaries units export (`mmlint summarize`), not only findings:
    /// the unit prefilter then parses every unit that names a word, also those whose
    /// functions can only have summaries without effect.
    pub wants_summaries: bool,
}

impl Config {
    /// All rules enabled, no compiler arguments.
    pub fn new(db: ApiDb) -> Config {
        // Only functions that mention the API are lowered: the others cannot produce a
        // finding (the analysis skips them anyway, see `is_relevant`), and lowering them
        // would cost as much as clang's whole parse.
        let prefilter = Arc::new(Prefilter::new(&db.interesting_words()));
        Config {
            clang_args: vec![],
            db: Arc::new(db),
            prefilter,
            disabled: vec![],
            enabled: vec![],
            report_unused_suppressions: false,
            summaries: None,
            kernel: None,
            rules_dirs: vec![],
            summaries_file: None,
            unit_prefilter: None,
            cache: None,
            header_bodies: HeaderBodies::Parse,
            wants_summaries: false,
        }
    }

    /// Turns on the unit-level prefilter, for the current rules data and summaries (call
    /// it after setting `summaries` and `wants_summaries`). Header scans are kept under
    /// `cache_dir`, if any.
    pub fn enable_unit_prefilter(&mut self, cache_dir: Option<std::path::PathBuf>) {
        let mut words = self.db.interesting_words();
        let mut effects = self.db.effect_words();
        if let Some(s) = &self.summaries {
            words.extend(s.keys().cloned());
            effects.extend(s.keys().cloned());
        }
        let mut u = unit_prefilter::UnitPrefilter::new(&words, &effects, cache_dir);
        if !self.wants_summaries {
            let (entry_words, entry_prefixes) = self.db.read_hold_entry_names();
            u = u.for_findings(entry_words, entry_prefixes);
        }
        self.unit_prefilter = Some(Arc::new(u));
    }

    /// Turns on the result cache in `dir` for the current settings (call it last).
    pub fn enable_cache(&mut self, dir: std::path::PathBuf) {
        self.cache = Some(Arc::new(cache::ResultCache::new(
            dir,
            &self.result_key_material(),
        )));
    }

    /// Everything besides the unit's own files and flags that changes a unit's result:
    /// the result cache's key. A new setting that changes results belongs here.
    pub fn result_key_material(&self) -> Vec<String> {
        let mut m = vec![
            format!("mmlint {}", env!("CARGO_PKG_VERSION")),
            format!("disabled {:?}", self.disabled),
            format!("enabled {:?}", self.enabled),
            format!("unused-suppressions {}", self.report_unused_suppressions),
            // The same rules files select other entries for another kernel.
            format!("kernel {:?}", self.db.kernel_version()),
            // A rebuilt mmlint of the same version (a developer's tree) analyses
            // differently: the executable's size and time tell the builds apart.
            format!("executable {}", executable_identity()),
            format!("parse header bodies {}", parse_header_bodies_forced()),
            // A unit the prefilter skipped is cached as skipped: not an answer for a run
            // that parses every unit.
            format!("unit prefilter {}", self.unit_prefilter.is_some()),
            // With findings only, units that can only export summaries are skipped.
            format!("summaries wanted {}", self.wants_summaries),
        ];
        for (file, text) in &self.db.sources {
            m.push(format!("rules {file}"));
            m.push(text.clone());
        }
        if let Some(s) = &self.summaries {
            let sorted: std::collections::BTreeMap<_, _> =
                s.iter().map(|(k, v)| (k, &**v)).collect();
            m.push(serde_json::to_string(&sorted).unwrap_or_default());
        }
        m
    }
}

/// The running executable's size and modification time (empty when unknown).
fn executable_identity() -> String {
    std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| format!("{} {:?}", m.len(), m.modified().ok()))
        .unwrap_or_default()
}

/// Serializable, so that a unit analysed in a worker process (crash isolation) comes back
/// as the same value.
#[derive(Debug, Serialize, Deserialize)]
pub enum FileOutcome {
    Analyzed {
        diagnostics: Vec<Diagnostic>,
        /// Functions whose analysis hit the step budget (results may be incomplete).
        incomplete: Vec<String>,
        /// Summaries of the unit's functions that other units can call.
        exported: Vec<(String, Arc<mmlint_domains::Summary>)>,
        /// Not parsed: the unit-level prefilter found that its text cannot reach the API
        /// (so there is nothing in the other fields).
        skipped: bool,
        /// Reused from the result cache: the unit and every file it read are unchanged.
        #[serde(default)]
        cached: bool,
    },
    /// The file could not be analyzed: a one-line reason, then clang's first errors.
    Failed {
        reason: String,
        details: Vec<String>,
    },
}

/// How many of clang's errors to show for a file that does not parse.
const SHOWN_PARSE_ERRORS: usize = 3;

pub fn analyze_file(path: &Path, cfg: &Config) -> FileOutcome {
    let main = base_dir(&cfg.clang_args).join(path);
    // The main file's text: for the prefilter, the cache, and checks that emit fixes;
    // without it there are no fixes (and the frontend says why the file cannot be read).
    let text = std::fs::read(&main).ok();
    // The cache first: an unchanged unit, parsed or skipped last time, costs the hashes
    // of its files (each computed once per run) instead of the prefilter's walk of its
    // include paths. The verdict an entry was made under follows from the same files.
    if let (Some(c), Some(text)) = (&cfg.cache, &text) {
        if let Some(o) = c.lookup(&main, text, &cfg.clang_args) {
            return o;
        }
    }
    let mut header_bodies = cfg.header_bodies;
    if let (Some(up), Some(text)) = (&cfg.unit_prefilter, &text) {
        match unit_verdict(up, &main, text, &cfg.clang_args) {
            Err(headers) => {
                let outcome = skipped_outcome();
                if let Some(c) = &cfg.cache {
                    let headers: Vec<String> =
                        headers.iter().map(|h| h.display().to_string()).collect();
                    c.store(&main, text, &cfg.clang_args, &headers, &outcome);
                }
                return outcome;
            }
            Ok(h) => header_bodies = h,
        }
    }
    let filter = Some(cfg.prefilter.clone());
    let parsed = match &cfg.cache {
        Some(_) => mmlint_frontend::parse_file_with_inclusions(
            path,
            &cfg.clang_args,
            filter,
            header_bodies,
        ),
        None => {
            mmlint_frontend::parse_file_with_options(path, &cfg.clang_args, filter, header_bodies)
                .map(|tu| (tu, vec![]))
        }
    };
    let (tu, included) = match parsed {
        Ok(x) => x,
        Err(e) => {
            return FileOutcome::Failed {
                reason: e.to_string(),
                details: vec![],
            }
        }
    };
    let source = text
        .as_ref()
        .and_then(|t| String::from_utf8(t.clone()).ok())
        .map(|text| SourceFile::new(path.display().to_string(), text));
    let mut outcome = analyze_parsed_source(&tu, cfg, source.as_ref());
    if let FileOutcome::Analyzed { diagnostics, .. } = &mut outcome {
        let main_text = source.as_ref().map(|s| s.text.as_str());
        source_identity(path, main_text, diagnostics, cfg);
    }
    if let (Some(c), Some(text)) = (&cfg.cache, &text) {
        c.store(&main, text, &cfg.clang_args, &included, &outcome);
    }
    outcome
}

/// The unit prefilter's verdict on the unit whose main file is `path`: `None` when it
/// cannot reach the API, else how to parse it. A caller that decides in one process and
/// analyses in another (Kbuild's CHECK mode, which forks per unit) passes the answer on
/// in [`Config::header_bodies`] with the prefilter turned off. Without a prefilter, or
/// when the file cannot be read, the answer is to parse with `cfg.header_bodies`.
pub fn prefilter_verdict(path: &Path, cfg: &Config) -> Option<HeaderBodies> {
    let main = base_dir(&cfg.clang_args).join(path);
    match (&cfg.unit_prefilter, std::fs::read(&main)) {
        (Some(up), Ok(text)) => unit_verdict(up, &main, &text, &cfg.clang_args).ok(),
        _ => Some(cfg.header_bodies),
    }
}

fn unit_verdict(
    up: &unit_prefilter::UnitPrefilter,
    main: &Path,
    text: &[u8],
    args: &[String],
) -> Result<HeaderBodies, Vec<PathBuf>> {
    let abs = std::path::absolute(main).unwrap_or_else(|_| main.to_path_buf());
    let text = String::from_utf8_lossy(text);
    let verdict = up.verdict(&abs, &text, args);
    if verdict.parse.is_none() {
        // Skipped: the headers the decision read.
        return Err(verdict.headers);
    }
    // Header bodies matter only when a header function the unit can call has an effect
    // the rules data does not describe (the unit prefilter's reasoning).
    let parse_bodies = verdict.needs_header_bodies || parse_header_bodies_forced();
    if std::env::var_os("MMLINT_DEBUG_PREFILTER").is_some() {
        let how = if parse_bodies { "parsed" } else { "skipped" };
        eprintln!("mmlint: prefilter: {}: header bodies {how}", abs.display());
    }
    Ok(if parse_bodies {
        HeaderBodies::Parse
    } else {
        HeaderBodies::SkipInPreamble
    })
}

/// The outcome of a unit the prefilter found cannot reach the API.
pub fn skipped_outcome() -> FileOutcome {
    FileOutcome::Analyzed {
        diagnostics: vec![],
        incomplete: vec![],
        exported: vec![],
        skipped: true,
        cached: false,
    }
}

/// `MMLINT_PARSE_HEADER_BODIES=1` analyses header bodies in every unit: the other side
/// of the differential that shows skipping them changes no result (docs/performance.md).
fn parse_header_bodies_forced() -> bool {
    std::env::var_os("MMLINT_PARSE_HEADER_BODIES").is_some_and(|v| v == "1")
}

/// [`analyze_file`] on an unsaved buffer: `contents` stands for the main file (editors).
/// Suppressions and fingerprints of the main file come from `contents` too.
pub fn analyze_source(path: &Path, contents: &str, cfg: &Config) -> FileOutcome {
    let filter = Some(cfg.prefilter.clone());
    let tu = match mmlint_frontend::parse_source_filtered(path, contents, &cfg.clang_args, filter) {
        Ok(tu) => tu,
        Err(e) => {
            return FileOutcome::Failed {
                reason: e.to_string(),
                details: vec![],
            }
        }
    };
    // The buffer's text, for fixes (LSP code actions).
    let source = SourceFile::new(path.display().to_string(), contents.to_string());
    let mut outcome = analyze_parsed_source(&tu, cfg, Some(&source));
    if let FileOutcome::Analyzed { diagnostics, .. } = &mut outcome {
        source_identity(path, Some(contents), diagnostics, cfg);
    }
    outcome
}

/// The directory relative paths are resolved against: clang's `-working-directory`, or
/// the current one.
fn base_dir(args: &[String]) -> PathBuf {
    args.iter()
        .rev()
        .find_map(|a| a.strip_prefix("-working-directory=").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Fingerprints and inline suppressions, from the text of the files the findings are in
/// (and of the main file, for unused suppressions). The main file's text, when the caller
/// has it (already read, or an unsaved buffer), is not read again.
fn source_identity(
    main: &Path,
    main_text: Option<&str>,
    diags: &mut Vec<Diagnostic>,
    cfg: &Config,
) {
    let base = base_dir(&cfg.clang_args);
    let mut files: Vec<String> = diags
        .iter()
        .map(|d| d.span.start.file.to_string())
        .collect();
    files.push(main.display().to_string());
    files.sort();
    files.dedup();
    let mut extra = Vec::new();
    for f in files {
        let text: std::borrow::Cow<str> = match main_text {
            Some(t) if f == main.display().to_string() => t.into(),
            _ => match std::fs::read_to_string(base.join(&f)) {
                Ok(t) => t.into(),
                Err(_) => continue,
            },
        };
        mmlint_checks::suppress::fingerprint(&f, &text, diags);
        let known = |r: &str| mmlint_checks::find_rule_meta(r).is_some();
        extra.extend(mmlint_checks::suppress::apply_suppressions(
            &f,
            &text,
            diags,
            known,
            cfg.report_unused_suppressions && f == main.display().to_string(),
        ));
    }
    diags.extend(extra);
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// Analyses an already parsed unit (tests, editors with unsaved buffers).
pub fn analyze_parsed(tu: &TranslationUnit, cfg: &Config) -> FileOutcome {
    analyze_parsed_source(tu, cfg, None)
}

/// `source`: the main file's text, for fixes.
fn analyze_parsed_source(
    tu: &TranslationUnit,
    cfg: &Config,
    source: Option<&SourceFile>,
) -> FileOutcome {
    if !tu.errors.is_empty() {
        let details = tu
            .errors
            .iter()
            .take(SHOWN_PARSE_ERRORS)
            .map(|e| match &e.loc {
                Some(l) => format!("{l}: error: {}", e.message),
                None => format!("error: {}", e.message),
            })
            .collect();
        return FileOutcome::Failed {
            reason: format!(
                "clang could not parse this file ({} error{})",
                tu.errors.len(),
                if tu.errors.len() == 1 { "" } else { "s" }
            ),
            details,
        };
    }
    match analyze_unit_source(tu, cfg, source) {
        Ok(u) => FileOutcome::Analyzed {
            exported: u
                .exported
                .iter()
                .filter_map(|n| Some((n.clone(), u.summaries.get(n)?.clone())))
                .collect(),
            diagnostics: u.diagnostics,
            incomplete: u.incomplete,
            skipped: false,
            cached: false,
        },
        Err(reason) => FileOutcome::Failed {
            reason,
            details: vec![],
        },
    }
}

/// One unit's results: findings, and what its functions' callers need to know.
pub struct UnitResult {
    pub diagnostics: Vec<Diagnostic>,
    /// Functions whose analysis hit the step budget (results may be incomplete).
    pub incomplete: Vec<String>,
    /// The summaries learned from the unit's bodies (those a caller can use).
    pub summaries: Summaries,
    /// The names of the unit's functions callers in other units can call.
    pub exported: Vec<String>,
}

/// Analyses a parsed unit's functions callees first, so that every call applies the
/// summary of a callee defined in the unit (or in `cfg.summaries`). Mutually recursive
/// functions are analysed twice, the second time with the first pass's summaries: a
/// bound, not a fixpoint. An internal error (panic) fails the unit with a one-line reason.
pub fn analyze_unit(tu: &TranslationUnit, cfg: &Config) -> Result<UnitResult, String> {
    analyze_unit_source(tu, cfg, None)
}

fn analyze_unit_source(
    tu: &TranslationUnit,
    cfg: &Config,
    source: Option<&SourceFile>,
) -> Result<UnitResult, String> {
    let bodies: Vec<Body> = tu
        .functions
        .iter()
        .map(|f| mmlint_cfg::build(f.clone()))
        .collect();
    let entries = entry::entry_states(tu, &cfg.db);
    let mut local = Summaries::new();
    let mut diagnostics = Vec::new();
    let mut incomplete = Vec::new();
    for scc in call_order(&bodies) {
        let rounds = if scc.recursive { 2 } else { 1 };
        for round in 0..rounds {
            for &i in &scc.members {
                let body = &bodies[i];
                let lookup = Lookup {
                    local: Some(&local),
                    external: cfg.summaries.as_deref(),
                };
                let r = catch_unwind(AssertUnwindSafe(|| {
                    let callees = mmlint_domains::Callees {
                        noreturn: &tu.noreturn,
                        params: &tu.decls,
                    };
                    let entry = entries.get(&body.func.name);
                    analyze_body(body, callees, cfg, lookup, source, entry)
                }));
                let (d, converged, summary) = r.map_err(|p| {
                    let msg = p
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| p.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "panic".into());
                    format!("internal error in function '{}': {msg}", body.func.name)
                })?;
                if let Some(s) = summary {
                    local.insert(body.func.name.clone(), Arc::new(s));
                }
                if round + 1 == rounds {
                    diagnostics.extend(d);
                    if !converged {
                        incomplete.push(body.func.name.clone());
                    }
                }
            }
        }
    }
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let exported = bodies
        .iter()
        .filter(|b| !b.func.is_static && !b.func.in_header)
        .map(|b| b.func.name.clone())
        .collect();
    Ok(UnitResult {
        diagnostics,
        incomplete,
        summaries: local,
        exported,
    })
}

/// A strongly connected component of the unit's call graph.
struct Scc {
    members: Vec<usize>,
    /// Its functions call each other (or one calls itself).
    recursive: bool,
}

/// The unit's functions, callees before callers.
fn call_order(bodies: &[Body]) -> Vec<Scc> {
    use petgraph::graph::{DiGraph, NodeIndex};
    let index: std::collections::HashMap<&str, usize> = bodies
        .iter()
        .enumerate()
        .map(|(i, b)| (b.func.name.as_str(), i))
        .collect();
    let mut g: DiGraph<usize, ()> = DiGraph::new();
    let nodes: Vec<NodeIndex> = (0..bodies.len()).map(|i| g.add_node(i)).collect();
    for (i, b) in bodies.iter().enumerate() {
        let mut callees = Vec::new();
        for e in b.exprs() {
            collect_callees(e, &mut callees);
        }
        callees.sort_unstable();
        callees.dedup();
        for c in callees {
            if let Some(&j) = index.get(c.as_str()) {
                g.add_edge(nodes[i], nodes[j], ());
            }
        }
    }
    // Tarjan's algorithm yields components in reverse topological order: callees first.
    petgraph::algo::tarjan_scc(&g)
        .into_iter()
        .map(|c| {
            let members: Vec<usize> = c.iter().map(|&n| g[n]).collect();
            let recursive = members.len() > 1 || g.contains_edge(c[0], c[0]);
            Scc { members, recursive }
        })
        .collect()
}

fn collect_callees(e: &mmlint_ir::Expr, out: &mut Vec<String>) {
    if let Some(n) = e.direct_callee() {
        out.push(n.to_string());
    }
    e.for_each_child(|c| collect_callees(c, out));
}

/// Runs the analysis and the enabled checks on one function: (diagnostics, converged,
/// the summary worth keeping for its callers).
fn analyze_body(
    body: &Body,
    callees: mmlint_domains::Callees<'_>,
    cfg: &Config,
    summaries: Lookup<'_>,
    source: Option<&SourceFile>,
    entry: Option<&mmlint_domains::EntryState>,
) -> (Vec<Diagnostic>, bool, Option<mmlint_domains::Summary>) {
    if !mmlint_domains::is_relevant(body, &cfg.db, summaries) {
        return (vec![], true, None);
    }
    let facts = mmlint_domains::analyze(body, &cfg.db, callees, summaries, entry);
    let cx = FnCx {
        body,
        facts: &facts,
        db: &cfg.db,
        source,
    };
    let d = run_checks(&cx, |id| {
        mmlint_checks::rule_enabled(id, &cfg.enabled, &cfg.disabled)
    });
    let vma_params: Vec<usize> = body
        .func
        .params
        .iter()
        .enumerate()
        .filter(|(_, &p)| body.func.var(p).ty.is_ptr_to(&cfg.db.vma_record))
        .map(|(i, _)| i)
        .collect();
    let summary = (!facts.summary.is_trivial(&vma_params)).then_some(facts.summary);
    (d, facts.converged, summary)
}

/// Runs the analysis and the enabled checks on one function alone (no summaries of its
/// callees): (diagnostics, converged).
pub fn analyze_function(
    f: Function,
    noreturn: &std::collections::BTreeSet<String>,
    cfg: &Config,
) -> (Vec<Diagnostic>, bool) {
    let body = mmlint_cfg::build(f);
    let callees = mmlint_domains::Callees {
        noreturn,
        params: &Default::default(),
    };
    let (d, converged, _) = analyze_body(&body, callees, cfg, Lookup::default(), None, None);
    (d, converged)
}

/// The CFGs of a parsed unit's functions (for `--dump-cfg`).
pub fn bodies(tu: &TranslationUnit, only: Option<&str>) -> Vec<Body> {
    tu.functions
        .iter()
        .filter(|f| only.is_none_or(|n| n == f.name))
        .map(|f| mmlint_cfg::build(f.clone()))
        .collect()
}

/// Keeps the first of identical diagnostics: a static inline function from a header is
/// analysed once per including file but reported once per run.
pub fn dedup_across_files(
    seen: &mut std::collections::HashSet<(String, u32, u32, &'static str)>,
    d: &Diagnostic,
) -> bool {
    seen.insert((
        d.span.start.file.to_string(),
        d.span.start.line,
        d.span.start.col,
        d.rule,
    ))
}
