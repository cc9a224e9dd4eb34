//! `offchain_localStorageGet` / `offchain_localStorageSet` against an
//! in-memory storage: Substrate's parameters, answers and error codes, the
//! `LOCAL` kind refused, and both methods refused on a safe node.

use crate::support::{call_module, error_code, module, Memory};
use serde_json::{json, Value};
use std::sync::Arc;

async fn answer(
    module: &jsonrpsee::RpcModule<entroos_rpc::Deps>,
    method: &str,
    params: Value,
) -> Value {
    call_module(module, method, params).await.0
}

#[tokio::test]
async fn persistent_values_are_set_and_read_back() {
    let memory = Arc::new(Memory::new());
    let module = module(&memory, false);
    let get = |key: &'static str| {
        answer(
            &module,
            "offchain_localStorageGet",
            json!(["PERSISTENT", key]),
        )
    };
    assert_eq!(get("0x6b6579").await["result"], Value::Null, "absent");
    let set = answer(
        &module,
        "offchain_localStorageSet",
        json!(["PERSISTENT", "0x6b6579", "0x0102"]),
    )
    .await;
    assert_eq!(set["result"], Value::Null, "{set}");
    assert_eq!(get("0x6b6579").await["result"], "0x0102");
    assert_eq!(get("6b6579").await["result"], "0x0102", "0x is optional");
    let empty = answer(
        &module,
        "offchain_localStorageSet",
        json!(["PERSISTENT", "0x", ""]),
    )
    .await;
    assert_eq!(empty["result"], Value::Null, "{empty}");
    assert_eq!(get("0x").await["result"], "0x", "an empty value is a value");
    let listed = answer(&module, "rpc_methods", json!([])).await;
    let names = listed["result"]["methods"].as_array().expect("names");
    for method in ["offchain_localStorageGet", "offchain_localStorageSet"] {
        assert!(names.iter().any(|name| name == method), "{method} listed");
    }
}

#[tokio::test]
async fn the_local_kind_and_bad_parameters_are_refused() {
    let memory = Arc::new(Memory::new());
    let module = module(&memory, false);
    let cases = [
        ("offchain_localStorageGet", json!(["LOCAL", "0x00"]), 5001),
        (
            "offchain_localStorageSet",
            json!(["LOCAL", "0x00", "0x01"]),
            5001,
        ),
        (
            "offchain_localStorageGet",
            json!(["persistent", "0x00"]),
            -32602,
        ),
        ("offchain_localStorageGet", json!(["PERSISTENT"]), -32602),
        (
            "offchain_localStorageSet",
            json!(["PERSISTENT", "0x00"]),
            -32602,
        ),
        (
            "offchain_localStorageSet",
            json!(["PERSISTENT", "0xzz", "0x01"]),
            -32602,
        ),
    ];
    for (method, params, code) in cases {
        let response = answer(&module, method, params.clone()).await;
        assert_eq!(
            error_code(&response),
            Some(code),
            "{method} {params}: {response}"
        );
    }
    let local = answer(
        &module,
        "offchain_localStorageGet",
        json!(["LOCAL", "0x00"]),
    )
    .await;
    assert_eq!(
        local["error"]["message"],
        "This storage kind is not available yet"
    );
    assert!(
        memory.take_log().calls.is_empty(),
        "nothing reached the node"
    );
}

#[tokio::test]
async fn a_safe_node_refuses_both_methods() {
    let memory = Arc::new(Memory::new());
    let module = module(&memory, true);
    for (method, params) in [
        ("offchain_localStorageGet", json!(["PERSISTENT", "0x00"])),
        (
            "offchain_localStorageSet",
            json!(["PERSISTENT", "0x00", "0x01"]),
        ),
        ("offchain_localStorageSet", json!(["LOCAL", "0x00", "0x01"])),
    ] {
        let response = answer(&module, method, params).await;
        assert_eq!(error_code(&response), Some(-32601), "{method}: {response}");
        assert_eq!(
            response["error"]["message"],
            "RPC call is unsafe to be called externally"
        );
    }
    let bad = answer(
        &module,
        "offchain_localStorageGet",
        json!(["OTHER", "0x00"]),
    )
    .await;
    assert_eq!(error_code(&bad), Some(-32602), "parameters are read first");
    assert!(
        memory.take_log().calls.is_empty(),
        "nothing reached the node"
    );
}
