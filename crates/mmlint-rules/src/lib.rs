//! API knowledge as data: loads and validates the `rules/*.toml` files into typed tables.
//!
//! What locks, unlocks, returns VMAs, takes `vmas`/`locked` or never returns is written in
//! TOML under `rules/` (documented in docs/api-data.md), never in `match` arms elsewhere.
//! The files of the repository's `rules/` directory are built into the binary; more
//! directories can be layered on top with [`ApiDb::load_dir`].
//!
//! **Invariant:** every table handed out has been validated: argument indices fit the
//! declared arity, names are unique per (name, arity), enums are known words.

mod describe;
mod entries;
mod entry;
mod select;
mod shapes;
mod version;

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use mmlint_ir::Ty;
use serde::Deserialize;

use entries::NameEntry;
pub use entries::*;
pub use entry::{EntryPoint, EntryTable, Holds};
pub use select::Role;
use select::{Entry, Records, Stored};
use shapes::Named;
pub use version::{KernelVersion, VersionRange};

/// One rules file as written. Every key is optional so knowledge can be split across files.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    lock_fields: Vec<String>,
    #[serde(default)]
    lock: Vec<LockFn>,
    #[serde(default)]
    vma_record: Option<String>,
    #[serde(default)]
    mm_record: Option<String>,
    #[serde(default)]
    mm_tree_fields: Vec<String>,
    #[serde(default)]
    vma_source: Vec<VmaSource>,
    #[serde(default)]
    vma_field: Vec<VmaField>,
    #[serde(default)]
    vma_field_not_derived: Vec<String>,
    #[serde(default)]
    pin: Vec<Pin>,
    #[serde(default)]
    no_deref: Vec<NameEntry>,
    #[serde(default)]
    noreturn: Vec<NameEntry>,
    #[serde(default)]
    unlockable_flag: Option<String>,
    #[serde(default)]
    locked_kept_is_new_hold: Option<bool>,
    #[serde(default)]
    gup: Vec<GupFn>,
    #[serde(default)]
    err_ptr: Vec<NameEntry>,
    #[serde(default)]
    is_err: Vec<IsErr>,
    #[serde(default)]
    fault_handler: Vec<FaultHandler>,
    #[serde(default)]
    fault_test: Vec<FaultTest>,
    #[serde(default)]
    retake_flag: Vec<RetakeFlag>,
    #[serde(default)]
    released_when_false: Vec<ReleasedWhenFalse>,
    #[serde(default)]
    retry_releases: Vec<RetryReleases>,
    #[serde(default)]
    stable_calls: Vec<NameEntry>,
    #[serde(default)]
    exclusive_mm: Vec<ExclusiveMm>,
    #[serde(default)]
    entry_point: Vec<EntryPoint>,
    #[serde(default)]
    needs_write: Vec<NeedsWrite>,
    #[serde(default)]
    vma_write_fields: Vec<String>,
    #[serde(default)]
    vma_lock_rwsem: Vec<String>,
}

/// A rules-data error: which file, and what is wrong (with TOML's line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesError {
    pub file: String,
    pub message: String,
}

impl fmt::Display for RulesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for RulesError {}

