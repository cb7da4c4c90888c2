//! scripts/mutate-units.py on the fixtures (the kernel run is in docs/reliability.md): every
//! damaged unit is analysed or fails with a one-line reason; no panic, signal or hang. The
//! script's own exit status says so (1 when any run is a defect).

use std::process::Command;

mod common;
use common::{root, tempdir, text};

#[test]
fn damaged_fixtures_are_analysed_or_fail_with_a_reason() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("skipped: python3 is not installed");
        return;
    }
    let root = root();
    let dir = tempdir("mutate");
    let include = root.join("testdata/include").display().to_string();
    let mut units = Vec::new();
    for rule in std::fs::read_dir(root.join("testdata/rules")).unwrap() {
        for f in std::fs::read_dir(rule.unwrap().path()).unwrap() {
            let f = f.unwrap().path();
            if f.extension().is_some_and(|x| x == "c") {
                units.push(serde_json::json!({
                    "directory": root.display().to_string(),
                    "file": f.display().to_string(),
                    "arguments": ["cc", "-nostdinc", "-I", include, "-c", f.display().to_string()],
                }));
            }
        }
    }
    units.sort_by_key(|u| u["file"].as_str().unwrap().to_string());
    let db = dir.join("compile_commands.json");
    std::fs::write(&db, serde_json::to_string(&units).unwrap()).unwrap();
    let out = Command::new("python3")
        .arg(root.join("scripts/mutate-units.py"))
        .arg(&db)
        .args(["--count", "60", "--seed", "7", "--control", "3"])
        .args(["--jobs", "2", "--timeout", "60"])
        .args(["--mmlint", env!("CARGO_BIN_EXE_mmlint")])
        .output()
        .expect("python3 runs");
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(
        out.status.success(),
        "status {:?}\n{stdout}\n{stderr}",
        out.status
    );
    assert!(stdout.contains("mutated units: 60"), "{stdout}");
    // Both outcomes occur: damage that still parses is analysed, the rest is refused.
    for line in ["analysed: ", "failed: "] {
        let n: usize = stdout
            .lines()
            .find_map(|l| l.trim().strip_prefix(line))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        assert!(n > 0, "no unit {line}\n{stdout}");
    }
}
