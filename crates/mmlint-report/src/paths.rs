//! Paths, URIs and source text: what the snippet (human) and region (SARIF) renderers need
//! to turn the IR's 1-based line / byte-column positions into their own.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

/// `path` made absolute against `base` and normalised lexically (`.` and `..` removed).
pub fn resolve(base: &Path, path: &str) -> PathBuf {
    normalize(&base.join(path))
}

pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push(c);
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes everything but RFC 3986's unreserved characters and `/`.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn slash_path(p: &Path) -> String {
    let parts: Vec<String> = p
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    parts.join("/")
}

/// The `file:` URI of an absolute path.
pub fn file_uri(abs: &Path) -> String {
    let mut s = String::from("file://");
    if let Some(Component::Prefix(p)) = abs.components().next() {
        // Windows: file:///C:/dir
        s.push('/');
        s.push_str(&p.as_os_str().to_string_lossy().replace('\\', "/"));
    }
    s.push('/');
    s.push_str(&percent_encode(&slash_path(abs)));
    s
}

/// The `file:` URI of a directory, ending with `/` (a base URI other URIs resolve against).
pub fn dir_uri(abs: &Path) -> String {
    let mut s = file_uri(abs);
    if !s.ends_with('/') {
        s.push('/');
    }
    s
}

/// Where a file is, for SARIF: relative to the source root when it is under it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileUri {
    /// Relative to `%SRCROOT%`.
    UnderRoot(String),
    /// An absolute `file:` URI.
    Absolute(String),
}

pub fn artifact_uri(srcroot: &Path, abs: &Path) -> FileUri {
    match abs.strip_prefix(normalize(srcroot)) {
        Ok(rel) if rel.components().next().is_some() => {
            FileUri::UnderRoot(percent_encode(&slash_path(rel)))
        }
        _ => FileUri::Absolute(file_uri(abs)),
    }
}

/// One source file as the renderers read it. Columns are byte columns (clang's); the text
/// may hold invalid UTF-8, which the renderers see replaced.
pub struct Source {
    raw: Vec<u8>,
    /// The text (lossy UTF-8).
    pub text: String,
    raw_lines: Vec<usize>,
    text_lines: Vec<usize>,
}

fn line_starts(b: &[u8]) -> Vec<usize> {
    std::iter::once(0)
        .chain(
            b.iter()
                .enumerate()
                .filter(|(_, &c)| c == b'\n')
                .map(|(i, _)| i + 1),
        )
        .collect()
}

impl Source {
    pub fn new(raw: Vec<u8>) -> Source {
        let text = String::from_utf8_lossy(&raw).into_owned();
        Source {
            raw_lines: line_starts(&raw),
            text_lines: line_starts(text.as_bytes()),
            raw,
            text,
        }
    }

    /// The bytes of 1-based `line` without its newline.
    fn raw_line(&self, line: u32) -> Option<&[u8]> {
        let i = (line as usize).checked_sub(1)?;
        let start = *self.raw_lines.get(i)?;
        let end = self
            .raw_lines
            .get(i + 1)
            .map(|e| e - 1)
            .unwrap_or(self.raw.len());
        Some(&self.raw[start..end])
    }

    /// The text offset of (line, byte column), on a character boundary, clamped to the line.
    pub fn offset(&self, line: u32, col: u32) -> Option<usize> {
        let raw = self.raw_line(line)?;
        let prefix = &raw[..(col.max(1) as usize - 1).min(raw.len())];
        let start = self.text_lines[line as usize - 1];
        let mut o = (start + String::from_utf8_lossy(prefix).len()).min(self.text.len());
        while !self.text.is_char_boundary(o) {
            o -= 1;
        }
        Some(o)
    }

    /// The text range of an inclusive (start, end) position pair: at least the character at
    /// the start.
    pub fn range(&self, start: (u32, u32), end: (u32, u32)) -> Option<std::ops::Range<usize>> {
        let s = self.offset(start.0, start.1)?;
        let e = self.offset(end.0, end.1).unwrap_or(s).max(s);
        let last = self.text[e..].chars().next().map_or(0, |c| c.len_utf8());
        Some(s..e + last)
    }

    /// The length in bytes of the character at (line, byte column); 1 past the line's end.
    pub fn char_len_at(&self, line: u32, col: u32) -> Option<u32> {
        let raw = self.raw_line(line)?;
        let rest = raw.get(col.max(1) as usize - 1..).unwrap_or(&[]);
        let n = match rest.first() {
            Some(&b) if b >= 0xF0 => 4,
            Some(&b) if b >= 0xE0 => 3,
            Some(&b) if b >= 0xC0 => 2,
            _ => 1,
        };
        Some(n.min(rest.len().max(1)) as u32)
    }

    /// The 1-based UTF-16 column (SARIF's default column kind) of a byte column.
    pub fn utf16_col(&self, line: u32, col: u32) -> Option<u32> {
        let raw = self.raw_line(line)?;
        let n = (col.max(1) as usize - 1).min(raw.len());
        let units = String::from_utf8_lossy(&raw[..n]).encode_utf16().count();
        Some((units + (col.max(1) as usize - 1 - n) + 1) as u32)
    }
}

/// The sources read so far, by the path the diagnostics name.
pub struct Sources<'a> {
    base: &'a Path,
    files: HashMap<String, Option<Rc<Source>>>,
}

impl<'a> Sources<'a> {
    pub fn new(base: &'a Path) -> Self {
        Sources {
            base,
            files: HashMap::new(),
        }
    }

    pub fn get(&mut self, path: &str) -> Option<Rc<Source>> {
        let base = self.base;
        self.files
            .entry(path.to_string())
            .or_insert_with(|| {
                std::fs::read(resolve(base, path))
                    .ok()
                    .map(|raw| Rc::new(Source::new(raw)))
            })
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        let root = Path::new("/src/linux");
        assert_eq!(
            artifact_uri(root, &resolve(root, "mm/./gup.c")),
            FileUri::UnderRoot("mm/gup.c".into())
        );
        assert_eq!(
            artifact_uri(root, &resolve(root, "../other/a b%.c")),
            FileUri::Absolute("file:///src/other/a%20b%25.c".into())
        );
        assert_eq!(
            artifact_uri(root, Path::new("/src/linux/drivers/é:x.c")),
            FileUri::UnderRoot("drivers/%C3%A9%3Ax.c".into())
        );
        assert_eq!(dir_uri(root), "file:///src/linux/");
        assert_eq!(dir_uri(Path::new("/")), "file:///");
    }

    #[test]
    fn columns() {
        let s = Source::new("int x;\n\té = vma;\n".as_bytes().to_vec());
        // 'vma' starts at byte column 7 (tab, 2 bytes of é, space, '=', space).
        assert_eq!(&s.text[s.range((2, 7), (2, 9)).unwrap()], "vma");
        assert_eq!(s.utf16_col(2, 7), Some(6));
        assert_eq!(s.utf16_col(1, 1), Some(1));
        // Past the end of the line: counted on.
        assert_eq!(s.utf16_col(1, 9), Some(9));
        assert_eq!(s.utf16_col(9, 1), None);
        assert_eq!(s.char_len_at(2, 2), Some(2));
        assert_eq!(s.char_len_at(2, 7), Some(1));
        assert_eq!(s.char_len_at(2, 70), Some(1));
        // Invalid UTF-8 is read, replaced.
        let s = Source::new(b"a\xff b\n".to_vec());
        assert_eq!(&s.text[s.range((1, 4), (1, 4)).unwrap()], "b");
    }
}
