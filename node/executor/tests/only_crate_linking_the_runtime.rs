//! The executor is the only node crate that links the runtime: every other
//! crate under `node/` and `rpc/` reaches it through this crate's API.

use std::path::{Path, PathBuf};

fn manifests() -> Vec<PathBuf> {
    let node = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&node)
        .expect("node/ is readable")
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path().join("Cargo.toml"))
        .filter(|path| path.is_file())
        .collect();
    found.push(node.join("../rpc/Cargo.toml"));
    found.sort();
    found
}

/// The dependency names of a manifest's non-dev dependency sections.
fn runtime_dependencies(manifest: &str) -> Vec<String> {
    let mut section = String::new();
    let mut found = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line.to_string();
            continue;
        }
        let links = section.ends_with("dependencies]") || section.contains("dependencies.");
        let name = line.split(['=', '.', ' ']).next().unwrap_or_default();
        if links && (name == "entroos-runtime" || name.starts_with("pallet-")) {
            found.push(format!("{section} {name}"));
        }
    }
    found
}

#[test]
fn no_other_node_crate_depends_on_the_runtime_or_a_pallet() {
    let manifests = manifests();
    assert!(manifests.len() >= 7, "node crates found: {manifests:?}");
    for path in manifests {
        let text = std::fs::read_to_string(&path).expect("manifest is readable");
        let deps = runtime_dependencies(&text);
        let is_executor = path.parent().and_then(|p| p.file_name()) == Some("executor".as_ref());
        if is_executor {
            assert!(deps.iter().any(|d| d.ends_with("entroos-runtime")));
            continue;
        }
        let linked: Vec<&String> = deps.iter().filter(|d| !d.starts_with("[dev-")).collect();
        assert!(linked.is_empty(), "{} links {linked:?}", path.display());
    }
}
