//! `state_queryStorage` is unsafe and bounded in blocks and keys;
//! `state_queryStorageAt` and `state_subscribeStorage` stay safe and are
//! bounded in keys. Refusals carry Substrate's state codes and texts.

use crate::support::{call_module, error_code, module, Memory};
use entroos_primitives::H256;
use entroos_rpc::{Deps, MAX_QUERY_BLOCKS, MAX_QUERY_KEYS};
use jsonrpsee::RpcModule;
use serde_json::{json, Value};
use std::sync::Arc;

const KEY: &[u8] = b"key";

fn hex(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// `count` distinct keys, as hex.
fn keys(count: usize) -> Vec<String> {
    (0..count).map(|i| hex(&(i as u32).to_be_bytes())).collect()
}

fn error(response: &Value) -> (i64, &str) {
    (
        error_code(response).unwrap_or_else(|| panic!("an error: {response}")),
        response["error"]["message"].as_str().unwrap_or_default(),
    )
}

#[tokio::test]
async fn query_storage_is_refused_on_a_safe_node_like_other_unsafe_state_methods() {
    let memory = Arc::new(Memory::new());
    let genesis = memory.genesis();
    let params = json!([[hex(KEY)], genesis]);

    let (refused, _) =
        call_module(&module(&memory, true), "state_queryStorage", params.clone()).await;
    assert_eq!(
        error(&refused),
        (4003, "RPC call is unsafe to be called externally"),
        "Substrate's state module reports the refusal under its catch-all code"
    );
    assert!(
        memory
            .take_log()
            .calls
            .iter()
            .all(|(what, _)| *what != "state.storage"),
        "nothing is read for a refused call"
    );
    let (removal, _) = call_module(
        &module(&memory, true),
        "author_removeExtrinsic",
        json!([[]]),
    )
    .await;
    assert_eq!(
        error(&removal),
        (-32601, "RPC call is unsafe to be called externally")
    );

    let (served, _) = call_module(&module(&memory, false), "state_queryStorage", params).await;
    assert_eq!(
        served["result"],
        json!([{ "block": genesis, "changes": [[hex(KEY), null]] }])
    );
}

/// `state_queryStorage` of [`KEY`] from `from` to `to`.
async fn query(module: &RpcModule<Deps>, from: H256, to: Option<H256>) -> Value {
    call_module(module, "state_queryStorage", json!([[hex(KEY)], from, to]))
        .await
        .0
}

#[tokio::test]
async fn query_storage_covers_at_most_max_query_blocks() {
    let memory = Arc::new(Memory::new());
    let genesis = memory.genesis();
    let mut second = None;
    for n in 1..MAX_QUERY_BLOCKS {
        let value = n.to_le_bytes();
        let changes: &[(&[u8], Option<&[u8]>)] = if n % 3 == 0 {
            &[(KEY, Some(&value))]
        } else {
            &[]
        };
        second.get_or_insert(memory.push(changes, None));
    }
    let second = second.unwrap_or_else(|| panic!("blocks were imported"));
    let unsafe_module = module(&memory, false);

    let whole = query(&unsafe_module, genesis, None).await;
    let sets = whole["result"]
        .as_array()
        .unwrap_or_else(|| panic!("{whole}"));
    assert_eq!(
        sets.len(),
        1 + (MAX_QUERY_BLOCKS as usize - 1) / 3,
        "the first block, then each block that changed the key"
    );
    assert_eq!(
        sets[0],
        json!({ "block": genesis, "changes": [[hex(KEY), null]] })
    );

    let past_cap = memory.push(&[], None);
    let refused = query(&unsafe_module, genesis, None).await;
    let message = format!(
        "Cannot resolve a block range ['\"0 ({genesis})\"' ... '\"{} ({past_cap})\"]. \
         the range has {} blocks, at most {MAX_QUERY_BLOCKS} allowed",
        MAX_QUERY_BLOCKS,
        MAX_QUERY_BLOCKS + 1
    );
    assert_eq!(error(&refused), (4001, message.as_str()));

    let capped = query(&unsafe_module, second, Some(past_cap)).await;
    assert!(capped["result"].is_array(), "{capped}");
    let at_best = query(&unsafe_module, past_cap, None).await;
    assert_eq!(
        at_best["result"][0]["block"],
        json!(past_cap),
        "`to` defaults to the best block"
    );
}

#[tokio::test]
async fn query_storage_ranges_resolve_along_the_ancestry_of_to() {
    let memory = Arc::new(Memory::new());
    let genesis = memory.genesis();
    let first = memory.push(&[(KEY, Some(b"one"))], None);
    let second = memory.push(&[(KEY, Some(b"two"))], None);
    let fork = memory.fork(first, &[(KEY, Some(b"fork"))]);
    let unsafe_module = module(&memory, false);

    assert_eq!(
        query(&unsafe_module, genesis, Some(fork)).await["result"],
        json!([
            { "block": genesis, "changes": [[hex(KEY), null]] },
            { "block": first, "changes": [[hex(KEY), hex(b"one")]] },
            { "block": fork, "changes": [[hex(KEY), hex(b"fork")]] },
        ])
    );
    let reversed = query(&unsafe_module, second, Some(first)).await;
    let message = format!(
        "Cannot resolve a block range ['\"2 ({second})\"' ... '\"1 ({first})\"]. from number > to number"
    );
    assert_eq!(error(&reversed), (4001, message.as_str()));
    let across = query(&unsafe_module, second, Some(fork)).await;
    let message = format!(
        "Cannot resolve a block range ['\"2 ({second})\"' ... '\"2 ({fork})\"]. from and to are on different forks"
    );
    assert_eq!(error(&across), (4001, message.as_str()));
    let unknown = H256([7; 32]);
    let missing = query(&unsafe_module, unknown, Some(second)).await;
    let message = format!(
        "Cannot resolve a block range ['\"{unknown}\"' ... '\"Some({second})\"]. UnknownBlock: header not found for {unknown}"
    );
    assert_eq!(error(&missing), (4001, message.as_str()));
}

#[tokio::test]
async fn storage_queries_read_at_most_max_query_keys() {
    let memory = Arc::new(Memory::new());
    let genesis = memory.genesis();
    let too_many = format!(
        "count exceeds maximum value. value: {}, max: {MAX_QUERY_KEYS}",
        MAX_QUERY_KEYS + 1
    );
    let calls = |count| {
        [
            ("state_queryStorage", false, json!([keys(count), genesis])),
            ("state_queryStorageAt", true, json!([keys(count)])),
            ("state_queryStorageAt", true, json!([keys(count), genesis])),
            ("state_subscribeStorage", true, json!([keys(count)])),
        ]
    };
    for (method, safe, params) in calls(MAX_QUERY_KEYS) {
        let (served, _) = call_module(&module(&memory, safe), method, params).await;
        assert!(served.get("result").is_some(), "{method}: {served}");
    }
    for (method, safe, params) in calls(MAX_QUERY_KEYS + 1) {
        memory.take_log();
        let (refused, _) = call_module(&module(&memory, safe), method, params).await;
        assert_eq!(error(&refused), (4002, too_many.as_str()), "{method}");
        assert!(memory.take_log().bytes.is_empty(), "{method} read nothing");
    }
}
