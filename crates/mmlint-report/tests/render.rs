//! The four formats on a fixed set of findings (golden files under tests/snapshots/;
//! `MMLINT_BLESS=1 cargo test -p mmlint-report` rewrites them), and the SARIF output checked
//! by Microsoft's SARIF validator (`make sarif-tools` installs it).

use std::path::{Path, PathBuf};
use std::process::Command;

use mmlint_diagnostics::{Diagnostic, Edit, Fix, Note, Suppression};
use mmlint_ir::{Loc, Span};
use mmlint_report::{render, Failure, Format, RenderCx};

const DEMO_C: &str = r#"// SPDX-License-Identifier: GPL-2.0
#include <linux/mm.h>
#include "demo.h"

static int demo_fault(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	int ret = 0;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (!vma) {
		mmap_read_unlock(mm);
		return -EFAULT;
	}
	mmap_read_unlock(mm);
	ret = wait_for_something();
	mmap_read_lock(mm);
	if (vma->vm_flags & VM_WRITE)
		ret = 1;
	mmap_read_unlock(mm);
	return ret;
}

static long demo_pin(struct mm_struct *mm, unsigned long start,
		     struct page **pages, struct vm_area_struct **vmas)
{
	int locked = 1;
	long n;

	mmap_read_lock(mm);
	n = get_user_pages_remote(mm, start, 1, FOLL_WRITE, pages, vmas, &locked);
	if (locked)
		mmap_read_unlock(mm);
	return n;
}

static void demo_flags(struct mm_struct *mm)
{
	demo_lock_for_write(mm);
	mm->def_flags |= VM_LOCKED;
	mmap_read_unlock(mm);
}

static unsigned long demo_cached(struct mm_struct *mm, struct vm_area_struct *vma)
{
	mmap_read_unlock(mm);
	/* mmlint-ignore dangling-vma: vma pinned by the caller's reference */
	return vma->vm_start;
}
"#;

const DEMO_H: &str = r#"/* SPDX-License-Identifier: GPL-2.0 */
static inline void demo_lock_for_write(struct mm_struct *mm)
{
	mmap_write_lock(mm);
}
"#;

/// The span of the `nth` (from 0) occurrence of `needle` in `src` (file `file`).
fn find(file: &str, src: &str, needle: &str, nth: usize) -> Span {
    let off = src
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("'{needle}' #{nth} not in {file}"))
        .0;
    let line = src[..off].matches('\n').count() as u32 + 1;
    let col = (off - src[..off].rfind('\n').map_or(0, |i| i + 1)) as u32 + 1;
    Span {
        start: Loc::new(file, line, col),
        end: Loc::new(file, line, col + needle.len() as u32 - 1),
    }
}

fn c(needle: &str, nth: usize) -> Span {
    find("mm/demo.c", DEMO_C, needle, nth)
}

fn diag(rule: &'static str, span: Span, message: &str, function: &str) -> Diagnostic {
    Diagnostic {
        rule,
        severity: mmlint_checks::find_rule_meta(rule).unwrap().severity,
        span,
        message: message.into(),
        notes: vec![],
        function: function.into(),
        fingerprint: String::new(),
        fix: None,
        suppression: None,
    }
}

fn note(span: Span, message: &str) -> Note {
    Note {
        span,
        message: message.into(),
    }
}

