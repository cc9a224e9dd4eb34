//! `transactionWatch_v1_*` and `transaction_v1_*` against the in-memory
//! pool: the spec's events for each pool status or refusal, and broadcasts
//! retried at new blocks, dropped after their retries, limited per
//! connection and stopped on request.

use crate::support::events::{call, eventually, subscribe, subscribe_with};
use crate::support::memory::PoolScript;
use crate::support::{module_v2, Memory};
use entroos_primitives::OpaqueExtrinsic;
use entroos_rpc::{SpecV2Config, SubmitError, TxStatus};
use serde_json::{json, Value};
use std::sync::Arc;

fn hex(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

#[tokio::test]
async fn a_watched_transaction_reports_validation_inclusion_with_its_index_and_finality() {
    let memory = Arc::new(Memory::new());
    let xt = OpaqueExtrinsic(vec![1, 2, 3]);
    let other = OpaqueExtrinsic(vec![9]);
    let block = memory.push_block(&[], None, Some(vec![other, xt.clone()]));
    memory.script_pool(PoolScript::Accept(vec![
        TxStatus::Future,
        TxStatus::Ready,
        TxStatus::Broadcast(vec!["peer".into()]),
        TxStatus::InBlock(block),
        TxStatus::Retracted(block),
        TxStatus::InBlock(block),
        TxStatus::Finalized(block),
    ]));
    let module = module_v2(&memory, SpecV2Config::new(false));
    let mut events = subscribe(
        &module,
        "transactionWatch_v1_submitAndWatch",
        json!([hex(&xt.to_wire())]),
    )
    .await;
    let included =
        json!({ "event": "bestChainBlockIncluded", "block": { "hash": block, "index": 1 } });
    let expected = [
        json!({ "event": "validated" }),
        included.clone(),
        json!({ "event": "bestChainBlockIncluded", "block": null }),
        included,
        json!({ "event": "finalized", "block": { "hash": block, "index": 1 } }),
    ];
    for event in expected {
        assert_eq!(events.next().await, event);
    }
    assert!(events.drain().is_empty(), "nothing after the last event");
}

#[tokio::test]
async fn refusals_and_final_pool_statuses_become_the_specs_events() {
    let table = [
        (
            PoolScript::Refuse(SubmitError::Invalid("Transaction is outdated".into())),
            json!({ "event": "invalid", "error": "Invalid Transaction: Transaction is outdated" }),
        ),
        (
            PoolScript::Refuse(SubmitError::BadFormat("wrong".into())),
            json!({ "event": "invalid", "error": "Extrinsic has invalid format: wrong" }),
        ),
        (
            PoolScript::Refuse(SubmitError::PoolFull),
            json!({ "event": "dropped", "error": "Transaction pool is full" }),
        ),
        (
            PoolScript::Refuse(SubmitError::Verification("trap".into())),
            json!({ "event": "error", "error": "Verification Error: trap" }),
        ),
        (
            PoolScript::Accept(vec![TxStatus::Invalid]),
            json!({ "event": "invalid", "error": "Extrinsic marked as invalid" }),
        ),
        (
            PoolScript::Accept(vec![TxStatus::Ready, TxStatus::Dropped]),
            json!({ "event": "dropped", "error": "Extrinsic dropped from the pool due to exceeding limits" }),
        ),
    ];
    for (script, last) in table {
        let memory = Arc::new(Memory::new());
        memory.script_pool(script.clone());
        let module = module_v2(&memory, SpecV2Config::new(false));
        let mut events = subscribe(
            &module,
            "transactionWatch_v1_submitAndWatch",
            json!(["0x0401"]),
        )
        .await;
        let mut event = events.next().await;
        if event["event"] == "validated" {
            event = events.next().await;
        }
        assert_eq!(event, last, "{script:?}");
    }
}

#[tokio::test]
async fn unwatch_answers_null_for_a_running_watch_and_an_error_otherwise() {
    let memory = Arc::new(Memory::new());
    let module = module_v2(&memory, SpecV2Config::new(false));
    let (bad, _) = subscribe_with(
        &module,
        "transactionWatch_v1_submitAndWatch",
        json!(["0xzz"]),
        8,
    )
    .await;
    assert_eq!(bad["error"]["code"], -32602, "{bad}");
    let mut events = subscribe(
        &module,
        "transactionWatch_v1_submitAndWatch",
        json!(["0x0401"]),
    )
    .await;
    assert_eq!(events.next().await, json!({ "event": "validated" }));
    let stopped = call(&module, "transactionWatch_v1_unwatch", json!([events.id])).await;
    assert_eq!(stopped["result"], Value::Null, "{stopped}");
    let again = call(&module, "transactionWatch_v1_unwatch", json!([events.id])).await;
    assert_eq!(again["error"]["code"], -32602, "{again}");
    memory.notify_watchers(TxStatus::Invalid);
    assert!(events.drain().is_empty(), "no event after unwatch");
}

#[tokio::test]
async fn an_invalid_broadcast_is_retried_at_new_blocks_then_dropped() {
    let memory = Arc::new(Memory::new());
    memory.script_pool(PoolScript::Refuse(SubmitError::Invalid(
        "Transaction has a bad signature".into(),
    )));
    let module = module_v2(
        &memory,
        SpecV2Config {
            broadcast_retries: 2,
            ..SpecV2Config::new(false)
        },
    );
    let answer = call(&module, "transaction_v1_broadcast", json!(["0x0401"])).await;
    let id = answer["result"].clone();
    assert!(id.is_string(), "{answer}");
    for attempts in 1..=3 {
        eventually("the next attempt", || async {
            (memory.submissions() == attempts).then_some(())
        })
        .await;
        if attempts < 3 {
            memory.push(&[], None);
        }
    }
    eventually("the broadcast to be dropped", || async {
        let stop = call(&module, "transaction_v1_stop", json!([id])).await;
        (stop["error"]["code"] == -32602).then_some(())
    })
    .await;
    memory.push(&[], None);
    memory.push(&[], None);
    assert_eq!(
        memory.submissions(),
        3,
        "its task is over: no attempt after the last retry"
    );
}

#[tokio::test]
async fn broadcasts_are_limited_per_connection_and_stop_on_request() {
    let memory = Arc::new(Memory::new());
    let module = module_v2(
        &memory,
        SpecV2Config {
            max_broadcasts_per_connection: 2,
            ..SpecV2Config::new(false)
        },
    );
    let mut ids = Vec::new();
    for xt in ["0x0401", "0x0402"] {
        let answer = call(&module, "transaction_v1_broadcast", json!([xt])).await;
        ids.push(answer["result"].clone());
    }
    assert!(ids.iter().all(Value::is_string), "{ids:?}");
    let full = call(&module, "transaction_v1_broadcast", json!(["0x0403"])).await;
    assert_eq!(
        full["result"],
        Value::Null,
        "the connection's broadcasts are all running"
    );
    let stopped = call(&module, "transaction_v1_stop", json!([ids[0]])).await;
    assert_eq!(stopped["result"], Value::Null, "{stopped}");
    let unknown = call(&module, "transaction_v1_stop", json!([ids[0]])).await;
    assert_eq!(unknown["error"]["code"], -32602, "{unknown}");
    let room = call(&module, "transaction_v1_broadcast", json!(["0x0403"])).await;
    assert!(room["result"].is_string(), "{room}");
    let bad = call(&module, "transaction_v1_broadcast", json!(["0xzz"])).await;
    assert_eq!(bad["error"]["code"], -32602, "{bad}");

    eventually("the second broadcast submitted", || async {
        memory.received(&[4, 2]).then_some(())
    })
    .await;
    memory.notify_watchers(TxStatus::Finalized(memory.genesis()));
    eventually("finalized broadcasts to end", || async {
        let stop = call(&module, "transaction_v1_stop", json!([ids[1]])).await;
        (stop["error"]["code"] == -32602).then_some(())
    })
    .await;
}
