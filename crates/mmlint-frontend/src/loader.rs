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
    let lib = lib.map_err(|e| format!("{e} (install libclang-19-dev or set LIBCLANG_PATH)"))?;
    // The lowering calls these unconditionally; an older libclang would make clang-sys
    // panic at the first call instead of failing here.
    let f = &lib.functions;
    if f.clang_getCursorBinaryOperatorKind.is_none()
        || f.clang_getCursorUnaryOperatorKind.is_none()
        || f.clang_Cursor_getVarDeclInitializer.is_none()
    {
        return Err(format!(
            "{} is older than libclang 17 (install libclang-19-dev or set LIBCLANG_PATH)",
            lib.path().display()
        ));
    }
    Ok(Arc::new(lib))
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
