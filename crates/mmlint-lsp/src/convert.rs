//! mmlint values to LSP values: diagnostics, related locations, code actions.
//!
//! mmlint's columns are clang's (1-based bytes, inclusive end); LSP's are 0-based UTF-16
//! code units with an exclusive end. Positions in the open document are converted with its
//! text; positions in other files (notes in headers) are read from disk when possible.

use std::collections::HashMap;
use std::path::Path;

use lsp_types as lsp;
use lsp_types::Url;
use mmlint_diagnostics::{Diagnostic, Severity};
use mmlint_ir::Loc;

/// The placeholder the suppression code action writes: a reason is required for the comment
/// to count, and this one is meant to be replaced.
pub const REASON_PLACEHOLDER: &str = "TODO: say why this is safe";

/// Line texts of the files positions are converted in.
pub struct Texts<'a> {
    /// The analysed file as clang names it, and its (possibly unsaved) text.
    pub main: (&'a str, &'a str),
    /// Where relative paths in spans are resolved (clang's -working-directory).
    pub base: &'a Path,
    others: HashMap<String, Option<String>>,
}

impl<'a> Texts<'a> {
    pub fn new(main_path: &'a str, main_text: &'a str, base: &'a Path) -> Self {
        Texts {
            main: (main_path, main_text),
            base,
            others: HashMap::new(),
        }
    }

    fn text(&mut self, file: &str) -> Option<&str> {
        if file == self.main.0 {
            return Some(self.main.1);
        }
        let base = self.base;
        self.others
            .entry(file.to_string())
            .or_insert_with(|| std::fs::read_to_string(base.join(file)).ok())
            .as_deref()
    }

    pub fn uri(&self, file: &str) -> Option<Url> {
        let p = Path::new(file);
        let abs = if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base.join(p)
        };
        Url::from_file_path(abs).ok()
    }

    /// `loc` as an LSP position; `after` moves past the character (exclusive ends).
    pub fn position(&mut self, loc: &Loc, after: bool) -> lsp::Position {
        let line = loc.line.saturating_sub(1);
        let byte = loc.col.saturating_sub(1) as usize + usize::from(after);
        let Some(text) = self.text(&loc.file) else {
            return lsp::Position {
                line,
                character: byte as u32,
            };
        };
        let mut lines = text.split_inclusive('\n').skip(line as usize);
        let character = match lines.next() {
            // Past the newline, which a fix deleting whole lines takes in: LSP clamps a
            // column beyond the line to its end, which would keep the newline, so the
            // position is the next line's start.
            Some(l) if after && l.ends_with('\n') && byte >= l.len() => {
                return lsp::Position {
                    line: line + 1,
                    character: 0,
                };
            }
            Some(l) => utf16_len(l.trim_end_matches(['\n', '\r']), byte),
            None => byte as u32,
        };
        lsp::Position { line, character }
    }

    pub fn range(&mut self, span: &mmlint_ir::Span) -> lsp::Range {
        let start = self.position(&span.start, false);
        // An insertion's span ends one column before it starts (mmlint_diagnostics::Edit).
        if (span.end.line, span.end.col) < (span.start.line, span.start.col) {
            return lsp::Range { start, end: start };
        }
        lsp::Range {
            start,
            end: self.position(&span.end, true),
        }
    }

    /// The leading whitespace of a 1-based line of the main file.
    fn indent(&mut self, line: u32) -> String {
        let main = self.main.0.to_string();
        self.text(&main)
            .and_then(|t| t.lines().nth(line.saturating_sub(1) as usize))
            .map(|l| l.chars().take_while(|c| c.is_whitespace()).collect())
            .unwrap_or_default()
    }
}

/// UTF-16 length of the first `byte` bytes of `line` (clamped to the line; a byte offset
/// inside a character counts up to that character).
fn utf16_len(line: &str, byte: usize) -> u32 {
    let mut n = 0;
    for (i, c) in line.char_indices() {
        if i >= byte {
            break;
        }
        n += c.len_utf16() as u32;
    }
    if byte > line.len() {
        n += (byte - line.len()) as u32;
    }
    n
}

pub fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Note => lsp::DiagnosticSeverity::INFORMATION,
    }
}

