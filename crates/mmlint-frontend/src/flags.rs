//! From a kernel build's compiler command lines to libclang arguments: Kbuild's gcc flags
//! (compile_commands.json) and Kbuild's `$(CHECK) $(CHECKFLAGS) $(c_flags) file.c` line.
//! What libclang accepts is the frontend's business, so the translation lives here.
//!
//! The translation matches ../shared/kernel-corpus/clang_syntax_bench.py (found by probing
//! clang-19 with every flag of a 6.1 x86_64 build): drop what clang rejects, never write
//! dependency files, never fail on a warning.
//!
//! **The target.** libclang parses for the host unless told otherwise, and an arm64 unit
//! parsed as x86_64 fails on its first `asm/` header. The kernel architecture of a line is
//! found in the line itself ([`detect`]), mapped to a clang triple by `targets.toml`
//! (data, one row per kernel ARCH), and put first on the translated line. Architectures
//! clang has no target for (parisc, alpha, sh) are parsed for a *substitute* of the same
//! width and byte order, whose own predefined macros are undefined and the real
//! architecture's defined as its gcc does; docs/architectures.md says what that can get
//! wrong.

use std::sync::OnceLock;

use serde::Deserialize;

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
    // DEBUG_INFO_REDUCED (arm64 defconfig).
    "-femit-struct-debug-baseonly",
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

/// Added unless something on the line makes warnings errors: mmlint reads only clang's
/// errors, and with `-w` clang skips the warnings that build a CFG of every function body
/// (`-Wuninitialized`, `-Wreturn-type`, …), thousands of header inlines per kernel unit:
/// 10–15 % of a parse (docs/performance.md). The AST is the same. `-w` keeps the warnings
/// that are errors by default (`-Wint-conversion`, implicit declarations) errors, but it
/// also silences warnings made errors by `-Werror…` (dropped above) or `-pedantic-errors`
/// (hence the condition), or by `#pragma clang diagnostic error` in the source, which no
/// kernel file uses.
const QUIET: &str = "-w";

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
    /// The target the line is parsed for, when one was found or given.
    pub target: Option<Target>,
}

/// Translates compiler arguments (without argv[0]) for libclang; the target comes from the
/// arguments themselves (`--target=`, Sparse's `--arch=`, `-I…/arch/<arch>/include`).
pub fn translate(argv: &[String]) -> Translated {
    translate_for(None, argv, None)
}

/// [`translate`] knowing the compiler (argv[0], whose triple prefix names the target:
/// `aarch64-linux-gnu-gcc`), and with `forced`, a target that overrides what the line says
/// (`--target`, `target` in mmlint.toml).
pub fn translate_for(
    compiler: Option<&str>,
    argv: &[String],
    forced: Option<&Target>,
) -> Translated {
    let mut out = Translated {
        target: forced.cloned().or_else(|| detect(compiler, argv)),
        ..Translated::default()
    };
    let row = out.target.as_ref().and_then(|t| t.row.map(|i| &table()[i]));
    let arch_drops = |a: &str| {
        row.is_some_and(|r| {
            r.drop.iter().any(|d| d == a)
                || r.drop_prefix.iter().any(|p| a.starts_with(p.as_str()))
                // A substitute does not know the real architecture's machine options, and
                // they mean nothing for the stand-in.
                || (r.substitute && a.starts_with("-m"))
        })
    };
    let mut it = argv.iter().peekable();
    while let Some(a) = it.next() {
        if a == "-c" || a == "-MD" || a == "-MMD" || a == "-E" {
            out.dropped.push(a.clone());
            continue;
        }
        // The line's own target is put back first (or replaced by the forced one).
        if DROP_WITH_VALUE.contains(&a.as_str()) || a == "-target" {
            out.dropped.push(a.clone());
            it.next();
            continue;
        }
        if DROP.contains(&a.as_str())
            || DROP_PREFIX.iter().any(|p| a.starts_with(p))
            || a.starts_with("--target=")
            || arch_drops(a)
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
    if let Some(t) = &out.target {
        out.args.splice(0..0, t.args());
    }
    out.args.extend(ADD.iter().map(|s| s.to_string()));
    if !out.args.iter().any(|a| a == "-pedantic-errors") {
        out.args.push(QUIET.to_string());
    }
    out
}

/// One row of `targets.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Row {
    arch: String,
    cpus: Vec<String>,
    triple: String,
    #[serde(default)]
    substitute: bool,
    #[serde(default)]
    undefine: Vec<String>,
    #[serde(default)]
    define: Vec<String>,
    #[serde(default)]
    drop: Vec<String>,
    #[serde(default)]
    drop_prefix: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    target: Vec<Row>,
}

