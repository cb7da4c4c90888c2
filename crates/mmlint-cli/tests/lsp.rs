//! `mmlint lsp` driven through its stdio: JSON-RPC framing, initialize, diagnostics for a
//! fixture (codes, ranges, related locations), fix-by-edit clearing them, the suppression
//! code action really suppressing, flags borrowed for a file not in the database, didClose,
//! shutdown/exit; the gup-vmas-migration fixes offered as code actions, applied, equal to
//! `mmlint fix --apply`.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{expect_marks, fixture_project, root, tempdir};
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(120);

struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: mpsc::Receiver<Value>,
    next_id: i64,
    /// Every message received so far, in order.
    seen: Vec<Value>,
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

impl Client {
    fn start(cwd: &Path, init_options: Value) -> Client {
        Client::start_with(cwd, &[], init_options)
    }

    /// `mmlint lsp --debounce=50 ARGS` in `cwd`, initialized.
    fn start_with(cwd: &Path, args: &[&str], init_options: Value) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mmlint"))
            .arg("lsp")
            .arg("--debounce=50")
            .args(args)
            .current_dir(cwd)
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
        let mut c = Client {
            child,
            stdin,
            rx,
            next_id: 0,
            seen: vec![],
        };
        let id = c.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {},
                   "initializationOptions": init_options}),
        );
        let r = c.response(id);
        assert_eq!(r["result"]["serverInfo"]["name"], "mmlint", "{r}");
        assert_eq!(r["result"]["capabilities"]["textDocumentSync"]["change"], 1);
        c.notify("initialized", json!({}));
        c
    }

    fn send(&mut self, v: Value) {
        let body = v.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// The first message (from now on) that `pred` accepts.
    fn wait_for(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + WAIT;
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
                    "timed out waiting for {what}; received:\n{}",
                    self.seen
                        .iter()
                        .map(|v| v.to_string())
                        .collect::<Vec<_>>()
                        .join("\n")
                ),
            }
        }
    }

    fn response(&mut self, id: i64) -> Value {
        self.wait_for(&format!("response {id}"), |v| v["id"] == id)
    }

    /// The next publishDiagnostics for `uri` with `version` (any version for None).
    fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Vec<Value> {
        let v = self.wait_for(&format!("diagnostics for {uri} v{version:?}"), |v| {
            v["method"] == "textDocument/publishDiagnostics"
                && v["params"]["uri"] == uri
                && version.is_none_or(|n| v["params"]["version"] == n)
        });
        v["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn logs(&self) -> Vec<String> {
        self.seen
            .iter()
            .filter(|v| v["method"] == "window/logMessage")
            .map(|v| v["params"]["message"].as_str().unwrap_or("").to_string())
            .collect()
    }

    fn shutdown(mut self) {
        let id = self.request("shutdown", Value::Null);
        let r = self.response(id);
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                assert!(
                    s.success(),
                    "mmlint lsp exited with {s} after shutdown/exit"
                );
                return;
            }
            assert!(Instant::now() < deadline, "mmlint lsp did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn uri(p: &Path) -> String {
    format!("file://{}", p.display())
}

/// 0-based lines of the `// expect: RULE` marks.
fn marked_lines(src: &str, rule: &str) -> BTreeSet<u64> {
    expect_marks(src)
        .into_iter()
        .filter(|(_, r)| r == rule)
        .map(|(l, _)| l as u64 - 1)
        .collect()
}

fn open(c: &mut Client, file: &Path, text: &str) {
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(file), "languageId": "c", "version": 1, "text": text}}),
    );
}

fn change(c: &mut Client, file: &Path, version: i64, text: &str) {
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(file), "version": version},
               "contentChanges": [{"text": text}]}),
    );
}

