//! The format-agnostic diagnostic value every check produces and every renderer consumes.

use mmlint_ir::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// A secondary location: where the VMA was obtained, where the lock was taken or released.
/// Notes are in the order things happened on the path, before the primary location.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Note {
    pub span: Span,
    pub message: String,
}

/// One textual replacement; `span` is the replaced range (inclusive end, as in the IR).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

/// A mechanical fix for a finding.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fix {
    pub description: String,
    pub edits: Vec<Edit>,
}

/// An inline suppression that matched this finding (`/* mmlint-ignore RULE: reason */`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Suppression {
    pub reason: String,
    /// Where the suppression comment is.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// The rule id, e.g. `dangling-vma`: an interface (SARIF, suppressions).
    pub rule: &'static str,
    pub severity: Severity,
    pub span: Span,
    pub message: String,
    pub notes: Vec<Note>,
    /// The function the finding is in.
    pub function: String,
    /// Stable identity across unrelated edits (see docs/fingerprints.md); empty until the
    /// driver computes it from the source text.
    pub fingerprint: String,
    pub fix: Option<Fix>,
    /// Set when an inline suppression covers the finding: renderers that can say so (SARIF)
    /// keep it, the others drop it.
    pub suppression: Option<Suppression>,
}

impl Diagnostic {
    /// Sort key: file, line, column, rule — deterministic output order.
    pub fn sort_key(&self) -> (&str, u32, u32, &'static str, &str) {
        (
            &self.span.start.file,
            self.span.start.line,
            self.span.start.col,
            self.rule,
            &self.message,
        )
    }
}
