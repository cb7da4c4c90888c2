//! mmlint's C frontend: parses a translation unit with libclang and lowers every function
//! definition with a body to the `mmlint-ir` representation.
//!
//! This crate owns everything clang: loading libclang at run time, turning compiler
//! arguments into a parsed translation unit, collecting clang's errors, and translating
//! clang's cursors into plain IR values (resolved variables, simplified types, expansion-site
//! locations).
//!
//! **Invariants:** this is the only mmlint crate that links `clang-sys`, and no clang type
//! appears in its public API. Lowering never panics: constructs it does not model become
//! `ExprKind::Opaque` / `StmtKind::Nop`, and an internal failure is reported as
//! [`FrontendError::ParseFailed`].

mod cx;
pub mod flags;
mod loader;
mod lower;

use std::ffi::CString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::ptr;

use clang_sys::*;
use mmlint_ir::TranslationUnit;

/// Handle on libclang. libclang is loaded lazily, once per process, and attached to each
/// thread that parses; the parse functions do this themselves, so using `Frontend` is only
/// needed to check availability up front.
pub struct Frontend;

impl Frontend {
    /// Loads libclang for the current thread (no-op when already loaded).
    pub fn ensure_loaded() -> Result<(), FrontendError> {
        loader::ensure_loaded().map_err(FrontendError::LibclangUnavailable)
    }

    /// Path of the libclang shared library in use, once loaded.
    pub fn library_path() -> Option<String> {
        loader::library_path()
    }

    /// libclang's own version string (`clang_getClangVersion`), loading it if needed.
    pub fn libclang_version() -> Result<String, FrontendError> {
        loader::version().map_err(FrontendError::LibclangUnavailable)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FrontendError {
    /// libclang could not be loaded (message includes an installation hint).
    LibclangUnavailable(String),
    /// The source file does not exist or cannot be read.
    FileNotFound(String),
    /// clang could not produce a translation unit at all (bad arguments, crash).
    ParseFailed(String),
}

impl fmt::Display for FrontendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrontendError::LibclangUnavailable(m) => write!(f, "libclang unavailable: {m}"),
            FrontendError::FileNotFound(p) => write!(f, "file not found: {p}"),
            FrontendError::ParseFailed(m) => write!(f, "parse failed: {m}"),
        }
    }
}

impl std::error::Error for FrontendError {}

/// Parses `path` with clang arguments `args` (no compiler name, no file name) and lowers
/// its functions. Clang errors are returned in `TranslationUnit::errors`, not as `Err`.
///
/// Parsing and lowering run on an internal thread with a large stack, so callers need no
/// special stack size for deeply nested kernel expressions.
pub fn parse_file(path: &Path, args: &[String]) -> Result<TranslationUnit, FrontendError> {
    parse_file_filtered(path, args, None)
}

/// Which function bodies to lower: those whose source text contains one of the words.
/// Lowering costs as much as clang's parse, and almost every function of a kernel TU (the
/// headers' inline helpers) has nothing to do with what the caller looks for.
///
/// The test is on the text as written, so a body that reaches a word only through a macro
/// defined elsewhere is skipped: callers pass the names their macros expand from too.
pub struct Prefilter(aho_corasick::AhoCorasick);

impl Prefilter {
    pub fn new<S: AsRef<[u8]>>(words: &[S]) -> Prefilter {
        Prefilter(aho_corasick::AhoCorasick::new(words).expect("plain words build an automaton"))
    }
    pub fn matches(&self, text: &[u8]) -> bool {
        self.0.is_match(text)
    }
}

/// Whether clang analyses the bodies of the functions defined in the headers a unit
/// includes before its first declaration (its preamble): thousands of inline helpers in a
/// kernel unit, about 70 % of the parse.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HeaderBodies {
    #[default]
    Parse,
    /// The preamble is parsed without function bodies (libclang's
    /// `SkipFunctionBodies | LimitSkipFunctionBodiesToPreamble`, into a precompiled
    /// preamble kept in memory). Those functions are then declarations only: nothing is
    /// learned from them, so the caller must know their bodies do not matter.
    SkipInPreamble,
}

/// [`parse_file`], lowering only the functions `filter` keeps (all without one).
pub fn parse_file_filtered(
    path: &Path,
    args: &[String],
    filter: Option<std::sync::Arc<Prefilter>>,
) -> Result<TranslationUnit, FrontendError> {
    parse_file_with_options(path, args, filter, HeaderBodies::Parse)
}

/// [`parse_file_filtered`], choosing whether header bodies are analysed.
pub fn parse_file_with_options(
    path: &Path,
    args: &[String],
    filter: Option<std::sync::Arc<Prefilter>>,
    header_bodies: HeaderBodies,
) -> Result<TranslationUnit, FrontendError> {
    if !path.is_file() && !is_file_in_working_dir(path, args) {
        return Err(FrontendError::FileNotFound(path.display().to_string()));
    }
    let (path, args) = (path.to_path_buf(), args.to_vec());
    on_big_stack(move || {
        with_tu(&path, None, &args, header_bodies, |tu| {
            Ok(lower::lower_tu(
                tu,
                &path.to_string_lossy(),
                filter.as_deref(),
            ))
        })
    })
}

