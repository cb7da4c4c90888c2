//! The unit-level prefilter: decides from text alone, before libclang parses anything,
//! whether a translation unit can produce a result. About half the units of a kernel tree
//! never touch the mm API, and parsing them is most of what mmlint costs in `make C=1`.
//!
//! It is exactly as permissive as the function-level [`mmlint_frontend::Prefilter`]: a unit
//! is skipped only when no function the frontend would lower could report or export
//! anything. docs/performance.md gives the reasoning; in short a unit is parsed when its
//! main file
//!
//! - names a word of the rules data (or of the summary file), as a substring, like the
//!   function-level test;
//! - contains `mmlint-ignore` (its suppression comments are checked);
//! - names a function defined in a header it can include whose definition names a word,
//!   or a macro defined there whose body reaches such a word or function (transitively);
//! - contains, as a substring, an identifier passed to a reaching macro invoked at a
//!   header's top level (the macro may generate a function from it by token pasting).
//!
//! When only findings are wanted ([`UnitPrefilter::for_findings`]) a unit must also reach
//! an effect word the same ways (or name an entry point entered with a read hold): a unit
//! whose words are only the VMA type, the VMA-tree field and plain rwsem functions can
//! export summaries, never a finding.
//!
//! The headers are found by following `#include`s textually through the unit's include
//! paths, ignoring `#if`s (so a superset of what the preprocessor includes). Each header's
//! scan is kept in memory for the run and on disk under the cache directory, keyed by the
//! words and checked against the header's mtime and size.

use rustc_hash::{FxHashMap, FxHashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

mod scan;
pub use scan::scan_text;
use scan::*;

/// The text marking an inline suppression: a unit that has one is always analysed, so
/// that unused and invalid suppressions are reported.
const SUPPRESSION_MARK: &str = "mmlint-ignore";

/// Bumped when [`HeaderScan`]'s meaning changes: older cache entries are then not found.
const SCAN_VERSION: u32 = 5;

/// What the prefilter needs to know of one header.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct HeaderScan {
    /// `#include`s: (quoted, name).
    #[serde(rename = "i")]
    pub includes: Vec<(bool, String)>,
    /// Functions whose definition names a word (and any other name written before a `(`
    /// in that definition's declarator: attributes are harmless extras).
    #[serde(rename = "f")]
    pub functions: Vec<String>,
    /// Of those, the functions whose definition names an effect word
    /// ([`Words::with_effects`]): their bodies are what a caller's analysis learns from.
    #[serde(rename = "e", default, skip_serializing_if = "Vec::is_empty")]
    pub effect_functions: Vec<String>,
    /// Macros: (name, body names a word, identifiers of the body, how it builds names).
    #[serde(rename = "m")]
    pub macros: Vec<(String, bool, Vec<String>, Pasting)>,
    /// Top-level invocations of what may be a macro: (the macro, its arguments name a
    /// word, identifiers of the arguments, the arguments that are single identifiers).
    #[serde(rename = "g")]
    pub invocations: Vec<(String, bool, Vec<String>, Vec<String>)>,
    /// The macros whose body names an effect word.
    #[serde(rename = "em", default, skip_serializing_if = "Vec::is_empty")]
    pub effect_macros: Vec<String>,
    /// The invocations (indices into `invocations`) whose arguments name an effect word.
    #[serde(rename = "eg", default, skip_serializing_if = "Vec::is_empty")]
    pub effect_invocations: Vec<usize>,
}

#[derive(Serialize, Deserialize)]
struct CachedScan {
    version: u32,
    words: u64,
    path: PathBuf,
    mtime_ns: u128,
    size: u64,
    scan: HeaderScan,
}

/// The words as whole identifiers. The function-level prefilter tests substrings, but a
/// function is analysed only if, after preprocessing, it calls an API function, reads an
/// API field or has a `vm_area_struct` local: whole identifiers. Text that has a word only
/// inside a longer identifier reaches the API only by other means, tested separately.
pub struct Words {
    all: FxHashSet<String>,
    effects: FxHashSet<String>,
}

