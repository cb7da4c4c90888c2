//! Choices of contract that live in the rules data: the same source reads differently when
//! a rules directory changes them.

use std::process::Command;

mod common;
use common::{root, tempdir, text};

const FIXTURE: &str = "testdata/semantics/gup_locked_kept.c";

fn run(extra: &[&str]) -> (Option<i32>, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_mmlint"))
        .current_dir(root())
        .arg("check")
        .args(extra)
        .args([FIXTURE, "--", "-nostdinc", "-Itestdata/include"])
        .output()
        .expect("mmlint runs");
    (o.status.code(), text(&o.stdout))
}

#[test]
fn gup_locked_kept_is_a_new_hold_only_when_the_data_says_so() {
    let (code, out) = run(&[]);
    assert_eq!(code, Some(0), "6.1 contract: clean, got {out}");

    let d = tempdir("semantics-strict");
    std::fs::write(d.join("strict.toml"), "locked_kept_is_new_hold = true\n").unwrap();
    let (code, out) = run(&["--rules-dir", d.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{out}");
    let src = std::fs::read_to_string(root().join(FIXTURE)).unwrap();
    let want: Vec<String> = src
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("// strict: dangling-vma"))
        .map(|(i, _)| format!("{FIXTURE}:{}:", i + 1))
        .collect();
    let got: Vec<&str> = out.lines().filter(|l| l.contains(": warning: ")).collect();
    assert_eq!(got.len(), want.len(), "{out}");
    for (g, w) in got.iter().zip(&want) {
        assert!(
            g.starts_with(w.as_str()) && g.ends_with("[dangling-vma]"),
            "{g}"
        );
    }
}
