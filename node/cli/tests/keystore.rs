//! Keys as an operator puts them in place, on real nodes: `key insert` and
//! `author_insertKey` write files the node reads back (and authors with),
//! `author_rotateKeys` makes session keys `author_hasSessionKeys` knows,
//! and `key generate-node-key` / `inspect-node-key` give the peer id the
//! node reports.

mod support;

use entroos_primitives::crypto::sr25519;
use serde_json::{json, Value};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;
use support::*;

/// How long a node may take to author the blocks a test waits for.
const AUTHORING: Duration = Duration::from_secs(30);

fn node_cmd(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_entroos-node"))
        .args(args)
        .output()
        .expect("run entroos-node")
}

fn run_ok(args: &[&str]) -> (String, String) {
    let out = node_cmd(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "entroos-node {args:?}: {stderr}");
    (String::from_utf8_lossy(&out.stdout).into_owned(), stderr)
}

fn text(path: &Path) -> &str {
    path.to_str().expect("utf8 path")
}

fn public(uri: &str) -> [u8; 32] {
    sr25519::Pair::from_uri(uri).expect("dev key").public()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

/// The aura slot of a block header (its pre-runtime digest `entr`).
fn slot_of(header: &Value) -> u64 {
    let logs = header["digest"]["logs"].as_array().expect("digest logs");
    logs.iter()
        .filter_map(|log| hex::decode(&log.as_str()?[2..]).ok())
        .find(|bytes| bytes.starts_with(b"\x06entr\x20"))
        .map(|bytes| u64::from_le_bytes(bytes[6..14].try_into().expect("u64")))
        .expect("a slot digest")
}

fn has_key(node: &Node, public: &[u8; 32]) -> Value {
    node.rpc("author_hasKey", json!([hex_of(public), "aura"]))
}

/// The last line of a command's stderr: where it prints the peer id.
fn last_line(text: &str) -> String {
    text.lines().last().unwrap_or("").to_string()
}

#[test]
fn a_validator_authors_once_its_key_is_inserted_over_rpc_and_keeps_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = dir.path();
    let (_, stderr) = run_ok(&[
        "key",
        "generate-node-key",
        "--base-path",
        text(base),
        "--chain",
        "dev",
    ]);
    let peer_id = last_line(&stderr);
    let chain = ["--chain", "dev"];
    let node = Node::start_on(base, &chain, &["--validator", "--no-mdns"]);
    assert_eq!(node.rpc("system_localPeerId", json!([])), peer_id.as_str());
    assert_eq!(
        node.rpc("system_nodeRoles", json!([])),
        json!(["Authority"])
    );
    let alice = public("//Alice");
    assert_eq!(has_key(&node, &alice), false);
    assert_eq!(node.best().0, 0, "no key, no block");
    let log = std::fs::read_to_string(base.join("node.log")).expect("log");
    assert!(log.contains("No aura key in the keystore"), "{log}");

    let refused = node
        .try_rpc("author_insertKey", json!(["aura", "//Bob", hex_of(&alice)]))
        .expect("answer");
    assert_eq!(refused["error"]["code"], 1040, "{refused}");
    let message = refused["error"]["message"].as_str().unwrap_or("");
    assert!(message.contains("does not derive public key"), "{message}");
    let bad_type = node
        .try_rpc(
            "author_insertKey",
            json!(["aur", "//Alice", hex_of(&alice)]),
        )
        .expect("answer");
    assert_eq!(
        bad_type["error"]["message"],
        "Invalid key type ID format (should be of length four)"
    );

    let inserted = node.rpc(
        "author_insertKey",
        json!(["aura", "//Alice", hex_of(&alice)]),
    );
    assert_eq!(inserted, Value::Null);
    let keystore = base.join("chains/dev/keystore");
    let file = keystore.join(format!("61757261{}", hex::encode(alice)));
    assert_eq!(
        std::fs::read_to_string(&file).expect("key file"),
        "\"//Alice\""
    );
    assert_eq!((mode(&file), mode(&keystore)), (0o600, 0o700));
    let files = std::fs::read_dir(&keystore).expect("keystore").count();
    assert_eq!(files, 1, "the refused keys wrote nothing");
    node.wait_best(2, AUTHORING);
    assert_eq!(has_key(&node, &alice), true);

    let best = node.best().0;
    assert!(node.stop().success());
    let node = Node::start_on(base, &chain, &["--validator", "--no-mdns"]);
    assert_eq!(has_key(&node, &alice), true, "read back from the file");
    node.wait_best(best + 2, AUTHORING);
    assert_eq!(node.rpc("system_localPeerId", json!([])), peer_id.as_str());
}

