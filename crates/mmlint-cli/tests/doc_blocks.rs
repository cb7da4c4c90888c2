//! Every shell block in README.md and docs/ is run here, or marked as not tested with the
//! reason.
//!
//! The convention (also in README.md, "Shell blocks in the docs"):
//!
//! - A shell block is a fenced block tagged `sh`, `bash`, `shell` or `console`. A block with
//!   another tag whose first line starts with `$ ` is a console transcript in disguise and
//!   must be tagged `console`; an untagged fence must be given a tag.
//! - An unmarked shell block is run by this test, in a scratch directory holding links to
//!   the repository's `testdata/` and `rules/`, with the `mmlint` under test first on PATH:
//!   - `sh`, `bash`, `shell`: the block is one bash script (`set -euo pipefail`); every
//!     command must succeed, except that `mmlint` may exit 1 (findings).
//!   - `console`: each `$ ` line is a command; the lines up to the next `$ ` are its
//!     expected output (stdout and stderr), compared exactly.
//! - A block that cannot run here (it needs a kernel tree, root, the network, or it is what
//!   runs this test) has `<!-- not tested here: REASON -->` on the line before it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{root, tempdir, text};

const EXE: &str = env!("CARGO_BIN_EXE_mmlint");
const SHELL_TAGS: &[&str] = &["sh", "bash", "shell", "console"];
const MARKER: &str = "<!-- not tested here:";

struct Block {
    file: String,
    /// 1-based line of the opening fence.
    line: usize,
    tag: String,
    body: Vec<String>,
    /// The reason of a `not tested here` marker before the fence.
    not_tested: Option<String>,
}

impl Block {
    fn at(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

/// README.md and every docs/**/*.md, as paths relative to the repository root.
fn doc_files() -> Vec<String> {
    let mut files = vec!["README.md".to_string()];
    let mut stack = vec![root().join("docs")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                files.push(p.strip_prefix(root()).unwrap().display().to_string());
            }
        }
    }
    files.sort();
    files
}

/// The fence that opens a block: its character run and its tag.
fn fence(line: &str) -> Option<(String, String)> {
    let t = line.trim_start();
    let ch = t.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let run: String = t.chars().take_while(|c| *c == ch).collect();
    (run.len() >= 3).then(|| (run.clone(), t[run.len()..].trim().to_string()))
}

fn blocks(file: &str, src: &str) -> Vec<Block> {
    let lines: Vec<&str> = src.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some((run, tag)) = fence(lines[i]) else {
            i += 1;
            continue;
        };
        let indent = lines[i].len() - lines[i].trim_start().len();
        let mut body = Vec::new();
        let mut j = i + 1;
        while j < lines.len() {
            let t = lines[j].trim_start();
            if t.starts_with(&run) && t.trim_end().chars().all(|c| c == run.as_bytes()[0] as char) {
                break;
            }
            // Blocks inside list items are indented as their fence is.
            let strip = lines[j].len() - t.len();
            body.push(lines[j][strip.min(indent)..].to_string());
            j += 1;
        }
        let mut k = i;
        while k > 0 && lines[k - 1].trim().is_empty() {
            k -= 1;
        }
        let not_tested = (k > 0)
            .then(|| lines[k - 1].trim())
            .and_then(|l| l.strip_prefix(MARKER))
            .and_then(|l| l.strip_suffix("-->"))
            .map(|r| r.trim().to_string());
        out.push(Block {
            file: file.to_string(),
            line: i + 1,
            tag,
            body,
            not_tested,
        });
        i = j + 1;
    }
    out
}

fn all_blocks() -> Vec<Block> {
    doc_files()
        .iter()
        .flat_map(|f| blocks(f, &std::fs::read_to_string(root().join(f)).unwrap()))
        .collect()
}

const HOW: &str = "Shell blocks in README.md and docs/ are run by crates/mmlint-cli/tests/doc_blocks.rs \
(in a scratch directory with testdata/ and rules/, the mmlint under test on PATH; `sh` blocks as one \
bash script in which mmlint may exit 1, `console` blocks compared with their output). A block that \
cannot run there gets `<!-- not tested here: REASON -->` on the line before its fence.";

