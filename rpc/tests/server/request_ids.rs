//! Request ids as a Substrate node treats them. JSON-RPC ids that jsonrpsee
//! accepts (numbers up to `u64::MAX`, strings, `null`) are answered with the
//! id echoed. Any other `id` (negative, fractional, beyond `u64`, boolean,
//! object, array) makes jsonrpsee read the request as a notification, in a
//! Substrate node as here: no answer over WebSocket (the connection stays
//! usable), a `null` body over HTTP.

use crate::support::wire::{post, Ws};
use crate::support::{serve, Memory};
use entroos_rpc::RpcMethods;
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::Arc;

const VALID: &[&str] = &["0", "1", "18446744073709551615", "\"abc\"", "\"\"", "null"];
const NOT_IDS: &[&str] = &[
    "-1",
    "1.5",
    "true",
    "{\"a\":1}",
    "[1]",
    "18446744073709551616",
];

fn call(id: &str) -> String {
    format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"system_name"}}"#)
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

async fn server() -> (Arc<Memory>, SocketAddr, entroos_rpc::ServerHandle) {
    let memory = Arc::new(Memory::new());
    let (addr, handle) = serve(&memory, RpcMethods::Unsafe, None).await;
    (memory, addr, handle)
}

#[tokio::test]
async fn valid_ids_are_echoed_over_http_and_websocket() {
    let (_memory, addr, handle) = server().await;
    let mut ws = Ws::connect(addr).await;
    for id in VALID {
        let http = parse(&post(addr, &call(id)).await.body);
        ws.send(&call(id)).await;
        let over_ws = parse(&ws.receive().await);
        for answer in [http, over_ws] {
            assert_eq!(answer["id"], parse(id), "id {id}");
            assert_eq!(answer["result"], "EntroOS Node", "id {id}");
        }
    }
    let _ = handle.stop();
}

#[tokio::test]
async fn other_ids_make_a_notification_as_in_substrate() {
    let (_memory, addr, handle) = server().await;
    let mut ws = Ws::connect(addr).await;
    for (n, id) in (1u64..).zip(NOT_IDS) {
        let http = post(addr, &call(id)).await;
        assert_eq!((http.status, http.body.as_str()), (200, "null"), "id {id}");

        ws.send(&call(id)).await;
        ws.send(&call(&n.to_string())).await;
        let next = parse(&ws.receive().await);
        assert_eq!(
            next["id"], n,
            "id {id} got no answer; the next call did: {next}"
        );
    }
    let _ = handle.stop();
}
