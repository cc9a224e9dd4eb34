//! No node work runs on the async workers: on a single-threaded runtime,
//! every call the in-memory node receives — from every method, and from
//! every subscription both when it starts and on each new (justified,
//! final) block — comes from another thread (the blocking pool).

use crate::support::{call_module, module, Memory, PATIENCE};
use entroos_finality::BlockId;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::Arc;
use tokio::sync::mpsc::Receiver;
use tokio::time::timeout;

const KEY: &str = "0x6b6579";
const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

/// Every method but the unsubscribes, with parameters it accepts.
fn every_method(genesis: Value) -> Vec<(&'static str, Value)> {
    let none = json!([]);
    let mut table = vec![
        ("rpc_methods", none.clone()),
        ("system_accountNextIndex", json!([ALICE])),
        ("account_nextIndex", json!([ALICE])),
        ("chain_getBlockHash", json!([0])),
        ("state_getStorage", json!([KEY])),
        ("state_getStorageAt", json!([KEY, genesis])),
        ("state_getStorageHash", json!([KEY])),
        ("state_getStorageHashAt", json!([KEY, genesis])),
        ("state_getStorageSize", json!([KEY])),
        ("state_getStorageSizeAt", json!([KEY, genesis])),
        ("state_queryStorageAt", json!([[KEY]])),
        ("state_queryStorage", json!([[KEY], genesis])),
        ("state_getKeysPaged", json!(["0x", 10])),
        ("state_getKeysPagedAt", json!(["0x", 10, null, genesis])),
        ("state_call", json!(["Core_version", "0x"])),
        ("state_callAt", json!(["Core_version", "0x", genesis])),
        ("state_subscribeStorage", json!([[KEY]])),
        ("state_getReadProof", json!([[KEY]])),
        ("author_submitExtrinsic", json!(["0x01"])),
        ("author_submitAndWatchExtrinsic", json!(["0x02"])),
        ("author_removeExtrinsic", json!([[{ "hash": genesis }]])),
        (
            "system_addReservedPeer",
            json!(["/ip4/127.0.0.1/tcp/30333/ws/p2p/12D3KooWMemory"]),
        ),
        ("system_removeReservedPeer", json!(["12D3KooWMemory"])),
        ("author_insertKey", json!(["memo", "//Alice", KEY])),
        ("author_hasKey", json!([KEY, "memo"])),
        ("offchain_localStorageSet", json!(["PERSISTENT", KEY, KEY])),
        ("offchain_localStorageGet", json!(["PERSISTENT", KEY])),
        ("entropy_proveFinality", json!([100])),
        ("poe_job", json!([0])),
        ("poe_jobs", json!([{ "limit": 2 }])),
        ("poe_receipts", json!([0])),
        ("poe_output", json!([0])),
        ("poe_logs", json!([0])),
        ("poe_verifyReceipt", json!([crate::poe::verify_request()])),
        ("poe_subscribeJob", json!([crate::poe::OPEN_JOB])),
        (
            "author_hasSessionKeys",
            json!([format!("0x{}", "00".repeat(32))]),
        ),
    ];
    let without_params = [
        "system_name",
        "system_version",
        "system_chain",
        "system_chainType",
        "system_properties",
        "system_health",
        "system_localPeerId",
        "system_localListenAddresses",
        "system_nodeRoles",
        "system_peers",
        "system_syncState",
        "system_unstable_networkState",
        "chain_getHead",
        "chain_getHeader",
        "chain_getBlock",
        "chain_getFinalizedHead",
        "chain_getFinalisedHead",
        "chain_subscribeNewHeads",
        "chain_subscribeNewHead",
        "subscribe_newHead",
        "chain_subscribeFinalizedHeads",
        "chain_subscribeFinalisedHeads",
        "chain_subscribeAllHeads",
        "state_getRuntimeVersion",
        "chain_getRuntimeVersion",
        "state_getMetadata",
        "state_subscribeRuntimeVersion",
        "chain_subscribeRuntimeVersion",
        "author_pendingExtrinsics",
        "author_rotateKeys",
        "entropy_validators",
        "entropy_diversity",
        "entropy_epoch",
        "entropy_roundState",
        "entropy_subscribeJustifications",
    ];
    table.extend(without_params.map(|name| (name, none.clone())));
    table
}

fn is_unsubscribe(name: &str) -> bool {
    name.contains("unsubscribe") || name.contains("unwatch")
}

/// Subscriptions that notify only on events (a justified block), not when
/// they start.
const QUIET_AT_START: [&str; 1] = ["entropy_subscribeJustifications"];

fn is_subscribe(name: &str) -> bool {
    !is_unsubscribe(name) && (name.contains("subscribe") || name.contains("Watch"))
}

async fn next(name: &str, notifications: &mut Receiver<Box<serde_json::value::RawValue>>) {
    let notification = timeout(PATIENCE, notifications.recv()).await;
    assert!(
        matches!(notification, Ok(Some(_))),
        "{name} sends a notification"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn no_node_work_runs_on_the_async_workers() {
    let async_thread = std::thread::current().id();
    let memory = Arc::new(Memory::new());
    let answers = crate::entropy::runtime_answers();
    let changes: Vec<(&[u8], Option<&[u8]>)> = answers
        .iter()
        .map(|(method, answer)| (method.as_bytes(), Some(answer.as_slice())))
        .collect();
    memory.push(&changes, None);
    crate::poe::ledger_with_kept_run(&memory);
    memory.take_log(); // the setup's own writes are not node work
    let module = module(&memory, false);
    let table = every_method(json!(memory.genesis()));

    let covered: BTreeSet<&str> = table.iter().map(|(name, _)| *name).collect();
    let served: BTreeSet<&str> = module
        .method_names()
        .filter(|n| !is_unsubscribe(n))
        .collect();
    assert_eq!(covered, served, "the table calls every method");

    let mut subscriptions = Vec::new();
    for (name, params) in table {
        let (response, notifications) = call_module(&module, name, params).await;
        assert!(response.get("result").is_some(), "{name}: {response}");
        if is_subscribe(name) {
            subscriptions.push((name, notifications));
        }
    }
    for (name, notifications) in &mut subscriptions {
        if !QUIET_AT_START.contains(name) {
            next(name, notifications).await;
        }
    }
    let at_start = memory.take_log();

    let (job_key, job_moved) = crate::poe::open_job_moved_on();
    let new_block = memory.push(
        &[(b"key", Some(b"new")), (&job_key, Some(&job_moved))],
        Some(2),
    );
    let justification = crate::entropy::justification(BlockId::new(2, new_block));
    memory.finalize_justified(new_block, justification.to_stored());
    for (name, notifications) in &mut subscriptions {
        if !name.starts_with("author") {
            next(name, notifications).await;
        }
    }
    let on_new_block = memory.take_log();

    let seen: BTreeSet<&str> = on_new_block.calls.iter().map(|(what, _)| *what).collect();
    assert!(
        seen.contains("state.storage") && seen.contains("state.runtime_version"),
        "subscriptions read the new block: {seen:?}"
    );
    let on_async_thread: BTreeSet<&str> = at_start
        .calls
        .iter()
        .chain(&on_new_block.calls)
        .filter(|(_, thread)| *thread == async_thread)
        .map(|(what, _)| *what)
        .collect();
    assert!(
        on_async_thread.is_empty(),
        "node calls made on the async worker: {on_async_thread:?}"
    );
}
