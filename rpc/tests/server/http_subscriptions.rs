//! Subscriptions over HTTP: a Substrate node (jsonrpsee) answers every
//! subscribe and unsubscribe call made over HTTP with -32603 "Internal
//! error", and so does this server — byte for byte, with nothing started.
//! Over WebSocket the same calls subscribe.

use crate::support::wire::{post, Ws};
use crate::support::{request, serve, Memory};
use entroos_rpc::RpcMethods;
use serde_json::{json, Value};
use std::sync::Arc;

const SUBSCRIBE: &[(&str, &str)] = &[
    ("chain_subscribeNewHeads", "[]"),
    ("chain_subscribeNewHead", "[]"),
    ("subscribe_newHead", "[]"),
    ("chain_subscribeFinalizedHeads", "[]"),
    ("chain_subscribeFinalisedHeads", "[]"),
    ("chain_subscribeAllHeads", "[]"),
    ("state_subscribeRuntimeVersion", "[]"),
    ("chain_subscribeRuntimeVersion", "[]"),
    ("state_subscribeStorage", "[[\"0x6b6579\"]]"),
    ("author_submitAndWatchExtrinsic", "[\"0x0102\"]"),
];

const UNSUBSCRIBE: &[&str] = &[
    "chain_unsubscribeNewHeads",
    "chain_unsubscribeNewHead",
    "unsubscribe_newHead",
    "chain_unsubscribeFinalizedHeads",
    "chain_unsubscribeFinalisedHeads",
    "chain_unsubscribeAllHeads",
    "state_unsubscribeRuntimeVersion",
    "chain_unsubscribeRuntimeVersion",
    "state_unsubscribeStorage",
    "author_unwatchExtrinsic",
];

#[tokio::test]
async fn subscribing_over_http_answers_internal_error_as_substrate_does() {
    let memory = Arc::new(Memory::new());
    let (addr, handle) = serve(&memory, RpcMethods::Unsafe, None).await;
    let calls = SUBSCRIBE
        .iter()
        .copied()
        .chain(UNSUBSCRIBE.iter().map(|name| (*name, "[\"abc\"]")));
    for (id, (method, params)) in (1u64..).zip(calls) {
        let body =
            format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"{method}","params":{params}}}"#);
        let answer = post(addr, &body).await;
        assert_eq!(answer.status, 200, "{method}");
        assert_eq!(
            answer.body,
            format!(
                r#"{{"jsonrpc":"2.0","id":{id},"error":{{"code":-32603,"message":"Internal error"}}}}"#
            ),
            "{method}"
        );
    }
    assert!(
        memory.take_log().bytes.is_empty(),
        "nothing reached the node: no storage read, no extrinsic submitted"
    );
    let _ = handle.stop();
}

#[tokio::test]
async fn the_same_calls_subscribe_over_websocket() {
    let memory = Arc::new(Memory::new());
    let (addr, handle) = serve(&memory, RpcMethods::Unsafe, None).await;
    let mut ws = Ws::connect(addr).await;
    for (id, (method, params)) in (1u64..).zip(SUBSCRIBE) {
        let params: Value = serde_json::from_str(params).expect("JSON");
        ws.send(&request(id, method, params).to_string()).await;
        loop {
            let message: Value = serde_json::from_str(&ws.receive().await).expect("JSON");
            if message["id"] == json!(id) {
                assert!(message["result"].is_string(), "{method}: {message}");
                break;
            }
        }
    }
    let _ = handle.stop();
}
