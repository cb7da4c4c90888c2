//! The user-facing rules: one file per rule under `rules/`, each opening with its
//! documentation (`//!`: what it finds, why it is a bug, an example, the fix). A check reads
//! the events the lock/VMA analysis recorded for a function and turns the ones that are
//! bugs into [`Diagnostic`]s; it never walks the AST or runs its own fixpoint.
//!
//! Adding a rule: a file in `rules/`, one line in [`registry`], fixtures under
//! `testdata/rules/<id>/`, then `MMLINT_BLESS=1 cargo test -p mmlint-checks` writes its
//! `docs/rules/<id>.md`.

use mmlint_cfg::Body;
use mmlint_diagnostics::{Diagnostic, Note, Severity, SourceFile};
use mmlint_domains::FnFacts;
use mmlint_ir::Span;
use mmlint_rules::ApiDb;

pub mod ctext;
pub mod rules;
pub mod suppress;

/// What a rule is, for `mmlint rules`, docs and SARIF.
#[derive(Debug)]
pub struct RuleMeta {
    pub id: &'static str,
    pub severity: Severity,
    /// One line.
    pub summary: &'static str,
    /// The rule's doc page (markdown), from the `//!` comment of its file.
    pub doc: &'static str,
}

/// One function's analysis results, as the checks see them.
pub struct FnCx<'a> {
    pub body: &'a Body,
    pub facts: &'a FnFacts,
    pub db: &'a ApiDb,
    /// The text of the file being analysed, for checks that emit fixes (edits need byte
    /// positions and the file's indentation); `None` when it is not available.
    pub source: Option<&'a SourceFile>,
}

impl FnCx<'_> {
    pub fn diag(
        &self,
        meta: &RuleMeta,
        span: Span,
        message: String,
        notes: Vec<Note>,
    ) -> Diagnostic {
        Diagnostic {
            rule: meta.id,
            severity: meta.severity,
            span,
            message,
            notes,
            function: self.body.func.name.clone(),
            fingerprint: String::new(),
            fix: None,
            suppression: None,
        }
    }
}

pub trait Check: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn run(&self, cx: &FnCx<'_>, out: &mut Vec<Diagnostic>);
    /// Off-by-default rules (advice such as migrations) run only when enabled by name.
    fn enabled_by_default(&self) -> bool {
        true
    }
}

/// Every rule, in the order `mmlint rules` lists them. The only place rules are listed.
pub fn registry() -> &'static [&'static dyn Check] {
    use rules::*;
    &[
        &dangling_vma::DanglingVma,
        &gup_vmas_unlockable::GupVmasUnlockable,
        &vma_without_mmap_lock::VmaWithoutMmapLock,
        &mmap_lock_leak::MmapLockLeak,
        &mmap_lock_unbalanced_unlock::MmapLockUnbalancedUnlock,
        &vma_lock_leak::VmaLockLeak,
        &vma_lock_unbalanced_unlock::VmaLockUnbalancedUnlock,
        &vma_modified_without_write_lock::VmaModifiedWithoutWriteLock,
        &mmap_lock_mode_mismatch::MmapLockModeMismatch,
        &gup_while_mmap_locked::GupWhileMmapLocked,
        &gup_vmas_migration::GupVmasMigration,
    ]
}

pub fn find_rule(id: &str) -> Option<&'static dyn Check> {
    registry().iter().copied().find(|c| c.meta().id == id)
}

/// Every rule id mmlint can report: the checks, then the suppression rules.
pub fn all_rules() -> Vec<&'static RuleMeta> {
    let mut v: Vec<&'static RuleMeta> = registry().iter().map(|c| c.meta()).collect();
    v.push(&suppress::INVALID_SUPPRESSION);
    v.push(&suppress::UNUSED_SUPPRESSION);
    v
}

/// Whether rule `id` runs, given the rules turned on (`--enable`) and off (`--disable`) by
/// name: off wins; a rule off by default runs only when enabled.
pub fn rule_enabled(id: &str, enable: &[String], disable: &[String]) -> bool {
    if disable.iter().any(|d| d == id) {
        return false;
    }
    find_rule(id).is_none_or(|c| c.enabled_by_default()) || enable.iter().any(|e| e == id)
}

pub fn find_rule_meta(id: &str) -> Option<&'static RuleMeta> {
    all_rules().into_iter().find(|m| m.id == id)
}

/// Runs every enabled check on one function; diagnostics at the same place for the same
/// rule (several paths reach it) are reported once.
pub fn run_checks(cx: &FnCx<'_>, enabled: impl Fn(&str) -> bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in registry() {
        if enabled(c.meta().id) {
            c.run(cx, &mut out);
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|d| seen.insert((d.rule, d.span.start.clone())));
    out
}

pub(crate) fn line_of(span: &Span) -> u32 {
    span.start.line
}

#[cfg(test)]
mod tests;