impl Words {
    /// Every word is also an effect word.
    pub fn new(words: &[String]) -> Words {
        Words::with_effects(words, words)
    }
    /// `effects`: the words whose presence in a header function's body can give that
    /// function a summary that matters to its callers (API functions, the lock's and the
    /// VMA tree's fields), as opposed to words that only make it analysable (the VMA type,
    /// VMA fields). Only the former make a unit need its header bodies.
    pub fn with_effects(words: &[String], effects: &[String]) -> Words {
        Words {
            all: words.iter().cloned().collect(),
            effects: effects.iter().cloned().collect(),
        }
    }
    pub fn find<'t>(&self, text: &'t str) -> Option<&'t str> {
        identifiers(text).find(|id| self.all.contains(*id))
    }
    pub fn is_match(&self, text: &str) -> bool {
        self.find(text).is_some()
    }
    /// Whether the code of `text` names an effect word; comments and strings have no effect (a word
    /// in a helper's comment, `file->f_op->mmap()` above `mlock_vma_folio()`, would
    /// otherwise make every caller parse its header bodies).
    pub fn is_effect_match(&self, text: &str) -> bool {
        identifiers(&without_comments(text)).any(|id| self.effects.contains(id))
    }
    pub fn contains(&self, id: &str) -> bool {
        self.all.contains(id)
    }
}

/// `text` with its comments and literals blanked (a `/*` inside a string opens nothing,
/// and neither names anything).
fn without_comments(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("/*") && !text.contains("//") {
        return std::borrow::Cow::Borrowed(text);
    }
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
                out.extend(std::iter::repeat_n(b' ', end - i));
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(b.len(), |e| i + e);
                out.extend(std::iter::repeat_n(b' ', end - i));
                i = end;
            }
            q @ (b'"' | b'\'') => {
                let mut j = i + 1;
                while j < b.len() && b[j] != q && b[j] != b'\n' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                let end = (j + 1).min(b.len());
                out.extend(std::iter::repeat_n(b' ', end - i));
                i = end;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    std::borrow::Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// What the prefilter decided for a unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// Why the unit must be parsed; `None`: it cannot reach the API.
    pub parse: Option<String>,
    /// The main file names (itself or through a header macro) a header function whose
    /// body names an effect word and that the rules data does not describe, or a function
    /// a header macro builds by token pasting: its body must be analysed for the
    /// caller's summary. Otherwise header bodies can be skipped
    /// (`HeaderBodies::SkipInPreamble`) without changing a result.
    pub needs_header_bodies: bool,
    /// The headers the decision read: what a cached verdict depends on besides the
    /// main file.
    pub headers: Vec<PathBuf>,
}

/// A name a macro builds from its parameters: literal pieces and parameter numbers.
pub type Pattern = Vec<(bool, String)>;

/// How a function-like macro builds function names: `decls` are the names it declares
/// (`static int prefix_##name(...)`); `forwards` hands built names (or parameters) to
/// another macro as arguments: (macro, [(argument number, the argument)]).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Pasting {
    #[serde(rename = "d", default, skip_serializing_if = "Vec::is_empty")]
    pub decls: Vec<Pattern>,
    #[serde(rename = "f", default, skip_serializing_if = "Vec::is_empty")]
    pub forwards: Vec<(String, Vec<(usize, Pattern)>)>,
}

/// The prefilter: the words, and the header scans made so far.
pub struct UnitPrefilter {
    words: Words,
    words_hash: u64,
    cache_dir: Option<PathBuf>,
    scans: Mutex<FxHashMap<PathBuf, Option<Arc<HeaderScan>>>>,
    /// Set when only findings are wanted ([`UnitPrefilter::for_findings`]).
    findings_only: Option<ReadHoldEntries>,
}

/// What makes a function an entry point entered with a read hold
/// (`ApiDb::read_hold_entry_names`): a VMA store there is a finding with no effect word.
struct ReadHoldEntries {
    words: FxHashSet<String>,
    prefixes: Vec<String>,
}