fn diagnostics() -> Vec<Diagnostic> {
    let dangling = Diagnostic {
        notes: vec![
            note(
                c("find_vma(mm, addr)", 0),
                "'vma' obtained here, under mmap_read_lock(mm) taken at line 10",
            ),
            note(c("mmap_read_unlock(mm)", 1), "lock released here"),
            note(
                c("mmap_read_lock(mm)", 1),
                "lock taken again here; 'vma' must be looked up again",
            ),
        ],
        fingerprint: "3f1c2a9e5b7d0c84".into(),
        ..diag(
            "dangling-vma",
            c("vma->vm_flags", 0),
            "VMA 'vma' used after mmap_lock of 'mm' was released",
            "demo_fault",
        )
    };
    let gup = Diagnostic {
        fingerprint: "9a8b7c6d5e4f3a2b".into(),
        ..diag(
            "gup-vmas-unlockable",
            c(
                "get_user_pages_remote(mm, start, 1, FOLL_WRITE, pages, vmas, &locked)",
                0,
            ),
            "get_user_pages_remote() called with a 'vmas' array (vmas) and a non-NULL 'locked' \
             (&locked): GUP may drop mmap_lock and leave the VMAs dangling",
            "demo_pin",
        )
    };
    let mismatch = Diagnostic {
        notes: vec![note(
            find("include/linux/demo.h", DEMO_H, "mmap_write_lock(mm)", 0),
            "held for write since mmap_write_lock() here",
        )],
        fingerprint: "0badc0ffee123456".into(),
        fix: Some(Fix {
            description: "Release the write hold with mmap_write_unlock()".into(),
            edits: vec![Edit {
                span: c("mmap_read_unlock", 4),
                replacement: "mmap_write_unlock".into(),
            }],
        }),
        ..diag(
            "mmap-lock-mode-mismatch",
            c("mmap_read_unlock(mm)", 4),
            "mmap_read_unlock() is a read release of a write hold of mmap_lock of 'mm'",
            "demo_flags",
        )
    };
    let suppressed = Diagnostic {
        notes: vec![note(c("mmap_read_unlock(mm)", 5), "lock released here")],
        fingerprint: "77aa55cc33ee1100".into(),
        suppression: Some(Suppression {
            reason: "vma pinned by the caller's reference".into(),
            span: c(
                "/* mmlint-ignore dangling-vma: vma pinned by the caller's reference */",
                0,
            ),
        }),
        ..diag(
            "dangling-vma",
            c("vma->vm_start", 0),
            "VMA 'vma' used after mmap_lock of 'mm' was released",
            "demo_cached",
        )
    };
    // A file that cannot be read (moved since the analysis): no fingerprint, gcc fallback.
    let unreadable = Diagnostic {
        notes: vec![note(
            Span::point(Loc::new("drivers/missing.c", 12, 2)),
            "lock released here",
        )],
        ..diag(
            "vma-without-mmap-lock",
            Span::point(Loc::new("drivers/missing.c", 14, 8)),
            "find_vma() called without mmap_lock of 'mm' held",
            "",
        )
    };
    vec![dangling, gup, mismatch, suppressed, unreadable]
}

fn failures() -> Vec<Failure> {
    vec![Failure {
        path: "drivers/broken.c".into(),
        reason: "clang reported errors; the file was not analysed".into(),
        details: vec![
            "drivers/broken.c:3:1: error: unknown type name 'foo_t'".into(),
            "drivers/broken.c:7:12: error: expected ';' after expression".into(),
        ],
    }]
}

struct Fixture {
    dir: PathBuf,
}

