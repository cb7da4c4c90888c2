//! API knowledge as data: loads and validates the `rules/*.toml` files into typed tables.
//!
//! What locks, unlocks, returns VMAs, takes `vmas`/`locked` or never returns is written in
//! TOML under `rules/` (documented in docs/api-data.md), never in `match` arms elsewhere.
//! The files of the repository's `rules/` directory are built into the binary; more
//! directories can be layered on top with [`ApiDb::load_dir`].
//!
//! **Invariant:** every table handed out has been validated: argument indices fit the
//! declared arity, names are unique per (name, arity), enums are known words.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LockAction {
    Acquire,
    Release,
    Downgrade,
    /// Read → write without releasing (`mmap_upgrade_trylock`, 6.4+ fault path): only as a
    /// conditional operation.
    Upgrade,
    Assert,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    Read,
    Write,
    Any,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LockKind {
    /// The argument is the `struct mm_struct *`.
    Mm,
    /// The argument is the semaphore, `&mm->mmap_lock`.
    Rwsem,
    /// The argument is a VMA; the lock is its mm's.
    Vma,
    /// The argument is a VMA; the lock is its own per-VMA lock (6.4+).
    VmaLock,
    /// The argument is a `struct vm_fault *`; the lock is whichever the fault holds: the
    /// per-VMA lock when this function holds one, else the mm's (`release_fault_lock()`).
    Fault,
    /// The argument is the mm; the lock is the per-VMA write locks of all its VMAs
    /// (`vma_end_write_all()`, which only `mmap_write_unlock()` and
    /// `mmap_write_downgrade()` may call).
    MmVmaWrite,
}

/// The return value that means a conditional lock operation happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SucceedsWhen {
    /// 0 (killable acquires: -EINTR otherwise).
    Zero,
    /// non-zero (trylocks).
    Nonzero,
    /// exactly 1 (munmap helpers return 1 when they downgraded, 0 or -errno otherwise).
    One,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockFn {
    pub name: String,
    pub action: LockAction,
    pub mode: Mode,
    pub lock_arg: usize,
    pub lock_kind: LockKind,
    /// For a conditional acquire or downgrade: the return value meaning it happened.
    #[serde(default)]
    pub succeeds_when: Option<SucceedsWhen>,
    /// The operation can only happen when this argument is non-zero (`downgrade` flag).
    #[serde(default)]
    pub only_if_arg: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VmaSource {
    pub name: String,
    #[serde(default)]
    pub mm_arg: Option<usize>,
    #[serde(default)]
    pub iter_arg: Option<usize>,
    #[serde(default)]
    pub out_args: Vec<usize>,
    /// Returns a VMA with the read lock held (taken, or dropped and re-taken inside: earlier
    /// VMAs are stale), or NULL with the lock released (`lock_mm_and_find_vma`, 6.1.37+
    /// `expand_stack`).
    #[serde(default)]
    pub null_releases: bool,
    /// The call takes the lock itself (the caller must not hold it).
    #[serde(default)]
    pub takes_lock: bool,
    /// Returns a VMA under its own per-VMA read lock, taken by the call, with no mmap_lock
    /// held; or NULL with no lock (`lock_vma_under_rcu`, 6.4+).
    #[serde(default)]
    pub vma_locked: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VmaField {
    pub record: String,
    pub field: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pin {
    pub name: String,
    pub arg: usize,
}

/// A call that changes a VMA in the tree and so needs the mmap write lock (6.4+: it takes
/// the VMA's write lock, `vm_flags_set()`, `vma_start_write()`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VmaWrite {
    pub name: String,
    pub vma_arg: usize,
}

/// `handle_mm_fault()`: the result's retry/completed bits say the lock was released.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultHandler {
    pub name: String,
    pub vma_arg: usize,
    #[serde(default)]
    pub flags_arg: Option<usize>,
    #[serde(default)]
    pub allow_retry_flag: Option<String>,
    pub retry_flag: String,
    pub completed_flag: String,
    #[serde(default)]
    pub error_flags: Vec<String>,
    /// Called on a VMA under its per-VMA lock (with the VMA-lock fault flag), the retry
    /// and completed outcomes release that lock too (6.6+). When false (6.4, 6.5) the
    /// caller always releases it.
    #[serde(default)]
    pub releases_vma_lock: bool,
}

/// A test true only when a fault result has `implies` set (`fault_signal_pending`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultTest {
    pub name: String,
    pub arg: usize,
    pub implies: String,
}

