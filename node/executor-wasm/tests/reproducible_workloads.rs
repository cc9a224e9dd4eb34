//! The committed workloads are what `workloads/build.sh` builds.

mod common;

use std::process::Command;

fn clang_version() -> Option<String> {
    let output = Command::new("clang").arg("--version").output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    Some(text.lines().next()?.to_owned())
}

#[test]
fn committed_wasm_equals_a_fresh_build() {
    let dir = common::workloads_dir();
    let recorded =
        std::fs::read_to_string(dir.join("wasm/clang-version.txt")).expect("recorded version");
    let Some(found) = clang_version() else {
        println!("NOTICE: clang not found; skipping the rebuild check of workloads/");
        return;
    };
    if found.trim() != recorded.trim() {
        println!("NOTICE: clang is {found:?}, the workloads were built with {recorded:?}; skipping the rebuild check");
        return;
    }
    let out = std::env::temp_dir().join(format!("entroos-workloads-{}", std::process::id()));
    let build = Command::new("bash")
        .arg(dir.join("build.sh"))
        .arg(&out)
        .env("ENTROOS_NO_INSTALL", "1")
        .output()
        .expect("build.sh runs");
    assert!(
        build.status.success(),
        "workloads/build.sh failed: {}",
        String::from_utf8_lossy(&build.stderr)
    );
    let mut compared = 0;
    for entry in std::fs::read_dir(dir.join("src")).expect("sources") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|ext| ext == "c") {
            let name = format!(
                "{}.wasm",
                path.file_stem().and_then(|s| s.to_str()).expect("name")
            );
            let committed = std::fs::read(dir.join("wasm").join(&name)).expect("committed wasm");
            let fresh = std::fs::read(out.join(&name)).expect("fresh wasm");
            assert!(
                committed == fresh,
                "{name} differs from a fresh build; run workloads/build.sh"
            );
            compared += 1;
        }
    }
    let _ = std::fs::remove_dir_all(&out);
    assert_eq!(compared, 8);
}
