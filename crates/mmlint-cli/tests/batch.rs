//! Batch mode (`-p compile_commands.json`) and Kbuild's CHECK protocol, end to end.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::{kernel_tree, root, tempdir, text};

fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mmlint"));
    c.current_dir(dir)
        .args(args)
        .env_remove("MMLINT_FLAGS")
        .env_remove("MMLINT_ERROR_EXITCODE");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("mmlint runs")
}

/// A small database over the fixtures: one entry with "arguments", one with "command", one
/// file that does not parse.
fn fixture_db(name: &str) -> PathBuf {
    let d = tempdir(name);
    let inc = root().join("testdata/include");
    std::fs::create_dir_all(d.join("src")).unwrap();
    std::fs::copy(root().join("testdata/demo/demo.c"), d.join("src/demo.c")).unwrap();
    std::fs::copy(
        root().join("testdata/rules/dangling-vma/basic.c"),
        d.join("src/basic.c"),
    )
    .unwrap();
    // It names the API in its code (a comment would not do), or the unit prefilter would
    // skip it unparsed.
    std::fs::write(
        d.join("src/broken.c"),
        "void mmap_read_lock(void *mm); int f(void) { return 1 +; }\n",
    )
    .unwrap();
    let db = serde_json_text(&d, &inc);
    std::fs::write(d.join("compile_commands.json"), db).unwrap();
    d
}

fn serde_json_text(d: &Path, inc: &Path) -> String {
    format!(
        r#"[
  {{"directory": "{d}", "file": "src/demo.c", "arguments": ["gcc", "-Wp,-MMD,src/.demo.o.d", "-nostdinc", "-I{inc}", "-mpreferred-stack-boundary=3", "-Werror", "-c", "-o", "src/demo.o", "src/demo.c"]}},
  {{"directory": "{d}", "file": "{d}/src/basic.c", "command": "gcc -nostdinc -I{inc} -DKBUILD_MODNAME='\"basic\"' -c -o src/basic.o src/basic.c"}},
  {{"directory": "{d}", "file": "src/broken.c", "command": "gcc -c src/broken.c"}}
]"#,
        d = d.display(),
        inc = inc.display()
    )
}