fn parse_table(text: &str) -> Result<Vec<Row>, String> {
    let t: TableFile = toml::from_str(text).map_err(|e| e.to_string())?;
    for r in &t.target {
        let complete = !r.undefine.is_empty() && !r.define.is_empty();
        if (r.substitute && !complete) || (!r.substitute && !r.undefine.is_empty()) {
            return Err(format!(
                "{}: a substitute undefines its own macros and defines the real ones; only a substitute undefines",
                r.arch
            ));
        }
    }
    Ok(t.target)
}

fn table() -> &'static [Row] {
    static TABLE: OnceLock<Vec<Row>> = OnceLock::new();
    TABLE.get_or_init(|| {
        // Built in and checked by the tests: a broken table is a build of mmlint that
        // cannot have passed them.
        parse_table(include_str!("targets.toml")).expect("targets.toml is valid")
    })
}

/// The clang target a unit is parsed for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// clang's `--target`.
    pub triple: String,
    /// The kernel ARCH, when the table knows it.
    pub arch: Option<String>,
    /// clang has no target for `arch`: `triple` stands in for it.
    pub substitute: bool,
    /// Where it came from, for messages: "the compiler aarch64-linux-gnu-gcc".
    pub source: String,
    row: Option<usize>,
}

impl Target {
    /// `--target=…`, then the row's macros: for a substitute, those that make it look like
    /// the real architecture.
    pub fn args(&self) -> Vec<String> {
        let mut v = vec![format!("--target={}", self.triple)];
        if let Some(r) = self.row.map(|i| &table()[i]) {
            v.extend(r.undefine.iter().map(|m| format!("-U{m}")));
            v.extend(r.define.iter().map(|m| format!("-D{m}")));
        }
        v
    }

    /// A row's target: the triple given when it is a real one of the row's architecture,
    /// else the row's own (always, for a substitute).
    fn from_row(i: usize, triple: Option<&str>, source: String) -> Target {
        let r = &table()[i];
        Target {
            triple: match triple {
                Some(t) if !r.substitute => t.to_string(),
                _ => r.triple.clone(),
            },
            arch: Some(r.arch.clone()),
            substitute: r.substitute,
            source,
            row: Some(i),
        }
    }
}

fn row_by_cpu(cpu: &str) -> Option<usize> {
    table().iter().position(|r| r.cpus.iter().any(|c| c == cpu))
}

fn row_by_arch(arch: &str) -> Option<usize> {
    table().iter().position(|r| r.arch == arch)
}

/// The target named by a user: a kernel ARCH (`arm64`, `parisc`), a triple whose CPU the
/// table knows (`hppa64-linux-gnu`, `powerpc64-linux-gnu`), or any other clang triple,
/// passed on as it is.
pub fn target_by_name(name: &str) -> Result<Target, String> {
    let source = format!("--target {name}");
    if let Some(i) = row_by_arch(name) {
        return Ok(Target::from_row(i, None, source));
    }
    let cpu = name.split('-').next().unwrap_or(name);
    if let Some(i) = row_by_cpu(cpu) {
        let triple = name.contains('-').then_some(name);
        return Ok(Target::from_row(i, triple, source));
    }
    if name.contains('-') && !name.starts_with('-') && !name.contains(char::is_whitespace) {
        return Ok(Target {
            triple: name.to_string(),
            arch: None,
            substitute: false,
            source,
            row: None,
        });
    }
    let mut arches: Vec<&str> = table().iter().map(|r| r.arch.as_str()).collect();
    arches.dedup();
    Err(format!(
        "unknown target '{name}': give a kernel ARCH ({}) or a clang triple such as aarch64-linux-gnu",
        arches.join(", ")
    ))
}

