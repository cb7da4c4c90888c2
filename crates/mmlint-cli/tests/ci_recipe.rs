//! The README's GitHub code scanning workflow: its commands, read from the README, run on
//! the prepared Linux 6.1 tree (skipped with a message when the tree is absent).
//!
//! What is not run, and why, is listed in the README under the workflow. The tree is
//! shared with other runs, so the steps that write files next to the sources run in a
//! scratch directory that links to every top-level entry of the tree: the workflow's
//! checkout, as far as those steps can tell, but with its own compile_commands.json and
//! mmlint.sarif.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{kernel_tree, root, tempdir, text};

const EXE: &str = env!("CARGO_BIN_EXE_mmlint");

/// The `run:` commands of the README's workflow, in order.
fn recipe_commands() -> Vec<String> {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find("### GitHub code scanning")
        .expect("README.md has a '### GitHub code scanning' section");
    let rest = &readme[start..];
    let open = rest
        .find("```yaml\n")
        .expect("the section has a ```yaml block");
    let body = &rest[open + 8..];
    let body = &body[..body.find("```").unwrap()];
    let mut cmds = Vec::new();
    for l in body.lines() {
        if let Some(c) = l.trim_start().strip_prefix("- run:") {
            let c = c.trim();
            assert!(
                !c.is_empty() && !c.starts_with('|') && !c.starts_with('>'),
                "tests/ci_recipe.rs reads one-line `run:` steps only: {l}"
            );
            cmds.push(c.to_string());
        }
    }
    assert!(!cmds.is_empty(), "no `run:` steps in the workflow");
    cmds
}

fn bash(dir: &Path, path: Option<&str>, script: &str) -> Output {
    let mut c = Command::new("bash");
    c.current_dir(dir).args(["-c", script]);
    if let Some(p) = path {
        c.env("PATH", p);
    }
    c.env_remove("MMLINT_FLAGS");
    c.output().unwrap()
}

fn ok(o: &Output, what: &str) {
    assert!(
        o.status.success(),
        "{what}: exit {:?}\n{}{}",
        o.status.code(),
        text(&o.stdout),
        text(&o.stderr)
    );
}

/// The packages the workflow installs exist in Debian bookworm (the container it names).
#[test]
fn the_recipes_packages_exist_in_debian() {
    let cmds = recipe_commands();
    let apt = cmds
        .iter()
        .find(|c| c.contains("apt-get install"))
        .expect("the workflow installs its packages with apt-get");
    let pkgs: Vec<&str> = apt
        .split("apt-get install")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .filter(|w| !w.starts_with('-'))
        .collect();
    assert!(pkgs.contains(&"libclang1-19"), "{pkgs:?}");
    if Command::new("apt-cache").arg("--version").output().is_err() {
        eprintln!("skipping the package check: no apt-cache (not Debian)");
        return;
    }
    let known = |pkgs: &[&str]| {
        Command::new("apt-cache")
            .args(["show", "--no-all-versions"])
            .args(pkgs)
            .output()
            .unwrap()
            .status
            .success()
    };
    if !known(&pkgs) {
        let unknown: Vec<&str> = pkgs.into_iter().filter(|p| !known(&[p])).collect();
        panic!("apt-cache does not know {unknown:?} (run apt-get update?)");
    }
}

