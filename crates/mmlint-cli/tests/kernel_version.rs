//! Which kernel the rules data is for: `--kernel-version`, mmlint.toml's `kernel_version`,
//! or the tree's include/generated/uapi/linux/version.h; and `mmlint rules --kernel-version`.

use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::{root, tempdir, text};

fn mmlint_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mmlint"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("mmlint runs")
}

#[test]
fn rules_lists_the_entries_of_a_kernel() {
    let o = mmlint_in(&root(), &["rules", "--kernel-version", "6.12"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let line = |kind: &str, name: &str| -> Vec<String> {
        out.lines()
            .filter(|l| {
                let mut w = l.split_whitespace();
                w.next() == Some(kind) && w.next() == Some(name)
            })
            .map(String::from)
            .collect()
    };
    assert_eq!(line("lock", "do_vmi_munmap").len(), 1, "{out}");
    assert!(line("lock", "mmap_write_trylock").is_empty(), "{out}");
    let longterm = line("gup", "__gup_longterm_locked");
    assert_eq!(longterm.len(), 1, "{out}");
    assert!(longterm[0].ends_with("6 args, locked = 4"), "{out}");

    let o = mmlint_in(&root(), &["rules", "--kernel-version", "6.1.192"]);
    let out = text(&o.stdout);
    assert!(out.contains("API data for Linux 6.1.192"), "{out}");
    assert!(!out.contains("do_vmi_munmap"), "{out}");
    assert!(
        out.lines().any(|l| l.starts_with("gup ")
            && l.contains("__gup_longterm_locked")
            && l.ends_with("6 args, vmas = 4")),
        "{out}"
    );
    // Without a version: the rules only, as before.
    let o = mmlint_in(&root(), &["rules"]);
    assert!(!text(&o.stdout).contains("API data"));
}

#[test]
fn a_bad_version_is_a_one_line_usage_error() {
    let o = mmlint_in(&root(), &["rules", "--kernel-version", "six"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("'six' is not a kernel version"),
        "{}",
        text(&o.stderr)
    );
    let dir = tempdir("kv-badtoml");
    std::fs::write(dir.join("mmlint.toml"), "kernel_version = \"6\"\n").unwrap();
    std::fs::write(dir.join("a.c"), "int f(void) { return 0; }\n").unwrap();
    let o = mmlint_in(&dir, &["check", "a.c"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("mmlint.toml") && err.contains("'6' is not a kernel version"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}
