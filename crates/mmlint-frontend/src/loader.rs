//! Loading libclang at run time.
//!
//! clang-sys in `runtime` mode keeps the loaded library in a thread-local, so the library
//! is opened once per process (into a `OnceLock`) and attached to each thread that parses.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use clang_sys::SharedLibrary;

/// Where Debian/Ubuntu's libclang-19-dev puts the library. Preferred over whatever else the
/// clang-sys search finds because other installed versions (e.g. llvm-14) may lack the
/// libclang 17 operator-kind API the lowering needs.
const PREFERRED_DIR: &str = "/usr/lib/llvm-19/lib";

static LIBRARY: OnceLock<Result<Arc<SharedLibrary>, String>> = OnceLock::new();

fn open_once() -> Result<Arc<SharedLibrary>, String> {
    let set_path = std::env::var_os("LIBCLANG_PATH").is_none() && Path::new(PREFERRED_DIR).is_dir();
    if set_path {
        // clang-sys only reads the search path from the environment. This runs once per
        // process (OnceLock), and the variable is removed again so the caller's environment
        // is left as it was.
        std::env::set_var("LIBCLANG_PATH", PREFERRED_DIR);
    }
    let lib = clang_sys::load_manually();
    if set_path {
        std::env::remove_var("LIBCLANG_PATH");
    }
    let lib = lib.map_err(|e| {
        // clang-sys lists the files it found but could not open; with none, its message
        // only repeats the search patterns.
        let e = e.to_string();
        let why = if e.ends_with("(invalid: [])") {
            String::new()
        } else {
            format!(" ({e})")
        };
        match std::env::var_os("LIBCLANG_PATH") {
            Some(dir) if !set_path => format!(
                "not found in LIBCLANG_PATH={}: install {PACKAGE} or point LIBCLANG_PATH at the directory holding libclang{why}",
                Path::new(&dir).display()
            ),
            _ => format!("not found: {HINT}{why}"),
        }
    })?;
    // The lowering calls these unconditionally; an older libclang would make clang-sys
    // panic at the first call instead of failing here.
    let f = &lib.functions;
    if f.clang_getCursorBinaryOperatorKind.is_none()
        || f.clang_getCursorUnaryOperatorKind.is_none()
        || f.clang_Cursor_getVarDeclInitializer.is_none()
    {
        let version = version_of(&lib).map_or(String::new(), |v| format!(" ({v})"));
        return Err(format!(
            "{}{version} is older than libclang 17: {HINT}",
            lib.path().display()
        ));
    }
    Ok(Arc::new(lib))
}

/// The package that provides the library, for the one-line errors: Debian's and Ubuntu's
/// runtime package (the -dev package is only needed to build against the headers).
const PACKAGE: &str = "libclang1-19";
const HINT: &str = "install libclang1-19 or set LIBCLANG_PATH to the directory holding libclang";

/// clang_getClangVersion() of a library that may not be usable otherwise (every libclang
/// has it), called through its own function table rather than the thread's.
fn version_of(lib: &SharedLibrary) -> Option<String> {
    let f = &lib.functions;
    let (get, cstr, dispose) = (
        f.clang_getClangVersion?,
        f.clang_getCString?,
        f.clang_disposeString?,
    );
    // SAFETY: the three functions come from the same loaded library, and the CXString is
    // disposed of once, after its text was copied.
    unsafe {
        let s = get();
        let p = cstr(s);
        let text =
            (!p.is_null()).then(|| std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned());
        dispose(s);
        text
    }
}

/// clang_getClangVersion() of the library in use ("Debian clang version 19.1.7 (...)").
pub fn version() -> Result<String, String> {
    ensure_loaded()?;
    match LIBRARY.get() {
        Some(Ok(lib)) => version_of(lib).ok_or_else(|| "clang_getClangVersion failed".to_string()),
        Some(Err(e)) => Err(e.clone()),
        None => Err("libclang not loaded".to_string()),
    }
}

/// Makes libclang usable on the current thread.
pub fn ensure_loaded() -> Result<(), String> {
    if clang_sys::is_loaded() {
        return Ok(());
    }
    let lib = LIBRARY.get_or_init(open_once).clone()?;
    clang_sys::set_library(Some(lib));
    Ok(())
}

/// Path of the loaded library, for diagnostics.
pub fn library_path() -> Option<String> {
    match LIBRARY.get() {
        Some(Ok(lib)) => Some(lib.path().display().to_string()),
        _ => None,
    }
}

/// An index whose precompiled preambles stay in memory, or `None` if this libclang cannot
/// make one (then the caller falls back to `clang_createIndex`, which writes them to the
/// temporary directory).
///
/// clang-sys 1.9 declares `clang_createIndexWithOptions` as taking the options struct by
/// value; the C prototype takes `const CXIndexOptions *`, and a 32-byte struct passed by
/// value goes on the stack where libclang reads a pointer register. So the function is
/// called through a pointer of the C signature.
pub fn create_index_with_preambles_in_memory() -> Option<clang_sys::CXIndex> {
    use clang_sys::{
        CXIndex, CXIndexOptions, CXIndexOptions_ExcludeDeclarationsFromPCH,
        CXIndexOptions_StorePreamblesInMemory,
    };
    ensure_loaded().ok()?;
    let Some(Ok(lib)) = LIBRARY.get() else {
        return None;
    };
    let f = lib.functions.clang_createIndexWithOptions?;
    type CreateIndexWithOptions = unsafe extern "C" fn(*const CXIndexOptions) -> CXIndex;
    // SAFETY: the symbol is libclang's `CXIndex clang_createIndexWithOptions(const
    // CXIndexOptions *)` (Index.h, libclang 17 and later); only the Rust-side type clang-sys
    // gave it is wrong. Both are plain function pointers of the same size.
    let f: CreateIndexWithOptions = unsafe { std::mem::transmute(f) };
    let opts = CXIndexOptions {
        Size: std::mem::size_of::<CXIndexOptions>() as u32,
        flags: CXIndexOptions_StorePreamblesInMemory | CXIndexOptions_ExcludeDeclarationsFromPCH,
        ..Default::default()
    };
    // SAFETY: `opts` lives across the call; libclang copies what it keeps.
    let index = unsafe { f(&opts) };
    (!index.is_null()).then_some(index)
}
