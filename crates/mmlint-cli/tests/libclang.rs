//! libclang missing or too old: one line naming the package to install, exit 2, in every
//! way of running mmlint; and `mmlint --version`, which names the libclang in use and the
//! rules data, and still works without libclang.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{root, tempdir, text};

const EXE: &str = env!("CARGO_BIN_EXE_mmlint");

/// Debian's libclang1-14 (`make test` installs it): a real libclang older than the 17 the
/// frontend needs.
const OLD_LIBCLANG_DIR: &str = "/usr/lib/llvm-14/lib";

fn mmlint(libclang_path: Option<&Path>, args: &[&str]) -> Output {
    let mut c = Command::new(EXE);
    c.current_dir(root()).args(args);
    if let Some(p) = libclang_path {
        c.env("LIBCLANG_PATH", p);
    }
    c.output().unwrap()
}

/// The ways of running mmlint that need libclang: files, Kbuild's CHECK, a database.
fn analysing_commands(db: &Path) -> Vec<Vec<String>> {
    let db = db.display().to_string();
    [
        vec![
            "check",
            "testdata/demo/demo.c",
            "--",
            "-nostdinc",
            "-Itestdata/include",
        ],
        vec!["-nostdinc", "-Itestdata/include", "testdata/demo/demo.c"],
        vec!["check", "-p", &db],
        vec!["summarize", "-p", &db, "-o", "/dev/null"],
    ]
    .into_iter()
    .map(|v| v.into_iter().map(String::from).collect())
    .collect()
}

fn demo_db(name: &str) -> PathBuf {
    let (dir, _, _) = common::fixture_project(name, "testdata/demo/demo.c");
    dir.join("compile_commands.json")
}

fn assert_one_line_error(o: &Output, what: &str, want: &[&str]) {
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{what}: {err}");
    assert_eq!(err.lines().count(), 1, "{what}: one line:\n{err}");
    assert!(
        err.starts_with("mmlint: error: libclang unavailable: "),
        "{what}: {err}"
    );
    for w in want {
        assert!(err.contains(w), "{what}: wants '{w}': {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    assert!(text(&o.stdout).is_empty(), "{what}: {}", text(&o.stdout));
}

#[test]
fn missing_libclang_is_one_line_naming_the_package() {
    let empty = tempdir("libclang-empty");
    let db = demo_db("libclang-missing-db");
    for args in analysing_commands(&db) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = mmlint(Some(&empty), &args);
        let at = format!("not found in LIBCLANG_PATH={}: ", empty.display());
        assert_one_line_error(&o, &format!("{args:?}"), &[&at, "install libclang1-19"]);
    }
}

#[test]
fn a_file_that_is_not_a_library_is_named_in_the_one_line() {
    let dir = tempdir("libclang-garbage");
    std::fs::write(dir.join("libclang.so"), "not an ELF file").unwrap();
    let o = mmlint(Some(&dir), &["check", "testdata/demo/demo.c"]);
    let lib = dir.join("libclang.so").display().to_string();
    assert_one_line_error(&o, "garbage", &["install libclang1-19", &lib]);
}

fn old_libclang() -> Option<PathBuf> {
    let dir = Path::new(OLD_LIBCLANG_DIR);
    let has_lib = dir.join("libclang.so.1").exists();
    if has_lib {
        Some(dir.to_path_buf())
    } else {
        eprintln!(
            "skipping: no libclang 14 in {OLD_LIBCLANG_DIR} (`make test` installs libclang1-14)"
        );
        None
    }
}

#[test]
fn libclang_older_than_17_is_one_line_naming_the_package() {
    let Some(old) = old_libclang() else { return };
    let db = demo_db("libclang-old-db");
    for args in analysing_commands(&db) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = mmlint(Some(&old), &args);
        assert_one_line_error(
            &o,
            &format!("{args:?}"),
            &[
                OLD_LIBCLANG_DIR,
                "clang version 14.",
                "is older than libclang 17",
                "install libclang1-19",
            ],
        );
    }
}

