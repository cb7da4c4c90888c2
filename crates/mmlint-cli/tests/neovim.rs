//! End to end with a real editor: Neovim headless, its built-in LSP client started as in
//! docs/editors.md (tests/nvim/diagnostics.lua), opening a fixture copied next to a
//! compile_commands.json. The diagnostics Neovim shows must be exactly the fixture's
//! `// expect:` marks, so a server that reports nothing fails.
//!
//! Neovim comes from the Debian package `neovim` (`make test` installs it). Without it this
//! test fails, unless MMLINT_SKIP_NVIM=1 says to skip it. The kernel test runs when the
//! prepared Linux 6.1 tree is present (see common::kernel_tree) and is skipped otherwise.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{expect_marks, fixture_project, isolate_editor, kernel_tree, root, tempdir};

/// What Neovim saw: (line, column, severity, code, related locations, message) per
/// diagnostic, the server's log lines, and the time from start-up to the first diagnostics.
struct Seen {
    diags: Vec<(u32, u32, u32, String, usize, String)>,
    logs: Vec<String>,
    elapsed_ms: u64,
    filetype: String,
    /// With the suppression code action applied: the inserted line, and the findings after.
    inserted: Option<String>,
    after: Vec<(u32, String)>,
    /// With the fix code action applied: its title, and the buffer's lines after.
    fix_title: Option<String>,
    buffer: Vec<String>,
}

/// A code action to apply to the first finding once the diagnostics are in.
#[derive(PartialEq)]
enum Then {
    Nothing,
    SuppressFirst,
    /// The fix of the finding on this 1-based line.
    FixLine(u32),
}

