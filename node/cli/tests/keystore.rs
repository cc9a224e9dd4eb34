//! Keys as an operator puts them in place, on real nodes: `key insert` and
//! `author_insertKey` write files the node reads back (and authors with:
//! the `babe` sr25519 key claims and seals slots; `gran` is the ed25519
//! finality key), `author_rotateKeys` makes session keys
//! `author_hasSessionKeys` knows, and `key generate-node-key` /
//! `inspect-node-key` give the peer id the node reports.

mod support;

use entroos_primitives::crypto::{ed25519, sr25519};
use serde_json::{json, Value};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;
use support::*;

/// How long a node may take to author the blocks a test waits for.
const AUTHORING: Duration = Duration::from_secs(30);
/// How long one of four validators, alone, may take to win a slot (it
/// wins about 30% of them: 30 two-second slots all lost is a 2·10⁻⁵
/// chance).
const ONE_OF_FOUR: Duration = Duration::from_secs(60);
/// `babe` in hex: the key file prefix of slot keys.
const BABE_HEX: &str = "62616265";
/// `gran` in hex: the key file prefix of finality keys.
const GRAN_HEX: &str = "6772616e";

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

fn has_key(node: &Node, public: &[u8; 32]) -> Value {
    node.rpc("author_hasKey", json!([hex_of(public), "babe"]))
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
    assert!(log.contains("No babe key in the keystore"), "{log}");

    let refused = node
        .try_rpc("author_insertKey", json!(["babe", "//Bob", hex_of(&alice)]))
        .expect("answer");
    assert_eq!(refused["error"]["code"], 1040, "{refused}");
    let message = refused["error"]["message"].as_str().unwrap_or("");
    assert!(message.contains("does not derive public key"), "{message}");
    let bad_type = node
        .try_rpc(
            "author_insertKey",
            json!(["bab", "//Alice", hex_of(&alice)]),
        )
        .expect("answer");
    assert_eq!(
        bad_type["error"]["message"],
        "Invalid key type ID format (should be of length four)"
    );

    let inserted = node.rpc(
        "author_insertKey",
        json!(["babe", "//Alice", hex_of(&alice)]),
    );
    assert_eq!(inserted, Value::Null);
    let keystore = base.join("chains/dev/keystore");
    let file = keystore.join(format!("{BABE_HEX}{}", hex::encode(alice)));
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

/// `key insert` of `uri` as `key_type` with `scheme` into the local chain's
/// keystore under `base`.
fn insert_local(base: &Path, key_type: &str, scheme: &str, uri: &str) {
    let (stdout, _) = run_ok(&[
        "key",
        "insert",
        "--chain",
        "local",
        "--base-path",
        text(base),
        "--key-type",
        key_type,
        "--scheme",
        scheme,
        "--suri",
        uri,
    ]);
    assert!(stdout.is_empty(), "{stdout}");
}

#[test]
fn keys_inserted_with_the_cli_claim_and_seal_their_authoritys_slots_on_the_local_chain() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = dir.path();
    insert_local(base, "babe", "sr25519", "//Bob");
    insert_local(base, "gran", "ed25519", "//Bob");
    let bob = public("//Bob");
    let bob_ed = ed25519::Pair::from_uri("//Bob").expect("dev key").public();
    let keystore = base.join("chains/local_testnet/keystore");
    for file in [
        format!("{BABE_HEX}{}", hex::encode(bob)),
        format!("{GRAN_HEX}{}", hex::encode(bob_ed)),
    ] {
        assert_eq!(mode(&keystore.join(file)), 0o600);
    }

    let node = Node::start_on(base, &["--chain", "local"], &["--validator", "--no-mdns"]);
    assert_eq!(has_key(&node, &bob), true);
    assert_eq!(has_key(&node, &public("//Alice")), false);
    let session = [bob.to_vec(), bob_ed.to_vec()].concat();
    assert_eq!(
        node.rpc("author_hasSessionKeys", json!([hex_of(&session)])),
        true,
        "both session keys, babe and gran"
    );
    node.wait_best(1, ONE_OF_FOUR);
    let best = node.best();
    for number in 1..=best.0 {
        let hash = parse_hash(&node.rpc("chain_getBlockHash", json!([number])));
        assert_eq!(
            author_of(&node, hash),
            bob,
            "only Bob's key claims #{number}"
        );
    }

    let missing = node_cmd(&[
        "key",
        "insert",
        "--base-path",
        text(base),
        "--key-type",
        "babe",
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
    assert_eq!(
        keys.len(),
        64,
        "an sr25519 babe key and an ed25519 gran key"
    );
    let decoded = node.rpc(
        "state_call",
        json!([
            "SessionKeys_decode_session_keys",
            hex_of(&codec::Encode::encode(&keys))
        ]),
    );
    let mut expected = vec![1, 8, 128];
    expected.extend_from_slice(&keys[..32]);
    expected.extend_from_slice(b"babe");
    expected.push(128);
    expected.extend_from_slice(&keys[32..]);
    expected.extend_from_slice(b"gran");
    assert_eq!(
        decoded,
        hex_of(&expected),
        "Some([(babe key, babe), (gran key, gran)])"
    );
    assert_eq!(node.rpc("author_hasSessionKeys", json!([rotated])), true);
    assert_eq!(
        node.rpc("author_hasSessionKeys", json!([hex_of(&[7; 64])])),
        false
    );
    let bad = node
        .try_rpc("author_hasSessionKeys", json!(["0x0102"]))
        .expect("answer");
    assert_eq!(
        bad["error"]["message"],
        "Session keys are not encoded correctly"
    );
    for file in [
        format!("{BABE_HEX}{}", hex::encode(&keys[..32])),
        format!("{GRAN_HEX}{}", hex::encode(&keys[32..])),
    ] {
        let file = dir.path().join("chains/dev/keystore").join(file);
        let phrase: String =
            serde_json::from_slice(&std::fs::read(&file).expect("key file")).expect("json");
        assert_eq!(phrase.split(' ').count(), 12);
        assert_eq!(mode(&file), 0o600);
    }
    assert_ne!(
        node.rpc("author_rotateKeys", json!([])),
        rotated,
        "new keys each time"
    );
}
