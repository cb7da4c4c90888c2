//! Summaries across files: `mmlint summarize` writes them, `check --summaries` and Kbuild's
//! CHECK mode (`MMLINT_SUMMARIES`) apply them. The expected findings are the `// expect:`
//! marks of testdata/summaries/drv_user.c.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::{root, tempdir, text};

fn mmlint(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mmlint"))
        .current_dir(root())
        .args(args)
        .env_remove("MMLINT_FLAGS")
        .env_remove("MMLINT_SUMMARIES")
        .envs(env.iter().copied())
        .output()
        .expect("mmlint runs")
}

const USER: &str = "testdata/summaries/drv_user.c";

/// (line, rule) of the marks in `file`.
fn marks(file: &str) -> BTreeSet<(u32, String)> {
    let src = std::fs::read_to_string(root().join(file)).unwrap();
    src.lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let rule = l.split("// expect: ").nth(1)?;
            Some((i as u32 + 1, rule.trim().to_string()))
        })
        .collect()
}

/// (line, rule) of the gcc-style warnings and errors about `file` in `out`.
fn reported(out: &str, file: &str) -> BTreeSet<(u32, String)> {
    out.lines()
        .filter_map(|l| {
            let rest = l.strip_prefix(file)?.strip_prefix(':')?;
            if !l.contains(": warning: ") && !l.contains(": error: ") {
                return None;
            }
            let line = rest.split(':').next()?.parse().ok()?;
            let rule = l.rsplit_once('[')?.1.trim_end_matches(']');
            Some((line, rule.to_string()))
        })
        .collect()
}

fn summarize(out: &Path) -> Output {
    mmlint(
        &[
            "summarize",
            "testdata/summaries/drv_mm.c",
            "-o",
            out.to_str().unwrap(),
            "--",
            "-nostdinc",
            "-Itestdata/include",
        ],
        &[],
    )
}

#[test]
fn summary_file_makes_helpers_in_another_file_known() {
    let d = tempdir("summaries-check");
    let file = d.join("drv.summaries.json");
    let o = summarize(&file);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("function summaries from 1 units"));

    let with = mmlint(
        &[
            "check",
            "--summaries",
            file.to_str().unwrap(),
            USER,
            "--",
            "-nostdinc",
            "-Itestdata/include",
        ],
        &[],
    );
    assert_eq!(with.status.code(), Some(1), "{}", text(&with.stderr));
    assert_eq!(reported(&text(&with.stdout), USER), marks(USER));

    // The same file alone: the helpers are unknown calls and nothing is reported.
    let without = mmlint(
        &["check", USER, "--", "-nostdinc", "-Itestdata/include"],
        &[],
    );
    assert_eq!(without.status.code(), Some(0), "{}", text(&without.stdout));
}

#[test]
fn static_helpers_stay_out_of_the_file_but_their_callers_summaries_use_them() {
    let d = tempdir("summaries-static");
    let file = d.join("s.json");
    assert!(summarize(&file).status.success());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let names: BTreeSet<&str> = json["functions"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        names,
        BTreeSet::from([
            "drv_lock",
            "drv_pin_fast",
            "drv_pin_range",
            "drv_reset",
            "drv_unlock",
            "drv_vma",
            "drv_wait"
        ])
    );
}

#[test]
fn kbuild_check_mode_reads_the_summary_file_from_the_environment() {
    let d = tempdir("summaries-kbuild");
    let file = d.join("s.json");
    assert!(summarize(&file).status.success());
    let args = ["-nostdinc", "-Itestdata/include", USER];
    let o = mmlint(&args, &[("MMLINT_SUMMARIES", file.to_str().unwrap())]);
    assert_eq!(o.status.code(), Some(0), "findings do not fail the build");
    assert_eq!(reported(&text(&o.stderr), USER), marks(USER));
    let flag = format!("--summaries={}", file.display());
    let o = mmlint(&args, &[("MMLINT_FLAGS", flag.as_str())]);
    assert_eq!(reported(&text(&o.stderr), USER), marks(USER));
}

#[test]
fn summarize_with_a_compile_commands_json() {
    let d = tempdir("summaries-compdb");
    let inc = root().join("testdata/include");
    let src = root().join("testdata/summaries/drv_mm.c");
    let db = serde_json::json!([{
        "directory": d.display().to_string(),
        "file": src.display().to_string(),
        "arguments": ["gcc", "-nostdinc", format!("-I{}", inc.display()), "-c", src.display().to_string()],
    }]);
    std::fs::write(d.join("compile_commands.json"), db.to_string()).unwrap();
    let out = d.join("s.json");
    let o = mmlint(
        &[
            "summarize",
            "-p",
            d.join("compile_commands.json").to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .contains("\"drv_wait\""));
}

#[test]
fn bad_summary_files_are_one_line_errors() {
    let d = tempdir("summaries-bad");
    let cases = [
        ("broken.json", "{not json", "not valid JSON"),
        (
            "other.json",
            "{\"functions\": {}}",
            "not an mmlint summary file",
        ),
        (
            "old.json",
            "{\"format\": \"mmlint-summaries\", \"version\": 0, \"functions\": {}}",
            "run `mmlint summarize` again",
        ),
    ];
    for (name, content, expected) in cases {
        let f = d.join(name);
        std::fs::write(&f, content).unwrap();
        let o = mmlint(
            &[
                "check",
                "--summaries",
                f.to_str().unwrap(),
                USER,
                "--",
                "-nostdinc",
                "-Itestdata/include",
            ],
            &[],
        );
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(err.contains(expected), "{name}: {err}");
    }
    let o = mmlint(&["check", "--summaries", "no/such/file.json", USER], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("cannot read"));
}
