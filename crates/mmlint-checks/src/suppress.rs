//! Inline suppressions and fingerprints: the parts of a finding's identity that come from
//! the source text rather than the analysis. Pure functions over the text of a file; the
//! driver reads the files.
//!
//! A suppression is a comment on the reported line or the line above:
//! `/* mmlint-ignore dangling-vma: vma pinned by get_file() above */` (several rule ids may be
//! separated by commas). The reason after the colon is required.

use mmlint_diagnostics::{Diagnostic, Severity, Suppression};
use mmlint_ir::{Loc, Span};

use crate::RuleMeta;

/// Rule ids of the suppression diagnostics (they have doc pages like the other rules).
pub static INVALID_SUPPRESSION: RuleMeta = RuleMeta {
    id: "invalid-suppression",
    severity: Severity::Warning,
    summary: "mmlint-ignore comment without a reason, or naming an unknown rule",
    doc: include_str!("../../../docs/rules/invalid-suppression.md"),
};

pub static UNUSED_SUPPRESSION: RuleMeta = RuleMeta {
    id: "unused-suppression",
    severity: Severity::Warning,
    summary: "mmlint-ignore comment that suppresses nothing (--report-unused-suppressions)",
    doc: include_str!("../../../docs/rules/unused-suppression.md"),
};

const MARKER: &str = "mmlint-ignore";

#[derive(Debug, Clone, PartialEq, Eq)]
struct Comment {
    line: u32,
    col: u32,
    rules: Vec<String>,
    reason: String,
}

fn parse_line(line_no: u32, text: &str) -> Option<Comment> {
    let pos = text.find(MARKER)?;
    let rest = &text[pos + MARKER.len()..];
    let rest = rest.split("*/").next().unwrap_or(rest);
    let (ids, reason) = match rest.split_once(':') {
        Some((ids, reason)) => (ids, reason.trim()),
        None => (rest, ""),
    };
    let rules = ids
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    Some(Comment {
        line: line_no,
        col: pos as u32 + 1,
        rules,
        reason: reason.to_string(),
    })
}

/// Applies the suppressions of one file's `text` to the findings in that file (`file` is
/// the path as the diagnostics spell it). Returns the extra diagnostics about the
/// suppressions themselves: invalid ones always, unused ones when `report_unused`.
pub fn apply_suppressions(
    file: &str,
    text: &str,
    diags: &mut [Diagnostic],
    known_rule: impl Fn(&str) -> bool,
    report_unused: bool,
) -> Vec<Diagnostic> {
    let comments: Vec<Comment> = text
        .lines()
        .enumerate()
        .filter_map(|(i, l)| parse_line(i as u32 + 1, l))
        .collect();
    let mut extra = Vec::new();
    let at = |c: &Comment| Span::point(Loc::new(file, c.line, c.col));
    let mut used = vec![false; comments.len()];
    for (ci, c) in comments.iter().enumerate() {
        let problem = if c.rules.is_empty() {
            Some("names no rule".to_string())
        } else if let Some(bad) = c.rules.iter().find(|r| !known_rule(r)) {
            Some(format!("names an unknown rule '{bad}'"))
        } else if c.reason.is_empty() {
            Some("has no reason (write `mmlint-ignore RULE: why it is fine`)".to_string())
        } else {
            None
        };
        if let Some(problem) = problem {
            used[ci] = true;
            extra.push(meta_diag(
                &INVALID_SUPPRESSION,
                at(c),
                format!("suppression {problem}"),
            ));
        }
    }
    for d in diags.iter_mut() {
        if &*d.span.start.file != file {
            continue;
        }
        let line = d.span.start.line;
        for (ci, c) in comments.iter().enumerate() {
            let valid = !c.reason.is_empty() && !c.rules.is_empty();
            if valid
                && (c.line == line || c.line + 1 == line)
                && c.rules.iter().any(|r| r == d.rule)
            {
                d.suppression = Some(Suppression {
                    reason: c.reason.clone(),
                    span: at(c),
                });
                used[ci] = true;
                break;
            }
        }
    }
    if report_unused {
        for (ci, c) in comments.iter().enumerate() {
            if !used[ci] {
                extra.push(meta_diag(
                    &UNUSED_SUPPRESSION,
                    at(c),
                    format!("suppression of {} matches no finding", c.rules.join(", ")),
                ));
            }
        }
    }
    extra
}

fn meta_diag(meta: &RuleMeta, span: Span, message: String) -> Diagnostic {
    Diagnostic {
        rule: meta.id,
        severity: meta.severity,
        span,
        message,
        notes: vec![],
        function: String::new(),
        fingerprint: String::new(),
        fix: None,
        suppression: None,
    }
}

