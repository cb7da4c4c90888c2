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
    config_for(None)
}

/// The rules data selected for `kernel` (`// mmlint-kernel-version:` of a fixture).
fn config_for(kernel: Option<&str>) -> Config {
    let mut db = ApiDb::builtin().expect("built-in rules");
    db.set_kernel_version(kernel.map(|v| v.parse().expect("kernel version")));
    let mut cfg = Config::new(db);
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
        ("inert_bodies.c", false, true),
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
    assert_eq!(checked, 5);
}

/// A unit is analysed without its header bodies only when no header function it can call
/// has a body that gives its callers an effect the rules data does not describe.
#[test]
fn header_bodies_are_skipped_only_when_no_called_helper_has_an_effect() {
    let dir = root().join("testdata/prefilter");
    let mut cfg = config();
    cfg.enable_unit_prefilter(None);
    let up = cfg.unit_prefilter.clone().unwrap();
    for (name, want_needed) in [
        // take() and drop() lock and unlock: their summaries matter.
        ("via_inline.c", true),
        // The locker is built by a header macro, but in the main file, whose bodies are
        // always analysed.
        ("via_macro.c", false),
        // vma_size() only reads a VMA, inode_like_unlock() releases another rwsem, and
        // mmap_read_lock() and find_vma() are described by the rules data.
        ("inert_bodies.c", false),
    ] {
        let f = dir.join(name);
        let text = std::fs::read_to_string(&f).unwrap();
        let v = up.verdict(&f, &text, &cfg.clang_args);
        assert!(v.parse.is_some(), "{name}: {v:?}");
        assert_eq!(v.needs_header_bodies, want_needed, "{name}: {v:?}");
    }
    let include = "#include \"include/prefilter_api.h\"\n";
    for (body, want_needed) in [
        // A function a header macro builds in the header, whose body unlocks.
        ("void f(struct mm_struct *mm) { hdr_unlocker(mm); }", true),
        (
            "void f(struct mm_struct *mm) { mmap_read_lock(mm); unrelated_helper(1); }",
            false,
        ),
    ] {
        let text = format!("{include}{body}\n");
        let v = up.verdict(&dir.join("synthetic.c"), &text, &cfg.clang_args);
        assert!(v.parse.is_some(), "{body}: {v:?}");
        assert_eq!(v.needs_header_bodies, want_needed, "{body}: {v:?}");
    }
}

/// A unit whose words make nothing happen to a lock or a VMA is skipped when only
/// findings are wanted, and parsed for `mmlint summarize`; a raw VMA rwsem and a fault
/// handler's registration are not such words.
#[test]
fn units_without_an_effect_are_skipped_for_findings_only() {
    let dir = root().join("testdata/prefilter");
    for (name, kernel, want_skipped, want_findings) in [
        ("no_effect.c", Some("6.12"), true, false),
        ("no_effect.c", Some("6.1"), true, false),
        // For a kernel before 6.1 `mmap` is also the mm's VMA list head, a VMA source.
        ("no_effect.c", None, false, false),
        ("vma_rwsem.c", Some("6.12"), false, true),
        ("fault_store.c", Some("6.12"), false, true),
    ] {
        let f = dir.join(name);
        let plain = config_for(kernel);
        let (without, _) = run(&f, &plain);
        let mut filtered = config_for(kernel);
        filtered.enable_unit_prefilter(None);
        let (with, skipped) = run(&f, &filtered);
        assert_eq!(skipped, want_skipped, "{name} {kernel:?}: skipped");
        assert_eq!(with, without, "{name} {kernel:?}: findings differ");
        assert_eq!(!without.is_empty(), want_findings, "{name}: {without:?}");
        let mut for_summaries = config_for(kernel);
        for_summaries.wants_summaries = true;
        for_summaries.enable_unit_prefilter(None);
        let (_, skipped) = run(&f, &for_summaries);
        assert!(!skipped, "{name} {kernel:?}: skipped for summaries");
    }
}

#[test]
fn every_fixture_gives_the_same_findings_with_the_prefilter() {
    let mut files = Vec::new();
    let mut stack = vec![
        root().join("testdata/rules"),
        root().join("testdata/semantics"),
    ];
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
    let mut compared = 0;
    for f in &files {
        let src = std::fs::read_to_string(f).unwrap();
        let head: Vec<&str> = src.lines().take(3).collect();
        // Fixtures with their own arguments or summaries are run by tests/fixtures.rs;
        // those for given kernels are compared here for each of them.
        let kernels: Vec<Option<&str>> = match head
            .iter()
            .find_map(|l| l.strip_prefix("// mmlint-kernel-version:"))
        {
            Some(vs) => vs
                .split_whitespace()
                .map(|v| (v != "unknown").then_some(v))
                .collect(),
            None if head.iter().any(|l| l.starts_with("// mmlint-")) => continue,
            None => vec![None],
        };
        for k in kernels {
            let plain = config_for(k);
            let mut filtered = config_for(k);
            filtered.enable_unit_prefilter(None);
            let a = analyze_file(f, &plain);
            let b = analyze_file(f, &filtered);
            assert_eq!(format!("{a:?}"), format!("{b:?}"), "{} {k:?}", f.display());
            compared += 1;
        }
    }
    assert!(compared > 40, "{compared}");
}
