//! `mmlint fix`: the patches it prints for the gup-vmas-migration fixtures (snapshots next
//! to them, `<name>.c.diff`; `MMLINT_BLESS=1 cargo test -p mmlint-cli --test fix` rewrites
//! them), and that the patched fixtures build against the Linux 6.5 GUP signatures
//! (`-DMMLINT_GUP_6_5` in the simulated headers) when the unpatched ones do not.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;
use common::{root, tempdir, text};

const DIR: &str = "testdata/rules/gup-vmas-migration";

fn mmlint_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mmlint"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("mmlint runs")
}

fn fix(dir: &Path, files: &[&str], extra: &[&str]) -> Output {
    let inc = format!("-I{}", root().join("testdata/include").display());
    let mut args = vec!["fix", "--rule", "gup-vmas-migration"];
    args.extend_from_slice(extra);
    args.extend_from_slice(files);
    args.extend_from_slice(&["--", "-nostdinc", &inc]);
    mmlint_in(dir, &args)
}

fn fixtures() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root().join(DIR))
        .unwrap()
        .filter_map(|e| {
            let n = e.ok()?.file_name().to_string_lossy().to_string();
            n.ends_with(".c").then(|| format!("{DIR}/{n}"))
        })
        .collect();
    v.sort();
    v
}

#[test]
fn patches_match_their_snapshots() {
    let bless = std::env::var_os("MMLINT_BLESS").is_some();
    let files = fixtures();
    assert!(files.len() >= 5, "{files:?}");
    let mut stale = Vec::new();
    for f in &files {
        let o = fix(&root(), &[f], &[]);
        assert_eq!(o.status.code(), Some(0), "{f}: {}", text(&o.stderr));
        let got = text(&o.stdout);
        let snap = root().join(format!("{f}.diff"));
        if bless {
            std::fs::write(&snap, &got).unwrap();
        } else if std::fs::read_to_string(&snap).ok().as_deref() != Some(got.as_str()) {
            stale.push(format!("{}:\n{got}", snap.display()));
        }
    }
    assert!(
        stale.is_empty(),
        "patches differ from their snapshots (MMLINT_BLESS=1 to accept):\n{}",
        stale.join("\n")
    );
}

#[test]
fn findings_without_a_rewrite_are_listed_not_patched() {
    let o = fix(&root(), &[&format!("{DIR}/array.c")], &[]);
    assert!(o.stdout.is_empty(), "{}", text(&o.stdout));
    let err = text(&o.stderr);
    assert!(
        err.contains("1 finding(s) without an automatic fix"),
        "{err}"
    );
    assert!(err.contains("no mechanical rewrite"), "{err}");
}

/// Clang's errors for `file` built against the 6.5 signatures.
fn errors_with_6_5(file: &Path) -> Vec<String> {
    let args = [
        "-nostdinc".to_string(),
        format!("-I{}", root().join("testdata/include").display()),
        "-DMMLINT_GUP_6_5".to_string(),
    ];
    let tu = mmlint_frontend::parse_file(file, &args).expect("clang parses");
    tu.errors.iter().map(|e| e.message.clone()).collect()
}

/// Copies `files` (relative to the root) into a fresh tree.
fn copy_tree(name: &str, files: &[&str]) -> PathBuf {
    let d = tempdir(name);
    for f in files {
        let to = d.join(f);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(root().join(f), &to).unwrap();
    }
    d
}

