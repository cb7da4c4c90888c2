//! Statements: one IR statement per clang statement (a declaration statement yields one
//! per variable), `for` headers recovered from tokens, `asm goto` labels.

use clang_sys::*;
use mmlint_ir::{Expr, ExprKind, Stmt, StmtKind, Ty};

use super::expr::{expr_children, is_expr};
use super::{FnLower, FOR_HEADER_WINDOW, MAX_DEPTH};
use crate::cx;

fn is_stmt_or_expr(c: CXCursor) -> bool {
    let k = cx::kind(c);
    cx::is_stmt_kind(k) || cx::is_expr_kind(k)
}

fn is_assign_like(c: CXCursor) -> bool {
    match cx::kind(c) {
        CXCursor_CompoundAssignOperator => true,
        CXCursor_BinaryOperator => matches!(
            cx::binary_op(c),
            CXBinaryOperator_Assign | CXBinaryOperator_Comma
        ),
        CXCursor_UnaryOperator => matches!(
            cx::unary_op(c),
            CXUnaryOperator_PostInc
                | CXUnaryOperator_PostDec
                | CXUnaryOperator_PreInc
                | CXUnaryOperator_PreDec
        ),
        _ => false,
    }
}

impl FnLower<'_> {
    /// Lowers `c` to exactly one statement.
    pub(super) fn stmt(&mut self, c: CXCursor) -> Stmt {
        let mut v = Vec::with_capacity(1);
        self.stmt_into(c, &mut v);
        match v.len() {
            0 => self.nop(c),
            1 => v.remove(0),
            _ => {
                let span = self.ctx.span(c);
                Stmt::new(StmtKind::Compound(v), span)
            }
        }
    }

    pub(super) fn nop(&mut self, c: CXCursor) -> Stmt {
        let span = self.ctx.span(c);
        Stmt::new(StmtKind::Nop, span)
    }

    pub(super) fn opt_stmt(&mut self, c: Option<&CXCursor>) -> Option<Box<Stmt>> {
        c.map(|&c| Box::new(self.stmt(c)))
    }

    /// A missing child (only in code with errors) becomes `Nop` / `Opaque`.
    pub(super) fn stmt_or_nop(&mut self, c: Option<&CXCursor>, parent: CXCursor) -> Box<Stmt> {
        Box::new(match c {
            Some(&c) => self.stmt(c),
            None => self.nop(parent),
        })
    }

    pub(super) fn expr_or_opaque(&mut self, c: Option<&CXCursor>, parent: CXCursor) -> Expr {
        match c {
            Some(&c) if is_expr(c) => self.expr(c),
            _ => self.opaque(parent, Vec::new()),
        }
    }

    /// Lowers `c`, pushing zero or more statements (a `DeclStmt` yields one per variable).
    pub(super) fn stmt_into(&mut self, c: CXCursor, out: &mut Vec<Stmt>) {
        if self.depth >= MAX_DEPTH {
            out.push(self.nop(c));
            return;
        }
        self.depth += 1;
        self.stmt_into_inner(c, out);
        self.depth -= 1;
    }

    pub(super) fn stmt_into_inner(&mut self, c: CXCursor, out: &mut Vec<Stmt>) {
        let k = cx::kind(c);
        if k == CXCursor_DeclStmt {
            self.decl_stmt(c, out);
            return;
        }
        if cx::is_expr_kind(k) {
            let e = self.expr(c);
            let span = e.span.clone();
            out.push(Stmt::new(StmtKind::Expr(e), span));
            return;
        }
        let kind = match k {
            CXCursor_CompoundStmt => {
                let mut v = Vec::new();
                for ch in cx::children(c) {
                    self.stmt_into(ch, &mut v);
                }
                StmtKind::Compound(v)
            }
            CXCursor_IfStmt => {
                let ch = cx::children(c);
                StmtKind::If {
                    cond: self.expr_or_opaque(ch.first(), c),
                    then: self.stmt_or_nop(ch.get(1), c),
                    els: self.opt_stmt(ch.get(2)),
                }
            }
            CXCursor_WhileStmt => {
                let ch = cx::children(c);
                StmtKind::While {
                    cond: self.expr_or_opaque(ch.first(), c),
                    body: self.stmt_or_nop(ch.get(1), c),
                }
            }
            CXCursor_DoStmt => {
                let ch = cx::children(c);
                StmtKind::DoWhile {
                    body: self.stmt_or_nop(ch.first(), c),
                    cond: self.expr_or_opaque(ch.get(1), c),
                }
            }
            CXCursor_ForStmt => self.for_stmt(c),
            CXCursor_SwitchStmt => {
                let ch = cx::children(c);
                StmtKind::Switch {
                    cond: self.expr_or_opaque(ch.first(), c),
                    body: self.stmt_or_nop(ch.get(1), c),
                }
            }
            CXCursor_CaseStmt => {
                let ch = cx::children(c);
                let value = ch.first().and_then(|&v| cx::eval_int(v));
                let hi = if ch.len() >= 3 {
                    cx::eval_int(ch[1])
                } else {
                    None
                };
                let body = if ch.len() >= 2 { ch.last() } else { None };
                StmtKind::Case {
                    value,
                    hi,
                    body: self.stmt_or_nop(body, c),
                }
            }
            CXCursor_DefaultStmt => {
                let ch = cx::children(c);
                StmtKind::Default(self.stmt_or_nop(ch.last(), c))
            }
            CXCursor_BreakStmt => StmtKind::Break,
            CXCursor_ContinueStmt => StmtKind::Continue,
            CXCursor_ReturnStmt => {
                let ch = expr_children(c);
                StmtKind::Return(ch.first().map(|&e| self.expr(e)))
            }
            CXCursor_GotoStmt => {
                let label = cx::children(c)
                    .into_iter()
                    .find(|&l| cx::kind(l) == CXCursor_LabelRef)
                    .map(cx::spelling)
                    .unwrap_or_else(|| cx::spelling(cx::referenced(c)));
                StmtKind::Goto(label)
            }
            CXCursor_IndirectGotoStmt => {
                let ch = expr_children(c);
                StmtKind::IndirectGoto(self.expr_or_opaque(ch.first(), c))
            }
            CXCursor_LabelStmt => {
                let ch = cx::children(c);
                StmtKind::Label {
                    name: cx::spelling(c),
                    body: self.stmt_or_nop(ch.last(), c),
                }
            }
            CXCursor_NullStmt => StmtKind::Nop,
            CXCursor_AsmStmt | CXCursor_MSAsmStmt => self.asm_stmt(c),
            _ => {
                // AttributedStmt (`fallthrough;`) and other wrappers: keep what they contain.
                for ch in cx::children(c) {
                    if is_stmt_or_expr(ch) {
                        self.stmt_into(ch, out);
                    }
                }
                return;
            }
        };
        let span = self.ctx.span(c);
        out.push(Stmt::new(kind, span));
    }

    pub(super) fn decl_stmt(&mut self, c: CXCursor, out: &mut Vec<Stmt>) {
        for d in cx::children(c) {
            if cx::kind(d) != CXCursor_VarDecl {
                // Local typedefs, tags, function prototypes and static assertions.
                continue;
            }
            let storage = cx::storage_class(d);
            if storage == CX_SC_Extern {
                // A block-scope `extern` names a global; references stay `Global`.
                continue;
            }
            let var = self.add_var(d, false);
            // A static local is initialised once, before the program runs.
            let init = if storage == CX_SC_Static {
                None
            } else {
                cx::var_init(d).map(|i| self.expr(i))
            };
            let span = self.ctx.span(d);
            out.push(Stmt::new(StmtKind::Decl { var, init }, span));
        }
    }

    pub(super) fn for_stmt(&mut self, c: CXCursor) -> StmtKind {
        let mut ch = cx::children(c);
        ch.retain(|&x| is_stmt_or_expr(x));
        let Some(&body_c) = ch.last() else {
            return StmtKind::For {
                init: None,
                cond: None,
                inc: None,
                body: Box::new(self.nop(c)),
            };
        };
        let header = &ch[..ch.len() - 1];
        // Slot of each header child: 0 = init, 1 = cond, 2 = inc.
        let slots: Vec<usize> = match header.len() {
            0 => Vec::new(),
            1 | 2 => self
                .for_slots(c, body_c)
                .and_then(|present| {
                    let slots: Vec<usize> = (0..3).filter(|&i| present[i]).collect();
                    (slots.len() == header.len()).then_some(slots)
                })
                .unwrap_or_else(|| guess_for_slots(header)),
            _ => vec![0, 1, 2],
        };
        let (mut init, mut cond, mut inc) = (None, None, None);
        for (&h, &slot) in header.iter().zip(&slots) {
            match slot {
                0 => init = Some(Box::new(self.stmt(h))),
                1 if is_expr(h) => cond = Some(self.expr(h)),
                2 if is_expr(h) => inc = Some(self.expr(h)),
                _ => {}
            }
        }
        StmtKind::For {
            init,
            cond,
            inc,
            body: Box::new(self.stmt(body_c)),
        }
    }

    /// Which of init / cond / inc are written in the `for (...)` header, from the tokens
    /// where the `for` keyword is spelled: the source itself, or the body of the macro that
    /// expanded to the loop (`list_for_each` …), so it works for macro-made loops too.
    pub(super) fn for_slots(&mut self, c: CXCursor, body: CXCursor) -> Option<[bool; 3]> {
        let (file, off) = cx::spelling_loc(cx::location(c));
        if file.is_null() {
            return None;
        }
        let (bf, boff) = cx::spelling_loc(cx::range_start(cx::extent(body)));
        let len = if bf == file && boff > off {
            (boff - off + 1).min(FOR_HEADER_WINDOW)
        } else {
            FOR_HEADER_WINDOW
        };
        let toks = cx::tokenize_window(self.ctx.tu, file, off, len);
        if toks.len() < 3 || !toks[0].is("for") || !toks[1].is("(") {
            return None;
        }
        let mut present = [false; 3];
        let (mut slot, mut parens, mut braces) = (0usize, 1u32, 0u32);
        for t in &toks[2..] {
            match t.text.as_str() {
                "(" => parens += 1,
                ")" => {
                    parens -= 1;
                    if parens == 0 {
                        return (slot == 2).then_some(present);
                    }
                }
                "{" => braces += 1,
                "}" => braces = braces.saturating_sub(1),
                ";" if parens == 1 && braces == 0 => {
                    slot += 1;
                    if slot > 2 {
                        return None;
                    }
                    continue;
                }
                _ => {}
            }
            present[slot] = true;
        }
        None
    }

    /// Inline assembly is a `Nop`, except `asm goto`, which may jump to any of its labels:
    /// it becomes one `if (?) goto label;` per label. libclang exposes neither the `goto`
    /// nor the labels, so both come from tokens (see [`FnLower::asm_goto_labels`]).
    pub(super) fn asm_stmt(&mut self, c: CXCursor) -> StmtKind {
        let labels = self.asm_goto_labels(c);
        if labels.is_empty() {
            return StmtKind::Nop;
        }
        let span = self.ctx.span(c);
        let ty = Ty {
            spelling: "int".into(),
            ptr_depth: 0,
            record: None,
            is_scalar: true,
        };
        StmtKind::Compound(
            labels
                .into_iter()
                .map(|l| {
                    let goto = Stmt::new(StmtKind::Goto(l), span.clone());
                    let cond = Expr::new(ExprKind::Opaque(Vec::new()), ty.clone(), span.clone());
                    let branch = StmtKind::If {
                        cond,
                        then: Box::new(goto),
                        els: None,
                    };
                    Stmt::new(branch, span.clone())
                })
                .collect(),
        )
    }

    /// Whether `c` is an `asm goto` is read where the `asm` keyword is spelled (the source
    /// or a macro body such as `asm_volatile_goto`). The labels are read at the expansion
    /// site: after the fourth top-level `:` when the statement is written out there, or else
    /// any identifier there that names a label of this function (`unsafe_get_user(x, p,
    /// Efault)` passes the label as a macro argument).
    pub(super) fn asm_goto_labels(&mut self, c: CXCursor) -> Vec<String> {
        let tu = self.ctx.tu;
        let r = cx::extent(c);
        let (file, _, _, start) = cx::expansion(cx::range_start(r));
        let (efile, _, _, end) = cx::expansion(cx::range_end(r));
        if file.is_null() || efile != file || end < start {
            return Vec::new();
        }
        // Whatever the labels are, they are written at the expansion site as names of this
        // function's labels. Most `asm` statements (one in every other kernel macro) have
        // none there, and are settled from text: reading another file's buffer or
        // tokenizing costs libclang a search of its whole source-location table.
        if self.label_names().is_empty() {
            return Vec::new();
        }
        let site = self.ctx.contents(file);
        let site = &site[(start as usize).min(site.len())..(end as usize).min(site.len())];
        let site = String::from_utf8_lossy(site).into_owned();
        let names = self.label_names();
        if !site
            .split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
            .any(|w| names.contains(w))
        {
            return Vec::new();
        }
        let (sfile, soff) = cx::spelling_loc(cx::range_start(r));
        if sfile.is_null() {
            return Vec::new();
        }
        let head = self.ctx.contents(sfile);
        let head = &head[(soff as usize).min(head.len())..];
        if !asm_head_has_goto(&head[..head.len().min(64)]) {
            return Vec::new();
        }
        let toks = cx::tokenize_window(tu, file, start, end - start);
        let (mut depth, mut colons) = (0u32, 0u32);
        let mut labels = Vec::new();
        for t in &toks {
            match t.text.as_str() {
                "(" => depth += 1,
                ")" => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 && colons >= 4 {
                        return labels;
                    }
                }
                ":" if depth == 1 => colons += 1,
                // Lexed as one token only in C23 / C++, but be safe.
                "::" if depth == 1 => colons += 2,
                _ if colons == 4 && depth == 1 && t.kind == CXToken_Identifier => {
                    labels.push(t.text.clone())
                }
                _ => {}
            }
        }
        let names = self.label_names();
        let mut labels: Vec<String> = toks
            .into_iter()
            .filter(|t| t.kind == CXToken_Identifier && names.contains(&t.text))
            .map(|t| t.text)
            .collect();
        labels.dedup();
        labels
    }

    pub(super) fn label_names(&mut self) -> &std::collections::HashSet<String> {
        let func = self.func;
        self.labels.get_or_insert_with(|| {
            cx::descendants(func)
                .into_iter()
                .filter(|&d| cx::kind(d) == CXCursor_LabelStmt)
                .map(cx::spelling)
                .collect()
        })
    }
}

