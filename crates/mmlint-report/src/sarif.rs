//! `--format sarif`: SARIF 2.1.0, one run. Every rule mmlint has is described in
//! `tool.driver.rules`; each result has its notes as related locations and, in order with
//! the use last, as a code flow; fingerprints, fixes and in-source suppressions are kept.
//! Artifact URIs are relative to `%SRCROOT%` (the source root) when the file is under it.
//! Columns are UTF-16 code units (SARIF's default `columnKind`), converted from the IR's
//! byte columns when the source can be read.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use mmlint_checks::RuleMeta;
use mmlint_diagnostics::{Diagnostic, Severity};
use mmlint_ir::Span;
use serde::Serialize;

use crate::paths::{artifact_uri, dir_uri, resolve, FileUri, Source, Sources};
use crate::{rule_url, RenderCx};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";
/// The key of mmlint's fingerprint in `partialFingerprints` (docs/fingerprints.md).
pub const FINGERPRINT_KEY: &str = "mmlint/v1";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    invocations: Vec<Invocation>,
    original_uri_base_ids: BTreeMap<&'static str, ArtifactLocation>,
    artifacts: Vec<Artifact>,
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: ToolComponent,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ToolComponent {
    name: &'static str,
    version: String,
    semantic_version: String,
    /// The rule pages' address when it is set: mmlint has no published home page of its
    /// own, and a link must lead somewhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<String>,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: String,
    short_description: Message,
    full_description: Message,
    help: Message,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: ReportingConfiguration,
    properties: Properties,
}

#[derive(Serialize)]
struct ReportingConfiguration {
    level: &'static str,
    /// SARIF's default is true; written only for the rules that are off by default.
    #[serde(skip_serializing_if = "is_true")]
    enabled: bool,
}

fn is_true(b: &bool) -> bool {
    *b
}

#[derive(Serialize)]
struct Properties {
    tags: Vec<&'static str>,
}

/// A message or a multiformat message string: plain text, optionally markdown.
#[derive(Clone, Serialize)]
struct Message {
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    markdown: Option<String>,
}

fn text(s: impl Into<String>) -> Message {
    Message {
        text: s.into(),
        markdown: None,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Artifact {
    location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_language: Option<&'static str>,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    code_flows: Vec<CodeFlow>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<Fix>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message>,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CodeFlow {
    thread_flows: Vec<ThreadFlow>,
}

#[derive(Serialize)]
struct ThreadFlow {
    locations: Vec<ThreadFlowLocation>,
}

#[derive(Serialize)]
struct ThreadFlowLocation {
    location: Location,
    importance: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Fix {
    description: Message,
    artifact_changes: Vec<ArtifactChange>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: ArtifactContent,
}

#[derive(Serialize)]
struct ArtifactContent {
    text: String,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    justification: String,
    location: Location,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// `dangling-vma` → `DanglingVma` (SARIF's `reportingDescriptor.name`).
pub fn camel_case(id: &str) -> String {
    id.split(['-', '_'])
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect(),
                None => String::new(),
            }
        })
        .collect()
}

/// The first paragraph of the doc page's "## What it finds" section, as one line.
pub fn what_it_finds(doc: &str) -> Option<String> {
    let mut lines = doc.lines().skip_while(|l| l.trim() != "## What it finds");
    lines.next()?;
    let para: Vec<&str> = lines
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::trim)
        .collect();
    (!para.is_empty()).then(|| para.join(" "))
}

/// Tags beyond `mmap_lock`: what kind of bug (the CWE in GitHub's `external/cwe/` form).
fn tags(id: &str) -> Vec<&'static str> {
    let mut t = vec!["mmap_lock"];
    t.extend_from_slice(match id {
        "dangling-vma" => &[
            "vma",
            "correctness",
            "use-after-free",
            "external/cwe/cwe-416",
        ],
        "gup-vmas-unlockable" => &[
            "vma",
            "gup",
            "correctness",
            "use-after-free",
            "external/cwe/cwe-416",
        ],
        "vma-without-mmap-lock" => &["vma", "correctness", "locking", "external/cwe/cwe-667"],
        "mmap-lock-leak" => &["correctness", "locking", "external/cwe/cwe-667"],
        "mmap-lock-unbalanced-unlock" => &["correctness", "locking", "external/cwe/cwe-765"],
        "mmap-lock-mode-mismatch" => &["correctness", "locking", "external/cwe/cwe-667"],
        "gup-while-mmap-locked" => &[
            "gup",
            "correctness",
            "locking",
            "deadlock",
            "external/cwe/cwe-833",
        ],
        "gup-vmas-migration" => &["vma", "gup", "migration", "maintainability"],
        "vma-lock-leak" => &[
            "vma",
            "per-vma-lock",
            "correctness",
            "locking",
            "external/cwe/cwe-667",
        ],
        "vma-lock-unbalanced-unlock" => &[
            "vma",
            "per-vma-lock",
            "correctness",
            "locking",
            "external/cwe/cwe-765",
        ],
        "vma-modified-without-write-lock" => &[
            "vma",
            "per-vma-lock",
            "correctness",
            "locking",
            "race",
            "external/cwe/cwe-362",
        ],
        "invalid-suppression" | "unused-suppression" => &["suppression", "maintainability"],
        _ => &[],
    });
    t
}

