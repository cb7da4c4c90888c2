//! The `mmlint` command as users and Kbuild see it: output, exit codes, bad input.

use std::process::{Command, Output};

mod common;
use common::root;

fn mmlint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mmlint"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("mmlint runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const INC: [&str; 3] = ["--", "-nostdinc", "-Itestdata/include"];

fn check(files: &[&str], extra: &[&str]) -> Output {
    let mut args = vec!["check"];
    args.extend_from_slice(extra);
    args.extend_from_slice(files);
    args.extend_from_slice(&INC);
    mmlint(&args)
}

/// The README's example is what mmlint prints, word for word: its command, run in the
/// repository root, writes exactly the lines under it.
#[test]
fn readme_example_is_the_demo_output() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let cmd = "$ mmlint check testdata/demo/demo.c -- -nostdinc -I testdata/include\n";
    let start = readme.find(cmd).expect("the README shows the demo command") + cmd.len();
    let shown = &readme[start..start + readme[start..].find("```").unwrap()];
    let o = mmlint(&[
        "check",
        "testdata/demo/demo.c",
        "--",
        "-nostdinc",
        "-I",
        "testdata/include",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), shown);
    // The VMA comes from pin_user_pages_remote()'s 'vmas' output: the note names that
    // function, not get_user_pages.
    assert!(
        shown.contains("(the 'vmas' array of pin_user_pages_remote())"),
        "{shown}"
    );
    let out = stdout(&check(&["testdata/rules/dangling-vma/gup_vmas.c"], &[]));
    for callee in ["get_user_pages()", "pin_user_pages()"] {
        assert!(
            out.contains(&format!(
                "obtained here (the 'vmas' array of {callee}), under"
            )),
            "{callee}: {out}"
        );
    }
}

#[test]
fn demo_reports_both_bugs_gcc_style_with_relative_paths() {
    let o = check(&["testdata/demo/demo.c"], &[]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("testdata/demo/demo.c:23:8: error: pin_user_pages_remote()"),
        "{out}"
    );
    assert!(lines[0].ends_with("[gup-vmas-unlockable]"), "{out}");
    assert_eq!(
        lines[1],
        "testdata/demo/demo.c:30:25: warning: VMA 'vma' used after mmap_lock of 'mm' was released [dangling-vma]"
    );
    assert!(
        lines[2].starts_with("testdata/demo/demo.c:23:8: note: 'vma' obtained here"),
        "{out}"
    );
    assert_eq!(
        lines[3],
        "testdata/demo/demo.c:23:8: note: lock released here"
    );
}

#[test]
fn exit_zero_turns_findings_into_success() {
    let o = check(&["testdata/demo/demo.c"], &["--exit-zero"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("[dangling-vma]"));
}

#[test]
fn clean_file_exits_zero_and_prints_nothing() {
    let o = check(
        &["testdata/rules/mmap-lock-mode-mismatch/modes.c"],
        &["--disable", "mmap-lock-mode-mismatch"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(stdout(&o), "");
}

#[test]
fn missing_file_is_an_error_and_other_files_are_still_analysed() {
    let o = check(&["no/such/file.c", "testdata/demo/demo.c"], &[]);
    assert_eq!(o.status.code(), Some(2));
    let out = stdout(&o);
    // Findings first, then the files that could not be analysed.
    assert!(
        out.lines()
            .any(|l| l.starts_with("no/such/file.c: error: file not found")),
        "{out}"
    );
    assert!(out.contains("[dangling-vma]"), "{out}");
}

#[test]
fn parse_error_shows_clangs_first_error_with_location() {
    let dir = std::env::temp_dir().join(format!("mmlint-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("broken.c");
    // It names the API in its code (a comment would not do), or the unit prefilter would
    // skip it unparsed.
    std::fs::write(
        &bad,
        "void mmap_read_lock(void *mm); int f(void) {\n  return 1 +;\n}\n",
    )
    .unwrap();
    let bad = bad.display().to_string();
    let o = check(&[&bad, "testdata/demo/demo.c"], &[]);
    assert_eq!(o.status.code(), Some(2));
    let out = stdout(&o);
    assert!(
        out.contains(&format!(
            "{bad}: error: clang could not parse this file (1 error)"
        )),
        "{out}"
    );
    assert!(out.contains(&format!("{bad}:2:")), "{out}");
    assert!(out.contains("[gup-vmas-unlockable]"), "{out}");
}

#[test]
fn unknown_rule_and_unknown_flag_are_usage_errors() {
    let o = mmlint(&["explain", "no-such-rule"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown rule 'no-such-rule'"));
    let o = mmlint(&["check", "--no-such-flag", "x.c"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn broken_rules_dir_is_a_one_line_error() {
    let dir = std::env::temp_dir().join(format!("mmlint-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("bad.toml"),
        "gup = [{ name = \"g\", args = 1, vmas_arg = 3 }]\n",
    )
    .unwrap();
    let d = dir.display().to_string();
    let o = check(&["testdata/demo/demo.c"], &["--rules-dir", &d]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("bad.toml: gup 'g' (1 args): vmas_arg = 3 is out of range"),
        "{err}"
    );
}

#[test]
fn rules_and_explain_list_the_six_rules() {
    let o = mmlint(&["rules"]);
    let out = stdout(&o);
    for id in [
        "dangling-vma",
        "gup-vmas-unlockable",
        "vma-without-mmap-lock",
        "mmap-lock-leak",
        "mmap-lock-unbalanced-unlock",
        "mmap-lock-mode-mismatch",
    ] {
        assert!(out.contains(id), "{out}");
        let e = mmlint(&["explain", id]);
        assert!(stdout(&e).starts_with(&format!("# {id}\n")));
    }
}

/// A header's static inline function is analysed in every file including it, but its
/// diagnostic is reported once per run.
#[test]
fn header_diagnostics_are_reported_once_per_run() {
    let dir = std::env::temp_dir().join(format!("mmlint-hdr-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("helper.h"),
        "#include <linux/mm.h>\nstatic inline unsigned long peek(struct mm_struct *mm, unsigned long a)\n{\n\tstruct vm_area_struct *vma;\n\tmmap_read_lock(mm);\n\tvma = find_vma(mm, a);\n\tmmap_read_unlock(mm);\n\treturn vma->vm_start;\n}\n",
    )
    .unwrap();
    for n in ["a.c", "b.c"] {
        std::fs::write(
            dir.join(n),
            "#include \"helper.h\"\nint use(struct mm_struct *mm) { return peek(mm, 0); }\n",
        )
        .unwrap();
    }
    let a = dir.join("a.c").display().to_string();
    let b = dir.join("b.c").display().to_string();
    let o = check(&[&a, &b], &[]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert_eq!(out.matches("[dangling-vma]").count(), 1, "{out}");
    assert!(out.contains("helper.h:8:"), "{out}");
}