/// [`parse_file_filtered`], also returning every file the parse read besides the main file
/// (libclang's inclusion list), as clang names them: what a cached result depends on.
pub fn parse_file_with_inclusions(
    path: &Path,
    args: &[String],
    filter: Option<std::sync::Arc<Prefilter>>,
    header_bodies: HeaderBodies,
) -> Result<(TranslationUnit, Vec<String>), FrontendError> {
    if !path.is_file() && !is_file_in_working_dir(path, args) {
        return Err(FrontendError::FileNotFound(path.display().to_string()));
    }
    let (path, args) = (path.to_path_buf(), args.to_vec());
    on_big_stack(move || {
        with_tu(&path, None, &args, header_bodies, |tu| {
            let lowered = lower::lower_tu(tu, &path.to_string_lossy(), filter.as_deref());
            Ok((lowered, inclusions(tu)))
        })
    })
}

/// The files `tu` included (not the main file), each once.
fn inclusions(tu: CXTranslationUnit) -> Vec<String> {
    extern "C" fn visit(
        file: CXFile,
        _stack: *mut CXSourceLocation,
        depth: std::os::raw::c_uint,
        data: CXClientData,
    ) {
        if depth == 0 {
            return;
        }
        // SAFETY: `data` is the `Vec` passed below, alive for the whole visit.
        let out = unsafe { &mut *(data as *mut Vec<String>) };
        out.push(cx::file_name(file));
    }
    let mut out: Vec<String> = Vec::new();
    // SAFETY: the visitor only reads the file name; `out` outlives the call.
    unsafe { clang_getInclusions(tu, visit, &mut out as *mut Vec<String> as CXClientData) };
    out.sort();
    out.dedup();
    out
}

/// Like [`parse_file`], but the main file's contents are `contents` (an unsaved buffer) and
/// `path` need not exist on disk.
pub fn parse_source(
    path: &Path,
    contents: &str,
    args: &[String],
) -> Result<TranslationUnit, FrontendError> {
    run_isolated(
        path.to_path_buf(),
        Some(contents.to_owned()),
        args.to_vec(),
        None,
    )
}

/// [`parse_source`], lowering only the functions `filter` keeps (all without one).
pub fn parse_source_filtered(
    path: &Path,
    contents: &str,
    args: &[String],
    filter: Option<std::sync::Arc<Prefilter>>,
) -> Result<TranslationUnit, FrontendError> {
    run_isolated(
        path.to_path_buf(),
        Some(contents.to_owned()),
        args.to_vec(),
        filter,
    )
}

/// Renders the raw clang cursor tree of every function definition in the main file, one
/// cursor per line. A debugging aid for extending the lowering; not a stable format.
#[doc(hidden)]
pub fn dump_cursors(path: &Path, contents: &str, args: &[String]) -> Result<String, FrontendError> {
    let (path, contents, args) = (path.to_path_buf(), contents.to_owned(), args.to_vec());
    on_big_stack(move || {
        with_tu(&path, Some(&contents), &args, HeaderBodies::Parse, |tu| {
            Ok(lower::dump(tu))
        })
    })
}

/// Relative paths are resolved by clang against `-working-directory`, when given.
fn is_file_in_working_dir(path: &Path, args: &[String]) -> bool {
    if path.is_absolute() {
        return false;
    }
    working_dir(args).is_some_and(|d| d.join(path).is_file())
}

fn working_dir(args: &[String]) -> Option<PathBuf> {
    let mut it = args.iter();
    let mut dir = None;
    while let Some(a) = it.next() {
        if let Some(d) = a.strip_prefix("-working-directory=") {
            dir = Some(PathBuf::from(d));
        } else if a == "-working-directory" {
            dir = it.next().map(PathBuf::from);
        }
    }
    dir
}

/// Stack for the parsing thread: lowering recurses once per AST level, and kernel macros
/// nest expressions hundreds deep.
const STACK_SIZE: usize = 256 << 20;

fn on_big_stack<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, FrontendError> + Send + 'static,
) -> Result<T, FrontendError> {
    let handle = std::thread::Builder::new()
        .name("mmlint-frontend".into())
        .stack_size(STACK_SIZE)
        .spawn(f)
        .map_err(|e| FrontendError::ParseFailed(format!("cannot spawn parser thread: {e}")))?;
    handle.join().unwrap_or_else(|p| Err(panic_error(p)))
}

fn panic_error(p: Box<dyn std::any::Any + Send>) -> FrontendError {
    let msg = p
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    FrontendError::ParseFailed(format!(
        "internal error in the frontend: {}",
        msg.lines().find(|l| !l.trim().is_empty()).unwrap_or("")
    ))
}

