//! State queries as clients make them: `queryStorageAt` lists every key,
//! `queryStorage` reports changes over a range, `getKeysPaged` pages in
//! order, and `subscribeStorage` sends every key at once, then changes.

mod support;

use entroos_primitives::hashing::{blake2_128, storage_prefix};
use entroos_primitives::AccountId32;
use serde_json::{json, Value};
use std::time::Duration;
use support::ws::Ws;
use support::*;

fn account_key(who: &AccountId32) -> String {
    let mut key = storage_prefix("System", "Account").to_vec();
    key.extend(blake2_128(&who.0));
    key.extend(who.0);
    hex_of(&key)
}

#[test]
fn storage_queries_and_subscriptions_follow_substrate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let node = Node::start(dir.path(), &["--state-pruning", "archive"]);
    let signers = dev_signers();
    let alice = account(&signers[0]);
    let nobody = AccountId32([0xab; 32]);
    let (alice_key, nobody_key) = (account_key(&alice), account_key(&nobody));

    let sets = node.rpc("state_queryStorageAt", json!([[alice_key, nobody_key]]));
    let changes = sets[0]["changes"].as_array().expect("one change set");
    assert_eq!(sets.as_array().map(Vec::len), Some(1));
    assert_eq!(changes.len(), 2);
    assert!(changes[0][1].is_string());
    assert!(changes[1][1].is_null(), "an absent key is listed with null");

    let prefix = hex_of(&storage_prefix("System", "Account"));
    let all = node.rpc("state_getKeysPaged", json!([prefix, 100]));
    let all: Vec<&str> = all
        .as_array()
        .expect("keys")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(all.len(), 8, "the endowed accounts");
    assert!(all.windows(2).all(|w| w[0] < w[1]), "keys come sorted");
    let rest = node.rpc("state_getKeysPaged", json!([prefix, 100, all[2]]));
    assert_eq!(
        rest.as_array().map(Vec::len),
        Some(5),
        "strictly after the start key"
    );

    let mut ws = Ws::connect(node.rpc_port).expect("ws");
    ws.send(&json!({"jsonrpc": "2.0", "id": 1, "method": "state_subscribeStorage", "params": [[alice_key, nobody_key]]}).to_string()).expect("send");
    let mut notifications = Vec::new();
    let from = node.best().0;
    let xt = signed_transfer(node.genesis(), &signers[0], 0, nobody, 5_000_000_000_000);
    while notifications.len() < 2 {
        let frame = ws.receive().expect("frame").expect("open");
        let message: Value = serde_json::from_slice(&frame).expect("json");
        if message["method"] == "state_storage" {
            if notifications.is_empty() {
                node.rpc("author_submitExtrinsic", json!([hex_of(&xt)]));
            }
            notifications.push(message["params"]["result"].clone());
        }
    }
    assert_eq!(
        notifications[0]["changes"].as_array().map(Vec::len),
        Some(2),
        "every key at once"
    );
    let second = notifications[1]["changes"].as_array().expect("changes");
    assert_eq!(second.len(), 2, "both accounts changed: {second:?}");
    assert!(second.iter().all(|c| c[1].is_string()));

    node.wait_best(from + 2, Duration::from_secs(30));
    let from_hash = node.rpc("chain_getBlockHash", json!([from]));
    let range = node.rpc("state_queryStorage", json!([[nobody_key], from_hash]));
    let range = range.as_array().expect("change sets");
    assert!(
        range.len() >= 2,
        "the first block and the one that endowed the account: {range:?}"
    );
    assert!(range[0]["changes"][0][1].is_null());
    assert!(range
        .last()
        .is_some_and(|set| set["changes"][0][1].is_string()));
}
