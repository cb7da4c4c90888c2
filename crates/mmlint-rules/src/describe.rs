//! `mmlint rules`: every entry of the rules data that applies to the selected kernel, one
//! line each.

use crate::select::Entry;
use crate::{ApiDb, Table};

impl ApiDb {
    /// Every entry that applies to the selected kernel, one line each, sorted: what
    /// `mmlint rules --kernel-version X.Y` prints.
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        fn add<E: Entry>(
            db: &ApiDb,
            out: &mut Vec<String>,
            kind: &str,
            t: &Table<E>,
            what: impl Fn(&E) -> String,
        ) {
            for (name, list) in t {
                for s in list.iter().filter(|s| db.applies(s.entry.range())) {
                    out.push(format!(
                        "{kind:<20} {name:<32} {:<14} {}",
                        s.entry.range().to_string(),
                        what(&s.entry)
                    ));
                }
            }
        }
        add(self, &mut out, "lock", &self.locks, |l| {
            format!("{:?} {:?}", l.action, l.mode).to_lowercase()
        });
        add(self, &mut out, "vma_source", &self.vma_sources, |s| {
            if s.null_releases {
                "NULL: lock released".into()
            } else {
                String::new()
            }
        });
        for ((name, args), list) in &self.gup {
            for s in list.iter().filter(|s| self.applies(s.entry.range())) {
                let g = &s.entry;
                let mut what = format!("{args} args");
                if let Some(i) = g.vmas_arg {
                    what += &format!(", vmas = {i}");
                }
                if let Some(i) = g.locked_arg {
                    what += &format!(", locked = {i}");
                }
                if g.takes_lock {
                    what += ", takes the lock";
                }
                if g.lockless {
                    what += ", lockless";
                }
                out.push(format!(
                    "{:<20} {name:<32} {:<14} {what}",
                    "gup",
                    g.range().to_string()
                ));
            }
        }
        add(
            self,
            &mut out,
            "fault_handler",
            &self.fault_handlers,
            |_| String::new(),
        );
        add(self, &mut out, "retake_flag", &self.retake_flags, |_| {
            String::new()
        });
        add(
            self,
            &mut out,
            "released_when_false",
            &self.released_when_false,
            |_| String::new(),
        );
        add(
            self,
            &mut out,
            "retry_releases",
            &self.retry_releases,
            |r| format!("VMA lock of vm_fault argument {}", r.vmf_arg),
        );
        add(self, &mut out, "exclusive_mm", &self.exclusive_mm, |x| {
            format!("mm = argument {}", x.mm_arg)
        });
        add(self, &mut out, "pin", &self.pins, |_| String::new());
        add(
            self,
            &mut out,
            "needs_write",
            &self.needs_write,
            |n| match (n.vma_arg, n.mm_arg) {
                (Some(i), _) => format!("mm of VMA argument {i}, for write"),
                (_, Some(i)) => format!("mm argument {i}, for write"),
                _ => String::new(),
            },
        );
        out.extend(self.entry_points.describe(self.version));
        out.sort();
        out
    }
}
