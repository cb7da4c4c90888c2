//! Helpers shared by the CLI integration tests (each test binary uses a subset).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// A fresh, empty directory for one test (named after it and the process).
pub fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("mmlint-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The Linux 6.1 tree of ../shared/kernel-corpus/prepare.sh: `$MMLINT_KERNEL_DIR`, or
/// ~/.cache/mmlint/linux-6.1.
pub fn kernel_tree() -> PathBuf {
    match std::env::var_os("MMLINT_KERNEL_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
            .join(".cache/mmlint/linux-6.1"),
    }
}

/// A fresh directory holding a copy of `fixture` (relative to the repository root) and a
/// compile_commands.json for it with the fixtures' flags: (directory, file, source text).
/// Editors find the database the way they would in a kernel tree.
pub fn fixture_project(name: &str, fixture: &str) -> (PathBuf, PathBuf, String) {
    let dir = tempdir(name).canonicalize().unwrap();
    let src = std::fs::read_to_string(root().join(fixture)).unwrap();
    let base = Path::new(fixture).file_name().unwrap().to_str().unwrap();
    let file = dir.join(base);
    std::fs::write(&file, &src).unwrap();
    let db = serde_json::json!([{
        "directory": dir,
        "file": base,
        "arguments": ["gcc", "-nostdinc",
                      format!("-I{}", root().join("testdata/include").display()),
                      "-c", base],
    }]);
    std::fs::write(dir.join("compile_commands.json"), db.to_string()).unwrap();
    (dir, file, src)
}

/// (1-based line, rule) of a fixture's `// expect: RULE[, RULE]` marks.
pub fn expect_marks(src: &str) -> std::collections::BTreeSet<(u32, String)> {
    let mut set = std::collections::BTreeSet::new();
    for (i, line) in src.lines().enumerate() {
        if let Some(pos) = line.find("// expect:") {
            for r in line[pos + "// expect:".len()..].split(',') {
                set.insert((i as u32 + 1, r.trim().to_string()));
            }
        }
    }
    set
}

/// Points the editor's home and XDG directories at fresh ones under `work`. Editors
/// started at once on a machine without `~/.local` race to create it for their swap,
/// shada and log files (Neovim: `E303: Unable to create directory ... for swap file`),
/// and a test must not read or write the user's own editor state either.
pub fn isolate_editor(cmd: &mut std::process::Command, work: &Path) {
    let home = work.join("editor-home");
    for (var, sub) in [
        ("HOME", ""),
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_RUNTIME_DIR", "run"),
    ] {
        let dir = home.join(sub);
        std::fs::create_dir_all(&dir).unwrap();
        cmd.env(var, dir);
    }
}
