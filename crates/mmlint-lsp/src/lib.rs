//! `mmlint lsp`: a language server that publishes mmlint's findings while a file is edited.
//!
//! The main loop (one thread) owns the protocol and the open documents; analyses run on a
//! small pool of worker threads, because libclang parses of kernel files take seconds and
//! cannot be interrupted. Every edit gives the document a new generation number; a worker
//! skips a job whose generation is no longer the latest, and the main loop drops a result
//! that comes back stale, so a newer edit supersedes older analyses and a slow unit never
//! holds up the protocol. An analysis that panics, crashes or overruns its time limit is
//! reported with window/logMessage, the document's findings are cleared (they belong to
//! an older text), and the server goes on; `mmlint lsp` analyses in worker processes
//! (`mmlint_driver::worker`), so a crash does not take the server with it.
//!
//! Flags come from the nearest compile_commands.json (see [`flags`]); buffers are analysed
//! unsaved through libclang's unsaved-files support (`mmlint_driver::analyze_source`).
//!
//! **Boundary:** this crate and mmlint-report are the only ones that know a wire format; it
//! converts `mmlint_diagnostics::Diagnostic` values by hand (see [`convert`]).

pub mod convert;
pub mod flags;

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::{select, Receiver, Sender};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types as lsp;
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::Url;
use mmlint_diagnostics::Diagnostic;
use mmlint_driver::{Config, FileOutcome};

/// The analysis a worker runs: (file, buffer text, settings, "is the result still
/// wanted?"). `Err` is an analysis abandoned on the way (a crash, a time limit, no longer
/// wanted), with why. `mmlint lsp` runs it in a worker process (`mmlint_driver::worker`),
/// so that a crash or a parse that never ends costs one analysis, not the server.
pub type AnalyzeFn =
    dyn Fn(&Path, &str, &Config, &dyn Fn() -> bool) -> Result<FileOutcome, String> + Send + Sync;

/// How the server is set up (command line; `initializationOptions` may override).
pub struct Options {
    /// Rules data and disabled rules; its `clang_args` are used for files that no
    /// compile_commands.json covers.
    pub config: Config,
    /// A compile_commands.json to use for every file instead of the nearest one.
    pub compile_commands: Option<PathBuf>,
    /// Analyses that may run at once.
    pub workers: usize,
    /// Quiet time after an edit before the buffer is analysed.
    pub debounce: Duration,
    /// Where the rule pages are published, for `codeDescription` (none: no link).
    pub doc_url: Option<String>,
    pub analyze: Arc<AnalyzeFn>,
}

impl Options {
    pub fn new(config: Config) -> Options {
        Options {
            config,
            compile_commands: None,
            workers: 2,
            debounce: Duration::from_millis(300),
            doc_url: None,
            analyze: Arc::new(|path, text, cfg, _| {
                Ok(mmlint_driver::analyze_source(path, text, cfg))
            }),
        }
    }
}

/// Serves on stdin/stdout until `exit`. Errors are one line (protocol errors, an `exit`
/// without `shutdown`).
pub fn run_stdio(opts: Options) -> Result<(), String> {
    let (conn, io) = Connection::stdio();
    let res = serve(conn, opts);
    io.join().map_err(|e| format!("stdio: {e}"))?;
    res
}

/// `initializationOptions` the server understands (all optional).
#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct InitOptions {
    compile_commands: Option<PathBuf>,
    debounce_ms: Option<u64>,
}

/// The error of a client that sent `exit` before `shutdown`: the protocol asks for exit
/// status 1 then, where other errors are the tool errors of the command line.
pub const EXIT_WITHOUT_SHUTDOWN: &str = "exit without shutdown";

fn init_error(e: lsp_server::ProtocolError) -> String {
    if e.channel_is_disconnected() {
        "the client closed the connection before the initialize handshake ended".into()
    } else {
        e.to_string()
    }
}

