//! Renderers: the only crate that knows output formats. Each format is a function over
//! diagnostics; today gcc-style lines (what Kbuild logs, editors' error parsers and
//! `make C=1` users read).

use std::io::{self, Write};

use mmlint_diagnostics::Diagnostic;

/// `file:line:col: warning: message [rule]`, then one `note:` line per secondary location.
pub fn render_gcc(out: &mut dyn Write, diags: &[Diagnostic]) -> io::Result<()> {
    for d in diags {
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
}