/// The target a command line was made for, from (first found wins): clang's `--target=`
/// (`LLVM=1` builds), the compiler's triple prefix (`CROSS_COMPILE=aarch64-linux-gnu-`),
/// Sparse's `--arch=` (CHECK mode), and the kernel's `arch/<ARCH>/include` directories.
pub fn detect(compiler: Option<&str>, argv: &[String]) -> Option<Target> {
    let mut it = argv.iter();
    while let Some(a) = it.next() {
        let t = match a.strip_prefix("--target=") {
            Some(t) => Some(t),
            None if a == "-target" => it.next().map(String::as_str),
            None => None,
        };
        if let Some(t) = t {
            let source = format!("{a} on the command line");
            return Some(match row_by_cpu(t.split('-').next().unwrap_or(t)) {
                Some(i) => Target::from_row(i, Some(t), source),
                None => Target {
                    triple: t.to_string(),
                    arch: None,
                    substitute: false,
                    source,
                    row: None,
                },
            });
        }
    }
    if let Some(cc) = compiler {
        let base = cc.rsplit('/').next().unwrap_or(cc);
        if let Some(i) = base.split_once('-').and_then(|(cpu, _)| row_by_cpu(cpu)) {
            let triple = compiler_triple(base);
            return Some(Target::from_row(
                i,
                triple.as_deref(),
                format!("the compiler {base}"),
            ));
        }
    }
    if let Some((a, i)) = argv.iter().find_map(|a| {
        a.strip_prefix("--arch=")
            .and_then(|x| Some((a, row_by_arch(x).or_else(|| row_by_cpu(x))?)))
    }) {
        return Some(Target::from_row(i, None, format!("Sparse's {a}")));
    }
    argv.iter().find_map(|a| {
        let i = include_arch(a).and_then(row_by_arch)?;
        Some(Target::from_row(i, None, format!("the include path {a}")))
    })
}

/// `aarch64-linux-gnu-gcc-12` → `aarch64-linux-gnu`: everything before the compiler's name.
fn compiler_triple(base: &str) -> Option<String> {
    let words: Vec<&str> = base.split('-').collect();
    let name = words
        .iter()
        .rposition(|w| matches!(*w, "gcc" | "cc" | "clang"))?;
    (name >= 2).then(|| words[..name].join("-"))
}

