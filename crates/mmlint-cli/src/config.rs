//! `mmlint.toml`: project settings, found upward from the current directory (or given with
//! `--config`). Unknown keys are errors naming the key and its line.
//!
//! ```toml
//! kernel_version = "6.12"                # else read from the tree (docs/api-data.md)
//! target = "parisc"                       # kernel ARCH or clang triple (docs/architectures.md)
//!
//! [rules]
//! disable = ["mmap-lock-leak"]
//! enable = ["gup-vmas-migration"]        # rules that are off by default
//! rules-dirs = ["tools/mmlint-rules"]     # extra API data, relative to this file
//!
//! [rules.severity]
//! dangling-vma = "error"
//! ```
//!
//! A top-level `doc-url = "https://…/docs/rules"` says where the rule pages (docs/rules/)
//! are published; findings then link to `<doc-url>/<rule>.md` (`--doc-url` overrides it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct File {
    #[serde(alias = "doc_url")]
    doc_url: Option<String>,
    target: Option<String>,
    #[serde(default)]
    rules: Rules,
    /// The kernel analysed, for the rules data's version ranges.
    #[serde(default, alias = "kernel_version")]
    kernel_version: Option<mmlint_rules::KernelVersion>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Rules {
    #[serde(default)]
    disable: Vec<String>,
    #[serde(default)]
    enable: Vec<String>,
    #[serde(default)]
    rules_dirs: Vec<PathBuf>,
    #[serde(default)]
    severity: BTreeMap<String, String>,
}

/// The settings, with paths made absolute and values checked.
#[derive(Debug, Default)]
pub struct Config {
    pub disable: Vec<String>,
    pub enable: Vec<String>,
    pub rules_dirs: Vec<PathBuf>,
    pub severity: BTreeMap<String, mmlint_diagnostics::Severity>,
    /// Where the rule pages are published (checked by [`doc_url`]).
    pub doc_url: Option<String>,
    pub kernel_version: Option<mmlint_rules::KernelVersion>,
    /// The target every unit is parsed for, instead of the one its command line names.
    pub target: Option<String>,
}

