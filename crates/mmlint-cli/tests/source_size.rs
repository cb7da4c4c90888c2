//! Source files stay small enough to read as one concern: none under `crates/*/src` is
//! longer than [`MAX_LINES`]. Test files (`tests.rs`, anything under a `tests/` folder) are
//! exempt. A file that grows past the limit is split by concern (see ARCHITECTURE.md's code
//! map), not exempted here.

use std::path::{Path, PathBuf};

const MAX_LINES: usize = 900;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "tests") {
                continue;
            }
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs")
            && path.file_name().is_some_and(|n| n != "tests.rs")
        {
            out.push(path);
        }
    }
}

#[test]
fn no_source_file_exceeds_the_line_limit() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for krate in std::fs::read_dir(&crates).expect("crates directory") {
        let src = krate.expect("directory entry").path().join("src");
        if src.is_dir() {
            rust_files(&src, &mut files);
        }
    }
    // This crate's own sources are among them: an empty list means the walk is broken.
    assert!(
        files.iter().any(|f| f.ends_with("mmlint-cli/src/main.rs")),
        "the walk of {} found no sources",
        crates.display()
    );
    let mut long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let text =
                std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            let n = text.lines().count();
            let shown = f.strip_prefix(&crates).unwrap_or(f);
            (n > MAX_LINES).then(|| format!("crates/{} ({n} lines)", shown.display()))
        })
        .collect();
    long.sort();
    assert!(
        long.is_empty(),
        "source files longer than {MAX_LINES} lines (split them by concern):\n  {}",
        long.join("\n  ")
    );
}