fn nvim_available() -> bool {
    Command::new("nvim")
        .arg("--version")
        // Not even the log file in the user's ~/.cache (see common::isolate_editor).
        .env("NVIM_LOG_FILE", "/dev/null")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// None when the test is to be skipped (no nvim and MMLINT_SKIP_NVIM=1).
fn require_nvim() -> Option<()> {
    if nvim_available() {
        return Some(());
    }
    if std::env::var("MMLINT_SKIP_NVIM").is_ok_and(|v| v == "1") {
        eprintln!("skipped: nvim not found and MMLINT_SKIP_NVIM=1");
        return None;
    }
    panic!(
        "nvim not found: install the Debian package neovim (`make test` does), \
         or set MMLINT_SKIP_NVIM=1 to skip this test"
    );
}

fn run_nvim(file: &Path, work: &Path, timeout: Duration, then: Then) -> Seen {
    let out = work.join("nvim-out.txt");
    let _ = std::fs::remove_file(&out);
    let script = root().join("crates/mmlint-cli/tests/nvim/diagnostics.lua");
    let mut cmd = Command::new("nvim");
    isolate_editor(&mut cmd, work);
    if let Then::FixLine(n) = then {
        cmd.env("MMLINT_FIX_LINE", n.to_string());
    }
    let mut child = cmd
        .args(["--headless", "--clean", "-n", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("MMLINT_BIN", env!("CARGO_BIN_EXE_mmlint"))
        .env("MMLINT_FILE", file)
        .env("MMLINT_OUT", &out)
        .env("MMLINT_TIMEOUT_MS", timeout.as_millis().to_string())
        .env(
            "MMLINT_SUPPRESS_FIRST",
            if then == Then::SuppressFirst {
                "1"
            } else {
                "0"
            },
        )
        .current_dir(work)
        .stdin(Stdio::null())
        .spawn()
        .expect("start nvim");
    // Neovim's own time-out comes first; this one catches a hung editor.
    let deadline = Instant::now() + timeout + Duration::from_secs(30);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("nvim did not finish within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let text = std::fs::read_to_string(&out)
        .unwrap_or_else(|e| panic!("nvim wrote no result ({status}): {e}"));
    assert!(status.success(), "nvim failed ({status}):\n{text}");
    let mut seen = Seen {
        diags: vec![],
        logs: vec![],
        elapsed_ms: 0,
        filetype: String::new(),
        inserted: None,
        after: vec![],
        fix_title: None,
        buffer: vec![],
    };
    for line in text.lines() {
        let (kind, rest) = line.split_once(' ').unwrap_or((line, ""));
        match kind {
            "filetype" => seen.filetype = rest.to_string(),
            "elapsed_ms" => seen.elapsed_ms = rest.parse().unwrap(),
            "log" => seen.logs.push(rest.to_string()),
            "inserted" => seen.inserted = Some(rest.to_string()),
            "fix" => seen.fix_title = Some(rest.to_string()),
            "buffer" => seen.buffer.push(rest.to_string()),
            "after" => {
                let (l, code) = rest.split_once(' ').unwrap();
                seen.after.push((l.parse().unwrap(), code.to_string()));
            }
            "diag" => {
                let f: Vec<&str> = rest.splitn(6, ' ').collect();
                seen.diags.push((
                    f[0].parse().unwrap(),
                    f[1].parse().unwrap(),
                    f[2].parse().unwrap(),
                    f[3].to_string(),
                    f[4].parse().unwrap(),
                    f[5].to_string(),
                ));
            }
            _ => panic!("unexpected line from nvim: {line}"),
        }
    }
    seen
}

#[test]
fn neovim_shows_the_fixture_findings() {
    if require_nvim().is_none() {
        return;
    }
    let (dir, file, src) = fixture_project(
        "nvim-fixture",
        "testdata/rules/dangling-vma/callee_release.c",
    );
    let seen = run_nvim(&file, &dir, Duration::from_secs(120), Then::SuppressFirst);
    assert_eq!(seen.filetype, "c");
    let got: BTreeSet<(u32, String)> = seen.diags.iter().map(|d| (d.0, d.3.clone())).collect();
    let want = expect_marks(&src);
    assert!(want.len() >= 3, "the fixture lost its marks");
    assert_eq!(got, want, "logs: {:?}", seen.logs);
    for d in &seen.diags {
        assert_eq!(d.2, 2, "warning severity: {d:?}");
        assert!(
            d.4 >= 1,
            "related locations (where obtained/released): {d:?}"
        );
    }
    // The suppression comment went above the first finding, which is gone; the others
    // moved down a line.
    let inserted = seen
        .inserted
        .as_deref()
        .expect("a suppression was inserted");
    let (first_line, first_rule) = want.iter().next().unwrap().clone();
    assert!(
        inserted.contains(&format!("/* mmlint-ignore {first_rule}: ")),
        "{inserted}"
    );
    let shifted: BTreeSet<(u32, String)> = want
        .iter()
        .filter(|(l, _)| *l != first_line)
        .map(|(l, r)| (l + 1, r.clone()))
        .collect();
    assert_eq!(seen.after.iter().cloned().collect::<BTreeSet<_>>(), shifted);
    assert!(
        seen.logs
            .iter()
            .any(|l| l.contains("flags of callee_release.c from")),
        "{:?}",
        seen.logs
    );
}

/// The fix code action of a gup-vmas-migration finding (rule enabled by mmlint.toml), as
/// Neovim applies it. The fix chosen also deletes a declaration line: its edit must take
/// the newline with it (Neovim clamps a column past the end of a line, as LSP says).
#[test]
fn neovim_applies_a_migration_fix() {
    if require_nvim().is_none() {
        return;
    }
    let fixture = "testdata/rules/gup-vmas-migration/one_vma.c";
    let (dir, file, src) = fixture_project("nvim-fix", fixture);
    std::fs::write(
        dir.join("mmlint.toml"),
        "[rules]\nenable = [\"gup-vmas-migration\"]\n",
    )
    .unwrap();
    // ref_ctr_unused_vma(): 'vma' is never read, so the argument and the variable go.
    let before = "\tstruct page *page;\n\tstruct vm_area_struct *vma;\n\tint ret;\n\n\tret = get_user_pages_remote(mm, vaddr, 1, // expect: gup-vmas-migration\n\t\t\tFOLL_WRITE, &page, &vma, NULL);\n";
    let after = "\tstruct page *page;\n\tint ret;\n\n\tret = get_user_pages_remote(mm, vaddr, 1, // expect: gup-vmas-migration\n\t\t\tFOLL_WRITE, &page, NULL);\n";
    assert_eq!(src.matches(before).count(), 1, "the fixture changed");
    let line = src[..src.find(before).unwrap()].lines().count() as u32 + 5;
    assert!(src
        .lines()
        .nth(line as usize - 1)
        .unwrap()
        .contains("// expect:"));
    let seen = run_nvim(&file, &dir, Duration::from_secs(120), Then::FixLine(line));
    let got: BTreeSet<(u32, String)> = seen.diags.iter().map(|d| (d.0, d.3.clone())).collect();
    assert_eq!(got, expect_marks(&src), "logs: {:?}", seen.logs);
    assert!(seen.fix_title.is_some(), "no fix applied");
    assert_eq!(
        seen.buffer.join("\n") + "\n",
        src.replacen(before, after, 1),
        "{:?}",
        seen.fix_title
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A real kernel file in Neovim. Prints what appeared and how long it took (run with
/// `--nocapture` to see it); MMLINT_NVIM_KERNEL_FILE picks another file of the tree.
#[test]
fn neovim_shows_findings_in_a_kernel_file() {
    let tree = kernel_tree();
    if !tree.join("compile_commands.json").is_file() {
        eprintln!(
            "skipped: no prepared kernel tree at {} (set MMLINT_KERNEL_DIR)",
            tree.display()
        );
        return;
    }
    if require_nvim().is_none() {
        return;
    }
    // A file of the 6.1 tree that still has a finding (docs/triage/linux-6.1.md, #1):
    // mm/mmap.c's exit_mmap reports are gone since exclusive_mm.
    let rel = std::env::var("MMLINT_NVIM_KERNEL_FILE").unwrap_or_else(|_| "mm/khugepaged.c".into());
    let work = tempdir("nvim-kernel");
    let seen = run_nvim(
        &tree.join(&rel),
        &work,
        Duration::from_secs(300),
        Then::Nothing,
    );
    eprintln!("{rel}: first diagnostics after {} ms", seen.elapsed_ms);
    for d in &seen.diags {
        eprintln!(
            "  {rel}:{}:{}: [{}] {} ({} related)",
            d.0, d.1, d.3, d.5, d.4
        );
    }
    for l in &seen.logs {
        eprintln!("  log: {l}");
    }
    assert!(!seen.diags.is_empty(), "no diagnostics for {rel}");
    assert!(seen.diags.iter().all(|d| !d.3.is_empty() && d.3 != "nil"));
}
