//! Thin wrappers over the clang-sys calls the lowering uses.
//!
//! Every function here requires libclang to be loaded on the calling thread (see
//! `loader::ensure_loaded`) and cursors that belong to a live translation unit; the
//! lowering upholds both, which is why these are safe functions.

// clang-sys constants keep their C names.
#![allow(non_upper_case_globals)]

use std::ffi::{c_void, CStr};
use std::ptr;

use clang_sys::*;

pub fn kind(c: CXCursor) -> CXCursorKind {
    unsafe { clang_getCursorKind(c) }
}

pub fn is_expr_kind(k: CXCursorKind) -> bool {
    unsafe { clang_isExpression(k) != 0 }
}

pub fn is_stmt_kind(k: CXCursorKind) -> bool {
    unsafe { clang_isStatement(k) != 0 }
}

/// Converts and disposes a `CXString`.
pub fn string(s: CXString) -> String {
    unsafe {
        let p = clang_getCString(s);
        let out = if p.is_null() {
            String::new()
        } else {
            CStr::from_ptr(p).to_string_lossy().into_owned()
        };
        clang_disposeString(s);
        out
    }
}

pub fn spelling(c: CXCursor) -> String {
    string(unsafe { clang_getCursorSpelling(c) })
}

extern "C" fn push_child(c: CXCursor, _parent: CXCursor, data: CXClientData) -> CXChildVisitResult {
    // SAFETY: `children` passes a pointer to a live Vec<CXCursor> and the visit is synchronous.
    let v = unsafe { &mut *(data as *mut Vec<CXCursor>) };
    v.push(c);
    CXChildVisit_Continue
}

/// The direct children of `c`, in libclang's visiting order.
pub fn children(c: CXCursor) -> Vec<CXCursor> {
    let mut v: Vec<CXCursor> = Vec::new();
    unsafe {
        clang_visitChildren(c, push_child, &mut v as *mut Vec<CXCursor> as *mut c_void);
    }
    v
}

extern "C" fn push_descendant(
    c: CXCursor,
    _parent: CXCursor,
    data: CXClientData,
) -> CXChildVisitResult {
    // SAFETY: as in `push_child`.
    let v = unsafe { &mut *(data as *mut Vec<CXCursor>) };
    v.push(c);
    CXChildVisit_Recurse
}

/// All descendants of `c` in pre-order.
pub fn descendants(c: CXCursor) -> Vec<CXCursor> {
    let mut v: Vec<CXCursor> = Vec::new();
    unsafe {
        clang_visitChildren(
            c,
            push_descendant,
            &mut v as *mut Vec<CXCursor> as *mut c_void,
        );
    }
    v
}

pub fn is_null(c: CXCursor) -> bool {
    unsafe { clang_Cursor_isNull(c) != 0 }
}

pub fn referenced(c: CXCursor) -> CXCursor {
    unsafe { clang_getCursorReferenced(c) }
}

pub fn equal(a: CXCursor, b: CXCursor) -> bool {
    unsafe { clang_equalCursors(a, b) != 0 }
}

pub fn hash(c: CXCursor) -> u32 {
    unsafe { clang_hashCursor(c) }
}

pub fn cursor_type(c: CXCursor) -> CXType {
    unsafe { clang_getCursorType(c) }
}

pub fn canonical(t: CXType) -> CXType {
    unsafe { clang_getCanonicalType(t) }
}

pub fn equal_types(a: CXType, b: CXType) -> bool {
    unsafe { clang_equalTypes(a, b) != 0 }
}

pub fn type_spelling(t: CXType) -> String {
    string(unsafe { clang_getTypeSpelling(t) })
}

pub fn unqualified(t: CXType) -> CXType {
    unsafe { clang_getUnqualifiedType(t) }
}

pub fn arg_type(fn_type: CXType, i: u32) -> CXType {
    unsafe { clang_getArgType(fn_type, i) }
}

pub fn pointee(t: CXType) -> CXType {
    unsafe { clang_getPointeeType(t) }
}

pub fn element_type(t: CXType) -> CXType {
    unsafe { clang_getElementType(t) }
}

pub fn type_decl(t: CXType) -> CXCursor {
    unsafe { clang_getTypeDeclaration(t) }
}

pub fn is_anonymous_record(c: CXCursor) -> bool {
    unsafe { clang_Cursor_isAnonymousRecordDecl(c) != 0 }
}

pub fn location(c: CXCursor) -> CXSourceLocation {
    unsafe { clang_getCursorLocation(c) }
}

pub fn extent(c: CXCursor) -> CXSourceRange {
    unsafe { clang_getCursorExtent(c) }
}

pub fn equal_ranges(a: CXSourceRange, b: CXSourceRange) -> bool {
    unsafe { clang_equalRanges(a, b) != 0 }
}

pub fn range_start(r: CXSourceRange) -> CXSourceLocation {
    unsafe { clang_getRangeStart(r) }
}

pub fn range_end(r: CXSourceRange) -> CXSourceLocation {
    unsafe { clang_getRangeEnd(r) }
}

/// Expansion location as (file, line, column, offset); a null `file` means no file.
pub fn expansion(loc: CXSourceLocation) -> (CXFile, u32, u32, u32) {
    let mut file: CXFile = ptr::null_mut();
    let (mut line, mut col, mut off) = (0u32, 0u32, 0u32);
    unsafe { clang_getExpansionLocation(loc, &mut file, &mut line, &mut col, &mut off) };
    (file, line, col, off)
}

/// Spelling location as (file, offset).
pub fn spelling_loc(loc: CXSourceLocation) -> (CXFile, u32) {
    let mut file: CXFile = ptr::null_mut();
    let (mut line, mut col, mut off) = (0u32, 0u32, 0u32);
    unsafe { clang_getSpellingLocation(loc, &mut file, &mut line, &mut col, &mut off) };
    (file, off)
}