#[test]
fn a_unit_that_cannot_reach_the_api_is_skipped_and_counted() {
    let d = fixture_db("db-skip");
    std::fs::write(d.join("src/plain.c"), "int g(int x) { return x + 1; }\n").unwrap();
    let db = format!(
        r#"[{{"directory": "{d}", "file": "src/plain.c", "command": "gcc -c src/plain.c"}}]"#,
        d = d.display()
    );
    std::fs::write(d.join("compile_commands.json"), db).unwrap();
    let cache = d.join("cache");
    let args = ["check", "-p", "compile_commands.json", "--cache-dir"];
    let o = run(&d, &[&args[..], &[cache.to_str().unwrap()]].concat(), &[]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("0 analyzed, 1 skipped (cannot reach the API), 0 failed"),
        "{err}"
    );
    // Without a cache directory the workers keep header scans in memory, and still skip.
    let o = run(
        &d,
        &["check", "-p", "compile_commands.json", "--no-cache"],
        &[],
    );
    assert!(
        text(&o.stderr).contains("0 analyzed, 1 skipped (cannot reach the API), 0 failed"),
        "{}",
        text(&o.stderr)
    );
    let all = [&args[..], &[cache.to_str().unwrap(), "--no-unit-prefilter"]].concat();
    let o = run(&d, &all, &[]);
    assert!(
        text(&o.stderr).contains("1 analyzed, 0 failed"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn batch_runs_every_unit_reports_failures_and_is_deterministic() {
    let d = fixture_db("db-all");
    let one = run(
        &d,
        &["check", "-p", "compile_commands.json", "-j", "1"],
        &[],
    );
    let two = run(
        &d,
        &["check", "-p", "compile_commands.json", "-j", "2"],
        &[],
    );
    assert_eq!(one.status.code(), Some(2), "{}", text(&one.stderr));
    assert_eq!(text(&one.stdout), text(&two.stdout));
    let out = text(&one.stdout);
    assert!(
        out.contains("src/demo.c:30:25: warning: VMA 'vma' used after"),
        "{out}"
    );
    assert!(out.contains("src/basic.c:"), "{out}");
    assert!(
        out.contains("src/broken.c: error: clang could not parse this file"),
        "{out}"
    );
    let err = text(&one.stderr);
    assert!(err.contains("mmlint: 3 TUs in"), "{err}");
    assert!(err.contains("2 analyzed, 1 failed"), "{err}");
    assert!(
        err.contains("failed: src/broken.c: clang could not parse"),
        "{err}"
    );
    assert!(err.contains("dangling-vma "), "{err}");
}

#[test]
fn batch_filters_select_units() {
    let d = fixture_db("db-filter");
    let o = run(
        &d,
        &["check", "-p", "compile_commands.json", "src/demo.c"],
        &[],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(!text(&o.stdout).contains("basic.c"));
    assert!(text(&o.stderr).contains("mmlint: 1 TUs in"));
}

#[test]
fn broken_databases_are_one_line_errors() {
    let d = tempdir("baddb");
    let cases: &[(&str, &str)] = &[
        ("notjson.json", "{ nope"),
        ("object.json", "{\"file\": \"x.c\"}"),
        ("shape.json", "[{\"directory\": 3}]"),
    ];
    for (name, body) in cases {
        std::fs::write(d.join(name), body).unwrap();
    }
    let expect = [
        ("missing.json", "cannot read"),
        ("notjson.json", "not valid JSON"),
        ("object.json", "must be a JSON array"),
        ("shape.json", "entry 0: wrong shape"),
    ];
    for (name, msg) in expect {
        let o = run(&d, &["check", "-p", name], &[]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        let err = text(&o.stderr);
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(err.contains(msg), "{name}: {err}");
    }
}

#[test]
fn a_stale_database_entry_fails_that_unit_only() {
    let d = tempdir("stale-entry");
    let inc = root().join("testdata/include");
    let demo = root().join("testdata/demo/demo.c");
    let entry = |file: &str| {
        serde_json::json!({
            "directory": d.display().to_string(),
            "file": file,
            "arguments": ["gcc", "-nostdinc", format!("-I{}", inc.display()), "-c", file],
        })
    };
    let db = serde_json::json!([entry("gone.c"), entry(&demo.display().to_string())]);
    std::fs::write(d.join("compile_commands.json"), db.to_string()).unwrap();
    let o = run(
        &d,
        &["check", "-p", "compile_commands.json", "--format", "gcc"],
        &[],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.contains("[dangling-vma]"),
        "the other unit's findings: {out}"
    );
    assert!(
        out.lines().any(|l| l.starts_with("gone.c: error:")),
        "the stale entry's failure: {out}"
    );
}

/// Kbuild's recorded `$(CHECK) $(CHECKFLAGS) $(c_flags) mm/gup.c` line for 6.1, run in a
/// directory standing in for the tree (the three forced includes exist but are empty, and
/// mm/gup.c is the demo driver).
/// `name`: the directory's own, so that tests running at once do not share one.
fn kbuild_tree(name: &str) -> (PathBuf, Vec<String>) {
    let d = tempdir(name);
    std::fs::create_dir_all(d.join("include/linux")).unwrap();
    std::fs::create_dir_all(d.join("mm")).unwrap();
    for f in ["compiler-version.h", "kconfig.h", "compiler_types.h"] {
        std::fs::write(d.join("include/linux").join(f), "").unwrap();
    }
    std::fs::copy(root().join("testdata/demo/demo.c"), d.join("mm/gup.c")).unwrap();
    let recorded =
        std::fs::read_to_string(root().join("testdata/kbuild/gup-check-argv.txt")).unwrap();
    let mut argv: Vec<String> = recorded.lines().map(String::from).collect();
    let file = argv.pop().unwrap();
    assert_eq!(file, "mm/gup.c");
    argv.push(format!("-I{}", root().join("testdata/include").display()));
    argv.push(file);
    (d, argv)
}

#[test]
fn kbuild_check_line_reports_on_stderr_and_exits_zero() {
    let (d, argv) = kbuild_tree("kbuild");
    let args: Vec<&str> = argv.iter().map(|s| s.as_str()).collect();
    let o = run(&d, &args, &[]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert_eq!(text(&o.stdout), "");
    assert!(err.contains("mm/gup.c:30:25: warning: VMA 'vma' used after mmap_lock of 'mm' was released [dangling-vma]"), "{err}");
    assert!(err.contains("[gup-vmas-unlockable]"), "{err}");
    assert!(
        !d.join("mm/.gup.o.d").exists(),
        "a dependency file was written"
    );
    // Asked for, findings fail the step.
    let o = run(&d, &args, &[("MMLINT_ERROR_EXITCODE", "1")]);
    assert_eq!(o.status.code(), Some(1));
    let o = run(
        &d,
        &args,
        &[("MMLINT_FLAGS", "--error-exitcode --disable=dangling-vma")],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(!text(&o.stderr).contains("[dangling-vma]"));
    let o = run(&d, &args, &[("MMLINT_FLAGS", "--colour")]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn kbuild_check_without_a_file_is_a_tool_error() {
    let d = tempdir("kbuild-nofile");
    let o = run(&d, &["-D__linux__", "-Wbitwise"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("no C file on the command line"));
}

/// `make C=2 CHECK=mmlint mm/` on the prepared Linux 6.1 tree
/// (../shared/kernel-corpus/prepare.sh --dirs mm). Skipped when the tree is absent.
#[test]
fn real_kbuild_run_of_mm() {
    let tree = kernel_tree();
    if !tree.join("mm/gup.c").is_file() || !tree.join(".config").is_file() {
        eprintln!(
            "skipping real_kbuild_run_of_mm: no prepared tree at {} (run ../shared/kernel-corpus/prepare.sh --dirs mm)",
            tree.display()
        );
        return;
    }
    let o = Command::new("make")
        .current_dir(&tree)
        .args([
            "-s",
            "-j2",
            "C=2",
            &format!("CHECK={}", env!("CARGO_BIN_EXE_mmlint")),
            "mm/",
        ])
        .output()
        .expect("make runs");
    let err = text(&o.stderr);
    assert!(o.status.success(), "make failed:\n{err}");
    // The diagnostics of the real mm/ are in the build log; no tool error, no panic.
    assert!(!err.contains("mmlint: error"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!err.contains("error: clang could not parse"), "{err}");
    // mmlint did run on the files: its gcc-style findings are in the log (6.1 mm/ has
    // reports, see docs/triage/linux-6.1.md).
    assert!(
        err.lines()
            .any(|l| l.starts_with("mm/") && l.contains(": warning: ") && l.ends_with(']')),
        "{err}"
    );
}

/// Header bodies skipped (the demo driver calls only what the rules data describes): the
/// precompiled preamble stays in memory, so nothing is left in the temporary directory,
/// and the findings are those of a parse of every body.
#[test]
fn skipping_header_bodies_leaves_no_files_and_changes_no_finding() {
    let (d, argv) = kbuild_tree("kbuild-bodies");
    let args: Vec<&str> = argv.iter().map(|s| s.as_str()).collect();
    let tmp = d.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let tmp_env = ("TMPDIR", tmp.to_str().unwrap());
    let skipped = run(&d, &args, &[tmp_env, ("MMLINT_DEBUG_PREFILTER", "1")]);
    let err = text(&skipped.stderr);
    assert!(err.contains("mm/gup.c: names"), "{err}");
    assert!(err.contains("mm/gup.c: header bodies skipped"), "{err}");
    let findings = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| !l.starts_with("mmlint: prefilter"))
            .map(String::from)
            .collect()
    };
    let parsed = run(&d, &args, &[tmp_env, ("MMLINT_PARSE_HEADER_BODIES", "1")]);
    assert!(text(&parsed.stderr).contains("[dangling-vma]"));
    assert_eq!(findings(&err), findings(&text(&parsed.stderr)));
    let left: Vec<_> = std::fs::read_dir(&tmp)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert!(left.is_empty(), "left in TMPDIR: {left:?}");
}
