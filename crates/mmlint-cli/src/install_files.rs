//! The files `make install` puts next to the binary: man pages and shell completions, both
//! generated from the clap definitions so they cannot drift from `mmlint --help`.
//!
//! Layout under DIR (the Makefile copies from here):
//! `man1/mmlint.1`, `man1/mmlint-SUBCOMMAND.1`, `completions/mmlint.bash`,
//! `completions/_mmlint` (zsh), `completions/mmlint.fish`.

use std::io::Write;
use std::path::Path;

use clap_complete::Shell;

/// What clap does not know: exit codes, environment and files.
/// Appended to mmlint(1) as roff.
const EXTRA_SECTIONS: &str = r#".SH "EXIT STATUS"
.TP
.B 0
no findings
.TP
.B 1
findings (\fB\-\-exit\-zero\fR turns this into 0; in Kbuild's checker mode only with \fB\-\-error\-exitcode\fR or MMLINT_ERROR_EXITCODE=1)
.TP
.B 2
a file could not be analysed, libclang could not be loaded, or a usage error
.SH ENVIRONMENT
.TP
.B LIBCLANG_PATH
directory holding the libclang shared library (default: /usr/lib/llvm\-19/lib, then the usual search path); libclang 17 or later is needed
.TP
.B MMLINT_FLAGS
mmlint's own options in Kbuild's checker mode
.TP
.B MMLINT_SUMMARIES
summary file for Kbuild's checker mode (see \fBmmlint\-summarize\fR(1))
.TP
.B MMLINT_ERROR_EXITCODE
set to 1 to exit 1 on findings in Kbuild's checker mode
.SH FILES
.TP
.B mmlint.toml
settings (rule severities, disabled rules, rules\-data directories), looked up from the current directory upward
.SH "SEE ALSO"
.BR sparse (1),
.BR mmlint\-check (1),
.BR mmlint\-summarize (1),
.BR mmlint\-fix (1),
.BR mmlint\-lsp (1)
"#;

/// `mmlint install-files DIR`.
pub(crate) fn run(cmd: clap::Command, dir: &Path) -> crate::ExitStatus {
    match write(cmd, dir) {
        Ok(()) => crate::ExitStatus::Clean,
        Err(e) => {
            eprintln!("mmlint: error: {}: {e}", dir.display());
            crate::ExitStatus::ToolError
        }
    }
}

/// Writes the man pages and completions of `cmd` under `dir`.
fn write(cmd: clap::Command, dir: &Path) -> std::io::Result<()> {
    let man = dir.join("man1");
    let completions = dir.join("completions");
    std::fs::create_dir_all(&man)?;
    std::fs::create_dir_all(&completions)?;

    // The help subcommand has no page of its own.
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        clap_mangen::Man::new(sub.clone()).generate_to(&man)?;
    }
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut page)?;
    page.extend_from_slice(EXTRA_SECTIONS.as_bytes());
    std::fs::File::create(man.join("mmlint.1"))?.write_all(&page)?;

    for (shell, name) in [
        (Shell::Bash, "mmlint.bash"),
        (Shell::Zsh, "_mmlint"),
        (Shell::Fish, "mmlint.fish"),
    ] {
        let mut f = std::fs::File::create(completions.join(name))?;
        clap_complete::generate(shell, &mut cmd, "mmlint", &mut f);
    }
    Ok(())
}
