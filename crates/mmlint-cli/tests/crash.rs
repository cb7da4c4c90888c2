//! Fault injection through clang itself: units that make libclang crash (`#pragma clang
//! __debug crash`, which libclang's crash recovery catches), overflow its stack (a
//! 100,000-term sum, which nothing in the process can catch) or never finish parsing
//! (`#pragma clang __debug overflow_stack`), beside a unit with a real finding. In every
//! mode (-p, file list, Kbuild's CHECK, `fix`, `summarize`, the language server) the run
//! ends on its own, reports the bad units one line each, exits 2 (the server goes on), and
//! keeps the other unit's finding.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{root, tempdir, text};
use serde_json::{json, Value};

/// The time limit the runs get: the hanging unit costs this much CPU per run.
const LIMIT: &str = "5";
/// Far beyond what any of these runs needs: a run still going then is a hang.
const WATCHDOG: Duration = Duration::from_secs(300);

const CLEAN_FINDING: &str =
    "demo.c:30:25: warning: VMA 'vma' used after mmap_lock of 'mm' was released [dangling-vma]";

/// A directory with `demo.c` (real findings) and the three faults, and a
/// compile_commands.json listing the faults first (so the good unit comes after a crash).
fn project(name: &str) -> PathBuf {
    let d = tempdir(name);
    // Each fault names the API in its code (a comment would not do), or the unit
    // prefilter would not parse it.
    std::fs::copy(root().join("testdata/demo/demo.c"), d.join("demo.c")).unwrap();
    std::fs::write(
        d.join("crash.c"),
        "void mmap_read_lock(void *mm);\n#pragma clang __debug crash\nint f(void) { return 0; }\n",
    )
    .unwrap();
    std::fs::write(
        d.join("hang.c"),
        "void mmap_read_lock(void *mm);\n#pragma clang __debug overflow_stack\nint f(void) { return 0; }\n",
    )
    .unwrap();
    let terms = vec!["x"; 100_000].join(" + ");
    std::fs::write(
        d.join("deep.c"),
        format!("void mmap_read_lock(void *mm);\nint f(int x)\n{{\n\treturn {terms};\n}}\n"),
    )
    .unwrap();
    let inc = root().join("testdata/include");
    let entries: Vec<Value> = ["crash.c", "deep.c", "hang.c", "demo.c"]
        .iter()
        .map(|f| {
            json!({"directory": d, "file": f,
                   "arguments": ["gcc", "-nostdinc", format!("-I{}", inc.display()), "-c", f]})
        })
        .collect();
    std::fs::write(
        d.join("compile_commands.json"),
        serde_json::to_string_pretty(&entries).unwrap(),
    )
    .unwrap();
    d
}

fn include_flag() -> String {
    format!("-I{}", root().join("testdata/include").display())
}

/// Runs mmlint in `dir`; fails the test if it has not ended after [`WATCHDOG`].
fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mmlint"));
    c.current_dir(dir)
        .args(args)
        .env_remove("MMLINT_FLAGS")
        .env_remove("MMLINT_TIMEOUT")
        .env_remove("MMLINT_ERROR_EXITCODE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        c.env(k, v);
    }
    let mut child = c.spawn().expect("mmlint runs");
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let readers = (
        std::thread::spawn(move || {
            let mut b = Vec::new();
            let _ = out.read_to_end(&mut b);
            b
        }),
        std::thread::spawn(move || {
            let mut b = Vec::new();
            let _ = err.read_to_end(&mut b);
            b
        }),
    );
    let status = wait_or_kill(&mut child, &format!("mmlint {args:?}"));
    Output {
        status,
        stdout: readers.0.join().unwrap(),
        stderr: readers.1.join().unwrap(),
    }
}

