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
            for run in v["runs"].as_array().into_iter().flatten() {
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
        if let Some(f) = v["fingerprint"].as_str() {
            out.insert(f.to_string());
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
        std::fs::write(&sarif, r#"{"version":"2.1.0","runs":[{"results":[{"partialFingerprints":{"mmlint/v1":"abc"}}]}]}"#).unwrap();
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
    }
}
