//! mmlint's own intermediate representation of C functions.
//!
//! The frontend lowers each function with a body to a [`Function`]: a structured statement
//! tree close to C, with resolved variables, simplified types and source spans that already
//! point at the user's file (macro expansion sites, not macro definitions). Everything above
//! the frontend works on these plain values and never sees clang types.
//!
//! **Invariant:** this crate has no dependencies and does no IO.

use std::fmt;
use std::sync::Arc;

/// A source position: 1-based line and column in `file`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc {
    pub file: Arc<str>,
    pub line: u32,
    pub col: u32,
}

impl Loc {
    pub fn new(file: impl Into<Arc<str>>, line: u32, col: u32) -> Self {
        Loc {
            file: file.into(),
            line,
            col,
        }
    }
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// A source range. `end` is the position of the last character (inclusive), on the same
/// file as `start` (the frontend clamps ranges that leave the file).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: Loc,
    pub end: Loc,
}

impl Span {
    pub fn point(loc: Loc) -> Self {
        Span {
            end: loc.clone(),
            start: loc,
        }
    }
}

/// The parts of a C type mmlint cares about.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Ty {
    /// Canonical spelling as clang prints it, e.g. `struct vm_area_struct *`.
    pub spelling: String,
    /// Number of pointer (or array) levels above the base type.
    pub ptr_depth: u8,
    /// For struct/union base types, the tag name (`vm_area_struct`), otherwise `None`.
    pub record: Option<String>,
    /// True for integer, enum, bool and floating types (after typedefs).
    pub is_scalar: bool,
}

impl Ty {
    pub fn unknown() -> Self {
        Ty::default()
    }
    /// `struct <record> *` exactly (one pointer level).
    pub fn is_ptr_to(&self, record: &str) -> bool {
        self.ptr_depth == 1 && self.record.as_deref() == Some(record)
    }
    pub fn is_pointer(&self) -> bool {
        self.ptr_depth > 0
    }
}

/// Index of a local variable or parameter in [`Function::vars`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VarId(pub u32);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarDecl {
    pub name: String,
    pub ty: Ty,
    pub span: Span,
    pub is_param: bool,
    /// Introduced by lowering (hoisted temporaries), not written by the user.
    pub is_temp: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnOp {
    /// `!x`
    Not,
    /// `-x`
    Neg,
    /// `~x`
    BitNot,
    /// `+x`
    Plus,
    PreInc,
    PreDec,
    PostInc,
    PostDec,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Shl,
    Shr,
    BitAnd,
    BitOr,
    BitXor,
    Lt,
    Gt,
    Le,
    Ge,
    Eq,
    Ne,
    /// `&&` (short-circuit; lowered to control flow by the CFG builder)
    LAnd,
    /// `||`
    LOr,
    /// `a, b`
    Comma,
}

