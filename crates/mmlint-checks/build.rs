//! Extracts each rule's documentation from the `//!` comment at the top of its file under
//! src/rules/, so the doc comment is the single source of the rule's doc page
//! (docs/rules/<id>.md is checked against it by a test).

use std::{env, fs, path::Path};

fn main() {
    let out = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    println!("cargo:rerun-if-changed=src/rules");
    let mut entries: Vec<_> = fs::read_dir("src/rules")
        .expect("src/rules exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    entries.sort();
    for path in entries {
        let text = fs::read_to_string(&path).expect("readable rule file");
        let doc: Vec<&str> = text
            .lines()
            .take_while(|l| l.starts_with("//!"))
            .map(|l| {
                l.strip_prefix("//! ")
                    .unwrap_or(l.strip_prefix("//!").unwrap_or(l))
            })
            .collect();
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        fs::write(
            Path::new(&out).join(format!("{stem}.md")),
            doc.join("\n") + "\n",
        )
        .expect("writable OUT_DIR");
        println!("cargo:rerun-if-changed={}", path.display());
    }
}