/// The ARCH of an include directory of the kernel's: `-I./arch/arm64/include`,
/// `-I/src/arch/parisc/include/generated/uapi`, `-isystem …` values included.
fn include_arch(arg: &str) -> Option<&str> {
    let path = ["-I", "-isystem", "-idirafter", "-iquote"]
        .iter()
        .find_map(|p| arg.strip_prefix(p))
        .unwrap_or(arg);
    let i = path.find("arch/")?;
    if i > 0 && !path[..i].ends_with('/') {
        return None;
    }
    let rest = &path[i + "arch/".len()..];
    let (arch, tail) = rest.split_once('/')?;
    (tail == "include" || tail.starts_with("include/")).then_some(arch)
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
                "-Wno-ignored-optimization-argument",
                "-w"
            ])
        );
        assert!(t.dropped.contains(&"-Wp,-MMD,mm/.gup.o.d".to_string()));
    }

    /// `-w` would silence what `-pedantic-errors` makes an error.
    #[test]
    fn warnings_are_kept_when_the_line_makes_them_errors() {
        let t = translate(&s(&["-pedantic-errors", "a.c"]));
        assert!(!t.args.iter().any(|a| a == "-w"));
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

    fn recorded(name: &str) -> Vec<String> {
        let path = format!(
            "{}/../../testdata/kbuild/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{path}: {e}"))
            .lines()
            .map(String::from)
            .collect()
    }

    /// A recorded gcc line (compiler first) and CHECK line of one architecture: the target
    /// is found in both, the options clang rejects for it (probed with
    /// scripts/probe-clang-flags.py) are dropped, and nothing else of the arch's is.
    fn check_arch(arch: &str, file: &str, triple_gcc: &str, triple_check: &str, rejected: &[&str]) {
        let gcc = recorded(&format!("{arch}-{file}-gcc-argv.txt"));
        let t = translate_for(Some(&gcc[0]), &gcc[1..], None);
        let target = t.target.as_ref().expect("a target");
        assert_eq!(target.triple, triple_gcc);
        assert_eq!(target.arch.as_deref(), Some(arch));
        assert!(
            target.source.starts_with("the compiler"),
            "{}",
            target.source
        );
        assert_eq!(t.args[0], format!("--target={triple_gcc}"));
        assert!(t.file.as_deref().is_some_and(|f| f.ends_with(".c")));

        let check = recorded(&format!("{arch}-{file}-check-argv.txt"));
        let c = translate(&check);
        let target = c.target.as_ref().expect("a target");
        assert_eq!(target.triple, triple_check);
        assert_eq!(target.source, format!("Sparse's --arch={arch}"));
        assert_eq!(c.args[0], format!("--target={triple_check}"));

        for (line, t) in [(&gcc, &t), (&check, &c)] {
            for r in rejected {
                let on_line = line.iter().filter(|a| a == r).count();
                assert!(on_line > 0, "{r} is not on the recorded line");
                assert!(!t.args.iter().any(|a| a == r), "{r} kept");
                assert!(
                    t.dropped.iter().any(|a| a == r),
                    "{r} not reported as dropped"
                );
            }
        }
    }

    #[test]
    fn riscv_lines() {
        check_arch(
            "riscv",
            "mmap",
            "riscv64-linux-gnu",
            "riscv64-linux-gnu",
            &[
                "-mno-riscv-attribute",
                "-mstack-protector-guard=tls",
                "-mstack-protector-guard-reg=tp",
                "-fconserve-stack",
            ],
        );
        let gcc = recorded("riscv-mmap-gcc-argv.txt");
        let t = translate_for(Some(&gcc[0]), &gcc[1..], None);
        // What clang does accept for riscv stays: the ABI and ISA decide type sizes.
        for kept in [
            "-mabi=lp64",
            "-march=rv64imac_zicsr_zifencei",
            "-mcmodel=medany",
        ] {
            assert!(t.args.iter().any(|a| a == kept), "{kept} dropped");
        }
    }

    #[test]
    fn powerpc_lines() {
        check_arch(
            "powerpc",
            "mmap",
            "powerpc64le-linux-gnu",
            "powerpc64le-linux-gnu",
            &[
                "-mtraceback=no",
                "-mno-pointers-to-nested-functions",
                "-mno-string",
                "-mno-strict-align",
                "-mprofile-kernel",
                "-mstack-protector-guard=tls",
                "-mstack-protector-guard-reg=r13",
            ],
        );
        let gcc = recorded("powerpc-mmap-gcc-argv.txt");
        let t = translate_for(Some(&gcc[0]), &gcc[1..], None);
        assert!(t.args.iter().any(|a| a == "-DCONFIG_CC_IS_CLANG=1"));
        assert!(t.args.iter().any(|a| a == "-mcpu=power8"));
    }

    #[test]
    fn s390_lines() {
        check_arch(
            "s390",
            "mmap",
            "s390x-linux-gnu",
            "s390x-linux-gnu",
            &[
                "-mindirect-branch=thunk-extern",
                "-mfunction-return=thunk-extern",
                "-mindirect-branch-table",
            ],
        );
        let gcc = recorded("s390-mmap-gcc-argv.txt");
        let t = translate_for(Some(&gcc[0]), &gcc[1..], None);
        assert!(t.args.iter().any(|a| a == "-mpacked-stack"));
    }

    #[test]
    fn arm64_lines() {
        check_arch(
            "arm64",
            "fault",
            "aarch64-linux-gnu",
            "aarch64-linux-gnu",
            &[
                "-mabi=lp64",
                "-femit-struct-debug-baseonly",
                "-fconserve-stack",
            ],
        );
        let gcc = recorded("arm64-fault-gcc-argv.txt");
        let t = translate_for(Some(&gcc[0]), &gcc[1..], None);
        for kept in [
            "-mstack-protector-guard=sysreg",
            "-mstack-protector-guard-reg=sp_el0",
            "-mgeneral-regs-only",
        ] {
            assert!(t.args.iter().any(|a| a == kept), "{kept} dropped");
        }
    }

    /// parisc has no clang target: the stand-in's macros are replaced by hppa's, and every
    /// -m option (gcc's parisc machine options, which clang rejects for SPARC) is dropped.
    #[test]
    fn parisc_lines() {
        check_arch(
            "parisc",
            "fault",
            "sparc-linux-gnu",
            "sparc-linux-gnu",
            &[
                "-mno-space-regs",
                "-mfast-indirect-calls",
                "-mdisable-fpregs",
                "-mschedule=7100LC",
                "-fconserve-stack",
            ],
        );
        for line in ["parisc-fault-gcc-argv.txt", "parisc-fault-check-argv.txt"] {
            let argv = recorded(line);
            let t = translate_for(Some(&argv[0]), &argv[1..], None);
            assert!(t.target.as_ref().unwrap().substitute);
            assert!(
                !t.args.iter().any(|a| a.starts_with("-m")),
                "{line}: {:?}",
                t.args
            );
            for m in [
                "-U__sparc__",
                "-U__sparcv8",
                "-D__hppa__=1",
                "-D_PA_RISC1_1=1",
            ] {
                assert!(t.args.iter().any(|a| a == m), "{line}: {m} missing");
            }
        }
    }

    #[test]
    fn x86_check_line_gets_the_x86_target() {
        let c = translate(&recorded("gup-check-argv.txt"));
        let t = c.target.expect("a target");
        assert_eq!(t.triple, "x86_64-pc-linux-gnu");
        assert_eq!(t.source, "Sparse's --arch=x86");
    }

    #[test]
    fn target_sources_in_order() {
        let line = s(&["-I./arch/arm64/include", "--arch=riscv", "-c", "a.c"]);
        // The compiler's prefix beats Sparse's --arch=, which beats the include paths.
        let t = detect(Some("/usr/bin/s390x-linux-gnu-gcc-12"), &line).unwrap();
        assert_eq!(
            (t.triple.as_str(), t.arch.as_deref()),
            ("s390x-linux-gnu", Some("s390"))
        );
        assert_eq!(t.source, "the compiler s390x-linux-gnu-gcc-12");
        assert_eq!(
            detect(Some("gcc"), &line).unwrap().arch.as_deref(),
            Some("riscv")
        );
        let t = detect(None, &line[..1]).unwrap();
        assert_eq!(t.triple, "aarch64-linux-gnu");
        assert_eq!(t.source, "the include path -I./arch/arm64/include");
        // An LLVM=1 line names its target; it wins over everything and is kept once.
        let llvm = s(&[
            "--target=aarch64-linux-gnu",
            "-I./arch/arm64/include",
            "a.c",
        ]);
        let t = translate_for(Some("clang"), &llvm, None);
        assert_eq!(
            t.args.iter().filter(|a| a.starts_with("--target")).count(),
            1
        );
        assert_eq!(
            t.target.unwrap().source,
            "--target=aarch64-linux-gnu on the command line"
        );
        let t = translate(&s(&["-target", "powerpc64-linux-gnu", "a.c"]));
        assert_eq!(t.args[0], "--target=powerpc64-linux-gnu");
        assert!(!t.args.iter().any(|a| a == "-target"));
        // Neither: no target (libclang's host default, as before).
        assert_eq!(detect(Some("gcc"), &s(&["-I./include", "a.c"])), None);
        assert_eq!(include_arch("-I./tools/include"), None);
        assert_eq!(include_arch("-I/src/myarch/x86/include"), None);
        assert_eq!(
            include_arch("/k/arch/parisc/include/generated/uapi"),
            Some("parisc")
        );
    }

    #[test]
    fn a_forced_target_replaces_the_lines() {
        let forced = target_by_name("arm64").unwrap();
        let line = s(&["--target=x86_64-linux-gnu", "-I./arch/x86/include", "a.c"]);
        let t = translate_for(Some("gcc"), &line, Some(&forced));
        assert_eq!(t.args[0], "--target=aarch64-linux-gnu");
        assert_eq!(
            t.args.iter().filter(|a| a.starts_with("--target")).count(),
            1
        );
        assert_eq!(forced.source, "--target arm64");
    }

    #[test]
    fn target_names() {
        let t = target_by_name("parisc").unwrap();
        assert_eq!((t.triple.as_str(), t.substitute), ("sparc-linux-gnu", true));
        let t = target_by_name("hppa64-linux-gnu").unwrap();
        assert_eq!(
            (t.triple.as_str(), t.arch.as_deref()),
            ("sparc64-linux-gnu", Some("parisc"))
        );
        let t = target_by_name("powerpc64-linux-gnu").unwrap();
        assert_eq!(
            (t.triple.as_str(), t.arch.as_deref()),
            ("powerpc64-linux-gnu", Some("powerpc"))
        );
        let t = target_by_name("wasm32-unknown-unknown").unwrap();
        assert_eq!(
            (t.triple.as_str(), t.arch),
            ("wasm32-unknown-unknown", None)
        );
        let e = target_by_name("vax").unwrap_err();
        assert!(
            e.contains("unknown target 'vax'") && e.contains("parisc"),
            "{e}"
        );
        assert!(target_by_name("-m64").is_err());
    }

    #[test]
    fn the_table_is_consistent() {
        let rows = table();
        let mut cpus = std::collections::HashSet::new();
        for r in rows {
            for c in &r.cpus {
                assert!(cpus.insert(c.as_str()), "cpu {c} in two rows");
            }
            assert!(!r.cpus.is_empty(), "{}: no cpus", r.arch);
        }
        assert!(parse_table(
            "[[target]]\narch = \"x\"\ncpus = [\"x\"]\ntriple = \"x-linux\"\nundefine = [\"y\"]\n"
        )
        .is_err());
        assert!(parse_table(
            "[[target]]\narch = \"x\"\ncpus = [\"x\"]\ntriple = \"x-linux\"\nsubstitute = true\n"
        )
        .is_err());
        assert!(parse_table(
            "[[target]]\narch = \"x\"\ncpus = [\"x\"]\ntriple = \"x-linux\"\ncolour = 1\n"
        )
        .is_err());
    }

    /// Every row's triple is one clang-19 knows, and a substitute's predefined macros are
    /// the real architecture's: none of the stand-in's own is left (MIPS and SPARC name
    /// theirs with "mips"/"_ABI" and "sparc"), and each of `define` is there. Needs the clang-19 binary
    /// (`make deps` installs it).
    #[test]
    fn triples_and_substitute_macros_with_clang() {
        let probe = std::process::Command::new("clang-19")
            .arg("--version")
            .output();
        if probe.is_err() {
            eprintln!("skipping: clang-19 not installed");
            return;
        }
        for (i, r) in table().iter().enumerate() {
            let t = Target::from_row(i, None, String::new());
            let out = std::process::Command::new("clang-19")
                .args(t.args())
                .args(["-std=gnu11", "-dM", "-E", "-x", "c", "/dev/null"])
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success() && err.is_empty(), "{}: {err}", r.arch);
            let text = String::from_utf8_lossy(&out.stdout);
            let names: Vec<&str> = text
                .lines()
                .filter_map(|l| l.split_whitespace().nth(1))
                .collect();
            if r.substitute {
                let family = ["mips", "sparc"]
                    .into_iter()
                    .find(|f| r.triple.starts_with(f))
                    .expect("a known stand-in");
                let stray: Vec<&&str> = names
                    .iter()
                    .filter(|n| {
                        n.to_lowercase().contains(family)
                            || n.starts_with("_ABI")
                            || (r.undefine.iter().any(|u| u == *n)
                                && !r.define.iter().any(|d| d.split('=').next() == Some(**n)))
                    })
                    .collect();
                assert!(stray.is_empty(), "{}: {stray:?} still defined", r.arch);
            }
            for d in &r.define {
                let name = d.split('=').next().unwrap();
                assert!(names.contains(&name), "{}: {name} not defined", r.arch);
            }
        }
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
