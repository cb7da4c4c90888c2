//! The result cache: a unit whose inputs did not change since its last analysis reuses
//! that analysis's outcome instead of being parsed again.
//!
//! **The key is everything that changes a result**: mmlint's version, the rules data, the
//! settings that select or shape findings ([`crate::Config::result_key_material`]), the
//! unit's compiler arguments and main file path, and the content hashes of the main file
//! and of every file its last parse included (libclang's inclusion list). The first part
//! names the entry; the file hashes are stored in it and compared on lookup, so touching a
//! header re-analyses exactly the units whose last parse read it.
//!
//! An entry that cannot be read, does not parse, or was written for another key (a hash
//! collision, another version) is ignored and overwritten. Only analysed outcomes are
//! kept: a failure (a parse error, a timeout) is tried again on the next run.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use mmlint_diagnostics::{Diagnostic, Edit, Fix, Note, Severity, Suppression};
use mmlint_ir::{Loc, Span};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::FileOutcome;

const FORMAT: &str = "mmlint-result";
/// Bumped when an entry's shape or meaning changes.
const VERSION: u32 = 1;

/// A 64-bit hash of strings, stable between runs of one build (SipHash with fixed keys;
/// a new Rust release may change it, and then entries just miss).
pub fn hash_strs<'a>(parts: impl IntoIterator<Item = &'a str>) -> u64 {
    #[allow(deprecated)]
    let mut h = std::hash::SipHasher::new();
    for p in parts {
        p.hash(&mut h);
    }
    h.finish()
}

/// A 128-bit content hash (two keyed 64-bit hashes), as hex.
fn hash_bytes(b: &[u8]) -> String {
    #[allow(deprecated)]
    let (mut a, mut c) = (
        std::hash::SipHasher::new_with_keys(0x6d6d6c69, 1),
        std::hash::SipHasher::new_with_keys(0x6e74, 2),
    );
    a.write(b);
    c.write(b);
    format!("{:016x}{:016x}", a.finish(), c.finish())
}

