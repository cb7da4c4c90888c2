//! Seeded property test: mmlint agrees with the reference interpreter on every loop-free
//! generated function within the disjunction cap, and reports at least what the
//! interpreter finds in one with loops (bounded there, unbounded for mmlint). Past the cap
//! the join may lose or add reports (docs/reliability.md): those are counted, not failed.
//! Fixed seeds, so a failure reproduces: the message names the seed and the function;
//! `cargo run -p mmlint-oracle --example shrink -- SEED INDEX [loops] [large]` shrinks it.

mod common;

use common::*;
use mmlint_oracle::GenConfig;

/// Units of 50 functions each (libclang's start-up is paid per unit).
const UNITS: u64 = 45;
const PER_UNIT: usize = 50;

#[test]
fn engine_agrees_with_the_oracle() {
    let cfg = config();
    let dir = std::env::temp_dir();
    let mut tally = Tally::default();
    for u in 0..UNITS {
        let gen = GenConfig {
            loops: u % 3 == 2,
            large: u % 4 == 3,
        };
        run_unit(&cfg, &dir, 1000 + u, PER_UNIT, gen, &mut tally);
    }
    eprintln!(
        "{} programs ({} loop-free within the cap, {} over, {} with loops), {} expected reports, {} agreeing exactly; disagreements: {:?}",
        tally.programs,
        tally.within_cap,
        tally.over_cap,
        tally.with_loops,
        tally.reports_expected,
        tally.agreeing_programs,
        tally.by_class
    );
    assert!(tally.failed_units.is_empty(), "{:#?}", tally.failed_units);
    assert!(tally.programs >= 2000, "{} programs", tally.programs);
    // The generator must exercise what it claims to: most functions within the cap and
    // enough expected reports that agreement means something.
    assert!(tally.within_cap * 2 > tally.programs, "{tally:#?}");
    assert!(tally.reports_expected > tally.programs, "{tally:#?}");
    let must_agree: Vec<&Disagreement> = tally
        .examples
        .iter()
        .filter(|d| d.within_cap && (!d.loops || d.kind == Kind::Missed))
        .collect();
    assert!(
        must_agree.is_empty(),
        "{} disagreements (first 5):\n{}\nall classes: {:#?}",
        must_agree.len(),
        must_agree
            .iter()
            .take(5)
            .map(|d| describe(d))
            .collect::<Vec<_>>()
            .join("\n"),
        tally.by_class
    );
}
