//! Formats, baselines, suppressions and configuration through the command line.

use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::{kernel_tree, root, tempdir, text};

fn mmlint(dir: &Path, args: &[&str]) -> Output {
    let inc = root().join("testdata/include");
    let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    all.extend([
        "--".to_string(),
        "-nostdinc".to_string(),
        format!("-I{}", inc.display()),
    ]);
    Command::new(env!("CARGO_BIN_EXE_mmlint"))
        .current_dir(dir)
        .args(&all)
        .output()
        .expect("mmlint runs")
}

const BUG: &str = "#include <linux/mm.h>\n\
unsigned long f(struct mm_struct *mm, unsigned long a)\n\
{\n\
\tstruct vm_area_struct *vma;\n\
\n\
\tmmap_read_lock(mm);\n\
\tvma = find_vma(mm, a);\n\
\tmmap_read_unlock(mm);\n\
\treturn vma ? vma->vm_start : 0;\n\
}\n";

const SECOND_BUG: &str = "unsigned long g(struct mm_struct *mm, unsigned long a)\n\
{\n\
\tstruct vm_area_struct *vma;\n\
\n\
\tmmap_read_lock(mm);\n\
\tvma = find_vma(mm, a);\n\
\tmmap_read_unlock(mm);\n\
\treturn vma ? vma->vm_end : 0;\n\
}\n";

