//! Crash isolation: units are analysed in worker processes, so that a signal (a stack
//! overflow inside libclang, which neither libclang's crash recovery nor `catch_unwind`
//! catches) or a parse that never ends costs that unit only.
//!
//! The protocol, over the worker's stdin and stdout, one JSON document per line (JSON
//! escapes newlines inside strings, so a line is a message):
//!
//! 1. the parent sends a [`Setup`]: how to load the same rules, summaries and rule
//!    selection as the parent's [`Config`];
//! 2. then, any number of times, a [`Job`], answered by one [`FileOutcome`].
//!
//! The parent ([`Pool`]) keeps idle workers for reuse, kills a worker (SIGKILL) whose unit
//! overruns its time limit or is no longer wanted, and reads a worker's death while it
//! works on a unit as that unit's failure: `analysis crashed (signal 11)`. A new worker
//! takes the next unit. The pool knows nothing of locks or rules: it moves units and
//! outcomes between processes.

use std::io::{self, BufRead, BufReader, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::{analyze_file, analyze_source, Config, FileOutcome};
use mmlint_rules::ApiDb;

/// Bumped when a message's shape changes: a worker started from a binary replaced on disk
/// during the run refuses the parent's setup rather than misread it.
const PROTOCOL: u32 = 3;

/// How a worker builds its [`Config`]: the same rules data, summaries and rule choice as
/// the parent's.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Setup {
    pub protocol: u32,
    pub rules_dirs: Vec<PathBuf>,
    pub summaries: Option<PathBuf>,
    pub disabled: Vec<String>,
    pub enabled: Vec<String>,
    pub report_unused_suppressions: bool,
    /// The kernel the rules data is selected for (`X.Y[.Z]`), so that a worker applies the
    /// same entries as the process that started it.
    #[serde(default)]
    pub kernel_version: Option<String>,
    /// The unit-level prefilter is on.
    #[serde(default)]
    pub unit_prefilter: bool,
    /// Where the prefilter keeps its header scans between runs (none: in memory only).
    /// A field of its own: serde writes `Some(None)` of a nested option as `null`, which
    /// reads back as `None`, and so a `--no-cache` run's workers parsed every unit.
    #[serde(default)]
    pub header_scans: Option<PathBuf>,
    /// The result cache's directory, when it is on.
    #[serde(default)]
    pub result_cache: Option<PathBuf>,
    /// `Config::wants_summaries`: the prefilter keeps units that only export summaries.
    #[serde(default)]
    pub wants_summaries: bool,
}

impl Default for Setup {
    /// The built-in rules, every rule that is on by default, no summaries.
    fn default() -> Setup {
        Setup {
            protocol: PROTOCOL,
            rules_dirs: vec![],
            summaries: None,
            disabled: vec![],
            enabled: vec![],
            report_unused_suppressions: false,
            kernel_version: None,
            unit_prefilter: false,
            header_scans: None,
            result_cache: None,
            wants_summaries: false,
        }
    }
}

impl Setup {
    /// The recipe of `cfg` (its compiler arguments come with each job).
    pub fn of(cfg: &Config) -> Setup {
        Setup {
            protocol: PROTOCOL,
            rules_dirs: cfg.rules_dirs.clone(),
            summaries: cfg.summaries_file.clone(),
            disabled: cfg.disabled.clone(),
            enabled: cfg.enabled.clone(),
            report_unused_suppressions: cfg.report_unused_suppressions,
            kernel_version: cfg.db.kernel_version().map(|v| v.to_string()),
            unit_prefilter: cfg.unit_prefilter.is_some(),
            header_scans: cfg
                .unit_prefilter
                .as_ref()
                .and_then(|u| u.cache_dir().map(Path::to_path_buf)),
            result_cache: cfg.cache.as_ref().map(|c| c.dir().to_path_buf()),
            wants_summaries: cfg.wants_summaries,
        }
    }

    /// Loads the built-in rules, the rules directories, libclang and the summary file.
    /// An error names what failed (a TOML error may span lines).
    pub fn load(&self) -> Result<Config, String> {
        let cfg = self.load_without_libclang()?;
        mmlint_frontend::Frontend::ensure_loaded().map_err(|e| e.to_string())?;
        Ok(cfg)
    }