impl UnitPrefilter {
    /// `words`: the rules data's words plus the names of the summary file's functions.
    /// Where header scans are kept between runs (none: memory only).
    pub fn cache_dir(&self) -> Option<&Path> {
        self.cache_dir.as_deref()
    }

    /// `cache_dir`: where header scans are kept between runs (none: memory only).
    /// `effects`: the subset of `words` described at [`Words::with_effects`].
    pub fn new(words: &[String], effects: &[String], cache_dir: Option<PathBuf>) -> UnitPrefilter {
        let mut sorted = words.to_vec();
        sorted.sort();
        sorted.dedup();
        let mut effects = effects.to_vec();
        effects.sort();
        effects.dedup();
        let words_hash = crate::cache::hash_strs(
            sorted
                .iter()
                .map(String::as_str)
                .chain(["\0effects"])
                .chain(effects.iter().map(String::as_str)),
        );
        UnitPrefilter {
            words: Words::with_effects(&sorted, &effects),
            words_hash,
            cache_dir,
            scans: Mutex::new(FxHashMap::default()),
            findings_only: None,
        }
    }

    /// For a run that wants findings only (not summaries for other units): a unit is
    /// parsed only if it can also reach an effect word, or names an entry point entered
    /// with a read hold (`entry_words`, `entry_prefixes`: `vm_operations_struct` for the
    /// fault handlers). A function whose text names words but no effect word (the VMA
    /// type, the VMA-tree field, the plain rwsem functions) has nothing happen to a lock or
    /// a VMA: no finding, only a summary that says so. docs/performance.md gives the
    /// argument.
    pub fn for_findings(mut self, entry_words: Vec<String>, entry_prefixes: Vec<String>) -> Self {
        self.findings_only = Some(ReadHoldEntries {
            words: entry_words.into_iter().collect(),
            prefixes: entry_prefixes,
        });
        self
    }

    /// Whether the unit whose main file is `main` (absolute, with text `text`), compiled
    /// with the libclang arguments `args`, may produce a finding or a summary.
    pub fn may_reach_api(&self, main: &Path, text: &str, args: &[String]) -> bool {
        self.verdict(main, text, args).parse.is_some()
    }

    /// Why the unit must be parsed; `None`: it cannot reach the API.
    pub fn why_parse(&self, main: &Path, text: &str, args: &[String]) -> Option<String> {
        self.verdict(main, text, args).parse
    }

    /// Whether the unit must be parsed, and whether its header bodies matter.
    pub fn verdict(&self, main: &Path, text: &str, args: &[String]) -> Verdict {
        let v = self.decide(main, text, args);
        if std::env::var_os("MMLINT_DEBUG_PREFILTER").is_some() {
            eprintln!(
                "mmlint: prefilter: {}: {}",
                main.display(),
                v.parse.as_deref().unwrap_or("skip")
            );
        }
        v
    }

