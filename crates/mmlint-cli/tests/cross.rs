//! Kbuild's CHECK protocol on cross-compiled trees: `make ARCH=… CROSS_COMPILE=… C=2
//! CHECK=mmlint DIR/` on the trees of `../shared/kernel-corpus/prepare.sh --kernel 6.12
//! --arch arm64|parisc`. Each test is skipped, with a message, when its tree or cross
//! compiler is absent (MMLINT_KERNEL_DIR_ARM64 / MMLINT_KERNEL_DIR_PARISC point elsewhere,
//! e.g. at an `O=` build directory).

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::text;

fn cross_tree(arch: &str) -> PathBuf {
    match std::env::var_os(format!("MMLINT_KERNEL_DIR_{}", arch.to_uppercase())) {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
            .join(format!(".cache/mmlint/linux-6.12-{arch}")),
    }
}

/// Runs `make C=2 CHECK=mmlint dir/` for `arch`; None (and a message) when the tree or the
/// compiler is missing. Returns make's stderr (mmlint's diagnostics) and stdout (Kbuild's
/// `CHECK file` lines).
fn kbuild_check(arch: &str, cross: &str, dir: &str) -> Option<(String, String)> {
    let tree = cross_tree(arch);
    if !tree.join(".config").is_file() || !tree.join("Makefile").is_file() {
        eprintln!(
            "skipping: no prepared {arch} tree at {} (run ../shared/kernel-corpus/prepare.sh --kernel 6.12 --arch {arch})",
            tree.display()
        );
        return None;
    }
    if Command::new(format!("{cross}gcc"))
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipping: {cross}gcc is not installed");
        return None;
    }
    let o = Command::new("make")
        .current_dir(&tree)
        .args([
            "-j2",
            &format!("ARCH={arch}"),
            &format!("CROSS_COMPILE={cross}"),
            "C=2",
            &format!("CHECK={}", env!("CARGO_BIN_EXE_mmlint")),
            dir,
        ])
        .env_remove("MMLINT_FLAGS")
        .output()
        .expect("make runs");
    let (err, out) = (text(&o.stderr), text(&o.stdout));
    // A unit mmlint cannot parse is a tool error (exit 2), which fails the make.
    assert!(o.status.success(), "make failed:\n{err}");
    assert!(!err.contains("mmlint: error"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!err.contains("could not parse"), "{err}");
    let checked = out
        .lines()
        .filter(|l| l.trim_start().starts_with("CHECK "))
        .count();
    assert!(checked > 0, "Kbuild ran no CHECK:\n{out}");
    eprintln!("{arch}: {checked} files checked in {dir}");
    Some((err, out))
}

fn line_of(file: &std::path::Path, needle: &str) -> usize {
    let src = std::fs::read_to_string(file).unwrap();
    src.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} not in {}", file.display()))
        + 1
}

/// parisc has no clang target: the units are parsed for the substitute in targets.toml.
/// The two use-after-unlock bugs of arch/parisc/mm/fault.c (docs/triage/linux-6.12-parisc.md)
/// are in the build log.
#[test]
fn kbuild_check_of_parisc_mm() {
    let Some((err, _)) = kbuild_check("parisc", "hppa-linux-gnu-", "arch/parisc/mm/") else {
        return;
    };
    // The tree may be an O= build: the source is where the Makefile wrapper points.
    let src = ["arch/parisc/mm/fault.c"]
        .iter()
        .map(|f| cross_tree("parisc").join(f))
        .find(|p| p.is_file())
        .or_else(|| {
            let f = err
                .lines()
                .find(|l| l.contains("arch/parisc/mm/fault.c:"))?;
            Some(PathBuf::from(f.split(':').next()?))
        })
        .expect("fault.c found");
    for needle in [
        "address < vma->vm_start || address >= vma->vm_end",
        "&& (vma->vm_flags & acc_type) == acc_type)",
    ] {
        let want = format!("arch/parisc/mm/fault.c:{}:", line_of(&src, needle));
        assert!(
            err.lines()
                .any(|l| l.contains(&want) && l.ends_with("[dangling-vma]")),
            "no dangling-vma at {want}:\n{err}"
        );
    }
}

#[test]
fn kbuild_check_of_arm64_mm() {
    kbuild_check("arm64", "aarch64-linux-gnu-", "arch/arm64/mm/");
}