/// The merged, validated API tables.
///
/// Entries may hold for some kernels only (`since`/`until`); [`ApiDb::set_kernel_version`]
/// says which kernel is analysed. Several entries of one name (and arity, for GUP) may
/// coexist; a lookup picks one as [`select::pick`] describes. The plain lists below are
/// those of the selected kernel.
#[derive(Debug, Clone, Default)]
pub struct ApiDb {
    /// The text of every rules file loaded, in order: part of what a result cache's key
    /// must cover.
    pub sources: Vec<(String, String)>,
    pub lock_fields: Vec<String>,
    pub vma_record: String,
    pub mm_record: String,
    pub mm_tree_fields: Vec<String>,
    pub vma_fields: Vec<VmaField>,
    pub vma_field_not_derived: Vec<String>,
    pub no_deref: Vec<String>,
    pub noreturn: Vec<String>,
    pub unlockable_flag: Option<String>,
    /// GUP with `locked` that returns with `*locked == 1`: has the hold been dropped and
    /// re-taken inside (every earlier VMA stale)? 6.1 says no (docs/api-data.md).
    pub locked_kept_is_new_hold: bool,
    /// Calls without arguments that return the same pointer for the whole function
    /// (`get_current()`, what `current` expands to): a local assigned from one names the
    /// same object, so `tsk = current; tsk->mm` is the lock of `current->mm`.
    pub stable_calls: Vec<String>,
    /// Functions returning an error pointer.
    pub err_ptr: Vec<String>,
    /// VMA fields that only a holder of the mmap write lock (and, 6.4+, the VMA's write
    /// lock) may store to.
    pub vma_write_fields: Vec<String>,
    /// The field path from a VMA to the rwsem of its per-VMA lock (`vma->vm_lock->lock`,
    /// 6.4–6.12): a raw `down_read()`/`up_read()` on it is the VMA's read lock.
    pub vma_lock_rwsem: Vec<String>,
    version: Option<KernelVersion>,
    /// The `--rules-dir` layer being added (0: built in).
    layer: u32,
    names: NameLists,
    /// What functions hold at entry, by how the kernel calls them.
    entry_points: EntryTable,
    is_err: Table<IsErr>,
    fault_handlers: Table<FaultHandler>,
    fault_tests: Table<FaultTest>,
    retake_flags: Table<RetakeFlag>,
    released_when_false: Table<ReleasedWhenFalse>,
    retry_releases: Table<RetryReleases>,
    locks: Table<LockFn>,
    vma_sources: Table<VmaSource>,
    pins: Table<Pin>,
    exclusive_mm: Table<ExclusiveMm>,
    /// Calls that need the mmap_lock held for write (`vm_flags_set`, stack expansion).
    needs_write: Table<NeedsWrite>,
    gup: HashMap<(String, usize), Vec<Stored<GupFn>>>,
}

type Table<E> = HashMap<String, Vec<Stored<E>>>;

/// The plain name lists as written, before a kernel version selects from them.
#[derive(Debug, Clone, Default)]
struct NameLists {
    no_deref: Vec<NameEntry>,
    noreturn: Vec<NameEntry>,
    err_ptr: Vec<NameEntry>,
    stable_calls: Vec<NameEntry>,
}

/// The repository's `rules/` directory, built in.
const BUILTIN: &[(&str, &str)] = &[
    (
        "rules/mmap_lock.toml",
        include_str!("../../../rules/mmap_lock.toml"),
    ),
    ("rules/vma.toml", include_str!("../../../rules/vma.toml")),
    ("rules/gup.toml", include_str!("../../../rules/gup.toml")),
    (
        "rules/errors.toml",
        include_str!("../../../rules/errors.toml"),
    ),
    (
        "rules/entry.toml",
        include_str!("../../../rules/entry.toml"),
    ),
    (
        "rules/droppers.toml",
        include_str!("../../../rules/droppers.toml"),
    ),
    (
        "rules/vma_lock.toml",
        include_str!("../../../rules/vma_lock.toml"),
    ),
];

/// The built-in rules files: (name, text), in load order. `mmlint --version` describes them.
pub fn builtin_files() -> &'static [(&'static str, &'static str)] {
    BUILTIN
}

impl ApiDb {
    /// The built-in rules (the repository's `rules/*.toml`), for every kernel.
    pub fn builtin() -> Result<ApiDb, RulesError> {
        let mut db = ApiDb::default();
        for (name, text) in BUILTIN {
            db.add_str(name, text)?;
        }
        db.finish()?;
        Ok(db)
    }

