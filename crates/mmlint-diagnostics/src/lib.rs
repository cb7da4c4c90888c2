//! The format-agnostic diagnostic value every check produces and every renderer consumes.

use std::ops::Range;
use std::sync::Arc;

use mmlint_ir::{Loc, Span};
use serde::{Deserialize, Deserializer, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Note {
    #[serde(with = "SpanDef")]
    pub span: Span,
    pub message: String,
}

/// One textual replacement; `span` is the replaced range (inclusive end, as in the IR).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Edit {
    #[serde(with = "SpanDef")]
    pub span: Span,
    pub replacement: String,
}

impl Edit {
    /// Replaces the bytes `range` of `src` (an empty range inserts before `range.start`;
    /// the span then ends one column before it starts).
    pub fn replace(src: &SourceFile, range: Range<usize>, replacement: String) -> Edit {
        let start = src.loc(range.start);
        let end = if range.is_empty() {
            Loc {
                col: start.col - 1,
                ..start.clone()
            }
        } else {
            // The span's end is inclusive: the first byte of the last character.
            let last = src.text[..range.end]
                .char_indices()
                .next_back()
                .map_or(range.start, |(i, _)| i);
            src.loc(last)
        };
        Edit {
            span: Span { start, end },
            replacement,
        }
    }

    /// The bytes of `src` this edit replaces; `None` when the span is not in `src`.
    pub fn byte_range(&self, src: &SourceFile) -> Option<Range<usize>> {
        let (s, e) = (&self.span.start, &self.span.end);
        if *s.file != *src.name || *e.file != *src.name {
            return None;
        }
        let start = src.offset(s.line, s.col)?;
        if (e.line, e.col) < (s.line, s.col) {
            return Some(start..start);
        }
        let last = src.offset(e.line, e.col)?;
        let len = src.text[last..].chars().next().map_or(0, char::len_utf8);
        Some(start..last + len)
    }
}

/// A file's text, to turn the IR's positions (1-based lines and byte columns) into byte
/// offsets and back.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The name spans use for this file.
    pub name: Arc<str>,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(name: impl Into<Arc<str>>, text: String) -> SourceFile {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// The byte offset of (line, col); `col` may point just past the line's last byte.
    pub fn offset(&self, line: u32, col: u32) -> Option<usize> {
        let start = *self.line_starts.get((line as usize).checked_sub(1)?)?;
        let off = start + (col as usize).checked_sub(1)?;
        let line_end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        (off <= line_end && self.text.is_char_boundary(off)).then_some(off)
    }

    pub fn loc(&self, offset: usize) -> Loc {
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let col = offset - self.line_starts[line - 1] + 1;
        Loc::new(self.name.clone(), line as u32, col as u32)
    }

    /// Line `line` (1-based) without its newline.
    pub fn line(&self, line: u32) -> &str {
        let Some(&start) = self.line_starts.get((line as usize).wrapping_sub(1)) else {
            return "";
        };
        let rest = &self.text[start..];
        &rest[..rest.find('\n').unwrap_or(rest.len())]
    }

    /// Applies `edits` (in any order); overlapping edits are an error.
    pub fn apply(&self, edits: &[&Edit]) -> Result<String, String> {
        let mut ranges = Vec::new();
        for e in edits {
            let r = e.byte_range(self).ok_or_else(|| {
                format!(
                    "{}: edit at {} is outside the file",
                    self.name, e.span.start
                )
            })?;
            ranges.push((r, e.replacement.as_str()));
        }
        ranges.sort_by_key(|(r, _)| (r.start, r.end));
        let mut out = String::with_capacity(self.text.len());
        let mut at = 0;
        for (r, rep) in ranges {
            if r.start < at {
                return Err(format!(
                    "{}: overlapping edits at {}",
                    self.name,
                    self.loc(r.start)
                ));
            }
            out.push_str(&self.text[at..r.start]);
            out.push_str(rep);
            at = r.end;
        }
        out.push_str(&self.text[at..]);
        Ok(out)
    }
}

/// A mechanical fix for a finding.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Fix {
    pub description: String,
    pub edits: Vec<Edit>,
}

