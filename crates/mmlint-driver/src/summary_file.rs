//! The cross-unit summary file written by `mmlint summarize` and read by `--summaries`.
//!
//! One JSON document: a header naming the format and its version, then the summaries of
//! exported functions by name, sorted (so two runs over the same tree give the same bytes
//! and a diff between trees is readable). ARCHITECTURE.md says why JSON and not SQLite.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use mmlint_domains::{Summaries, Summary};
use serde::{Deserialize, Serialize};

const FORMAT: &str = "mmlint-summaries";
/// Bumped whenever [`Summary`]'s shape or meaning changes so that an old file would be
/// misread: it is refused instead. A field added with a default that means what older
/// files meant (a requirement's `when`, absent: unconditional) does not bump it.
pub const VERSION: u32 = 2;

#[derive(Serialize, Deserialize)]
struct File {
    format: String,
    version: u32,
    functions: BTreeMap<String, Summary>,
}

/// Writes `functions` to `path`. Errors are one line.
pub fn write(path: &Path, functions: &BTreeMap<String, Arc<Summary>>) -> Result<(), String> {
    let file = File {
        format: FORMAT.into(),
        version: VERSION,
        functions: functions
            .iter()
            .map(|(k, v)| (k.clone(), (**v).clone()))
            .collect(),
    };
    let text = serde_json::to_string(&file).map_err(|e| format!("cannot encode: {e}"))?;
    std::fs::write(path, text + "\n").map_err(|e| format!("{}: cannot write: {e}", path.display()))
}

/// Reads a summary file. Errors are one line and name the file.
pub fn load(path: &Path) -> Result<Summaries, String> {
    let where_ = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{where_}: cannot read: {e}"))?;
    let head: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{where_}: not valid JSON: {e}"))?;
    if head.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(format!(
            "{where_}: not an mmlint summary file (write one with `mmlint summarize`)"
        ));
    }
    let version = head.get("version").and_then(|v| v.as_u64());
    if version != Some(VERSION as u64) {
        return Err(format!(
            "{where_}: summary file version {} but this mmlint reads version {VERSION}; run `mmlint summarize` again",
            version.map_or("unknown".into(), |v| v.to_string())
        ));
    }
    let file: File =
        serde_json::from_value(head).map_err(|e| format!("{where_}: wrong shape: {e}"))?;
    Ok(file
        .functions
        .into_iter()
        .map(|(k, v)| (k, Arc::new(v)))
        .collect())
}
