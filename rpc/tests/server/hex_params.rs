//! Hex parameters read as Substrate reads them, in every method that takes
//! one. Bytes and storage keys (Substrate's `Bytes`, `StorageKey`): `0x`
//! optional, `""` and `"0x"` are no bytes, an odd digit count reads as if
//! led by a zero. Hashes: `0x` optional, exactly 64 digits. Anything else
//! is -32602.

use crate::support::{call_module, error_code, module, Memory};
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::H256;
use serde_json::{json, Value};
use std::sync::Arc;

/// Bytes as sent, and as the node must receive them.
const BYTES: &[(&str, &[u8])] = &[
    ("0x0102", &[1, 2]),
    ("0102", &[1, 2]),
    ("0xABcd", &[0xab, 0xcd]),
    ("", &[]),
    ("0x", &[]),
    ("0x102", &[1, 2]),
];
/// Not bytes.
const NOT_BYTES: &[&str] = &["0xzz", "zz", "0x01 02", "0X01", "0x0g", " 0x01"];

/// How bytes given to a method reach the node.
#[derive(Clone, Copy)]
enum Reaches {
    /// As a key, prefix, call input or extrinsic.
    Bytes,
    /// As the hash of an extrinsic to remove.
    RemovedHash,
}

/// Every method with a bytes or storage-key parameter, with that parameter
/// set to `x`.
fn bytes_slots(x: &str, genesis: H256) -> Vec<(&'static str, Value, Reaches)> {
    use Reaches::*;
    vec![
        ("state_getStorage", json!([x]), Bytes),
        ("state_getStorageAt", json!([x, genesis]), Bytes),
        ("state_getStorageHash", json!([x]), Bytes),
        ("state_getStorageHashAt", json!([x, genesis]), Bytes),
        ("state_getStorageSize", json!([x]), Bytes),
        ("state_getStorageSizeAt", json!([x, genesis]), Bytes),
        ("state_queryStorageAt", json!([["0x00", x]]), Bytes),
        ("state_queryStorageAt", json!([[x], genesis]), Bytes),
        ("state_queryStorage", json!([[x], genesis]), Bytes),
        ("state_subscribeStorage", json!([[x]]), Bytes),
        ("state_getReadProof", json!([[x]]), Bytes),
        ("state_getReadProof", json!([[x], genesis]), Bytes),
        ("state_getKeysPaged", json!([x, 10]), Bytes),
        ("state_getKeysPaged", json!(["0x", 10, x]), Bytes),
        ("state_getKeysPagedAt", json!([x, 10, x, genesis]), Bytes),
        ("state_call", json!(["Test_echo", x]), Bytes),
        ("state_callAt", json!(["Test_echo", x, genesis]), Bytes),
        ("author_submitExtrinsic", json!([x]), Bytes),
        ("author_submitAndWatchExtrinsic", json!([x]), Bytes),
        ("author_removeExtrinsic", json!([[x]]), RemovedHash),
        (
            "author_removeExtrinsic",
            json!([[{ "extrinsic": x }]]),
            RemovedHash,
        ),
    ]
}

/// Every method with a block-hash parameter, with that parameter set to `h`.
fn hash_slots(h: &str, genesis: H256) -> Vec<(&'static str, Value)> {
    vec![
        ("state_getStorage", json!(["0x00", h])),
        ("state_getStorageAt", json!(["0x00", h])),
        ("state_getStorageHash", json!(["0x00", h])),
        ("state_getStorageSize", json!(["0x00", h])),
        ("state_queryStorageAt", json!([["0x00"], h])),
        ("state_queryStorage", json!([["0x00"], h])),
        ("state_queryStorage", json!([["0x00"], genesis, h])),
        ("state_getKeysPaged", json!(["0x", 10, null, h])),
        ("state_getReadProof", json!([["0x00"], h])),
        ("state_getKeysPagedAt", json!(["0x", 10, null, h])),
        ("state_call", json!(["Test_echo", "0x", h])),
        ("state_callAt", json!(["Test_echo", "0x", h])),
        ("state_getRuntimeVersion", json!([h])),
        ("chain_getRuntimeVersion", json!([h])),
        ("state_getMetadata", json!([h])),
        ("chain_getHeader", json!([h])),
        ("chain_getBlock", json!([h])),
        ("author_removeExtrinsic", json!([[{ "hash": h }]])),
    ]
}

fn is_invalid_hex(response: &Value) -> bool {
    error_code(response) == Some(-32602)
        && response["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("hex"))
}

#[tokio::test]
async fn bytes_and_storage_keys_read_as_in_substrate_in_every_method() {
    let memory = Arc::new(Memory::new());
    let genesis = memory.genesis();
    let module = module(&memory, false);
    for (text, bytes) in BYTES {
        for (method, params, reaches) in bytes_slots(text, genesis) {
            memory.take_log();
            let (response, _) = call_module(&module, method, params.clone()).await;
            assert!(
                response.get("result").is_some(),
                "{method} {params}: {response}"
            );
            let log = memory.take_log();
            let reached = match reaches {
                Reaches::Bytes => log.bytes.contains(&bytes.to_vec()),
                Reaches::RemovedHash => log.removed == [H256(blake2_256(bytes))],
            };
            assert!(reached, "{method} {params} gave the node {bytes:?}");
        }
    }
    for text in NOT_BYTES {
        for (method, params, _) in bytes_slots(text, genesis) {
            let (response, _) = call_module(&module, method, params.clone()).await;
            assert!(is_invalid_hex(&response), "{method} {params}: {response}");
        }
    }
    assert!(
        memory.take_log().removed.is_empty(),
        "nothing invalid was removed"
    );
}

#[tokio::test]
async fn empty_call_data_calls_the_runtime_with_no_bytes() {
    let memory = Arc::new(Memory::new());
    let genesis = memory.genesis();
    let params = json!(["Metadata_metadata_versions", "", genesis]);
    let (response, _) = call_module(&module(&memory, true), "state_call", params).await;
    assert_eq!(response["result"], "0x");
    assert_eq!(
        memory.take_log().runtime_calls,
        [("Metadata_metadata_versions".to_string(), Vec::new())]
    );
}

#[tokio::test]
async fn hashes_read_as_in_substrate_in_every_method() {
    let memory = Arc::new(Memory::new());
    let genesis = memory.genesis();
    let module = module(&memory, false);
    let digits = hex::encode(genesis.0);
    let hashes = [
        format!("0x{digits}"),
        digits.clone(),
        format!("0x{}", digits.to_uppercase()),
    ];
    let not_hashes = [
        String::new(),
        "0x".into(),
        format!("0x{}", &digits[1..]),
        format!("0x{}", &digits[2..]),
        format!("0x{digits}00"),
        format!("0x{}", "zz".repeat(32)),
    ];
    for text in &hashes {
        for (method, params) in hash_slots(text, genesis) {
            let (response, _) = call_module(&module, method, params.clone()).await;
            assert!(
                response.get("result").is_some(),
                "{method} {params}: {response}"
            );
        }
    }
    for text in &not_hashes {
        for (method, params) in hash_slots(text, genesis) {
            let (response, _) = call_module(&module, method, params.clone()).await;
            assert_eq!(
                error_code(&response),
                Some(-32602),
                "{method} {params}: {response}"
            );
        }
    }
}