/// Serves one connection: the initialize handshake, then the main loop until `exit`.
pub fn serve(conn: Connection, mut opts: Options) -> Result<(), String> {
    let caps = lsp::ServerCapabilities {
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::FULL),
                save: Some(lsp::TextDocumentSyncSaveOptions::SaveOptions(
                    lsp::SaveOptions {
                        include_text: Some(false),
                    },
                )),
                ..Default::default()
            },
        )),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
                ..Default::default()
            },
        )),
        ..Default::default()
    };
    let (id, params) = conn.initialize_start().map_err(init_error)?;
    let params: lsp::InitializeParams =
        serde_json::from_value(params).map_err(|e| format!("initialize: bad parameters: {e}"))?;
    // Bad options are reported once the client can hear it, not a reason to refuse.
    let (init, init_problem) = match params.initialization_options {
        Some(v) if !v.is_null() => match serde_json::from_value::<InitOptions>(v) {
            Ok(o) => (o, None),
            Err(e) => (
                InitOptions::default(),
                Some(format!("mmlint: initializationOptions ignored: {e}")),
            ),
        },
        _ => (InitOptions::default(), None),
    };
    if init.compile_commands.is_some() {
        opts.compile_commands = init.compile_commands;
    }
    if let Some(ms) = init.debounce_ms {
        opts.debounce = Duration::from_millis(ms);
    }
    let result = lsp::InitializeResult {
        capabilities: caps,
        server_info: Some(lsp::ServerInfo {
            name: "mmlint".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    conn.initialize_finish(id, serde_json::to_value(result).expect("plain data"))
        .map_err(init_error)?;
    let server = Server::new(conn, opts);
    if let Some(m) = init_problem {
        server.log(lsp::MessageType::WARNING, m);
    }
    server.main_loop()
}

/// An open document.
struct Doc {
    path: PathBuf,
    text: Arc<str>,
    version: i32,
}

/// What was last published for a document, kept for code actions.
struct Published {
    version: i32,
    text: Arc<str>,
    main: String,
    base: PathBuf,
    diags: Vec<Diagnostic>,
}

struct Job {
    uri: Url,
    generation: u64,
    version: i32,
    path: PathBuf,
    text: Arc<str>,
}

/// A worker's report to the main loop.
struct Done {
    job: Job,
    flags: String,
    base: PathBuf,
    elapsed: Duration,
    /// `Err`: the analysis was abandoned (a panic, a crash, a time limit), with why.
    outcome: Result<FileOutcome, String>,
}

/// The latest generation of each document; workers read it to skip superseded jobs.
type Generations = Arc<Mutex<HashMap<Url, u64>>>;

struct Server {
    conn: Connection,
    docs: HashMap<Url, Doc>,
    published: HashMap<Url, Published>,
    generations: Generations,
    next_generation: u64,
    /// Documents edited but not yet sent for analysis, with when to send them.
    pending: HashMap<Url, Instant>,
    /// The flags explanation last logged per document (logged again only when it changes).
    flags_said: HashMap<Url, String>,
    debounce: Duration,
    doc_url: Option<String>,
    jobs: Sender<Job>,
    done: Receiver<Done>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn panic_message(p: Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// The directory clang resolves relative paths against.
fn working_dir(args: &[String]) -> PathBuf {
    args.iter()
        .rev()
        .find_map(|a| a.strip_prefix("-working-directory=").map(PathBuf::from))
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("/"))
}

fn spawn_workers(opts: &Options, generations: &Generations) -> (Sender<Job>, Receiver<Done>) {
    let (job_tx, job_rx) = crossbeam_channel::unbounded::<Job>();
    let (done_tx, done_rx) = crossbeam_channel::unbounded::<Done>();
    let cache = Arc::new(flags::CompDbCache::default());
    for i in 0..opts.workers.max(1) {
        let (job_rx, done_tx) = (job_rx.clone(), done_tx.clone());
        let (cache, generations) = (cache.clone(), generations.clone());
        let (base_cfg, compdb, analyze) = (
            opts.config.clone(),
            opts.compile_commands.clone(),
            opts.analyze.clone(),
        );
        // Like batch mode's unit threads: the analysis recurses over deep kernel
        // expressions. The threads are never joined: one stuck in libclang ends with the
        // process.
        std::thread::Builder::new()
            .name(format!("mmlint-lsp-worker-{i}"))
            .stack_size(64 << 20)
            .spawn(move || {
                for job in job_rx {
                    if lock(&generations).get(&job.uri) != Some(&job.generation) {
                        continue;
                    }
                    let start = Instant::now();
                    let fl = cache.flags_for(&job.path, compdb.as_deref(), &base_cfg.clang_args);
                    let base = working_dir(&fl.args);
                    let mut cfg = base_cfg.clone();
                    cfg.clang_args = fl.args;
                    // A newer edit, or the document's close, makes this analysis useless.
                    let superseded = || lock(&generations).get(&job.uri) != Some(&job.generation);
                    let outcome = catch_unwind(AssertUnwindSafe(|| {
                        analyze(&job.path, &job.text, &cfg, &superseded)
                    }))
                    .map_err(|p| format!("analysis crashed: {}", panic_message(p)))
                    .and_then(|r| r);
                    let done = Done {
                        job,
                        flags: fl.how,
                        base,
                        elapsed: start.elapsed(),
                        outcome,
                    };
                    if done_tx.send(done).is_err() {
                        return;
                    }
                }
            })
            .expect("spawning a worker thread");
    }
    (job_tx, done_rx)
}

impl Server {
    fn new(conn: Connection, opts: Options) -> Server {
        let generations = Generations::default();
        let (jobs, done) = spawn_workers(&opts, &generations);
        Server {
            conn,
            docs: HashMap::new(),
            published: HashMap::new(),
            generations,
            next_generation: 0,
            pending: HashMap::new(),
            flags_said: HashMap::new(),
            debounce: opts.debounce,
            doc_url: opts.doc_url,
            jobs,
            done,
        }
    }

    fn main_loop(mut self) -> Result<(), String> {
        loop {
            let timer = match self.pending.values().min() {
                Some(t) => crossbeam_channel::at(*t),
                None => crossbeam_channel::never(),
            };
            select! {
                recv(self.conn.receiver) -> msg => {
                    let Ok(msg) = msg else {
                        return Err("the client closed the connection without exit".into());
                    };
                    match msg {
                        Message::Request(r) => {
                            if self.conn.handle_shutdown(&r).map_err(|e| e.to_string())? {
                                return Ok(());
                            }
                            self.request(r);
                        }
                        Message::Notification(n) if n.method == notif::Exit::METHOD => {
                            return Err(EXIT_WITHOUT_SHUTDOWN.into());
                        }
                        Message::Notification(n) => self.notification(n),
                        Message::Response(_) => {}
                    }
                }
                recv(self.done) -> d => {
                    if let Ok(d) = d {
                        self.finished(d);
                    }
                }
                recv(timer) -> _ => {
                    let now = Instant::now();
                    let due: Vec<Url> = self
                        .pending
                        .iter()
                        .filter(|(_, t)| **t <= now)
                        .map(|(u, _)| u.clone())
                        .collect();
                    for uri in due {
                        self.pending.remove(&uri);
                        self.schedule(&uri);
                    }
                }
            }
        }
    }

    fn send(&self, m: impl Into<Message>) {
        // The connection only fails when the client is gone; the loop sees that next.
        let _ = self.conn.sender.send(m.into());
    }

    fn log(&self, typ: lsp::MessageType, message: String) {
        self.send(Notification::new(
            notif::LogMessage::METHOD.into(),
            lsp::LogMessageParams { typ, message },
        ));
    }

    fn publish(&self, uri: &Url, version: Option<i32>, diagnostics: Vec<lsp::Diagnostic>) {
        self.send(Notification::new(
            notif::PublishDiagnostics::METHOD.into(),
            lsp::PublishDiagnosticsParams {
                uri: uri.clone(),
                diagnostics,
                version,
            },
        ));
    }

    /// A new generation for `uri`: whatever is queued or running for it is now stale.
    fn bump(&mut self, uri: &Url) -> u64 {
        self.next_generation += 1;
        lock(&self.generations).insert(uri.clone(), self.next_generation);
        self.next_generation
    }

    /// Queues an analysis of the document's current text.
    fn schedule(&mut self, uri: &Url) {
        let generation = self.bump(uri);
        let Some(doc) = self.docs.get(uri) else {
            return;
        };
        let job = Job {
            uri: uri.clone(),
            generation,
            version: doc.version,
            path: doc.path.clone(),
            text: doc.text.clone(),
        };
        let _ = self.jobs.send(job);
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            notif::DidOpenTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(n.params)
                else {
                    return;
                };
                let uri = p.text_document.uri;
                let Ok(path) = uri.to_file_path() else {
                    self.log(
                        lsp::MessageType::WARNING,
                        format!("mmlint: {uri} is not a file; not analysed"),
                    );
                    return;
                };
                self.docs.insert(
                    uri.clone(),
                    Doc {
                        path,
                        text: p.text_document.text.into(),
                        version: p.text_document.version,
                    },
                );
                self.schedule(&uri);
            }
            notif::DidChangeTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(n.params)
                else {
                    return;
                };
                let uri = p.text_document.uri;
                let Some(doc) = self.docs.get_mut(&uri) else {
                    return;
                };
                // Full sync: the last change holds the whole text.
                if let Some(c) = p.content_changes.into_iter().last() {
                    doc.text = c.text.into();
                }
                doc.version = p.text_document.version;
                // Results for the older text would point at the wrong lines: drop them.
                self.bump(&uri);
                self.pending.insert(uri, Instant::now() + self.debounce);
            }
            notif::DidSaveTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp::DidSaveTextDocumentParams>(n.params)
                else {
                    return;
                };
                let uri = p.text_document.uri;
                self.pending.remove(&uri);
                self.schedule(&uri);
            }
            notif::DidCloseTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(n.params)
                else {
                    return;
                };
                let uri = p.text_document.uri;
                self.bump(&uri);
                self.docs.remove(&uri);
                self.pending.remove(&uri);
                self.published.remove(&uri);
                self.flags_said.remove(&uri);
                self.publish(&uri, None, vec![]);
            }
            _ => {}
        }
    }

    fn request(&mut self, r: Request) {
        let resp = match r.method.as_str() {
            req::CodeActionRequest::METHOD => {
                match serde_json::from_value::<lsp::CodeActionParams>(r.params) {
                    Ok(p) => Response::new_ok(r.id, self.code_actions(&p)),
                    Err(e) => Response::new_err(
                        r.id,
                        ErrorCode::InvalidParams as i32,
                        format!("codeAction: {e}"),
                    ),
                }
            }
            m => Response::new_err(
                r.id,
                ErrorCode::MethodNotFound as i32,
                format!("mmlint does not implement {m}"),
            ),
        };
        self.send(resp);
    }

    fn code_actions(&self, p: &lsp::CodeActionParams) -> Vec<lsp::CodeActionOrCommand> {
        let uri = &p.text_document.uri;
        let Some(pb) = self.published.get(uri) else {
            return vec![];
        };
        // Findings of an older text (an analysis pending, or the buffer no longer parses):
        // their edits would land on the wrong lines, and some clients apply them whatever
        // version they name (Neovim 0.7 does for a buffer opened at version 0).
        if self.docs.get(uri).is_some_and(|d| d.version != pb.version) {
            return vec![];
        }
        let mut texts = convert::Texts::new(&pb.main, &pb.text, &pb.base);
        convert::code_actions(
            uri,
            pb.version,
            &pb.diags,
            &mut texts,
            &p.range,
            self.doc_url.as_deref(),
        )
    }

    fn finished(&mut self, d: Done) {
        let Done {
            job,
            flags,
            base,
            elapsed,
            outcome,
        } = d;
        let current = lock(&self.generations).get(&job.uri) == Some(&job.generation);
        if !current || !self.docs.contains_key(&job.uri) {
            return;
        }
        if self.flags_said.get(&job.uri) != Some(&flags) {
            self.log(lsp::MessageType::INFO, format!("mmlint: {flags}"));
            self.flags_said.insert(job.uri.clone(), flags);
        }
        let shown = job.path.display();
        match outcome {
            // The findings up are those of an older text, and nothing says whether they
            // still hold: they go, with their code actions.
            Err(why) => {
                self.log(
                    lsp::MessageType::ERROR,
                    format!(
                        "mmlint: {shown} (version {}): {why}; no findings are shown for it (the server goes on)",
                        job.version
                    ),
                );
                self.published.remove(&job.uri);
                self.publish(&job.uri, Some(job.version), vec![]);
            }
            // A buffer in mid-edit often does not parse: the last findings stay up rather
            // than flicker away, and clang's complaint goes to the log.
            Ok(FileOutcome::Failed { reason, details }) => {
                let mut m = format!("mmlint: {shown}: {reason}");
                for l in details {
                    m.push_str("\n  ");
                    m.push_str(&l);
                }
                self.log(lsp::MessageType::WARNING, m);
            }
            Ok(FileOutcome::Analyzed {
                diagnostics,
                incomplete,
                ..
            }) => {
                let main = job.path.to_string_lossy().into_owned();
                for f in incomplete {
                    self.log(
                        lsp::MessageType::INFO,
                        format!("mmlint: analysis of '{f}' stopped at its step budget; results may be incomplete"),
                    );
                }
                // Findings in headers belong to the header's own document; suppressed ones
                // are not shown, as in the gcc format.
                let diags: Vec<Diagnostic> = diagnostics
                    .into_iter()
                    .filter(|d| d.suppression.is_none() && *d.span.start.file == *main)
                    .collect();
                let mut texts = convert::Texts::new(&main, &job.text, &base);
                let lsp_diags: Vec<lsp::Diagnostic> = diags
                    .iter()
                    .map(|d| convert::to_lsp(d, &mut texts, self.doc_url.as_deref()))
                    .collect();
                self.log(
                    lsp::MessageType::LOG,
                    format!(
                        "mmlint: analysed {shown} (version {}) in {} ms: {} finding(s)",
                        job.version,
                        elapsed.as_millis(),
                        diags.len()
                    ),
                );
                self.publish(&job.uri, Some(job.version), lsp_diags);
                self.published.insert(
                    job.uri.clone(),
                    Published {
                        version: job.version,
                        text: job.text,
                        main,
                        base,
                        diags,
                    },
                );
            }
        }
    }
}
