//! `--format human`: rustc-style reports (codespan-reporting). The primary label is the
//! use, with the message; every note is a secondary label, in its own file if need be.
//! A diagnostic whose file cannot be read is printed as its gcc lines.

use std::collections::HashMap;
use std::io::{self, Write};

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor, Config, Styles, StylesWriter};
use mmlint_diagnostics::{Diagnostic, Severity};
use mmlint_ir::Span;

use crate::paths::Sources;
use crate::{render_gcc_one, see_also, unsuppressed, RenderCx};

struct Files<'a> {
    sources: Sources<'a>,
    db: SimpleFiles<String, String>,
    ids: HashMap<String, usize>,
}

impl Files<'_> {
    /// The file id and text range of `span`, when its file can be read.
    fn label_at(&mut self, span: &Span) -> Option<(usize, std::ops::Range<usize>)> {
        let path = &*span.start.file;
        let src = self.sources.get(path)?;
        let range = src.range(
            (span.start.line, span.start.col),
            (span.end.line, span.end.col),
        )?;
        let id = match self.ids.get(path) {
            Some(&id) => id,
            None => {
                let id = self.db.add(path.to_string(), src.text.clone());
                self.ids.insert(path.to_string(), id);
                id
            }
        };
        Some((id, range))
    }
}

fn severity(s: Severity) -> CsSeverity {
    match s {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Note => CsSeverity::Note,
    }
}

fn emit(
    out: &mut dyn Write,
    color: bool,
    files: &SimpleFiles<String, String>,
    d: &CsDiagnostic<usize>,
) -> io::Result<()> {
    let config = Config::default();
    let res = if color {
        let styles = Styles::default();
        let mut w = StylesWriter::new(termcolor::Ansi::new(&mut *out), &styles);
        term::emit_to_write_style(&mut w, &config, files, d)
    } else {
        term::emit_to_io_write(out, &config, files, d)
    };
    res.map_err(|e| match e {
        codespan_reporting::files::Error::Io(e) => e,
        e => io::Error::other(e.to_string()),
    })
}

pub fn render(out: &mut dyn Write, diags: &[Diagnostic], cx: &RenderCx) -> io::Result<()> {
    let mut files = Files {
        sources: Sources::new(cx.base_dir),
        db: SimpleFiles::new(),
        ids: HashMap::new(),
    };
    for d in unsuppressed(diags) {
        let Some((id, range)) = files.label_at(&d.span) else {
            // No snippet without the source: the gcc lines, spaced like the others.
            render_gcc_one(out, d)?;
            writeln!(out)?;
            continue;
        };
        let mut labels = vec![Label::primary(id, range).with_message(&d.message)];
        let mut notes = Vec::new();
        if !d.function.is_empty() {
            notes.push(format!("in function '{}'", d.function));
        }
        for n in &d.notes {
            match files.label_at(&n.span) {
                Some((id, range)) => {
                    labels.push(Label::secondary(id, range).with_message(&n.message))
                }
                None => notes.push(format!("{}: {}", n.span.start, n.message)),
            }
        }
        if let Some(fix) = &d.fix {
            notes.push(format!("fix: {}", fix.description));
        }
        notes.push(see_also(cx.doc_url, d.rule));
        let cd = CsDiagnostic::new(severity(d.severity))
            .with_code(d.rule)
            .with_message(&d.message)
            .with_labels(labels)
            .with_notes(notes);
        emit(out, cx.color, &files.db, &cd)?;
    }
    for f in cx.failures {
        let cd = CsDiagnostic::error()
            .with_message(format!("{}: {}", f.path, f.reason))
            .with_notes(f.details.clone());
        emit(out, cx.color, &files.db, &cd)?;
    }
    Ok(())
}
