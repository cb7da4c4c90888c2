use std::path::Path;

/// docs/rules/<id>.md is the rule's doc comment; `MMLINT_BLESS=1` rewrites the files.
#[test]
fn rule_docs_are_up_to_date() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules");
    let bless = std::env::var_os("MMLINT_BLESS").is_some();
    let mut stale = Vec::new();
    for c in crate::registry() {
        let m = c.meta();
        assert!(
            m.doc.starts_with(&format!("# {}\n", m.id)),
            "{}: doc must start with '# {}'",
            m.id,
            m.id
        );
        for section in [
            "## What it finds",
            "## Why is this a bug?",
            "## Example",
            "## Use instead",
            "## Known limitations",
        ] {
            assert!(m.doc.contains(section), "{}: doc lacks '{section}'", m.id);
        }
        let path = docs.join(format!("{}.md", m.id));
        if bless {
            std::fs::create_dir_all(&docs).unwrap();
            std::fs::write(&path, m.doc).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(m.doc) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale rule docs (run MMLINT_BLESS=1 cargo test -p mmlint-checks): {stale:?}"
    );
}

#[test]
fn rule_ids_are_unique_and_kebab_case() {
    let mut ids: Vec<&str> = crate::registry().iter().map(|c| c.meta().id).collect();
    assert!(ids
        .iter()
        .all(|id| id.chars().all(|c| c.is_ascii_lowercase() || c == '-')));
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n);
}

/// The functions of `testdata/rules/<id>/limitations.c` (`missed_*`: a bug not reported,
/// `fp_*`: correct code reported) are each named in the rule's Known limitations, and
/// every `missed_*` / `fp_*` a doc names is one of them.
#[test]
fn known_limitations_name_their_fixtures() {
    let rules_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/rules");
    let is_limit = |w: &str| w.starts_with("missed_") || w.starts_with("fp_");
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| is_limit(w))
            .map(String::from)
            .collect()
    };
    let mut defined = std::collections::BTreeSet::new();
    for c in crate::registry() {
        let m = c.meta();
        let limits = m.doc.split("## Known limitations").nth(1).unwrap_or("");
        let path = rules_dir.join(m.id).join("limitations.c");
        let Ok(src) = std::fs::read_to_string(&path) else {
            continue;
        };
        let fns: Vec<&str> = src
            .lines()
            .filter(|l| !l.starts_with([' ', '\t', '/', '*', '#', '{', '}']) && l.contains('('))
            .filter_map(|l| l.split('(').next()?.split_whitespace().last())
            .map(|n| n.trim_start_matches('*'))
            .filter(|n| is_limit(n))
            .collect();
        assert!(
            !fns.is_empty(),
            "{}: no missed_/fp_ function",
            path.display()
        );
        for f in fns {
            assert!(
                limits.contains(&format!("`{f}`")),
                "{}: {f} is not named in the Known limitations of {}",
                path.display(),
                m.id
            );
            defined.insert(f.to_string());
        }
    }
    for c in crate::registry() {
        for w in words(c.meta().doc) {
            assert!(
                defined.contains(&w),
                "{} names {w}, which no limitations.c defines",
                c.meta().id
            );
        }
    }
}