/// An inline suppression that matched this finding (`/* mmlint-ignore RULE: reason */`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Suppression {
    pub reason: String,
    /// Where the suppression comment is.
    #[serde(with = "SpanDef")]
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Diagnostic {
    /// The rule id, e.g. `dangling-vma`: an interface (SARIF, suppressions).
    pub rule: &'static str,
    pub severity: Severity,
    #[serde(with = "SpanDef")]
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

/// The IR's positions, serialized here so that mmlint-ir keeps no dependencies.
#[derive(Serialize, Deserialize)]
#[serde(remote = "Loc")]
struct LocDef {
    file: Arc<str>,
    line: u32,
    col: u32,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "Span")]
struct SpanDef {
    #[serde(with = "LocDef")]
    start: Loc,
    #[serde(with = "LocDef")]
    end: Loc,
}

/// [`Diagnostic`] as read back from another process. Its rule id becomes the
/// `&'static str` the checks hand out: each distinct id is leaked once, so the memory is
/// bounded by the number of rules. (A derived `Deserialize` would borrow the id from the
/// input, which would then have to live forever.)
impl<'de> Deserialize<'de> for Diagnostic {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Diagnostic, D::Error> {
        #[derive(Deserialize)]
        struct Wire {
            rule: String,
            severity: Severity,
            #[serde(with = "SpanDef")]
            span: Span,
            message: String,
            notes: Vec<Note>,
            function: String,
            fingerprint: String,
            fix: Option<Fix>,
            suppression: Option<Suppression>,
        }
        let w = Wire::deserialize(d)?;
        Ok(Diagnostic {
            rule: intern(w.rule),
            severity: w.severity,
            span: w.span,
            message: w.message,
            notes: w.notes,
            function: w.function,
            fingerprint: w.fingerprint,
            fix: w.fix,
            suppression: w.suppression,
        })
    }
}

fn intern(id: String) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static IDS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut ids = IDS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if let Some(known) = ids.get(id.as_str()) {
        return known;
    }
    let leaked: &'static str = Box::leak(id.into_boxed_str());
    ids.insert(leaked);
    leaked
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_round_trip_through_spans() {
        let src = SourceFile::new("a.c", "int f(void)\n{\n\treturn g(1, NULL);\n}\n".into());
        let null = src.text.find("NULL").unwrap();
        let e = Edit::replace(&src, null - 2..null + 4, String::new());
        assert_eq!((e.span.start.line, e.span.start.col), (3, 12));
        assert_eq!((e.span.end.line, e.span.end.col), (3, 17));
        assert_eq!(e.byte_range(&src), Some(null - 2..null + 4));
        let ins = Edit::replace(&src, null..null, "0, ".into());
        assert_eq!(
            src.apply(&[&e]).unwrap(),
            "int f(void)\n{\n\treturn g(1);\n}\n"
        );
        assert_eq!(
            src.apply(&[&ins]).unwrap(),
            "int f(void)\n{\n\treturn g(1, 0, NULL);\n}\n"
        );
        assert!(src.apply(&[&e, &ins]).unwrap_err().contains("overlapping"));
        assert_eq!(src.line(3), "\treturn g(1, NULL);");
        assert_eq!(src.offset(9, 1), None);
    }

    #[test]
    fn diagnostics_come_back_from_another_process_equal() {
        let span = |l, c| Span {
            start: Loc::new("mm/gup.c", l, c),
            end: Loc::new("mm/gup.c", l, c + 3),
        };
        let d = Diagnostic {
            rule: "dangling-vma",
            severity: Severity::Warning,
            span: span(30, 25),
            message: "VMA 'vma' used after \"unlock\"\nsecond line".into(),
            notes: vec![Note {
                span: span(23, 8),
                message: "obtained here".into(),
            }],
            function: "f".into(),
            fingerprint: "abc".into(),
            fix: Some(Fix {
                description: "d".into(),
                edits: vec![Edit {
                    span: span(1, 1),
                    replacement: "é\t".into(),
                }],
            }),
            suppression: Some(Suppression {
                reason: "r".into(),
                span: span(29, 1),
            }),
        };
        let wire = serde_json::to_string(&d).unwrap();
        assert!(!wire.contains('\n'), "one line per message: {wire}");
        let back: Diagnostic = serde_json::from_str(&wire).unwrap();
        assert_eq!(back, d);
        // Rule ids are the same &'static str every time, not a new allocation each.
        let again: Diagnostic = serde_json::from_str(&wire).unwrap();
        assert!(std::ptr::eq(back.rule, again.rule));
    }
}
