//! The main loop over an in-memory connection, with stand-in analyses: a crashing analysis
//! is logged and the server goes on; a newer edit supersedes an older analysis; a slow
//! analysis does not hold up requests. (The real analysis is tested through stdio in
//! crates/mmlint-cli/tests/lsp.rs.)

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use mmlint_diagnostics::{Diagnostic, Severity};
use mmlint_driver::{Config, FileOutcome};
use mmlint_ir::{Loc, Span};
use mmlint_lsp::{serve, AnalyzeFn, Options};
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(30);

/// One finding on line 1 whose message is the buffer's first line.
fn echo(path: &Path, text: &str) -> FileOutcome {
    FileOutcome::Analyzed {
        diagnostics: vec![Diagnostic {
            rule: "dangling-vma",
            severity: Severity::Warning,
            span: Span::point(Loc::new(path.to_string_lossy().as_ref(), 1, 1)),
            message: text.lines().next().unwrap_or("").to_string(),
            notes: vec![],
            function: "f".into(),
            fingerprint: String::new(),
            fix: None,
            suppression: None,
        }],
        incomplete: vec![],
        exported: vec![],
        skipped: false,
        cached: false,
    }
}

struct Harness {
    client: Connection,
    server: std::thread::JoinHandle<Result<(), String>>,
    next_id: i32,
}

impl Harness {
    fn start(workers: usize, analyze: Arc<AnalyzeFn>) -> Harness {
        let (server_conn, client) = Connection::memory();
        let mut opts = Options::new(Config::new(mmlint_rules::ApiDb::builtin().unwrap()));
        opts.workers = workers;
        opts.debounce = Duration::ZERO;
        opts.analyze = analyze;
        let server = std::thread::spawn(move || serve(server_conn, opts));
        let mut h = Harness {
            client,
            server,
            next_id: 0,
        };
        let id = h.request("initialize", json!({"capabilities": {}}));
        h.wait(|m| matches!(m, Message::Response(r) if r.id == id));
        h.notify("initialized", json!({}));
        h
    }

    fn notify(&self, method: &str, params: Value) {
        self.client
            .sender
            .send(Notification::new(method.into(), params).into())
            .unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> RequestId {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.client
            .sender
            .send(Request::new(id.clone(), method.into(), params).into())
            .unwrap();
        id
    }

    fn wait(&self, pred: impl Fn(&Message) -> bool) -> Message {
        let deadline = Instant::now() + WAIT;
        loop {
            let m = self
                .client
                .receiver
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .expect("message from the server");
            if pred(&m) {
                return m;
            }
        }
    }

    fn next_publish(&self) -> Value {
        match self.wait(|m| {
            matches!(m, Message::Notification(n) if n.method == "textDocument/publishDiagnostics")
        }) {
            Message::Notification(n) => n.params,
            _ => unreachable!(),
        }
    }

    fn open(&self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "c", "version": version, "text": text}}),
        );
    }

    fn finish(mut self) {
        let id = self.request("shutdown", Value::Null);
        self.wait(|m| matches!(m, Message::Response(r) if r.id == id));
        self.notify("exit", Value::Null);
        assert_eq!(self.server.join().unwrap(), Ok(()));
    }
}

#[test]
fn a_crashing_analysis_is_logged_and_the_server_goes_on() {
    let analyze: Arc<AnalyzeFn> = Arc::new(
        |path: &Path, text: &str, _: &Config, _: &dyn Fn() -> bool| {
            if path.ends_with("boom.c") {
                panic!("stand-in analysis blew up");
            }
            Ok(echo(path, text))
        },
    );
    let h = Harness::start(1, analyze);
    h.open("file:///src/boom.c", 1, "x\n");
    let log = h.wait(|m| {
        matches!(m, Message::Notification(n) if n.method == "window/logMessage"
            && n.params["message"].as_str().unwrap_or("").contains("crashed"))
    });
    let Message::Notification(n) = log else {
        unreachable!()
    };
    assert_eq!(n.params["type"], 1, "an error-level log: {}", n.params);
    assert!(n.params["message"]
        .as_str()
        .unwrap()
        .contains("stand-in analysis blew up"));
    // Whatever was shown for it before belongs to an older text.
    let p = h.next_publish();
    assert_eq!(p["uri"], "file:///src/boom.c");
    assert_eq!(p["diagnostics"], json!([]));
    // The same worker analyses the next file.
    h.open("file:///src/fine.c", 1, "still here\n");
    let p = h.next_publish();
    assert_eq!(p["uri"], "file:///src/fine.c");
    assert_eq!(p["diagnostics"][0]["message"], "still here");
    h.finish();
}

#[test]
fn a_newer_edit_supersedes_an_older_analysis_and_requests_are_not_held_up() {
    let slow_done = Arc::new(AtomicBool::new(false));
    let flag = slow_done.clone();
    let analyze: Arc<AnalyzeFn> = Arc::new(
        move |path: &Path, text: &str, _: &Config, _: &dyn Fn() -> bool| {
            if text.starts_with("slow") {
                std::thread::sleep(Duration::from_millis(1500));
                flag.store(true, Ordering::SeqCst);
            }
            Ok(echo(path, text))
        },
    );
    // One worker: results come back in job order, so the first publication after the edit
    // is the proof that the older result was dropped.
    let mut h = Harness::start(1, analyze);
    let uri = "file:///src/a.c";
    h.open(uri, 1, "slow v1\n");
    h.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"text": "slow v2\n"}]}),
    );
    // While the slow analysis runs, a request is answered.
    let id = h.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri},
               "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
               "context": {"diagnostics": []}}),
    );
    h.wait(|m| matches!(m, Message::Response(r) if r.id == id));
    assert!(
        !slow_done.load(Ordering::SeqCst),
        "the request waited for the analysis"
    );
    let p = h.next_publish();
    assert_eq!(p["version"], 2, "{p}");
    assert_eq!(p["diagnostics"][0]["message"], "slow v2");
    // didClose clears.
    h.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    let p = h.next_publish();
    assert_eq!(p["diagnostics"], json!([]));
    h.finish();
}
