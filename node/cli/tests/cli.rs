//! The command line as scripts and zombienet use it: `--help`, `build-spec`,
//! `key`, block export and import, `purge-chain`, the flags, keystore files
//! and log file of a zombienet node, `--rpc-methods safe` (which refuses
//! every unsafe method, the keystore's included), and the transaction
//! status stream.

mod support;

use serde_json::{json, Value};
use std::process::Command;
use std::time::Duration;
use support::ws::Ws;
use support::*;

fn node_cmd() -> Command {
    Command::new(env!("CARGO_BIN_EXE_entroos-node"))
}

fn run_ok(args: &[&str]) -> (String, String) {
    let out = node_cmd().args(args).output().expect("run entroos-node");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(
        out.status.success(),
        "entroos-node {args:?} failed: {stderr}"
    );
    (stdout, stderr)
}

#[test]
fn help_exits_zero_and_advertises_the_zombienet_flags() {
    let (help, _) = run_ok(&["--help"]);
    assert!(help.contains("--insecure-validator-i-know-what-i-do"));
    assert!(help.contains("build-spec"));
    assert!(!help.contains("--ws-port <PORT>"));
    assert!(!help.contains("export-chain-spec"));
}

#[test]
fn build_spec_prints_only_json_and_converts_a_plain_file_to_raw() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (plain, _) = run_ok(&[
        "build-spec",
        "--chain",
        "local",
        "--disable-default-bootnode",
    ]);
    let spec: Value = serde_json::from_str(&plain).expect("stdout is JSON");
    assert_eq!(spec["id"], "local_testnet");
    assert!(spec["genesis"]["runtimeGenesis"]["patch"]["balances"].is_object());
    let path = dir.path().join("local-plain.json");
    std::fs::write(&path, &plain).expect("write");
    let (raw, _) = run_ok(&[
        "build-spec",
        "--chain",
        path.to_str().expect("utf8"),
        "--disable-default-bootnode",
        "--raw",
    ]);
    let raw: Value = serde_json::from_str(&raw).expect("stdout is JSON");
    assert!(raw["genesis"]["raw"]["top"]
        .as_object()
        .is_some_and(|top| top.len() > 10));

    std::fs::write(&path, "{\"name\": 1}").expect("write");
    let out = node_cmd()
        .args(["build-spec", "--chain", path.to_str().expect("utf8")])
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("chain spec is not valid"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn key_inspect_and_generate() {
    let (alice, _) = run_ok(&["key", "inspect", "//Alice"]);
    assert!(
        alice.contains("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"),
        "{alice}"
    );
    let (generated, _) = run_ok(&["key", "generate", "--output-type", "json"]);
    let generated: Value = serde_json::from_str(&generated).expect("json");
    assert_eq!(
        generated["secretPhrase"]
            .as_str()
            .expect("phrase")
            .split(' ')
            .count(),
        12
    );
    let out = node_cmd()
        .args(["key", "inspect", "not a phrase at all"])
        .output()
        .expect("run");
    assert!(!out.status.success());
}

#[test]
fn blocks_export_and_import_into_another_node_and_purge() {
    let (a, b) = (
        tempfile::tempdir().expect("tempdir"),
        tempfile::tempdir().expect("tempdir"),
    );
    let node = Node::start(a.path(), &[]);
    node.wait_best(3, Duration::from_secs(30));
    assert!(node.stop().success());
    let base_a = a.path().to_str().expect("utf8");
    let file = a.path().join("blocks.bin");
    let (_, log) = run_ok(&[
        "export-blocks",
        "--dev",
        "--base-path",
        base_a,
        file.to_str().expect("utf8"),
    ]);
    assert!(log.contains("Exported"), "{log}");
    let base_b = b.path().to_str().expect("utf8");
    let (_, log) = run_ok(&[
        "import-blocks",
        "--dev",
        "--base-path",
        base_b,
        file.to_str().expect("utf8"),
    ]);
    assert!(log.contains("Imported"), "{log}");

    let (json_a, _) = run_ok(&["export-blocks", "--dev", "--base-path", base_a, "--json"]);
    let (json_b, _) = run_ok(&["export-blocks", "--dev", "--base-path", base_b, "--json"]);
    assert_eq!(json_a, json_b, "the imported chain equals the exported one");

    // A tampered file is refused with the block number and the reason.
    let mut bytes = std::fs::read(&file).expect("read");
    let last = bytes.len() - 10;
    bytes[last] ^= 0xff;
    std::fs::write(&file, &bytes).expect("write");
    let c = tempfile::tempdir().expect("tempdir");
    let out = node_cmd()
        .args([
            "import-blocks",
            "--dev",
            "--base-path",
            c.path().to_str().expect("utf8"),
            file.to_str().expect("utf8"),
        ])
        .output()
        .expect("run");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("refused") || stderr.contains("does not decode"),
        "{stderr}"
    );

    run_ok(&["purge-chain", "--dev", "--base-path", base_b, "-y"]);
    assert!(!b.path().join("chains/dev/db").exists());
}

