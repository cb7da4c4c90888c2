//! Helpers shared by the CLI integration tests (each test binary uses a subset).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// A fresh, empty directory for one test (named after it and the process).
pub fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("mmlint-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The Linux 6.1 tree of ../shared/kernel-corpus/prepare.sh: `$MMLINT_KERNEL_DIR`, or
/// ~/.cache/mmlint/linux-6.1.
pub fn kernel_tree() -> PathBuf {
    match std::env::var_os("MMLINT_KERNEL_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
            .join(".cache/mmlint/linux-6.1"),
    }
}
