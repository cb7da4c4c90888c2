//! Baselines: the fingerprints of an earlier run's findings (its SARIF or JSON output), so a
//! CI job reports only what a patch introduced.

use std::collections::HashSet;
use std::path::Path;

/// Reads the fingerprints of a SARIF log (`partialFingerprints["mmlint/v1"]`) or of JSON
/// lines (`"fingerprint"`).
pub fn load(path: &Path) -> Result<HashSet<String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read baseline: {e}", path.display()))?;
    let mut out = HashSet::new();
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
        if v.get("runs").is_some() {
            // A log that is not mmlint's would read as an empty baseline and hide nothing,
            // silently: refuse it.
            let not_ours = |what: &str| {
                format!(
                    "{}: not an mmlint SARIF log: {what} (write one with `mmlint check --format sarif`)",
                    path.display()
                )
            };
            let runs = v["runs"]
                .as_array()
                .ok_or_else(|| not_ours("\"runs\" is not an array"))?;
            for (i, run) in runs.iter().enumerate() {
                let tool = run["tool"]["driver"]["name"].as_str().unwrap_or("no tool");
                if tool != "mmlint" {
                    return Err(not_ours(&format!("run {i} is from {tool}")));
                }
                // Results without a fingerprint (invalid-suppression) have nothing to hide.
                for r in run["results"].as_array().into_iter().flatten() {
                    if let Some(f) = r["partialFingerprints"]["mmlint/v1"].as_str() {
                        out.insert(f.to_string());
                    }
                }
            }
            return Ok(out);
        }
    }
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| {
            format!(
                "{}: line {}: not a SARIF log or mmlint JSON lines: {e}",
                path.display(),
                i + 1
            )
        })?;
        // Every line of mmlint's JSON has a "kind"; each finding has a fingerprint.
        let bad = |what: &str| {
            format!(
                "{}: line {}: not mmlint JSON lines: {what}",
                path.display(),
                i + 1
            )
        };
        match v["kind"].as_str() {
            Some("finding") => {
                let f = v["fingerprint"]
                    .as_str()
                    .ok_or_else(|| bad("a finding without a \"fingerprint\""))?;
                out.insert(f.to_string());
            }
            Some(_) => {}
            None => return Err(bad("no \"kind\"")),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sarif_and_json_lines() {
        let d = std::env::temp_dir().join(format!("mmlint-bl-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        let sarif = d.join("a.sarif");
        std::fs::write(&sarif, r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"mmlint"}},"results":[{"partialFingerprints":{"mmlint/v1":"abc"}},{"ruleId":"invalid-suppression"}]}]}"#).unwrap();
        assert!(load(&sarif).unwrap().contains("abc"));
        let json = d.join("a.json");
        std::fs::write(
            &json,
            "{\"kind\":\"finding\",\"fingerprint\":\"def\"}\n{\"kind\":\"failure\"}\n",
        )
        .unwrap();
        assert!(load(&json).unwrap().contains("def"));
        let bad = d.join("bad.json");
        std::fs::write(&bad, "nope\n").unwrap();
        assert!(load(&bad).unwrap_err().contains("line 1"));
        // JSON, but not mmlint's: refused rather than read as an empty baseline.
        for (text, expected) in [
            ("{\"runs\": 5}", "\"runs\" is not an array"),
            (
                "{\"runs\": [{\"tool\": {\"driver\": {\"name\": \"cppcheck\"}}}]}",
                "run 0 is from cppcheck",
            ),
            ("{\"a\": 1}\n", "line 1: not mmlint JSON lines: no \"kind\""),
            ("[1, 2]\n", "no \"kind\""),
            (
                "{\"kind\":\"failure\"}\n{\"kind\":\"finding\"}\n",
                "line 2: not mmlint JSON lines: a finding without",
            ),
        ] {
            std::fs::write(&bad, text).unwrap();
            let e = load(&bad).unwrap_err();
            assert!(e.contains(expected), "{text}: {e}");
        }
        std::fs::write(&bad, "").unwrap();
        assert!(load(&bad).unwrap().is_empty(), "an empty run's baseline");
    }
}