/// Writes `bytes` to `path` through a temporary file and a rename, so a concurrent reader
/// (another job, another `make` process) sees the old entry or the new one, never half.
/// Failures are ignored: a cache that cannot be written is a cache that misses.
pub fn write_atomically(path: &Path, bytes: &[u8]) {
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let tmp = dir.join(format!(
        ".{}.{}.{:?}.tmp",
        path.file_name().map_or("x".into(), |n| n.to_string_lossy()),
        std::process::id(),
        std::thread::current().id()
    ));
    if std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

#[derive(Serialize, Deserialize)]
struct Entry {
    format: String,
    version: u32,
    key: String,
    /// (file as clang named it, content hash); the main file first.
    files: Vec<(String, String)>,
    outcome: Value,
}

/// The cache of one run: its directory and the hash of the settings every key shares.
pub struct ResultCache {
    dir: PathBuf,
    settings: u64,
    /// Content hashes computed in this run (a header is read once, not once per unit).
    hashes: Mutex<HashMap<PathBuf, Option<String>>>,
}

impl ResultCache {
    /// `dir`: the cache directory (`--cache-dir`); `settings`: from
    /// [`crate::Config::result_key_material`].
    pub fn new(dir: PathBuf, settings: &[String]) -> ResultCache {
        ResultCache {
            dir: dir.join(format!("results-v{VERSION}")),
            settings: hash_strs(settings.iter().map(String::as_str)),
            hashes: Mutex::new(HashMap::new()),
        }
    }

    /// The default directory: `$XDG_CACHE_HOME/mmlint`, else `~/.cache/mmlint`.
    /// Where the entries are kept (`--cache-dir`).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn default_dir() -> Option<PathBuf> {
        let xdg = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute());
        xdg.or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .map(|d| d.join("mmlint"))
    }

    fn key(&self, main: &Path, args: &[String]) -> String {
        let k = hash_strs(
            [&self.settings.to_string(), &*main.to_string_lossy()]
                .into_iter()
                .map(|s| s as &str)
                .chain(args.iter().map(String::as_str)),
        );
        format!("{k:016x}")
    }

    fn entry_path(&self, key: &str) -> PathBuf {
        self.dir.join(&key[..2]).join(format!("{key}.json"))
    }

    fn content_hash(&self, path: &Path) -> Option<String> {
        if let Some(h) = self.hashes.lock().ok()?.get(path) {
            return h.clone();
        }
        let h = std::fs::read(path).ok().map(|b| hash_bytes(&b));
        if let Ok(mut m) = self.hashes.lock() {
            m.insert(path.to_path_buf(), h.clone());
        }
        h
    }

    /// The stored outcome of the unit whose main file is `main` (absolute), compiled with
    /// `args`, if neither the settings nor any file it read have changed.
    pub fn lookup(&self, main: &Path, main_text: &[u8], args: &[String]) -> Option<FileOutcome> {
        let key = self.key(main, args);
        let bytes = std::fs::read(self.entry_path(&key)).ok()?;
        let e: Entry = serde_json::from_slice(&bytes).ok()?;
        if e.format != FORMAT || e.version != VERSION || e.key != key {
            return None;
        }
        let ((_, main_hash), rest) = e.files.split_first()?;
        if *main_hash != hash_bytes(main_text) {
            return None;
        }
        let cwd = crate::base_dir(args);
        for (f, h) in rest {
            if self.content_hash(&cwd.join(f)).as_ref() != Some(h) {
                return None;
            }
        }
        outcome_from_json(&e.outcome)
    }

    /// Stores an analysed outcome with the hashes of the files it was computed from (for a
    /// unit the prefilter skipped: the headers it read to decide so).
    pub fn store(
        &self,
        main: &Path,
        main_text: &[u8],
        args: &[String],
        included: &[String],
        outcome: &FileOutcome,
    ) {
        let Some(value) = outcome_to_json(outcome) else {
            return;
        };
        let cwd = crate::base_dir(args);
        let mut files = vec![(main.display().to_string(), hash_bytes(main_text))];
        for f in included {
            let Some(h) = self.content_hash(&cwd.join(f)) else {
                // A file that cannot be read now cannot be checked later: no entry.
                return;
            };
            files.push((f.clone(), h));
        }
        let key = self.key(main, args);
        let e = Entry {
            format: FORMAT.into(),
            version: VERSION,
            key: key.clone(),
            files,
            outcome: value,
        };
        if let Ok(b) = serde_json::to_vec(&e) {
            write_atomically(&self.entry_path(&key), &b);
        }
    }
}

fn loc_json(l: &Loc) -> Value {
    json!([&*l.file, l.line, l.col])
}
fn span_json(s: &Span) -> Value {
    json!([loc_json(&s.start), loc_json(&s.end)])
}
fn loc_of(v: &Value) -> Option<Loc> {
    let a = v.as_array()?;
    Some(Loc::new(
        a.first()?.as_str()?,
        a.get(1)?.as_u64()?.try_into().ok()?,
        a.get(2)?.as_u64()?.try_into().ok()?,
    ))
}
fn span_of(v: &Value) -> Option<Span> {
    let a = v.as_array()?;
    Some(Span {
        start: loc_of(a.first()?)?,
        end: loc_of(a.get(1)?)?,
    })
}
fn str_of(v: &Value, k: &str) -> Option<String> {
    Some(v.get(k)?.as_str()?.to_string())
}

fn diagnostic_json(d: &Diagnostic) -> Value {
    json!({
        "rule": d.rule,
        "severity": d.severity.as_str(),
        "span": span_json(&d.span),
        "message": d.message,
        "notes": d.notes.iter().map(|n| json!({"span": span_json(&n.span), "message": n.message})).collect::<Vec<_>>(),
        "function": d.function,
        "fingerprint": d.fingerprint,
        "fix": d.fix.as_ref().map(|f| json!({
            "description": f.description,
            "edits": f.edits.iter().map(|e| json!({"span": span_json(&e.span), "replacement": e.replacement})).collect::<Vec<_>>(),
        })),
        "suppression": d.suppression.as_ref().map(|s| json!({"reason": s.reason, "span": span_json(&s.span)})),
    })
}