    /// [`Setup::load`] but libclang, which the caller loads when a unit needs parsing
    /// (opening it costs more than deciding that most units of a directory need none).
    pub fn load_without_libclang(&self) -> Result<Config, String> {
        let mut db = ApiDb::builtin().map_err(|e| format!("built-in rules: {e}"))?;
        for d in &self.rules_dirs {
            db.load_dir(d).map_err(|e| e.to_string())?;
        }
        if let Some(v) = &self.kernel_version {
            let v = v
                .parse()
                .map_err(|e| format!("kernel version '{v}': {e}"))?;
            db.set_kernel_version(Some(v));
        }
        let mut cfg = Config::new(db);
        cfg.rules_dirs = self.rules_dirs.clone();
        cfg.disabled = self.disabled.clone();
        cfg.enabled = self.enabled.clone();
        cfg.report_unused_suppressions = self.report_unused_suppressions;
        if let Some(p) = &self.summaries {
            cfg.summaries = Some(Arc::new(crate::summary_file::load(p)?));
            cfg.summaries_file = Some(p.clone());
        }
        // After the summaries: their functions are words the prefilter looks for, and they
        // are part of the cache key.
        cfg.wants_summaries = self.wants_summaries;
        if self.unit_prefilter {
            cfg.enable_unit_prefilter(self.header_scans.clone());
        }
        if let Some(dir) = &self.result_cache {
            cfg.enable_cache(dir.clone());
        }
        Ok(cfg)
    }
}

/// One unit to analyse.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Job {
    /// The file, as clang and the diagnostics name it.
    pub path: String,
    /// clang's arguments (the [`Config`]'s `clang_args` for this unit).
    pub args: Vec<String>,
    /// The text of an unsaved buffer that stands for the file (editors).
    pub contents: Option<String>,
}

/// The worker's side: answers jobs from `input` on `output` until `input` ends. Run it on
/// a thread with a big stack (the analysis recurses over deep kernel expressions). Errors
/// are the pipes' (the parent is gone).
pub fn serve(input: impl BufRead, mut output: impl Write) -> io::Result<()> {
    let mut lines = input.lines();
    let Some(first) = lines.next() else {
        return Ok(());
    };
    let cfg = match serde_json::from_str::<Setup>(&first?) {
        Ok(s) if s.protocol == PROTOCOL => s.load(),
        Ok(s) => Err(format!(
            "the worker speaks protocol {PROTOCOL}, the parent {} (was mmlint replaced during the run?)",
            s.protocol
        )),
        Err(e) => Err(format!("unreadable worker setup: {e}")),
    };
    for line in lines {
        let outcome = match (serde_json::from_str::<Job>(&line?), &cfg) {
            (Ok(job), Ok(cfg)) => run_job(job, cfg),
            (Err(e), _) => failed(format!("internal error: unreadable job: {e}")),
            (_, Err(e)) => failed(format!("cannot start the analysis: {e}")),
        };
        let reply = serde_json::to_string(&outcome).map_err(io::Error::other)?;
        output.write_all(reply.as_bytes())?;
        output.write_all(b"\n")?;
        output.flush()?;
    }
    Ok(())
}

fn failed(reason: String) -> FileOutcome {
    FileOutcome::Failed {
        reason,
        details: vec![],
    }
}

fn run_job(job: Job, base: &Config) -> FileOutcome {
    let cfg = Config {
        clang_args: job.args,
        ..base.clone()
    };
    let path = Path::new(&job.path);
    let r = catch_unwind(AssertUnwindSafe(|| match &job.contents {
        Some(text) => analyze_source(path, text, &cfg),
        None => analyze_file(path, &cfg),
    }));
    r.unwrap_or_else(|p| {
        let msg = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into());
        failed(format!("internal error: {msg}"))
    })
}

/// The program a [`Pool`] starts as a worker: it must run [`serve`] on its stdin and
/// stdout (`mmlint __worker`).
#[derive(Clone, Debug)]
pub struct WorkerCommand {
    pub program: PathBuf,
    pub args: Vec<String>,
}

/// Why a unit has no outcome from its worker. The worker is gone in every case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Abandoned {
    /// Killed at the time limit.
    TimedOut(Duration),
    /// Killed because the caller no longer wanted the result.
    Cancelled,
    /// Died while working on the unit: a one-line reason (`analysis crashed (signal 11)`).
    Crashed(String),
}

impl Abandoned {
    /// The unit's failure as the command line reports it.
    pub fn reason(&self) -> String {
        match self {
            Abandoned::TimedOut(t) => format!("timed out after {} s (--timeout)", t.as_secs()),
            Abandoned::Cancelled => "analysis cancelled".into(),
            Abandoned::Crashed(r) => r.clone(),
        }
    }
}

