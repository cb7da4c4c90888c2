//! Bad input on every front door: one line on stderr naming what is wrong, exit 2, no
//! panic, and the other files' results kept.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;
use common::{root, tempdir, text};

fn mmlint_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mmlint"))
        .current_dir(dir)
        .args(args)
        .env_remove("MMLINT_FLAGS")
        .env_remove("MMLINT_SUMMARIES")
        .envs(env.iter().copied())
        .output()
        .expect("mmlint runs")
}

fn mmlint(args: &[&str]) -> Output {
    mmlint_in(&root(), args, &[])
}

fn inc() -> String {
    format!("-I{}", root().join("testdata/include").display())
}

const DEMO: &str = "testdata/demo/demo.c";

/// Exit 2 and exactly one line on stderr, containing `expected`; returns stderr.
fn one_line_error(o: &Output, expected: &str) -> String {
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(expected), "{err}");
    assert!(err.starts_with("mmlint: error: "), "{err}");
    err
}

fn broken_c(dir: &Path) -> PathBuf {
    let f = dir.join("broken.c");
    // It names the API in its code (a comment would not do), or the unit prefilter would
    // skip it unparsed.
    std::fs::write(
        &f,
        "void mmap_read_lock(void *mm); int f(void) {\n  return 1 +;\n}\n",
    )
    .unwrap();
    f
}

#[test]
fn command_line_mistakes_are_one_line() {
    one_line_error(
        &mmlint(&["check", "--no-such-flag", DEMO]),
        "unexpected argument '--no-such-flag'",
    );
    one_line_error(
        &mmlint(&["summarize", DEMO]),
        "required arguments were not provided: --output <FILE>",
    );
    one_line_error(
        &mmlint(&["check", "--format", "xml", DEMO]),
        "invalid value 'xml' for '--format <FORMAT>' [possible values:",
    );
    // Help is still help.
    let o = mmlint(&["check", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o.stdout).contains("--compile-commands"));
}

#[test]
fn unwritable_report_is_refused_before_the_analysis_naming_the_path() {
    let o = mmlint(&[
        "check",
        "--output",
        "/nonexistent/dir/x.json",
        "no/such/file.c",
    ]);
    one_line_error(&o, "/nonexistent/dir/x.json: cannot write the report");
    let o = mmlint(&[
        "check",
        "--write-baseline",
        "/nonexistent/dir/b.json",
        "no/such/file.c",
    ]);
    one_line_error(&o, "/nonexistent/dir/b.json: cannot write baseline");
    assert_eq!(text(&o.stdout), "");
}

#[test]
fn summarize_refuses_an_unwritable_output_before_analysing() {
    let d = tempdir("bad-summarize-out");
    let bad = broken_c(&d);
    // Before the check, the broken unit was analysed (and reported) first, then the
    // whole run thrown away at the write.
    let o = mmlint(&[
        "summarize",
        "-o",
        "/nonexistent/dir/s.json",
        bad.to_str().unwrap(),
    ]);
    one_line_error(&o, "/nonexistent/dir/s.json: cannot write the summary file");
    // A directory is not a file either.
    let o = mmlint(&["summarize", "-o", d.to_str().unwrap(), DEMO]);
    one_line_error(&o, "cannot write the summary file");
}

#[test]
fn summarize_writes_the_other_units_summaries_when_one_does_not_parse() {
    let d = tempdir("bad-summarize-parse");
    let bad = broken_c(&d);
    let out = d.join("s.json");
    let o = mmlint(&[
        "summarize",
        "-o",
        out.to_str().unwrap(),
        "testdata/summaries/drv_mm.c",
        bad.to_str().unwrap(),
        "--",
        "-nostdinc",
        &inc(),
    ]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "{}:2:13: error: expected expression",
            bad.display()
        )),
        "{err}"
    );
    assert!(err.contains("from 1 units (1 failed"), "{err}");
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.contains("\"drv_lock\""), "{written}");
}

/// Units that overrun --timeout leave their threads inside libclang; the process used to
/// run libclang's destructors under them on the way out ("double free", exit 134).
#[test]
fn timed_out_units_do_not_crash_the_exit() {
    let d = tempdir("bad-timeout");
    let mut entries = Vec::new();
    for f in [
        DEMO,
        "testdata/summaries/drv_mm.c",
        "testdata/summaries/drv_user.c",
    ] {
        let file = root().join(f);
        entries.push(serde_json::json!({
            "directory": d,
            "file": file,
            "arguments": ["gcc", "-nostdinc", inc(), "-c", file],
        }));
    }
    let db = d.join("compile_commands.json");
    std::fs::write(&db, serde_json::Value::Array(entries).to_string()).unwrap();
    // The crash is a race: several runs make the old behaviour near certain to show.
    for _ in 0..6 {
        let o = mmlint(&[
            "check",
            "-p",
            db.to_str().unwrap(),
            "--timeout",
            "0",
            "-j",
            "3",
        ]);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains("3 TUs in"), "{err}");
        for noise in [
            "double free",
            "terminate called",
            "crash detected",
            "corrupted",
        ] {
            assert!(!err.contains(noise), "{err}");
        }
    }
}

