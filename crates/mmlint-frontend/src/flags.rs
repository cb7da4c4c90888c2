//! From a kernel build's compiler command lines to libclang arguments: Kbuild's gcc flags
//! (compile_commands.json) and Kbuild's `$(CHECK) $(CHECKFLAGS) $(c_flags) file.c` line.
//! What libclang accepts is the frontend's business, so the translation lives here.
//!
//! The translation matches ../shared/kernel-corpus/clang_syntax_bench.py (found by probing
//! clang-19 with every flag of a 6.1 x86_64 build): drop what clang rejects, never write
//! dependency files, never fail on a warning.

/// gcc options clang-19 rejects outright ("unknown argument").
const DROP: &[&str] = &[
    "-mpreferred-stack-boundary=3",
    "-mindirect-branch=thunk-extern",
    "-mindirect-branch-register",
    "-fno-allow-store-data-races",
    "-fconserve-stack",
    "-fno-var-tracking-assignments",
    "-fno-ipa-sra",
    "-mrecord-mcount",
    "-fsched-pressure",
    "-fno-tree-loop-im",
    "-fno-ipa-cp-clone",
    "-fno-partial-inlining",
    "-fno-ipa-bit-cp",
    "-fno-ipa-icf",
];

const DROP_PREFIX: &[&str] = &[
    "-Wp,-MMD,",
    "-Wp,-MD,",
    "-mpreferred-stack-boundary=",
    "-mindirect-branch=",
    "-fmin-function-alignment=",
    "-fplugin=",
    "-fplugin-arg-",
    "-Werror",
];

/// Options that take the next argument as their value and must go with it.
const DROP_WITH_VALUE: &[&str] = &["-o", "-MF", "-MT", "-MQ"];

/// Added so gcc-only warning and optimisation flags stay harmless.
const ADD: &[&str] = &[
    "-Wno-unknown-warning-option",
    "-Wno-ignored-optimization-argument",
];

/// Sparse's own options in CHECKFLAGS. `-D__CHECKER__` would switch the kernel headers to
/// Sparse-only attributes (`address_space(__user)`, `noderef`, `context`) that clang
/// rejects, so it is dropped with them.
fn is_sparse_only(a: &str) -> bool {
    a == "-D__CHECKER__"
        || a == "-Wbitwise"
        || a == "-Wno-return-void"
        || a == "-Wno-unknown-attribute"
        || a == "-Wcontext"
        || a == "-Wno-context"
        || a.starts_with("-Wsparse-")
        || a.starts_with("--arch=")
        || a.starts_with("--os=")
        || a.starts_with("-fdiagnostic-prefix")
        || a.starts_with("-fmemcpy-max-count")
        || a == "-Wptr-subtraction-blows"
        || a == "-Wcast-to-as"
        || a == "-Wdefault-bitfield-sign"
        || a == "-Wdecl"
        || a == "-Wone-bit-signed-bitfield"
        || a == "-Wshadow"
}

/// The result of translating one command line.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Translated {
    /// Arguments for libclang (no compiler, no source file).
    pub args: Vec<String>,
    /// The source file named on the line, when there is exactly one `.c`/`.S` operand.
    pub file: Option<String>,
    /// What was dropped, for `--verbose` and the docs.
    pub dropped: Vec<String>,
}

/// Translates compiler arguments (without argv[0]) for libclang.
pub fn translate(argv: &[String]) -> Translated {
    let mut out = Translated::default();
    let mut it = argv.iter().peekable();
    while let Some(a) = it.next() {
        if a == "-c" || a == "-MD" || a == "-MMD" || a == "-E" {
            out.dropped.push(a.clone());
            continue;
        }
        if DROP_WITH_VALUE.contains(&a.as_str()) {
            out.dropped.push(a.clone());
            it.next();
            continue;
        }
        if DROP.contains(&a.as_str())
            || DROP_PREFIX.iter().any(|p| a.starts_with(p))
            || is_sparse_only(a)
        {
            out.dropped.push(a.clone());
            continue;
        }
        if !a.starts_with('-') && (a.ends_with(".c") || a.ends_with(".S")) {
            out.file = Some(a.clone());
            continue;
        }
        out.args.push(a.clone());
        // Keep an option's separate value with it (`-include file`, `-I dir`, `-D X`).
        if matches!(
            a.as_str(),
            "-include" | "-I" | "-D" | "-U" | "-isystem" | "-idirafter" | "-x" | "-imacros"
        ) {
            if let Some(v) = it.next() {
                out.args.push(v.clone());
            }
        }
    }
    out.args.extend(ADD.iter().map(|s| s.to_string()));
    out
}