/// A scratch directory that looks like the repository root to the commands in the docs.
fn scratch(name: &str) -> (PathBuf, String) {
    let d = tempdir(name);
    for sub in ["testdata", "rules"] {
        std::os::unix::fs::symlink(root().join(sub), d.join(sub)).unwrap();
    }
    let bin = d.join(".bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(EXE, bin.join("mmlint")).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    (d, path)
}

fn bash(dir: &Path, path: &str, script: &str) -> std::process::Output {
    Command::new("bash")
        .current_dir(dir)
        .env("PATH", path)
        .env_remove("MMLINT_FLAGS")
        .args(["-c", script])
        .output()
        .unwrap()
}

/// Runs one unmarked block; Err says what went wrong.
fn run_block(b: &Block, n: usize) -> Result<(), String> {
    let (dir, path) = scratch(&format!("doc-block-{n}"));
    if b.tag == "console" {
        let mut cmds: Vec<(String, Vec<String>)> = Vec::new();
        for l in &b.body {
            match (l.strip_prefix("$ "), cmds.last_mut()) {
                (Some(c), _) => cmds.push((c.to_string(), Vec::new())),
                (None, Some((c, out))) if c.ends_with('\\') && out.is_empty() => {
                    c.push('\n');
                    c.push_str(l);
                }
                (None, Some((_, out))) => out.push(l.trim_end().to_string()),
                (None, None) => return Err(format!("output before the first `$ ` line: {l}")),
            }
        }
        for (cmd, want) in cmds {
            let o = bash(&dir, &path, &format!("{{\n{cmd}\n}} 2>&1"));
            let got: Vec<String> = text(&o.stdout)
                .lines()
                .map(|l| l.trim_end().to_string())
                .collect();
            let mut want = want;
            while want.last().is_some_and(|l| l.is_empty()) {
                want.pop();
            }
            if got != want {
                return Err(format!(
                    "`{cmd}` printed:\n{}\nbut the block shows:\n{}",
                    got.join("\n"),
                    want.join("\n")
                ));
            }
        }
        Ok(())
    } else {
        // mmlint's exit 1 means findings: what a documented example usually shows.
        let script = format!(
            "set -euo pipefail\nmmlint() {{ local s=0; command mmlint \"$@\" || s=$?; [ $s -le 1 ] || return $s; }}\n{}\n",
            b.body.join("\n")
        );
        let o = bash(&dir, &path, &script);
        if o.status.success() {
            Ok(())
        } else {
            Err(format!(
                "exit {:?}\nstdout:\n{}\nstderr:\n{}",
                o.status.code(),
                text(&o.stdout),
                text(&o.stderr)
            ))
        }
    }
}

#[test]
fn every_shell_block_in_the_docs_runs_or_says_why_not() {
    let blocks = all_blocks();
    let mut problems = Vec::new();
    let mut ran = Vec::new();
    for (n, b) in blocks.iter().enumerate() {
        let first = b.body.iter().find(|l| !l.trim().is_empty());
        if b.tag.is_empty() {
            problems.push(format!(
                "{}: a fence without a language: tag it (`sh` or `console` for commands, `text` for anything else)",
                b.at()
            ));
            continue;
        }
        if !SHELL_TAGS.contains(&b.tag.as_str()) {
            if first.is_some_and(|l| l.starts_with("$ ")) {
                problems.push(format!(
                    "{}: a ```{} block holding a `$ ` command: tag it ```console so that it is run",
                    b.at(),
                    b.tag
                ));
            }
            continue;
        }
        match &b.not_tested {
            Some(reason) if reason.is_empty() => problems.push(format!(
                "{}: `not tested here` needs a reason after the colon",
                b.at()
            )),
            Some(_) => {}
            None => match run_block(b, n) {
                Ok(()) => ran.push(b.at()),
                Err(e) => problems.push(format!(
                    "{}: this ```{} block failed when run: {e}\nFix the block, or if it cannot run here, mark it.",
                    b.at(),
                    b.tag
                )),
            },
        }
    }
    eprintln!("ran {} shell blocks: {}", ran.len(), ran.join(", "));
    assert!(problems.is_empty(), "{}\n\n{HOW}", problems.join("\n\n"));
    assert!(!ran.is_empty(), "no shell block was run");
}

/// The checker itself: it finds blocks in list items, reads the marker, and fails an
/// unmarked block that does not run.
#[test]
fn the_block_reader_sees_tags_markers_and_indented_blocks() {
    let src = "# t\n\n<!-- not tested here: needs a kernel tree -->\n```sh\nmake C=1\n```\n\n- item\n\n  ```console\n  $ echo hi\n  hi\n  ```\n\n````text\n$ ls\n````\n";
    let b = blocks("x.md", src);
    assert_eq!(b.len(), 3);
    assert_eq!(
        b[0].not_tested.as_deref(),
        Some("needs a kernel tree"),
        "marker"
    );
    assert_eq!((b[1].tag.as_str(), b[1].line), ("console", 10));
    assert_eq!(b[1].body, ["$ echo hi", "hi"]);
    assert!(b[1].not_tested.is_none());
    assert!(run_block(&b[1], 1000).is_ok());
    assert_eq!(b[2].tag, "text");

    let wrong = blocks("y.md", "```console\n$ echo hi\nho\n```\n");
    assert!(run_block(&wrong[0], 1001).unwrap_err().contains("printed"));
    let failing = blocks("z.md", "```sh\nfalse\necho never\n```\n");
    assert!(run_block(&failing[0], 1002).is_err());
    let findings = blocks(
        "w.md",
        "```sh\nmmlint check testdata/demo/demo.c -- -nostdinc -I testdata/include\n```\n",
    );
    assert!(
        run_block(&findings[0], 1003).is_ok(),
        "mmlint's exit 1 is findings"
    );
    let tool_error = blocks("v.md", "```sh\nmmlint check no-such-file.c\n```\n");
    assert!(run_block(&tool_error[0], 1004).is_err(), "exit 2 fails");
}