/// Returns with the lock held, setting `*flag` when it dropped and re-took it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetakeFlag {
    pub name: String,
    pub mm_arg: usize,
    pub flag_arg: usize,
}

/// Returns false when it released the lock of its VMA argument's mm.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleasedWhenFalse {
    pub name: String,
    pub vma_arg: usize,
}

/// A test for error pointers: `IS_ERR(p)`, `IS_ERR_OR_NULL(p)`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IsErr {
    pub name: String,
    pub arg: usize,
    /// Also true for NULL.
    #[serde(default)]
    pub null_too: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GupFn {
    pub name: String,
    /// The number of arguments of this signature.
    pub args: usize,
    #[serde(default)]
    pub mm_arg: Option<usize>,
    /// A VMA argument whose mm is the one GUP works on (mm-internal helpers).
    #[serde(default)]
    pub vma_arg: Option<usize>,
    #[serde(default)]
    pub flags_arg: Option<usize>,
    #[serde(default)]
    pub vmas_arg: Option<usize>,
    #[serde(default)]
    pub locked_arg: Option<usize>,
    #[serde(default)]
    pub takes_lock: bool,
    /// The user address, the page count and the `struct page **` output (for rewrites).
    #[serde(default)]
    pub start_arg: Option<usize>,
    #[serde(default)]
    pub nr_arg: Option<usize>,
    #[serde(default)]
    pub pages_arg: Option<usize>,
    /// How a later kernel removed `vmas` from this signature (rule gup-vmas-migration).
    #[serde(default)]
    pub migration: Option<GupMigration>,
}

/// Linux 6.5 removed the `vmas` argument: the call keeps its name and loses that argument.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GupMigration {
    /// The kernel version that removed `vmas` (for messages).
    pub since: String,
    /// The helper a one-page call with a one-VMA `vmas` becomes, called as
    /// `helper(mm, start, gup_flags, &vma)` and returning the page or an error pointer
    /// (`get_user_page_vma_remote`).
    #[serde(default)]
    pub single_page: Option<String>,
    /// Without `single_page`: the lookup that replaces the VMA under the same hold
    /// (`vma_lookup(mm, start)`), and what drops the page reference when it fails.
    #[serde(default)]
    pub lookup: Option<String>,
    #[serde(default)]
    pub release_page: Option<String>,
}

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
    no_deref: Vec<String>,
    #[serde(default)]
    noreturn: Vec<String>,
    #[serde(default)]
    unlockable_flag: Option<String>,
    #[serde(default)]
    locked_kept_is_new_hold: Option<bool>,
    #[serde(default)]
    gup: Vec<GupFn>,
    #[serde(default)]
    err_ptr: Vec<String>,
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
    vma_write: Vec<VmaWrite>,
    #[serde(default)]
    vma_write_fields: Vec<String>,
    #[serde(default)]
    stable_calls: Vec<String>,
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
#[derive(Debug, Clone, Default)]
pub struct ApiDb {
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
    vma_writes: HashMap<String, VmaWrite>,
    is_err: HashMap<String, IsErr>,
    fault_handlers: HashMap<String, FaultHandler>,
    fault_tests: HashMap<String, FaultTest>,
    retake_flags: HashMap<String, RetakeFlag>,
    released_when_false: HashMap<String, ReleasedWhenFalse>,
    locks: HashMap<String, LockFn>,
    vma_sources: HashMap<String, VmaSource>,
    pins: HashMap<String, Pin>,
    gup: HashMap<(String, usize), GupFn>,
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
    /// The built-in rules (the repository's `rules/*.toml`).
    pub fn builtin() -> Result<ApiDb, RulesError> {
        let mut db = ApiDb::default();
        for (name, text) in BUILTIN {
            db.add_str(name, text)?;
        }
        db.finish()?;
        Ok(db)
    }

