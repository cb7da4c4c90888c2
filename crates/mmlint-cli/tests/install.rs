//! `make install` with DESTDIR and PREFIX: the binary, the man pages and the shell
//! completions land where they should, and the installed binary works as Kbuild's CHECK.
//!
//! The Makefile is run on the binary under test (`MMLINT=…`, and `-o` so that make never
//! runs cargo from inside cargo test).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{root, tempdir, text};

const EXE: &str = env!("CARGO_BIN_EXE_mmlint");

fn make(args: &[&str]) -> Output {
    let o = Command::new("make")
        .current_dir(root())
        .args(["-s", "-o", EXE])
        .arg(format!("MMLINT={EXE}"))
        .args(args)
        .output()
        .expect("make runs");
    assert!(
        o.status.success(),
        "make {args:?} failed:\n{}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    o
}

const PAGES: &[&str] = &[
    "mmlint.1",
    "mmlint-check.1",
    "mmlint-fix.1",
    "mmlint-summarize.1",
    "mmlint-rules.1",
    "mmlint-explain.1",
    "mmlint-lsp.1",
    "mmlint-dump-cfg.1",
];

/// Every file `make install` puts under `prefix` (relative to it).
fn installed_files(prefix: &Path) -> Vec<PathBuf> {
    let mut v = vec![
        prefix.join("bin/mmlint"),
        prefix.join("share/bash-completion/completions/mmlint"),
        prefix.join("share/zsh/site-functions/_mmlint"),
        prefix.join("share/fish/vendor_completions.d/mmlint.fish"),
    ];
    v.extend(PAGES.iter().map(|p| prefix.join("share/man/man1").join(p)));
    v
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn install_with_destdir_puts_binary_man_pages_and_completions_under_prefix() {
    let dest = tempdir("install-destdir");
    make(&["install", &format!("DESTDIR={}", dest.display())]);
    let prefix = dest.join("usr/local");
    let mut want = installed_files(&prefix);
    want.sort();
    assert_eq!(
        files_under(&dest),
        want,
        "exactly these files are installed"
    );

    let bin = prefix.join("bin/mmlint");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&bin).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o755, "the binary is executable");
    assert_eq!(
        std::fs::read(&bin).unwrap(),
        std::fs::read(EXE).unwrap(),
        "the installed binary is the one built"
    );

    // The man pages are roff generated from clap: titled, and listing the options the
    // command really has.
    let man1 = prefix.join("share/man/man1");
    let main_page = std::fs::read_to_string(man1.join("mmlint.1")).unwrap();
    assert!(
        main_page.starts_with(".ie \\n(.g .ds Aq"),
        "roff: {main_page}"
    );
    assert!(main_page.contains(".TH mmlint 1"), "{main_page}");
    assert!(main_page.contains("EXIT STATUS"), "{main_page}");
    assert!(main_page.contains("LIBCLANG_PATH"), "{main_page}");
    let check_page = std::fs::read_to_string(man1.join("mmlint-check.1")).unwrap();
    for opt in ["compile\\-commands", "exit\\-zero", "rules\\-dir", "format"] {
        assert!(check_page.contains(opt), "mmlint-check.1 lacks {opt}");
    }
    // man(1) renders it when it is installed (man-db is not on every CI machine).
    if Command::new("man").arg("--version").output().is_ok() {
        let o = Command::new("man")
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "100")
            .args(["-l"])
            .arg(man1.join("mmlint-check.1"))
            .output()
            .unwrap();
        let page = text(&o.stdout);
        assert!(o.status.success(), "{}", text(&o.stderr));
        assert!(page.contains("--exit-zero"), "{page}");
    } else {
        eprintln!("man(1) not installed: the man page is checked as roff text only");
    }

    // bash loads the completion and completes the subcommands and check's options.
    let bash_comp = prefix.join("share/bash-completion/completions/mmlint");
    let o = Command::new("bash")
        .arg("-c")
        .arg(format!(
            r#"source '{}' && complete -p mmlint &&
               COMP_WORDS=(mmlint ch); COMP_CWORD=1; _mmlint mmlint ch mmlint; echo "${{COMPREPLY[@]}}" &&
               COMP_WORDS=(mmlint check --exit); COMP_CWORD=2; _mmlint mmlint --exit check; echo "${{COMPREPLY[@]}}""#,
            bash_comp.display()
        ))
        .output()
        .unwrap();
    let out = text(&o.stdout);
    assert!(o.status.success(), "{out}{}", text(&o.stderr));
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("complete ") && lines[0].ends_with(" -F _mmlint mmlint"),
        "{out}"
    );
    assert_eq!(lines[1].trim(), "check", "{out}");
    assert_eq!(lines[2].trim(), "--exit-zero", "{out}");
    let zsh = std::fs::read_to_string(prefix.join("share/zsh/site-functions/_mmlint")).unwrap();
    assert!(zsh.starts_with("#compdef mmlint"), "{zsh}");
    let fish = std::fs::read_to_string(prefix.join("share/fish/vendor_completions.d/mmlint.fish"))
        .unwrap();
    assert!(fish.contains("complete -c mmlint"), "{fish}");
}