    fn decide(&self, main: &Path, text: &str, args: &[String]) -> Verdict {
        let debug = std::env::var_os("MMLINT_DEBUG_PREFILTER").is_some();
        let mut parse = None;
        if let Some(w) = self.words.find(text) {
            parse = Some(format!("names '{w}'"));
        } else if text.contains(SUPPRESSION_MARK) {
            parse = Some(SUPPRESSION_MARK.into());
        }
        let (scans, names) = self.reachable_headers(main, text, args);
        let ids: FxHashSet<&str> = identifiers(text).collect();
        if parse.is_none() {
            let (reaching, generated) = reaching_names(&scans);
            if std::env::var("MMLINT_DEBUG_PREFILTER").is_ok_and(|v| v == "2") {
                let mut r: Vec<&&str> = reaching.iter().collect();
                r.sort();
                eprintln!("reaching: {r:?}");
                eprintln!("generated: {generated:?}");
            }
            if let Some(id) = identifiers(text).find(|id| reaching.contains(id)) {
                let mut why = format!("names '{id}', which reaches the API");
                if debug {
                    explain(id, &scans, &names, &reaching, &mut why, 6);
                }
                parse = Some(why);
            } else if let Some((g, id)) = generated
                .iter()
                .find_map(|g| ids.iter().find(|id| glob_matches(g, id)).map(|id| (g, *id)))
            {
                let mut why = format!("names '{id}', a function a reaching macro builds");
                if debug {
                    why.push_str(&format!(" ({g:?})"));
                }
                parse = Some(why);
            }
        }
        if let (Some(why), Some(entries)) = (&parse, &self.findings_only) {
            if !text.contains(SUPPRESSION_MARK) && !self.reaches_effect(text, &ids, &scans, entries)
            {
                if debug {
                    eprintln!(
                        "mmlint: prefilter: {}: {why}, but nothing it reaches takes, drops or \
                         needs a lock, looks a VMA up or pins pages",
                        main.display()
                    );
                }
                parse = None;
            }
        }
        // Only for a unit that is parsed: which header bodies it needs.
        let body_need = parse.as_ref().and_then(|_| {
            let (reaching, generated) = reaching_names_by(
                &scans,
                &Reach::EffectBodies {
                    described: &self.words,
                },
            );
            ids.iter()
                .find(|id| reaching.contains(*id))
                .or_else(|| {
                    ids.iter()
                        .find(|id| generated.iter().any(|g| glob_matches(g, id)))
                })
                .copied()
        });
        if debug {
            if let Some(id) = body_need {
                eprintln!(
                    "mmlint: prefilter: {}: header bodies needed for '{id}'",
                    main.display()
                );
            }
        }
        Verdict {
            parse,
            needs_header_bodies: body_need.is_some(),
            headers: names,
        }
    }

    /// Whether the main file names an effect word, an entry point entered with a read
    /// hold, or a header function or macro that reaches an effect word.
    fn reaches_effect(
        &self,
        text: &str,
        ids: &FxHashSet<&str>,
        scans: &[Arc<HeaderScan>],
        entries: &ReadHoldEntries,
    ) -> bool {
        // One pass over the code (comments and strings blanked, as `is_effect_match`
        // does) for both kinds of word.
        let code = without_comments(text);
        if identifiers(&code)
            .any(|id| self.words.effects.contains(id) || entries.words.contains(id))
            || entries.prefixes.iter().any(|p| code.contains(p.as_str()))
        {
            return true;
        }
        let (reaching, generated) = reaching_names_by(scans, &Reach::Effects);
        ids.iter().any(|id| reaching.contains(id))
            || generated
                .iter()
                .any(|g| ids.iter().any(|id| glob_matches(g, id)))
    }

    /// The scans of the headers the unit can include (forced includes, then the main
    /// file's, transitively), with their paths.
    fn reachable_headers(
        &self,
        main: &Path,
        text: &str,
        args: &[String],
    ) -> (Vec<Arc<HeaderScan>>, Vec<PathBuf>) {
        let paths = SearchPaths::from_args(args);
        let main_dir = main.parent().unwrap_or(Path::new("/")).to_path_buf();
        let mut queue: Vec<PathBuf> = Vec::new();
        let mut seen: FxHashSet<PathBuf> = FxHashSet::default();
        for f in &paths.forced {
            if let Some(p) = paths.resolve(true, f, &paths.cwd) {
                queue.push(p);
            }
        }
        let main_scan = scan_text(text, &self.words);
        for (quoted, name) in &main_scan.includes {
            if let Some(p) = paths.resolve(*quoted, name, &main_dir) {
                queue.push(p);
            }
        }
        let mut scans = Vec::new();
        let mut names = Vec::new();
        while let Some(h) = queue.pop() {
            if !seen.insert(h.clone()) {
                continue;
            }
            let Some(scan) = self.header(&h) else {
                continue;
            };
            let dir = h.parent().unwrap_or(Path::new("/")).to_path_buf();
            for (quoted, name) in &scan.includes {
                if let Some(p) = paths.resolve(*quoted, name, &dir) {
                    if !seen.contains(&p) {
                        queue.push(p);
                    }
                }
            }
            scans.push(scan);
            names.push(h);
        }
        (scans, names)
    }

