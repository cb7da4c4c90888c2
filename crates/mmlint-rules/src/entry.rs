//! Entry states (`entry_point` in the rules data): what a function holds when the kernel
//! calls it, known from how the code hands it to the kernel (a designated initializer of
//! an operations struct, a macro that names the body) rather than from its callers.

use serde::Deserialize;

use crate::version::{KernelVersion, VersionRange};

/// What is held at entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Holds {
    /// No mmap_lock at all (syscalls, ioctl and read/write callbacks, binary loaders).
    None,
    /// The mmap_lock of the VMA parameters' mm, for read.
    Read,
    /// The mmap_lock of the VMA parameters' mm, for write (`.mmap`).
    Write,
    /// The mmap_lock of the VMA's mm for read, or only that VMA's per-VMA read lock (6.4+
    /// fault handlers: `.fault`, `.page_mkwrite` …); the row says where the VMA is
    /// (`vma_arg`, `vma_field`). Either way a read hold: enough to read the VMA, never to
    /// change it.
    ReadOrVmaRead,
}

/// One row: a struct field that stores the function (`record`, `field`: a designated
/// initializer, or a store such as `INIT_WORK()`'s `(_work)->func = (_func)`), a name
/// prefix the kernel's macros give the body (`SYSCALL_DEFINE` bodies are `__do_sys_*`), a
/// call that hands the function to the kernel (`call`, `fn_arg`:
/// `kthread_create_on_node(threadfn, ...)`), or a file-scope macro that does (`macro`,
/// `fn_arg`: `module_init(fn)`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryPoint {
    #[serde(default)]
    pub record: Option<String>,
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub name_prefix: Option<String>,
    #[serde(default)]
    pub call: Option<String>,
    #[serde(default, rename = "macro")]
    pub macro_name: Option<String>,
    /// The argument (0-based) of `call` or `macro` that is the function.
    #[serde(default)]
    pub fn_arg: Option<usize>,
    pub holds: Holds,
    /// For `read-or-vma-read`: the parameter whose field `vma_field` is the VMA the hold
    /// protects (`vmf->vma` of a `struct vm_fault *vmf`).
    #[serde(default)]
    pub vma_arg: Option<usize>,
    #[serde(default)]
    pub vma_field: Option<String>,
    /// First kernel this row describes (inclusive).
    #[serde(default)]
    pub since: Option<KernelVersion>,
    /// First kernel it no longer describes (exclusive).
    #[serde(default)]
    pub until: Option<KernelVersion>,
}

impl EntryPoint {
    pub fn range(&self) -> VersionRange {
        VersionRange {
            since: self.since,
            until: self.until,
        }
    }

    pub(crate) fn check(&self) -> Result<(), String> {
        let by_field = self.record.is_some() && self.field.is_some();
        let by_arg = (self.call.is_some() || self.macro_name.is_some()) && self.fn_arg.is_some();
        let given = [
            self.record.is_some() || self.field.is_some(),
            self.name_prefix.is_some(),
            self.call.is_some(),
            self.macro_name.is_some(),
        ];
        let one_kind = given.iter().filter(|&&g| g).count() == 1;
        let complete = by_field || self.name_prefix.is_some() || by_arg;
        let stray_arg = self.fn_arg.is_some() && !by_arg;
        if !one_kind || !complete || stray_arg {
            return Err(format!(
                "entry_point {self:?}: give record and field, name_prefix, call and fn_arg, or macro and fn_arg"
            ));
        }
        let names_vma = self.vma_arg.is_some() && self.vma_field.is_some();
        if (self.holds == Holds::ReadOrVmaRead) != names_vma {
            return Err(format!(
                "entry_point {self:?}: holds = \"read-or-vma-read\" goes with vma_arg and \
                 vma_field, and only it"
            ));
        }
        self.range()
            .check()
            .map_err(|m| format!("entry_point {self:?}: {m}"))
    }

    /// Where the VMA a `read-or-vma-read` hold protects is: (parameter, field).
    pub fn vma(&self) -> Option<(usize, &str)> {
        Some((self.vma_arg?, self.vma_field.as_deref()?))
    }