#[test]
fn a_key_inserted_with_the_cli_seals_its_authoritys_slots_on_the_local_chain() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = dir.path();
    let (stdout, stderr) = run_ok(&[
        "key",
        "insert",
        "--chain",
        "local",
        "--base-path",
        text(base),
        "--key-type",
        "aura",
        "--scheme",
        "sr25519",
        "--suri",
        "//Bob",
    ]);
    assert!(stdout.is_empty(), "{stdout}");
    let bob = public("//Bob");
    let file = base.join(format!(
        "chains/local_testnet/keystore/61757261{}",
        hex::encode(bob)
    ));
    assert_eq!(mode(&file), 0o600, "{stderr}");

    let node = Node::start_on(base, &["--chain", "local"], &["--validator", "--no-mdns"]);
    assert_eq!(has_key(&node, &bob), true);
    assert_eq!(has_key(&node, &public("//Alice")), false);
    node.wait_best(2, AUTHORING);
    for number in [1, 2] {
        let hash = node.rpc("chain_getBlockHash", json!([number]));
        let header = node.rpc("chain_getHeader", json!([hash]));
        assert_eq!(
            slot_of(&header) % 4,
            1,
            "Bob, second of Alice…Dave, seals #{number}"
        );
    }

    let missing = node_cmd(&[
        "key",
        "insert",
        "--base-path",
        text(base),
        "--key-type",
        "aura",
    ]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("--suri is required"));
}

#[test]
fn rotated_session_keys_are_held_and_the_node_key_file_gives_the_peer_id() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key_file = dir.path().join("node-key");
    let (stdout, stderr) = run_ok(&["key", "generate-node-key", "--file", text(&key_file)]);
    assert!(stdout.is_empty());
    let peer_id = last_line(&stderr);
    let (inspected, _) = run_ok(&["key", "inspect-node-key", "--file", text(&key_file)]);
    assert_eq!(inspected.trim(), peer_id);
    assert_eq!(mode(&key_file), 0o600);

    let node = Node::start(dir.path(), &["--node-key-file", text(&key_file)]);
    assert_eq!(node.rpc("system_localPeerId", json!([])), peer_id.as_str());
    assert_eq!(
        has_key(&node, &public("//Alice")),
        true,
        "--dev's key, in memory"
    );

    let rotated = node.rpc("author_rotateKeys", json!([]));
    let keys = hex::decode(&rotated.as_str().expect("hex")[2..]).expect("hex");
    assert_eq!(keys.len(), 32, "one sr25519 aura key");
    let decoded = node.rpc(
        "state_call",
        json!([
            "SessionKeys_decode_session_keys",
            hex_of(&codec::Encode::encode(&keys))
        ]),
    );
    let mut expected = vec![1, 4, 128];
    expected.extend_from_slice(&keys);
    expected.extend_from_slice(b"aura");
    assert_eq!(decoded, hex_of(&expected), "Some([(key, aura)])");
    assert_eq!(node.rpc("author_hasSessionKeys", json!([rotated])), true);
    assert_eq!(
        node.rpc("author_hasSessionKeys", json!([hex_of(&[7; 32])])),
        false
    );
    let bad = node
        .try_rpc("author_hasSessionKeys", json!(["0x0102"]))
        .expect("answer");
    assert_eq!(
        bad["error"]["message"],
        "Session keys are not encoded correctly"
    );
    let file = dir.path().join(format!(
        "chains/dev/keystore/61757261{}",
        &rotated.as_str().expect("hex")[2..]
    ));
    let phrase: String =
        serde_json::from_slice(&std::fs::read(&file).expect("key file")).expect("json");
    assert_eq!(phrase.split(' ').count(), 12);
    assert_eq!(mode(&file), 0o600);
    assert_ne!(
        node.rpc("author_rotateKeys", json!([])),
        rotated,
        "new keys each time"
    );
}