fn descriptor(m: &RuleMeta, doc_url: Option<&str>) -> ReportingDescriptor {
    ReportingDescriptor {
        id: m.id,
        name: camel_case(m.id),
        short_description: text(m.summary),
        full_description: text(what_it_finds(m.doc).unwrap_or_else(|| m.summary.to_string())),
        help: Message {
            text: m.doc.to_string(),
            markdown: Some(m.doc.to_string()),
        },
        help_uri: doc_url.map(|base| rule_url(base, m.id)),
        default_configuration: ReportingConfiguration {
            level: level(m.severity),
            enabled: mmlint_checks::rule_enabled(m.id, &[], &[]),
        },
        properties: Properties { tags: tags(m.id) },
    }
}

/// Importance in a code flow (SARIF 3.38.13): the use and the steps that make it a bug
/// (a release, a re-acquisition, a failed acquire) are essential, the rest (where the
/// VMA or the lock came from) important.
fn importance(note: &str) -> &'static str {
    const ESSENTIAL: [&str; 4] = ["release", "taken again", "failed", "dropped"];
    if ESSENTIAL.iter().any(|w| note.contains(w)) {
        "essential"
    } else {
        "important"
    }
}

struct Builder<'a> {
    cx: &'a RenderCx<'a>,
    sources: Sources<'a>,
    artifacts: Vec<Artifact>,
    index: HashMap<FileUri, usize>,
}

impl Builder<'_> {
    fn artifact(&mut self, path: &str) -> ArtifactLocation {
        let abs = resolve(self.cx.base_dir, path);
        let key = artifact_uri(self.cx.srcroot, &abs);
        let (uri, uri_base_id) = match &key {
            FileUri::UnderRoot(u) => (u.clone(), Some(SRCROOT)),
            FileUri::Absolute(u) => (u.clone(), None),
        };
        let loc = ArtifactLocation {
            uri,
            uri_base_id,
            index: None,
        };
        let i = match self.index.get(&key) {
            Some(&i) => i,
            None => {
                let i = self.artifacts.len();
                let lang = match abs.extension().and_then(|e| e.to_str()) {
                    Some("c" | "h") => Some("c"),
                    _ => None,
                };
                self.artifacts.push(Artifact {
                    location: loc.clone(),
                    source_language: lang,
                });
                self.index.insert(key, i);
                i
            }
        };
        ArtifactLocation {
            index: Some(i),
            ..loc
        }
    }

    /// The region of an inclusive span; an end before the start makes an empty region (an
    /// insertion point) when `allow_empty`, the start's character otherwise.
    fn region(&mut self, span: &Span, allow_empty: bool) -> Region {
        let src = self.sources.get(&span.start.file);
        let (s, mut e) = (
            (span.start.line, span.start.col.max(1)),
            (span.end.line, span.end.col.max(1)),
        );
        // Compared before clamping: an insertion at column 1 ends at column 0.
        let empty = (span.end.line, span.end.col) < (span.start.line, span.start.col);
        if empty {
            e = s;
        }
        let col = |src: &Option<std::rc::Rc<Source>>, l: u32, c: u32| {
            src.as_ref().and_then(|s| s.utf16_col(l, c)).unwrap_or(c)
        };
        let start_column = col(&src, s.0, s.1);
        let end_column = if empty && allow_empty {
            start_column
        } else {
            let after = src
                .as_ref()
                .and_then(|x| x.char_len_at(e.0, e.1))
                .unwrap_or(1);
            col(&src, e.0, e.1 + after)
        };
        Region {
            start_line: s.0,
            start_column,
            end_line: e.0,
            end_column,
        }
    }

    fn location(&mut self, span: &Span, message: Option<&str>, id: Option<usize>) -> Location {
        Location {
            id,
            physical_location: PhysicalLocation {
                artifact_location: self.artifact(&span.start.file),
                region: Some(self.region(span, false)),
            },
            logical_locations: vec![],
            message: message.map(text),
        }
    }

    fn result(&mut self, d: &Diagnostic, rules: &[&RuleMeta]) -> SarifResult {
        let mut primary = self.location(&d.span, None, None);
        if !d.function.is_empty() {
            primary.logical_locations.push(LogicalLocation {
                name: d.function.clone(),
                kind: "function",
            });
        }
        let related: Vec<Location> = d
            .notes
            .iter()
            .enumerate()
            .map(|(i, n)| self.location(&n.span, Some(&n.message), Some(i + 1)))
            .collect();
        let code_flows = if d.notes.is_empty() {
            vec![]
        } else {
            let mut steps: Vec<ThreadFlowLocation> = d
                .notes
                .iter()
                .zip(&related)
                .map(|(n, l)| ThreadFlowLocation {
                    location: Location {
                        id: None,
                        ..l.clone()
                    },
                    importance: importance(&n.message),
                })
                .collect();
            steps.push(ThreadFlowLocation {
                location: Location {
                    message: Some(text(d.message.clone())),
                    logical_locations: vec![],
                    ..primary.clone()
                },
                importance: "essential",
            });
            vec![CodeFlow {
                thread_flows: vec![ThreadFlow { locations: steps }],
            }]
        };
        let mut partial_fingerprints = BTreeMap::new();
        if !d.fingerprint.is_empty() {
            partial_fingerprints.insert(FINGERPRINT_KEY, d.fingerprint.clone());
        }
        let fixes = d
            .fix
            .iter()
            .map(|f| {
                let mut changes: Vec<ArtifactChange> = Vec::new();
                for e in &f.edits {
                    let loc = self.artifact(&e.span.start.file);
                    let rep = Replacement {
                        deleted_region: self.region(&e.span, true),
                        inserted_content: ArtifactContent {
                            text: e.replacement.clone(),
                        },
                    };
                    match changes
                        .iter_mut()
                        .find(|c| c.artifact_location.index == loc.index)
                    {
                        Some(c) => c.replacements.push(rep),
                        None => changes.push(ArtifactChange {
                            artifact_location: loc,
                            replacements: vec![rep],
                        }),
                    }
                }
                Fix {
                    description: text(f.description.clone()),
                    artifact_changes: changes,
                }
            })
            .collect();
        let suppressions = d
            .suppression
            .iter()
            .map(|s| Suppression {
                kind: "inSource",
                justification: s.reason.clone(),
                location: self.location(&s.span, None, None),
            })
            .collect();
        SarifResult {
            rule_id: d.rule,
            rule_index: rules.iter().position(|m| m.id == d.rule),
            level: level(d.severity),
            message: text(d.message.clone()),
            locations: vec![primary],
            related_locations: related,
            code_flows,
            partial_fingerprints,
            fixes,
            suppressions,
        }
    }
}