impl Fixture {
    fn new(name: &str) -> Fixture {
        let dir = std::env::temp_dir().join(format!("mmlint-report-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("mm")).unwrap();
        std::fs::create_dir_all(dir.join("include/linux")).unwrap();
        std::fs::write(dir.join("mm/demo.c"), DEMO_C).unwrap();
        std::fs::write(dir.join("include/linux/demo.h"), DEMO_H).unwrap();
        Fixture {
            dir: dir.canonicalize().unwrap(),
        }
    }

    fn render(&self, format: Format, color: bool) -> String {
        self.render_linked(format, color, None)
    }

    /// With the rule pages published at `doc_url`.
    fn render_linked(&self, format: Format, color: bool, doc_url: Option<&str>) -> String {
        let failures = failures();
        let cx = RenderCx {
            srcroot: &self.dir,
            base_dir: &self.dir,
            color,
            version: "0.1.0",
            doc_url,
            failures: &failures,
        };
        let mut out = Vec::new();
        render(format, &mut out, &diagnostics(), &cx).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The output with the temporary directory replaced by `/SRCROOT`.
    fn normalized(&self, format: Format) -> String {
        let out = self.render(format, false);
        out.replace(&*self.dir.to_string_lossy(), "/SRCROOT")
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("MMLINT_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} is missing: MMLINT_BLESS=1 cargo test -p mmlint-report writes it",
            path.display()
        )
    });
    if expected != actual {
        let (i, (e, a)) = expected
            .lines()
            .zip(actual.lines())
            .enumerate()
            .find(|(_, (e, a))| e != a)
            .unwrap_or((
                expected.lines().count().min(actual.lines().count()),
                ("<end>", "<end>"),
            ));
        panic!(
            "{name} differs from {} (MMLINT_BLESS=1 to accept) at line {}:\n  expected: {e}\n  actual:   {a}\n--- actual ---\n{actual}",
            path.display(),
            i + 1
        );
    }
}

#[test]
fn gcc_snapshot() {
    let f = Fixture::new("gcc");
    let out = f.normalized(Format::Gcc);
    assert!(
        !out.contains("demo_cached") && !out.contains(":59:"),
        "suppressed dropped"
    );
    snapshot("gcc.txt", &out);
}

#[test]
fn human_snapshot() {
    let f = Fixture::new("human");
    let out = f.normalized(Format::Human);
    assert!(!out.contains('\x1b'), "no colour unless asked");
    assert!(
        out.contains("warning[dangling-vma]: VMA 'vma' used after"),
        "{out}"
    );
    assert!(
        out.contains("= see: mmlint explain dangling-vma\n"),
        "{out}"
    );
    assert!(!out.contains("http"), "no doc URL, no link: {out}");
    // The unreadable file falls back to gcc lines.
    assert!(
        out.contains("drivers/missing.c:14:8: warning: find_vma() called"),
        "{out}"
    );
    snapshot("human.txt", &out);
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(ch) = it.next() {
        if ch == '\x1b' {
            for c in it.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(ch);
        }
    }
    out
}

#[test]
fn human_colour_is_the_same_text() {
    let f = Fixture::new("colour");
    let plain = f.render(Format::Human, false);
    let colour = f.render(Format::Human, true);
    assert!(colour.contains("\x1b["), "{colour}");
    assert_eq!(strip_ansi(&colour), plain);
}

#[test]
fn json_snapshot_and_schema() {
    let f = Fixture::new("json");
    let out = f.normalized(Format::Json);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 5, "4 unsuppressed findings, 1 failure");
    const FINDING: [&str; 15] = [
        "kind",
        "rule",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "function",
        "fingerprint",
        "notes",
        "fix",
        "url",
        "",
    ];
    for l in out.lines().take(4) {
        // Field order is part of the schema.
        let mut at = 0;
        for k in FINDING.iter().take(14) {
            let pos = l[at..]
                .find(&format!("\"{k}\":"))
                .unwrap_or_else(|| panic!("{k} missing or out of order in {l}"));
            at += pos;
        }
    }
    assert_eq!(lines[0]["kind"], "finding");
    assert_eq!(lines[0]["notes"].as_array().unwrap().len(), 3);
    assert_eq!(lines[0]["fix"], serde_json::Value::Null);
    assert_eq!(
        lines[0]["url"],
        serde_json::Value::Null,
        "no doc URL, no link"
    );
    assert_eq!(
        lines[2]["fix"]["edits"][0]["replacement"],
        "mmap_write_unlock"
    );
    assert_eq!(lines[4]["kind"], "failure");
    assert_eq!(lines[4]["details"].as_array().unwrap().len(), 2);
    snapshot("json.jsonl", &out);
}

#[test]
fn sarif_snapshot_and_shape() {
    let f = Fixture::new("sarif");
    let out = f.normalized(Format::Sarif);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let run = &v["runs"][0];
    assert_eq!(v["runs"].as_array().unwrap().len(), 1);
    assert_eq!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        "file:///SRCROOT/"
    );
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), mmlint_checks::all_rules().len());
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 5, "suppressed results are kept");
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
    }
    let r0 = &results[0];
    assert_eq!(
        r0["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "mm/demo.c"
    );
    assert_eq!(
        r0["locations"][0]["physicalLocation"]["region"]["startLine"],
        19
    );
    assert_eq!(
        r0["locations"][0]["physicalLocation"]["region"]["endColumn"],
        19
    );
    let flow = r0["codeFlows"][0]["threadFlows"][0]["locations"]
        .as_array()
        .unwrap();
    assert_eq!(flow.len(), 4, "three notes, then the use");
    assert_eq!(r0["partialFingerprints"]["mmlint/v1"], "3f1c2a9e5b7d0c84");
    assert!(results[1].get("codeFlows").is_none());
    assert!(
        results[2]["fixes"][0]["artifactChanges"][0]["replacements"][0]["deletedRegion"]
            .is_object()
    );
    assert_eq!(results[3]["suppressions"][0]["kind"], "inSource");
    assert!(results[4].get("partialFingerprints").is_none());
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    snapshot("sarif.json", &out);
}

