//! Bad input over JSON-RPC gets Substrate's error codes with a clear message
//! and the node keeps running; a flood of 100,000 mixed transactions keeps
//! its memory bounded and its blocks coming.

mod support;

use entroos_primitives::AccountId32;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use support::*;

fn error_of(response: &Value) -> (i64, String) {
    let error = response
        .get("error")
        .unwrap_or_else(|| panic!("expected an error, got {response}"));
    let text = format!(
        "{} {}",
        error["message"].as_str().unwrap_or(""),
        error.get("data").map(|d| d.to_string()).unwrap_or_default()
    );
    (error["code"].as_i64().expect("code"), text)
}

fn assert_error(node: &Node, method: &str, params: Value, code: i64, text: &str) {
    let response = node.try_rpc(method, params.clone()).expect("response");
    let (got, message) = error_of(&response);
    assert_eq!(got, code, "{method}({params}): {message}");
    assert!(
        message.contains(text),
        "{method}({params}): {message:?} lacks {text:?}"
    );
}

#[test]
fn bad_requests_get_substrates_error_codes_and_the_node_keeps_running() {
    let dir = tempfile::tempdir().expect("tempdir");
    let node = Node::start(dir.path(), &[]);
    let genesis = node.genesis();
    let signers = dev_signers();
    let (alice, bob) = (&signers[0], account(&signers[1]));

    assert_error(&node, "state_getStorage", json!(["0xzz"]), -32602, "hex");
    assert_error(
        &node,
        "author_submitExtrinsic",
        json!(["0xzz"]),
        -32602,
        "hex",
    );
    assert_error(
        &node,
        "author_submitExtrinsic",
        json!(["0x0102"]),
        1001,
        "Extrinsic has invalid format",
    );
    assert_error(&node, "chain_getBlockHash", json!(["abc"]), -32602, "");
    assert_error(&node, "chain_getBlock", json!([42]), -32602, "");
    assert_error(&node, "state_call", json!(["Core_version"]), -32602, "data");
    assert_error(
        &node,
        "state_call",
        json!(["Nope_nothing", "0x"]),
        4003,
        "Nope_nothing",
    );
    assert_error(&node, "foo_bar", json!([]), -32601, "Method not found");

    let (status, body) = node
        .post_raw(b"{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ")
        .expect("reply");
    assert!(
        body.contains("-32700") && body.contains("Parse error"),
        "{status} {body}"
    );
    let huge = format!(
        "{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"system_health\",\"params\":[\"{}\"]}}",
        "a".repeat(16 * 1024 * 1024)
    );
    let (status, body) = node.post_raw(huge.as_bytes()).expect("reply");
    assert!(
        status == 413 || body.contains("-32007"),
        "oversized request: {status} {body:.200}"
    );

    // A bad signature.
    let mut forged = signed_transfer(genesis, alice, 0, bob, 1_000_000_000_000);
    let signature_at = 2 + 1 + 32 + 1; // length prefix, version, address, signature kind
    forged[signature_at + 5] ^= 0xff;
    assert_error(
        &node,
        "author_submitExtrinsic",
        json!([hex_of(&forged)]),
        1010,
        "bad signature",
    );
    // The same bytes again: banned.
    assert_error(
        &node,
        "author_submitExtrinsic",
        json!([hex_of(&forged)]),
        1012,
        "banned",
    );

    // A stale nonce, once nonce 0 is in a block.
    let first = signed_transfer(genesis, alice, 0, bob, 1_000_000_000_000);
    node.rpc("author_submitExtrinsic", json!([hex_of(&first)]));
    assert_error(
        &node,
        "author_submitExtrinsic",
        json!([hex_of(&first)]),
        1013,
        "Already Imported",
    );
    wait_for("nonce 0 in a block", Duration::from_secs(30), || {
        let raw = node.storage(&pallet_system_account_key(&account(alice)), None)?;
        (u32::from_le_bytes(raw[..4].try_into().ok()?) >= 1).then_some(())
    });
    let stale = signed_transfer(genesis, alice, 0, bob, 2_000_000_000_000);
    assert_error(
        &node,
        "author_submitExtrinsic",
        json!([hex_of(&stale)]),
        1010,
        "outdated",
    );

    // Still running and authoring.
    let (best, _) = node.best();
    node.wait_best(best + 2, Duration::from_secs(30));
    assert!(node.rpc("system_health", json!([])).is_object());
}

