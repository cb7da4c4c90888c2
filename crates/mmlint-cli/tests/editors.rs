//! The Vim (ALE) and Emacs (eglot) set-ups of docs/editors.md, run headless on a fixture.
//! CI does not install these editors: each test runs when its editor and plugin are
//! installed (Debian `vim` + `vim-ale`; `emacs-nox` + `elpa-eglot`) and is skipped with a
//! message otherwise. The Neovim test (neovim.rs) is the one CI runs.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{expect_marks, fixture_project, isolate_editor, root};

const FIXTURE: &str = "testdata/rules/dangling-vma/callee_release.c";

/// PATH with the built mmlint first, so the documented `mmlint` command is this one.
fn path_with_mmlint() -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_mmlint")).parent().unwrap();
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// Runs the editor (stdout is a pipe: Vim quits at once when it is a file) and returns
/// the lines it wrote to MMLINT_OUT.
fn run(mut cmd: Command, dir: &Path, file: &Path) -> Vec<String> {
    let out = dir.join("editor-out.txt");
    isolate_editor(&mut cmd, dir);
    let mut child = cmd
        .current_dir(dir)
        .env("PATH", path_with_mmlint())
        .env("MMLINT_FILE", file)
        .env("MMLINT_OUT", &out)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the editor");
    let mut stdout = child.stdout.take().unwrap();
    let drain = std::thread::spawn(move || {
        let mut sink = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stdout, &mut sink);
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the editor did not finish");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let _ = drain.join();
    let mut err = String::new();
    let _ = std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err);
    assert!(status.success(), "editor failed ({status}): {err}");
    std::fs::read_to_string(&out)
        .unwrap_or_else(|e| panic!("no result file ({e}): {err}"))
        .lines()
        .map(String::from)
        .collect()
}

/// (line, rule) from lines "LINE ... [rule] ..." or "LINE rule ...".
fn found(lines: &[String], rule_at: impl Fn(&str) -> Option<String>) -> BTreeSet<(u32, String)> {
    lines
        .iter()
        .map(|l| {
            let (n, rest) = l.split_once(' ').unwrap();
            (
                n.parse().unwrap(),
                rule_at(rest).unwrap_or_else(|| panic!("{l}")),
            )
        })
        .collect()
}

#[test]
fn vim_ale_shows_the_fixture_findings() {
    let ale = Path::new("/usr/share/vim/vimfiles/pack/dist-bundle/opt/ale");
    if Command::new("vim").arg("--version").output().is_err() || !ale.exists() {
        eprintln!("skipped: vim or the vim-ale package is not installed");
        return;
    }
    let (dir, file, src) = fixture_project("vim-ale", FIXTURE);
    let script = root().join("crates/mmlint-cli/tests/editors/ale.vim");
    let mut cmd = Command::new("vim");
    cmd.args(["-N", "-i", "NONE", "--not-a-term", "-u"])
        .arg(script)
        .arg(&file);
    let lines = run(cmd, &dir, &file);
    let got = found(&lines, |rest| rest.split(' ').next().map(String::from));
    assert_eq!(got, expect_marks(&src), "{lines:#?}");
}

#[test]
fn emacs_eglot_shows_the_fixture_findings() {
    let has_eglot = Command::new("emacs")
        .args([
            "--batch",
            "--eval",
            "(progn (package-initialize) (require 'eglot))",
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_eglot {
        eprintln!("skipped: emacs or eglot (Debian elpa-eglot) is not installed");
        return;
    }
    let (dir, file, src) = fixture_project("emacs-eglot", FIXTURE);
    let script = root().join("crates/mmlint-cli/tests/editors/eglot.el");
    let mut cmd = Command::new("emacs");
    cmd.args(["--batch", "-l"]).arg(script);
    let lines = run(cmd, &dir, &file);
    let got = found(&lines, |rest| {
        let open = rest.find('[')?;
        let close = rest[open..].find(']')? + open;
        Some(rest[open + 1..close].to_string())
    });
    assert_eq!(got, expect_marks(&src), "{lines:#?}");
}