fn wait_or_kill(child: &mut Child, what: &str) -> std::process::ExitStatus {
    let deadline = Instant::now() + WATCHDOG;
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{what} did not end within {WATCHDOG:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The report of a run over the three faults and demo.c: the finding, one line per fault.
fn assert_faults_reported_and_finding_kept(o: &Output, report: &str) {
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{report}\n{err}");
    assert!(report.contains(CLEAN_FINDING), "{report}\n{err}");
    assert!(report.contains("[gup-vmas-unlockable]"), "{report}");
    assert!(
        report.contains("deep.c: error: analysis crashed (signal "),
        "{report}\n{err}"
    );
    assert!(
        report.contains(&format!("hang.c: error: timed out after {LIMIT} s")),
        "{report}\n{err}"
    );
    assert!(report.contains("crash.c: error: "), "{report}\n{err}");
}

#[test]
fn compile_commands_run_survives_crashes_and_hangs() {
    let d = project("crash-p");
    let o = run(
        &d,
        &[
            "check",
            "-p",
            "compile_commands.json",
            "-j",
            "2",
            "--timeout",
            LIMIT,
        ],
        &[],
    );
    let out = text(&o.stdout);
    assert_faults_reported_and_finding_kept(&o, &out);
    let err = text(&o.stderr);
    assert!(err.contains("4 TUs in"), "{err}");
    assert!(err.contains("1 analyzed, 3 failed"), "{err}");
    assert!(
        err.contains("failed: deep.c: analysis crashed (signal "),
        "{err}"
    );
}

#[test]
fn file_list_run_survives_crashes_and_hangs() {
    let d = project("crash-files");
    let inc = include_flag();
    let o = run(
        &d,
        &[
            "check",
            "--timeout",
            LIMIT,
            "crash.c",
            "deep.c",
            "hang.c",
            "demo.c",
            "--",
            "-nostdinc",
            &inc,
        ],
        &[],
    );
    assert_faults_reported_and_finding_kept(&o, &text(&o.stdout));
    // The same findings, in the same order, as a run over demo.c alone.
    let alone = run(&d, &["check", "demo.c", "--", "-nostdinc", &inc], &[]);
    assert_eq!(alone.status.code(), Some(1));
    let faults: String = text(&o.stdout)
        .lines()
        .filter(|l| l.starts_with("demo.c"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(faults, text(&alone.stdout));
}

#[test]
fn kbuild_check_mode_survives_crashes_and_hangs() {
    let d = project("crash-kbuild");
    let inc = include_flag();
    // Kbuild passes one file per call; a hand-written call may pass several.
    let o = run(
        &d,
        &["-nostdinc", &inc, "crash.c", "deep.c", "hang.c", "demo.c"],
        &[("MMLINT_FLAGS", &format!("--timeout={LIMIT}"))],
    );
    assert_eq!(text(&o.stdout), "");
    assert_faults_reported_and_finding_kept(&o, &text(&o.stderr));
    // MMLINT_TIMEOUT is the environment's way to say the same.
    let o = run(
        &d,
        &["-nostdinc", &inc, "hang.c"],
        &[("MMLINT_TIMEOUT", "1")],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("hang.c: error: timed out after 1 s"),
        "{}",
        text(&o.stderr)
    );
    let o = run(&d, &["hang.c"], &[("MMLINT_FLAGS", "--timeout=soon")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("--timeout: 'soon' is not a positive number of seconds"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn fix_and_summarize_survive_a_crash() {
    let d = project("crash-fix");
    let inc = include_flag();
    std::fs::copy(
        root().join("testdata/rules/gup-vmas-migration/one_vma.c"),
        d.join("one_vma.c"),
    )
    .unwrap();
    let fix = |files: &[&str]| {
        let mut args = vec!["fix", "--rule", "gup-vmas-migration"];
        args.extend(files);
        args.extend(["--", "-nostdinc", &inc]);
        run(&d, &args, &[])
    };
    let o = fix(&["deep.c", "one_vma.c"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("deep.c: error: analysis crashed (signal "),
        "{err}"
    );
    // The other file's patch is whole.
    let alone = fix(&["one_vma.c"]);
    assert!(
        text(&alone.stdout).contains("+++ b/one_vma.c"),
        "{}",
        text(&alone.stdout)
    );
    assert_eq!(text(&o.stdout), text(&alone.stdout));

    let o = run(
        &d,
        &[
            "summarize",
            "-p",
            "compile_commands.json",
            "--timeout",
            LIMIT,
            "-o",
            "summaries.json",
            "deep.c",
            "demo.c",
        ],
        &[],
    );
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("deep.c: error: analysis crashed (signal "),
        "{err}"
    );
    assert!(d.join("summaries.json").exists(), "{err}");
}

/// A language server client over stdio, as far as this test needs one.
struct Lsp {
    child: Child,
    stdin: std::process::ChildStdin,
    rx: mpsc::Receiver<Value>,
    seen: Vec<Value>,
}

impl Lsp {
    fn send(&mut self, v: Value) {
        let body = v.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    /// The first message received, before or from now on, that `pred` accepts.
    fn wait_for(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(v) = self.seen.iter().find(|v| pred(v)) {
            return v.clone();
        }
        let deadline = Instant::now() + WATCHDOG;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(v) => {
                    self.seen.push(v.clone());
                    if pred(&v) {
                        return v;
                    }
                }
                Err(_) => panic!(
                    "no {what}; received:\n{}",
                    self.seen
                        .iter()
                        .map(Value::to_string)
                        .collect::<Vec<_>>()
                        .join("\n")
                ),
            }
        }
    }

    fn log_containing(&mut self, needle: &str) -> String {
        let v = self.wait_for(&format!("log message with '{needle}'"), |v| {
            v["method"] == "window/logMessage"
                && v["params"]["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains(needle)
        });
        v["params"]["message"].as_str().unwrap().to_string()
    }
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            len = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; len?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

#[test]
fn language_server_survives_crashes_and_hangs() {
    let d = project("crash-lsp").canonicalize().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mmlint"))
        .args(["lsp", "--debounce=50", "-j", "2", "--timeout", LIMIT])
        .current_dir(&d)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start mmlint lsp");
    let stdin = child.stdin.take().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        while let Some(v) = read_message(&mut out) {
            if tx.send(v).is_err() {
                break;
            }
        }
    });
    let mut c = Lsp {
        child,
        stdin,
        rx,
        seen: vec![],
    };
    c.send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                  "params": {"processId": null, "rootUri": null, "capabilities": {}}}));
    c.wait_for("initialize response", |v| v["id"] == 1);
    c.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    let uri = |f: &str| format!("file://{}", d.join(f).display());
    for f in ["deep.c", "hang.c", "crash.c", "demo.c"] {
        let text = std::fs::read_to_string(d.join(f)).unwrap();
        c.send(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                      "params": {"textDocument": {"uri": uri(f), "languageId": "c",
                                                  "version": 1, "text": text}}}));
    }
    let m = c.log_containing("deep.c (version 1): analysis crashed (signal ");
    assert!(m.contains("the server goes on"), "{m}");
    c.log_containing(&format!("hang.c (version 1): timed out after {LIMIT} s"));
    let demo = uri("demo.c");
    let p = c.wait_for("demo.c's diagnostics", |v| {
        v["method"] == "textDocument/publishDiagnostics" && v["params"]["uri"] == demo.as_str()
    });
    let diags = p["params"]["diagnostics"].as_array().unwrap();
    assert!(
        diags
            .iter()
            .any(|d| d["code"] == "dangling-vma" && d["range"]["start"]["line"] == 29),
        "{diags:#?}"
    );
    // Nothing is published for the crashed file but the clearing of what it had.
    let deep = uri("deep.c");
    for v in &c.seen {
        if v["method"] == "textDocument/publishDiagnostics" && v["params"]["uri"] == deep.as_str() {
            assert_eq!(v["params"]["diagnostics"], json!([]), "{v}");
        }
    }
    // The server still answers, and ends on request.
    c.send(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}));
    let r = c.wait_for("shutdown response", |v| v["id"] == 2);
    assert!(r.get("error").is_none(), "{r}");
    c.send(json!({"jsonrpc": "2.0", "method": "exit", "params": null}));
    let s = wait_or_kill(&mut c.child, "mmlint lsp after exit");
    assert!(s.success(), "mmlint lsp exited with {s}");
}
