//! `--target` and mmlint.toml's `target`: the architecture every unit is parsed for,
//! instead of the one its command line names (docs/architectures.md).

use mmlint_driver::Config;
use mmlint_frontend::flags::{target_by_name, Target};

use crate::{CheckRun, ExitStatus};

impl CheckRun {
    /// mmlint.toml's `target`, unless the command line gave one.
    pub(crate) fn settings(&mut self, s: &crate::config::Config) {
        if self.target.is_none() {
            self.target = s.target.clone();
        }
    }

    /// The override, if any; an unknown name is a one-line error.
    pub(crate) fn target(&self) -> Result<Option<Target>, ExitStatus> {
        self.target
            .as_deref()
            .map(target_by_name)
            .transpose()
            .map_err(|e| {
                crate::error_line(e);
                ExitStatus::ToolError
            })
    }
}

/// `cfg` for files given with clang's own arguments (`mmlint check a.c -- ARGS`): they
/// need no translation, only the target in front.
pub(crate) fn in_front(cfg: &Config, target: Option<&Target>) -> Option<Config> {
    let t = target?;
    let mut c = cfg.clone();
    c.clang_args = t.args().into_iter().chain(c.clang_args).collect();
    Some(c)
}