impl BinOp {
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Lt | BinOp::Gt | BinOp::Le | BinOp::Ge | BinOp::Eq | BinOp::Ne
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Callee {
    /// A call to a named function (after macro expansion), e.g. `find_vma`.
    Direct(String),
    /// A call through a function pointer: unknown effect.
    Indirect(Box<Expr>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExprKind {
    /// A local variable or parameter of this function.
    Local(VarId),
    /// A global variable, enumerator or function name used as a value.
    Global(String),
    IntLit(i128),
    /// An integer constant the source names: an enumerator, or a literal written through
    /// an object-like macro (`FOLL_UNLOCKABLE`). `name` is what the user's file says.
    NamedConst {
        name: String,
        value: i128,
    },
    /// A string, character or floating literal: a value of no interest.
    OtherLit,
    /// `base->field` (`arrow`) or `base.field`.
    Member {
        base: Box<Expr>,
        field: String,
        arrow: bool,
    },
    /// `*e`
    Deref(Box<Expr>),
    /// `&e`
    AddrOf(Box<Expr>),
    /// `base[index]`
    Index {
        base: Box<Expr>,
        index: Box<Expr>,
    },
    Unary {
        op: UnOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `lhs = rhs` (`op == None`) or `lhs op= rhs`.
    Assign {
        op: Option<BinOp>,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `cond ? then : els` (GNU `a ?: b` has `then == None`).
    Cond {
        cond: Box<Expr>,
        then: Option<Box<Expr>>,
        els: Box<Expr>,
    },
    Call {
        callee: Callee,
        args: Vec<Expr>,
    },
    /// Explicit or implicit cast; `ty` of the enclosing [`Expr`] is the target type.
    Cast(Box<Expr>),
    /// GNU statement expression `({ ...; value; })`. Its value is the last statement when
    /// that statement is an expression statement.
    StmtExpr(Vec<Stmt>),
    /// `{ a, b, .f = c }` or a compound literal: the parts are evaluated, the value is opaque.
    InitList(Vec<Expr>),
    /// `sizeof`, `_Alignof`, `__builtin_offsetof` …: not evaluated at run time.
    Unevaluated,
    /// Anything else the frontend does not model; the children are still evaluated in
    /// order, so calls and dereferences inside are not lost.
    Opaque(Vec<Expr>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Ty,
    pub span: Span,
}

impl Expr {
    pub fn new(kind: ExprKind, ty: Ty, span: Span) -> Self {
        Expr { kind, ty, span }
    }

    /// Removes casts and parentheses (the frontend already drops parentheses).
    pub fn strip_casts(&self) -> &Expr {
        let mut e = self;
        while let ExprKind::Cast(inner) = &e.kind {
            e = inner;
        }
        e
    }

    /// The integer value of a constant expression made of literals, named constants, casts,
    /// unary minus, `~` and the bit/arithmetic operators (`FOLL_WRITE | FOLL_FORCE`, `1 << 21`,
    /// `NULL` as `(void *)0`); `None` when it is not a constant.
    pub fn const_value(&self) -> Option<i128> {
        match &self.strip_casts().kind {
            ExprKind::IntLit(v) | ExprKind::NamedConst { value: v, .. } => Some(*v),
            ExprKind::Unary {
                op: UnOp::Neg,
                operand,
            } => operand.const_value().map(|v| -v),
            ExprKind::Unary {
                op: UnOp::Plus,
                operand,
            } => operand.const_value(),
            ExprKind::Unary {
                op: UnOp::BitNot,
                operand,
            } => operand.const_value().map(|v| !v),
            ExprKind::Binary { op, lhs, rhs } => {
                let (a, b) = (lhs.const_value()?, rhs.const_value()?);
                match op {
                    BinOp::BitOr => Some(a | b),
                    BinOp::BitAnd => Some(a & b),
                    BinOp::BitXor => Some(a ^ b),
                    BinOp::Add => a.checked_add(b),
                    BinOp::Sub => a.checked_sub(b),
                    BinOp::Mul => a.checked_mul(b),
                    BinOp::Shl => u32::try_from(b).ok().filter(|s| *s < 64).map(|s| a << s),
                    BinOp::Shr => u32::try_from(b).ok().filter(|s| *s < 64).map(|s| a >> s),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The direct callee name when this expression is a call to a named function.
    pub fn direct_callee(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::Call {
                callee: Callee::Direct(name),
                ..
            } => Some(name),
            _ => None,
        }
    }

    /// Calls `f` on each direct sub-expression, in evaluation order. Statements inside a
    /// statement expression are not visited.
    pub fn for_each_child(&self, mut f: impl FnMut(&Expr)) {
        match &self.kind {
            ExprKind::Local(_)
            | ExprKind::Global(_)
            | ExprKind::IntLit(_)
            | ExprKind::NamedConst { .. }
            | ExprKind::OtherLit
            | ExprKind::Unevaluated
            | ExprKind::StmtExpr(_) => {}
            ExprKind::Member { base, .. } => f(base),
            ExprKind::Deref(e) | ExprKind::AddrOf(e) | ExprKind::Cast(e) => f(e),
            ExprKind::Index { base, index } => {
                f(base);
                f(index)
            }
            ExprKind::Unary { operand, .. } => f(operand),
            ExprKind::Binary { lhs, rhs, .. } | ExprKind::Assign { lhs, rhs, .. } => {
                f(lhs);
                f(rhs)
            }
            ExprKind::Cond { cond, then, els } => {
                f(cond);
                if let Some(t) = then {
                    f(t)
                }
                f(els)
            }
            ExprKind::Call { callee, args } => {
                if let Callee::Indirect(c) = callee {
                    f(c)
                }
                args.iter().for_each(f)
            }
            ExprKind::InitList(es) | ExprKind::Opaque(es) => es.iter().for_each(f),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StmtKind {
    Expr(Expr),
    /// `T v = init;` (one per declared variable).
    Decl {
        var: VarId,
        init: Option<Expr>,
    },
    Compound(Vec<Stmt>),
    If {
        cond: Expr,
        then: Box<Stmt>,
        els: Option<Box<Stmt>>,
    },
    While {
        cond: Expr,
        body: Box<Stmt>,
    },
    DoWhile {
        body: Box<Stmt>,
        cond: Expr,
    },
    For {
        init: Option<Box<Stmt>>,
        cond: Option<Expr>,
        inc: Option<Expr>,
        body: Box<Stmt>,
    },
    Switch {
        cond: Expr,
        body: Box<Stmt>,
    },
    /// `case value: body`. `value` is `None` when the frontend could not evaluate it;
    /// `hi` is set for the GNU range `case lo ... hi:`.
    Case {
        value: Option<i128>,
        hi: Option<i128>,
        body: Box<Stmt>,
    },
    Default(Box<Stmt>),
    Break,
    Continue,
    Return(Option<Expr>),
    Goto(String),
    /// `goto *p;`: may jump to any label whose address was taken.
    IndirectGoto(Expr),
    Label {
        name: String,
        body: Box<Stmt>,
    },
    /// `;`, inline assembly, static assertions, declarations without effect.
    Nop,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

impl Stmt {
    pub fn new(kind: StmtKind, span: Span) -> Self {
        Stmt { kind, span }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    pub name: String,
    /// Where the function's name is written.
    pub span: Span,
    /// Parameters first (in order, `params` indexes them), then locals.
    pub vars: Vec<VarDecl>,
    pub params: Vec<VarId>,
    pub ret_ty: Ty,
    pub is_static: bool,
    /// Defined in a header (`#include`d), not in the main file.
    pub in_header: bool,
    pub body: Stmt,
}

impl Function {
    pub fn var(&self, id: VarId) -> &VarDecl {
        &self.vars[id.0 as usize]
    }
    pub fn add_var(&mut self, decl: VarDecl) -> VarId {
        self.vars.push(decl);
        VarId(self.vars.len() as u32 - 1)
    }
}

/// A compiler diagnostic that prevented analysis (or a warning worth showing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub loc: Option<Loc>,
    pub message: String,
}

/// One parsed translation unit.
#[derive(Clone, Debug, Default)]
pub struct TranslationUnit {
    pub main_file: String,
    pub functions: Vec<Function>,
    /// Errors clang reported (severity error or fatal), first ones first.
    pub errors: Vec<ParseError>,
    /// Functions called in this unit whose declaration says they do not return
    /// (`__attribute__((noreturn))`, `_Noreturn`).
    pub noreturn: std::collections::BTreeSet<String>,
    /// The declared parameter types of the functions called in this unit (those with a
    /// prototype): kernels reuse names with other shapes, and the rules data is matched
    /// against them.
    pub decls: std::collections::BTreeMap<String, Vec<Ty>>,
    /// Function pointers stored by designated initializers of the main file's variables
    /// (`.unlocked_ioctl = foo_ioctl` in a `struct file_operations`): how the kernel will
    /// call a function, which tells what it holds at entry.
    pub field_inits: Vec<FieldInit>,
    /// Functions passed by name to a call or to a macro used at file scope
    /// (`kthread_create_on_node(fn, ...)`, which `kthread_run()` expands to;
    /// `module_init(fn)`): also how the kernel will call them.
    pub fn_args: Vec<FnArg>,
}

/// `.field = function` in an initializer of a variable of type `struct record`, or a
/// store `x->field = function` (what `INIT_WORK(&w, fn)` expands to) in a function body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldInit {
    pub record: String,
    pub field: String,
    pub function: String,
    /// The variable initialized (`foo_fops`), or for a store the function it is in, and
    /// where the designator or the store is.
    pub var: String,
    pub span: Span,
    /// A store in a function body rather than an initializer.
    pub assigned: bool,
}

/// A function named as argument `index` of a call to `callee`, or of a macro `callee`
/// used at file scope (`macro_use`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FnArg {
    pub callee: String,
    pub macro_use: bool,
    pub index: usize,
    pub function: String,
    pub span: Span,
}

/// Prints an expression as C-like source text, naming locals through `func`.
pub struct ExprDisplay<'a> {
    expr: &'a Expr,
    func: &'a Function,
}

impl Expr {
    pub fn display<'a>(&'a self, func: &'a Function) -> ExprDisplay<'a> {
        ExprDisplay { expr: self, func }
    }
}

fn binop_str(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::Rem => "%",
        BinOp::Shl => "<<",
        BinOp::Shr => ">>",
        BinOp::BitAnd => "&",
        BinOp::BitOr => "|",
        BinOp::BitXor => "^",
        BinOp::Lt => "<",
        BinOp::Gt => ">",
        BinOp::Le => "<=",
        BinOp::Ge => ">=",
        BinOp::Eq => "==",
        BinOp::Ne => "!=",
        BinOp::LAnd => "&&",
        BinOp::LOr => "||",
        BinOp::Comma => ",",
    }
}

impl fmt::Display for ExprDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = |e: &'_ Expr| {
            ExprDisplay {
                expr: e,
                func: self.func,
            }
            .to_string()
        };
        match &self.expr.kind {
            ExprKind::Local(v) => match self.func.vars.get(v.0 as usize) {
                Some(decl) => f.write_str(&decl.name),
                None => write!(f, "<var{}>", v.0),
            },
            ExprKind::Global(n) => f.write_str(n),
            ExprKind::IntLit(v) => write!(f, "{v}"),
            ExprKind::NamedConst { name, .. } => f.write_str(name),
            ExprKind::OtherLit => f.write_str("<lit>"),
            ExprKind::Member { base, field, arrow } => {
                write!(f, "{}{}{}", d(base), if *arrow { "->" } else { "." }, field)
            }
            ExprKind::Deref(e) => write!(f, "*{}", d(e)),
            ExprKind::AddrOf(e) => write!(f, "&{}", d(e)),
            ExprKind::Index { base, index } => write!(f, "{}[{}]", d(base), d(index)),
            ExprKind::Unary { op, operand } => match op {
                UnOp::Not => write!(f, "!{}", d(operand)),
                UnOp::Neg => write!(f, "-{}", d(operand)),
                UnOp::BitNot => write!(f, "~{}", d(operand)),
                UnOp::Plus => write!(f, "+{}", d(operand)),
                UnOp::PreInc => write!(f, "++{}", d(operand)),
                UnOp::PreDec => write!(f, "--{}", d(operand)),
                UnOp::PostInc => write!(f, "{}++", d(operand)),
                UnOp::PostDec => write!(f, "{}--", d(operand)),
            },
            ExprKind::Binary { op, lhs, rhs } => {
                write!(f, "({} {} {})", d(lhs), binop_str(*op), d(rhs))
            }
            ExprKind::Assign { op, lhs, rhs } => {
                let op = op.map(binop_str).unwrap_or("");
                write!(f, "{} {}= {}", d(lhs), op, d(rhs))
            }
            ExprKind::Cond { cond, then, els } => {
                let then = then.as_ref().map(|t| d(t)).unwrap_or_default();
                write!(f, "({} ? {} : {})", d(cond), then, d(els))
            }
            ExprKind::Call { callee, args } => {
                match callee {
                    // `current` is `get_current()` after expansion on x86; print it the way
                    // the source spells it.
                    Callee::Direct(n) if n == "get_current" && args.is_empty() => {
                        return f.write_str("current")
                    }
                    Callee::Direct(n) => f.write_str(n)?,
                    Callee::Indirect(c) => write!(f, "({})", d(c))?,
                }
                let args: Vec<String> = args.iter().map(d).collect();
                write!(f, "({})", args.join(", "))
            }
            ExprKind::Cast(e) => fmt::Display::fmt(
                &ExprDisplay {
                    expr: e,
                    func: self.func,
                },
                f,
            ),
            ExprKind::StmtExpr(_) => f.write_str("({...})"),
            ExprKind::InitList(_) => f.write_str("{...}"),
            ExprKind::Unevaluated => f.write_str("sizeof(...)"),
            ExprKind::Opaque(_) => f.write_str("<expr>"),
        }
    }
}
