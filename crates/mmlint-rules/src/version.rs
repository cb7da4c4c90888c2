//! Kernel versions and the version ranges (`since`/`until`) rules-data entries carry.

use std::fmt;
use std::str::FromStr;

use serde::Deserialize;

/// A Linux version, `major.minor[.patch]` (`6.12`, `6.1.37`). `6.12` is `6.12.0`, so an
/// entry `since = "6.1.37"` does not apply to a tree known only as `6.1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct KernelVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl KernelVersion {
    pub const fn new(major: u32, minor: u32, patch: u32) -> KernelVersion {
        KernelVersion {
            major,
            minor,
            patch,
        }
    }

    /// `LINUX_VERSION_CODE` (`KERNEL_VERSION(a, b, c)` = `a << 16 | b << 8 | c`; the patch
    /// level saturates at 255 there).
    pub fn from_code(code: u64) -> KernelVersion {
        KernelVersion::new(
            (code >> 16) as u32,
            ((code >> 8) & 0xff) as u32,
            (code & 0xff) as u32,
        )
    }

    /// The version a kernel's `include/generated/uapi/linux/version.h` states: its
    /// `LINUX_VERSION_MAJOR`/`_PATCHLEVEL`/`_SUBLEVEL` (5.13+, exact), else
    /// `LINUX_VERSION_CODE`.
    pub fn from_version_h(text: &str) -> Option<KernelVersion> {
        let define = |name: &str| -> Option<u64> {
            text.lines().find_map(|l| {
                let mut w = l.split_whitespace();
                (w.next() == Some("#define") && w.next() == Some(name))
                    .then(|| {
                        w.next()?
                            .trim_matches(|c| c == '(' || c == ')')
                            .parse()
                            .ok()
                    })
                    .flatten()
            })
        };
        if let (Some(a), Some(b), Some(c)) = (
            define("LINUX_VERSION_MAJOR"),
            define("LINUX_VERSION_PATCHLEVEL"),
            define("LINUX_VERSION_SUBLEVEL"),
        ) {
            return Some(KernelVersion::new(a as u32, b as u32, c as u32));
        }
        define("LINUX_VERSION_CODE").map(KernelVersion::from_code)
    }
}

impl fmt::Display for KernelVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        if self.patch != 0 {
            write!(f, ".{}", self.patch)?;
        }
        Ok(())
    }
}

impl FromStr for KernelVersion {
    type Err = String;
    fn from_str(s: &str) -> Result<KernelVersion, String> {
        let bad = || format!("'{s}' is not a kernel version (X.Y or X.Y.Z, e.g. 6.12)");
        let parts: Vec<&str> = s.trim().split('.').collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(bad());
        }
        let mut n = [0u32; 3];
        for (i, p) in parts.iter().enumerate() {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            n[i] = p.parse().map_err(|_| bad())?;
        }
        Ok(KernelVersion::new(n[0], n[1], n[2]))
    }
}

impl TryFrom<String> for KernelVersion {
    type Error = String;
    fn try_from(s: String) -> Result<KernelVersion, String> {
        s.parse()
    }
}

/// The kernels an entry describes: `since` (inclusive) up to `until` (exclusive). Either
/// end may be open; an entry without both applies to every kernel.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct VersionRange {
    pub since: Option<KernelVersion>,
    pub until: Option<KernelVersion>,
}

impl VersionRange {
    pub fn contains(&self, v: KernelVersion) -> bool {
        self.since.is_none_or(|s| s <= v) && self.until.is_none_or(|u| v < u)
    }

    pub fn overlaps(&self, o: &VersionRange) -> bool {
        let starts_before_end = |a: &VersionRange, b: &VersionRange| match (a.since, b.until) {
            (Some(s), Some(u)) => s < u,
            _ => true,
        };
        starts_before_end(self, o) && starts_before_end(o, self)
    }

    pub fn is_all(&self) -> bool {
        self.since.is_none() && self.until.is_none()
    }

    /// `since` must come before `until`.
    pub fn check(&self) -> Result<(), String> {
        match (self.since, self.until) {
            (Some(s), Some(u)) if s >= u => Err(format!(
                "since = \"{s}\" is not before until = \"{u}\" (until is exclusive)"
            )),
            _ => Ok(()),
        }
    }
}

impl fmt::Display for VersionRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.since, self.until) {
            (None, None) => f.write_str("all"),
            (Some(s), None) => write!(f, "{s}+"),
            (None, Some(u)) => write!(f, "<{u}"),
            (Some(s), Some(u)) => write!(f, "{s}..{u}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> KernelVersion {
        s.parse().unwrap()
    }

    #[test]
    fn parses_and_orders() {
        assert_eq!(v("6.12"), KernelVersion::new(6, 12, 0));
        assert_eq!(v("6.1.37").to_string(), "6.1.37");
        assert!(v("6.1.37") < v("6.2") && v("6.2") < v("6.12"));
        for bad in ["6", "6.", "six.1", "6.1.2.3", "", "6.-1"] {
            assert!(bad.parse::<KernelVersion>().is_err(), "{bad}");
        }
    }

    #[test]
    fn range_is_half_open() {
        let r = VersionRange {
            since: Some(v("6.5")),
            until: Some(v("6.12")),
        };
        assert!(!r.contains(v("6.4.99")) && r.contains(v("6.5")) && r.contains(v("6.11.3")));
        assert!(!r.contains(v("6.12")));
        let older = VersionRange {
            since: None,
            until: Some(v("6.5")),
        };
        assert!(!r.overlaps(&older) && older.overlaps(&VersionRange::default()));
        assert!(VersionRange {
            since: Some(v("6.5")),
            until: Some(v("6.5"))
        }
        .check()
        .is_err());
    }

    #[test]
    fn reads_version_h() {
        // Linux 6.12.118's include/generated/uapi/linux/version.h.
        let h = "#define LINUX_VERSION_CODE 396406\n#define KERNEL_VERSION(a,b,c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))\n#define LINUX_VERSION_MAJOR 6\n#define LINUX_VERSION_PATCHLEVEL 12\n#define LINUX_VERSION_SUBLEVEL 118\n";
        assert_eq!(KernelVersion::from_version_h(h), Some(v("6.12.118")));
        assert_eq!(
            KernelVersion::from_version_h("#define LINUX_VERSION_CODE 393473\n"),
            Some(v("6.1.1"))
        );
        assert_eq!(KernelVersion::from_version_h("nothing"), None);
    }
}