pub fn file_name(f: CXFile) -> String {
    string(unsafe { clang_getFileName(f) })
}

pub fn semantic_parent(c: CXCursor) -> CXCursor {
    unsafe { clang_getCursorSemanticParent(c) }
}

/// Whether `loc` is in `main` (the main file) once macros are undone: libclang's own test
/// is false for a location inside a macro's expansion, even when the macro is used in the
/// main file (`static DECLARE_WORK(w, fn);`). A file comparison, not a location rebuilt
/// from line and column: that is a scan of the file's lines, per cursor.
pub fn is_expanded_in_main_file(main: CXFile, loc: CXSourceLocation) -> bool {
    if is_from_main_file(loc) {
        return true;
    }
    let (file, _, _, _) = expansion(loc);
    !file.is_null() && !main.is_null() && unsafe { clang_File_isEqual(file, main) != 0 }
}

pub fn is_from_main_file(loc: CXSourceLocation) -> bool {
    unsafe { clang_Location_isFromMainFile(loc) != 0 }
}

pub fn num_args(c: CXCursor) -> i32 {
    unsafe { clang_Cursor_getNumArguments(c) }
}

pub fn arg(c: CXCursor, i: u32) -> CXCursor {
    unsafe { clang_Cursor_getArgument(c, i) }
}

pub fn result_type(c: CXCursor) -> CXType {
    unsafe { clang_getResultType(clang_getCursorType(c)) }
}

pub fn is_definition(c: CXCursor) -> bool {
    unsafe { clang_isCursorDefinition(c) != 0 }
}

pub fn storage_class(c: CXCursor) -> CX_StorageClass {
    unsafe { clang_Cursor_getStorageClass(c) }
}

pub fn var_init(c: CXCursor) -> Option<CXCursor> {
    let init = unsafe { clang_Cursor_getVarDeclInitializer(c) };
    (!is_null(init)).then_some(init)
}

pub fn enum_value(c: CXCursor) -> i128 {
    // Enumerators with an unsigned underlying type above i64::MAX come back wrapped; the
    // unsigned accessor recovers them.
    let ty = unsafe { clang_getEnumDeclIntegerType(clang_getCursorSemanticParent(c)) };
    if is_unsigned_int_kind(canonical(ty).kind) {
        unsafe { clang_getEnumConstantDeclUnsignedValue(c) as i128 }
    } else {
        unsafe { clang_getEnumConstantDeclValue(c) as i128 }
    }
}

fn is_unsigned_int_kind(k: CXTypeKind) -> bool {
    matches!(
        k,
        CXType_Bool
            | CXType_Char_U
            | CXType_UChar
            | CXType_UShort
            | CXType_UInt
            | CXType_ULong
            | CXType_ULongLong
            | CXType_UInt128
    )
}

/// Evaluates a constant integer expression.
pub fn eval_int(c: CXCursor) -> Option<i128> {
    unsafe {
        let r = clang_Cursor_Evaluate(c);
        if r.is_null() {
            return None;
        }
        let v = if clang_EvalResult_getKind(r) == CXEval_Int {
            if clang_EvalResult_isUnsignedInt(r) != 0 {
                Some(clang_EvalResult_getAsUnsigned(r) as i128)
            } else {
                Some(clang_EvalResult_getAsLongLong(r) as i128)
            }
        } else {
            None
        };
        clang_EvalResult_dispose(r);
        v
    }
}

pub fn unary_op(c: CXCursor) -> CXUnaryOperatorKind {
    unsafe { clang_getCursorUnaryOperatorKind(c) }
}

pub fn binary_op(c: CXCursor) -> CXBinaryOperatorKind {
    unsafe { clang_getCursorBinaryOperatorKind(c) }
}

/// A token of a raw (unexpanded) source window. `text` is only filled in for
/// punctuation, identifiers and keywords; literals can be long and are never needed.
pub struct Token {
    pub kind: CXTokenKind,
    pub text: String,
}

impl Token {
    pub fn is(&self, s: &str) -> bool {
        self.text == s
    }
}

/// Tokenizes `len` bytes of `file` starting at `offset` (clamped to the file).
pub fn tokenize_window(tu: CXTranslationUnit, file: CXFile, offset: u32, len: u32) -> Vec<Token> {
    let mut out = Vec::new();
    unsafe {
        let mut size: usize = 0;
        let contents = clang_getFileContents(tu, file, &mut size);
        if contents.is_null() || offset as usize >= size {
            return out;
        }
        let end = (offset as usize).saturating_add(len as usize).min(size) as u32;
        let b = clang_getLocationForOffset(tu, file, offset);
        let e = clang_getLocationForOffset(tu, file, end);
        let range = clang_getRange(b, e);
        let mut toks: *mut CXToken = ptr::null_mut();
        let mut n: u32 = 0;
        clang_tokenize(tu, range, &mut toks, &mut n);
        if toks.is_null() {
            return out;
        }
        let slice = std::slice::from_raw_parts(toks, n as usize);
        out.reserve(slice.len());
        for &t in slice {
            let kind = clang_getTokenKind(t);
            let text = if matches!(
                kind,
                CXToken_Punctuation | CXToken_Identifier | CXToken_Keyword
            ) {
                string(clang_getTokenSpelling(tu, t))
            } else {
                String::new()
            };
            out.push(Token { kind, text });
        }
        clang_disposeTokens(tu, toks, n);
    }
    out
}

/// The function declaration has a prototype (`int f(void)`, not `int f()`).
pub fn has_prototype(c: CXCursor) -> bool {
    unsafe { clang_getCursorType(c).kind == CXType_FunctionProto }
}
