//! `chainHead_v1` pins reach the node: a block a follow subscription
//! pinned keeps its state and body in the node past the pruning window
//! (the in-memory node prunes as the database does) until it is unpinned
//! or the subscription ends, and a block the node refuses to pin stops the
//! subscription.

use crate::chain_head::{config, follow, hex, start};
use crate::support::events::{call, eventually};
use crate::support::{module_v2, Memory};
use entroos_primitives::OpaqueExtrinsic;
use serde_json::{json, Value};
use std::sync::Arc;

#[tokio::test]
async fn a_pinned_block_older_than_the_pruning_window_still_answers_storage_and_body() {
    let memory = Arc::new(Memory::new());
    memory.prune_states(2);
    let xt = OpaqueExtrinsic(vec![1, 2, 3]);
    let old = memory.push_block(&[(b"key", Some(b"old"))], None, Some(vec![xt.clone()]));
    memory.finalize(old);
    let module = module_v2(&memory, config());
    let (mut events, initial) = follow(&module, false).await;
    assert_eq!(initial[0]["finalizedBlockHashes"], json!([old]));
    let sub = events.id.clone();
    let mut later = Vec::new();
    for _ in 0..5 {
        let block = memory.push(&[(b"key", Some(b"new"))], None);
        memory.finalize(block);
        events.next_event("finalized").await;
        later.push(block);
    }
    assert_eq!(memory.pin_count(old), 1, "pinned in the node");
    assert!(memory.has_state(old), "kept past the window of 2");

    let storage = start(
        &module,
        "chainHead_v1_storage",
        json!([sub, old, [{ "key": hex(b"key"), "type": "value" }]]),
    )
    .await;
    assert_eq!(
        events.next().await,
        json!({ "event": "operationStorageItems", "operationId": storage,
                "items": [{ "key": hex(b"key"), "value": hex(b"old") }] })
    );
    events.next_event("operationStorageDone").await;
    let body = start(&module, "chainHead_v1_body", json!([sub, old])).await;
    assert_eq!(
        events.next().await,
        json!({ "event": "operationBodyDone", "operationId": body, "value": [hex(&xt.to_wire())] })
    );

    let unpinned = call(&module, "chainHead_v1_unpin", json!([sub, old])).await;
    assert_eq!(unpinned["result"], Value::Null, "{unpinned}");
    assert_eq!(memory.pin_count(old), 0);
    assert!(!memory.has_state(old), "pruned at unpin, being due");
    assert!(memory.has_state(later[0]), "the next pinned state stays");
    let gone = start(
        &module,
        "chainHead_v1_storage",
        json!([sub, later[0], [{ "key": hex(b"key"), "type": "value" }]]),
    )
    .await;
    assert_eq!(
        events.next().await["event"],
        "operationStorageItems",
        "{gone}"
    );

    let ended = call(&module, "chainHead_v1_unfollow", json!([sub])).await;
    assert_eq!(ended["result"], Value::Null);
    eventually("the subscription's pins released", || async {
        (memory.pinned_blocks() == 0).then_some(())
    })
    .await;
    assert!(!memory.has_state(later[0]), "pruned once unpinned");
    assert!(memory.has_state(later[4]), "the window stays");
}

#[tokio::test]
async fn a_block_the_node_refuses_to_pin_stops_the_subscription() {
    let memory = Arc::new(Memory::new());
    memory.push(&[], None);
    memory.limit_pins(2);
    let module = module_v2(&memory, config());
    let (mut events, _) = follow(&module, false).await;
    assert_eq!(memory.pinned_blocks(), 2, "genesis and block one");
    memory.push(&[], None);
    assert_eq!(events.next().await, json!({ "event": "stop" }));
    eventually("the stopped subscription's pins released", || async {
        (memory.pinned_blocks() == 0).then_some(())
    })
    .await;
}