fn pallet_system_account_key(who: &AccountId32) -> Vec<u8> {
    let mut key = entroos_primitives::hashing::storage_prefix("System", "Account").to_vec();
    key.extend(entroos_primitives::hashing::blake2_128(&who.0));
    key.extend(who.0);
    key
}

/// 100,000 transactions: 16,000 valid (8 senders × 2,000 nonces), 20,000
/// far in the future, 64,000 with bad signatures.
fn flood(genesis: entroos_primitives::H256) -> Vec<Vec<u8>> {
    let signers = dev_signers();
    let to = AccountId32([7; 32]);
    let mut txs = Vec::with_capacity(100_000);
    for nonce in 0..2_000u32 {
        for signer in &signers {
            txs.push(signed_transfer(genesis, signer, nonce, to, 1_000_000_000));
        }
    }
    for i in 0..20_000u32 {
        let signer = &signers[i as usize % signers.len()];
        txs.push(signed_transfer(
            genesis,
            signer,
            1_000_000 + i,
            to,
            1_000_000_000,
        ));
    }
    for i in 0..64_000u32 {
        let signer = &signers[i as usize % signers.len()];
        let mut forged = signed_transfer(genesis, signer, i, to, 1_000_000_000 + u128::from(i));
        forged[2 + 1 + 32 + 1 + 7] ^= 0x55;
        txs.push(forged);
    }
    txs
}

#[test]
fn a_flood_of_100k_mixed_transactions_keeps_memory_bounded_and_blocks_coming() {
    let dir = tempfile::tempdir().expect("tempdir");
    let node = Node::start(dir.path(), &[]);
    let txs = flood(node.genesis());
    assert_eq!(txs.len(), 100_000);
    let (start_best, _) = node.best();
    let rss_before = node.rss_kib();
    let started = Instant::now();
    let (mut accepted, mut refused, mut rss_max) = (0usize, 0usize, 0u64);
    for chunk in txs.chunks(1_000) {
        let calls: Vec<(&str, Value)> = chunk
            .iter()
            .map(|xt| ("author_submitExtrinsic", json!([hex_of(xt)])))
            .collect();
        for response in node.batch(&calls) {
            if response.get("result").is_some() {
                accepted += 1;
            } else {
                let (code, _) = error_of(&response);
                assert!(
                    [1010, 1012, 1014, 1016].contains(&code),
                    "unexpected refusal {response}"
                );
                refused += 1;
            }
        }
        rss_max = rss_max.max(node.rss_kib());
    }
    let elapsed = started.elapsed();
    let (after_flood, _) = node.best();
    node.wait_best(after_flood + 3, Duration::from_secs(30));
    let ready = http::metric(
        node.metrics_port,
        "substrate_ready_transactions_number{chain=\"dev\"}",
    )
    .expect("ready metric") as u64;
    eprintln!(
        "flood: 100000 submitted in {elapsed:?} ({accepted} accepted, {refused} refused); blocks #{start_best} -> #{after_flood} during it; RSS {rss_before} KiB before, {rss_max} KiB at most; {ready} ready after"
    );
    assert_eq!(accepted + refused, 100_000);
    assert!(ready <= 8192, "ready queue over its limit: {ready}");
    assert!(rss_max < 512 * 1024, "memory not bounded: {rss_max} KiB");
    assert!(
        after_flood > start_best || elapsed < Duration::from_secs(2),
        "no block during a {elapsed:?} flood"
    );
}
