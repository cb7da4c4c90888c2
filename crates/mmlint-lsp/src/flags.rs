//! Compile flags for an open file: the entry of the nearest compile_commands.json, translated
//! as in CHECK mode (`mmlint_driver::batch::load_compdb`), or a neighbour's when the file
//! has no entry of its own (a header, a file not built in this configuration).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use mmlint_driver::batch::{load_compdb, Unit};

/// The flags chosen for one file and how they were chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flags {
    pub args: Vec<String>,
    /// Said in the log (window/logMessage): which database, whose entry was borrowed.
    pub how: String,
}

/// A database's translated units, or why it could not be read.
type Loaded = Arc<Result<Vec<Unit>, String>>;

/// Parsed databases, reloaded when the file changes on disk (a `make` regenerates it).
#[derive(Default)]
pub struct CompDbCache {
    loaded: Mutex<HashMap<PathBuf, (Option<SystemTime>, Loaded)>>,
}

impl CompDbCache {
    fn units(&self, db: &Path) -> Loaded {
        let mtime = std::fs::metadata(db).and_then(|m| m.modified()).ok();
        let mut map = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((t, u)) = map.get(db) {
            if *t == mtime {
                return u.clone();
            }
        }
        let units = Arc::new(load_compdb(db, &[]));
        map.insert(db.to_path_buf(), (mtime, units.clone()));
        units
    }

    /// Flags for `file` (absolute): from `explicit` when given, else from the nearest
    /// compile_commands.json in `file`'s directory or above; `fallback` when there is none.
    pub fn flags_for(&self, file: &Path, explicit: Option<&Path>, fallback: &[String]) -> Flags {
        let db = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => nearest_compdb(file),
        };
        let Some(db) = db else {
            return Flags {
                args: fallback.to_vec(),
                how: format!(
                    "no compile_commands.json above {}: analysing with {}",
                    file.display(),
                    describe_args(fallback)
                ),
            };
        };
        let units = self.units(&db);
        let units = match &*units {
            Ok(u) => u,
            Err(e) => {
                return Flags {
                    args: fallback.to_vec(),
                    how: format!("{e}; analysing with {}", describe_args(fallback)),
                }
            }
        };
        pick(file, &db, units).unwrap_or_else(|| Flags {
            args: fallback.to_vec(),
            how: format!(
                "{} has no entries: analysing {} with {}",
                db.display(),
                file.display(),
                describe_args(fallback)
            ),
        })
    }
}

fn describe_args(args: &[String]) -> String {
    if args.is_empty() {
        "no compiler arguments".into()
    } else {
        format!("the arguments given at start-up ({})", args.join(" "))
    }
}

fn nearest_compdb(file: &Path) -> Option<PathBuf> {
    file.ancestors()
        .skip(1)
        .map(|d| d.join("compile_commands.json"))
        .find(|p| p.is_file())
}

fn canonical(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

/// The file's own entry; else one from the same directory; else the one whose directory
/// shares the longest prefix with the file's (a header under include/ borrows from a unit
/// that is as close as possible, so its -I and -D flags most likely apply).
fn pick(file: &Path, db: &Path, units: &[Unit]) -> Option<Flags> {
    let file = canonical(file);
    let paths: Vec<PathBuf> = units
        .iter()
        .map(|u| canonical(&u.directory.join(&u.display)))
        .collect();
    if let Some(i) = paths.iter().position(|p| *p == file) {
        return Some(Flags {
            args: units[i].args.clone(),
            how: format!("flags of {} from {}", units[i].display, db.display()),
        });
    }
    let dir = file.parent()?;
    let best = paths
        .iter()
        .enumerate()
        .max_by_key(|(i, p)| {
            let shared = p
                .parent()
                .map(|d| {
                    d.components()
                        .zip(dir.components())
                        .take_while(|(a, b)| a == b)
                        .count()
                })
                .unwrap_or(0);
            // Ties go to the earlier entry (max_by_key keeps the last maximum).
            (shared, std::cmp::Reverse(*i))
        })
        .map(|(i, _)| i)?;
    let same_dir = paths[best].parent() == Some(dir);
    Some(Flags {
        args: units[best].args.clone(),
        how: format!(
            "{} is not in {}: borrowing the flags of {} ({})",
            file.display(),
            db.display(),
            units[best].display,
            if same_dir {
                "same directory"
            } else {
                "no unit in the same directory; nearest directory"
            }
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> PathBuf {
        let d = std::env::temp_dir().join(format!("mmlint-lsp-flags-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        for f in [
            "mm/a.c",
            "mm/b.c",
            "mm/x.h",
            "kernel/k.c",
            "include/linux/h.h",
        ] {
            let p = d.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, "").unwrap();
        }
        let db = serde_json::json!([
            {"directory": d, "file": "mm/a.c", "command": "gcc -DA -c mm/a.c"},
            {"directory": d, "file": "mm/b.c", "command": "gcc -DB -c mm/b.c"},
            {"directory": d, "file": "kernel/k.c", "command": "gcc -DK -c kernel/k.c"},
        ]);
        std::fs::write(d.join("compile_commands.json"), db.to_string()).unwrap();
        d
    }

    #[test]
    fn own_entry_then_same_directory_then_nearest() {
        let d = tree();
        let cache = CompDbCache::default();
        let f = cache.flags_for(&d.join("mm/b.c"), None, &[]);
        assert!(f.args.contains(&"-DB".to_string()), "{f:?}");
        assert!(f.how.starts_with("flags of mm/b.c"), "{}", f.how);

        let h = cache.flags_for(&d.join("mm/x.h"), None, &[]);
        assert!(h.args.contains(&"-DA".to_string()), "{h:?}");
        assert!(h
            .how
            .contains("borrowing the flags of mm/a.c (same directory)"));

        let i = cache.flags_for(&d.join("include/linux/h.h"), None, &[]);
        assert!(i.how.contains("nearest directory"), "{}", i.how);

        let outside = std::env::temp_dir().join("mmlint-lsp-no-db.c");
        let n = cache.flags_for(&outside, None, &["-Ifoo".into()]);
        assert_eq!(n.args, vec!["-Ifoo".to_string()]);
        assert!(n.how.contains("no compile_commands.json"));
        let _ = std::fs::remove_dir_all(&d);
    }
}
