//! `chainHead_v1_*` against the in-memory node: the follow events, reads of
//! pinned blocks through operations, and the spec's refusals and limits.

use crate::support::events::{call, eventually, subscribe, subscribe_with, Events};
use crate::support::{module_v2, Memory};
use codec::Encode;
use entroos_primitives::{OpaqueExtrinsic, H256};
use entroos_rpc::{ChainApi, Deps, SpecV2Config};
use jsonrpsee::RpcModule;
use serde_json::{json, Value};
use std::sync::Arc;

pub(crate) fn hex(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

pub(crate) fn config() -> SpecV2Config {
    SpecV2Config::new(false)
}

/// Follows, and reads the initial events up to the first best block.
pub(crate) async fn follow(module: &RpcModule<Deps>, with_runtime: bool) -> (Events, Vec<Value>) {
    let mut events = subscribe(module, "chainHead_v1_follow", json!([with_runtime])).await;
    let mut initial = Vec::new();
    loop {
        let event = events.next().await;
        let last = event["event"] == "bestBlockChanged";
        initial.push(event);
        if last {
            return (events, initial);
        }
    }
}

/// Starts an operation that must start; its id.
pub(crate) async fn start(module: &RpcModule<Deps>, method: &str, params: Value) -> String {
    let response = call(module, method, params).await;
    assert_eq!(
        response["result"]["result"], "started",
        "{method}: {response}"
    );
    response["result"]["operationId"]
        .as_str()
        .expect("an operation id")
        .to_string()
}

fn error_code(response: &Value) -> i64 {
    response["error"]["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("an error: {response}"))
}

#[tokio::test]
async fn follow_reports_the_finalized_block_new_blocks_best_blocks_and_finality() {
    let memory = Arc::new(Memory::new());
    let genesis = memory.genesis();
    let one = memory.push(&[(b"key", Some(b"one"))], None);
    let module = module_v2(&memory, config());
    let (mut events, initial) = follow(&module, true).await;
    assert_eq!(initial[0]["event"], "initialized");
    assert_eq!(initial[0]["finalizedBlockHashes"], json!([genesis]));
    assert_eq!(
        initial[0]["finalizedBlockRuntime"],
        json!({ "type": "valid", "spec": {
            "specName": "memory", "implName": "memory", "specVersion": 1, "implVersion": 1,
            "transactionVersion": 1, "apis": { "0xdf6acb689907609b": 5 } } })
    );
    assert_eq!(
        initial[1..],
        [
            json!({ "event": "newBlock", "blockHash": one, "parentBlockHash": genesis, "newRuntime": null }),
            json!({ "event": "bestBlockChanged", "bestBlockHash": one }),
        ]
    );

    let two = memory.push(&[], Some(2));
    let new = events.next().await;
    assert_eq!(new["blockHash"], json!(two));
    assert_eq!(new["newRuntime"]["spec"]["specVersion"], 2, "{new}");
    assert_eq!(
        events.next().await,
        json!({ "event": "bestBlockChanged", "bestBlockHash": two })
    );
    memory.finalize(two);
    assert_eq!(
        events.next().await,
        json!({ "event": "finalized", "finalizedBlockHashes": [one, two], "prunedBlockHashes": [] })
    );
}

#[tokio::test]
async fn following_without_the_runtime_leaves_runtime_fields_out() {
    let memory = Arc::new(Memory::new());
    let one = memory.push(&[], None);
    let module = module_v2(&memory, config());
    let (_, initial) = follow(&module, false).await;
    assert_eq!(
        initial,
        [
            json!({ "event": "initialized", "finalizedBlockHashes": [memory.genesis()] }),
            json!({ "event": "newBlock", "blockHash": one, "parentBlockHash": memory.genesis() }),
            json!({ "event": "bestBlockChanged", "bestBlockHash": one }),
        ]
    );
}

#[tokio::test]
async fn pinned_blocks_serve_their_header_body_runtime_calls_and_storage() {
    let memory = Arc::new(Memory::new());
    let xt = OpaqueExtrinsic(vec![4, 5, 6]);
    let changes: &[(&[u8], Option<&[u8]>)] = &[
        (b"key", Some(b"value")),
        (b"pre1", Some(b"a")),
        (b"pre2", Some(b"b")),
        (b"pre3", Some(&[7; 40])),
    ];
    let block = memory.push_block(changes, None, Some(vec![xt.clone()]));
    let header = memory.header(block).expect("read").expect("kept");
    let module = module_v2(&memory, config());
    let (mut events, _) = follow(&module, true).await;
    let sub = events.id.clone();

    let answer = call(&module, "chainHead_v1_header", json!([sub, block])).await;
    assert_eq!(answer["result"], hex(&header.encode()));

    let body = start(&module, "chainHead_v1_body", json!([sub, block])).await;
    assert_eq!(
        events.next().await,
        json!({ "event": "operationBodyDone", "operationId": body, "value": [hex(&xt.to_wire())] })
    );
    let echo = start(
        &module,
        "chainHead_v1_call",
        json!([sub, block, "Test_echo", "0x0102"]),
    )
    .await;
    assert_eq!(
        events.next().await,
        json!({ "event": "operationCallDone", "operationId": echo, "output": "0x0102" })
    );
    let trap = start(
        &module,
        "chainHead_v1_call",
        json!([sub, block, "Test_fail", "0x"]),
    )
    .await;
    let failed = events.next().await;
    assert_eq!(
        (failed["event"].clone(), failed["operationId"].clone()),
        (json!("operationError"), json!(trap))
    );

    let items = json!([
        { "key": hex(b"key"), "type": "value" },
        { "key": hex(b"key"), "type": "hash" },
        { "key": hex(b"missing"), "type": "value" },
        { "key": "0x", "type": "closestDescendantMerkleValue" },
        { "key": hex(b"pre"), "type": "descendantsValues" },
        { "key": hex(b"pre"), "type": "descendantsHashes" },
    ]);
    let response = call(
        &module,
        "chainHead_v1_storage",
        json!([sub, block, items, null]),
    )
    .await;
    assert_eq!(response["result"]["discardedItems"], 0, "{response}");
    let storage = response["result"]["operationId"].clone();
    let found = events.next().await;
    assert_eq!(found["operationId"], storage);
    let hash_of = |v: &[u8]| hex(&entroos_primitives::hashing::blake2_256(v));
    assert_eq!(
        found["items"],
        json!([
            { "key": hex(b"key"), "value": hex(b"value") },
            { "key": hex(b"key"), "hash": hash_of(b"value") },
            { "key": "0x", "closestDescendantMerkleValue": hex(&header.state_root.0) },
            { "key": hex(b"pre1"), "value": hex(b"a") },
            { "key": hex(b"pre2"), "value": hex(b"b") },
            { "key": hex(b"pre3"), "value": hex(&[7; 40]) },
            { "key": hex(b"pre1"), "hash": hash_of(b"a") },
            { "key": hex(b"pre2"), "hash": hash_of(b"b") },
            { "key": hex(b"pre3"), "hash": hash_of(&[7; 40]) },
        ])
    );
    assert_eq!(
        events.next().await,
        json!({ "event": "operationStorageDone", "operationId": storage })
    );

    let child = start(
        &module,
        "chainHead_v1_storage",
        json!([sub, block, items, "0x01"]),
    )
    .await;
    assert_eq!(
        events.next().await,
        json!({ "event": "operationStorageDone", "operationId": child }),
        "the node keeps no child tries"
    );
}

#[tokio::test]
async fn a_branch_finality_prunes_stays_whole_while_pinned_and_goes_at_unpin() {
    let memory = Arc::new(Memory::new());
    let genesis = memory.genesis();
    let one = memory.push(&[], None);
    let fork = memory.fork(genesis, &[(b"fork", Some(b"yes"))]);
    let fork_header = memory.header(fork).expect("read").expect("kept");
    let module = module_v2(&memory, config());
    let (mut events, initial) = follow(&module, true).await;
    assert_eq!(
        initial.len(),
        4,
        "initialized, two new blocks, best: {initial:?}"
    );
    let sub = events.id.clone();

    let two = memory.push(&[], None);
    events.next_event("bestBlockChanged").await;
    memory.finalize(two);
    assert_eq!(
        events.next().await,
        json!({ "event": "finalized", "finalizedBlockHashes": [one, two], "prunedBlockHashes": [fork] })
    );
    assert!(
        !memory.leaves().expect("leaves").contains(&fork),
        "the branch left the tree"
    );

    let header = call(&module, "chainHead_v1_header", json!([sub, fork])).await;
    assert_eq!(header["result"], hex(&fork_header.encode()));
    let body = start(&module, "chainHead_v1_body", json!([sub, fork])).await;
    assert_eq!(
        events.next().await["event"],
        "operationBodyDone",
        "the node keeps the pinned block's body"
    );
    let storage = start(
        &module,
        "chainHead_v1_storage",
        json!([sub, fork, [{ "key": hex(b"fork"), "type": "value" }]]),
    )
    .await;
    assert_eq!(
        events.next().await,
        json!({ "event": "operationStorageItems", "operationId": storage,
                "items": [{ "key": hex(b"fork"), "value": hex(b"yes") }] }),
        "and its state (body operation {body})"
    );
    events.next_event("operationStorageDone").await;

    let unpinned = call(
        &module,
        "chainHead_v1_unpin",
        json!([sub, [fork, genesis, one]]),
    )
    .await;
    assert_eq!(unpinned["result"], Value::Null, "{unpinned}");
    assert!(!memory.has_block(fork), "the node discarded it at unpin");
    let gone = call(&module, "chainHead_v1_header", json!([sub, fork])).await;
    assert_eq!(error_code(&gone), -32801);
}

#[tokio::test]
async fn unpin_refuses_unknown_and_duplicate_hashes_and_then_unpins_nothing() {
    let memory = Arc::new(Memory::new());
    let genesis = memory.genesis();
    let one = memory.push(&[], None);
    let module = module_v2(&memory, config());
    let (events, _) = follow(&module, false).await;
    let sub = events.id.clone();
    let unknown = H256([9; 32]);

    let table = [
        (json!([sub, unknown]), -32801),
        (json!([sub, [one, unknown]]), -32801),
        (json!([sub, [one, one]]), -32804),
        (json!([sub, [genesis, unknown, genesis]]), -32804),
        (json!([sub, "0x12"]), -32602),
    ];
    for (params, code) in table {
        let refused = call(&module, "chainHead_v1_unpin", params.clone()).await;
        assert_eq!(error_code(&refused), code, "{params}: {refused}");
    }
    for block in [genesis, one] {
        let kept = call(&module, "chainHead_v1_header", json!([sub, block])).await;
        assert!(kept["result"].is_string(), "nothing was unpinned: {kept}");
    }
    assert_eq!(
        call(&module, "chainHead_v1_unpin", json!([sub, one])).await["result"],
        Value::Null
    );
    let again = call(&module, "chainHead_v1_unpin", json!([sub, one])).await;
    assert_eq!(error_code(&again), -32801, "already unpinned");
    let body = call(&module, "chainHead_v1_body", json!([sub, one])).await;
    assert_eq!(error_code(&body), -32801);
}

#[tokio::test]
async fn operations_beyond_the_limit_are_refused_and_storage_items_beyond_it_discarded() {
    let memory = Arc::new(Memory::new());
    let block = memory.push(&[(b"pre1", Some(b"a")), (b"pre2", Some(b"b"))], None);
    let module = module_v2(
        &memory,
        SpecV2Config {
            max_ongoing_operations: 2,
            storage_items_per_page: 1,
            ..config()
        },
    );
    let (mut events, _) = follow(&module, true).await;
    let sub = events.id.clone();
    let item = json!({ "key": hex(b"pre"), "type": "descendantsValues" });

    let held = memory.hold_iterations();
    let three = json!([sub, block, [item, item, item]]);
    let response = call(&module, "chainHead_v1_storage", three).await;
    assert_eq!(
        response["result"]["discardedItems"], 1,
        "two slots: {response}"
    );
    let busy = response["result"]["operationId"].clone();
    let early = call(&module, "chainHead_v1_continue", json!([sub, busy])).await;
    assert_eq!(error_code(&early), -32803, "not waiting yet: {early}");
    for (method, params) in [
        ("chainHead_v1_body", json!([sub, block])),
        ("chainHead_v1_call", json!([sub, block, "Test_echo", "0x"])),
        ("chainHead_v1_storage", json!([sub, block, [item]])),
    ] {
        let refused = call(&module, method, params).await;
        assert_eq!(
            refused["result"],
            json!({ "result": "limitReached" }),
            "{method}"
        );
    }
    let stopped = call(&module, "chainHead_v1_stopOperation", json!([sub, busy])).await;
    assert_eq!(stopped["result"], Value::Null);
    drop(held);

    let paged: String = eventually("the stopped operation's slots", || async {
        let answer = call(&module, "chainHead_v1_storage", json!([sub, block, [item]])).await;
        answer["result"]["operationId"].as_str().map(str::to_string)
    })
    .await;
    let mut seen = Vec::new();
    while seen.last() != Some(&json!({ "event": "operationStorageDone", "operationId": paged })) {
        let event = events.next().await;
        if event == json!({ "event": "operationWaitingForContinue", "operationId": paged }) {
            let resumed = call(&module, "chainHead_v1_continue", json!([sub, paged])).await;
            assert_eq!(resumed["result"], Value::Null, "{resumed}");
        }
        seen.push(event);
    }
    assert!(
        seen.iter().all(|e| e["operationId"] != busy),
        "a stopped operation sends nothing more: {seen:?}"
    );
    assert_eq!(
        seen,
        [
            json!({ "event": "operationStorageItems", "operationId": paged, "items": [{ "key": hex(b"pre1"), "value": hex(b"a") }] }),
            json!({ "event": "operationWaitingForContinue", "operationId": paged }),
            json!({ "event": "operationStorageItems", "operationId": paged, "items": [{ "key": hex(b"pre2"), "value": hex(b"b") }] }),
            json!({ "event": "operationWaitingForContinue", "operationId": paged }),
            json!({ "event": "operationStorageDone", "operationId": paged }),
        ]
    );
    let finished = call(&module, "chainHead_v1_continue", json!([sub, paged])).await;
    assert_eq!(
        finished["result"],
        Value::Null,
        "a finished operation is ignored"
    );
}

#[tokio::test]
async fn a_follower_that_does_not_read_is_stopped() {
    let memory = Arc::new(Memory::new());
    let genesis = memory.genesis();
    let module = module_v2(
        &memory,
        SpecV2Config {
            max_queued_events: 4,
            ..config()
        },
    );
    let (response, mut events) =
        subscribe_with(&module, "chainHead_v1_follow", json!([false]), 1).await;
    let sub = response["result"].clone();
    let mut received = vec![events.next().await];
    eventually("the subscription to stop", || {
        memory.push(&[], None);
        let module = &module;
        let sub = sub.clone();
        async move {
            let header = call(module, "chainHead_v1_header", json!([sub, genesis])).await;
            header["result"].is_null().then_some(())
        }
    })
    .await;
    loop {
        let event = events.next().await;
        received.push(event.clone());
        if event == json!({ "event": "stop" }) {
            break;
        }
    }
    assert_eq!(received[0]["event"], "initialized", "{received:?}");
    assert!(
        received.len() <= 4,
        "besides what the client buffer took, queued events are dropped for the stop: {received:?}"
    );
    let body = call(&module, "chainHead_v1_body", json!([sub, genesis])).await;
    assert_eq!(
        body["result"],
        json!({ "result": "limitReached" }),
        "the subscription is gone"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_follower_that_missed_head_notifications_is_stopped() {
    let memory = Arc::new(Memory::with_capacity(4));
    let module = module_v2(&memory, config());
    let (mut events, _) = follow(&module, false).await;
    for _ in 0..10 {
        memory.push(&[], None);
    }
    assert_eq!(events.next().await, json!({ "event": "stop" }));
}

#[tokio::test]
async fn pinning_past_the_limit_stops_the_subscription() {
    let memory = Arc::new(Memory::new());
    let genesis = memory.genesis();
    let module = module_v2(
        &memory,
        SpecV2Config {
            max_pinned_blocks: 3,
            ..config()
        },
    );
    let (mut events, _) = follow(&module, false).await;
    let sub = events.id.clone();
    for _ in 0..2 {
        memory.push(&[], None);
        events.next_event("bestBlockChanged").await;
    }
    let unpinned = call(&module, "chainHead_v1_unpin", json!([sub, genesis])).await;
    assert_eq!(unpinned["result"], Value::Null);
    memory.push(&[], None);
    events.next_event("bestBlockChanged").await;
    memory.push(&[], None);
    assert_eq!(
        events.next().await,
        json!({ "event": "stop" }),
        "a fourth pin"
    );
}

#[tokio::test]
async fn a_follow_starting_too_far_above_finality_stops_at_once() {
    let memory = Arc::new(Memory::new());
    for _ in 0..3 {
        memory.push(&[], None);
    }
    let module = module_v2(
        &memory,
        SpecV2Config {
            max_lagging_distance: 2,
            ..config()
        },
    );
    let mut events = subscribe(&module, "chainHead_v1_follow", json!([true])).await;
    assert_eq!(events.next().await, json!({ "event": "stop" }));
}

#[tokio::test]
async fn a_connection_has_at_most_four_follow_subscriptions() {
    let memory = Arc::new(Memory::new());
    let module = module_v2(&memory, config());
    let mut running = Vec::new();
    for _ in 0..4 {
        running.push(follow(&module, false).await.0);
    }
    let (refused, _) = subscribe_with(&module, "chainHead_v1_follow", json!([false]), 8).await;
    assert_eq!(error_code(&refused), -32800, "{refused}");
    let ended = call(&module, "chainHead_v1_unfollow", json!([running[0].id])).await;
    assert_eq!(ended["result"], Value::Null, "unfollow answers null");
    eventually("a free subscription slot", || async {
        let (answer, _) = subscribe_with(&module, "chainHead_v1_follow", json!([false]), 8).await;
        answer.get("result").map(|_| ())
    })
    .await;
}

#[tokio::test]
async fn stale_subscriptions_unknown_blocks_and_runtimeless_calls_get_the_spec_answers() {
    let memory = Arc::new(Memory::new());
    let genesis = memory.genesis();
    let module = module_v2(&memory, config());
    let (events, _) = follow(&module, false).await;
    let sub = events.id.clone();
    let stale = json!("no-such-subscription");
    let unknown = H256([3; 32]);

    let limit = json!({ "result": "limitReached" });
    let table = [
        (
            "chainHead_v1_header",
            json!([stale, genesis]),
            json!({ "result": null }),
        ),
        (
            "chainHead_v1_body",
            json!([stale, genesis]),
            json!({ "result": limit }),
        ),
        (
            "chainHead_v1_call",
            json!([stale, genesis, "Test_echo", "0x"]),
            json!({ "result": limit }),
        ),
        (
            "chainHead_v1_storage",
            json!([stale, genesis, []]),
            json!({ "result": limit }),
        ),
        (
            "chainHead_v1_unpin",
            json!([stale, genesis]),
            json!({ "result": null }),
        ),
        (
            "chainHead_v1_continue",
            json!([stale, "0"]),
            json!({ "result": null }),
        ),
        (
            "chainHead_v1_stopOperation",
            json!([stale, "0"]),
            json!({ "result": null }),
        ),
        (
            "chainHead_v1_unfollow",
            json!([stale]),
            json!({ "result": null }),
        ),
        (
            "chainHead_v1_continue",
            json!([sub, "77"]),
            json!({ "result": null }),
        ),
        (
            "chainHead_v1_header",
            json!([sub, unknown]),
            json!({ "code": -32801 }),
        ),
        (
            "chainHead_v1_body",
            json!([sub, unknown]),
            json!({ "code": -32801 }),
        ),
        (
            "chainHead_v1_storage",
            json!([sub, unknown, []]),
            json!({ "code": -32801 }),
        ),
        (
            "chainHead_v1_call",
            json!([sub, genesis, "Test_echo", "0x"]),
            json!({ "code": -32802 }),
        ),
        (
            "chainHead_v1_call",
            json!([sub, unknown, "Test_echo", "0x"]),
            json!({ "code": -32801 }),
        ),
        ("chainHead_v1_body", json!([sub]), json!({ "code": -32602 })),
    ];
    for (method, params, expected) in table {
        let answer = call(&module, method, params.clone()).await;
        match expected.get("code") {
            Some(code) => assert_eq!(
                json!(error_code(&answer)),
                *code,
                "{method} {params}: {answer}"
            ),
            None => assert_eq!(
                answer["result"], expected["result"],
                "{method} {params}: {answer}"
            ),
        }
    }
    let refused = subscribe_with(&module, "chainHead_v1_follow", json!([]), 8)
        .await
        .0;
    assert_eq!(error_code(&refused), -32602, "withRuntime is required");
}

#[tokio::test(flavor = "current_thread")]
async fn no_node_work_of_the_new_api_runs_on_the_async_workers() {
    let async_thread = std::thread::current().id();
    let memory = Arc::new(Memory::new());
    let block = memory.push(&[(b"key", Some(b"value"))], None);
    let module = module_v2(&memory, SpecV2Config::new(true));
    let (mut events, _) = follow(&module, true).await;
    let sub = events.id.clone();
    let items = json!([{ "key": "0x", "type": "descendantsHashes" }, { "key": "0x", "type": "closestDescendantMerkleValue" }]);
    for (method, params) in [
        ("chainHead_v1_body", json!([sub, block])),
        ("chainHead_v1_call", json!([sub, block, "Test_echo", "0x"])),
        ("chainHead_v1_storage", json!([sub, block, items])),
    ] {
        start(&module, method, params).await;
        let done = [
            "operationBodyDone",
            "operationCallDone",
            "operationStorageDone",
        ];
        while !done.contains(&events.next().await["event"].as_str().unwrap_or_default()) {}
    }
    memory.push(&[], Some(3));
    memory.finalize_best();
    events.next_event("finalized").await;
    for (method, params) in [
        ("chainSpec_v1_genesisHash", json!([])),
        ("archive_v1_body", json!([block])),
        ("archive_v1_header", json!([block])),
        ("archive_v1_call", json!([block, "Test_echo", "0x"])),
        ("archive_v1_hashByHeight", json!([1])),
        ("archive_v1_finalizedHeight", json!([])),
        ("archive_v1_genesisHash", json!([])),
    ] {
        let answer = call(&module, method, params).await;
        assert!(answer.get("result").is_some(), "{method}: {answer}");
    }
    let mut storage = subscribe(&module, "archive_v1_storage", json!([block, items])).await;
    storage.next_event("storageDone").await;
    let on_async_thread: Vec<&str> = memory
        .take_log()
        .calls
        .iter()
        .filter(|(_, thread)| *thread == async_thread)
        .map(|(what, _)| *what)
        .collect();
    assert!(
        on_async_thread.is_empty(),
        "node calls on the async worker: {on_async_thread:?}"
    );
}

#[tokio::test]
async fn a_reorg_moves_the_best_block_to_a_reported_branch() {
    let memory = Arc::new(Memory::new());
    let genesis = memory.genesis();
    let one = memory.push(&[], None);
    let module = module_v2(&memory, config());
    let (mut events, _) = follow(&module, false).await;
    let fork = memory.fork(genesis, &[(b"fork", Some(b"1"))]);
    assert_eq!(
        events.next().await,
        json!({ "event": "newBlock", "blockHash": fork, "parentBlockHash": genesis })
    );
    let on_fork = memory.fork(fork, &[]);
    memory.set_best(on_fork);
    assert_eq!(
        events.next().await,
        json!({ "event": "newBlock", "blockHash": on_fork, "parentBlockHash": fork })
    );
    assert_eq!(
        events.next().await,
        json!({ "event": "bestBlockChanged", "bestBlockHash": on_fork })
    );
    memory.finalize(on_fork);
    assert_eq!(
        events.next().await,
        json!({ "event": "finalized", "finalizedBlockHashes": [fork, on_fork], "prunedBlockHashes": [one] })
    );
}
