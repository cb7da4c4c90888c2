//! Which kernel a tree is: its `include/generated/uapi/linux/version.h`, written by `make
//! prepare`. The rules data keys entries by version (`since`/`until`), so the same call
//! can mean different things in 6.1 and 6.12.

use std::path::{Path, PathBuf};

use mmlint_rules::KernelVersion;

/// The header, relative to a tree's root.
pub const VERSION_H: &str = "include/generated/uapi/linux/version.h";

/// A version read from a tree, and the header it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detected {
    pub version: KernelVersion,
    pub header: PathBuf,
}

/// Looks for the tree's version header: at or above the compile database's directory,
/// above the `-I` directories of `clang_args` (relative ones taken from
/// `-working-directory`, else `cwd`), then at or above `cwd` (Kbuild's CHECK runs at the
/// tree's root). The first header that states a version wins.
pub fn detect(compdb: Option<&Path>, clang_args: &[String], cwd: &Path) -> Option<Detected> {
    let base = working_dir(clang_args).unwrap_or_else(|| cwd.to_path_buf());
    let mut starts: Vec<PathBuf> = Vec::new();
    if let Some(db) = compdb {
        let db = if db.is_absolute() {
            db.to_path_buf()
        } else {
            cwd.join(db)
        };
        starts.extend(db.parent().map(Path::to_path_buf));
    }
    starts.extend(include_dirs(clang_args).into_iter().map(|d| base.join(d)));
    starts.push(cwd.to_path_buf());
    for start in starts {
        for dir in start.ancestors() {
            let header = dir.join(VERSION_H);
            if let Some(version) = read(&header) {
                return Some(Detected { version, header });
            }
        }
    }
    None
}

fn read(header: &Path) -> Option<KernelVersion> {
    let text = std::fs::read_to_string(header).ok()?;
    KernelVersion::from_version_h(&text)
}

fn working_dir(args: &[String]) -> Option<PathBuf> {
    let mut it = args.iter();
    let mut dir = None;
    while let Some(a) = it.next() {
        if let Some(d) = a.strip_prefix("-working-directory=") {
            dir = Some(PathBuf::from(d));
        } else if a == "-working-directory" {
            dir = it.next().map(PathBuf::from);
        }
    }
    dir
}

/// `-I dir`, `-Idir`, `-isystem dir`, `-iquote dir` as given.
fn include_dirs(args: &[String]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-I" | "-isystem" | "-iquote" | "-idirafter" => {
                out.extend(it.next().map(PathBuf::from))
            }
            _ => {
                if let Some(d) = a.strip_prefix("-I").filter(|d| !d.is_empty()) {
                    out.push(PathBuf::from(d));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(version_h: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!(
            "mmlint-kv-{}-{}",
            std::process::id(),
            version_h.len()
        ));
        let h = root.join(VERSION_H);
        std::fs::create_dir_all(h.parent().unwrap()).unwrap();
        std::fs::write(&h, version_h).unwrap();
        std::fs::create_dir_all(root.join("mm")).unwrap();
        root
    }

    #[test]
    fn found_from_the_database_the_includes_or_the_working_directory() {
        let root = tree("#define LINUX_VERSION_MAJOR 6\n#define LINUX_VERSION_PATCHLEVEL 12\n#define LINUX_VERSION_SUBLEVEL 118\n");
        let want = Some(Detected {
            version: "6.12.118".parse().unwrap(),
            header: root.join(VERSION_H),
        });
        let elsewhere = std::env::temp_dir();
        assert_eq!(
            detect(Some(&root.join("compile_commands.json")), &[], &elsewhere),
            want
        );
        let args = vec![
            "-I".to_string(),
            "./include".to_string(),
            format!("-working-directory={}", root.display()),
        ];
        assert_eq!(detect(None, &args, &elsewhere), want);
        let args = vec![format!("-I{}", root.join("arch/x86/include").display())];
        assert_eq!(detect(None, &args, &elsewhere), want);
        assert_eq!(detect(None, &[], &root.join("mm")), want);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_header_without_a_version_is_skipped() {
        let root = tree("/* nothing */\n");
        assert_eq!(detect(None, &[], &root.join("mm")), None);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