    /// A header's scan: from memory, from the disk cache, or made now. `None` when the
    /// file cannot be read.
    fn header(&self, path: &Path) -> Option<Arc<HeaderScan>> {
        if let Some(s) = self.scans.lock().ok()?.get(path) {
            return s.clone();
        }
        let scan = self.load_or_scan(path).map(Arc::new);
        if let Ok(mut m) = self.scans.lock() {
            m.insert(path.to_path_buf(), scan.clone());
        }
        scan
    }

    fn load_or_scan(&self, path: &Path) -> Option<HeaderScan> {
        let meta = std::fs::metadata(path).ok()?;
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        let entry = self.cache_dir.as_ref().map(|d| {
            let key = crate::cache::hash_strs([path.to_string_lossy().as_ref()]);
            d.join(format!("headers-v{SCAN_VERSION}"))
                .join(format!("{:016x}", self.words_hash))
                .join(format!("{key:016x}.json"))
        });
        if let Some(e) = &entry {
            let cached = std::fs::read(e)
                .ok()
                .and_then(|b| serde_json::from_slice::<CachedScan>(&b).ok());
            if let Some(c) = cached {
                if c.version == SCAN_VERSION
                    && c.words == self.words_hash
                    && c.path == path
                    && c.mtime_ns == mtime_ns
                    && c.size == meta.len()
                {
                    return Some(c.scan);
                }
            }
        }
        let bytes = std::fs::read(path).ok()?;
        let scan = scan_text(&String::from_utf8_lossy(&bytes), &self.words);
        if let Some(e) = &entry {
            let c = CachedScan {
                version: SCAN_VERSION,
                words: self.words_hash,
                path: path.to_path_buf(),
                mtime_ns,
                size: meta.len(),
                scan,
            };
            if let Ok(b) = serde_json::to_vec(&c) {
                crate::cache::write_atomically(e, &b);
            }
            return Some(c.scan);
        }
        Some(scan)
    }
}

/// The names a main file may use to reach the API through the headers `scans`: reaching
/// functions and macros (closed over macro bodies and invocations), and the identifiers
/// passed to reaching top-level invocations (substrings of generated names).
fn reaching_names(scans: &[Arc<HeaderScan>]) -> (FxHashSet<&str>, Vec<Glob>) {
    reaching_names_by(scans, &Reach::Words)
}

/// What a name must reach: any word (the unit must be parsed), an effect word (the unit
/// can find something), or an effect word through a body (the unit's header bodies must be
/// analysed; the functions the rules data describes, `described`, are left out: their
/// bodies teach nothing).
enum Reach<'w> {
    Words,
    Effects,
    EffectBodies { described: &'w Words },
}