/// Whether the first four words of an `asm` statement's text, before its `(`, include
/// `goto` (`asm goto (`, `asm volatile goto (`, `__asm__ __volatile__ goto(`).
fn asm_head_has_goto(text: &[u8]) -> bool {
    let head = text.split(|&b| b == b'(').next().unwrap_or_default();
    head.split(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
        .filter(|w| !w.is_empty())
        .take(4)
        .any(|w| w == b"goto")
}

/// Assignment of the header children of a `for` when its tokens could not be read.
fn guess_for_slots(header: &[CXCursor]) -> Vec<usize> {
    let is_decl = |c: CXCursor| cx::kind(c) == CXCursor_DeclStmt;
    match header {
        [a] if is_decl(*a) => vec![0],
        [_] => vec![1],
        [a, b] => {
            let (a_init, b_step) = (is_decl(*a) || is_assign_like(*a), is_assign_like(*b));
            match (a_init, b_step) {
                (true, true) => vec![0, 2],
                (true, false) => vec![0, 1],
                (false, _) => vec![1, 2],
            }
        }
        _ => (0..header.len().min(3)).collect(),
    }
}

#[cfg(test)]
mod asm_head_tests {
    use super::asm_head_has_goto;

    #[test]
    fn goto_is_found_among_the_first_words_before_the_parenthesis() {
        assert!(asm_head_has_goto(b"asm goto(\"jmp %l0\" : : : : l)"));
        assert!(asm_head_has_goto(b"asm volatile goto (\"\" ::: l)"));
        assert!(asm_head_has_goto(b"__asm__ __volatile__ goto(\"\" ::: l)"));
        assert!(!asm_head_has_goto(b"asm volatile(\"goto\")"));
        assert!(!asm_head_has_goto(b"asm(\"nop\"); goto out;"));
        assert!(!asm_head_has_goto(b""));
    }
}