    /// Adds every `*.toml` file of `dir` (sorted by name) on top of the current tables, as
    /// one layer: its entries replace earlier layers' entries of the same name whose
    /// versions overlap theirs.
    pub fn load_dir(&mut self, dir: &Path) -> Result<(), RulesError> {
        let err = |m: String| RulesError {
            file: dir.display().to_string(),
            message: m,
        };
        let rd = std::fs::read_dir(dir).map_err(|e| err(format!("cannot read directory: {e}")))?;
        let mut files: Vec<_> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        self.layer += 1;
        for f in files {
            let text = std::fs::read_to_string(&f).map_err(|e| RulesError {
                file: f.display().to_string(),
                message: format!("cannot read: {e}"),
            })?;
            self.add_str(&f.display().to_string(), &text)?;
        }
        self.finish()
    }

    /// The kernel analysed: entries outside their `since`/`until` no longer apply. `None`
    /// (unknown) keeps every entry; a lookup then decides by the callee's declaration, or
    /// takes the entry that reports less.
    pub fn set_kernel_version(&mut self, v: Option<KernelVersion>) {
        self.version = v;
        self.select_names();
    }

    pub fn kernel_version(&self) -> Option<KernelVersion> {
        self.version
    }

    fn select_names(&mut self) {
        let v = self.version;
        let pick = |list: &[NameEntry]| -> Vec<String> {
            let mut out: Vec<String> = Vec::new();
            for e in list {
                if v.is_none_or(|v| e.range().contains(v)) && !out.iter().any(|n| n == e.name()) {
                    out.push(e.name().to_string());
                }
            }
            out
        };
        self.no_deref = pick(&self.names.no_deref);
        self.noreturn = pick(&self.names.noreturn);
        self.err_ptr = pick(&self.names.err_ptr);
        self.stable_calls = pick(&self.names.stable_calls);
    }