const DOC_URL: &str = "https://docs.example.org/mmlint/rules";

/// Each rule's documentation is in the log whether or not the pages are published
/// anywhere: `fullDescription` is its "What it finds", `help` the whole page.
#[test]
fn sarif_rules_carry_their_documentation() {
    let f = Fixture::new("sarif-docs");
    let v: serde_json::Value = serde_json::from_str(&f.render(Format::Sarif, false)).unwrap();
    let driver = &v["runs"][0]["tool"]["driver"];
    assert!(driver.get("informationUri").is_none(), "{driver:#}");
    for (rule, meta) in driver["rules"]
        .as_array()
        .unwrap()
        .iter()
        .zip(mmlint_checks::all_rules())
    {
        assert_eq!(rule["id"], meta.id);
        assert!(
            rule.get("helpUri").is_none(),
            "no doc URL, no link: {rule:#}"
        );
        assert_eq!(rule["help"]["markdown"], meta.doc);
        assert_eq!(rule["help"]["text"], meta.doc);
        let full = rule["fullDescription"]["text"].as_str().unwrap();
        assert!(full.len() > meta.summary.len(), "{}: {full}", meta.id);
    }
}

/// With the pages' address set, every format links to `<doc_url>/<rule>.md`.
#[test]
fn doc_url_links_every_format_to_the_rule_page() {
    let f = Fixture::new("linked");
    let page = format!("{DOC_URL}/dangling-vma.md");
    for base in [DOC_URL.to_string(), format!("{DOC_URL}/")] {
        let human = f.render_linked(Format::Human, false, Some(&base));
        assert!(human.contains(&format!("= see: {page}\n")), "{human}");
        assert!(!human.contains("mmlint explain"), "{human}");
        let json = f.render_linked(Format::Json, false, Some(&base));
        let first: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
        assert_eq!(first["url"], page.as_str());
        let sarif: serde_json::Value =
            serde_json::from_str(&f.render_linked(Format::Sarif, false, Some(&base))).unwrap();
        let driver = &sarif["runs"][0]["tool"]["driver"];
        assert_eq!(driver["informationUri"], base.as_str());
        let rules = driver["rules"].as_array().unwrap();
        for r in rules {
            assert_eq!(
                r["helpUri"],
                format!("{DOC_URL}/{}.md", r["id"].as_str().unwrap()).as_str()
            );
        }
    }
}

/// The SARIF log with the source root at `mm/`: the header is outside it. The rule pages
/// are published at DOC_URL, so the validator sees a log with `helpUri`s too.
fn render_outside(f: &Fixture) -> Vec<u8> {
    let root = f.dir.join("mm");
    let cx = RenderCx {
        srcroot: &root,
        base_dir: &f.dir,
        color: false,
        version: "0.1.0",
        doc_url: Some(DOC_URL),
        failures: &[],
    };
    let mut out = Vec::new();
    render(Format::Sarif, &mut out, &diagnostics()[..3], &cx).unwrap();
    out
}