/// `doc_url`: where the rule pages are published (`mmlint_report::rule_url`); without it
/// the diagnostic has no `codeDescription`, since a link must lead somewhere.
pub fn to_lsp(d: &Diagnostic, texts: &mut Texts, doc_url: Option<&str>) -> lsp::Diagnostic {
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .notes
        .iter()
        .filter_map(|n| {
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location {
                    uri: texts.uri(&n.span.start.file)?,
                    range: texts.range(&n.span),
                },
                message: n.message.clone(),
            })
        })
        .collect();
    lsp::Diagnostic {
        range: texts.range(&d.span),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.rule.to_string())),
        code_description: doc_url
            .and_then(|base| Url::parse(&mmlint_report::rule_url(base, d.rule)).ok())
            .map(|href| lsp::CodeDescription { href }),
        source: Some("mmlint".into()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// Whether the ranges share a line: editors ask with the cursor's position or the line's
/// range, which need not touch the finding's columns.
fn shares_line(a: &lsp::Range, b: &lsp::Range) -> bool {
    a.start.line <= b.end.line && b.start.line <= a.end.line
}

/// Code actions for the findings of the document on the lines of `range`: a suppression
/// comment on the line above each, and the finding's own fix when it has one.
pub fn code_actions(
    uri: &Url,
    version: i32,
    diags: &[Diagnostic],
    texts: &mut Texts,
    range: &lsp::Range,
    doc_url: Option<&str>,
) -> Vec<lsp::CodeActionOrCommand> {
    let mut out = Vec::new();
    for d in diags {
        let lsp_d = to_lsp(d, texts, doc_url);
        if !shares_line(&lsp_d.range, range) {
            continue;
        }
        let edit = |edits: Vec<lsp::TextEdit>| lsp::WorkspaceEdit {
            document_changes: Some(lsp::DocumentChanges::Edits(vec![lsp::TextDocumentEdit {
                text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                    uri: uri.clone(),
                    version: Some(version),
                },
                edits: edits.into_iter().map(lsp::OneOf::Left).collect(),
            }])),
            ..Default::default()
        };
        if let Some(fix) = &d.fix {
            let edits = fix
                .edits
                .iter()
                .filter(|e| *e.span.start.file == *d.span.start.file)
                .map(|e| lsp::TextEdit {
                    range: texts.range(&e.span),
                    new_text: e.replacement.clone(),
                })
                .collect();
            out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: fix.description.clone(),
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![lsp_d.clone()]),
                edit: Some(edit(edits)),
                is_preferred: Some(true),
                ..Default::default()
            }));
        }
        let line = d.span.start.line;
        let comment = format!(
            "{}/* mmlint-ignore {}: {REASON_PLACEHOLDER} */\n",
            texts.indent(line),
            d.rule
        );
        let at = lsp::Position {
            line: line.saturating_sub(1),
            character: 0,
        };
        out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
            title: format!("Suppress {} here (mmlint-ignore comment)", d.rule),
            kind: Some(lsp::CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![lsp_d]),
            edit: Some(edit(vec![lsp::TextEdit {
                range: lsp::Range { start: at, end: at },
                new_text: comment,
            }])),
            ..Default::default()
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use mmlint_diagnostics::{Edit, Fix, Note};
    use mmlint_ir::Span;

    fn span(file: &str, line: u32, c0: u32, c1: u32) -> Span {
        Span {
            start: Loc::new(file, line, c0),
            end: Loc::new(file, line, c1),
        }
    }

    fn diag() -> Diagnostic {
        Diagnostic {
            rule: "dangling-vma",
            severity: Severity::Warning,
            span: span("/src/a.c", 3, 9, 11),
            message: "VMA 'vma' used after mmap_lock of 'mm' was released".into(),
            notes: vec![Note {
                span: span("/src/a.c", 2, 2, 4),
                message: "lock released here".into(),
            }],
            function: "f".into(),
            fingerprint: String::new(),
            fix: Some(Fix {
                description: "re-look-up the VMA".into(),
                edits: vec![Edit {
                    span: span("/src/a.c", 3, 9, 11),
                    replacement: "vma2".into(),
                }],
            }),
            suppression: None,
        }
    }

    const TEXT: &str = "int f(void)\n\tx();\n\tuse(\u{e9}vma);\n";

    #[test]
    fn ranges_are_zero_based_utf16_with_exclusive_ends() {
        let mut t = Texts::new("/src/a.c", TEXT, Path::new("/"));
        // "\tuse(évma);": 1-based byte columns 9..=11 are "ma)", after the two-byte é.
        let d = to_lsp(&diag(), &mut t, None);
        assert_eq!(d.range.start, lsp::Position::new(2, 7));
        assert_eq!(d.range.end, lsp::Position::new(2, 10));
        assert_eq!(
            d.code,
            Some(lsp::NumberOrString::String("dangling-vma".into()))
        );
        assert_eq!(d.code_description, None, "no doc URL, no link");
        let rel = d.related_information.unwrap();
        assert_eq!(rel[0].location.uri.as_str(), "file:///src/a.c");
        assert_eq!(rel[0].location.range.start, lsp::Position::new(1, 1));
        assert_eq!(rel[0].message, "lock released here");
    }

    #[test]
    fn code_description_is_the_rule_page_under_the_doc_url() {
        let mut t = Texts::new("/src/a.c", TEXT, Path::new("/"));
        for base in [
            "https://docs.example.org/mmlint/rules",
            "https://docs.example.org/mmlint/rules/",
        ] {
            let d = to_lsp(&diag(), &mut t, Some(base));
            assert_eq!(
                d.code_description.unwrap().href.as_str(),
                "https://docs.example.org/mmlint/rules/dangling-vma.md"
            );
        }
    }

    #[test]
    fn actions_offer_the_fix_and_an_indented_suppression() {
        let mut t = Texts::new("/src/a.c", TEXT, Path::new("/"));
        let uri = Url::parse("file:///src/a.c").unwrap();
        let whole = lsp::Range::new(lsp::Position::new(2, 0), lsp::Position::new(2, 3));
        let acts = code_actions(&uri, 7, &[diag()], &mut t, &whole, None);
        let edits: Vec<(String, Vec<lsp::TextEdit>)> = acts
            .into_iter()
            .map(|a| match a {
                lsp::CodeActionOrCommand::CodeAction(a) => {
                    let Some(lsp::DocumentChanges::Edits(e)) = a.edit.unwrap().document_changes
                    else {
                        panic!("document edits")
                    };
                    assert_eq!(e[0].text_document.version, Some(7));
                    let edits = e[0]
                        .edits
                        .iter()
                        .map(|x| match x {
                            lsp::OneOf::Left(t) => t.clone(),
                            lsp::OneOf::Right(a) => a.text_edit.clone(),
                        })
                        .collect();
                    (a.title, edits)
                }
                lsp::CodeActionOrCommand::Command(_) => panic!("no commands"),
            })
            .collect();
        assert_eq!(edits.len(), 2);
        assert_eq!(edits[0].0, "re-look-up the VMA");
        assert_eq!(edits[0].1[0].new_text, "vma2");
        assert_eq!(
            edits[0].1[0].range,
            lsp::Range::new(lsp::Position::new(2, 7), lsp::Position::new(2, 10))
        );
        assert_eq!(
            edits[1].1[0].new_text,
            format!("\t/* mmlint-ignore dangling-vma: {REASON_PLACEHOLDER} */\n")
        );
        assert_eq!(edits[1].1[0].range.start, lsp::Position::new(2, 0));
        // A range elsewhere offers nothing.
        let elsewhere = lsp::Range::new(lsp::Position::new(0, 0), lsp::Position::new(0, 1));
        assert!(code_actions(&uri, 7, &[diag()], &mut t, &elsewhere, None).is_empty());
    }

    #[test]
    fn edit_ranges_deleting_lines_and_inserting_at_a_line_start() {
        let text = "a\n\tint x;\nb\n";
        let src = mmlint_diagnostics::SourceFile::new("/src/a.c", text.to_string());
        let mut t = Texts::new("/src/a.c", text, Path::new("/"));
        // The whole second line with its newline: up to the third line's start, not past
        // the second line's end (clients clamp that, keeping the newline).
        let del = Edit::replace(&src, 2..10, String::new());
        assert_eq!(
            t.range(&del.span),
            lsp::Range::new(lsp::Position::new(1, 0), lsp::Position::new(2, 0))
        );
        // Insertions are empty ranges, also at column 1.
        for (at, pos) in [(2, (1, 0)), (3, (1, 1)), (10, (2, 0))] {
            let ins = Edit::replace(&src, at..at, "y".into());
            let p = lsp::Position::new(pos.0, pos.1);
            assert_eq!(t.range(&ins.span), lsp::Range::new(p, p), "at {at}");
        }
        // A replacement ending at the end of the last line (no newline after it).
        let text = "a\nbc";
        let src = mmlint_diagnostics::SourceFile::new("/src/a.c", text.to_string());
        let mut t = Texts::new("/src/a.c", text, Path::new("/"));
        let rep = Edit::replace(&src, 2..4, "x".into());
        assert_eq!(
            t.range(&rep.span),
            lsp::Range::new(lsp::Position::new(1, 0), lsp::Position::new(1, 2))
        );
    }
}