/// Splits a shell command line (compile_commands.json `command`) into words: single and
/// double quotes and backslash escapes, as POSIX sh does for the subset compilers use.
pub fn split_command(cmd: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = cmd.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(x) => cur.push(x),
                        None => return Err("unterminated single quote".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(x @ ('"' | '\\' | '$' | '`')) => cur.push(x),
                            Some(x) => {
                                cur.push('\\');
                                cur.push(x)
                            }
                            None => return Err("unterminated double quote".into()),
                        },
                        Some(x) => cur.push(x),
                        None => return Err("unterminated double quote".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(x) = chars.next() {
                    cur.push(x);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn kbuild_gcc_line_is_translated() {
        let t = translate(&s(&[
            "-Wp,-MMD,mm/.gup.o.d",
            "-nostdinc",
            "-I./include",
            "-include",
            "./include/linux/kconfig.h",
            "-mpreferred-stack-boundary=3",
            "-Werror=implicit-int",
            "-DKBUILD_MODNAME='\"gup\"'",
            "-c",
            "-o",
            "mm/gup.o",
            "mm/gup.c",
        ]));
        assert_eq!(t.file.as_deref(), Some("mm/gup.c"));
        assert_eq!(
            t.args,
            s(&[
                "-nostdinc",
                "-I./include",
                "-include",
                "./include/linux/kconfig.h",
                "-DKBUILD_MODNAME='\"gup\"'",
                "-Wno-unknown-warning-option",
                "-Wno-ignored-optimization-argument"
            ])
        );
        assert!(t.dropped.contains(&"-Wp,-MMD,mm/.gup.o.d".to_string()));
    }

    #[test]
    fn sparse_checkflags_are_dropped_but_defines_kept() {
        let t = translate(&s(&[
            "-D__linux__",
            "-Dlinux",
            "-D__STDC__",
            "-Dunix",
            "-D__unix__",
            "-Wbitwise",
            "-Wno-return-void",
            "-Wno-unknown-attribute",
            "-D__CHECKER__",
            "-D__x86_64__",
            "-m64",
            "mm/gup.c",
        ]));
        assert!(!t
            .args
            .iter()
            .any(|a| a == "-D__CHECKER__" || a == "-Wbitwise"));
        assert!(t.args.iter().any(|a| a == "-D__x86_64__"));
        assert!(t.args.iter().any(|a| a == "-m64"));
    }

    /// The line Kbuild 6.1 ran for `make C=2 CHECK=… mm/gup.o` (recorded with a CHECK
    /// script that writes its arguments to a file).
    #[test]
    fn recorded_kbuild_check_line() {
        let text = include_str!("../../../testdata/kbuild/gup-check-argv.txt");
        let argv: Vec<String> = text.lines().map(String::from).collect();
        let t = translate(&argv);
        assert_eq!(t.file.as_deref(), Some("mm/gup.c"));
        for gone in [
            "--arch=x86",
            "-Wbitwise",
            "-Wp,-MMD,mm/.gup.o.d",
            "-mpreferred-stack-boundary=3",
        ] {
            assert!(!t.args.iter().any(|a| a == gone), "{gone} kept");
            assert!(
                t.dropped.iter().any(|a| a == gone),
                "{gone} not reported as dropped"
            );
        }
        assert!(!t
            .args
            .iter()
            .any(|a| a.starts_with("-Werror") || a.starts_with("-Wp,")));
        let inc = t.args.iter().position(|a| a == "-include").unwrap();
        assert_eq!(t.args[inc + 1], "./include/linux/compiler-version.h");
        assert!(t.args.iter().any(|a| a == "-D__x86_64__"));
    }

    #[test]
    fn shell_words() {
        assert_eq!(
            split_command(r#"gcc -DX='"a b"' -DY=\"c\" "d e" f\ g"#).unwrap(),
            s(&["gcc", "-DX=\"a b\"", "-DY=\"c\"", "d e", "f g"])
        );
        assert!(split_command("gcc 'oops").is_err());
    }
}
