//! `mmlint lsp`: settings as for `check` (mmlint.toml, --disable, --rules-dir), then the
//! language server of mmlint-lsp on stdio, analysing in worker processes (a crash or a
//! parse that never ends costs one analysis, not the server).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use mmlint_driver::worker::{Job, Pool};
use mmlint_driver::FileOutcome;

use crate::{setup, CommonOpts, ExitStatus};

pub struct LspArgs {
    pub common: CommonOpts,
    pub compdb: Option<PathBuf>,
    pub jobs: usize,
    pub debounce_ms: u64,
    pub timeout: Duration,
    pub config: Option<PathBuf>,
    pub doc_url: Option<String>,
    pub compiler_args: Vec<String>,
}

pub fn run(mut a: LspArgs) -> ExitStatus {
    let settings = match crate::layer_settings(a.config.as_deref(), &mut a.common) {
        Ok(s) => s,
        Err(st) => return st,
    };
    let doc_url = match crate::doc_url(a.doc_url.as_deref(), &settings) {
        Ok(u) => u,
        Err(st) => return st,
    };
    let hint = crate::TreeHint {
        compdb: a.compdb.as_deref(),
        clang_args: &a.compiler_args,
    };
    let mut cfg = match setup(&a.common, hint) {
        Ok(cfg) => cfg,
        Err(s) => return s,
    };
    cfg.clang_args = a.compiler_args;
    let severity = settings.severity;
    let worker = match crate::worker_cmd::command() {
        Ok(w) => w,
        Err(s) => return s,
    };
    // The server runs at most `workers` analyses at once, so the pool keeps at most that
    // many processes.
    let pool = Pool::new(worker, &cfg);
    let timeout = a.timeout;
    let mut opts = mmlint_lsp::Options::new(cfg);
    // Editors start servers in directories of their choosing: pin a relative path now.
    opts.compile_commands = a.compdb.map(|p| std::path::absolute(&p).unwrap_or(p));
    opts.workers = a.jobs.max(1);
    opts.debounce = Duration::from_millis(a.debounce_ms);
    opts.doc_url = doc_url;
    opts.analyze = Arc::new(move |path, text, cfg, superseded| {
        let job = Job {
            path: path.display().to_string(),
            args: cfg.clang_args.clone(),
            contents: Some(text.to_string()),
        };
        let mut out = pool
            .analyze(&job, timeout, Some(superseded))
            .map_err(|a| a.reason())?;
        if let FileOutcome::Analyzed { diagnostics, .. } = &mut out {
            for d in diagnostics {
                if let Some(s) = severity.get(d.rule) {
                    d.severity = *s;
                }
            }
        }
        Ok(out)
    });
    let res = mmlint_lsp::run_stdio(opts);
    // The workers are never joined; one may be inside libclang still.
    crate::ABANDONED_THREADS.store(true, std::sync::atomic::Ordering::SeqCst);
    match res {
        Ok(()) => ExitStatus::Clean,
        Err(e) if e == mmlint_lsp::EXIT_WITHOUT_SHUTDOWN => {
            eprintln!("mmlint: lsp: {e}");
            ExitStatus::Findings
        }
        // Not the LSP on stdin (garbage, a broken header, a client gone without `exit`):
        // a tool error like any other bad input.
        Err(e) => {
            crate::error_line(format!("lsp: {e}"));
            ExitStatus::ToolError
        }
    }
}