    /// Parses and validates one file's text, adding its entries. A later layer's entry
    /// replaces earlier entries of the same name (and arity, for GUP) whose versions
    /// overlap its own.
    pub fn add_str(&mut self, file: &str, text: &str) -> Result<(), RulesError> {
        self.sources.push((file.to_string(), text.to_string()));
        let err = |message: String| RulesError {
            file: file.to_string(),
            message,
        };
        let parsed: RulesFile = toml::from_str(text).map_err(|e| {
            let pos = e
                .span()
                .map(|s| {
                    let line = text[..s.start].matches('\n').count() + 1;
                    format!("line {line}: ")
                })
                .unwrap_or_default();
            err(format!("{pos}{}", e.message()))
        })?;
        let layer = self.layer;
        for l in parsed.lock {
            check_lock(&l).map_err(&err)?;
            self.locks
                .entry(l.name.clone())
                .or_default()
                .push_entry(l, layer, "lock")
                .map_err(&err)?;
        }
        for s in parsed.vma_source {
            check_name(&s.name).map_err(&err)?;
            if s.mm_arg.is_some() == s.iter_arg.is_some() {
                return Err(err(format!(
                    "vma_source '{}': give exactly one of mm_arg and iter_arg",
                    s.name
                )));
            }
            let name = s.name.clone();
            self.vma_sources
                .entry(name)
                .or_default()
                .push_entry(s, layer, "vma_source")
                .map_err(&err)?;
        }
        for p in parsed.pin {
            check_name(&p.name).map_err(&err)?;
            let name = p.name.clone();
            self.pins
                .entry(name)
                .or_default()
                .push_entry(p, layer, "pin")
                .map_err(&err)?;
        }
        for g in parsed.gup {
            check_gup(&g).map_err(&err)?;
            self.gup
                .entry((g.name.clone(), g.args))
                .or_default()
                .push_entry(g, layer, "gup")
                .map_err(&err)?;
        }
        for f in parsed.fault_handler {
            check_name(&f.name).map_err(&err)?;
            let name = f.name.clone();
            self.fault_handlers
                .entry(name)
                .or_default()
                .push_entry(f, layer, "fault_handler")
                .map_err(&err)?;
        }
        for f in parsed.fault_test {
            check_name(&f.name).map_err(&err)?;
            let name = f.name.clone();
            self.fault_tests
                .entry(name)
                .or_default()
                .push_entry(f, layer, "fault_test")
                .map_err(&err)?;
        }
        for f in parsed.retake_flag {
            check_name(&f.name).map_err(&err)?;
            let name = f.name.clone();
            self.retake_flags
                .entry(name)
                .or_default()
                .push_entry(f, layer, "retake_flag")
                .map_err(&err)?;
        }
        for f in parsed.released_when_false {
            check_name(&f.name).map_err(&err)?;
            let name = f.name.clone();
            self.released_when_false
                .entry(name)
                .or_default()
                .push_entry(f, layer, "released_when_false")
                .map_err(&err)?;
        }
        for f in parsed.retry_releases {
            check_name(&f.name).map_err(&err)?;
            let name = f.name.clone();
            self.retry_releases
                .entry(name)
                .or_default()
                .push_entry(f, layer, "retry_releases")
                .map_err(&err)?;
        }
        self.vma_write_fields.extend(parsed.vma_write_fields);
        if !parsed.vma_lock_rwsem.is_empty() {
            if parsed.vma_lock_rwsem.len() != 2 {
                return Err(err(
                    "vma_lock_rwsem: give two fields, the VMA's lock and its rwsem".into(),
                ));
            }
            self.vma_lock_rwsem = parsed.vma_lock_rwsem;
        }
        for t in parsed.is_err {
            check_name(&t.name).map_err(&err)?;
            let name = t.name.clone();
            self.is_err
                .entry(name)
                .or_default()
                .push_entry(t, layer, "is_err")
                .map_err(&err)?;
        }
        for x in parsed.exclusive_mm {
            check_name(&x.name).map_err(&err)?;
            let name = x.name.clone();
            self.exclusive_mm
                .entry(name)
                .or_default()
                .push_entry(x, layer, "exclusive_mm")
                .map_err(&err)?;
        }
        for n in parsed.needs_write {
            check_name(&n.name).map_err(&err)?;
            if n.vma_arg.is_some() == n.mm_arg.is_some() {
                return Err(err(format!(
                    "needs_write '{}': give exactly one of vma_arg and mm_arg",
                    n.name
                )));
            }
            let name = n.name.clone();
            self.needs_write
                .entry(name)
                .or_default()
                .push_entry(n, layer, "needs_write")
                .map_err(&err)?;
        }
        for e in parsed.entry_point {
            e.check().map_err(&err)?;
            self.entry_points.add(e);
        }
        for f in &parsed.vma_field {
            range_of(f.since, f.until)
                .check()
                .map_err(|m| err(format!("vma_field '{}': {m}", f.field)))?;
        }
        for (key, list) in [
            ("no_deref", &parsed.no_deref),
            ("noreturn", &parsed.noreturn),
            ("err_ptr", &parsed.err_ptr),
            ("stable_calls", &parsed.stable_calls),
        ] {
            for n in list {
                check_name(n.name()).map_err(&err)?;
                n.range()
                    .check()
                    .map_err(|m| err(format!("{key} '{}': {m}", n.name())))?;
            }
        }
        self.names.err_ptr.extend(parsed.err_ptr);
        self.names.no_deref.extend(parsed.no_deref);
        self.names.noreturn.extend(parsed.noreturn);
        self.names.stable_calls.extend(parsed.stable_calls);
        self.select_names();
        self.lock_fields.extend(parsed.lock_fields);
        self.mm_tree_fields.extend(parsed.mm_tree_fields);
        self.vma_fields.extend(parsed.vma_field);
        self.vma_field_not_derived
            .extend(parsed.vma_field_not_derived);
        if let Some(v) = parsed.vma_record {
            self.vma_record = v;
        }
        if let Some(v) = parsed.mm_record {
            self.mm_record = v;
        }
        if let Some(v) = parsed.locked_kept_is_new_hold {
            self.locked_kept_is_new_hold = v;
        }
        if let Some(v) = parsed.unlockable_flag {
            self.unlockable_flag = Some(v);
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), RulesError> {
        let err = |m: &str| RulesError {
            file: "rules".into(),
            message: m.into(),
        };
        if self.vma_record.is_empty() || self.mm_record.is_empty() {
            return Err(err(
                "vma_record and mm_record must be set by some rules file",
            ));
        }
        if self.lock_fields.is_empty() {
            return Err(err("lock_fields must name the mm's lock field (mmap_lock)"));
        }
        Ok(())
    }

    fn records(&self) -> Records<'_> {
        Records {
            vma: &self.vma_record,
            mm: &self.mm_record,
        }
    }