fn reaching_names_by<'s>(
    scans: &'s [Arc<HeaderScan>],
    by: &Reach,
) -> (FxHashSet<&'s str>, Vec<Glob>) {
    let mut reaching: FxHashSet<&str> = FxHashSet::default();
    // identifier → the macros whose body uses it.
    let mut users: FxHashMap<&str, Vec<&str>> = FxHashMap::default();
    let mut macros: FxHashSet<&str> = FxHashSet::default();
    let mut work: Vec<&str> = Vec::new();
    let effect_macros: FxHashSet<&str> = scans
        .iter()
        .flat_map(|s| s.effect_macros.iter().map(String::as_str))
        .collect();
    for s in scans {
        match by {
            Reach::Words => work.extend(s.functions.iter().map(String::as_str)),
            Reach::Effects => work.extend(s.effect_functions.iter().map(String::as_str)),
            Reach::EffectBodies { described } => work.extend(
                s.effect_functions
                    .iter()
                    .map(String::as_str)
                    .filter(|f| !described.contains(f)),
            ),
        }
        for (name, direct, ids, _) in &s.macros {
            macros.insert(name);
            let direct = match by {
                Reach::Words => *direct,
                Reach::Effects => effect_macros.contains(name.as_str()),
                // A macro that names an effect word itself expands to it in the caller:
                // no body is needed for that, only for the functions it may build.
                Reach::EffectBodies { .. } => false,
            };
            if direct {
                work.push(name);
            } else {
                for id in ids {
                    users.entry(id).or_default().push(name);
                }
            }
        }
    }
    while let Some(n) = work.pop() {
        if reaching.insert(n) {
            if let Some(ms) = users.get(n) {
                work.extend(ms.iter().copied());
            }
        }
    }
    // A macro invoked at a header's top level can define functions whose names it builds
    // from its arguments; they reach the API when the macro does or the arguments do.
    let mut defs: FxHashMap<&str, Vec<&Pasting>> = FxHashMap::default();
    for s in scans {
        for (name, _, _, p) in &s.macros {
            defs.entry(name).or_default().push(p);
        }
    }
    let mut generated: Vec<Glob> = Vec::new();
    for s in scans {
        for (i, (m, direct, ids, args)) in s.invocations.iter().enumerate() {
            if !macros.contains(m.as_str()) {
                continue;
            }
            let direct = match by {
                Reach::Words => *direct,
                // The built function's body is the macro's and the arguments' text.
                Reach::Effects | Reach::EffectBodies { .. } => {
                    s.effect_invocations.contains(&i) || effect_macros.contains(m.as_str())
                }
            };
            let reaches = direct
                || reaching.contains(m.as_str())
                || ids.iter().any(|id| reaching.contains(id.as_str()));
            if reaches {
                let binds: Vec<Glob> = args
                    .iter()
                    .map(|a| {
                        if a.is_empty() {
                            vec![None]
                        } else {
                            vec![Some(a.clone())]
                        }
                    })
                    .collect();
                built_names(m, &binds, &defs, 4, &mut generated);
            }
        }
    }
    generated.sort();
    generated.dedup();
    (reaching, generated)
}

/// Debugging aid: how `id` reaches (the header defining it, the reaching name its macro
/// body uses), `depth` steps deep.
fn explain(
    id: &str,
    scans: &[Arc<HeaderScan>],
    names: &[PathBuf],
    reaching: &FxHashSet<&str>,
    out: &mut String,
    depth: usize,
) {
    if depth == 0 {
        return;
    }
    for (s, n) in scans.iter().zip(names) {
        if s.functions.iter().any(|f| f == id) {
            out.push_str(&format!(" <- function in {}", n.display()));
            return;
        }
        if let Some((_, direct, ids, _)) = s.macros.iter().find(|m| m.0 == id) {
            out.push_str(&format!(" <- macro in {}", n.display()));
            if *direct {
                out.push_str(" (names a word)");
                return;
            }
            if let Some(next) = ids
                .iter()
                .find(|i| *i != id && reaching.contains(i.as_str()))
            {
                out.push_str(&format!(" using '{next}'"));
                explain(next, scans, names, reaching, out, depth - 1);
                return;
            }
        }
    }
}

/// A name with holes: `Some` literal text, `None` any text.
type Glob = Vec<Option<String>>;

/// The function names `macro` builds when invoked with `binds` (what each parameter is).
fn built_names(
    mac: &str,
    binds: &[Glob],
    defs: &FxHashMap<&str, Vec<&Pasting>>,
    depth: usize,
    out: &mut Vec<Glob>,
) {
    let subst = |p: &Pattern| -> Glob {
        let mut g: Glob = Vec::new();
        for (is_param, t) in p {
            if *is_param {
                let i: usize = t.parse().unwrap_or(usize::MAX);
                match binds.get(i) {
                    Some(b) => g.extend(b.iter().cloned()),
                    None => g.push(None),
                }
            } else {
                g.push(Some(t.clone()));
            }
        }
        g
    };
    let Some(ds) = defs.get(mac) else { return };
    for d in ds {
        for p in &d.decls {
            out.push(normalize_glob(subst(p)));
        }
        for (next, args) in &d.forwards {
            if depth == 0 {
                // Too deep to follow: any name containing an argument's text.
                for (_, p) in args {
                    let mut g = vec![None];
                    g.extend(subst(p));
                    g.push(None);
                    out.push(normalize_glob(g));
                }
                continue;
            }
            let n = args.iter().map(|(k, _)| k + 1).max().unwrap_or(0);
            let mut nb: Vec<Glob> = vec![vec![None]; n];
            for (k, p) in args {
                nb[*k] = subst(p);
            }
            built_names(next, &nb, defs, depth - 1, out);
        }
    }
}

