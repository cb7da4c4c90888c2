//! C source text for fixes: where a call's arguments are as written, and kernel-style
//! layout of new code (tabs of 8 columns, lines within 100 columns).
//!
//! The IR's positions are macro expansion sites, precise for a call written in the file but
//! not for one inside a macro argument (`WARN_ON(get_user_pages(...))`, where every
//! argument maps to `WARN_ON`). Fixes therefore re-read the call from the text at the
//! call's position and refuse when it is not there as the IR says.

use std::ops::Range;

use mmlint_diagnostics::SourceFile;
use mmlint_ir::Loc;

/// The kernel's line limit (checkpatch.pl, coding-style.rst).
pub const MAX_COLUMNS: usize = 100;

/// A call as written: the callee's name, then `(`, the arguments, `)`.
#[derive(Debug)]
pub struct CallText {
    /// From the callee's first byte to just past the `)`.
    pub range: Range<usize>,
    /// Each argument without surrounding whitespace.
    pub args: Vec<Range<usize>>,
}

/// Reads the call to `callee` starting at `at`; `None` when the text there is something
/// else (a macro, a call inside a macro argument).
pub fn call_at(src: &SourceFile, at: &Loc, callee: &str) -> Option<CallText> {
    let start = src.offset(at.line, at.col)?;
    let text = src.text.as_bytes();
    let rest = src.text.get(start..)?;
    if !rest.starts_with(callee) {
        return None;
    }
    let mut i = start + callee.len();
    if text
        .get(i)
        .is_some_and(|&c| c == b'_' || c.is_ascii_alphanumeric())
    {
        return None;
    }
    while text.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
        i += 1;
    }
    if text.get(i) != Some(&b'(') {
        return None;
    }
    i += 1;
    let mut args = Vec::new();
    let mut arg_start = i;
    let mut depth = 0usize;
    while i < text.len() {
        match text[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' if depth == 0 => {
                args.push(trim(src, arg_start..i));
                // `f()` has no arguments, not one empty one.
                if args.len() == 1 && args[0].is_empty() {
                    args.clear();
                }
                return Some(CallText {
                    range: start..i + 1,
                    args,
                });
            }
            b')' | b']' | b'}' => depth = depth.checked_sub(1)?,
            b',' if depth == 0 => {
                args.push(trim(src, arg_start..i));
                arg_start = i + 1;
            }
            b'"' | b'\'' => i = skip_literal(text, i)?,
            b'/' if text.get(i + 1) == Some(&b'*') => {
                i = src.text[i + 2..].find("*/").map(|j| i + 2 + j + 1)?;
            }
            b'/' if text.get(i + 1) == Some(&b'/') => {
                i = src.text[i..].find('\n').map(|j| i + j)?;
            }
            b'#' => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

/// The index of the closing quote of the literal opened at `i`.
fn skip_literal(text: &[u8], i: usize) -> Option<usize> {
    let q = text[i];
    let mut j = i + 1;
    while j < text.len() {
        match text[j] {
            b'\\' => j += 1,
            b'\n' => return None,
            c if c == q => return Some(j),
            _ => {}
        }
        j += 1;
    }
    None
}

/// `r` without the whitespace and comments around it.
fn trim(src: &SourceFile, r: Range<usize>) -> Range<usize> {
    let (mut a, mut b) = (r.start, r.end);
    loop {
        let s = &src.text[a..b];
        let t = s.trim_start();
        a += s.len() - t.len();
        if let Some(rest) = t.strip_prefix("/*") {
            match rest.find("*/") {
                Some(i) => a += 2 + i + 2,
                None => break,
            }
        } else if t.starts_with("//") {
            a += t.find('\n').unwrap_or(t.len());
        } else {
            break;
        }
    }
    loop {
        let s = &src.text[a..b];
        let t = s.trim_end();
        b -= s.len() - t.len();
        match t.strip_suffix("*/").and_then(|x| x.rfind("/*")) {
            Some(i) => b = a + i,
            None => break,
        }
    }
    a..b.max(a)
}

/// An argument's text on one line (a wrapped argument's line break and indentation become
/// one space), for reuse in new code.
pub fn one_line(src: &SourceFile, r: &Range<usize>) -> String {
    src.text[r.clone()]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The start of the line containing `off`.
pub fn line_start(src: &SourceFile, off: usize) -> usize {
    src.text[..off].rfind('\n').map_or(0, |i| i + 1)
}

/// The end of the line containing `off` (the offset of its newline).
pub fn line_end(src: &SourceFile, off: usize) -> usize {
    src.text[off..]
        .find('\n')
        .map_or(src.text.len(), |i| off + i)
}

/// The whitespace before `off` when only whitespace precedes it on its line.
pub fn indent_before(src: &SourceFile, off: usize) -> Option<&str> {
    let prefix = &src.text[line_start(src, off)..off];
    prefix
        .chars()
        .all(|c| c == ' ' || c == '\t')
        .then_some(prefix)
}

/// Whether a statement starting at `off` (first on its line) stands in a block, where
/// more statements can be added next to it: the code before it ends with `;`, `{`, `}` or
/// a label's `:`. Not the unbraced body of an `if`, `else`, `for` or `while`. Comment and
/// preprocessor lines are skipped.
pub fn in_block(src: &SourceFile, off: usize) -> bool {
    let before = &src.text[..line_start(src, off)];
    for line in before.lines().rev() {
        let code = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        let t = code.trim();
        let comment = t.starts_with("/*") || t.starts_with('*') || t.ends_with("*/");
        if t.is_empty() || t.starts_with('#') || comment {
            continue;
        }
        return t.ends_with([';', '{', '}', ':']);
    }
    false
}

/// Display width with tabs to the next multiple of 8.
pub fn width(s: &str) -> usize {
    s.chars()
        .fold(0, |w, c| if c == '\t' { (w / 8 + 1) * 8 } else { w + 1 })
}

/// Indentation reaching column `col`: tabs, then spaces (the kernel's continuation lines
/// aligned with the open parenthesis).
fn indent_to(col: usize) -> String {
    "\t".repeat(col / 8) + &" ".repeat(col % 8)
}

/// `{indent}{prefix}{name}(args){suffix}` within [`MAX_COLUMNS`], wrapping after commas
/// with the continuation aligned after the `(`. The result does not include `indent`
/// (the caller replaces text that starts after it).
pub fn call_stmt(indent: &str, prefix: &str, name: &str, args: &[String], suffix: &str) -> String {
    let head = format!("{prefix}{name}(");
    let one = format!("{head}{}){suffix}", args.join(", "));
    if width(&format!("{indent}{one}")) <= MAX_COLUMNS {
        return one;
    }
    let cont = indent_to(width(&format!("{indent}{head}")));
    let mut out = head;
    let mut line = format!("{indent}{out}");
    for (i, a) in args.iter().enumerate() {
        let last = i + 1 == args.len();
        let piece = if last {
            format!("{a}){suffix}")
        } else {
            format!("{a},")
        };
        let sep = if i == 0 { "" } else { " " };
        if i > 0 && width(&format!("{line}{sep}{piece}")) > MAX_COLUMNS {
            out.push('\n');
            out.push_str(&cont);
            line = cont.clone();
        } else {
            out.push_str(sep);
            line.push_str(sep);
        }
        out.push_str(&piece);
        line.push_str(&piece);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(t: &str) -> SourceFile {
        SourceFile::new("a.c", t.to_string())
    }

    #[test]
    fn reads_arguments_as_written() {
        let s = src("\tret = gup(mm, f(a, b), \"x,)\" /* , */, // c\n\t\t  &vma, NULL);\n");
        let c = call_at(&s, &Loc::new("a.c", 1, 8), "gup").unwrap();
        let args: Vec<&str> = c.args.iter().map(|r| &s.text[r.clone()]).collect();
        assert_eq!(args, ["mm", "f(a, b)", "\"x,)\"", "&vma", "NULL"]);
        assert_eq!(&s.text[c.range.clone()][..4], "gup(");
        assert!(s.text[c.range].ends_with("NULL)"));
        // Not the callee the IR names: a macro, or another call.
        assert!(call_at(&s, &Loc::new("a.c", 1, 8), "gu").is_none());
        assert!(call_at(&s, &Loc::new("a.c", 1, 2), "gup").is_none());
        assert!(call_at(&src("f()"), &Loc::new("a.c", 1, 1), "f")
            .unwrap()
            .args
            .is_empty());
    }

    #[test]
    fn statements_in_blocks_only() {
        let s = src("{\n\ta();\n\t/* c */\n#ifdef X\n\tb();\n#endif\n\tif (x)\n\t\tc();\n}\n");
        let at = |needle: &str| s.text.find(needle).unwrap();
        assert!(in_block(&s, at("a();")));
        assert!(in_block(&s, at("b();")));
        assert!(in_block(&s, at("if (x)")));
        assert!(!in_block(&s, at("c();")));
    }

    #[test]
    fn wraps_within_100_columns_aligned_after_the_parenthesis() {
        let args: Vec<String> = ["mm", "vaddr", "FOLL_WRITE", "&vma"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            call_stmt("\t", "page = ", "helper", &args, ";"),
            "page = helper(mm, vaddr, FOLL_WRITE, &vma);"
        );
        let long: Vec<String> = (0..8).map(|i| format!("argument_number_{i}")).collect();
        let out = call_stmt("\t\t", "p = ", "helper", &long, ";");
        for l in out.lines() {
            assert!(width(&format!("\t\t{l}")) <= MAX_COLUMNS, "{out}");
        }
        let second = out.lines().nth(1).unwrap();
        // "\t\tp = helper(" is 27 columns wide: three tabs and three spaces.
        assert!(second.starts_with("\t\t\t   argument"), "{out}");
        assert_eq!(width("\t\tab"), 18);
    }
}
