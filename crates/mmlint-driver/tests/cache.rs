//! The result cache reuses a unit's outcome while neither the settings nor any file its
//! parse read changed: editing a header re-analyses exactly the units that include it, and
//! a corrupt entry is ignored.

use std::path::{Path, PathBuf};

use mmlint_driver::{analyze_file, Config, FileOutcome};
use mmlint_rules::ApiDb;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("mmlint-cache-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("inc")).unwrap();
    d
}

const UNIT: &str = "#include <linux/mmap_lock.h>\n#include \"HDR\"\n\
int f(struct mm_struct *mm, int x)\n{\n\tmmap_read_lock(mm);\n\tif (helper(x))\n\t\treturn -1;\n\
\tmmap_read_unlock(mm);\n\treturn 0;\n}\n";

fn config(dir: &Path, cache: &Path) -> Config {
    let mut cfg = Config::new(ApiDb::builtin().unwrap());
    cfg.clang_args = vec![
        "-nostdinc".into(),
        "-I".into(),
        root().join("testdata/include").display().to_string(),
        "-I".into(),
        dir.join("inc").display().to_string(),
        format!("-working-directory={}", dir.display()),
    ];
    cfg.enable_cache(cache.to_path_buf());
    cfg
}

fn findings(o: &FileOutcome) -> Vec<String> {
    match o {
        FileOutcome::Analyzed { diagnostics, .. } => diagnostics
            .iter()
            .map(|d| format!("{}:{} {}", d.span.start.file, d.span.start.line, d.rule))
            .collect(),
        FileOutcome::Failed { reason, .. } => panic!("{reason}"),
    }
}

#[test]
fn a_changed_header_reanalyses_only_its_includers() {
    let dir = scratch("hdr");
    let cache = dir.join("cache");
    for (u, h) in [("u1.c", "a.h"), ("u2.c", "b.h")] {
        std::fs::write(dir.join(u), UNIT.replace("HDR", h)).unwrap();
        std::fs::write(
            dir.join("inc").join(h),
            "static inline int helper(int x) { return x; }\n",
        )
        .unwrap();
    }
    let cfg = config(&dir, &cache);
    let c = cfg.cache.clone().unwrap();
    let first: Vec<FileOutcome> = ["u1.c", "u2.c"]
        .iter()
        .map(|u| analyze_file(Path::new(u), &cfg))
        .collect();
    assert_eq!(findings(&first[0]), vec!["u1.c:7 mmap-lock-leak"]);
    let main = |u: &str| dir.join(u);
    let text = |u: &str| std::fs::read(dir.join(u)).unwrap();
    for u in ["u1.c", "u2.c"] {
        let hit = c.lookup(&main(u), &text(u), &cfg.clang_args);
        let hit = hit.unwrap_or_else(|| panic!("{u}: not cached"));
        assert!(matches!(hit, FileOutcome::Analyzed { cached: true, .. }));
        // The same outcome, but for where it came from.
        assert_eq!(
            format!("{hit:?}").replace("cached: true", "cached: false"),
            format!("{:?}", first[(u == "u2.c") as usize])
        );
    }
    // A new process (a new cache object) sees the same entries.
    let cfg2 = config(&dir, &cache);
    let c2 = cfg2.cache.clone().unwrap();
    assert!(c2
        .lookup(&main("u1.c"), &text("u1.c"), &cfg2.clang_args)
        .is_some());

    // Editing a.h invalidates u1 only.
    std::fs::write(
        dir.join("inc/a.h"),
        "static inline int helper(int x) { return x + 1; }\n",
    )
    .unwrap();
    let cfg3 = config(&dir, &cache);
    let c3 = cfg3.cache.clone().unwrap();
    assert!(c3
        .lookup(&main("u1.c"), &text("u1.c"), &cfg3.clang_args)
        .is_none());
    assert!(c3
        .lookup(&main("u2.c"), &text("u2.c"), &cfg3.clang_args)
        .is_some());
    // Other settings are another key.
    let mut cfg4 = config(&dir, &cache);
    cfg4.disabled = vec!["mmap-lock-leak".into()];
    cfg4.enable_cache(cache.clone());
    let c4 = cfg4.cache.clone().unwrap();
    assert!(c4
        .lookup(&main("u2.c"), &text("u2.c"), &cfg4.clang_args)
        .is_none());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_corrupt_entry_is_ignored() {
    let dir = scratch("corrupt");
    let cache = dir.join("cache");
    std::fs::write(dir.join("u.c"), UNIT.replace("HDR", "a.h")).unwrap();
    std::fs::write(
        dir.join("inc/a.h"),
        "static inline int helper(int x) { return x; }\n",
    )
    .unwrap();
    let cfg = config(&dir, &cache);
    let first = analyze_file(Path::new("u.c"), &cfg);
    let mut entries = 0;
    let mut stack = vec![cache.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                std::fs::write(e.path(), b"{\"format\": \"mmlint-result\", garbage").unwrap();
                entries += 1;
            }
        }
    }
    assert_eq!(entries, 1);
    let c = cfg.cache.clone().unwrap();
    let text = std::fs::read(dir.join("u.c")).unwrap();
    assert!(c.lookup(&dir.join("u.c"), &text, &cfg.clang_args).is_none());
    let again = analyze_file(Path::new("u.c"), &cfg);
    assert_eq!(findings(&again), findings(&first));
    assert!(c.lookup(&dir.join("u.c"), &text, &cfg.clang_args).is_some());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A unit the prefilter skipped is cached too, under the headers it read to decide so: an
/// unchanged tree re-runs without walking include paths, and a header edit that makes the
/// unit reach the API brings it back.
#[test]
fn a_skipped_unit_is_cached_until_a_header_it_reads_changes() {
    let dir = scratch("skip");
    let cache = dir.join("cache");
    std::fs::write(
        dir.join("s.c"),
        "#include \"h.h\"\nint g(struct mm_struct *mm) { return helper(mm); }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("inc/h.h"),
        "struct mm_struct;\nstatic inline int helper(struct mm_struct *mm) { return 0; }\n",
    )
    .unwrap();
    let mut cfg = config(&dir, &cache);
    cfg.enable_unit_prefilter(None);
    cfg.enable_cache(cache.clone());
    let skipped = |o: &FileOutcome| match o {
        FileOutcome::Analyzed {
            skipped, cached, ..
        } => (*skipped, *cached),
        FileOutcome::Failed { reason, .. } => panic!("{reason}"),
    };
    assert_eq!(
        skipped(&analyze_file(Path::new("s.c"), &cfg)),
        (true, false)
    );
    assert_eq!(skipped(&analyze_file(Path::new("s.c"), &cfg)), (true, true));
    // The helper now takes the lock: the unit reaches the API through the header.
    std::fs::write(
        dir.join("inc/h.h"),
        "#include <linux/mmap_lock.h>\n\
         static inline int helper(struct mm_struct *mm) { mmap_read_lock(mm); return 0; }\n",
    )
    .unwrap();
    let cfg = {
        let mut c = config(&dir, &cache);
        c.enable_unit_prefilter(None);
        c.enable_cache(cache.clone());
        c
    };
    let o = analyze_file(Path::new("s.c"), &cfg);
    assert_eq!(skipped(&o), (false, false));
    let _ = std::fs::remove_dir_all(&dir);
}
