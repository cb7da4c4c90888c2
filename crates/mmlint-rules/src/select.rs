//! Which of several entries for one API name applies to a call: the kernel version first,
//! then the callee's declaration, then the entry that reports less.
//!
//! Kernels reuse names with other shapes: 6.1's `__gup_longterm_locked(mm, start, nr, pages,
//! vmas, flags)` and 6.12's `__gup_longterm_locked(mm, start, nr, pages, locked, flags)` have
//! the same arity, so the argument count cannot tell them apart; the declaration libclang
//! sees can (`struct vm_area_struct **` against `int *` at argument 4).

use mmlint_ir::Ty;

use crate::version::{KernelVersion, VersionRange};

/// The struct tags the argument roles are checked against.
pub struct Records<'a> {
    pub vma: &'a str,
    pub mm: &'a str,
}

/// What a declared parameter must look like for an argument role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// `struct mm_struct *`
    Mm,
    /// `struct vm_area_struct *`
    Vma,
    /// `struct vm_area_struct **` (GUP's `vmas`, an out-VMA)
    VmaArray,
    /// A pointer to a scalar: `int *locked`, `bool *unlocked`.
    ScalarPtr,
    /// A pointer to some struct: an iterator, a semaphore.
    RecordPtr,
    /// An integer (flags, counts, `bool unlock`).
    Scalar,
    /// Two pointer levels (`struct page **`).
    PtrPtr,
}

impl Role {
    /// Whether `ty` can be this role. A type the frontend could not describe fits anything.
    pub fn fits(self, ty: &Ty, r: &Records<'_>) -> bool {
        if ty.spelling.is_empty() {
            return true;
        }
        match self {
            Role::Mm => ty.is_ptr_to(r.mm),
            Role::Vma => ty.is_ptr_to(r.vma),
            Role::VmaArray => ty.ptr_depth == 2 && ty.record.as_deref() == Some(r.vma),
            Role::ScalarPtr => {
                ty.ptr_depth == 1 && ty.record.is_none() && !ty.spelling.starts_with("void")
            }
            Role::RecordPtr => ty.ptr_depth == 1 && ty.record.is_some(),
            Role::Scalar => ty.is_scalar,
            Role::PtrPtr => ty.ptr_depth == 2,
        }
    }
}

/// An entry kind of the rules data, as far as choosing between versions of it goes.
pub trait Entry {
    fn range(&self) -> VersionRange;
    /// The arguments it names, with the role each must have in the declaration, and the
    /// argument count it needs (GUP entries are per arity).
    fn roles(&self) -> Vec<(usize, Role)>;
    fn arity(&self) -> Option<usize> {
        None
    }
    /// How much the entry lets the checks report: with neither a version nor a declaration
    /// to decide, the lightest candidate wins, so an unknown tree is never reported on by
    /// the shape that finds more.
    fn weight(&self) -> u32;
}

/// Whether the declared parameters fit `e`'s argument roles (and arity).
pub fn fits_decl<E: Entry>(e: &E, params: &[Ty], r: &Records<'_>) -> bool {
    if e.arity().is_some_and(|n| n != params.len()) {
        return false;
    }
    e.roles()
        .iter()
        .all(|&(i, role)| params.get(i).is_some_and(|t| role.fits(t, r)))
}

/// One stored entry: which `--rules-dir` layer added it (0 = built in).
#[derive(Clone, Debug)]
pub struct Stored<E> {
    pub entry: E,
    pub layer: u32,
}

/// Adds `e` to the candidates of its key: a later layer's entry replaces the earlier
/// layers' entries whose versions overlap its own (an override of a built-in entry), while
/// entries of one layer with different ranges live side by side. The same range in the
/// same layer replaces too (a name listed twice).
pub fn insert<E: Entry>(list: &mut Vec<Stored<E>>, e: E, layer: u32) {
    let r = e.range();
    list.retain(|s| {
        let sr = s.entry.range();
        let replaced = if s.layer < layer {
            sr.overlaps(&r)
        } else {
            sr == r
        };
        !replaced
    });
    list.push(Stored { entry: e, layer });
}

/// The candidate for a call: those whose range holds `version` (all, when it is unknown),
/// then those fitting the declaration when there is one and some fit, then the lightest.
/// Without a fitting candidate for a known declaration there is none: the callee is
/// another function of the same name.
pub fn pick<'e, E: Entry>(
    list: &'e [Stored<E>],
    version: Option<KernelVersion>,
    decl: Option<&[Ty]>,
    r: &Records<'_>,
) -> Option<&'e E> {
    let in_version = list
        .iter()
        .map(|s| &s.entry)
        .filter(|e| version.is_none_or(|v| e.range().contains(v)));
    let fitting: Vec<&E> = match decl {
        Some(params) => in_version.filter(|e| fits_decl(*e, params, r)).collect(),
        None => in_version.collect(),
    };
    // The newest of the lightest: entries are listed oldest first.
    fitting.into_iter().rev().min_by_key(|e| e.weight())
}

/// Whether any candidate applies to `version` (the name is known to the data there).
pub fn any_in<E: Entry>(list: &[Stored<E>], version: Option<KernelVersion>) -> bool {
    list.iter()
        .any(|s| version.is_none_or(|v| s.entry.range().contains(v)))
}
