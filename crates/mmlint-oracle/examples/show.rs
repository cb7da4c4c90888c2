//! Prints one generated unit and what the interpreter expects of each function:
//! `cargo run -p mmlint-oracle --example show -- SEED [N] [loops] [large]`.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let seed = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1);
    let n = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(3);
    let opt = |o: &str| args.iter().skip(3).any(|s| s == o);
    let cfg = mmlint_oracle::GenConfig {
        loops: opt("loops"),
        large: opt("large"),
    };
    let u = mmlint_oracle::gen_unit(seed, n, cfg);
    print!("{}", u.text);
    for f in &u.funcs {
        let e = mmlint_oracle::interp::expected(f);
        println!(
            "// {}: {} paths{}",
            f.name,
            e.paths,
            if e.truncated { " (truncated)" } else { "" }
        );
        for ((rule, line), w) in &e.reports {
            println!("//   {line}: {rule}   [{w}]");
        }
    }
}