fn version_lines(o: &Output) -> Vec<String> {
    assert!(o.stderr.is_empty(), "{}", text(&o.stderr));
    text(&o.stdout).lines().map(String::from).collect()
}

#[test]
fn version_names_mmlint_libclang_and_the_rules_data() {
    for flag in ["--version", "-V"] {
        let o = mmlint(None, &[flag]);
        assert_eq!(o.status.code(), Some(0));
        let lines = version_lines(&o);
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert_eq!(lines[0], format!("mmlint {}", env!("CARGO_PKG_VERSION")));
        // The version string libclang reports, and the library file it came from.
        assert!(lines[1].starts_with("libclang: "), "{lines:?}");
        assert!(lines[1].contains("clang version "), "{lines:?}");
        assert!(lines[1].contains("/libclang"), "{lines:?}");
        let builtin = std::fs::read_dir(root().join("rules"))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "toml")
            })
            .count();
        assert!(
            lines[2].starts_with(&format!("rules data: built-in ({builtin} files, ")),
            "{lines:?}"
        );
        assert!(lines[2].contains("; content hash fnv1a64:"), "{lines:?}");
    }
}

/// Another rules directory is counted, changes the hash, and is validated as `check`
/// validates it.
#[test]
fn version_counts_and_hashes_a_rules_dir() {
    let base = version_lines(&mmlint(None, &["--version"]));
    let hash = |l: &str| l.rsplit_once("fnv1a64:").unwrap().1.to_string();

    let dir = tempdir("version-rules");
    std::fs::write(
        dir.join("mydrv.toml"),
        "noreturn = [\"mydrv_panic\", \"mydrv_bug\"]\n",
    )
    .unwrap();
    let o = mmlint(None, &["--version", "--rules-dir", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let lines = version_lines(&o);
    assert!(
        lines[2].contains(&format!(" + {} (1 file, 2 entries); ", dir.display())),
        "{lines:?}"
    );
    assert_ne!(hash(&lines[2]), hash(&base[2]));

    std::fs::write(dir.join("mydrv.toml"), "noreturn = [\"mydrv_panic\"]\n").unwrap();
    let changed = version_lines(&mmlint(
        None,
        &["--version", &format!("--rules-dir={}", dir.display())],
    ));
    assert!(changed[2].contains("(1 file, 1 entries)"), "{changed:?}");
    assert_ne!(hash(&changed[2]), hash(&lines[2]), "the content is hashed");

    std::fs::write(dir.join("mydrv.toml"), "lock = 3\n").unwrap();
    let o = mmlint(None, &["--version", "--rules-dir", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let lines = version_lines(&o);
    assert!(lines[2].starts_with("rules data: error: "), "{lines:?}");
    assert!(lines[2].contains("mydrv.toml"), "{lines:?}");

    let o = mmlint(None, &["--version", "--bogus"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(text(&o.stderr).lines().count(), 1, "{}", text(&o.stderr));
}

#[test]
fn version_works_without_libclang_and_says_what_to_install() {
    let empty = tempdir("version-no-libclang");
    let o = mmlint(Some(&empty), &["--version"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let lines = version_lines(&o);
    assert_eq!(
        lines[1],
        format!(
            "libclang: not found in LIBCLANG_PATH={}: install libclang1-19 or point LIBCLANG_PATH at the directory holding libclang",
            empty.display()
        )
    );
    assert!(lines[2].starts_with("rules data: built-in ("), "{lines:?}");

    if let Some(old) = old_libclang() {
        let lines = version_lines(&mmlint(Some(&old), &["--version"]));
        assert!(lines[1].contains("is older than libclang 17"), "{lines:?}");
        assert!(lines[1].contains("install libclang1-19"), "{lines:?}");
    }
}