    fn lookup<'a, E: Entry>(
        &'a self,
        t: &'a Table<E>,
        name: &str,
        decl: Option<&[Ty]>,
    ) -> Option<&'a E> {
        select::pick(t.get(name)?, self.version, decl, &self.records())
    }

    pub fn lock_fn(&self, name: &str) -> Option<&LockFn> {
        self.lookup(&self.locks, name, None)
    }
    /// [`Self::lock_fn`] for a call whose callee's declared parameter types are known.
    pub fn lock_fn_at(&self, name: &str, decl: Option<&[Ty]>) -> Option<&LockFn> {
        self.lookup(&self.locks, name, decl)
    }
    pub fn vma_source(&self, name: &str) -> Option<&VmaSource> {
        self.lookup(&self.vma_sources, name, None)
    }
    pub fn vma_source_at(&self, name: &str, decl: Option<&[Ty]>) -> Option<&VmaSource> {
        self.lookup(&self.vma_sources, name, decl)
    }
    pub fn pin(&self, name: &str) -> Option<&Pin> {
        self.lookup(&self.pins, name, None)
    }
    /// The GUP entry for a call of `name` with `nargs` arguments.
    pub fn gup(&self, name: &str, nargs: usize) -> Option<&GupFn> {
        self.gup_at(name, nargs, None)
    }
    /// [`Self::gup`] checked against the callee's declared parameter types: 6.1's
    /// `__gup_longterm_locked` entry (argument 4 `vmas`) does not apply to 6.12's (argument
    /// 4 `locked`) even with the version unknown.
    pub fn gup_at(&self, name: &str, nargs: usize, decl: Option<&[Ty]>) -> Option<&GupFn> {
        let list = self.gup.get(&(name.to_string(), nargs))?;
        select::pick(list, self.version, decl, &self.records())
    }
    pub fn is_vma_field(&self, record: &str, field: &str) -> bool {
        self.vma_fields.iter().any(|f| {
            f.record == record && f.field == field && self.applies(range_of(f.since, f.until))
        })
    }
    pub fn fault_handler(&self, name: &str) -> Option<&FaultHandler> {
        self.lookup(&self.fault_handlers, name, None)
    }
    pub fn fault_handler_at(&self, name: &str, decl: Option<&[Ty]>) -> Option<&FaultHandler> {
        self.lookup(&self.fault_handlers, name, decl)
    }
    pub fn fault_test(&self, name: &str) -> Option<&FaultTest> {
        self.lookup(&self.fault_tests, name, None)
    }
    /// The flag names fault results are tested against: (retry, completed, error flags) of
    /// every handler of the selected kernel.
    pub fn fault_flags(&self) -> impl Iterator<Item = (&str, &str, &[String])> {
        self.fault_handlers
            .values()
            .flatten()
            .map(|s| &s.entry)
            .filter(|f| self.applies(f.range()))
            .map(|f| {
                (
                    f.retry_flag.as_str(),
                    f.completed_flag.as_str(),
                    f.error_flags.as_slice(),
                )
            })
    }
    pub fn retake_flag(&self, name: &str) -> Option<&RetakeFlag> {
        self.lookup(&self.retake_flags, name, None)
    }
    pub fn released_when_false(&self, name: &str) -> Option<&ReleasedWhenFalse> {
        self.lookup(&self.released_when_false, name, None)
    }
    /// A fault helper that releases the fault's per-VMA lock when it returns a retry.
    pub fn retry_releases(&self, name: &str) -> Option<&RetryReleases> {
        self.lookup(&self.retry_releases, name, None)
    }
    pub fn is_err(&self, name: &str) -> Option<&IsErr> {
        self.lookup(&self.is_err, name, None)
    }
    /// The write requirement of a call to `name` (`vm_flags_set`, `find_extend_vma_locked`).
    pub fn needs_write_at(&self, name: &str, decl: Option<&[Ty]>) -> Option<&NeedsWrite> {
        self.lookup(&self.needs_write, name, decl)
    }
    /// The entry state of a function stored in `record.field` (`file_operations.mmap`).
    pub fn entry_for_field(&self, record: &str, field: &str) -> Option<&EntryPoint> {
        self.entry_points.for_field(self.version, record, field)
    }
    /// The entry state of a function by the name the kernel's macros give it:
    /// (prefix, holds).
    pub fn entry_for_name(&self, name: &str) -> Option<(&str, Holds)> {
        self.entry_points.for_name(self.version, name)
    }
    /// Whether any entry-point row applies to the selected kernel.
    /// What a function passed as argument `index` of `callee` (a call, or a file-scope
    /// macro with `macro_use`) holds when the kernel calls it.
    pub fn entry_for_arg(&self, callee: &str, macro_use: bool, index: usize) -> Option<Holds> {
        self.entry_points
            .for_arg(self.version, callee, macro_use, index)
    }

    /// The names that make a function an entry point entered with a read hold, something
    /// no word of [`ApiDb::effect_words`] says: (words, name prefixes). A VMA store in
    /// such a function is a finding of its own.
    pub fn read_hold_entry_names(&self) -> (Vec<String>, Vec<String>) {
        self.entry_points.read_hold_names(self.version)
    }

    pub fn has_entry_points(&self) -> bool {
        self.entry_points.any_in(self.version)
    }
    /// The mm argument of a function that owns its mm alone (`exit_mmap`).
    pub fn exclusive_mm(&self, name: &str) -> Option<&ExclusiveMm> {
        self.lookup(&self.exclusive_mm, name, None)
    }
    pub fn is_err_ptr(&self, name: &str) -> bool {
        self.err_ptr.iter().any(|n| n == name)
    }
    pub fn is_noreturn(&self, name: &str) -> bool {
        self.noreturn.iter().any(|n| n == name)
    }
    pub fn is_no_deref(&self, name: &str) -> bool {
        self.no_deref.iter().any(|n| n == name)
    }

    fn applies(&self, r: VersionRange) -> bool {
        self.version.is_none_or(|v| r.contains(v))
    }

    /// Names with an entry for the selected kernel in `t`.
    fn names_in<'a, E: Entry>(&'a self, t: &'a Table<E>) -> impl Iterator<Item = &'a String> {
        t.iter()
            .filter(|(_, l)| select::any_in(l, self.version))
            .map(|(n, _)| n)
    }

    /// Words whose presence in a function's text makes it worth lowering and analysing:
    /// every API name of the tables, the VMA struct tag and the mm fields the analysis
    /// follows.
    pub fn interesting_words(&self) -> Vec<String> {
        let mut w: Vec<String> = self
            .names_in(&self.locks)
            .chain(self.names_in(&self.vma_sources))
            .chain(self.names_in(&self.needs_write))
            .chain(
                self.gup
                    .iter()
                    .filter(|(_, l)| select::any_in(l, self.version))
                    .map(|((n, _), _)| n),
            )
            .chain(self.names_in(&self.fault_handlers))
            .chain(self.names_in(&self.retake_flags))
            .chain(self.names_in(&self.released_when_false))
            .chain(self.names_in(&self.retry_releases))
            .cloned()
            .collect();
        w.push(self.vma_record.clone());
        w.extend(self.lock_fields.iter().cloned());
        // `down_read(&vma->vm_lock->lock)`: the rwsem is a VMA's own lock.
        w.extend(self.vma_lock_rwsem.first().cloned());
        w.extend(self.mm_tree_fields.iter().cloned());
        w.extend(
            self.vma_fields
                .iter()
                .filter(|f| self.applies(range_of(f.since, f.until)))
                .map(|f| f.field.clone()),
        );
        w.sort();
        w.dedup();
        w
    }

    /// The words of [`ApiDb::interesting_words`] whose presence in a function's body can
    /// give its summary an effect on callers (a lock taken or dropped, a VMA returned, a
    /// requirement). Left out: the VMA type, which only makes a function analysable (a
    /// function that merely passes VMAs around has a summary with no effect, the same as
    /// having no body); the mm's VMA-tree field, which ties an iterator to its mm where
    /// the iterator is initialised (`VMA_ITERATOR`, `vma_iter_init()`), something no
    /// summary carries (a helper that returns a VMA from the tree calls a VMA source of the
    /// data, an effect word); and the plain rwsem functions (`down_read`, `up_write`),
    /// which act on the mmap_lock only when given `&mm->mmap_lock`, or on a VMA's lock
    /// given `&vma->vm_lock->lock`: a body that does so names the lock's field, itself an
    /// effect word.
    pub fn effect_words(&self) -> Vec<String> {
        let raw_rwsem: std::collections::HashSet<&str> = self
            .locks
            .iter()
            .filter(|(_, l)| {
                l.iter()
                    .all(|s| s.entry.lock_kind == entries::LockKind::Rwsem)
            })
            .map(|(n, _)| n.as_str())
            .collect();
        self.interesting_words()
            .into_iter()
            .filter(|w| {
                *w != self.vma_record
                    && !self.mm_tree_fields.contains(w)
                    && !raw_rwsem.contains(w.as_str())
            })
            .collect()
    }

    /// True when `name` is known to any table for the selected kernel: a quick filter for
    /// functions worth analysing, and the names whose learned summaries the data overrides.
    pub fn knows(&self, name: &str) -> bool {
        self.locks
            .get(name)
            .is_some_and(|l| select::any_in(l, self.version))
            || self
                .vma_sources
                .get(name)
                .is_some_and(|l| select::any_in(l, self.version))
            || self
                .needs_write
                .get(name)
                .is_some_and(|l| select::any_in(l, self.version))
            || self
                .fault_handlers
                .get(name)
                .is_some_and(|l| select::any_in(l, self.version))
            || self
                .retake_flags
                .get(name)
                .is_some_and(|l| select::any_in(l, self.version))
            || self
                .released_when_false
                .get(name)
                .is_some_and(|l| select::any_in(l, self.version))
            || self
                .retry_releases
                .get(name)
                .is_some_and(|l| select::any_in(l, self.version))
            || self
                .gup
                .iter()
                .any(|((n, _), l)| n == name && select::any_in(l, self.version))
    }
}