    #[allow(clippy::type_complexity)]
    fn key(
        &self,
    ) -> (
        &Option<String>,
        &Option<String>,
        &Option<String>,
        &Option<String>,
        &Option<String>,
        Option<usize>,
    ) {
        (
            &self.record,
            &self.field,
            &self.name_prefix,
            &self.call,
            &self.macro_name,
            self.fn_arg,
        )
    }
}

/// Looks entry states up by struct field or by function name, for a kernel version.
#[derive(Clone, Debug, Default)]
pub struct EntryTable {
    rows: Vec<EntryPoint>,
}

impl EntryTable {
    /// A later row for the same field or prefix replaces earlier ones whose kernels overlap
    /// its own; rows with disjoint ranges live side by side.
    pub(crate) fn add(&mut self, e: EntryPoint) {
        let r = e.range();
        self.rows
            .retain(|old| old.key() != e.key() || !old.range().overlaps(&r));
        self.rows.push(e);
    }

    fn applying(&self, v: Option<KernelVersion>) -> impl Iterator<Item = &EntryPoint> {
        self.rows
            .iter()
            .filter(move |r| v.is_none_or(|v| r.range().contains(v)))
    }

    pub fn for_field(
        &self,
        v: Option<KernelVersion>,
        record: &str,
        field: &str,
    ) -> Option<&EntryPoint> {
        self.applying(v)
            .find(|r| r.record.as_deref() == Some(record) && r.field.as_deref() == Some(field))
    }

    /// The row whose prefix the function's name starts with: (prefix, holds).
    pub fn for_name(&self, v: Option<KernelVersion>, name: &str) -> Option<(&str, Holds)> {
        self.applying(v).find_map(|r| {
            let p = r.name_prefix.as_deref()?;
            name.starts_with(p).then_some((p, r.holds))
        })
    }

    /// The row for a function passed as argument `index` of a call (or, with `macro_use`,
    /// of a file-scope macro) named `callee`.
    pub fn for_arg(
        &self,
        v: Option<KernelVersion>,
        callee: &str,
        macro_use: bool,
        index: usize,
    ) -> Option<Holds> {
        self.applying(v)
            .find(|r| {
                let name = if macro_use { &r.macro_name } else { &r.call };
                name.as_deref() == Some(callee) && r.fn_arg == Some(index)
            })
            .map(|r| r.holds)
    }

    /// The names that make a function an entry point entered with a read hold (the
    /// records, calls and macros of such rows; the name prefixes apart): (words, prefixes).
    pub fn read_hold_names(&self, v: Option<KernelVersion>) -> (Vec<String>, Vec<String>) {
        let mut words = Vec::new();
        let mut prefixes = Vec::new();
        for r in self.applying(v) {
            if !matches!(r.holds, Holds::Read | Holds::ReadOrVmaRead) {
                continue;
            }
            words.extend(
                [&r.record, &r.call, &r.macro_name]
                    .into_iter()
                    .flatten()
                    .cloned(),
            );
            prefixes.extend(r.name_prefix.iter().cloned());
        }
        words.sort();
        words.dedup();
        (words, prefixes)
    }

    pub fn any_in(&self, v: Option<KernelVersion>) -> bool {
        self.applying(v).next().is_some()
    }

    /// One line per row for the kernel, as `mmlint rules` lists entries.
    pub(crate) fn describe(&self, v: Option<KernelVersion>) -> Vec<String> {
        self.applying(v)
            .map(|r| {
                let what = match (&r.record, &r.field, &r.name_prefix, &r.call, &r.macro_name) {
                    (Some(rec), Some(f), ..) => format!("{rec}.{f}"),
                    (_, _, Some(p), ..) => format!("{p}*"),
                    (.., Some(c), _) => format!("{c}() argument {}", r.fn_arg.unwrap_or(0)),
                    (.., Some(m)) => format!("{m}() argument {}", r.fn_arg.unwrap_or(0)),
                    _ => String::new(),
                };
                let holds = match r.holds {
                    Holds::None => "none",
                    Holds::Read => "read",
                    Holds::Write => "write",
                    Holds::ReadOrVmaRead => "read-or-vma-read",
                };
                format!(
                    "{:<20} {what:<32} {:<14} holds {holds}",
                    "entry_point",
                    r.range().to_string(),
                )
            })
            .collect()
    }
}
