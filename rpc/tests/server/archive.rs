//! `archive_v1_*` and `chainSpec_v1_*` against the in-memory node, and
//! which groups `rpc_methods` advertises.

use crate::support::events::{call, subscribe, subscribe_with, Events};
use crate::support::{module, module_v2, Memory};
use codec::Encode;
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::{OpaqueExtrinsic, H256};
use entroos_rpc::{ChainApi, SpecV2Config};
use serde_json::{json, Value};
use std::sync::Arc;

fn hex(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// Every event of a subscription up to its last (`…Done` or `…Error`).
async fn all(mut events: Events) -> Vec<Value> {
    let mut seen = Vec::new();
    loop {
        let event = events.next().await;
        let name = event["event"].as_str().unwrap_or_default().to_string();
        seen.push(event);
        if name.ends_with("Done") || name.ends_with("Error") {
            return seen;
        }
    }
}

#[tokio::test]
async fn archive_reads_blocks_by_hash_and_height_on_every_branch() {
    let memory = Arc::new(Memory::new());
    let genesis = memory.genesis();
    let xt = OpaqueExtrinsic(vec![7, 7]);
    let one = memory.push_block(&[], None, Some(vec![xt.clone()]));
    let two = memory.push(&[], None);
    let fork = memory.fork(one, &[(b"fork", Some(b"1"))]);
    memory.finalize(one);
    let module = module_v2(&memory, SpecV2Config::new(true));
    let header = memory.header(one).expect("read").expect("kept");
    let unknown = H256([5; 32]);

    let table = [
        ("archive_v1_genesisHash", json!([]), json!(genesis)),
        ("archive_v1_finalizedHeight", json!([]), json!(1)),
        ("archive_v1_hashByHeight", json!([1]), json!([one])),
        ("archive_v1_hashByHeight", json!([3]), json!([])),
        (
            "archive_v1_header",
            json!([one]),
            json!(hex(&header.encode())),
        ),
        ("archive_v1_header", json!([unknown]), Value::Null),
        ("archive_v1_body", json!([one]), json!([hex(&xt.to_wire())])),
        ("archive_v1_body", json!([unknown]), Value::Null),
        (
            "archive_v1_call",
            json!([one, "Test_echo", "0x0a"]),
            json!({ "success": true, "value": "0x0a" }),
        ),
        (
            "archive_v1_call",
            json!([one, "Test_fail", "0x"]),
            json!({ "success": false, "error": "Execution failed: the runtime trapped" }),
        ),
        (
            "archive_v1_call",
            json!([unknown, "Test_echo", "0x"]),
            Value::Null,
        ),
    ];
    for (method, params, expected) in table {
        let answer = call(&module, method, params.clone()).await;
        assert_eq!(answer["result"], expected, "{method} {params}: {answer}");
    }
    let above = call(&module, "archive_v1_hashByHeight", json!([2])).await;
    let mut above: Vec<Value> = above["result"].as_array().cloned().unwrap_or_default();
    above.sort_by_key(|v| v.to_string());
    let mut expected = vec![json!(two), json!(fork)];
    expected.sort_by_key(|v| v.to_string());
    assert_eq!(above, expected, "above the finalized height: every branch");
}

#[tokio::test]
async fn archive_storage_streams_every_item_then_done() {
    let memory = Arc::new(Memory::new());
    let changes: &[(&[u8], Option<&[u8]>)] = &[
        (b"key", Some(b"value")),
        (b"pre1", Some(b"a")),
        (b"pre2", Some(b"b")),
        (b"pre3", Some(b"c")),
    ];
    let block = memory.push(changes, None);
    let module = module_v2(&memory, SpecV2Config::new(true));
    let items = json!([
        { "key": hex(b"key"), "type": "value" },
        { "key": hex(b"key"), "type": "hash" },
        { "key": hex(b"missing"), "type": "value" },
        { "key": hex(b"pre"), "type": "descendantsValues", "paginationStartKey": hex(b"pre1") },
    ]);
    let events = subscribe(&module, "archive_v1_storage", json!([block, items])).await;
    assert_eq!(
        all(events).await,
        [
            json!({ "event": "storage", "key": hex(b"key"), "value": hex(b"value") }),
            json!({ "event": "storage", "key": hex(b"key"), "hash": hex(&blake2_256(b"value")) }),
            json!({ "event": "storage", "key": hex(b"pre2"), "value": hex(b"b") }),
            json!({ "event": "storage", "key": hex(b"pre3"), "value": hex(b"c") }),
            json!({ "event": "storageDone" }),
        ]
    );
    let unknown = subscribe(&module, "archive_v1_storage", json!([H256([1; 32]), items])).await;
    let failed = all(unknown).await;
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["event"], "storageError", "{failed:?}");
    let (bad, _) = subscribe_with(
        &module,
        "archive_v1_storage",
        json!([block, [{ "key": "0x", "type": "nope" }]]),
        8,
    )
    .await;
    assert_eq!(bad["error"]["code"], -32602, "{bad}");
    let stopped = call(&module, "archive_v1_stopStorage", json!(["unknown"])).await;
    assert_eq!(stopped["result"], Value::Null);
}