trait PushEntry<E> {
    fn push_entry(&mut self, e: E, layer: u32, kind: &str) -> Result<(), String>;
}

impl<E: Entry + Named> PushEntry<E> for Vec<Stored<E>> {
    fn push_entry(&mut self, e: E, layer: u32, kind: &str) -> Result<(), String> {
        e.range()
            .check()
            .map_err(|m| format!("{kind} '{}': {m}", e.name()))?;
        select::insert(self, e, layer);
        Ok(())
    }
}

fn range_of(since: Option<KernelVersion>, until: Option<KernelVersion>) -> VersionRange {
    VersionRange { since, until }
}

fn check_lock(l: &LockFn) -> Result<(), String> {
    if l.succeeds_when.is_some()
        && !matches!(
            l.action,
            LockAction::Acquire | LockAction::Release | LockAction::Downgrade | LockAction::Upgrade
        )
    {
        return Err(format!(
            "lock '{}': succeeds_when only makes sense for an acquire, a release, a downgrade or an upgrade",
            l.name
        ));
    }
    if l.action == LockAction::Upgrade && l.succeeds_when.is_none() {
        return Err(format!(
            "lock '{}': an upgrade needs succeeds_when (it can fail)",
            l.name
        ));
    }
    if l.mode == Mode::Any && l.action != LockAction::Assert {
        return Err(format!(
            "lock '{}': mode \"any\" is only allowed for assertions",
            l.name
        ));
    }
    if l.only_if_arg.is_some() && l.succeeds_when.is_none() {
        return Err(format!(
            "lock '{}': only_if_arg needs succeeds_when (a conditional operation)",
            l.name
        ));
    }
    if l.failure_asserts.is_some()
        && !(l.action == LockAction::Acquire && l.succeeds_when == Some(SucceedsWhen::Nonzero))
    {
        return Err(format!(
            "lock '{}': failure_asserts is for trylocks (acquire, succeeds_when = \"nonzero\")",
            l.name
        ));
    }
    check_name(&l.name)
}

