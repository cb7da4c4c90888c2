//! Prints libclang's cursor tree for the functions of a C file: `dump_cursors FILE [ARGS..]`.
fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: dump_cursors FILE [CLANG_ARGS..]");
        std::process::exit(2);
    };
    let rest: Vec<String> = args.collect();
    let contents = std::fs::read_to_string(&path).unwrap_or_default();
    match mmlint_frontend::dump_cursors(std::path::Path::new(&path), &contents, &rest) {
        Ok(s) => print!("{s}"),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