/// Worker processes, started on demand and reused; each runs one unit at a time.
pub struct Pool {
    command: WorkerCommand,
    setup: String,
    idle: Mutex<Vec<Worker>>,
}

impl Pool {
    /// Workers set up like `cfg` (its `clang_args` are not used: each job has its own).
    pub fn new(command: WorkerCommand, cfg: &Config) -> Pool {
        Pool {
            command,
            setup: serde_json::to_string(&Setup::of(cfg)).expect("plain data"),
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Analyses `job` in a worker within `timeout`. `cancelled` is asked a few times a
    /// second; when it says yes, the worker is killed. Callers run at most as many of
    /// these at once as they want workers.
    pub fn analyze(
        &self,
        job: &Job,
        timeout: Duration,
        cancelled: Option<&dyn Fn() -> bool>,
    ) -> Result<FileOutcome, Abandoned> {
        let line = serde_json::to_string(job).expect("plain data");
        let idle = self.lock_idle().pop();
        let mut worker = match idle {
            Some(w) => w,
            None => Worker::start(&self.command, &self.setup).map_err(|e| {
                Abandoned::Crashed(format!(
                    "cannot start an analysis worker ({}): {e}",
                    self.command.program.display()
                ))
            })?,
        };
        let res = worker.run(&line, timeout, cancelled);
        if res.is_ok() {
            self.lock_idle().push(worker);
        }
        res
    }

    fn lock_idle(&self) -> std::sync::MutexGuard<'_, Vec<Worker>> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// One worker process and the thread that reads its replies.
struct Worker {
    child: Child,
    stdin: ChildStdin,
    replies: mpsc::Receiver<String>,
}

/// How often a wait for a reply asks whether it is still wanted.
const CANCEL_POLL: Duration = Duration::from_millis(50);

impl Worker {
    fn start(command: &WorkerCommand, setup: &str) -> io::Result<Worker> {
        let mut child = Command::new(&command.program)
            .args(&command.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(io::Error::other("no pipes to the worker"));
        };
        let (tx, replies) = mpsc::channel();
        // The reader ends when the worker's stdout closes: it exited, died or was killed.
        std::thread::Builder::new()
            .name("mmlint-worker-reader".into())
            .spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { return };
                    if tx.send(line).is_err() {
                        return;
                    }
                }
            })?;
        let sent = stdin
            .write_all(setup.as_bytes())
            .and_then(|_| stdin.write_all(b"\n"));
        let worker = Worker {
            child,
            stdin,
            replies,
        };
        sent.map(|_| worker)
    }

    fn run(
        &mut self,
        job: &str,
        timeout: Duration,
        cancelled: Option<&dyn Fn() -> bool>,
    ) -> Result<FileOutcome, Abandoned> {
        let sent = self
            .stdin
            .write_all(job.as_bytes())
            .and_then(|_| self.stdin.write_all(b"\n"))
            .and_then(|_| self.stdin.flush());
        if sent.is_err() {
            // The worker is gone; what it died of is in its exit status.
            return Err(self.died());
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let wait = match cancelled {
                Some(_) => left.min(CANCEL_POLL),
                None => left,
            };
            match self.replies.recv_timeout(wait) {
                Ok(line) => {
                    return serde_json::from_str(&line).map_err(|e| {
                        self.kill();
                        Abandoned::Crashed(format!(
                            "internal error: unreadable reply from the analysis worker: {e}"
                        ))
                    })
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return Err(self.died()),
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if Instant::now() >= deadline {
                        self.kill();
                        return Err(Abandoned::TimedOut(timeout));
                    }
                    if cancelled.is_some_and(|c| c()) {
                        self.kill();
                        return Err(Abandoned::Cancelled);
                    }
                }
            }
        }
    }

    /// The worker ended while it had a unit: how.
    fn died(&mut self) -> Abandoned {
        use std::os::unix::process::ExitStatusExt;
        // Its stdout is closed; it may still be on its way out.
        let status = match self.child.wait() {
            Ok(s) => s,
            Err(e) => return Abandoned::Crashed(format!("analysis worker lost: {e}")),
        };
        Abandoned::Crashed(match (status.signal(), status.code()) {
            (Some(sig), _) => format!("analysis crashed (signal {sig})"),
            (None, Some(code)) => {
                format!("analysis crashed (the worker exited with status {code})")
            }
            (None, None) => format!("analysis crashed ({status})"),
        })
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // An idle worker would end at the end of its stdin anyway; killing it also reaps
        // it now rather than at the parent's exit.
        self.kill();
    }
}