#[test]
fn zombienet_flags_keystore_and_metrics() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (raw, _) = run_ok(&["build-spec", "--chain", "local", "--raw"]);
    let spec = dir.path().join("local-raw.json");
    std::fs::write(&spec, raw).expect("write");
    write_alice_zombienet_keystore(&dir.path().join("chains/local_testnet/keystore"));
    let node_key = "2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db186d6e90";
    let node = Node::start(
        dir.path(),
        &[
            "--chain",
            spec.to_str().expect("utf8"),
            "--name",
            "alice",
            "--rpc-cors",
            "all",
            "--rpc-methods",
            "unsafe",
            "--no-mdns",
            "--node-key",
            node_key,
            "--no-telemetry",
            "--prometheus-external",
            "--validator",
            "--insecure-validator-i-know-what-i-do",
            "--bootnodes",
            "/ip4/127.0.0.1/tcp/30333/ws/p2p/12D3KooWQCkBm1BYtkHpocxCwMgR8yjitEeHGx8spzcDLGt2gkBm",
            "--listen-addr",
            "/ip4/127.0.0.1/tcp/30444/ws",
        ],
    );
    // Alice alone is one of four validators: she wins about 30% of slots.
    node.wait_best(1, Duration::from_secs(60));
    assert_eq!(node.rpc("system_chain", json!([])), "Local Testnet");
    assert_eq!(
        node.rpc("system_nodeRoles", json!([])),
        json!(["Authority"])
    );
    assert!(node
        .rpc("system_localPeerId", json!([]))
        .as_str()
        .is_some_and(|id| id.starts_with("12D3KooW")));
    let metrics = http::get(node.metrics_port, "/metrics").expect("metrics");
    for name in [
        "substrate_process_start_time_seconds{chain=\"local_testnet\"}",
        "substrate_block_height{status=\"best\",chain=\"local_testnet\"}",
        "substrate_block_height{status=\"finalized\"",
        "substrate_sub_libp2p_peers_count",
        "substrate_ready_transactions_number",
        "substrate_block_import_time_microseconds_count",
    ] {
        assert!(metrics.contains(name), "{name} missing from\n{metrics}");
    }
    assert!(!metrics.contains("# EOF"));
    // Zombienet matches its `log line` patterns against the file the node's
    // stderr goes to: plain text, without colour escapes.
    let log = std::fs::read_to_string(dir.path().join("node.log")).expect("node log");
    assert!(log.contains(" INFO service: Node name: alice"), "{log}");
    assert!(
        !log.contains('\u{1b}'),
        "colour escapes in the log file:\n{log}"
    );
    // Of the thirteen key files, the node authors with `babe` and votes
    // with `gran`.
    assert!(
        log.contains(
            "Authoring with the babe keys 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
        ),
        "{log}"
    );
    assert!(
        log.contains("Voting in set 0 (4 voters) as 0x88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee"),
        "{log}"
    );
}

/// The keystore zombienet writes for its node `alice`: a file per key type
/// it knows, named `hex(key type) ++ hex(public key)` and holding the secret
/// URI `"//Alice"` as a JSON string; sr25519 keys, ed25519 for `gran`,
/// `rate` and `ftsv`, and for `beef` a compressed ecdsa key the node has no
/// use for.
fn write_alice_zombienet_keystore(keystore: &std::path::Path) {
    use entroos_primitives::crypto::{ed25519, sr25519};
    let suri = "//Alice";
    std::fs::create_dir_all(keystore).expect("mkdir");
    let sr = sr25519::Pair::from_uri(suri).expect("sr25519 key").public();
    let ed = ed25519::Pair::from_uri(suri).expect("ed25519 key").public();
    let mut files: Vec<(&str, Vec<u8>)> = [
        "aura", "babe", "imon", "audi", "asgn", "para", "nmbs", "rand", "bcsv",
    ]
    .into_iter()
    .map(|key_type| (key_type, sr.to_vec()))
    .collect();
    files.extend(["gran", "rate", "ftsv"].map(|key_type| (key_type, ed.to_vec())));
    // ecdsa //Alice, as zombienet computes it.
    let ecdsa = hex::decode("020a1091341fe5664bfa1782d5e04779689068c916b04cb365ec3153755684d9a1")
        .expect("hex");
    files.push(("beef", ecdsa));
    for (key_type, public) in files {
        let name = format!("{}{}", hex::encode(key_type), hex::encode(public));
        std::fs::write(keystore.join(name), format!("\"{suri}\"")).expect("key file");
    }
}