#[test]
fn fix_apply_leaves_a_read_only_file_alone_and_fixes_the_others() {
    let d = tempdir("bad-fix-ro");
    let src = std::fs::read_to_string(root().join("testdata/rules/gup-vmas-migration/one_vma.c"))
        .unwrap();
    let inc = inc();
    // How many fixes one copy gets, alone.
    let alone = d.join("alone");
    std::fs::create_dir_all(&alone).unwrap();
    std::fs::write(alone.join("one.c"), &src).unwrap();
    let o = mmlint_in(
        &alone,
        &["fix", "--apply", "one.c", "--", "-nostdinc", &inc],
        &[],
    );
    let one = text(&o.stderr).lines().last().unwrap().to_string();
    assert!(one.ends_with("fix(es) in 1 file(s)"), "{one}");
    assert!(!one.starts_with("mmlint: applied 0 "), "{one}");

    let (ro, rw) = (d.join("ro.c"), d.join("rw.c"));
    std::fs::write(&ro, &src).unwrap();
    std::fs::write(&rw, &src).unwrap();
    broken_c(&d);
    let mut perm = std::fs::metadata(&ro).unwrap().permissions();
    perm.set_readonly(true);
    std::fs::set_permissions(&ro, perm).unwrap();
    let o = mmlint_in(
        &d,
        &[
            "fix",
            "--apply",
            "ro.c",
            "rw.c",
            "broken.c",
            "--",
            "-nostdinc",
            &inc,
        ],
        &[],
    );
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    // Read-only even for root, who could write it.
    assert_eq!(std::fs::read_to_string(&ro).unwrap(), src);
    assert_eq!(
        std::fs::read_to_string(&rw).unwrap(),
        std::fs::read_to_string(alone.join("one.c")).unwrap()
    );
    assert!(
        err.contains(&format!(
            "mmlint: error: {}: file is read-only; its fixes were not applied",
            ro.display()
        )),
        "{err}"
    );
    assert!(
        err.contains("broken.c: error: clang could not parse"),
        "{err}"
    );
    // The count is of the fixes written: rw.c's, not ro.c's as well.
    assert_eq!(err.lines().last().unwrap(), one, "{err}");
}

#[test]
fn fix_with_a_broken_database_or_unknown_rule_is_one_line() {
    let d = tempdir("bad-fix-db");
    let db = d.join("compile_commands.json");
    std::fs::write(&db, "[{\"directory\": \"/\", \"file\": 5}]").unwrap();
    one_line_error(
        &mmlint(&["fix", "-p", db.to_str().unwrap()]),
        "entry 0: wrong shape",
    );
    one_line_error(
        &mmlint(&["fix", "--rule", "no-such-rule", DEMO]),
        "unknown rule 'no-such-rule' in --rule",
    );
}