#[test]
fn fixture_diagnostics_fix_by_edit_suppress_close_shutdown() {
    let (dir, file, src) = fixture_project("lsp-basic", "testdata/rules/dangling-vma/basic.c");
    let u = uri(&file);
    let mut c = Client::start(&dir, Value::Null);
    open(&mut c, &file, &src);
    let diags = c.diagnostics(&u, Some(1));

    // Exactly the marked lines, each a dangling-vma warning with its notes.
    let lines: BTreeSet<u64> = diags
        .iter()
        .map(|d| d["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, marked_lines(&src, "dangling-vma"), "{diags:#?}");
    for d in &diags {
        assert_eq!(d["code"], "dangling-vma");
        assert_eq!(d["source"], "mmlint");
        assert_eq!(d["severity"], 2);
        assert!(
            d.get("codeDescription").is_none(),
            "no doc URL, no link: {d}"
        );
        let rel = d["relatedInformation"]
            .as_array()
            .expect("related locations");
        let msgs: Vec<&str> = rel.iter().map(|r| r["message"].as_str().unwrap()).collect();
        assert!(msgs.iter().any(|m| m.contains("obtained here")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("released here")), "{msgs:?}");
        for r in rel {
            assert_eq!(r["location"]["uri"], u.as_str());
        }
    }
    // The first finding: `vma->vm_flags` on line 15, after the unlock on line 12.
    let first = &diags[0];
    let line15 = src.lines().nth(14).unwrap();
    let col = line15.find("vma->vm_flags").unwrap() as u64;
    assert_eq!(
        first["range"]["start"],
        json!({"line": 14, "character": col})
    );
    assert!(first["range"]["end"]["character"].as_u64().unwrap() > col);
    let rel_lines: Vec<u64> = first["relatedInformation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["location"]["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    assert!(
        rel_lines.contains(&10) && rel_lines.contains(&11),
        "{rel_lines:?}"
    );

    // Fix the first bug in the unsaved buffer: use the VMA before the unlock.
    let fixed = src.replacen(
        "\tmmap_read_unlock(mm);\n\tif (!vma)\n\t\treturn -EFAULT;\n\treturn (vma->vm_flags & VM_WRITE) ? 1 : 0; // expect: dangling-vma\n",
        "\tif (!vma) {\n\t\tmmap_read_unlock(mm);\n\t\treturn -EFAULT;\n\t}\n\tif (vma->vm_flags & VM_WRITE) { mmap_read_unlock(mm); return 1; }\n\tmmap_read_unlock(mm);\n\treturn 0;\n",
        1,
    );
    assert_ne!(fixed, src);
    change(&mut c, &file, 2, &fixed);
    let after = c.diagnostics(&u, Some(2));
    assert_eq!(after.len(), diags.len() - 1, "{after:#?}");
    assert!(after
        .iter()
        .all(|d| d["range"]["start"]["line"].as_u64().unwrap() > 16));

    // The suppression code action on the next finding; its edit, applied, silences it.
    let target = after[0].clone();
    let id = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": target["range"],
               "context": {"diagnostics": [target]}}),
    );
    let actions = c.response(id)["result"].as_array().unwrap().clone();
    let suppress = actions
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .starts_with("Suppress dangling-vma")
        })
        .unwrap_or_else(|| panic!("no suppression action in {actions:#?}"));
    let edit = &suppress["edit"]["documentChanges"][0];
    assert_eq!(edit["textDocument"]["version"], 2);
    let te = &edit["edits"][0];
    let at = te["range"]["start"]["line"].as_u64().unwrap() as usize;
    assert_eq!(
        at as u64,
        target["range"]["start"]["line"].as_u64().unwrap()
    );
    let new_text = te["newText"].as_str().unwrap();
    assert!(
        new_text.starts_with("\t/* mmlint-ignore dangling-vma: ") && new_text.ends_with("*/\n"),
        "{new_text:?}"
    );
    let mut lines: Vec<&str> = fixed.split_inclusive('\n').collect();
    lines.insert(at, new_text);
    let suppressed: String = lines.concat();
    change(&mut c, &file, 3, &suppressed);
    let now = c.diagnostics(&u, Some(3));
    assert_eq!(now.len(), after.len() - 1, "{now:#?}");

    // Only a correct function left: nothing to report, the list is cleared.
    let ok_only: String = src
        .lines()
        .take(32)
        .skip(17)
        .chain(std::iter::once(""))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        ok_only.contains("int ok_copy_field_before_unlock("),
        "{ok_only}"
    );
    change(
        &mut c,
        &file,
        4,
        &format!("#include <linux/mm.h>\n{ok_only}"),
    );
    assert_eq!(c.diagnostics(&u, Some(4)), Vec::<Value>::new());

    // A buffer that does not parse keeps the server alive and says why in the log.
    change(&mut c, &file, 5, "int f(void) { return }\n");
    c.wait_for("a log about the parse failure", |v| {
        v["method"] == "window/logMessage"
            && v["params"]["message"]
                .as_str()
                .unwrap_or("")
                .contains("could not parse")
    });

    c.notify("textDocument/didClose", json!({"textDocument": {"uri": u}}));
    assert!(c.diagnostics(&u, None).is_empty());
    assert!(
        c.logs().iter().any(|l| l.contains("flags of basic.c from")),
        "{:?}",
        c.logs()
    );
    c.shutdown();
}