fn diagnostic_of(v: &Value) -> Option<Diagnostic> {
    // Rule ids are `&'static str`: an id this build does not know makes the entry foreign.
    let rule = mmlint_checks::find_rule_meta(v.get("rule")?.as_str()?)?.id;
    let severity = match v.get("severity")?.as_str()? {
        "error" => Severity::Error,
        "warning" => Severity::Warning,
        "note" => Severity::Note,
        _ => return None,
    };
    let notes = v
        .get("notes")?
        .as_array()?
        .iter()
        .map(|n| {
            Some(Note {
                span: span_of(n.get("span")?)?,
                message: str_of(n, "message")?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let fix = match v.get("fix")? {
        Value::Null => None,
        f => Some(Fix {
            description: str_of(f, "description")?,
            edits: f
                .get("edits")?
                .as_array()?
                .iter()
                .map(|e| {
                    Some(Edit {
                        span: span_of(e.get("span")?)?,
                        replacement: str_of(e, "replacement")?,
                    })
                })
                .collect::<Option<Vec<_>>>()?,
        }),
    };
    let suppression = match v.get("suppression")? {
        Value::Null => None,
        s => Some(Suppression {
            reason: str_of(s, "reason")?,
            span: span_of(s.get("span")?)?,
        }),
    };
    Some(Diagnostic {
        rule,
        severity,
        span: span_of(v.get("span")?)?,
        message: str_of(v, "message")?,
        notes,
        function: str_of(v, "function")?,
        fingerprint: str_of(v, "fingerprint")?,
        fix,
        suppression,
    })
}

fn outcome_to_json(o: &FileOutcome) -> Option<Value> {
    let FileOutcome::Analyzed {
        diagnostics,
        incomplete,
        exported,
        skipped,
        ..
    } = o
    else {
        return None;
    };
    if *skipped {
        return Some(json!({ "skipped": true }));
    }
    let exported: Vec<Value> = exported
        .iter()
        .map(|(n, s)| Some(json!([n, serde_json::to_value(&**s).ok()?])))
        .collect::<Option<_>>()?;
    Some(json!({
        "diagnostics": diagnostics.iter().map(diagnostic_json).collect::<Vec<_>>(),
        "incomplete": incomplete,
        "exported": exported,
    }))
}

fn outcome_from_json(v: &Value) -> Option<FileOutcome> {
    if v.get("skipped").and_then(Value::as_bool) == Some(true) {
        return Some(FileOutcome::Analyzed {
            diagnostics: vec![],
            incomplete: vec![],
            exported: vec![],
            skipped: true,
            cached: true,
        });
    }
    let diagnostics = v
        .get("diagnostics")?
        .as_array()?
        .iter()
        .map(diagnostic_of)
        .collect::<Option<Vec<_>>>()?;
    let incomplete = v
        .get("incomplete")?
        .as_array()?
        .iter()
        .map(|s| s.as_str().map(str::to_string))
        .collect::<Option<Vec<_>>>()?;
    let exported = v
        .get("exported")?
        .as_array()?
        .iter()
        .map(|e| {
            let name = e.get(0)?.as_str()?.to_string();
            let s: mmlint_domains::Summary = serde_json::from_value(e.get(1)?.clone()).ok()?;
            Some((name, Arc::new(s)))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(FileOutcome::Analyzed {
        diagnostics,
        incomplete,
        exported,
        skipped: false,
        cached: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_round_trip() {
        let at = |l| Loc::new("a.c", l, 3);
        let sp = |l| Span {
            start: at(l),
            end: at(l),
        };
        let d = Diagnostic {
            rule: "dangling-vma",
            severity: Severity::Warning,
            span: sp(4),
            message: "m".into(),
            notes: vec![Note {
                span: sp(2),
                message: "n".into(),
            }],
            function: "f".into(),
            fingerprint: "fp".into(),
            fix: Some(Fix {
                description: "d".into(),
                edits: vec![Edit {
                    span: sp(4),
                    replacement: "r".into(),
                }],
            }),
            suppression: Some(Suppression {
                reason: "why".into(),
                span: sp(3),
            }),
        };
        assert_eq!(diagnostic_of(&diagnostic_json(&d)), Some(d.clone()));
        let mut bad = diagnostic_json(&d);
        bad["rule"] = json!("no-such-rule");
        assert_eq!(diagnostic_of(&bad), None);
    }
}
