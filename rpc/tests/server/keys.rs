//! The `author_*` key methods against the in-memory keystore: Substrate's
//! parameters, answers and error codes, and every one refused on a safe
//! node.

use crate::support::memory::{MEMORY_KEY_TYPE, REFUSED_SURI};
use crate::support::{call_module, error_code, module, Memory};
use serde_json::{json, Value};
use std::sync::Arc;

const PUBLIC: &str = "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";

async fn answer(
    module: &jsonrpsee::RpcModule<entroos_rpc::Deps>,
    method: &str,
    params: Value,
) -> Value {
    call_module(module, method, params).await.0
}

#[tokio::test]
async fn inserted_and_rotated_keys_are_held() {
    let memory = Arc::new(Memory::new());
    let module = module(&memory, false);
    let has = |key_type: &'static str| answer(&module, "author_hasKey", json!([PUBLIC, key_type]));
    assert_eq!(has("aura").await["result"], false);
    let inserted = answer(
        &module,
        "author_insertKey",
        json!(["aura", "//Alice", PUBLIC]),
    )
    .await;
    assert_eq!(inserted["result"], Value::Null, "{inserted}");
    assert_eq!(has("aura").await["result"], true);
    assert_eq!(has("gran").await["result"], false, "another key type");

    let rotated = answer(&module, "author_rotateKeys", json!([])).await;
    let keys = rotated["result"]
        .as_str()
        .expect("hex session keys")
        .to_string();
    assert_eq!(keys.len(), 2 + 64, "{keys}");
    let held = answer(&module, "author_hasSessionKeys", json!([keys])).await;
    assert_eq!(held["result"], true);
    let unknown = format!("0x{}", "11".repeat(32));
    let held = answer(&module, "author_hasSessionKeys", json!([unknown])).await;
    assert_eq!(held["result"], false);
    let typed = answer(
        &module,
        "author_hasKey",
        json!([keys, MEMORY_KEY_TYPE.to_string()]),
    )
    .await;
    assert_eq!(typed["result"], true);
}

#[tokio::test]
async fn bad_key_types_session_keys_and_refused_keys_are_author_errors() {
    let memory = Arc::new(Memory::new());
    let module = module(&memory, false);
    let cases = [
        (
            "author_insertKey",
            json!(["aur", "//Alice", PUBLIC]),
            "Invalid key type ID format (should be of length four)".to_string(),
        ),
        (
            "author_hasKey",
            json!([PUBLIC, "auras"]),
            "Invalid key type ID format (should be of length four)".to_string(),
        ),
        (
            "author_hasSessionKeys",
            json!(["0x010203"]),
            "Session keys are not encoded correctly".to_string(),
        ),
        (
            "author_insertKey",
            json!(["aura", REFUSED_SURI, PUBLIC]),
            format!("{REFUSED_SURI} does not derive {PUBLIC}"),
        ),
    ];
    for (method, params, message) in cases {
        let response = answer(&module, method, params).await;
        assert_eq!(error_code(&response), Some(1040), "{method}: {response}");
        assert_eq!(response["error"]["message"], message, "{method}");
    }
    let response = answer(
        &module,
        "author_insertKey",
        json!(["aura", "//Alice", "0xzz"]),
    )
    .await;
    assert_eq!(error_code(&response), Some(-32602), "bad hex: {response}");
}

#[tokio::test]
async fn every_key_method_is_refused_on_a_safe_node() {
    let memory = Arc::new(Memory::new());
    let module = module(&memory, true);
    let calls = [
        ("author_insertKey", json!(["aura", "//Alice", PUBLIC])),
        ("author_rotateKeys", json!([])),
        ("author_hasKey", json!([PUBLIC, "aura"])),
        ("author_hasSessionKeys", json!([PUBLIC])),
    ];
    for (method, params) in calls {
        let response = answer(&module, method, params).await;
        assert_eq!(error_code(&response), Some(-32601), "{method}: {response}");
        assert_eq!(
            response["error"]["message"],
            "RPC call is unsafe to be called externally"
        );
    }
    let open = module_answer_on_unsafe(&memory).await;
    assert_eq!(open["result"], false, "the same call on an unsafe node");
    let touched: Vec<&str> = memory
        .take_log()
        .calls
        .iter()
        .map(|(what, _)| *what)
        .filter(|what| what.starts_with("keystore"))
        .collect();
    assert_eq!(
        touched,
        ["keystore.has_key"],
        "refused calls never reach the keystore"
    );
}

async fn module_answer_on_unsafe(memory: &Arc<Memory>) -> Value {
    let module = module(memory, false);
    answer(&module, "author_hasKey", json!([PUBLIC, "aura"])).await
}
