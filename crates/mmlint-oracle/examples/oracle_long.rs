//! The long run of the oracle comparison (docs/reliability.md):
//! `cargo run --release -p mmlint-oracle --example oracle_long -- [PROGRAMS] [FIRST_SEED]`
//! generates PROGRAMS functions (units of 50; every third unit with loops), runs mmlint and
//! the interpreter on each and prints the tally, disagreements by class, and the first
//! examples of each class. Exit status 1 when a loop-free function within the cap
//! disagrees.

#[path = "../tests/common/mod.rs"]
mod common;

use common::*;
use mmlint_oracle::GenConfig;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let programs: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let first: u64 = args
        .get(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let per_unit = 50;
    let cfg = config();
    let dir = std::env::temp_dir();
    let mut tally = Tally::default();
    let start = std::time::Instant::now();
    let units = programs.div_ceil(per_unit) as u64;
    for u in 0..units {
        let gen = GenConfig {
            loops: u % 3 == 2,
            large: u % 4 == 3,
        };
        run_unit(&cfg, &dir, first + u, per_unit, gen, &mut tally);
        if (u + 1) % 100 == 0 {
            eprintln!(
                "{} programs, {} disagreements, {:.0}s",
                tally.programs,
                tally.by_class.values().sum::<usize>(),
                start.elapsed().as_secs_f64()
            );
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!("seeds {first}..{}", first + units);
    println!(
        "units: {} (failed to analyse: {})",
        tally.units,
        tally.failed_units.len()
    );
    for f in &tally.failed_units {
        println!("  {f}");
    }
    println!("programs: {}", tally.programs);
    println!(
        "  loop-free within the cap (<= {CAP} paths): {}",
        tally.within_cap
    );
    println!("  loop-free over the cap: {}", tally.over_cap);
    println!("  with loops: {}", tally.with_loops);
    println!("  too many paths for the interpreter: {}", tally.truncated);
    println!("expected reports: {}", tally.reports_expected);
    println!("programs agreeing exactly: {}", tally.agreeing_programs);
    println!("disagreements (rule, line) by class:");
    for ((kind, rule, within, loops), n) in &tally.by_class {
        println!(
            "  {kind:?} {rule} {} {}: {n}",
            if *loops { "loops" } else { "loop-free" },
            if *within { "within-cap" } else { "over-cap" }
        );
    }
    println!("wall time: {secs:.0}s");
    let mut shown = std::collections::BTreeMap::new();
    for d in &tally.examples {
        let n = shown
            .entry((d.kind, d.rule.clone(), d.within_cap, d.loops))
            .or_insert(0);
        if *n < 2 {
            *n += 1;
            println!("\n{}", describe(d));
        }
    }
    let bad = tally.examples.iter().any(|d| d.within_cap && !d.loops);
    std::process::exit(if bad || !tally.failed_units.is_empty() {
        1
    } else {
        0
    });
}
