//! The generator's own syntax tree of the C it emits, and the printer that emits it. The
//! printer writes one statement per line and records each statement's line in the tree, so
//! the interpreter can name the lines a checker must report.

use std::fmt::Write;

/// Int parameters the generated code branches on (`f0`, `f1`, ...).
pub const FLAGS: usize = 3;
/// Local VMA pointers (`v0`, `v1`).
pub const VMAS: usize = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Read,
    Write,
}

impl Mode {
    fn word(self) -> &'static str {
        match self {
            Mode::Read => "read",
            Mode::Write => "write",
        }
    }
}

/// How a call names the mm: the function's `mm`, or `current->mm` (which is the same mm
/// when the function declares `mm = current->mm`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MmRef {
    Mm,
    Current,
}

impl MmRef {
    fn text(self) -> &'static str {
        match self {
            MmRef::Mm => "mm",
            MmRef::Current => "current->mm",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetTest {
    /// `ret`
    NonZero,
    /// `!ret`
    Zero,
    /// `ret < 0`
    Neg,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cond {
    /// `fI` or `!fI`
    Flag {
        i: usize,
        neg: bool,
    },
    /// `fA && fB`
    FlagAnd(usize, usize),
    /// `fA || fB`
    FlagOr(usize, usize),
    /// `mmap_<mode>_lock_killable(mm)`: true when the acquire failed.
    Killable {
        mode: Mode,
        mm: MmRef,
    },
    /// `mmap_<mode>_trylock(mm)` (`!` when `neg`): true when it acquired.
    Trylock {
        mode: Mode,
        mm: MmRef,
        neg: bool,
    },
    /// `vI` or `!vI`
    Vma {
        v: usize,
        neg: bool,
    },
    Ret(RetTest),
    /// `locked` or `!locked`
    Locked {
        neg: bool,
    },
    /// `fI && mmap_<mode>_lock_killable(mm)`: the acquire is tried only when `fI` is set.
    FlagAndKillable {
        i: usize,
        mode: Mode,
        mm: MmRef,
    },
    /// `!vI || vI->vm_start > addr`: a use of `vI` only when it is not NULL.
    VmaNullOrUse {
        v: usize,
    },
    /// `vI->vm_flags & VM_WRITE`: a use, with an unknown outcome.
    VmaFlag {
        v: usize,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetVal {
    /// `return ret;`
    Var,
    Const(i64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LookupFn {
    FindVma,
    VmaLookup,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Lock {
        mode: Mode,
        mm: MmRef,
    },
    Unlock {
        mode: Mode,
        mm: MmRef,
    },
    Downgrade {
        mm: MmRef,
    },
    /// `ret = mmap_<mode>_lock_killable(mm);`
    StoreKillable {
        mode: Mode,
        mm: MmRef,
    },
    /// `vI = find_vma(mm, addr);`
    Lookup {
        v: usize,
        mm: MmRef,
        func: LookupFn,
    },
    /// `acc += vI->vm_flags;`
    Use {
        v: usize,
    },
    /// `vD = vS;`
    Copy {
        dst: usize,
        src: usize,
    },
    /// `file = vI->vm_file;`: a use of `vI`, and `file` is derived from it.
    Derive {
        v: usize,
    },
    /// `acc += file->f_flags;`
    UseFile,
    /// `get_file(file);`: the file is pinned, its lifetime no longer the VMA's.
    PinFile,
    /// `get_user_pages_remote(mm, addr, 1, FOLL_WRITE, &page, &vI | NULL, &locked | NULL);`
    GupRemote {
        mm: MmRef,
        vmas: Option<usize>,
        locked: bool,
    },
    /// `get_user_pages(addr, 1, FOLL_WRITE, &page, &vI | NULL);` (on current->mm)
    GupCurrent {
        vmas: Option<usize>,
    },
    /// `get_user_pages_fast(addr, 1, FOLL_WRITE, &page);` (takes current->mm's lock)
    GupFast,
    /// `ret = C;`
    SetRet(i64),
    /// `ret = fI ? A : B;`
    SetRetCond {
        i: usize,
        a: i64,
        b: i64,
    },
    /// `locked = 1;`
    SetLocked,
    Return(RetVal),
    /// `goto <label>;` (forward, to the function's epilogue)
    Goto(usize),
    If {
        cond: Cond,
        then: Vec<Stmt>,
        els: Option<Vec<Stmt>>,
    },
    /// `switch (sel)`: each function switches on `sel` at most once, so no later test
    /// can correlate with it.
    Switch {
        cases: Vec<Case>,
    },
    /// `for (i = 0; i < n; i++)`: `n` is unknown, so the body runs any number of times.
    Loop {
        body: Vec<Stmt>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stmt {
    /// Set by the printer.
    pub line: u32,
    pub kind: Kind,
}

impl Stmt {
    pub fn new(kind: Kind) -> Stmt {
        Stmt { line: 0, kind }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    /// `None`: `default:`
    pub value: Option<i64>,
    pub body: Vec<Stmt>,
    /// Ends with `break;` (otherwise falls through into the next case).
    pub brk: bool,
}

/// A label of the epilogue and the statements after it (up to the next label).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub name: String,
    pub body: Vec<Stmt>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Func {
    pub name: String,
    /// `struct mm_struct *mm = current->mm;` instead of an `mm` parameter.
    pub mm_is_current: bool,
    pub body: Vec<Stmt>,
    /// Falling off the body enters the first label; the last one is followed by
    /// `return ret;`.
    pub labels: Vec<Label>,
    /// Line of the final `return ret;` (set by the printer).
    pub ret_line: u32,
    /// Line of the opening `{`..closing `}` (set by the printer).
    pub first_line: u32,
    pub last_line: u32,
}

/// The includes every generated unit starts with (the simulated kernel headers).
pub const PRELUDE: &str = "#include <linux/errno.h>\n#include <linux/fs.h>\n#include <linux/mm.h>\n#include <linux/mmap_lock.h>\n#include <linux/sched.h>\n";

pub fn const_text(c: i64) -> String {
    match c {
        -4 => "-EINTR".into(),
        -12 => "-ENOMEM".into(),
        -14 => "-EFAULT".into(),
        c => c.to_string(),
    }
}

pub fn cond_text(c: &Cond) -> String {
    let neg = |n: bool| if n { "!" } else { "" };
    match c {
        Cond::Flag { i, neg: n } => format!("{}f{i}", neg(*n)),
        Cond::FlagAnd(a, b) => format!("f{a} && f{b}"),
        Cond::FlagOr(a, b) => format!("f{a} || f{b}"),
        Cond::Killable { mode, mm } => {
            format!("mmap_{}_lock_killable({})", mode.word(), mm.text())
        }
        Cond::Trylock { mode, mm, neg: n } => {
            format!("{}mmap_{}_trylock({})", neg(*n), mode.word(), mm.text())
        }
        Cond::Vma { v, neg: n } => format!("{}v{v}", neg(*n)),
        Cond::Ret(RetTest::NonZero) => "ret".into(),
        Cond::Ret(RetTest::Zero) => "!ret".into(),
        Cond::Ret(RetTest::Neg) => "ret < 0".into(),
        Cond::Locked { neg: n } => format!("{}locked", neg(*n)),
        Cond::FlagAndKillable { i, mode, mm } => {
            format!("f{i} && mmap_{}_lock_killable({})", mode.word(), mm.text())
        }
        Cond::VmaNullOrUse { v } => format!("!v{v} || v{v}->vm_start > addr"),
        Cond::VmaFlag { v } => format!("v{v}->vm_flags & VM_WRITE"),
    }
}

/// Emits lines and counts them.
struct Out<'a> {
    s: &'a mut String,
    line: u32,
}

impl Out<'_> {
    fn emit(&mut self, indent: usize, text: &str) -> u32 {
        for _ in 0..indent {
            self.s.push('\t');
        }
        self.s.push_str(text);
        self.s.push('\n');
        self.line += 1;
        self.line - 1
    }
}

fn simple_text(k: &Kind) -> String {
    match k {
        Kind::Lock { mode, mm } => format!("mmap_{}_lock({});", mode.word(), mm.text()),
        Kind::Unlock { mode, mm } => format!("mmap_{}_unlock({});", mode.word(), mm.text()),
        Kind::Downgrade { mm } => format!("mmap_write_downgrade({});", mm.text()),
        Kind::StoreKillable { mode, mm } => {
            format!("ret = mmap_{}_lock_killable({});", mode.word(), mm.text())
        }
        Kind::Lookup { v, mm, func } => {
            let f = match func {
                LookupFn::FindVma => "find_vma",
                LookupFn::VmaLookup => "vma_lookup",
            };
            format!("v{v} = {f}({}, addr);", mm.text())
        }
        Kind::Use { v } => format!("acc += v{v}->vm_flags;"),
        Kind::Copy { dst, src } => format!("v{dst} = v{src};"),
        Kind::Derive { v } => format!("file = v{v}->vm_file;"),
        Kind::UseFile => "acc += file->f_flags;".into(),
        Kind::PinFile => "get_file(file);".into(),
        Kind::GupRemote { mm, vmas, locked } => format!(
            "get_user_pages_remote({}, addr, 1, FOLL_WRITE, &page, {}, {});",
            mm.text(),
            vmas.map_or("NULL".to_string(), |v| format!("&v{v}")),
            if *locked { "&locked" } else { "NULL" }
        ),
        Kind::GupCurrent { vmas } => format!(
            "get_user_pages(addr, 1, FOLL_WRITE, &page, {});",
            vmas.map_or("NULL".to_string(), |v| format!("&v{v}"))
        ),
        Kind::GupFast => "get_user_pages_fast(addr, 1, FOLL_WRITE, &page);".into(),
        Kind::SetRet(c) => format!("ret = {};", const_text(*c)),
        Kind::SetRetCond { i, a, b } => {
            format!("ret = f{i} ? {} : {};", const_text(*a), const_text(*b))
        }
        Kind::SetLocked => "locked = 1;".into(),
        Kind::Return(RetVal::Var) => "return ret;".into(),
        Kind::Return(RetVal::Const(c)) => format!("return {};", const_text(*c)),
        Kind::Goto(_) => unreachable!("printed with its label name"),
        Kind::If { .. } | Kind::Switch { .. } | Kind::Loop { .. } => {
            unreachable!("compound statement")
        }
    }
}

fn print_block(stmts: &mut [Stmt], labels: &[String], indent: usize, o: &mut Out<'_>) {
    for s in stmts {
        match &mut s.kind {
            Kind::If { cond, then, els } => {
                s.line = o.emit(indent, &format!("if ({}) {{", cond_text(cond)));
                print_block(then, labels, indent + 1, o);
                if let Some(e) = els {
                    o.emit(indent, "} else {");
                    print_block(e, labels, indent + 1, o);
                }
                o.emit(indent, "}");
            }
            Kind::Switch { cases } => {
                s.line = o.emit(indent, "switch (sel) {");
                for c in cases {
                    match c.value {
                        Some(v) => o.emit(indent, &format!("case {v}:")),
                        None => o.emit(indent, "default:"),
                    };
                    print_block(&mut c.body, labels, indent + 1, o);
                    if c.brk {
                        o.emit(indent + 1, "break;");
                    }
                }
                o.emit(indent, "}");
            }
            Kind::Loop { body } => {
                s.line = o.emit(indent, "for (i = 0; i < n; i++) {");
                print_block(body, labels, indent + 1, o);
                o.emit(indent, "}");
            }
            Kind::Goto(l) => {
                s.line = o.emit(indent, &format!("goto {};", labels[*l]));
            }
            k => {
                let t = simple_text(k);
                s.line = o.emit(indent, &t);
            }
        }
    }
}

/// Appends `f` to `out`, whose next line is `line`; sets the lines in `f`; returns the line
/// after the function.
pub fn print_func(f: &mut Func, line: u32, out: &mut String) -> u32 {
    let mut o = Out { s: out, line };
    let mm_param = if f.mm_is_current {
        ""
    } else {
        "struct mm_struct *mm, "
    };
    let flags: Vec<String> = (0..FLAGS).map(|i| format!("int f{i}")).collect();
    f.first_line = o.emit(
        0,
        &format!(
            "int {}({mm_param}unsigned long addr, {}, int sel, int n)",
            f.name,
            flags.join(", ")
        ),
    );
    o.emit(0, "{");
    if f.mm_is_current {
        o.emit(1, "struct mm_struct *mm = current->mm;");
    }
    for v in 0..VMAS {
        o.emit(1, &format!("struct vm_area_struct *v{v} = NULL;"));
    }
    o.emit(1, "struct file *file = NULL;");
    o.emit(1, "struct page *page;");
    o.emit(1, "unsigned long acc = 0;");
    o.emit(1, "int locked = 1;");
    o.emit(1, "int ret = 0;");
    o.emit(1, "int i;");
    o.emit(0, "");
    let names: Vec<String> = f.labels.iter().map(|l| l.name.clone()).collect();
    print_block(&mut f.body, &names, 1, &mut o);
    for l in &mut f.labels {
        o.emit(0, &format!("{}:", l.name));
        print_block(&mut l.body, &names, 1, &mut o);
    }
    f.ret_line = o.emit(1, "return ret;");
    f.last_line = o.emit(0, "}");
    o.emit(0, "");
    o.line
}

/// A translation unit: the prelude, then the functions. Sets every line in `funcs`.
pub fn print_unit(header_comment: &str, funcs: &mut [Func]) -> String {
    let mut s = String::new();
    let mut line = 1;
    for l in header_comment.lines() {
        let _ = writeln!(s, "// {l}");
        line += 1;
    }
    s.push_str(PRELUDE);
    line += PRELUDE.lines().count() as u32;
    s.push('\n');
    line += 1;
    for f in funcs {
        line = print_func(f, line, &mut s);
    }
    s
}
