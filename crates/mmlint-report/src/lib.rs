//! Renderers: the only crate that knows output formats. Each format is a function over
//! diagnostics and the files that could not be analysed:
//!
//! - `gcc`: `file:line:col: warning: message [rule]` lines (what Kbuild logs, editors' error
//!   parsers and `make C=1` users read);
//! - `human`: rustc-style snippets with the path that leads to the bug (codespan-reporting);
//! - `json`: one JSON object per line, the schema in docs/json.md;
//! - `sarif`: SARIF 2.1.0 for code-scanning services and SARIF viewers;
//! - a unified diff of the fixes ([`render_patch`], `mmlint fix`).
//!
//! Suppressed diagnostics are dropped by every format but SARIF, which keeps them marked as
//! suppressed in source.

use std::fmt;
use std::io::{self, Write};
use std::path::Path;
use std::str::FromStr;

use mmlint_diagnostics::Diagnostic;

mod human;
mod json;
mod patch;
mod paths;
mod sarif;

pub use patch::render_patch;

/// The documentation page of a rule when the rule pages (docs/rules/ of the repository)
/// are published at `doc_url` (`--doc-url`, `doc-url` in mmlint.toml): `<doc_url>/<id>.md`.
/// mmlint has no published home of its own, so with no `doc_url` there is no link, and the
/// outputs point at `mmlint explain` (and SARIF carries the page itself).
pub fn rule_url(doc_url: &str, id: &str) -> String {
    format!("{}/{id}.md", doc_url.trim_end_matches('/'))
}

/// What the human format prints under a finding to say where its rule is explained.
pub fn see_also(doc_url: Option<&str>, id: &str) -> String {
    match doc_url {
        Some(base) => format!("see: {}", rule_url(base, id)),
        None => format!("see: mmlint explain {id}"),
    }
}

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Gcc,
    Human,
    Json,
    Sarif,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Gcc, Format::Human, Format::Json, Format::Sarif];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Gcc => "gcc",
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of [`Format::from_str`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownFormat(pub String);

impl fmt::Display for UnknownFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown output format '{}' (expected gcc, human, json or sarif)",
            self.0
        )
    }
}

impl std::error::Error for UnknownFormat {}

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| UnknownFormat(s.to_string()))
    }
}

/// A file that could not be analysed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// As the user named it (relative paths are relative to [`RenderCx::base_dir`]).
    pub path: String,
    pub reason: String,
    /// clang's first errors, one per line.
    pub details: Vec<String>,
}

/// What the renderers need besides the diagnostics.
#[derive(Clone, Copy, Debug)]
pub struct RenderCx<'a> {
    /// Absolute; SARIF artifact URIs are relative to it (`uriBaseId` `%SRCROOT%`).
    pub srcroot: &'a Path,
    /// Absolute directory relative diagnostic paths are relative to (the renderers read the
    /// sources for snippets and SARIF columns).
    pub base_dir: &'a Path,
    /// ANSI colour (human format only).
    pub color: bool,
    /// The tool's version.
    pub version: &'a str,
    /// Where the rule pages are published (see [`rule_url`]); None: no links.
    pub doc_url: Option<&'a str>,
    pub failures: &'a [Failure],
}

/// Writes `diags` (in the order given) and `cx.failures` in `format`.
pub fn render(
    format: Format,
    out: &mut dyn Write,
    diags: &[Diagnostic],
    cx: &RenderCx,
) -> io::Result<()> {
    match format {
        Format::Gcc => {
            let shown: Vec<Diagnostic> = unsuppressed(diags).cloned().collect();
            render_gcc(out, &shown)?;
            for f in cx.failures {
                render_file_error(out, &f.path, &f.reason, &f.details)?;
            }
            Ok(())
        }
        Format::Human => human::render(out, diags, cx),
        Format::Json => json::render(out, diags, cx),
        Format::Sarif => sarif::render(out, diags, cx),
    }
}

fn unsuppressed(diags: &[Diagnostic]) -> impl Iterator<Item = &Diagnostic> {
    diags.iter().filter(|d| d.suppression.is_none())
}

/// `file:line:col: warning: message [rule]`, then one `note:` line per secondary location.
pub fn render_gcc(out: &mut dyn Write, diags: &[Diagnostic]) -> io::Result<()> {
    for d in diags {
        render_gcc_one(out, d)?;
    }
    Ok(())
}

fn render_gcc_one(out: &mut dyn Write, d: &Diagnostic) -> io::Result<()> {
    writeln!(
        out,
        "{}: {}: {} [{}]",
        d.span.start,
        d.severity.as_str(),
        d.message,
        d.rule
    )?;
    for n in &d.notes {
        writeln!(out, "{}: note: {}", n.span.start, n.message)?;
    }
    Ok(())
}

/// A file that could not be analysed: `path: error: reason`, then clang's first errors.
pub fn render_file_error(
    out: &mut dyn Write,
    path: &str,
    reason: &str,
    details: &[String],
) -> io::Result<()> {
    writeln!(out, "{path}: error: {reason}")?;
    for d in details {
        writeln!(out, "{d}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use mmlint_diagnostics::{Note, Severity};
    use mmlint_ir::{Loc, Span};

    #[test]
    fn gcc_lines() {
        let sp = |l, c| Span::point(Loc::new("mm/foo.c", l, c));
        let d = Diagnostic {
            rule: "dangling-vma",
            severity: Severity::Warning,
            span: sp(42, 9),
            message: "VMA 'vma' used after mmap_lock of 'mm' was released".into(),
            notes: vec![
                Note {
                    span: sp(37, 8),
                    message: "'vma' obtained here, under mmap_read_lock(mm) taken at line 35"
                        .into(),
                },
                Note {
                    span: sp(40, 2),
                    message: "lock released here".into(),
                },
            ],
            function: "f".into(),
            fingerprint: String::new(),
            fix: None,
            suppression: None,
        };
        let mut out = Vec::new();
        render_gcc(&mut out, &[d]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "mm/foo.c:42:9: warning: VMA 'vma' used after mmap_lock of 'mm' was released [dangling-vma]\n\
             mm/foo.c:37:8: note: 'vma' obtained here, under mmap_read_lock(mm) taken at line 35\n\
             mm/foo.c:40:2: note: lock released here\n"
        );
    }

    #[test]
    fn formats_parse_and_print() {
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>(), Ok(f));
        }
        let e = "xml".parse::<Format>().unwrap_err();
        assert!(e.to_string().contains("'xml'"), "{e}");
    }
}