#[test]
fn patched_fixtures_build_against_the_6_5_signatures() {
    // Every fixture whose calls all have a rewrite (the others keep a 'vmas' by design).
    let files: Vec<String> = [
        "null.c",
        "one_vma.c",
        "arm64_mte.c",
        "powerpc_iommu_api.c",
        "s390_kvm_interrupt.c",
    ]
    .iter()
    .map(|f| format!("{DIR}/{f}"))
    .collect();
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    for f in &files {
        assert!(
            !errors_with_6_5(&root().join(f)).is_empty(),
            "{f} builds against 6.5 before the fix: the test would prove nothing"
        );
    }
    let o = fix(&root(), &files, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));

    // patch -p1 from the root of a copy, as a kernel developer would.
    let tree = copy_tree("fix-patch", &files);
    let mut p = Command::new("patch")
        .args(["-p1", "--no-backup-if-mismatch", "-d"])
        .arg(&tree)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("patch(1) is installed (make deps)");
    use std::io::Write;
    p.stdin.take().unwrap().write_all(&o.stdout).unwrap();
    let res = p.wait_with_output().unwrap();
    assert!(res.status.success(), "patch failed: {}", text(&res.stdout));

    // --apply writes the same files.
    let applied = copy_tree("fix-apply", &files);
    let o = fix(&applied, &files, &["--apply"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    for f in &files {
        let patched = std::fs::read_to_string(tree.join(f)).unwrap();
        assert_eq!(
            patched,
            std::fs::read_to_string(applied.join(f)).unwrap(),
            "{f}"
        );
        assert_ne!(patched, std::fs::read_to_string(root().join(f)).unwrap());
        let errs = errors_with_6_5(&tree.join(f));
        assert!(errs.is_empty(), "{f} after the fix: {errs:?}");
    }
    let _ = std::fs::remove_dir_all(&tree);
    let _ = std::fs::remove_dir_all(&applied);
}

#[test]
fn unknown_rule_is_a_usage_error() {
    let o = mmlint_in(&root(), &["fix", "--rule", "nope", "x.c"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("unknown rule 'nope'"));
}

/// Applies SARIF `fixes[]` (ASCII files: SARIF's UTF-16 columns are byte columns).
fn apply_sarif_fixes(text: &str, sarif: &serde_json::Value) -> String {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let off = |line: &serde_json::Value, col: &serde_json::Value| {
        starts[line.as_u64().unwrap() as usize - 1] + col.as_u64().unwrap() as usize - 1
    };
    let mut reps = Vec::new();
    for r in sarif["runs"][0]["results"].as_array().unwrap() {
        for f in r["fixes"].as_array().into_iter().flatten() {
            for c in f["artifactChanges"].as_array().unwrap() {
                for rep in c["replacements"].as_array().unwrap() {
                    let d = &rep["deletedRegion"];
                    let start = off(&d["startLine"], &d["startColumn"]);
                    let end = off(&d["endLine"], &d["endColumn"]);
                    let ins = rep["insertedContent"]["text"].as_str().unwrap().to_string();
                    reps.push((start, end, ins));
                }
            }
        }
    }
    reps.sort();
    let mut out = String::new();
    let mut at = 0;
    for (s, e, ins) in reps {
        out.push_str(&text[at..s]);
        out.push_str(&ins);
        at = e;
    }
    out.push_str(&text[at..]);
    out
}

#[test]
fn sarif_carries_the_same_edits() {
    let inc = format!("-I{}", root().join("testdata/include").display());
    for name in ["null.c", "one_vma.c"] {
        let f = format!("{DIR}/{name}");
        let o = mmlint_in(
            &root(),
            &[
                "check",
                "--format",
                "sarif",
                "--enable",
                "gup-vmas-migration",
                "--disable",
                "dangling-vma",
                &f,
                "--",
                "-nostdinc",
                &inc,
            ],
        );
        assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
        let sarif: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let original = std::fs::read_to_string(root().join(&f)).unwrap();
        let via_sarif = apply_sarif_fixes(&original, &sarif);
        let tree = copy_tree(&format!("fix-sarif-{name}"), &[&f]);
        let a = fix(&tree, &[&f], &["--apply"]);
        assert_eq!(a.status.code(), Some(0), "{}", text(&a.stderr));
        let applied = std::fs::read_to_string(tree.join(&f)).unwrap();
        assert_ne!(applied, original);
        assert_eq!(via_sarif, applied, "{f}");
        let _ = std::fs::remove_dir_all(&tree);
    }
}

#[test]
fn the_rule_is_off_until_enabled() {
    let inc = format!("-I{}", root().join("testdata/include").display());
    let f = format!("{DIR}/null.c");
    let run = |extra: &[&str]| {
        let mut args = vec!["check", "--format", "gcc"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&[&f, "--", "-nostdinc", &inc]);
        mmlint_in(&root(), &args)
    };
    let off = run(&[]);
    assert_eq!(off.status.code(), Some(0), "{}", text(&off.stdout));
    let on = run(&["--enable", "gup-vmas-migration"]);
    assert_eq!(on.status.code(), Some(1));
    let out = text(&on.stdout);
    assert_eq!(out.matches("[gup-vmas-migration]").count(), 5, "{out}");
    assert!(
        out.contains(": note: get_user_pages_remote() passes NULL for 'vmas'"),
        "{out}"
    );
    // --disable wins over --enable.
    let both = run(&[
        "--enable",
        "gup-vmas-migration",
        "--disable",
        "gup-vmas-migration",
    ]);
    assert_eq!(both.status.code(), Some(0));
    let bad = run(&["--enable", "nope"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("unknown rule 'nope' in --enable"));
    // mmlint.toml can turn it on.
    let dir = tempdir("fix-enable-toml");
    std::fs::write(
        dir.join("mmlint.toml"),
        "[rules]\nenable = [\"gup-vmas-migration\"]\n",
    )
    .unwrap();
    let cfg = dir.join("mmlint.toml").display().to_string();
    let via_toml = run(&["--config", &cfg]);
    assert_eq!(
        via_toml.status.code(),
        Some(1),
        "{}",
        text(&via_toml.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
    let rules = text(&mmlint_in(&root(), &["rules"]).stdout);
    let line = rules
        .lines()
        .find(|l| l.starts_with("gup-vmas-migration"))
        .unwrap();
    assert!(line.contains("note (off)"), "{line}");
    assert!(!rules
        .lines()
        .any(|l| l.starts_with("dangling-vma") && l.contains("(off)")));
}

#[test]
fn patch_paths_are_relative_to_the_compile_commands_directory() {
    let d = tempdir("fix-compdb");
    let src = d.join("drivers/x");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::copy(root().join(DIR).join("null.c"), src.join("null.c")).unwrap();
    let inc = root().join("testdata/include").display().to_string();
    let db = format!(
        r#"[{{"directory": "{}", "file": "{}/drivers/x/null.c", "command": "gcc -nostdinc -I{inc} -c -o drivers/x/null.o drivers/x/null.c"}}]"#,
        d.display(),
        d.display()
    );
    std::fs::write(d.join("compile_commands.json"), db).unwrap();
    let cwd = std::env::temp_dir();
    let o = mmlint_in(
        &cwd,
        &[
            "fix",
            "--rule",
            "gup-vmas-migration",
            "-p",
            &d.join("compile_commands.json").display().to_string(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let patch = text(&o.stdout);
    assert!(
        patch.starts_with("--- a/drivers/x/null.c\n+++ b/drivers/x/null.c\n"),
        "{patch}"
    );
    let res = Command::new("patch")
        .args(["-p1", "--dry-run", "-d"])
        .arg(&d)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut p| {
            use std::io::Write;
            p.stdin.take().unwrap().write_all(patch.as_bytes())?;
            p.wait_with_output()
        })
        .unwrap();
    assert!(res.status.success(), "{}", text(&res.stdout));
    let _ = std::fs::remove_dir_all(&d);
}

/// An editor's unsaved buffer (LSP): fixes are computed on the buffer, not the file on disk.
#[test]
fn fixes_follow_an_unsaved_buffer() {
    let path = root().join(DIR).join("null.c");
    let disk = std::fs::read_to_string(&path).unwrap();
    let buffer = format!("/* two lines\n   added */\n{disk}");
    let mut cfg = mmlint_driver::Config::new(mmlint_rules::ApiDb::builtin().unwrap());
    cfg.clang_args = vec![
        "-nostdinc".into(),
        format!("-I{}", root().join("testdata/include").display()),
    ];
    cfg.enabled = vec!["gup-vmas-migration".into()];
    let mmlint_driver::FileOutcome::Analyzed { diagnostics, .. } =
        mmlint_driver::analyze_source(&path, &buffer, &cfg)
    else {
        panic!("null.c does not parse");
    };
    let src = mmlint_diagnostics::SourceFile::new(path.display().to_string(), buffer.clone());
    let edits: Vec<&mmlint_diagnostics::Edit> = diagnostics
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .flat_map(|f| &f.edits)
        .collect();
    assert_eq!(edits.len(), 5);
    let fixed = src.apply(&edits).unwrap();
    assert!(fixed.starts_with("/* two lines\n   added */\n"));
    assert!(!fixed.contains("NULL, NULL"), "{fixed}");
    assert!(fixed.contains("get_user_pages(addr, 1, flags, NULL) == -EHWPOISON"));
}
