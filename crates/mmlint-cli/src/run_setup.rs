//! What every analysing command does first: validate the rule options, load the rules data
//! for the kernel analysed, load libclang (`setup`); and `mmlint rules`.

use std::path::{Path, PathBuf};

use mmlint_driver::worker::Setup;
use mmlint_driver::Config;
use mmlint_rules::{ApiDb, KernelVersion};

use crate::{print_stdout, CommonOpts, ExitStatus};

/// Where a tree's kernel version can be read: the compile database, the compiler's `-I`
/// directories, the current directory.
#[derive(Default)]
pub(crate) struct TreeHint<'a> {
    pub compdb: Option<&'a Path>,
    pub clang_args: &'a [String],
}

/// Validates options, loads rules data and libclang: the work shared by every way of
/// checking. Errors are printed; the caller gets the exit status.
pub(crate) fn setup(common: &CommonOpts, tree: TreeHint<'_>) -> Result<Config, ExitStatus> {
    setup_loading(common, tree, true)
}

/// [`setup`], leaving libclang for the caller to load when a unit needs parsing.
pub(crate) fn setup_without_libclang(
    common: &CommonOpts,
    tree: TreeHint<'_>,
) -> Result<Config, ExitStatus> {
    setup_loading(common, tree, false)
}

fn setup_loading(
    common: &CommonOpts,
    tree: TreeHint<'_>,
    libclang: bool,
) -> Result<Config, ExitStatus> {
    for (opt, rules) in [("--disable", &common.disable), ("--enable", &common.enable)] {
        for r in rules {
            if mmlint_checks::find_rule_meta(r).is_none() {
                eprintln!("mmlint: error: unknown rule '{r}' in {opt} (see `mmlint rules`)");
                return Err(ExitStatus::ToolError);
            }
        }
    }
    // The command line (or mmlint.toml, layered into it) wins over the tree's header.
    let kernel = match common.kernel_version {
        Some(v) => Some((v, "given".to_string())),
        None => {
            let cwd = std::env::current_dir().unwrap_or_default();
            mmlint_driver::kernel_version::detect(tree.compdb, tree.clang_args, &cwd)
                .map(|d| (d.version, d.header.display().to_string()))
        }
    };
    // The same recipe a worker process loads its configuration from.
    let recipe = Setup {
        rules_dirs: common.rules_dir.clone(),
        summaries: common.summaries.clone(),
        disabled: common.disable.clone(),
        enabled: common.enable.clone(),
        kernel_version: kernel.as_ref().map(|(v, _)| v.to_string()),
        ..Setup::default()
    };
    let loaded = if libclang {
        recipe.load()
    } else {
        recipe.load_without_libclang()
    };
    let mut cfg = loaded.map_err(|e| {
        crate::error_line(&e);
        ExitStatus::ToolError
    })?;
    cfg.kernel = kernel.map(|(v, from)| format!("Linux {v} ({from})"));
    Ok(cfg)
}

/// `mmlint rules`: the checks, and with a kernel version the rules-data entries for it.
pub(crate) fn list_rules(
    kernel_version: Option<KernelVersion>,
    rules_dir: &[PathBuf],
) -> ExitStatus {
    let mut text = String::new();
    for m in mmlint_checks::all_rules() {
        let off = !mmlint_checks::rule_enabled(m.id, &[], &[]);
        let level = format!("{}{}", m.severity.as_str(), if off { " (off)" } else { "" });
        text += &format!("{:<28} {:<14} {}\n", m.id, level, m.summary);
    }
    if let Some(v) = kernel_version {
        let mut db = match load_rules(rules_dir) {
            Ok(db) => db,
            Err(s) => return s,
        };
        db.set_kernel_version(Some(v));
        text += &format!("\nAPI data for Linux {v} (kind, name, kernels, what):\n");
        for line in db.describe() {
            text += &line;
            text.push('\n');
        }
    }
    print_stdout(&text)
}

/// The built-in rules data with `dirs` layered on top. Errors are printed.
fn load_rules(dirs: &[PathBuf]) -> Result<ApiDb, ExitStatus> {
    let mut db = ApiDb::builtin().map_err(|e| {
        eprintln!("mmlint: error: built-in rules: {e}");
        ExitStatus::ToolError
    })?;
    for d in dirs {
        db.load_dir(d).map_err(|e| {
            crate::error_line(&e);
            ExitStatus::ToolError
        })?;
    }
    Ok(db)
}