#[test]
fn baseline_hides_known_findings_and_shows_new_ones() {
    let d = tempdir("baseline");
    std::fs::write(d.join("a.c"), BUG).unwrap();
    let o = mmlint(&d, &["check", "a.c", "--write-baseline", "base.json"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    // Against its own baseline: nothing.
    let o = mmlint(&d, &["check", "a.c", "--baseline", "base.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    assert_eq!(text(&o.stdout), "");
    // Lines inserted above and a new bug: exactly the new one.
    std::fs::write(
        d.join("a.c"),
        format!("/* a comment */\n\n{BUG}\n{SECOND_BUG}"),
    )
    .unwrap();
    let o = mmlint(&d, &["check", "a.c", "--baseline", "base.json"]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert_eq!(out.matches("[dangling-vma]").count(), 1, "{out}");
    assert!(
        out.contains("VMA 'vma' used after") && out.contains("a.c:20:"),
        "{out}"
    );
    // A SARIF run works as a baseline too.
    let o = mmlint(
        &d,
        &["check", "a.c", "--format", "sarif", "--output", "run.sarif"],
    );
    assert_eq!(o.status.code(), Some(1));
    let o = mmlint(&d, &["check", "a.c", "--baseline", "run.sarif"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
}

#[test]
fn suppression_comment_silences_and_is_checked() {
    let d = tempdir("suppress");
    let src = BUG.replace(
        "\treturn vma ? vma->vm_start : 0;",
        "\t/* mmlint-ignore dangling-vma: test */\n\treturn vma ? vma->vm_start : 0;",
    );
    std::fs::write(d.join("a.c"), &src).unwrap();
    let o = mmlint(&d, &["check", "a.c"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    // SARIF keeps it, marked suppressed.
    let o = mmlint(&d, &["check", "a.c", "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let r = &sarif["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "dangling-vma");
    assert_eq!(r["suppressions"][0]["justification"], "test");
    // Unused suppressions on request.
    std::fs::write(
        d.join("b.c"),
        "/* mmlint-ignore dangling-vma: stale */\nint x;\n",
    )
    .unwrap();
    let o = mmlint(&d, &["check", "b.c", "--report-unused-suppressions"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stdout).contains("[unused-suppression]"));
}

#[test]
fn config_file_disables_rules_and_rejects_unknown_keys() {
    let d = tempdir("config");
    std::fs::write(d.join("a.c"), BUG).unwrap();
    std::fs::create_dir_all(d.join("sub")).unwrap();
    std::fs::copy(d.join("a.c"), d.join("sub/a.c")).unwrap();
    std::fs::write(
        d.join("mmlint.toml"),
        "[rules]\ndisable = [\"dangling-vma\"]\n",
    )
    .unwrap();
    // Found upward from the current directory.
    let o = mmlint(&d.join("sub"), &["check", "a.c"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    std::fs::write(
        d.join("mmlint.toml"),
        "[rules]\ndisable = []\n[rules.severity]\ndangling-vma = \"error\"\n",
    )
    .unwrap();
    let o = mmlint(&d, &["check", "a.c"]);
    assert!(
        text(&o.stdout).contains(": error: VMA 'vma'"),
        "{}",
        text(&o.stdout)
    );
    std::fs::write(d.join("mmlint.toml"), "[rules]\ndisabel = []\n").unwrap();
    let o = mmlint(&d, &["check", "a.c"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("mmlint.toml: line 2: ") && err.contains("disabel"),
        "{err}"
    );
}

/// The rule pages' address: unset, no link anywhere and the human format says
/// `mmlint explain`; set in mmlint.toml or with --doc-url (which wins), every format links
/// to `<URL>/<rule>.md`; a value that is not an absolute URL is a one-line error.
#[test]
fn doc_url_from_config_or_flag_links_the_rule_page() {
    let d = tempdir("doc-url");
    std::fs::write(d.join("a.c"), BUG).unwrap();
    let human = |extra: &[&str]| {
        let mut args = vec!["check", "a.c", "--format", "human", "--color", "never"];
        args.extend_from_slice(extra);
        let o = mmlint(&d, &args);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
        text(&o.stdout)
    };
    let url_field = |extra: &[&str]| {
        let mut args = vec!["check", "a.c", "--format", "json"];
        args.extend_from_slice(extra);
        let out = text(&mmlint(&d, &args).stdout);
        let v: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
        v["url"].clone()
    };
    let unset = human(&[]);
    assert!(
        unset.contains("= see: mmlint explain dangling-vma\n"),
        "{unset}"
    );
    assert!(!unset.contains("http"), "{unset}");
    assert_eq!(url_field(&[]), serde_json::Value::Null);

    std::fs::write(
        d.join("mmlint.toml"),
        "doc-url = \"https://docs.example.org/mmlint/rules/\"\n",
    )
    .unwrap();
    let page = "https://docs.example.org/mmlint/rules/dangling-vma.md";
    assert!(human(&[]).contains(&format!("= see: {page}\n")));
    assert_eq!(url_field(&[]), page);
    let o = mmlint(&d, &["check", "a.c", "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(
        rules[0]["helpUri"],
        format!(
            "https://docs.example.org/mmlint/rules/{}.md",
            rules[0]["id"].as_str().unwrap()
        )
        .as_str()
    );

    let flag = ["--doc-url", "https://mirror.example.net/docs/rules"];
    assert_eq!(
        url_field(&flag),
        "https://mirror.example.net/docs/rules/dangling-vma.md"
    );

    for (args, file) in [
        (vec!["--doc-url", "docs/rules"], None),
        (vec![], Some("doc-url = \"docs/rules\"\n")),
    ] {
        if let Some(f) = file {
            std::fs::write(d.join("mmlint.toml"), f).unwrap();
        }
        let mut all = vec!["check", "a.c"];
        all.extend_from_slice(&args);
        let o = mmlint(&d, &all);
        assert_eq!(o.status.code(), Some(2));
        let err = text(&o.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("'docs/rules' is not an absolute URL"), "{err}");
    }
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn statistics_and_json_lines() {
    let d = tempdir("stats");
    std::fs::write(d.join("a.c"), format!("{BUG}\n{SECOND_BUG}")).unwrap();
    let o = mmlint(&d, &["check", "a.c", "--statistics", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("2  dangling-vma"),
        "{}",
        text(&o.stderr)
    );
    let lines: Vec<serde_json::Value> = text(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["rule"], "dangling-vma");
    assert_eq!(lines[0]["file"], "a.c");
    assert_ne!(lines[0]["fingerprint"], lines[1]["fingerprint"]);
}

/// SARIF of real kernel TUs (Linux 6.1 from ../shared/kernel-corpus/prepare.sh) through the
/// SARIF multitool validator: 0 errors, 0 warnings. Skipped, saying so, without the tree.
#[test]
fn sarif_of_real_kernel_tus_validates() {
    let tree = kernel_tree();
    let db = tree.join("compile_commands.json");
    if !db.is_file() || !tree.join("mm/khugepaged.c").is_file() {
        eprintln!(
            "skipping sarif_of_real_kernel_tus_validates: no prepared tree at {} (run ../shared/kernel-corpus/prepare.sh --dirs mm)",
            tree.display()
        );
        return;
    }
    let tool = root().join("target/sarif-tools/node_modules/.bin/sarif-multitool");
    assert!(
        tool.exists(),
        "{} is not installed: run `make sarif-tools`",
        tool.display()
    );
    let d = tempdir("kernel-sarif");
    let log = d.join("kernel.sarif");
    // mm/khugepaged.c has a finding (report #1 of docs/triage/linux-6.1.md; mm/mmap.c's
    // exit_mmap reports are gone since exclusive_mm); mm/gup.c has none.
    let o = Command::new(env!("CARGO_BIN_EXE_mmlint"))
        .current_dir(&tree)
        .args([
            "check",
            "-p",
            "compile_commands.json",
            "mm/khugepaged.c",
            "mm/gup.c",
        ])
        // With the rule pages' address, the log has the tool's informationUri the
        // validator asks for (the unlinked log is validated in mmlint-report's tests).
        .args(["--doc-url", "https://docs.example.org/mmlint/rules"])
        .args(["--format", "sarif", "--output"])
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&log).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(results
        .iter()
        .all(|r| r["partialFingerprints"]["mmlint/v1"].is_string()));
    let report = d.join("validation.sarif");
    let v = Command::new(&tool)
        .arg("validate")
        .arg(&log)
        .arg("--output")
        .arg(&report)
        .args(["--log", "ForceOverwrite"])
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .output()
        .unwrap();
    let console = format!("{}{}", text(&v.stdout), text(&v.stderr));
    let out: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&report).unwrap_or_else(|e| panic!("{e}: {console}")),
    )
    .unwrap();
    let bad: Vec<&serde_json::Value> = out["runs"][0]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| {
            matches!(
                r["level"].as_str().unwrap_or("warning"),
                "error" | "warning"
            )
        })
        .collect();
    assert!(bad.is_empty(), "validator findings: {bad:#?}");
}
