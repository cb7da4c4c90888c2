//! `mmlint __worker` (hidden): the process a batch run, Kbuild's CHECK mode, `fix`,
//! `summarize` and the language server analyse their units in, so that a unit that kills
//! its process (a stack overflow inside libclang) or never finishes costs that unit only.
//! The protocol is `mmlint_driver::worker`'s.

use std::fs::File;
use std::io::{self, BufReader};
use std::os::fd::FromRawFd;

use mmlint_driver::worker::WorkerCommand;

use crate::ExitStatus;

/// The hidden subcommand's name.
pub const NAME: &str = "__worker";

/// How the parent starts a worker: this same executable.
pub fn command() -> Result<WorkerCommand, ExitStatus> {
    match std::env::current_exe() {
        Ok(program) => Ok(WorkerCommand {
            program,
            args: vec![NAME.into()],
        }),
        Err(e) => {
            crate::error_line(format!(
                "cannot find the mmlint executable to start analysis workers: {e}"
            ));
            Err(ExitStatus::ToolError)
        }
    }
}

pub fn run() -> ExitStatus {
    // A crash is reported by the parent as one line; a core file per crashed unit, written
    // into the tree being built, is not wanted.
    let no_core = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain system calls on this process's own resources and descriptors.
    let protocol_out = unsafe {
        libc::setrlimit(libc::RLIMIT_CORE, &no_core);
        // The replies get their own descriptor; anything else that writes to stdout
        // (libclang, a stray print) goes to stderr instead of into the protocol.
        let fd = libc::dup(1);
        if fd < 0 || libc::dup2(2, 1) < 0 {
            crate::error_line(format!(
                "worker: cannot set up its output: {}",
                io::Error::last_os_error()
            ));
            return ExitStatus::ToolError;
        }
        File::from_raw_fd(fd)
    };
    // Like the analysis threads of old: kernel expressions nest deep.
    let served = std::thread::Builder::new()
        .name("mmlint-worker".into())
        .stack_size(64 << 20)
        .spawn(move || {
            let input = BufReader::new(io::stdin().lock());
            mmlint_driver::worker::serve(input, io::BufWriter::new(protocol_out))
        })
        .map_err(|e| e.to_string())
        .and_then(|t| {
            t.join()
                .map_err(|_| "the worker thread panicked".to_string())
        });
    match served {
        Ok(Ok(())) => ExitStatus::Clean,
        // The parent closed the pipe (it ended, or gave up on this worker): nobody to tell.
        Ok(Err(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitStatus::Clean,
        Ok(Err(e)) => {
            crate::error_line(format!("worker: {e}"));
            ExitStatus::ToolError
        }
        Err(e) => {
            crate::error_line(format!("worker: {e}"));
            ExitStatus::ToolError
        }
    }
}
