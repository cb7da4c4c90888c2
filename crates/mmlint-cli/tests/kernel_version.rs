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

/// A directory laid out as a prepared kernel tree (its version header) holding a copy of
/// the 6.12 munmap fixture, whose reports differ between 6.1 and 6.12 data.
fn fake_tree(name: &str, version: (u32, u32, u32)) -> std::path::PathBuf {
    let dir = tempdir(name);
    let h = dir.join("include/generated/uapi/linux/version.h");
    std::fs::create_dir_all(h.parent().unwrap()).unwrap();
    let (a, b, c) = version;
    std::fs::write(
        &h,
        format!(
            "#define LINUX_VERSION_CODE {}\n#define LINUX_VERSION_MAJOR {a}\n#define LINUX_VERSION_PATCHLEVEL {b}\n#define LINUX_VERSION_SUBLEVEL {c}\n",
            (a << 16) + (b << 8) + c.min(255)
        ),
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("mm")).unwrap();
    std::fs::copy(
        root().join("testdata/rules/mmap-lock-leak/munmap_unlock_6_12.c"),
        dir.join("mm/munmap.c"),
    )
    .unwrap();
    dir
}

/// The lines reported in the fixture, gcc format.
fn reported_lines(out: &str) -> Vec<u32> {
    let mut v: Vec<u32> = out
        .lines()
        .filter(|l| l.contains(": warning: ") || l.contains(": error: "))
        .filter_map(|l| l.split(':').nth(1)?.parse().ok())
        .collect();
    v.dedup();
    v
}

/// What the fixture's marks say for a version: `// expect:` and `// expect@V:` lines.
fn marked_lines(version: &str) -> Vec<u32> {
    let src =
        std::fs::read_to_string(root().join("testdata/rules/mmap-lock-leak/munmap_unlock_6_12.c"))
            .unwrap();
    let ours = format!("// expect@{version}:");
    src.lines()
        .enumerate()
        .filter(|(_, l)| l.contains("// expect:") || l.contains(&ours))
        .map(|(i, _)| i as u32 + 1)
        .collect()
}

#[test]
fn the_tree_version_header_selects_the_data() {
    let inc = format!("-I{}", root().join("testdata/include").display());
    for ((a, b, c), marks) in [((6, 12, 118), "6.12"), ((6, 1, 192), "6.1")] {
        let dir = fake_tree(&format!("kv-tree-{a}-{b}"), (a, b, c));
        // A compile database at the tree's root: the header is found from it.
        let db = format!(
            "[{{\"directory\": \"{}\", \"file\": \"mm/munmap.c\", \"arguments\": [\"cc\", \"-nostdinc\", \"{inc}\", \"-c\", \"mm/munmap.c\"]}}]",
            dir.display()
        );
        std::fs::write(dir.join("compile_commands.json"), db).unwrap();
        let o = mmlint_in(
            &std::env::temp_dir(),
            &[
                "check",
                "-p",
                dir.join("compile_commands.json").to_str().unwrap(),
                "-j",
                "1",
                "--format",
                "gcc",
            ],
        );
        let err = text(&o.stderr);
        assert!(
            err.contains(&format!("rules data for Linux {a}.{b}.{c} (")),
            "{err}"
        );
        assert_eq!(
            reported_lines(&text(&o.stdout)),
            marked_lines(marks),
            "{err}"
        );

        // Kbuild's CHECK runs at the tree's root.
        let o = mmlint_in(&dir, &["-nostdinc", &inc, "mm/munmap.c"]);
        assert_eq!(reported_lines(&text(&o.stderr)), marked_lines(marks));

        // --kernel-version wins over the header, and so does mmlint.toml.
        let other = if marks == "6.1" { "6.12" } else { "6.1" };
        let o = mmlint_in(
            &dir,
            &[
                "check",
                "--kernel-version",
                other,
                "mm/munmap.c",
                "--",
                "-nostdinc",
                &inc,
            ],
        );
        assert_eq!(reported_lines(&text(&o.stdout)), marked_lines(other));
        std::fs::write(
            dir.join("mmlint.toml"),
            format!("kernel_version = \"{other}\"\n"),
        )
        .unwrap();
        let o = mmlint_in(&dir, &["check", "mm/munmap.c", "--", "-nostdinc", &inc]);
        assert_eq!(reported_lines(&text(&o.stdout)), marked_lines(other));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
