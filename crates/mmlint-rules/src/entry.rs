//! Entry states (`entry_point` in the rules data): what a function holds when the kernel
//! calls it, known from how the code hands it to the kernel (a designated initializer of
//! an operations struct, a macro that names the body) rather than from its callers.

use serde::Deserialize;

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
}

/// One row: either a struct field that stores the function (`record`, `field`), or a name
/// prefix the kernel's macros give the body (`SYSCALL_DEFINE` bodies are `__do_sys_*`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryPoint {
    #[serde(default)]
    pub record: Option<String>,
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub name_prefix: Option<String>,
    pub holds: Holds,
}

impl EntryPoint {
    pub(crate) fn check(&self) -> Result<(), String> {
        match (&self.record, &self.field, &self.name_prefix) {
            (Some(_), Some(_), None) | (None, None, Some(_)) => Ok(()),
            _ => Err(format!(
                "entry_point {self:?}: give record and field, or name_prefix"
            )),
        }
    }
}

/// Looks entry states up by struct field or by function name.
#[derive(Clone, Debug, Default)]
pub struct EntryTable {
    rows: Vec<EntryPoint>,
}

impl EntryTable {
    /// Later rows for the same field or prefix override earlier ones.
    pub(crate) fn add(&mut self, e: EntryPoint) {
        self.rows.retain(|r| {
            (&r.record, &r.field, &r.name_prefix) != (&e.record, &e.field, &e.name_prefix)
        });
        self.rows.push(e);
    }

    pub fn for_field(&self, record: &str, field: &str) -> Option<Holds> {
        self.rows
            .iter()
            .find(|r| r.record.as_deref() == Some(record) && r.field.as_deref() == Some(field))
            .map(|r| r.holds)
    }

    /// The row whose prefix the function's name starts with: (prefix, holds).
    pub fn for_name(&self, name: &str) -> Option<(&str, Holds)> {
        self.rows.iter().find_map(|r| {
            let p = r.name_prefix.as_deref()?;
            name.starts_with(p).then_some((p, r.holds))
        })
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}