#[test]
fn install_honours_prefix_and_uninstall_removes_every_file() {
    let dest = tempdir("install-prefix");
    let vars = [
        format!("DESTDIR={}", dest.display()),
        "PREFIX=/opt/mmlint".to_string(),
    ];
    let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
    make(&[&["install"], &vars[..]].concat());
    let mut want = installed_files(&dest.join("opt/mmlint"));
    want.sort();
    assert_eq!(files_under(&dest), want);
    make(&[&["uninstall"], &vars[..]].concat());
    assert_eq!(
        files_under(&dest),
        Vec::<PathBuf>::new(),
        "uninstall left files"
    );
}

/// The docs say `make C=1 CHECK=mmlint`: with the installed binary first on PATH, `mmlint`
/// in Kbuild's CHECK form analyses the file and prints its findings on stderr.
#[test]
fn installed_binary_on_path_works_as_kbuild_check() {
    let dest = tempdir("install-path");
    make(&["install", &format!("DESTDIR={}", dest.display())]);
    let bin = dest.join("usr/local/bin");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let o = Command::new("sh")
        .current_dir(root())
        .env("PATH", path)
        .args([
            "-c",
            "command -v mmlint && mmlint -nostdinc -I testdata/include testdata/demo/demo.c",
        ])
        .output()
        .unwrap();
    let (out, err) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(
        o.status.code(),
        Some(0),
        "a finding never fails the build: {err}"
    );
    assert_eq!(
        out.lines().next(),
        Some(bin.join("mmlint").to_str().unwrap())
    );
    assert!(
        err.contains("testdata/demo/demo.c:30:25: warning: VMA 'vma' used after mmap_lock"),
        "{err}"
    );
}

/// `make deb`: a Debian package of the same files under /usr, depending on libclang1-19
/// (loaded at run time, so no shlibs scan would find it).
#[test]
fn make_deb_packages_the_installed_files_and_depends_on_libclang() {
    if Command::new("dpkg-deb").arg("--version").output().is_err() {
        eprintln!("skipping make_deb: no dpkg-deb (not Debian)");
        return;
    }
    let d = tempdir("install-deb");
    let deb = d.join("mmlint.deb");
    // Uncompressed: xz on the debug binary would take minutes.
    make(&[
        "deb",
        &format!("DEB={}", deb.display()),
        "DEB_COMPRESS=none",
    ]);
    let info = Command::new("dpkg-deb")
        .arg("-f")
        .arg(&deb)
        .output()
        .unwrap();
    let control = text(&info.stdout);
    assert!(info.status.success(), "{}", text(&info.stderr));
    assert!(control.contains("Package: mmlint\n"), "{control}");
    assert!(
        control.contains(&format!("Version: {}\n", env!("CARGO_PKG_VERSION"))),
        "{control}"
    );
    let depends = control
        .lines()
        .find_map(|l| l.strip_prefix("Depends: "))
        .unwrap_or_default();
    assert!(
        depends.split(", ").any(|p| p == "libclang1-19"),
        "{control}"
    );

    let root_dir = d.join("root");
    let x = Command::new("dpkg-deb")
        .arg("-x")
        .arg(&deb)
        .arg(&root_dir)
        .output()
        .unwrap();
    assert!(x.status.success(), "{}", text(&x.stderr));
    let mut want: Vec<PathBuf> = installed_files(&root_dir.join("usr"))
        .into_iter()
        .map(|p| {
            if p.extension().is_some_and(|e| e == "1") {
                p.with_extension("1.gz")
            } else {
                p
            }
        })
        .collect();
    want.sort();
    assert_eq!(files_under(&root_dir), want);
    let o = Command::new(root_dir.join("usr/bin/mmlint"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(
        text(&o.stdout).starts_with("mmlint "),
        "{}",
        text(&o.stdout)
    );
}