pub fn render(out: &mut dyn Write, diags: &[Diagnostic], cx: &RenderCx) -> io::Result<()> {
    let rules = mmlint_checks::all_rules();
    let mut b = Builder {
        cx,
        sources: Sources::new(cx.base_dir),
        artifacts: Vec::new(),
        index: HashMap::new(),
    };
    let results: Vec<SarifResult> = diags.iter().map(|d| b.result(d, &rules)).collect();
    let notifications: Vec<Notification> = cx
        .failures
        .iter()
        .map(|f| {
            let mut msg = f.reason.clone();
            for d in &f.details {
                msg.push('\n');
                msg.push_str(d);
            }
            Notification {
                level: "error",
                message: text(msg),
                locations: vec![Location {
                    id: None,
                    physical_location: PhysicalLocation {
                        artifact_location: b.artifact(&f.path),
                        region: None,
                    },
                    logical_locations: vec![],
                    message: None,
                }],
            }
        })
        .collect();
    let mut bases = BTreeMap::new();
    bases.insert(
        SRCROOT,
        ArtifactLocation {
            uri: dir_uri(cx.srcroot),
            uri_base_id: None,
            index: None,
        },
    );
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: ToolComponent {
                    name: "mmlint",
                    version: cx.version.to_string(),
                    semantic_version: cx.version.to_string(),
                    information_uri: cx.doc_url.map(str::to_string),
                    rules: rules.iter().map(|m| descriptor(m, cx.doc_url)).collect(),
                },
            },
            invocations: vec![Invocation {
                execution_successful: cx.failures.is_empty(),
                tool_execution_notifications: notifications,
            }],
            original_uri_base_ids: bases,
            artifacts: b.artifacts,
            column_kind: "utf16CodeUnits",
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_descriptions() {
        assert_eq!(camel_case("dangling-vma"), "DanglingVma");
        assert_eq!(
            camel_case("mmap-lock-unbalanced-unlock"),
            "MmapLockUnbalancedUnlock"
        );
        let doc = "# x\n\n## What it finds\nA VMA used\nafter unlock.\n\nMore.\n## Why";
        assert_eq!(what_it_finds(doc).unwrap(), "A VMA used after unlock.");
        for m in mmlint_checks::all_rules() {
            assert!(what_it_finds(m.doc).is_some(), "{}", m.id);
            assert!(tags(m.id).len() > 1, "{} has no tags", m.id);
        }
    }
}