#[test]
fn the_recipes_commands_run_on_the_prepared_tree() {
    let tree = kernel_tree();
    if !tree.join(".config").is_file() || !tree.join("mm/built-in.a").is_file() {
        eprintln!(
            "skipping the_recipes_commands_run_on_the_prepared_tree: no built tree at {} (run ../shared/kernel-corpus/prepare.sh --dirs mm)",
            tree.display()
        );
        return;
    }
    let w = tempdir("ci-recipe");
    let dest = w.join("dest");
    let checkout = w.join("linux");
    std::fs::create_dir(&checkout).unwrap();
    for e in std::fs::read_dir(&tree).unwrap() {
        let name = e.unwrap().file_name();
        if name != "compile_commands.json" && !name.to_string_lossy().starts_with('.') {
            std::os::unix::fs::symlink(tree.join(&name), checkout.join(&name)).unwrap();
        }
    }
    let db = checkout.join("compile_commands.json");
    let sarif = checkout.join("mmlint.sarif");
    let path = format!(
        "{}:{}",
        dest.join("usr/local/bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // prepare.sh's lock: builds hold it shared, so that no one reconfigures under them.
    let lock = tree.join(".mmlint/lock");
    let mut ran = Vec::new();
    let mut check_out = None;
    for cmd in recipe_commands() {
        if cmd.contains("apt-get install") {
            // the_recipes_packages_exist_in_debian
        } else if cmd.contains("sh.rustup.rs") || cmd == "make defconfig" {
            // Not run: see the README.
        } else if cmd.contains("make -C .mmlint install") {
            // The checkout is this repository; the binary is the one under test (`-o`: make
            // must not run cargo inside cargo test).
            let c = format!(
                "{} DESTDIR={} MMLINT={EXE} -o {EXE}",
                cmd.replace(".mmlint", root().to_str().unwrap()),
                dest.display()
            );
            ok(&bash(&w, None, &c), &c);
            ran.push(cmd);
        } else if cmd.starts_with("make ") {
            assert!(!cmd.contains('\''), "{cmd}");
            let c = if lock.exists() {
                format!("flock -s {} bash -c '{cmd}'", lock.display())
            } else {
                cmd.clone()
            };
            ok(&bash(&tree, None, &c), &c);
            ran.push(cmd);
        } else if cmd.contains("gen_compile_commands.py") {
            // The script does not follow the links, so it is shown the tree's .cmd files.
            let c = format!("{cmd} -d {}", tree.display());
            ok(&bash(&checkout, None, &c), &c);
            ran.push(cmd);
        } else if cmd.starts_with("mmlint ") {
            let o = bash(
                &checkout,
                Some(&path),
                &format!("command -v mmlint && {cmd}"),
            );
            let c = cmd.clone();
            ok(&o, &c);
            assert_eq!(
                text(&o.stdout).trim(),
                dest.join("usr/local/bin/mmlint").to_str().unwrap(),
                "the installed mmlint runs"
            );
            check_out = Some(o);
            ran.push(cmd);
        } else {
            panic!("the workflow has a step tests/ci_recipe.rs does not know: {cmd}\nteach the test to run it, or say in the README why it is not run");
        }
    }
    eprintln!("ran: {ran:#?}");
    let check_out = check_out.expect("the workflow runs mmlint check");

    // The database covers the directory that was built, and mmlint analysed all of it.
    let entries: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&db).unwrap()).unwrap();
    let mm_units: BTreeSet<PathBuf> = entries
        .iter()
        .filter_map(|e| e["file"].as_str())
        .map(|f| tree.join(f))
        .filter(|f| {
            f.strip_prefix(&tree).is_ok_and(|r| r.starts_with("mm"))
                && f.extension().is_some_and(|x| x == "c")
        })
        .collect();
    assert!(
        mm_units.len() > 50,
        "{} mm/ units in the database",
        mm_units.len()
    );
    let err = text(&check_out.stderr);
    let want = format!("mmlint: {n} TUs in ", n = mm_units.len());
    assert!(err.contains(&want), "wants '{want}':\n{err}");
    // Every unit is analysed or skipped by the unit prefilter (its text cannot reach the
    // API), none failed.
    let line = err.lines().find(|l| l.contains(" TUs in ")).unwrap_or("");
    let count = |what: &str| -> usize {
        line.split([':', ','])
            .find_map(|p| p.trim().strip_suffix(what))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(0)
    };
    assert_eq!(
        count("analyzed") + count("skipped (cannot reach the API)"),
        mm_units.len(),
        "{err}"
    );
    assert!(line.ends_with(" 0 failed"), "{err}");

    // The SARIF has findings (6.1 mm/ has some, docs/triage/linux-6.1.md), located in mm/
    // by paths relative to the tree, as code scanning needs them.
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty(), "no results in the SARIF");
    for r in results {
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap_or_default();
        assert!(
            uri.starts_with("mm/") || uri.starts_with("include/"),
            "not a tree-relative path: {uri}"
        );
    }
}
