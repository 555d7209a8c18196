//! The conversion scripts in `tools/` (stdlib Python): their own unit tests, which also
//! re-make the shipped Syria base map and gazetteer and compare them byte for byte.

use std::process::Command;

#[test]
fn the_conversion_scripts_pass_their_tests_and_reproduce_the_shipped_files() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = match Command::new("python3")
        .args(["-m", "unittest", "tools/test_tools.py"])
        .current_dir(root)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
    {
        Ok(out) => out,
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!("skipped the tools' tests: python3 does not run here ({e}); CI installs it");
            return;
        }
        Err(e) => panic!("python3 is needed in CI: {e}"),
    };
    let report = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "tools/test_tools.py failed:\n{report}");
    let ran: usize = report
        .lines()
        .find_map(|l| l.strip_prefix("Ran ").and_then(|r| r.split_whitespace().next()?.parse().ok()))
        .unwrap_or(0);
    assert!(ran >= 10, "expected the tools' tests to run, got:\n{report}");
}
