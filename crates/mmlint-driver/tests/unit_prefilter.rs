//! The unit-level prefilter skips only units that cannot produce a result: on the
//! testdata units, findings are identical with and without it, and the units that reach
//! the API only through a header (an inline, a macro that generates a function) or carry a
//! suppression comment are parsed.

use std::path::{Path, PathBuf};

use mmlint_diagnostics::Diagnostic;
use mmlint_driver::{analyze_file, Config, FileOutcome};
use mmlint_rules::ApiDb;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn config() -> Config {
    let mut cfg = Config::new(ApiDb::builtin().expect("built-in rules"));
    let root = root();
    cfg.clang_args = vec![
        "-nostdinc".into(),
        "-I".into(),
        root.join("testdata/include").display().to_string(),
        "-I".into(),
        root.join("testdata/prefilter/include")
            .display()
            .to_string(),
    ];
    cfg.report_unused_suppressions = true;
    cfg
}

fn run(f: &Path, cfg: &Config) -> (Vec<Diagnostic>, bool) {
    match analyze_file(f, cfg) {
        FileOutcome::Analyzed {
            diagnostics,
            skipped,
            ..
        } => (diagnostics, skipped),
        FileOutcome::Failed { reason, details } => {
            panic!("{}: {reason}\n{}", f.display(), details.join("\n"))
        }
    }
}

#[test]
fn skips_only_units_that_cannot_reach_the_api() {
    let dir = root().join("testdata/prefilter");
    let plain = config();
    let mut filtered = config();
    filtered.enable_unit_prefilter(None);
    let mut checked = 0;
    for (name, want_skipped, want_findings) in [
        ("via_inline.c", false, true),
        ("via_macro.c", false, true),
        ("suppression_only.c", false, true),
        ("unrelated.c", true, false),
    ] {
        let f = dir.join(name);
        let (without, skipped_without) = run(&f, &plain);
        let (with, skipped) = run(&f, &filtered);
        assert!(!skipped_without, "{name}: skipped without the prefilter");
        assert_eq!(skipped, want_skipped, "{name}: skipped");
        assert_eq!(with, without, "{name}: findings differ with the prefilter");
        assert_eq!(!with.is_empty(), want_findings, "{name}: {with:?}");
        checked += 1;
    }
    assert_eq!(checked, 4);
}

#[test]
fn every_fixture_gives_the_same_findings_with_the_prefilter() {
    let mut files = Vec::new();
    let mut stack = vec![root().join("testdata/rules")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "c") {
                files.push(p);
            }
        }
    }
    assert!(files.len() > 20, "{}", files.len());
    let plain = config();
    let mut filtered = config();
    filtered.enable_unit_prefilter(None);
    for f in &files {
        let src = std::fs::read_to_string(f).unwrap();
        // Fixtures with their own arguments or summaries are run by tests/fixtures.rs.
        if src.lines().take(3).any(|l| l.starts_with("// mmlint-")) {
            continue;
        }
        let a = analyze_file(f, &plain);
        let b = analyze_file(f, &filtered);
        assert_eq!(format!("{a:?}"), format!("{b:?}"), "{}", f.display());
    }
}