#[test]
fn sarif_outside_srcroot_is_absolute() {
    let f = Fixture::new("outside");
    let v: serde_json::Value = serde_json::from_slice(&render_outside(&f)).unwrap();
    let run = &v["runs"][0];
    let loc = |i: usize| &run["results"][i]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(loc(0)["uri"], "demo.c");
    assert_eq!(loc(0)["uriBaseId"], "%SRCROOT%");
    let h = &run["results"][2]["relatedLocations"][0]["physicalLocation"]["artifactLocation"];
    let expected = format!("file://{}/include/linux/demo.h", f.dir.display());
    assert_eq!(h["uri"], expected.as_str());
    assert!(h.get("uriBaseId").is_none());
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
}

/// The SARIF validator of the SARIF SDK (`@microsoft/sarif-multitool`, installed by
/// `make sarif-tools`): no error and no warning on the fixtures' log.
#[test]
fn sarif_passes_the_sarif_multitool_validator() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let tool = root.join("target/sarif-tools/node_modules/.bin/sarif-multitool");
    if !tool.exists() {
        if std::env::var("MMLINT_NO_SARIF_MULTITOOL").as_deref() == Ok("1") {
            eprintln!(
                "\n!!!!!!!! SKIPPED: SARIF validation (MMLINT_NO_SARIF_MULTITOOL=1); \
                 the SARIF output was NOT validated !!!!!!!!\n"
            );
            return;
        }
        panic!(
            "{} is not installed: run `make sarif-tools` (or set MMLINT_NO_SARIF_MULTITOOL=1 to skip)",
            tool.display()
        );
    }
    let f = Fixture::new("validate");
    let log = f.dir.join("mmlint.sarif");
    let outside = f.dir.join("outside.sarif");
    let report = f.dir.join("validation.sarif");
    std::fs::write(&log, f.render(Format::Sarif, false)).unwrap();
    std::fs::write(&outside, render_outside(&f)).unwrap();
    let o = Command::new(&tool)
        .arg("validate")
        .arg(&log)
        .arg(&outside)
        .arg("--output")
        .arg(&report)
        .args(["--log", "ForceOverwrite"])
        // No ICU needed (the self-contained .NET build otherwise wants libicu).
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .output()
        .expect("sarif-multitool runs");
    let console = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(&report)
        .unwrap_or_else(|e| panic!("no validation report ({e}); the tool said:\n{console}"));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let run = &v["runs"][0];
    let inv = &run["invocations"][0];
    assert_eq!(
        inv["executionSuccessful"], true,
        "the validator failed:\n{console}\n{inv:#}"
    );
    // Both logs were read.
    assert!(console.contains("2 files scanned"), "{console}");
    // Without a doc URL mmlint has no address to give as the tool's informationUri (the
    // rules' documentation is in the log itself): the one warning allowed, on the unlinked
    // log only.
    let no_information_uri_unlinked = |r: &serde_json::Value| {
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap_or("");
        r["ruleId"] == "SARIF2005"
            && r["message"]["id"] == "Warning_ProvideToolnformationUri"
            && uri.ends_with("/mmlint.sarif")
    };
    let excused = run["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| no_information_uri_unlinked(r))
        .count();
    assert_eq!(excused, 1, "{console}");
    let findings: Vec<String> = run["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| {
            // SARIF's default level is warning.
            matches!(
                r["level"].as_str().unwrap_or("warning"),
                "error" | "warning"
            )
        })
        .filter(|r| !no_information_uri_unlinked(r))
        .map(|r| {
            format!(
                "{} {}: {}",
                r["level"].as_str().unwrap_or("warning"),
                r["ruleId"].as_str().unwrap_or("?"),
                r["message"]
            )
        })
        .collect();
    assert!(
        findings.is_empty(),
        "the SARIF validator reported:\n{}\n{console}",
        findings.join("\n")
    );
    assert!(o.status.success(), "{console}");
}
