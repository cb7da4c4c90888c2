//! Fixes as a unified diff for `patch -p1` (`mmlint fix`), the shape of `diff -u` and of
//! `make coccicheck MODE=patch`: `--- a/PATH` / `+++ b/PATH`, hunks with three lines of
//! context. The hunks come from the edits' line ranges, so unrelated lines never appear.

use std::io::{self, Write};

use mmlint_diagnostics::{Edit, SourceFile};

const CONTEXT: usize = 3;

/// One run of changed lines: old lines `old` (0-based, end exclusive) become `new`.
struct Change {
    old: std::ops::Range<usize>,
    new: Vec<String>,
}

/// The lines of `text`, each with its newline (the last one may lack it).
fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// Writes the diff of applying `edits` (non-overlapping) to `src`, naming the file `path`
/// (relative to the tree root). Nothing is written when there are no edits.
pub fn render_patch(
    out: &mut dyn Write,
    path: &str,
    src: &SourceFile,
    edits: &[&Edit],
) -> io::Result<()> {
    let mut ranges: Vec<(std::ops::Range<usize>, &str)> = edits
        .iter()
        .filter_map(|e| Some((e.byte_range(src)?, e.replacement.as_str())))
        .collect();
    if ranges.is_empty() {
        return Ok(());
    }
    ranges.sort_by_key(|(r, _)| (r.start, r.end));
    let old_lines = lines(&src.text);
    let line_of = |off: usize| src.text[..off].matches('\n').count();
    let line_start = |l: usize| old_lines[..l].iter().map(|x| x.len()).sum::<usize>();
    // Edits touching the same or adjacent lines form one change.
    let mut changes: Vec<Change> = Vec::new();
    let mut group: Vec<(std::ops::Range<usize>, &str)> = Vec::new();
    let mut group_lines = 0..0;
    let flush = |group: &mut Vec<(std::ops::Range<usize>, &str)>,
                 lines: &std::ops::Range<usize>,
                 changes: &mut Vec<Change>| {
        if group.is_empty() {
            return;
        }
        let start = line_start(lines.start);
        let end = line_start(lines.end).min(src.text.len());
        let mut text = String::new();
        let mut at = start;
        for (r, rep) in group.drain(..) {
            text.push_str(&src.text[at..r.start]);
            text.push_str(rep);
            at = r.end;
        }
        text.push_str(&src.text[at..end]);
        changes.push(Change {
            old: lines.clone(),
            new: text.split_inclusive('\n').map(String::from).collect(),
        });
    };
    for (r, rep) in ranges {
        let first = line_of(r.start);
        // The line holding the range's last byte (an insertion touches its own line).
        let last = line_of(r.end.max(r.start + 1).min(src.text.len()).saturating_sub(1)).max(first);
        let lines = first..(last + 1).min(old_lines.len()).max(first + 1);
        if !group.is_empty() && lines.start < group_lines.end {
            group_lines.end = group_lines.end.max(lines.end);
        } else {
            flush(&mut group, &group_lines, &mut changes);
            group_lines = lines;
        }
        group.push((r, rep));
    }
    flush(&mut group, &group_lines, &mut changes);

    writeln!(out, "--- a/{path}")?;
    writeln!(out, "+++ b/{path}")?;
    let mut delta: isize = 0;
    let mut i = 0;
    while i < changes.len() {
        // Changes whose contexts overlap share a hunk.
        let mut j = i + 1;
        while j < changes.len() && changes[j].old.start <= changes[j - 1].old.end + 2 * CONTEXT {
            j += 1;
        }
        let from = changes[i].old.start.saturating_sub(CONTEXT);
        let to = (changes[j - 1].old.end + CONTEXT).min(old_lines.len());
        let mut body = Vec::new();
        let (mut n_old, mut n_new) = (0, 0);
        let mut at = from;
        for c in &changes[i..j] {
            for l in &old_lines[at..c.old.start] {
                body.push(format!(" {l}"));
                n_old += 1;
                n_new += 1;
            }
            for l in &old_lines[c.old.clone()] {
                body.push(format!("-{l}"));
                n_old += 1;
            }
            for l in &c.new {
                body.push(format!("+{l}"));
                n_new += 1;
            }
            at = c.old.end;
        }
        for l in &old_lines[at..to] {
            body.push(format!(" {l}"));
            n_old += 1;
            n_new += 1;
        }
        let start = |n: usize, first: usize| if n == 0 { first } else { first + 1 };
        let new_first = (from as isize + delta) as usize;
        writeln!(
            out,
            "@@ -{},{n_old} +{},{n_new} @@",
            start(n_old, from),
            start(n_new, new_first)
        )?;
        for l in body {
            out.write_all(l.as_bytes())?;
            if !l.ends_with('\n') {
                writeln!(out)?;
                writeln!(out, "\\ No newline at end of file")?;
            }
        }
        delta += n_new as isize - n_old as isize;
        i = j;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diff(text: &str, edits: &[(&str, &str)]) -> String {
        let src = SourceFile::new("a.c", text.to_string());
        let edits: Vec<Edit> = edits
            .iter()
            .map(|(find, rep)| {
                let at = src.text.find(find).unwrap();
                Edit::replace(&src, at..at + find.len(), rep.to_string())
            })
            .collect();
        let refs: Vec<&Edit> = edits.iter().collect();
        let mut out = Vec::new();
        render_patch(&mut out, "dir/a.c", &src, &refs).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn hunks_have_context_and_merge_when_close() {
        let text: String = (1..=20).map(|i| format!("line{i}\n")).collect();
        let d = diff(&text, &[("line5\n", ""), ("line7", "seven\nand a half")]);
        assert_eq!(
            d,
            "--- a/dir/a.c\n+++ b/dir/a.c\n@@ -2,9 +2,9 @@\n line2\n line3\n line4\n-line5\n line6\n-line7\n+seven\n+and a half\n line8\n line9\n line10\n"
        );
        let d = diff(&text, &[("line2", "two"), ("line18", "eighteen")]);
        assert!(d.contains("@@ -1,5 +1,5 @@\n"), "{d}");
        assert!(d.contains("@@ -15,6 +15,6 @@\n"), "{d}");
    }

    #[test]
    fn missing_final_newline_is_marked() {
        let d = diff("a\nb", &[("b", "c")]);
        assert_eq!(
            d,
            "--- a/dir/a.c\n+++ b/dir/a.c\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"
        );
    }
}
