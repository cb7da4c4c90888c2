//! What a batch run reports about itself (units analysed, skipped, failed; findings per
//! rule), and the per-run switches of the unit prefilter and the result cache.

use std::collections::BTreeMap;

use mmlint_driver::{Config, FileOutcome};
use mmlint_report::Failure;

use crate::CheckRun;

impl CheckRun {
    /// `cfg` with the unit prefilter and, for a database, the result cache turned on,
    /// unless the command line turned them off.
    pub(crate) fn configure(&self, cfg: &Config) -> Config {
        let mut cfg = cfg.clone();
        let dir = self
            .cache_dir
            .clone()
            .or_else(mmlint_driver::cache::ResultCache::default_dir);
        if !self.no_unit_prefilter {
            cfg.enable_unit_prefilter(dir.clone().filter(|_| !self.no_cache));
        }
        if let (Some(d), Some(_), false) = (dir, &self.compdb, self.no_cache) {
            cfg.enable_cache(d);
        }
        cfg
    }
}

/// How many of `outcomes` pass `keep`, given (skipped, from the cache) of each analysed one.
pub(crate) fn count_outcomes<'a>(
    outcomes: impl Iterator<Item = &'a FileOutcome>,
    keep: impl Fn((bool, bool)) -> bool,
) -> usize {
    outcomes
        .filter(|o| match o {
            FileOutcome::Analyzed {
                skipped, cached, ..
            } => keep((*skipped, *cached)),
            FileOutcome::Failed { .. } => false,
        })
        .count()
}

pub(crate) struct BatchSummary {
    pub(crate) total: usize,
    /// Units the unit prefilter did not parse.
    pub(crate) skipped: usize,
    /// Units whose outcome came from the result cache.
    pub(crate) cached: usize,
    pub(crate) jobs: usize,
    pub(crate) wall: f64,
    /// The kernel the rules data was selected for (`Config::kernel`).
    pub(crate) kernel: Option<String>,
}

impl BatchSummary {
    pub(crate) fn print(&self, failures: &[Failure], per_rule: &BTreeMap<&str, usize>) {
        eprintln!(
            "mmlint: {} TUs in {:.1} s (-j {}): {} analyzed{}, {}{} failed",
            self.total,
            self.wall,
            self.jobs,
            self.total - failures.len() - self.skipped,
            if self.cached > 0 {
                format!(" ({} from the cache)", self.cached)
            } else {
                String::new()
            },
            if self.skipped > 0 {
                format!("{} skipped (cannot reach the API), ", self.skipped)
            } else {
                String::new()
            },
            failures.len()
        );
        for f in failures {
            eprintln!("mmlint:   failed: {}: {}", f.path, f.reason);
        }
        eprintln!(
            "mmlint: rules data for {}",
            self.kernel
                .as_deref()
                .unwrap_or("an unknown kernel (all versions)")
        );
        let findings: Vec<String> = per_rule.iter().map(|(r, n)| format!("{r} {n}")).collect();
        eprintln!(
            "mmlint: findings: {}",
            if findings.is_empty() {
                "none".to_string()
            } else {
                findings.join(", ")
            }
        );
    }
}