#[tokio::test]
async fn archive_storage_diff_reports_added_modified_and_deleted_keys() {
    let memory = Arc::new(Memory::new());
    let base = memory.push(
        &[(b"a", Some(b"1")), (b"b", Some(b"2")), (b"c", Some(b"3"))],
        None,
    );
    let middle = memory.push(&[(b"b", Some(b"two"))], None);
    let top = memory.push(&[(b"a", None), (b"d", Some(b"4"))], None);
    let module = module_v2(&memory, SpecV2Config::new(true));

    let diff = subscribe(&module, "archive_v1_storageDiff", json!([top])).await;
    assert_eq!(
        all(diff).await,
        [
            json!({ "event": "storageDiff", "key": hex(b"a"), "value": hex(b"1"), "type": "deleted" }),
            json!({ "event": "storageDiff", "key": hex(b"d"), "value": hex(b"4"), "type": "added" }),
            json!({ "event": "storageDiffDone" }),
        ]
    );
    let items = json!([{ "key": hex(b"b"), "returnType": "hash" }, { "returnType": "value", "childTrieKey": "0x01" }]);
    let since_base = subscribe(&module, "archive_v1_storageDiff", json!([top, items, base])).await;
    assert_eq!(
        all(since_base).await,
        [
            json!({ "event": "storageDiff", "key": hex(b"b"), "hash": hex(&blake2_256(b"two")), "type": "modified" }),
            json!({ "event": "storageDiffDone" }),
        ]
    );
    let not_ancestor = subscribe(
        &module,
        "archive_v1_storageDiff",
        json!([middle, null, top]),
    )
    .await;
    let failed = all(not_ancestor).await;
    assert_eq!(failed[0]["event"], "storageDiffError", "{failed:?}");
}

#[tokio::test]
async fn chain_spec_methods_answer_the_specs_facts() {
    let memory = Arc::new(Memory::new());
    let module = module_v2(&memory, SpecV2Config::new(false));
    for (method, expected) in [
        ("chainSpec_v1_chainName", json!("Memory")),
        ("chainSpec_v1_genesisHash", json!(memory.genesis())),
        ("chainSpec_v1_properties", json!({ "tokenSymbol": "MEM" })),
    ] {
        assert_eq!(
            call(&module, method, json!([])).await["result"],
            expected,
            "{method}"
        );
    }
}

/// The names `rpc_methods` lists.
async fn advertised(module: &jsonrpsee::RpcModule<entroos_rpc::Deps>) -> Vec<String> {
    let answer = call(module, "rpc_methods", json!([])).await;
    serde_json::from_value(answer["result"]["methods"].clone()).expect("names")
}

#[tokio::test]
async fn rpc_methods_lists_a_group_only_when_served_whole() {
    let memory = Arc::new(Memory::new());
    let groups: [(&str, &[&str]); 5] = [
        (
            "chainHead_v1_",
            &[
                "follow",
                "unfollow",
                "header",
                "body",
                "call",
                "storage",
                "continue",
                "stopOperation",
                "unpin",
            ],
        ),
        ("chainSpec_v1_", &["chainName", "genesisHash", "properties"]),
        ("transaction_v1_", &["broadcast", "stop"]),
        ("transactionWatch_v1_", &["submitAndWatch", "unwatch"]),
        (
            "archive_v1_",
            &[
                "body",
                "call",
                "finalizedHeight",
                "genesisHash",
                "hashByHeight",
                "header",
                "storage",
                "stopStorage",
                "storageDiff",
                "stopStorageDiff",
            ],
        ),
    ];
    let is_new = |name: &str| groups.iter().any(|(prefix, _)| name.starts_with(prefix));
    let legacy = advertised(&module(&memory, false)).await;
    assert!(
        legacy.iter().all(|n| !is_new(n)),
        "without the new API: {legacy:?}"
    );
    assert!(legacy.contains(&"state_getReadProof".to_string()));

    for archive in [false, true] {
        let names = advertised(&module_v2(&memory, SpecV2Config::new(archive))).await;
        for (prefix, methods) in groups {
            let listed: Vec<&String> = names.iter().filter(|n| n.starts_with(prefix)).collect();
            let served = archive || prefix != "archive_v1_";
            let expected: Vec<String> = match served {
                true => methods.iter().map(|m| format!("{prefix}{m}")).collect(),
                false => Vec::new(),
            };
            let mut listed: Vec<String> = listed.into_iter().cloned().collect();
            listed.sort();
            let mut expected = expected;
            expected.sort();
            assert_eq!(listed, expected, "{prefix} with archive {archive}");
        }
    }
}