fn lsp(stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mmlint"))
        .current_dir(root())
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn framed(json: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{json}", json.len()).into_bytes()
}

#[test]
fn lsp_on_garbage_or_a_closed_stdin_is_a_tool_error() {
    one_line_error(&lsp(b"hello world\n\n"), "lsp: stdio: malformed header");
    one_line_error(&lsp(&framed("{\"foo\": 1}")), "malformed LSP payload");
    one_line_error(
        &lsp(b""),
        "lsp: the client closed the connection before the initialize handshake ended",
    );
    let mut msgs =
        framed(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#);
    msgs.extend(framed(
        r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
    ));
    one_line_error(&lsp(&msgs), "the client closed the connection without exit");
}

#[test]
fn kbuild_mode_analyses_every_c_file_given() {
    let d = tempdir("bad-kbuild-two");
    let bad = broken_c(&d);
    let inc = inc();
    let o = mmlint_in(
        &root(),
        &[
            "-D__CHECKER__",
            "-nostdinc",
            &inc,
            DEMO,
            bad.to_str().unwrap(),
        ],
        &[],
    );
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("demo.c:30:25: warning:"), "{err}");
    assert!(
        err.contains("broken.c: error: clang could not parse"),
        "{err}"
    );
}

#[test]
fn kbuild_mode_option_mistakes_are_one_line() {
    let inc = inc();
    let args = ["-D__CHECKER__", "-nostdinc", &inc, DEMO];
    let with = |env: &[(&str, &str)], extra: &[&str]| {
        let mut a: Vec<&str> = extra.to_vec();
        a.extend_from_slice(&args);
        mmlint_in(&root(), &a, env)
    };
    one_line_error(
        &with(&[("MMLINT_FLAGS", "--colour")], &[]),
        "unknown option '--colour' in MMLINT_FLAGS",
    );
    one_line_error(
        &with(&[("MMLINT_FLAGS", "--summaries")], &[]),
        "--summaries=FILE (in MMLINT_FLAGS)",
    );
    // `--disable RULE` used to reach clang as two arguments and fail the file.
    one_line_error(
        &with(&[], &["--disable", "dangling-vma"]),
        "option '--disable' needs its value after '=': --disable=RULE",
    );
    one_line_error(
        &with(&[("MMLINT_SUMMARIES", "/no/such/summaries.json")], &[]),
        "/no/such/summaries.json: cannot read",
    );
}

#[test]
fn broken_settings_files_are_one_line() {
    let d = tempdir("bad-settings");
    let cases = [
        // toml's message for this spans two lines.
        (
            "header.toml",
            "[rules\ndisable = []\n",
            "line 1: invalid table header; expected",
        ),
        (
            "dirs.toml",
            "[rules]\nrules-dirs = [\"nodir\"]\n",
            "dirs.toml: rules-dirs: ",
        ),
    ];
    for (name, content, expected) in cases {
        let f = d.join(name);
        std::fs::write(&f, content).unwrap();
        let o = mmlint(&["check", "--config", f.to_str().unwrap(), DEMO]);
        one_line_error(&o, expected);
    }
    let rd = d.join("rules-dir");
    std::fs::create_dir_all(&rd).unwrap();
    std::fs::write(rd.join("a.toml"), "[gup\nx = 1\n").unwrap();
    let o = mmlint(&["check", "--rules-dir", rd.to_str().unwrap(), DEMO]);
    one_line_error(&o, "a.toml: line 1: invalid table header; expected");
}

#[test]
fn a_baseline_that_is_not_mmlints_is_refused() {
    let d = tempdir("bad-baseline");
    for (name, content, expected) in [
        ("runs.json", "{\"runs\": 5}", "\"runs\" is not an array"),
        // A summary file given by mistake used to be an empty baseline.
        (
            "summaries.json",
            "{\"format\":\"mmlint-summaries\",\"version\":1,\"functions\":{}}\n",
            "line 1: not mmlint JSON lines: no \"kind\"",
        ),
    ] {
        let f = d.join(name);
        std::fs::write(&f, content).unwrap();
        let o = mmlint(&["check", "--baseline", f.to_str().unwrap(), DEMO]);
        one_line_error(&o, expected);
    }
    // mmlint's own SARIF, invalid-suppression results (no fingerprint) included, is read.
    let sarif = d.join("run.sarif");
    let fixture = "testdata/rules/dangling-vma/suppressed.c";
    let inc = inc();
    let run = |extra: &[&str]| {
        let mut a = vec!["check", "--report-unused-suppressions", fixture];
        a.extend_from_slice(extra);
        a.extend_from_slice(&["--", "-nostdinc", &inc]);
        mmlint(&a)
    };
    let first = run(&["--format", "sarif", "--output", sarif.to_str().unwrap()]);
    assert_eq!(first.status.code(), Some(1), "{}", text(&first.stderr));
    let again = run(&["--baseline", sarif.to_str().unwrap()]);
    // Only the invalid suppression is left: it has no fingerprint to hide it by.
    assert_eq!(again.status.code(), Some(1), "{}", text(&again.stderr));
    let out = text(&again.stdout);
    assert!(out.contains("[invalid-suppression]"), "{out}");
    assert!(!out.contains("[dangling-vma]"), "{out}");
}

#[test]
fn printing_commands_do_not_panic_on_a_full_stdout() {
    let full = match std::fs::File::create("/dev/full") {
        Ok(f) => f,
        Err(_) => return, // not Linux
    };
    let inc = inc();
    for args in [
        vec!["rules"],
        vec!["explain", "dangling-vma"],
        vec!["dump-cfg", DEMO, "--", "-nostdinc", &inc],
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_mmlint"))
            .current_dir(root())
            .args(&args)
            .stdout(full.try_clone().unwrap())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        one_line_error(&o, "stdout: No space left on device");
    }
}

#[test]
fn dump_cfg_of_a_file_that_does_not_parse_is_an_error() {
    let d = tempdir("bad-dump-cfg");
    let bad = broken_c(&d);
    let o = mmlint(&["dump-cfg", bad.to_str().unwrap()]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("could not parse this file (1 error; first: "),
        "{err}"
    );
}
