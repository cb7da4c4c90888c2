//! Runs every C fixture under testdata/ and compares what mmlint reports with the
//! `// expect: <rule>[, <rule>]` marks on the lines (clang -verify style): a missing and an
//! unexpected diagnostic both fail, with the source line shown.
//!
//! A fixture's first lines may be `// mmlint-args: ARGS` (extra clang arguments),
//! `// mmlint-summaries-from: FILE...` (fixtures beside it whose exported functions'
//! summaries are given, as `mmlint summarize` would write them for the tree) and
//! `// mmlint-kernel-version: V...` (run once per kernel version V, `unknown` for none, with
//! `-DMMLINT_KERNEL_6_12` for a 6.12 run so the simulated headers take 6.12's shapes; without
//! the line, one run with the version unknown). `// expect@V: <rule>` marks a line for the
//! run of version V only. A rule that is off by default runs on the fixtures of its own
//! directory, `testdata/rules/<id>/`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use mmlint_driver::{analyze_file, Config, FileOutcome};
use mmlint_rules::{ApiDb, KernelVersion};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixtures(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "include") {
                continue;
            }
            fixtures(&p, out);
        } else if p.extension().is_some_and(|x| x == "c") {
            out.push(p);
        }
    }
}

/// (line, rule) pairs marked in the source for the run of kernel `version` (`unknown`):
/// `// expect:` marks hold for every run, `// expect@V:` for V's only.
fn marks(src: &str, version: &str) -> BTreeSet<(u32, String)> {
    let mut set = BTreeSet::new();
    let versioned = format!("// expect@{version}:");
    for (i, line) in src.lines().enumerate() {
        for mark in ["// expect:", versioned.as_str()] {
            let Some(pos) = line.find(mark) else { continue };
            let rest = &line[pos + mark.len()..];
            // The next mark on the line (for another version) ends this one's list.
            let rest = rest.split("// expect").next().unwrap_or(rest);
            for rule in rest.split(',') {
                let rule = rule.trim();
                if !rule.is_empty() {
                    set.insert((i as u32 + 1, rule.to_string()));
                }
            }
        }
    }
    set
}

/// The words after `directive` on one of the fixture's first lines.
fn header(src: &str, directive: &str) -> Vec<String> {
    src.lines()
        .take(4)
        .find_map(|l| l.strip_prefix(directive))
        .map(|a| a.split_whitespace().map(String::from).collect())
        .unwrap_or_default()
}

/// The exported summaries of `files`, as a summary file would carry them.
fn summaries_of(files: &[PathBuf], cfg: &Config) -> mmlint_driver::Summaries {
    let mut out = mmlint_driver::Summaries::new();
    for f in files {
        match analyze_file(f, cfg) {
            FileOutcome::Analyzed { exported, .. } => out.extend(exported),
            FileOutcome::Failed { reason, .. } => panic!("{}: {reason}", f.display()),
        }
    }
    out
}

#[test]
fn fixtures_match_their_marks() {
    let root = root();
    let mut files = Vec::new();
    fixtures(&root.join("testdata"), &mut files);
    assert!(
        files.len() >= 10,
        "expected the testdata fixtures, found {}",
        files.len()
    );
    let builtin = ApiDb::builtin().expect("built-in rules");
    let include = root.join("testdata/include");
    let mut failures = Vec::new();
    let mut checked = 0;
    let runs = files.iter().flat_map(|f| {
        let src = std::fs::read_to_string(f).unwrap();
        let mut versions = header(&src, "// mmlint-kernel-version:");
        if versions.is_empty() {
            versions.push("unknown".into());
        }
        versions.into_iter().map(move |v| (f, src.clone(), v))
    });
    for (f, src, version) in runs {
        let mut args = vec![
            "-nostdinc".to_string(),
            "-I".into(),
            include.display().to_string(),
        ];
        args.extend(header(&src, "// mmlint-args:"));
        let mut db = builtin.clone();
        if version != "unknown" {
            let v: KernelVersion = version
                .parse()
                .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            if (v.major, v.minor) == (6, 12) {
                args.push("-DMMLINT_KERNEL_6_12".into());
            }
            db.set_kernel_version(Some(v));
        }
        let mut cfg = Config::new(db);
        cfg.clang_args = args;
        if let Some(dir) = f.parent().and_then(|d| d.file_name()) {
            cfg.enabled = vec![dir.to_string_lossy().to_string()];
        }
        let from: Vec<PathBuf> = header(&src, "// mmlint-summaries-from:")
            .iter()
            .map(|n| f.with_file_name(n))
            .collect();
        if !from.is_empty() {
            cfg.summaries = Some(std::sync::Arc::new(summaries_of(&from, &cfg)));
        }
        let rel = format!(
            "{} (kernel {version})",
            f.strip_prefix(&root).unwrap_or(f).display()
        );
        let got: BTreeSet<(u32, String)> = match analyze_file(f, &cfg) {
            FileOutcome::Analyzed { diagnostics, .. } => diagnostics
                .iter()
                .filter(|d| d.suppression.is_none())
                // Diagnostics in the simulated headers would be reported against them.
                .filter(|d| Path::new(&*d.span.start.file).ends_with(f.file_name().unwrap()))
                .map(|d| (d.span.start.line, d.rule.to_string()))
                .collect(),
            FileOutcome::Failed { reason, details } => {
                failures.push(format!(
                    "{rel}: could not analyze: {reason}\n  {}",
                    details.join("\n  ")
                ));
                continue;
            }
        };
        checked += 1;
        let want = marks(&src, &version);
        let lines: Vec<&str> = src.lines().collect();
        let show = |(l, r): &(u32, String)| {
            format!(
                "  {rel}:{l}: [{r}]  | {}",
                lines.get(*l as usize - 1).unwrap_or(&"").trim()
            )
        };
        for m in want.difference(&got) {
            failures.push(format!("missing:\n{}", show(m)));
        }
        for m in got.difference(&want) {
            failures.push(format!("unexpected:\n{}", show(m)));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixture files disagree with their marks:\n{}",
        failures.len(),
        checked,
        failures.join("\n")
    );
}

#[test]
fn mark_parser_reads_several_rules() {
    let m = marks("a\nb; // expect: dangling-vma, mmap-lock-leak\n", "unknown");
    assert_eq!(
        m.into_iter().collect::<Vec<_>>(),
        vec![
            (2, "dangling-vma".to_string()),
            (2, "mmap-lock-leak".to_string())
        ]
    );
}

#[test]
fn versioned_marks_hold_for_their_run_only() {
    let src = "a; // expect@6.1: mmap-lock-leak // expect@6.12: dangling-vma\nb; // expect: dangling-vma\n";
    let rules = |v: &str| -> Vec<(u32, String)> { marks(src, v).into_iter().collect() };
    assert_eq!(
        rules("6.1"),
        vec![(1, "mmap-lock-leak".into()), (2, "dangling-vma".into())]
    );
    assert_eq!(
        rules("6.12"),
        vec![(1, "dangling-vma".into()), (2, "dangling-vma".into())]
    );
    assert_eq!(rules("unknown"), vec![(2, "dangling-vma".into())]);
}