/// Analyses one unit in a fork of this process, for a process that has loaded its rules,
/// summaries and libclang already and has one unit or a few to analyse (Kbuild's CHECK
/// mode runs one process per file): starting a [`Pool`] worker would load all of that a
/// second time, which costs about as much as analysing a small unit. The outcome comes back
/// over a pipe as in the pool's protocol; a death or the time limit is the same
/// [`Abandoned`].
///
/// The caller must be single-threaded: only the forking thread exists in the child, and a
/// lock another thread held at the fork (the allocator's) would never be released there.
pub fn analyze_forked(job: Job, cfg: &Config, timeout: Duration) -> Result<FileOutcome, Abandoned> {
    let os_err = |what: &str| Abandoned::Crashed(format!("{what}: {}", io::Error::last_os_error()));
    let mut fds = [0; 2];
    // SAFETY: pipe2 fills the two descriptors it is given room for.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(os_err("cannot create a pipe for the analysis"));
    }
    let (read_end, write_end) = (fds[0], fds[1]);
    // SAFETY: the caller is single-threaded (see above); the child only analyses, writes
    // to its end of the pipe and leaves with _exit.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        let e = os_err("cannot start the analysis process");
        // SAFETY: our own descriptors, closed once.
        unsafe {
            libc::close(read_end);
            libc::close(write_end);
        }
        return Err(e);
    }
    if pid == 0 {
        // SAFETY: in the child: our descriptors; _exit skips the parent's atexit handlers
        // and destructors, which are the parent's business.
        unsafe {
            libc::close(read_end);
            let no_core = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            libc::setrlimit(libc::RLIMIT_CORE, &no_core);
            let mut out = <std::fs::File as std::os::fd::FromRawFd>::from_raw_fd(write_end);
            let cfg = cfg.clone();
            // The analysis recurses over deep kernel expressions: a big stack, as in `serve`.
            let outcome = std::thread::Builder::new()
                .stack_size(64 << 20)
                .spawn(move || run_job(job, &cfg))
                .ok()
                .and_then(|t| t.join().ok());
            let code = match outcome.map(|o| serde_json::to_vec(&o)) {
                Some(Ok(bytes)) if out.write_all(&bytes).is_ok() => 0,
                _ => 3,
            };
            libc::_exit(code)
        }
    }
    // SAFETY: the parent's copy of the child's end; closing it lets the read see the end
    // of file when the child is gone.
    unsafe { libc::close(write_end) };
    let read = read_until_end(read_end, Instant::now() + timeout);
    // SAFETY: our descriptor, closed once; pid is our child.
    let status = unsafe {
        libc::close(read_end);
        if read.is_none() {
            libc::kill(pid, libc::SIGKILL);
        }
        let mut status = 0;
        while libc::waitpid(pid, &mut status, 0) < 0
            && io::Error::last_os_error().kind() == io::ErrorKind::Interrupted
        {}
        status
    };
    let Some(bytes) = read else {
        return Err(Abandoned::TimedOut(timeout));
    };
    if libc::WIFSIGNALED(status) {
        return Err(Abandoned::Crashed(format!(
            "analysis crashed (signal {})",
            libc::WTERMSIG(status)
        )));
    }
    match serde_json::from_slice(&bytes) {
        Ok(o) if libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0 => Ok(o),
        _ => Err(Abandoned::Crashed(format!(
            "analysis crashed (the analysis process exited with status {})",
            libc::WEXITSTATUS(status)
        ))),
    }
}

/// Everything `fd` delivers until its end, or `None` at `deadline`.
fn read_until_end(fd: i32, deadline: Instant) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut chunk = vec![0u8; 1 << 16];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return None;
        }
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = left.as_millis().clamp(1, i32::MAX as u128) as i32;
        // SAFETY: one pollfd, and a buffer of chunk.len() bytes.
        let n = unsafe { libc::poll(&mut pfd, 1, ms) };
        if n <= 0 {
            // A timeout is checked at the top; EINTR polls again. Any other failure of
            // poll on our own pipe cannot happen; the deadline ends the wait regardless.
            continue;
        }
        let got = unsafe { libc::read(fd, chunk.as_mut_ptr().cast(), chunk.len()) };
        match got {
            0 => return Some(bytes),
            n if n > 0 => bytes.extend_from_slice(&chunk[..n as usize]),
            _ if io::Error::last_os_error().kind() == io::ErrorKind::Interrupted => {}
            // The pipe is broken: whatever the child's status says is the story.
            _ => return Some(bytes),
        }
    }
}