/// The statement text a fingerprint is made of: the reported line without comments, with
/// runs of whitespace collapsed.
fn normalized_line(text: &str, line: u32) -> String {
    let raw = text
        .lines()
        .nth(line.saturating_sub(1) as usize)
        .unwrap_or("");
    let mut no_comments = String::new();
    let mut rest = raw;
    while let Some(start) = rest.find("/*") {
        no_comments.push_str(&rest[..start]);
        rest = match rest[start..].find("*/") {
            Some(end) => &rest[start + end + 2..],
            None => "",
        };
    }
    no_comments.push_str(rest);
    let code = no_comments.split("//").next().unwrap_or("");
    code.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn fnv1a64(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0u8)) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Sets the fingerprint of every finding in `file` (see docs/fingerprints.md): a hash of
/// the rule id, the function, the normalised text of the reported line and the occurrence
/// index of that triple in the function. Moving code above, or editing other functions,
/// leaves it alone; changing the offending statement changes it.
pub fn fingerprint(file: &str, text: &str, diags: &mut [Diagnostic]) {
    let mut order: Vec<usize> = (0..diags.len())
        .filter(|&i| &*diags[i].span.start.file == file)
        .collect();
    order.sort_by_key(|&i| (diags[i].span.start.line, diags[i].span.start.col));
    let mut seen: std::collections::HashMap<(String, String, &str), usize> = Default::default();
    for i in order {
        let norm = normalized_line(text, diags[i].span.start.line);
        let key = (diags[i].function.clone(), norm.clone(), diags[i].rule);
        let n = seen.entry(key).or_default();
        let idx = n.to_string();
        *n += 1;
        let h = fnv1a64(&[diags[i].rule, &diags[i].function, &norm, &idx]);
        diags[i].fingerprint = format!("{h:016x}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(line: u32, rule: &'static str, function: &str) -> Diagnostic {
        Diagnostic {
            rule,
            severity: Severity::Warning,
            span: Span::point(Loc::new("a.c", line, 5)),
            message: "m".into(),
            notes: vec![],
            function: function.into(),
            fingerprint: String::new(),
            fix: None,
            suppression: None,
        }
    }

    const SRC: &str =
        "int f(void)\n{\n\tfoo(vma->x);\n\tbar();\n}\nint g(void)\n{\n\treturn vma->y;\n}\n";

    fn fp(src: &str, line: u32, function: &str) -> String {
        let mut d = vec![diag(line, "dangling-vma", function)];
        fingerprint("a.c", src, &mut d);
        d[0].fingerprint.clone()
    }

    #[test]
    fn fingerprints_survive_unrelated_edits_and_follow_the_statement() {
        let before = fp(SRC, 3, "f");
        // Lines inserted above the finding and inside another function.
        let moved = "// header\n\nint f(void)\n{\n\tfoo(vma->x);   /* reformatted */\n\tbar();\n}\nint g(void)\n{\n\tint z = 1;\n\treturn vma->y;\n}\n";
        assert_eq!(before, fp(moved, 5, "f"));
        // The offending statement changes.
        let changed = SRC.replace("foo(vma->x)", "foo(vma->x + 1)");
        assert_ne!(before, fp(&changed, 3, "f"));
        // Same text elsewhere in another function is another finding.
        assert_ne!(before, fp(SRC, 3, "g"));
    }

    #[test]
    fn repeated_statements_get_distinct_fingerprints() {
        let src = "void f(void)\n{\n\tuse(vma);\n\tuse(vma);\n}\n";
        let mut d = vec![diag(3, "dangling-vma", "f"), diag(4, "dangling-vma", "f")];
        fingerprint("a.c", src, &mut d);
        assert_ne!(d[0].fingerprint, d[1].fingerprint);
    }

    #[test]
    fn suppressions_need_a_reason_and_a_known_rule() {
        let src = "x\n/* mmlint-ignore dangling-vma: pinned by get_file() */\nuse(vma);\nuse(vma); // mmlint-ignore dangling-vma\n/* mmlint-ignore no-such-rule: x */\n/* mmlint-ignore mmap-lock-leak: nothing here */\n";
        let mut d = vec![diag(3, "dangling-vma", "f"), diag(4, "dangling-vma", "f")];
        let known = |r: &str| r == "dangling-vma" || r == "mmap-lock-leak";
        let extra = apply_suppressions("a.c", src, &mut d, known, true);
        assert_eq!(
            d[0].suppression.as_ref().unwrap().reason,
            "pinned by get_file()"
        );
        assert!(d[1].suppression.is_none());
        let msgs: Vec<(u32, &str)> = extra.iter().map(|e| (e.span.start.line, e.rule)).collect();
        assert_eq!(
            msgs,
            vec![
                (4, "invalid-suppression"),
                (5, "invalid-suppression"),
                (6, "unused-suppression")
            ]
        );
        assert!(extra[0].message.contains("no reason"));
        assert!(extra[1].message.contains("unknown rule 'no-such-rule'"));
    }
}
