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