/// A unit that only parses for parisc: `#error` unless the predefined macros are hppa's.
// It names the API in its code (a comment would not do), or the unit prefilter would
// skip it unparsed.
const ONLY_PARISC: &str = "void mmap_read_lock(void *mm);\n#ifndef __hppa__\n#error not parsed as parisc\n#endif\n\
#if defined(__sparc__) || defined(__x86_64__) || defined(__aarch64__)\n\
#error the stand-in shows\n#endif\n\
_Static_assert(sizeof(long) == 4 && sizeof(void *) == 4, \"ILP32\");\n\
void f(void) { register unsigned long r asm(\"r27\"); asm volatile(\"\" : \"=r\"(r) :: \"r19\"); }\n";

fn mmlint(dir: &std::path::Path, args: &[&str]) -> (i32, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_mmlint"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("mmlint runs");
    (
        o.status.code().unwrap_or(-1),
        text(&o.stderr) + &text(&o.stdout),
    )
}

#[test]
fn target_from_the_compiler_and_from_the_override() {
    let dir = common::tempdir("cross-target");
    std::fs::write(dir.join("a.c"), ONLY_PARISC).unwrap();
    let db = |cc: &str| {
        let d = dir.display();
        format!(
            r#"[{{"directory": "{d}", "file": "a.c", "command": "{cc} -nostdinc -c a.c -o a.o"}}]"#
        )
    };
    // The compiler's prefix names parisc: the unit is parsed for the stand-in, as hppa.
    std::fs::write(dir.join("compile_commands.json"), db("hppa-linux-gnu-gcc")).unwrap();
    let (code, out) = mmlint(&dir, &["check", "-p", "compile_commands.json"]);
    assert_eq!(code, 0, "{out}");
    // A host gcc line is parsed for the host, and fails on the #error.
    std::fs::write(dir.join("compile_commands.json"), db("gcc")).unwrap();
    let (code, out) = mmlint(&dir, &["check", "-p", "compile_commands.json"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("not parsed as parisc"), "{out}");
    // --target (or mmlint.toml's target) overrides the line.
    let (code, out) = mmlint(
        &dir,
        &["check", "-p", "compile_commands.json", "--target", "parisc"],
    );
    assert_eq!(code, 0, "{out}");
    std::fs::write(dir.join("mmlint.toml"), "target = \"hppa-linux-gnu\"\n").unwrap();
    let (code, out) = mmlint(&dir, &["check", "-p", "compile_commands.json"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = mmlint(
        &dir,
        &["check", "-p", "compile_commands.json", "--target", "arm64"],
    );
    assert_eq!(code, 2, "{out}");
    std::fs::remove_file(dir.join("mmlint.toml")).unwrap();
    // Files mode: the target goes in front of the given clang arguments.
    let (code, out) = mmlint(
        &dir,
        &["check", "--target", "parisc", "a.c", "--", "-nostdinc"],
    );
    assert_eq!(code, 0, "{out}");
    // CHECK mode: Sparse's --arch=, or MMLINT_FLAGS=--target=.
    let (code, out) = mmlint(&dir, &["-D__linux__", "--arch=parisc", "-nostdinc", "a.c"]);
    assert_eq!(code, 0, "{out}");
    let o = Command::new(env!("CARGO_BIN_EXE_mmlint"))
        .current_dir(&dir)
        .args(["-nostdinc", "a.c"])
        .env("MMLINT_FLAGS", "--target=parisc")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

#[test]
fn an_unknown_target_is_a_one_line_error() {
    let dir = common::tempdir("cross-bad-target");
    std::fs::write(dir.join("a.c"), "int x;\n").unwrap();
    let (code, out) = mmlint(&dir, &["check", "--target", "vax", "a.c"]);
    assert_eq!(code, 2, "{out}");
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        out.starts_with("mmlint: error: unknown target 'vax'"),
        "{out}"
    );
    std::fs::write(dir.join("mmlint.toml"), "target = \"vax\"\n").unwrap();
    let (code, out) = mmlint(&dir, &["check", "a.c"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("mmlint.toml: target: unknown target 'vax'"),
        "{out}"
    );
    let o = Command::new(env!("CARGO_BIN_EXE_mmlint"))
        .current_dir(&dir)
        .args(["a.c"])
        .env("MMLINT_FLAGS", "--target=vax")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).starts_with("mmlint: error: unknown target 'vax'"));
}