fn run_isolated(
    path: PathBuf,
    contents: Option<String>,
    args: Vec<String>,
    filter: Option<std::sync::Arc<Prefilter>>,
) -> Result<TranslationUnit, FrontendError> {
    on_big_stack(move || {
        with_tu(
            &path,
            contents.as_deref(),
            &args,
            HeaderBodies::Parse,
            |tu| {
                Ok(lower::lower_tu(
                    tu,
                    &path.to_string_lossy(),
                    filter.as_deref(),
                ))
            },
        )
    })
}

fn parse_options(header_bodies: HeaderBodies) -> CXTranslationUnit_Flags {
    match header_bodies {
        HeaderBodies::Parse => CXTranslationUnit_None,
        // Without CreatePreambleOnFirstParse libclang builds the preamble only when the
        // unit is parsed a second time, and the first parse analyses every body.
        HeaderBodies::SkipInPreamble => {
            CXTranslationUnit_SkipFunctionBodies
                | CXTranslationUnit_LimitSkipFunctionBodiesToPreamble
                | CXTranslationUnit_PrecompiledPreamble
                | CXTranslationUnit_CreatePreambleOnFirstParse
        }
    }
}

/// Parses the file and runs `f` on the translation unit, disposing it and the index after.
fn with_tu<T>(
    path: &Path,
    contents: Option<&str>,
    args: &[String],
    header_bodies: HeaderBodies,
    f: impl FnOnce(CXTranslationUnit) -> Result<T, FrontendError>,
) -> Result<T, FrontendError> {
    Frontend::ensure_loaded()?;
    let nul = |s: &str, what: &str| {
        CString::new(s).map_err(|_| FrontendError::ParseFailed(format!("NUL byte in {what}")))
    };
    let c_path = nul(&path.to_string_lossy(), "path")?;
    let c_args = args
        .iter()
        .map(|a| nul(a, "argument"))
        .collect::<Result<Vec<_>, _>>()?;
    let arg_ptrs: Vec<*const std::ffi::c_char> = c_args.iter().map(|a| a.as_ptr()).collect();
    let c_contents = contents.map(|c| nul(c, "source")).transpose()?;
    let mut unsaved: Vec<CXUnsavedFile> = c_contents
        .iter()
        .zip(contents)
        .map(|(c, s)| CXUnsavedFile {
            Filename: c_path.as_ptr(),
            Contents: c.as_ptr(),
            Length: s.len() as _,
        })
        .collect();

    // SAFETY: all pointers passed live until the end of this function; the TU and index are
    // disposed exactly once below.
    unsafe {
        // A preamble written to the temporary directory would be left behind by a worker
        // killed at the time limit; in memory it goes with the process.
        let index = match header_bodies {
            HeaderBodies::SkipInPreamble => loader::create_index_with_preambles_in_memory()
                .unwrap_or_else(|| clang_createIndex(0, 0)),
            HeaderBodies::Parse => clang_createIndex(0, 0),
        };
        if index.is_null() {
            return Err(FrontendError::ParseFailed(
                "clang_createIndex failed".into(),
            ));
        }
        let mut tu: CXTranslationUnit = ptr::null_mut();
        let parse_start = std::time::Instant::now();
        let code = clang_parseTranslationUnit2(
            index,
            c_path.as_ptr(),
            arg_ptrs.as_ptr(),
            arg_ptrs.len() as i32,
            if unsaved.is_empty() {
                ptr::null_mut()
            } else {
                unsaved.as_mut_ptr()
            },
            unsaved.len() as u32,
            parse_options(header_bodies),
            &mut tu,
        );
        if code != CXError_Success || tu.is_null() {
            clang_disposeIndex(index);
            #[allow(non_upper_case_globals)]
            let what = match code {
                CXError_Crashed => "libclang crashed",
                CXError_InvalidArguments => "invalid arguments",
                CXError_ASTReadError => "AST read error",
                _ => "failure",
            };
            return Err(FrontendError::ParseFailed(format!(
                "{}: clang_parseTranslationUnit2 reported {what} (code {code})",
                path.display()
            )));
        }
        // Dispose the TU even if lowering panics (it should not); the panic becomes an error.
        let parsed_at = std::time::Instant::now();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(tu)));
        if std::env::var_os("MMLINT_DEBUG_TIMES").is_some() {
            eprintln!(
                "mmlint: times: {}: parse {:.3} s, lowering {:.3} s ({header_bodies:?})",
                path.display(),
                (parsed_at - parse_start).as_secs_f64(),
                parsed_at.elapsed().as_secs_f64()
            );
        }
        clang_disposeTranslationUnit(tu);
        clang_disposeIndex(index);
        result.unwrap_or_else(|p| Err(panic_error(p)))
    }
}

#[cfg(test)]
mod tests;
