//! The local chain's four validators (Alice, Bob, Charlie, Dave) as real
//! processes over `/ws` on 127.0.0.1, on `build-spec --chain local` with
//! one-second slots and ten-slot epochs, so that a test of a few tens of
//! seconds sees several epochs and enough blocks.

use super::{free_port, Node};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

/// The validators of the local chain, by their `--<name>` flags.
pub const NAMES: [&str; 4] = ["alice", "bob", "charlie", "dave"];

/// `build-spec --chain local` with one-second slots and ten-slot epochs,
/// written to `dir`; its path.
pub fn fast_local_spec(dir: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_entroos-node"))
        .args(["build-spec", "--chain", "local"])
        .output()
        .expect("build-spec");
    assert!(out.status.success());
    let mut spec: Value = serde_json::from_slice(&out.stdout).expect("json spec");
    let params = &mut spec["genesis"]["runtimeGenesis"]["patch"]["entropy"]["params"];
    params["slotDuration"] = json!(1000);
    params["epochLength"] = json!(10);
    params["dutyPeriod"] = json!(5);
    let path = dir.join("local-fast.json");
    std::fs::write(&path, serde_json::to_vec(&spec).expect("json")).expect("write spec");
    path.to_str().expect("utf8").to_string()
}

/// A `/ws` listen address on a free loopback port.
pub fn listen_address() -> String {
    format!("/ip4/127.0.0.1/tcp/{}/ws", free_port())
}

/// Starts validator `name` on `dir`, listening on `address`, knowing
/// `bootnode`; the node and its boot-node address.
pub fn start_validator(
    dir: &Path,
    spec: &str,
    name: &str,
    address: &str,
    bootnode: Option<&str>,
) -> (Node, String) {
    start_local(dir, spec, Some(name), address, bootnode)
}

/// Starts a full node without keys on `dir`, listening on `address`,
/// knowing `bootnode`; the node and its boot-node address.
pub fn start_full_node(
    dir: &Path,
    spec: &str,
    address: &str,
    bootnode: Option<&str>,
) -> (Node, String) {
    start_local(dir, spec, None, address, bootnode)
}

fn start_local(
    dir: &Path,
    spec: &str,
    name: Option<&str>,
    address: &str,
    bootnode: Option<&str>,
) -> (Node, String) {
    let key = name.map(|name| format!("--{name}"));
    let mut extra = vec!["--listen-addr", address];
    extra.extend(key.as_deref());
    if let Some(bootnode) = bootnode {
        extra.extend(["--bootnodes", bootnode]);
    }
    let node = Node::start_on(dir, &["--chain", spec, "--no-mdns"], &extra);
    let peer_id = node.rpc("system_localPeerId", json!([]));
    let boot = format!("{address}/p2p/{}", peer_id.as_str().expect("peer id"));
    (node, boot)
}
