//! What an operator sees when a flag, file or path is wrong: the real
//! binary refuses with an error that names the value, the file or the path,
//! says what is allowed, and prints each cause once.

mod support;

use clap::Parser;
use codec::Encode;
use entroos_node::cli::Cli;
use entroos_primitives::generic::SignedBlock;
use entroos_primitives::{Block, Digest, Header, OpaqueExtrinsic, H256};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};
use support::*;

fn node(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_entroos-node"))
        .args(args)
        .output()
        .expect("run entroos-node")
}

/// Runs the binary, which must fail; its stderr.
fn refused(args: &[&str]) -> String {
    let out = node(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !out.status.success(),
        "entroos-node {args:?} succeeded:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    stderr
}

/// Runs the binary, which must succeed; its stdout.
fn accepted(args: &[&str]) -> String {
    let out = node(args);
    assert!(
        out.status.success(),
        "entroos-node {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn text(path: &Path) -> &str {
    path.to_str().expect("utf8 path")
}

fn assert_once(haystack: &str, needle: &str) {
    assert_eq!(
        haystack.matches(needle).count(),
        1,
        "{needle:?} should appear once in:\n{haystack}"
    );
}

#[test]
fn key_inspect_refuses_networks_beyond_14_bits_and_the_reserved_ones() {
    for network in ["16384", "65535", "70000"] {
        let stderr = refused(&["key", "inspect", "//Alice", "--network", network]);
        assert!(
            stderr.contains(&format!("SS58 network prefix {network} is out of range: valid prefixes are 0..=16383 except the reserved 46 and 47")),
            "{stderr}"
        );
    }
    for network in ["46", "47"] {
        let stderr = refused(&["key", "inspect", "//Alice", "--network", network]);
        assert!(stderr.contains("is reserved"), "{stderr}");
    }
    let stderr = refused(&["key", "generate", "--network", "16384"]);
    assert!(stderr.contains("0..=16383"), "{stderr}");
    let stderr = refused(&["key", "inspect", "//Alice", "--network", "polkadott"]);
    assert!(stderr.contains("unknown SS58 network"), "{stderr}");

    let top = accepted(&["key", "inspect", "//Alice", "--network", "16383"]);
    assert!(top.contains("Network ID:        16383"), "{top}");
    let polkadot = accepted(&["key", "inspect", "//Alice", "--network", "polkadot"]);
    assert!(
        polkadot.contains("15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5"),
        "{polkadot}"
    );
}

#[test]
fn key_inspect_reads_an_ss58_address() {
    let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
    let out = accepted(&["key", "inspect", alice]);
    assert!(
        out.contains(&format!("Public Key URI `{alice}` is account:")),
        "{out}"
    );
    assert!(out.contains("Network ID/Version: substrate"), "{out}");
    assert!(
        out.contains("Public key (hex):   0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"),
        "{out}"
    );
    let json: Value = serde_json::from_str(&accepted(&[
        "key",
        "inspect",
        alice,
        "--network",
        "0",
        "--output-type",
        "json",
    ]))
    .expect("json");
    assert_eq!(
        json["ss58Address"],
        "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5"
    );
    assert_eq!(json["networkId"], "polkadot");

    let typo = format!("{}Z", &alice[..alice.len() - 1]);
    let stderr = refused(&["key", "inspect", &typo]);
    assert!(
        stderr.contains(
            "is neither a secret URI nor a valid SS58 address: invalid SS58 address: bad checksum"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("word count"), "{stderr}");
}

#[test]
fn slot_millis_outside_100_ms_to_an_hour_is_refused_at_parse_time() {
    for slot in ["0", "99", "3600001", "18446744073709551615"] {
        let stderr = refused(&["--dev", "--tmp", "--slot-millis", slot]);
        assert!(stderr.contains("--slot-millis"), "{stderr}");
        assert!(stderr.contains("100..=3600000"), "{stderr}");
    }
    for slot in ["100", "1000", "3600000"] {
        let cli = Cli::try_parse_from(["entroos-node", "--slot-millis", slot]).expect(slot);
        assert_eq!(
            cli.run.slot_millis.map(|s| s.to_string()),
            Some(slot.into())
        );
    }
    let default = Cli::try_parse_from(["entroos-node"]).expect("no flags");
    assert_eq!(
        default.run.slot_millis, None,
        "the runtime's slot length applies"
    );
}

/// This binary's raw dev spec as JSON.
fn raw_dev_spec() -> Value {
    serde_json::from_str(&accepted(&["build-spec", "--chain", "dev", "--raw"])).expect("json")
}

#[test]
fn a_raw_spec_whose_code_is_not_this_runtime_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut spec = raw_dev_spec();
    spec["genesis"]["raw"]["top"]["0x3a636f6465"] = "0xdeadbeef".into();
    let path = dir.path().join("foreign-raw.json");
    std::fs::write(&path, spec.to_string()).expect("write");
    let stderr = refused(&["build-spec", "--chain", text(&path), "--raw"]);
    assert!(
        stderr.contains(&format!(
            "in chain spec file {}: chain spec genesis: :code is 4 bytes (0xdeadbeef) that are not a runtime version, but this node runs spec entroos version",
            path.display()
        )),
        "{stderr}"
    );
    let base = dir.path().join("base");
    let stderr = refused(&[
        "--chain",
        text(&path),
        "--base-path",
        text(&base),
        "--rpc-port",
        "0",
        "--no-prometheus",
    ]);
    assert!(stderr.contains(":code is 4 bytes"), "{stderr}");
}

#[test]
fn chain_type_and_properties_are_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("spec.json");
    let cases = [
        (
            "chainType",
            Value::from("Bogus"),
            "chainType \"Bogus\" is not one of \"Development\", \"Local\", \"Live\" or {\"Custom\": \"<name>\"}",
        ),
        (
            "properties",
            Value::from("str"),
            "properties must be a JSON object",
        ),
    ];
    for (field, value, message) in cases {
        let mut spec = raw_dev_spec();
        spec[field] = value;
        std::fs::write(&path, spec.to_string()).expect("write");
        let stderr = refused(&["build-spec", "--chain", text(&path)]);
        assert!(stderr.contains(message), "{stderr}");
    }
    let mut spec = raw_dev_spec();
    spec["chainType"] = serde_json::json!({"Custom": "staging"});
    std::fs::write(&path, spec.to_string()).expect("write");
    let printed: Value =
        serde_json::from_str(&accepted(&["build-spec", "--chain", text(&path), "--raw"]))
            .expect("json");
    assert_eq!(
        printed["chainType"],
        serde_json::json!({"Custom": "staging"})
    );
}

#[test]
fn a_missing_chain_spec_file_is_reported_as_such_once() {
    let stderr = refused(&["build-spec", "--chain", "nonexistent.json"]);
    assert!(
        stderr
            .contains("Error: cannot read chain spec nonexistent.json: No such file or directory"),
        "{stderr}"
    );
    assert_once(&stderr, "No such file or directory");
    let stderr = refused(&["build-spec", "--chain", "./specs/mine"]);
    assert!(
        stderr.contains("cannot read chain spec ./specs/mine"),
        "{stderr}"
    );
    let stderr = refused(&["build-spec", "--chain", "devv"]);
    assert!(
        stderr.contains("unknown chain \"devv\": the built-in chains are dev and local"),
        "{stderr}"
    );
}

#[test]
fn an_unreadable_keystore_reports_the_io_error_with_its_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let not_a_dir = dir.path().join("keystore-file");
    std::fs::write(&not_a_dir, "").expect("write");
    let args = |keystore: &Path| {
        refused(&[
            "--chain",
            "local",
            "--validator",
            "--base-path",
            text(&dir.path().join("base")),
            "--keystore-path",
            text(keystore),
            "--rpc-port",
            "0",
            "--no-prometheus",
        ])
    };
    let stderr = args(&not_a_dir);
    assert!(
        stderr.contains(&format!(
            "cannot read the keystore directory {}: Not a directory",
            not_a_dir.display()
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("needs a babe key"), "{stderr}");

    // Without read permission (only observable when not running as root).
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).expect("mkdir");
    set_mode(&locked, 0o000);
    if std::fs::read_dir(&locked).is_err() {
        let stderr = args(&locked);
        assert!(
            stderr.contains(&format!(
                "cannot read the keystore directory {}: Permission denied",
                locked.display()
            )),
            "{stderr}"
        );
    }
    set_mode(&locked, 0o755);
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

#[test]
fn import_of_a_missing_file_names_it_and_creates_no_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = dir.path().join("base");
    let file = dir.path().join("blocks.bin");
    let stderr = refused(&[
        "import-blocks",
        "--dev",
        "--base-path",
        text(&base),
        text(&file),
    ]);
    assert!(
        stderr.contains(&format!(
            "cannot open block file {}: No such file or directory",
            file.display()
        )),
        "{stderr}"
    );
    assert!(!base.exists(), "a database was created");
}

fn fake_block(number: u32, extrinsics: usize) -> SignedBlock {
    SignedBlock {
        block: Block {
            header: Header {
                parent_hash: H256::default(),
                number,
                state_root: H256::default(),
                extrinsics_root: H256::default(),
                digest: Digest::default(),
            },
            extrinsics: (0..extrinsics)
                .map(|i| OpaqueExtrinsic(vec![i as u8; 50]))
                .collect(),
        },
        justifications: None,
    }
}

#[test]
fn a_truncated_block_file_names_the_block_where_it_stops() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut bytes = 3u64.encode();
    for number in 1..=3 {
        bytes.extend(fake_block(number, 2).encode());
    }
    let third = 8 + 2 * fake_block(1, 2).encode().len();
    bytes.truncate(third + 120);
    let file = dir.path().join("truncated.bin");
    std::fs::write(&file, &bytes).expect("write");
    let stderr = refused(&[
        "import-blocks",
        "--dev",
        "--base-path",
        text(&dir.path().join("base")),
        text(&file),
    ]);
    assert!(
        stderr.contains(&format!(
            "the block file does not decode at block 3 of 3 (#3), byte {third}: the file is truncated or corrupt"
        )),
        "{stderr}"
    );
}

