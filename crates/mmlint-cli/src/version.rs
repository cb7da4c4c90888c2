//! `mmlint --version`: mmlint's version, the libclang it loads and the rules data it uses,
//! so that a bug report says which of the three produced a finding.
//!
//! Runs before clap (clap's version flag prints a fixed string) and works without
//! libclang: the libclang line then says what to install, and the exit status stays 0.

use std::path::{Path, PathBuf};

use crate::{CommonOpts, ExitStatus};

/// `ARGS` are the words after `--version`: `--rules-dir DIR` (repeatable) and
/// `--config FILE`, as for `mmlint check`; mmlint.toml is looked up as `check` does.
pub(crate) fn run(args: &[String]) -> ExitStatus {
    let mut common = CommonOpts::default();
    let mut config: Option<PathBuf> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (opt, inline) = match a.split_once('=') {
            Some((o, v)) => (o, Some(v.to_string())),
            None => (a.as_str(), None),
        };
        let value = match (opt, inline) {
            ("--rules-dir" | "--config", Some(v)) => v,
            ("--rules-dir" | "--config", None) => match it.next() {
                Some(v) => v.clone(),
                None => {
                    eprintln!("mmlint: error: {opt} needs a value");
                    return ExitStatus::ToolError;
                }
            },
            _ => {
                eprintln!(
                    "mmlint: error: unexpected argument '{a}' after --version (only --rules-dir DIR and --config FILE)"
                );
                return ExitStatus::ToolError;
            }
        };
        if opt == "--config" {
            config = Some(PathBuf::from(value));
        } else {
            common.rules_dir.push(PathBuf::from(value));
        }
    }
    if let Err(st) = crate::layer_settings(config.as_deref(), &mut common) {
        return st;
    }

    let mut text = format!("mmlint {}\n", env!("CARGO_PKG_VERSION"));
    text += &format!("libclang: {}\n", libclang_line());
    let (rules, status) = match rules_line(&common.rules_dir) {
        Ok(line) => (line, ExitStatus::Clean),
        Err(e) => (
            format!("error: {}", crate::one_line(&e)),
            ExitStatus::ToolError,
        ),
    };
    text += &format!("rules data: {rules}\n");
    crate::print_stdout(&text).max(status)
}

fn libclang_line() -> String {
    match mmlint_frontend::Frontend::libclang_version() {
        Ok(v) => match mmlint_frontend::Frontend::library_path() {
            Some(p) => format!("{v} ({p})"),
            None => v,
        },
        // The message already says what to install.
        Err(mmlint_frontend::FrontendError::LibclangUnavailable(m)) => m,
        Err(e) => e.to_string(),
    }
}

/// "built-in (5 files, 151 entries) + DIR (1 file, 2 entries); content hash fnv1a64:…".
/// The data is also loaded as `check` loads it, so an invalid directory is an error here too.
fn rules_line(dirs: &[PathBuf]) -> Result<String, String> {
    let mut db = mmlint_rules::ApiDb::builtin().map_err(|e| format!("built-in rules: {e}"))?;
    let mut hash = Fnv1a64::default();
    let builtin: Vec<(String, String)> = mmlint_rules::builtin_files()
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    let mut parts = vec![describe("built-in", &builtin, &mut hash)?];
    for d in dirs {
        db.load_dir(d).map_err(|e| e.to_string())?;
        parts.push(describe(
            &d.display().to_string(),
            &toml_files(d)?,
            &mut hash,
        )?);
    }
    Ok(format!(
        "{}; content hash fnv1a64:{:016x}",
        parts.join(" + "),
        hash.0
    ))
}

/// The `*.toml` files of `dir` in the order `ApiDb::load_dir` reads them.
fn toml_files(dir: &Path) -> Result<Vec<(String, String)>, String> {
    let rd = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            Ok((name, text))
        })
        .collect()
}

/// Counts the files and entries of one source of rules data and feeds them to the hash.
/// An entry is an element of a top-level array (`[[lock]]`, a name in `noreturn = [...]`)
/// or a top-level setting.
fn describe(label: &str, files: &[(String, String)], hash: &mut Fnv1a64) -> Result<String, String> {
    let mut entries = 0;
    for (name, text) in files {
        let base = Path::new(name)
            .file_name()
            .map_or(name.as_str(), |b| b.to_str().unwrap_or(name.as_str()));
        hash.write(base.as_bytes());
        hash.write(&[0]);
        hash.write(text.as_bytes());
        hash.write(&[0]);
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| format!("{name}: {}", crate::one_line(&e.to_string())))?;
        entries += table
            .values()
            .map(|v| match v {
                toml::Value::Array(a) => a.len(),
                _ => 1,
            })
            .sum::<usize>();
    }
    let n = files.len();
    Ok(format!(
        "{label} ({n} file{}, {entries} entries)",
        if n == 1 { "" } else { "s" }
    ))
}

/// FNV-1a, 64 bits: a stable content hash with no dependency (not for security).
struct Fnv1a64(u64);

impl Default for Fnv1a64 {
    fn default() -> Self {
        Fnv1a64(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a64 {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}
