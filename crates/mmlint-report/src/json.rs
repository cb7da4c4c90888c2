//! `--format json`: one JSON object per line, findings then failures. The schema, field
//! order included, is docs/json.md: change both together, and only by adding fields.

use std::io::{self, Write};

use mmlint_diagnostics::Diagnostic;
use mmlint_ir::Span;
use serde::Serialize;

use crate::{rule_url, unsuppressed, RenderCx};

#[derive(Serialize)]
struct Finding<'a> {
    kind: &'static str,
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    function: &'a str,
    fingerprint: &'a str,
    notes: Vec<Note<'a>>,
    fix: Option<Fix<'a>>,
    url: Option<String>,
}

#[derive(Serialize)]
struct Note<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    message: &'a str,
}

#[derive(Serialize)]
struct Fix<'a> {
    description: &'a str,
    edits: Vec<Edit<'a>>,
}

#[derive(Serialize)]
struct Edit<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    replacement: &'a str,
}

#[derive(Serialize)]
struct Failure<'a> {
    kind: &'static str,
    file: &'a str,
    reason: &'a str,
    details: &'a [String],
}

fn edit<'a>(span: &'a Span, replacement: &'a str) -> Edit<'a> {
    Edit {
        file: &span.start.file,
        line: span.start.line,
        column: span.start.col,
        end_line: span.end.line,
        end_column: span.end.col,
        replacement,
    }
}

fn line(out: &mut dyn Write, v: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, v)?;
    out.write_all(b"\n")
}

pub fn render(out: &mut dyn Write, diags: &[Diagnostic], cx: &RenderCx) -> io::Result<()> {
    for d in unsuppressed(diags) {
        let f = Finding {
            kind: "finding",
            rule: d.rule,
            severity: d.severity.as_str(),
            message: &d.message,
            file: &d.span.start.file,
            line: d.span.start.line,
            column: d.span.start.col,
            end_line: d.span.end.line,
            end_column: d.span.end.col,
            function: &d.function,
            fingerprint: &d.fingerprint,
            notes: d
                .notes
                .iter()
                .map(|n| Note {
                    file: &n.span.start.file,
                    line: n.span.start.line,
                    column: n.span.start.col,
                    message: &n.message,
                })
                .collect(),
            fix: d.fix.as_ref().map(|f| Fix {
                description: &f.description,
                edits: f
                    .edits
                    .iter()
                    .map(|e| edit(&e.span, &e.replacement))
                    .collect(),
            }),
            url: cx.doc_url.map(|base| rule_url(base, d.rule)),
        };
        line(out, &f)?;
    }
    for f in cx.failures {
        line(
            out,
            &Failure {
                kind: "failure",
                file: &f.path,
                reason: &f.reason,
                details: &f.details,
            },
        )?;
    }
    Ok(())
}