#[test]
fn export_from_a_base_path_without_a_database_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let typo = dir.path().join("mistyped");
    let out = dir.path().join("blocks.bin");
    let stderr = refused(&[
        "export-blocks",
        "--dev",
        "--base-path",
        text(&typo),
        text(&out),
    ]);
    assert!(
        stderr.contains(&format!(
            "no database of chain dev at {}: check --base-path and --chain",
            typo.join("chains/dev/db/full").display()
        )),
        "{stderr}"
    );
    assert!(!typo.exists(), "a database was created");
    assert!(!out.exists(), "an output file was created");

    // A database that exists is exported from.
    let base = dir.path().join("base");
    let stdout = accepted(&[
        "import-blocks",
        "--dev",
        "--base-path",
        text(&base),
        text(&empty_block_file(dir.path())),
    ]);
    assert!(stdout.is_empty());
    let exported = node(&[
        "export-blocks",
        "--dev",
        "--base-path",
        text(&base),
        "--json",
    ]);
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&exported.stdout), "[]");
}

/// A block file with no blocks.
fn empty_block_file(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("empty.bin");
    std::fs::write(&path, 0u64.encode()).expect("write");
    path
}

#[test]
fn a_port_in_use_is_reported_once() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let stderr = refused(&["--dev", "--tmp", "--rpc-port", &port, "--no-prometheus"]);
    assert!(
        stderr.contains(&format!("starting JSON-RPC on 127.0.0.1:{port}")),
        "{stderr}"
    );
    assert_once(&stderr, "Address already in use");
}

#[test]
fn a_database_in_use_is_reported_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let running = Node::start(dir.path(), &[]);
    let stderr = refused(&["export-blocks", "--dev", "--base-path", text(dir.path())]);
    assert!(stderr.contains("stop it first"), "{stderr}");
    assert_once(&stderr, "is in use by another process");
    drop(running);
}