/// Checks a `doc-url` / `--doc-url` value: an absolute URL (`scheme://…`), since it ends up
/// in SARIF `helpUri` and LSP `codeDescription`, which must be URIs.
pub fn doc_url(value: &str) -> Result<String, String> {
    let scheme_ok = value.split_once("://").is_some_and(|(scheme, rest)| {
        !rest.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    if !scheme_ok || value.chars().any(char::is_whitespace) {
        return Err(format!(
            "doc URL '{value}' is not an absolute URL (like https://example.org/mmlint/docs/rules)"
        ));
    }
    Ok(value.to_string())
}

/// The nearest `mmlint.toml` at or above `start`.
pub fn find(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let p = d.join("mmlint.toml");
        if p.is_file() {
            return Some(p);
        }
        dir = d.parent();
    }
    None
}

pub fn load(path: &Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let c = parse(path, &text)?;
    // Said here, naming this file, rather than later as a bare directory name whose
    // origin the user has to guess.
    if let Some(d) = c.rules_dirs.iter().find(|d| !d.is_dir()) {
        return Err(format!(
            "{}: rules-dirs: {} is not a directory",
            path.display(),
            d.display()
        ));
    }
    Ok(c)
}

fn parse(path: &Path, text: &str) -> Result<Config, String> {
    let raw: File = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| format!("line {}: ", text[..s.start].matches('\n').count() + 1))
            .unwrap_or_default();
        format!("{}: {line}{}", path.display(), e.message())
    })?;
    let known = |r: &str| mmlint_checks::find_rule_meta(r).is_some();
    for r in raw
        .rules
        .disable
        .iter()
        .chain(&raw.rules.enable)
        .chain(raw.rules.severity.keys())
    {
        if !known(r) {
            return Err(format!(
                "{}: unknown rule '{r}' (see `mmlint rules`)",
                path.display()
            ));
        }
    }
    if let Some(t) = &raw.target {
        mmlint_frontend::flags::target_by_name(t)
            .map_err(|e| format!("{}: target: {e}", path.display()))?;
    }
    let mut severity = BTreeMap::new();
    for (r, s) in raw.rules.severity {
        let sev = match s.as_str() {
            "error" => mmlint_diagnostics::Severity::Error,
            "warning" => mmlint_diagnostics::Severity::Warning,
            "note" => mmlint_diagnostics::Severity::Note,
            other => {
                return Err(format!(
                    "{}: severity of '{r}' must be error, warning or note, not '{other}'",
                    path.display()
                ))
            }
        };
        severity.insert(r, sev);
    }
    let doc_url = match raw.doc_url {
        Some(u) => Some(doc_url(&u).map_err(|e| format!("{}: doc-url: {e}", path.display()))?),
        None => None,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    Ok(Config {
        doc_url,
        disable: raw.rules.disable,
        enable: raw.rules.enable,
        rules_dirs: raw
            .rules
            .rules_dirs
            .into_iter()
            .map(|d| dir.join(d))
            .collect(),
        severity,
        kernel_version: raw.kernel_version,
        target: raw.target,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rules_and_severities() {
        let c = parse(
            Path::new("/p/mmlint.toml"),
            "[rules]\ndisable = [\"mmap-lock-leak\"]\nenable = [\"gup-vmas-migration\"]\nrules-dirs = [\"r\"]\n[rules.severity]\ndangling-vma = \"error\"\n",
        )
        .unwrap();
        assert_eq!(c.disable, vec!["mmap-lock-leak"]);
        assert_eq!(c.enable, vec!["gup-vmas-migration"]);
        assert_eq!(c.rules_dirs, vec![PathBuf::from("/p/r")]);
        assert_eq!(
            c.severity["dangling-vma"],
            mmlint_diagnostics::Severity::Error
        );
    }

    #[test]
    fn doc_url_is_read_and_checked() {
        let m = Path::new("m.toml");
        assert_eq!(parse(m, "").unwrap().doc_url, None);
        for key in ["doc-url", "doc_url"] {
            let c = parse(m, &format!("{key} = \"https://x.org/docs/rules\"\n")).unwrap();
            assert_eq!(c.doc_url.as_deref(), Some("https://x.org/docs/rules"));
        }
        let e = parse(m, "doc-url = \"docs/rules\"\n").unwrap_err();
        assert!(e.starts_with("m.toml: doc-url: "), "{e}");
        assert!(doc_url("file:///srv/mmlint/docs/rules").is_ok());
        assert!(doc_url("https://").is_err());
        assert!(doc_url("://x").is_err());
        assert!(doc_url("https://x.org/a b").is_err());
    }

    #[test]
    fn target_is_a_kernel_arch_or_a_triple() {
        let c = parse(Path::new("m.toml"), "target = \"parisc\"\n").unwrap();
        assert_eq!(c.target.as_deref(), Some("parisc"));
        let c = parse(Path::new("m.toml"), "target = \"aarch64-linux-gnu\"\n").unwrap();
        assert_eq!(c.target.as_deref(), Some("aarch64-linux-gnu"));
        let e = parse(Path::new("m.toml"), "target = \"vax\"\n").unwrap_err();
        assert!(e.starts_with("m.toml: target: unknown target 'vax'"), "{e}");
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let e = parse(Path::new("m.toml"), "[rules]\ndisable = []\ncolour = 1\n").unwrap_err();
        assert!(e.starts_with("m.toml: line 3: "), "{e}");
        assert!(e.contains("colour"), "{e}");
    }

    #[test]
    fn unknown_rule_and_bad_severity_are_errors() {
        assert!(
            parse(Path::new("m.toml"), "[rules]\ndisable = [\"nope\"]\n")
                .unwrap_err()
                .contains("unknown rule 'nope'")
        );
        assert!(parse(Path::new("m.toml"), "[rules]\nenable = [\"nope\"]\n")
            .unwrap_err()
            .contains("unknown rule 'nope'"));
        assert!(parse(
            Path::new("m.toml"),
            "[rules.severity]\ndangling-vma = \"loud\"\n"
        )
        .unwrap_err()
        .contains("not 'loud'"));
    }
}
