//! `RpcConfig::max_batch_len` (`--rpc-max-batch-request-len`): a longer
//! batch is refused whole with jsonrpsee's -32010, over WebSocket and HTTP
//! alike; without a limit (Substrate's default) any batch is served.

use crate::support::wire::{post, Ws};
use crate::support::{request, serve, Memory};
use entroos_rpc::RpcMethods;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::Arc;

/// A batch of `len` `system_name` calls, ids 0 to `len - 1`.
fn batch(len: u64) -> String {
    let calls: Vec<Value> = (0..len)
        .map(|id| request(id, "system_name", json!([])))
        .collect();
    Value::Array(calls).to_string()
}

/// The answer to `batch` over HTTP and over WebSocket.
async fn over_both(addr: SocketAddr, batch: &str) -> [Value; 2] {
    let http = post(addr, batch).await;
    assert_eq!(http.status, 200, "{}", http.body);
    let mut ws = Ws::connect(addr).await;
    ws.send(batch).await;
    let ws = ws.receive().await;
    [&http.body, &ws].map(|text| serde_json::from_str(text).expect("JSON"))
}

/// Whether `answer` answers every call of a batch of `len`.
fn answers_all(answer: &Value, len: u64) -> bool {
    let Some(answers) = answer.as_array() else {
        return false;
    };
    let mut ids: Vec<u64> = answers.iter().filter_map(|a| a["id"].as_u64()).collect();
    ids.sort_unstable();
    answers.iter().all(|a| a["result"] == "EntroOS Node") && ids == (0..len).collect::<Vec<_>>()
}

#[tokio::test]
async fn a_batch_longer_than_the_limit_is_refused_over_websocket_and_http() {
    let memory = Arc::new(Memory::new());
    let (addr, handle) = serve(&memory, RpcMethods::Unsafe, Some(100)).await;
    let refusal = json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": {
            "code": -32010,
            "message": "The batch request was too large",
            "data": "Exceeded max limit of 100",
        },
    });
    for answer in over_both(addr, &batch(1_000)).await {
        assert_eq!(answer, refusal);
    }
    for answer in over_both(addr, &batch(101)).await {
        assert_eq!(answer, refusal);
    }
    for answer in over_both(addr, &batch(100)).await {
        assert!(answers_all(&answer, 100), "a batch at the limit is served");
    }
    let _ = handle.stop();
}

#[tokio::test]
async fn without_a_limit_a_batch_of_a_thousand_is_served_over_websocket_and_http() {
    let memory = Arc::new(Memory::new());
    let (addr, handle) = serve(&memory, RpcMethods::Unsafe, None).await;
    for answer in over_both(addr, &batch(1_000)).await {
        assert!(answers_all(&answer, 1_000), "every call is answered");
    }
    let _ = handle.stop();
}