fn check_gup(g: &GupFn) -> Result<(), String> {
    check_name(&g.name)?;
    for (what, idx) in [
        ("mm_arg", g.mm_arg),
        ("vma_arg", g.vma_arg),
        ("flags_arg", g.flags_arg),
        ("vmas_arg", g.vmas_arg),
        ("locked_arg", g.locked_arg),
        ("start_arg", g.start_arg),
        ("nr_arg", g.nr_arg),
        ("pages_arg", g.pages_arg),
    ] {
        if let Some(i) = idx {
            if i >= g.args {
                return Err(format!(
                    "gup '{}' ({} args): {what} = {i} is out of range",
                    g.name, g.args
                ));
            }
        }
    }
    if g.lockless && (g.takes_lock || g.takes_lock_when_unlocked || g.locked_arg.is_some()) {
        return Err(format!(
            "gup '{}' ({} args): lockless excludes takes_lock, takes_lock_when_unlocked and locked_arg",
            g.name, g.args
        ));
    }
    if g.takes_lock_when_unlocked && g.locked_arg.is_none() {
        return Err(format!(
            "gup '{}' ({} args): takes_lock_when_unlocked needs locked_arg",
            g.name, g.args
        ));
    }
    if let Some(m) = &g.migration {
        check_migration(g, m)?;
    }
    Ok(())
}

fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("'{name}' is not a C function name"));
    }
    Ok(())
}

/// A migration must say what it rewrites: the `vmas` argument, and for the one-page forms
/// the arguments the new call is built from.
fn check_migration(g: &GupFn, m: &GupMigration) -> Result<(), String> {
    let what = format!("gup '{}' ({} args): migration", g.name, g.args);
    if g.vmas_arg.is_none() {
        return Err(format!("{what} needs vmas_arg (the argument it removes)"));
    }
    if m.single_page.is_some() && (m.lookup.is_some() || m.release_page.is_some()) {
        return Err(format!(
            "{what}: give single_page, or lookup with release_page, not both"
        ));
    }
    if m.lookup.is_some() != m.release_page.is_some() {
        return Err(format!("{what}: lookup and release_page go together"));
    }
    if m.single_page.is_some() || m.lookup.is_some() {
        for (key, v) in [
            ("start_arg", g.start_arg),
            ("nr_arg", g.nr_arg),
            ("pages_arg", g.pages_arg),
            ("flags_arg", g.flags_arg),
        ] {
            if v.is_none() {
                return Err(format!("{what}: a one-page rewrite needs {key}"));
            }
        }
    }
    if m.single_page.is_some() && g.mm_arg.is_none() {
        return Err(format!("{what}: single_page needs mm_arg"));
    }
    for name in [&m.single_page, &m.lookup, &m.release_page]
        .into_iter()
        .flatten()
    {
        check_name(name)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