#[test]
fn unlisted_file_borrows_flags_and_init_option_names_the_database() {
    // The database lives elsewhere and is named in initializationOptions; the opened file
    // is not in it, so it borrows its neighbour's flags (and cannot parse without them).
    let (dir, _listed, _) = fixture_project("lsp-borrow", "testdata/rules/dangling-vma/basic.c");
    let db_dir = tempdir("lsp-borrow-db");
    std::fs::rename(
        dir.join("compile_commands.json"),
        db_dir.join("compile_commands.json"),
    )
    .unwrap();
    let src = std::fs::read_to_string(root().join("testdata/rules/dangling-vma/relock.c")).unwrap();
    let other = dir.join("unlisted.c");
    std::fs::write(&other, &src).unwrap();
    let mut c = Client::start(
        &dir,
        json!({"compileCommands": db_dir.join("compile_commands.json"), "debounceMs": 10}),
    );
    open(&mut c, &other, &src);
    let diags = c.diagnostics(&uri(&other), Some(1));
    let lines: BTreeSet<u64> = diags
        .iter()
        .map(|d| d["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    assert!(!lines.is_empty());
    assert_eq!(lines, marked_lines(&src, "dangling-vma"), "{diags:#?}");
    assert!(
        c.logs()
            .iter()
            .any(|l| l.contains("borrowing the flags of basic.c (same directory)")),
        "{:?}",
        c.logs()
    );
    c.shutdown();
}

#[test]
fn bad_options_are_a_warning_and_exit_without_shutdown_an_error_status() {
    let d = tempdir("lsp-exit");
    // Options of the wrong type are ignored with a warning, not a failed handshake.
    let mut c = Client::start(&d, json!({"debounceMs": "soon"}));
    c.wait_for("a warning about the options", |v| {
        v["method"] == "window/logMessage"
            && v["params"]["type"] == 2
            && v["params"]["message"]
                .as_str()
                .unwrap_or("")
                .contains("initializationOptions ignored")
    });
    c.notify("exit", Value::Null);
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(s) = c.child.try_wait().unwrap() {
            assert_eq!(s.code(), Some(1));
            return;
        }
        assert!(Instant::now() < deadline, "mmlint lsp did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

const MIGRATION: &str = "gup-vmas-migration";

/// The fixtures' flags, plus `extra`, for the files `names` of `dir`.
fn write_compdb(dir: &Path, names: &[&str], extra: &[&str]) {
    let inc = format!("-I{}", root().join("testdata/include").display());
    let db: Vec<Value> = names
        .iter()
        .map(|n| {
            let mut args = vec!["gcc", "-nostdinc", inc.as_str()];
            args.extend_from_slice(extra);
            args.extend_from_slice(&["-c", n]);
            json!({"directory": dir, "file": n, "arguments": args})
        })
        .collect();
    let path = dir.join("compile_commands.json");
    std::fs::write(&path, Value::from(db).to_string()).unwrap();
    // The server reloads a database whose mtime changed: make sure it did, even on a
    // coarse-grained file system.
    let later = std::time::SystemTime::now() + Duration::from_secs(2);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(later)
        .unwrap();
}

/// Byte offset of an LSP position in ASCII `text` (UTF-16 columns are byte columns there),
/// read as the protocol says: a column past the end of its line is the line's end, before
/// the newline (so an edit must reach the next line to delete a newline).
fn offset(text: &str, pos: &Value) -> usize {
    let line = pos["line"].as_u64().unwrap() as usize;
    let col = pos["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let len = text
        .split_inclusive('\n')
        .nth(line)
        .map_or(0, |l| l.trim_end_matches('\n').len());
    start + col.min(len)
}

/// Applies LSP TextEdits (all computed on `text`) as a client does.
fn apply_edits(text: &str, edits: &[Value]) -> String {
    assert!(text.is_ascii());
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(text, &e["range"]["start"]),
                offset(text, &e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    spans.sort();
    for w in spans.windows(2) {
        assert!(w[0].1 <= w[1].0, "overlapping edits: {edits:#?}");
    }
    let mut out = String::new();
    let mut at = 0;
    for (s, e, new) in spans {
        out.push_str(&text[at..s]);
        out.push_str(new);
        at = e;
    }
    out.push_str(&text[at..]);
    out
}

/// What `mmlint fix --rule gup-vmas-migration --apply` writes for a copy of `fixture`.
fn fix_apply(fixture: &str) -> String {
    let base = Path::new(fixture).file_name().unwrap().to_str().unwrap();
    let d = tempdir(&format!("lsp-fix-apply-{base}"));
    std::fs::copy(root().join(fixture), d.join(base)).unwrap();
    let inc = format!("-I{}", root().join("testdata/include").display());
    let o = Command::new(env!("CARGO_BIN_EXE_mmlint"))
        .current_dir(&d)
        .args(["fix", "--rule", MIGRATION, "--apply", base])
        .args(["--", "-nostdinc", &inc])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let fixed = std::fs::read_to_string(d.join(base)).unwrap();
    let _ = std::fs::remove_dir_all(&d);
    fixed
}

/// Opens `file` (a copy of `fixture` in `dir`, whose database has the 6.1 GUP signatures),
/// takes the fix code action of every gup-vmas-migration finding, applies them all to the
/// buffer, and compares with `mmlint fix --apply`. Then the fixed buffer, which only builds
/// against the 6.5 signatures, is analysed with those and has no migration finding left.
fn migration_fixes_by_code_action(c: &mut Client, dir: &Path, file: &Path, fixture: &str) {
    let u = uri(file);
    let src = std::fs::read_to_string(file).unwrap();
    open(c, file, &src);
    let diags = c.diagnostics(&u, Some(1));
    let mig: Vec<&Value> = diags.iter().filter(|d| d["code"] == MIGRATION).collect();
    let lines: BTreeSet<u64> = mig
        .iter()
        .map(|d| d["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    assert!(!lines.is_empty(), "{fixture}: {diags:#?}");
    assert_eq!(
        lines,
        marked_lines(&src, MIGRATION),
        "{fixture}: {diags:#?}"
    );

    let mut edits = Vec::new();
    for d in &mig {
        let line = d["range"]["start"]["line"].as_u64().unwrap() + 1;
        let id = c.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": u}, "range": d["range"],
                   "context": {"diagnostics": [d]}}),
        );
        let actions = c.response(id)["result"].as_array().unwrap().clone();
        let for_this = |a: &&Value| {
            a["kind"] == "quickfix"
                && a["diagnostics"][0]["code"] == MIGRATION
                && a["diagnostics"][0]["range"] == d["range"]
        };
        let title = |a: &Value| a["title"].as_str().unwrap_or("").to_string();
        assert!(
            actions
                .iter()
                .filter(for_this)
                .any(|a| title(a).starts_with("Suppress gup-vmas-migration")),
            "{fixture}:{line}: no suppression action in {actions:#?}"
        );
        let fix = actions
            .iter()
            .filter(for_this)
            .find(|a| !title(a).starts_with("Suppress"))
            .unwrap_or_else(|| panic!("{fixture}:{line}: no fix action in {actions:#?}"));
        assert_eq!(fix["isPreferred"], true, "{fix:#}");
        let changes = fix["edit"]["documentChanges"].as_array().unwrap();
        assert_eq!(changes.len(), 1, "{fix:#}");
        assert_eq!(
            changes[0]["textDocument"],
            json!({"uri": u, "version": 1}),
            "{fix:#}"
        );
        let e = changes[0]["edits"].as_array().unwrap();
        assert!(!e.is_empty(), "{fixture}:{line}: a fix without edits");
        edits.extend(e.iter().cloned());
    }
    let fixed = apply_edits(&src, &edits);
    assert_ne!(fixed, src);
    assert_eq!(
        fixed,
        fix_apply(fixture),
        "{fixture}: the code actions' edits differ from `mmlint fix --apply`"
    );

    // Against the 6.1 signatures the fixed buffer does not build: the server says so in
    // its log and keeps showing the last findings, but offers no action on them: their
    // edits are for version 1, and a client may apply them to the newer buffer anyway.
    change(c, file, 2, &fixed);
    c.wait_for("a log that the fixed buffer does not parse", |v| {
        v["method"] == "window/logMessage"
            && v["params"]["message"]
                .as_str()
                .unwrap_or("")
                .contains("could not parse")
    });
    let first = mig[0];
    let id = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": first["range"],
               "context": {"diagnostics": [first]}}),
    );
    let stale = c.response(id)["result"].clone();
    assert_eq!(stale, json!([]), "actions offered on stale findings");

    // The tree moves to the 6.5 signatures: the fixed buffer builds, and the migration
    // findings are gone. (Only a buffer that parses is published, so a publication for
    // version 3 is the analysis of the fixed text.)
    let name = file.file_name().unwrap().to_str().unwrap();
    write_compdb(dir, &[name], &["-DMMLINT_GUP_6_5"]);
    change(c, file, 3, &fixed);
    let after = c.diagnostics(&u, Some(3));
    assert!(
        after.iter().all(|d| d["code"] != MIGRATION),
        "{fixture}: {after:#?}"
    );
}

#[test]
fn migration_fixes_as_code_actions_equal_mmlint_fix_apply() {
    // Case 1 (a NULL 'vmas' dropped), the rule enabled by mmlint.toml in the server's
    // working directory.
    let fixture = "testdata/rules/gup-vmas-migration/null.c";
    let (dir, file, _) = fixture_project("lsp-fix-null", fixture);
    std::fs::write(
        dir.join("mmlint.toml"),
        format!("[rules]\nenable = [\"{MIGRATION}\"]\n"),
    )
    .unwrap();
    let mut c = Client::start(&dir, Value::Null);
    migration_fixes_by_code_action(&mut c, &dir, &file, fixture);
    c.shutdown();
    let _ = std::fs::remove_dir_all(&dir);

    // Case 2 (one page and one VMA: get_user_page_vma_remote(), vma_lookup(), a declaration
    // removed on another line), the rule enabled by --enable.
    let fixture = "testdata/rules/gup-vmas-migration/one_vma.c";
    let (dir, file, _) = fixture_project("lsp-fix-one-vma", fixture);
    let mut c = Client::start_with(&dir, &["--enable", MIGRATION], Value::Null);
    migration_fixes_by_code_action(&mut c, &dir, &file, fixture);
    c.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}

/// `doc-url` of the mmlint.toml in the server's directory, or --doc-url, which wins: each
/// diagnostic's codeDescription is the rule's page there.
#[test]
fn doc_url_gives_code_descriptions() {
    let (dir, file, src) = fixture_project("lsp-doc-url", "testdata/rules/dangling-vma/basic.c");
    std::fs::write(
        dir.join("mmlint.toml"),
        "doc-url = \"https://docs.example.org/mmlint/rules\"\n",
    )
    .unwrap();
    for (args, base) in [
        (&[][..], "https://docs.example.org/mmlint/rules"),
        (
            &["--doc-url", "https://mirror.example.net/rules"][..],
            "https://mirror.example.net/rules",
        ),
    ] {
        let mut c = Client::start_with(&dir, args, Value::Null);
        open(&mut c, &file, &src);
        let diags = c.diagnostics(&uri(&file), Some(1));
        assert!(!diags.is_empty());
        for d in &diags {
            assert_eq!(
                d["codeDescription"]["href"],
                format!("{base}/dangling-vma.md").as_str(),
                "{d}"
            );
        }
        c.shutdown();
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn migration_rule_is_off_in_the_server_until_enabled() {
    let fixture = "testdata/rules/gup-vmas-migration/null.c";
    let (dir, file, src) = fixture_project("lsp-fix-off", fixture);
    let mut c = Client::start(&dir, Value::Null);
    open(&mut c, &file, &src);
    let diags = c.diagnostics(&uri(&file), Some(1));
    assert!(diags.iter().all(|d| d["code"] != MIGRATION), "{diags:#?}");
    c.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}