    /// Adds every `*.toml` file of `dir` (sorted by name) on top of the current tables.
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
        for f in files {
            let text = std::fs::read_to_string(&f).map_err(|e| RulesError {
                file: f.display().to_string(),
                message: format!("cannot read: {e}"),
            })?;
            self.add_str(&f.display().to_string(), &text)?;
        }
        self.finish()
    }

    /// Parses and validates one file's text, adding its entries. Later files override
    /// earlier entries of the same name (and arity, for GUP).
    pub fn add_str(&mut self, file: &str, text: &str) -> Result<(), RulesError> {
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
        for l in parsed.lock {
            if l.succeeds_when.is_some()
                && !matches!(
                    l.action,
                    LockAction::Acquire | LockAction::Downgrade | LockAction::Upgrade
                )
            {
                return Err(err(format!(
                    "lock '{}': succeeds_when only makes sense for an acquire, a downgrade or an upgrade",
                    l.name
                )));
            }
            if l.action == LockAction::Upgrade && l.succeeds_when.is_none() {
                return Err(err(format!(
                    "lock '{}': an upgrade needs succeeds_when (it can fail)",
                    l.name
                )));
            }
            if l.mode == Mode::Any && l.action != LockAction::Assert {
                return Err(err(format!(
                    "lock '{}': mode \"any\" is only allowed for assertions",
                    l.name
                )));
            }
            if l.only_if_arg.is_some() && l.succeeds_when.is_none() {
                return Err(err(format!(
                    "lock '{}': only_if_arg needs succeeds_when (a conditional operation)",
                    l.name
                )));
            }
            check_name(&l.name).map_err(&err)?;
            self.locks.insert(l.name.clone(), l);
        }
        for s in parsed.vma_source {
            check_name(&s.name).map_err(&err)?;
            if s.mm_arg.is_some() == s.iter_arg.is_some() {
                return Err(err(format!(
                    "vma_source '{}': give exactly one of mm_arg and iter_arg",
                    s.name
                )));
            }
            self.vma_sources.insert(s.name.clone(), s);
        }
        for p in parsed.pin {
            check_name(&p.name).map_err(&err)?;
            self.pins.insert(p.name.clone(), p);
        }
        for g in parsed.gup {
            check_name(&g.name).map_err(&err)?;
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
                        return Err(err(format!(
                            "gup '{}' ({} args): {what} = {i} is out of range",
                            g.name, g.args
                        )));
                    }
                }
            }
            if let Some(m) = &g.migration {
                check_migration(&g, m).map_err(&err)?;
            }
            self.gup.insert((g.name.clone(), g.args), g);
        }
        for f in parsed.fault_handler {
            check_name(&f.name).map_err(&err)?;
            self.fault_handlers.insert(f.name.clone(), f);
        }
        for f in parsed.fault_test {
            check_name(&f.name).map_err(&err)?;
            self.fault_tests.insert(f.name.clone(), f);
        }
        for f in parsed.retake_flag {
            check_name(&f.name).map_err(&err)?;
            self.retake_flags.insert(f.name.clone(), f);
        }
        for f in parsed.released_when_false {
            check_name(&f.name).map_err(&err)?;
            self.released_when_false.insert(f.name.clone(), f);
        }
        for w in parsed.vma_write {
            check_name(&w.name).map_err(&err)?;
            self.vma_writes.insert(w.name.clone(), w);
        }
        self.vma_write_fields.extend(parsed.vma_write_fields);
        for t in parsed.is_err {
            check_name(&t.name).map_err(&err)?;
            self.is_err.insert(t.name.clone(), t);
        }
        self.err_ptr.extend(parsed.err_ptr);
        self.lock_fields.extend(parsed.lock_fields);
        self.mm_tree_fields.extend(parsed.mm_tree_fields);
        self.vma_fields.extend(parsed.vma_field);
        self.vma_field_not_derived
            .extend(parsed.vma_field_not_derived);
        self.no_deref.extend(parsed.no_deref);
        self.noreturn.extend(parsed.noreturn);
        for n in &parsed.stable_calls {
            check_name(n).map_err(&err)?;
        }
        self.stable_calls.extend(parsed.stable_calls);
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

    pub fn lock_fn(&self, name: &str) -> Option<&LockFn> {
        self.locks.get(name)
    }
    pub fn vma_source(&self, name: &str) -> Option<&VmaSource> {
        self.vma_sources.get(name)
    }
    pub fn pin(&self, name: &str) -> Option<&Pin> {
        self.pins.get(name)
    }
    /// The GUP entry for a call of `name` with `nargs` arguments.
    pub fn gup(&self, name: &str, nargs: usize) -> Option<&GupFn> {
        self.gup.get(&(name.to_string(), nargs))
    }
    pub fn is_vma_field(&self, record: &str, field: &str) -> bool {
        self.vma_fields
            .iter()
            .any(|f| f.record == record && f.field == field)
    }
    pub fn fault_handler(&self, name: &str) -> Option<&FaultHandler> {
        self.fault_handlers.get(name)
    }
    pub fn fault_test(&self, name: &str) -> Option<&FaultTest> {
        self.fault_tests.get(name)
    }
    /// The flag names fault results are tested against: (retry, completed, error flags) of
    /// every handler.
    pub fn fault_flags(&self) -> impl Iterator<Item = (&str, &str, &[String])> {
        self.fault_handlers.values().map(|f| {
            (
                f.retry_flag.as_str(),
                f.completed_flag.as_str(),
                f.error_flags.as_slice(),
            )
        })
    }
    pub fn retake_flag(&self, name: &str) -> Option<&RetakeFlag> {
        self.retake_flags.get(name)
    }
    pub fn released_when_false(&self, name: &str) -> Option<&ReleasedWhenFalse> {
        self.released_when_false.get(name)
    }
    pub fn vma_write(&self, name: &str) -> Option<&VmaWrite> {
        self.vma_writes.get(name)
    }
    pub fn is_err(&self, name: &str) -> Option<&IsErr> {
        self.is_err.get(name)
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
    /// Words whose presence in a function's text makes it worth lowering and analysing:
    /// every API name of the tables, the VMA struct tag and the mm fields the analysis
    /// follows.
    pub fn interesting_words(&self) -> Vec<String> {
        let mut w: Vec<String> = self
            .locks
            .keys()
            .chain(self.vma_sources.keys())
            .chain(self.gup.keys().map(|(n, _)| n))
            .chain(self.fault_handlers.keys())
            .chain(self.retake_flags.keys())
            .chain(self.released_when_false.keys())
            .chain(self.vma_writes.keys())
            .cloned()
            .collect();
        w.push(self.vma_record.clone());
        w.extend(self.lock_fields.iter().cloned());
        w.extend(self.mm_tree_fields.iter().cloned());
        w.extend(self.vma_fields.iter().map(|f| f.field.clone()));
        w.sort();
        w.dedup();
        w
    }

    /// True when `name` is known to any table: a quick filter for functions worth analysing.
    pub fn knows(&self, name: &str) -> bool {
        self.locks.contains_key(name)
            || self.vma_sources.contains_key(name)
            || self.fault_handlers.contains_key(name)
            || self.retake_flags.contains_key(name)
            || self.released_when_false.contains_key(name)
            || self.vma_writes.contains_key(name)
            || self.gup.keys().any(|(n, _)| n == name)
    }
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
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_load_and_answer() {
        let db = ApiDb::builtin().unwrap();
        let l = db.lock_fn("mmap_read_lock_killable").unwrap();
        assert_eq!(l.succeeds_when, Some(SucceedsWhen::Zero));
        assert_eq!(
            db.gup("get_user_pages_remote", 7).unwrap().locked_arg,
            Some(6)
        );
        assert_eq!(db.gup("get_user_pages_remote", 8).unwrap().mm_arg, Some(1));
        assert!(db.gup("get_user_pages_remote", 3).is_none());
        assert_eq!(db.vma_source("find_vma_prev").unwrap().out_args, vec![2]);
        assert!(db.is_vma_field("vm_area_struct", "vm_next"));
        assert!(db.knows("find_vma") && !db.knows("printk"));
    }

    /// A file added to rules/ but not to BUILTIN would silently do nothing.
    #[test]
    fn every_rules_file_is_built_in() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| format!("rules/{}", e.unwrap().file_name().to_string_lossy()))
            .filter(|n| n.ends_with(".toml"))
            .collect();
        on_disk.sort();
        let mut built: Vec<String> = BUILTIN.iter().map(|(n, _)| n.to_string()).collect();
        built.sort();
        assert_eq!(on_disk, built);
    }

    #[test]
    fn syntax_error_names_file_and_line() {
        let mut db = ApiDb::default();
        let e = db
            .add_str(
                "bad.toml",
                "lock = [\n  { name = \"x\", action = \"acquire\" ",
            )
            .unwrap_err();
        assert_eq!(e.file, "bad.toml");
        assert!(e.message.starts_with("line 2"), "{e}");
    }

    #[test]
    fn unknown_key_is_an_error() {
        let mut db = ApiDb::default();
        let e = db
            .add_str(
                "bad.toml",
                "lock = [{ name = \"x\", action = \"acquire\", mode = \"read\", lock_arg = 0, lock_kind = \"mm\", colour = 1 }]",
            )
            .unwrap_err();
        assert!(e.message.contains("colour"), "{e}");
    }

    #[test]
    fn unknown_action_is_an_error() {
        let mut db = ApiDb::default();
        let e = db
            .add_str(
                "bad.toml",
                "lock = [{ name = \"x\", action = \"grab\", mode = \"read\", lock_arg = 0, lock_kind = \"mm\" }]",
            )
            .unwrap_err();
        assert!(
            e.message.contains("grab") || e.message.contains("unknown variant"),
            "{e}"
        );
    }

    #[test]
    fn out_of_range_index_is_an_error() {
        let mut db = ApiDb::default();
        let e = db
            .add_str(
                "bad.toml",
                "gup = [{ name = \"g\", args = 3, vmas_arg = 5 }]",
            )
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "bad.toml: gup 'g' (3 args): vmas_arg = 5 is out of range"
        );
    }

    #[test]
    fn builtin_migrations_are_complete() {
        let db = ApiDb::builtin().unwrap();
        let remote = db.gup("get_user_pages_remote", 7).unwrap();
        let m = remote.migration.as_ref().unwrap();
        assert_eq!(m.single_page.as_deref(), Some("get_user_page_vma_remote"));
        assert_eq!((remote.start_arg, remote.pages_arg), (Some(1), Some(4)));
        let pin = db
            .gup("pin_user_pages", 5)
            .unwrap()
            .migration
            .clone()
            .unwrap();
        assert_eq!(pin.release_page.as_deref(), Some("unpin_user_page"));
        // Every 6.1 signature with `vmas` has its 6.5 successor (one argument fewer) when
        // the successor is public API.
        for (name, args) in [("get_user_pages", 5), ("get_user_pages_remote", 7)] {
            assert!(db.gup(name, args - 1).unwrap().vmas_arg.is_none());
        }
        assert!(db
            .gup("get_user_pages_remote", 6)
            .unwrap()
            .migration
            .is_none());
    }

    #[test]
    fn migration_errors_name_the_entry() {
        let bad = [
            (
                "gup = [{ name = \"g\", args = 3, migration = { since = \"6.5\" } }]",
                "gup 'g' (3 args): migration needs vmas_arg",
            ),
            (
                "gup = [{ name = \"g\", args = 3, vmas_arg = 2, migration = { since = \"6.5\", lookup = \"vma_lookup\" } }]",
                "lookup and release_page go together",
            ),
            (
                "gup = [{ name = \"g\", args = 3, vmas_arg = 2, migration = { since = \"6.5\", single_page = \"h\" } }]",
                "a one-page rewrite needs start_arg",
            ),
            (
                "gup = [{ name = \"g\", args = 4, start_arg = 0, nr_arg = 1, flags_arg = 1, pages_arg = 2, vmas_arg = 3, migration = { since = \"6.5\", single_page = \"h\" } }]",
                "single_page needs mm_arg",
            ),
            (
                "gup = [{ name = \"g\", args = 3, vmas_arg = 2, migration = { since = \"6.5\", single_page = \"h\", lookup = \"l\", release_page = \"r\" } }]",
                "not both",
            ),
            (
                "gup = [{ name = \"g\", args = 3, vmas_arg = 2, migration = { since = \"6.5\", colour = 1 } }]",
                "colour",
            ),
        ];
        for (text, want) in bad {
            let mut db = ApiDb::default();
            let e = db.add_str("bad.toml", text).unwrap_err();
            assert!(e.to_string().contains(want), "{text}: {e}");
        }
    }

    #[test]
    fn source_needs_exactly_one_mm_link() {
        let mut db = ApiDb::default();
        let e = db
            .add_str("bad.toml", "vma_source = [{ name = \"f\" }]")
            .unwrap_err();
        assert!(e.message.contains("exactly one"), "{e}");
    }

    #[test]
    fn succeeds_when_on_release_is_an_error() {
        let mut db = ApiDb::default();
        let e = db
            .add_str(
                "bad.toml",
                "lock = [{ name = \"x\", action = \"release\", mode = \"read\", lock_arg = 0, lock_kind = \"mm\", succeeds_when = \"zero\" }]",
            )
            .unwrap_err();
        assert!(e.message.contains("succeeds_when"), "{e}");
    }
}