#[test]
fn safe_rpc_refuses_unsafe_methods() {
    let dir = tempfile::tempdir().expect("tempdir");
    let node = Node::start(
        dir.path(),
        &[
            "--rpc-methods",
            "safe",
            "--rpc-cors",
            "https://allowed.example",
        ],
    );
    let allowed = post_with_origin(node.rpc_port, "https://allowed.example");
    assert!(
        allowed
            .to_ascii_lowercase()
            .contains("access-control-allow-origin: https://allowed.example"),
        "{allowed}"
    );
    let other = post_with_origin(node.rpc_port, "https://other.example");
    assert!(
        !other
            .to_ascii_lowercase()
            .contains("access-control-allow-origin"),
        "{other}"
    );
    let alice = "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";
    for (method, params) in [
        ("author_removeExtrinsic", json!([[]])),
        ("author_insertKey", json!(["babe", "//Alice", alice])),
        ("author_rotateKeys", json!([])),
        ("author_hasKey", json!([alice, "babe"])),
        ("author_hasSessionKeys", json!([alice])),
        (
            "offchain_localStorageSet",
            json!(["PERSISTENT", "0x00", "0x01"]),
        ),
        ("offchain_localStorageGet", json!(["PERSISTENT", "0x00"])),
        ("system_unstable_networkState", json!([])),
        ("system_peers", json!([])),
    ] {
        let response = node.try_rpc(method, params).expect("response");
        assert_eq!(response["error"]["code"], -32601, "{method}: {response}");
        assert_eq!(
            response["error"]["message"], "RPC call is unsafe to be called externally",
            "{method}"
        );
    }
    let keystore = dir.path().join("chains/dev/keystore");
    let stored = std::fs::read_dir(&keystore).map_or(0, |files| files.count());
    assert_eq!(stored, 0, "refused calls write no key");
    assert!(node.rpc("system_health", json!([])).is_object());
}

#[test]
fn watched_transfer_streams_ready_in_block_and_finalized() {
    let dir = tempfile::tempdir().expect("tempdir");
    let node = Node::start(dir.path(), &[]);
    let signers = dev_signers();
    let xt = signed_transfer(
        node.genesis(),
        &signers[0],
        0,
        account(&signers[1]),
        1_000_000_000_000,
    );
    let mut ws = Ws::connect(node.rpc_port).expect("ws");
    ws.send(&json!({"jsonrpc": "2.0", "id": 1, "method": "author_submitAndWatchExtrinsic", "params": [hex_of(&xt)]}).to_string()).expect("send");
    let mut statuses = Vec::new();
    while statuses
        .last()
        .is_none_or(|s: &Value| s.get("finalized").is_none())
    {
        let frame = ws.receive().expect("frame").expect("open socket");
        let message: Value = serde_json::from_slice(&frame).expect("json");
        if message["method"] == "author_extrinsicUpdate" {
            statuses.push(message["params"]["result"].clone());
        } else {
            assert!(
                message["result"].is_string(),
                "subscription id expected: {message}"
            );
        }
        assert!(statuses.len() <= 3, "{statuses:?}");
    }
    assert_eq!(statuses[0], "ready");
    let block = statuses[1]["inBlock"].as_str().expect("inBlock");
    assert_eq!(statuses[2]["finalized"].as_str(), Some(block));
}

/// The response headers of a `system_health` POST from a page at `origin`.
fn post_with_origin(port: u16, origin: &str) -> String {
    let body = br#"{"jsonrpc":"2.0","id":1,"method":"system_health","params":[]}"#;
    http::request(
        port,
        "POST",
        "/",
        &[("content-type", "application/json"), ("origin", origin)],
        body,
    )
    .expect("response")
    .headers
}
