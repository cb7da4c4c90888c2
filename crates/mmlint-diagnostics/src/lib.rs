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
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Note {
    pub span: Span,
    pub message: String,
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