/// Joins neighbouring literals and holes.
fn normalize_glob(g: Glob) -> Glob {
    let mut out: Glob = Vec::new();
    for p in g {
        match (out.last_mut(), p) {
            (Some(Some(a)), Some(b)) => a.push_str(&b),
            (Some(None), None) => {}
            (_, p) => out.push(p),
        }
    }
    out
}

/// Whether `id` is a name `g` describes.
fn glob_matches(g: &Glob, id: &str) -> bool {
    fn go(g: &[Option<String>], s: &str) -> bool {
        match g.split_first() {
            None => s.is_empty(),
            Some((Some(lit), rest)) => s.strip_prefix(lit.as_str()).is_some_and(|r| go(rest, r)),
            Some((None, rest)) => (0..=s.len()).any(|i| s.is_char_boundary(i) && go(rest, &s[i..])),
        }
    }
    go(g, id)
}

/// The unit's include search: libclang's `-I`, `-iquote`, `-isystem`, `-idirafter` and
/// forced `-include`/`-imacros` files, relative to `-working-directory`.
struct SearchPaths {
    cwd: PathBuf,
    quote: Vec<PathBuf>,
    angle: Vec<PathBuf>,
    forced: Vec<String>,
}

impl SearchPaths {
    fn from_args(args: &[String]) -> SearchPaths {
        let cwd = args
            .iter()
            .rev()
            .find_map(|a| a.strip_prefix("-working-directory=").map(PathBuf::from))
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("/"));
        let (mut quote, mut angle, mut after, mut forced) = (vec![], vec![], vec![], vec![]);
        let mut it = args.iter().peekable();
        while let Some(a) = it.next() {
            for (opt, kind) in [
                ("-iquote", 0),
                ("-isystem", 1),
                ("-I", 1),
                ("-idirafter", 2),
                ("-include", 3),
                ("-imacros", 3),
            ] {
                let Some(rest) = a.strip_prefix(opt) else {
                    continue;
                };
                let value = if rest.is_empty() {
                    it.next().cloned()
                } else {
                    Some(rest.trim_start_matches('=').to_string())
                };
                let Some(v) = value else { break };
                match kind {
                    0 => quote.push(cwd.join(v)),
                    1 => angle.push(cwd.join(v)),
                    2 => after.push(cwd.join(v)),
                    _ => forced.push(v),
                }
                break;
            }
        }
        angle.extend(after);
        SearchPaths {
            cwd,
            quote,
            angle,
            forced,
        }
    }

    /// Where `#include "name"` (quoted) or `<name>` written in a file of `dir` leads.
    /// `#include_next` is resolved like `#include`: the search finds a superset.
    fn resolve(&self, quoted: bool, name: &str, dir: &Path) -> Option<PathBuf> {
        let name = Path::new(name);
        if name.is_absolute() {
            return name.is_file().then(|| name.to_path_buf());
        }
        let local = quoted.then_some(dir);
        let quote = self.quote.iter().filter(|_| quoted).map(PathBuf::as_path);
        local
            .into_iter()
            .chain(quote)
            .chain(self.angle.iter().map(PathBuf::as_path))
            .map(|d| d.join(name))
            .find(|p| p.is_file())
            .map(|p| normalize(&p))
    }
}

/// `a/./b/../c` → `a/c`, so one header reached by two spellings is scanned once.
fn normalize(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                // `..` after a symlink would be wrong to fold; kernel trees have none on
                // include paths, and a wrong fold only costs a failed lookup (kept: parse).
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests;
