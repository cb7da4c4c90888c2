//! Seeded property test: mmlint agrees with the reference interpreter on every loop-free
//! generated function within the disjunction cap (and reports at least what the
//! interpreter finds with loops bounded). Fixed seeds, so a failure reproduces:
//! `cargo run -p mmlint-oracle --example show -- SEED 50` prints the unit.

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
    for seed in 0..UNITS {
        let gen = GenConfig { loops: seed % 3 == 2, large: seed % 4 == 3 };
        run_unit(&cfg, &dir, 1000 + seed, PER_UNIT, gen, &mut tally);
    }
    assert!(tally.failed_units.is_empty(), "{:#?}", tally.failed_units);
    assert!(tally.programs >= 2000, "{} programs", tally.programs);
    // The generator must exercise what it claims to: most functions within the cap and
    // enough expected reports that agreement means something.
    assert!(tally.within_cap * 2 > tally.programs, "{tally:#?}");
    assert!(tally.reports_expected > tally.programs, "{tally:#?}");
    let must_agree: Vec<&Disagreement> = tally
        .examples
        .iter()
        .filter(|d| (d.within_cap && !d.loops) || (d.loops && d.kind == Kind::Missed))
        .collect();
    assert!(
        must_agree.is_empty(),
        "{} disagreements (first 5):\n{}\nall classes: {:#?}",
        must_agree.len(),
        must_agree.iter().take(5).map(|d| describe(d)).collect::<Vec<_>>().join("\n"),
        tally.by_class
    );
}
