//! The new JSON-RPC API on a running dev node: advertised by default (the
//! archive group on an archive node only) and switched off by
//! `--rpc-disable-spec-v2`; `chainHead_v1_follow` reports real blocks and
//! reads their runtime and storage; a transfer watched with
//! `transactionWatch_v1_submitAndWatch` is reported finalized at its index
//! in the block; `state_getReadProof` proves a balance against the state
//! root.

mod support;

use entroos_primitives::hashing::{blake2_128, storage_prefix};
use entroos_primitives::{AccountId32, H256};
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::time::Duration;
use support::ws::Ws;
use support::*;

/// A WebSocket client keeping notifications that arrive while it waits
/// for a response.
struct Client {
    ws: Ws,
    next_id: u64,
    notifications: VecDeque<Value>,
}

impl Client {
    fn connect(node: &Node) -> Client {
        let ws = Ws::connect(node.rpc_port).expect("websocket");
        ws.0.set_read_timeout(Some(Duration::from_secs(60)))
            .expect("timeout");
        Client {
            ws,
            next_id: 1,
            notifications: VecDeque::new(),
        }
    }

    fn read(&mut self) -> Value {
        let frame = self.ws.receive().expect("a frame in time").expect("open");
        serde_json::from_slice(&frame).expect("JSON")
    }

    /// A call: its whole response.
    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let request = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params });
        self.ws.send(&request.to_string()).expect("send");
        loop {
            let message = self.read();
            if message["id"] == id {
                return message;
            }
            self.notifications.push_back(message);
        }
    }

    /// The next notification of subscription `sub` matching `wanted`.
    fn event(&mut self, sub: &Value, wanted: impl Fn(&Value) -> bool) -> Value {
        loop {
            let position = self.notifications.iter().position(|m| {
                m["params"]["subscription"] == *sub && wanted(&m["params"]["result"])
            });
            if let Some(message) = position.and_then(|p| self.notifications.remove(p)) {
                return message["params"]["result"].clone();
            }
            let message = self.read();
            self.notifications.push_back(message);
        }
    }
}

fn account_key(who: &AccountId32) -> Vec<u8> {
    let mut key = storage_prefix("System", "Account").to_vec();
    key.extend(blake2_128(&who.0));
    key.extend(who.0);
    key
}

fn methods(node: &Node) -> Vec<String> {
    serde_json::from_value(node.rpc("rpc_methods", json!([]))["methods"].clone()).expect("names")
}

#[test]
fn the_new_api_follows_reads_proves_and_watches_on_a_real_chain() {
    let dir = tempfile::tempdir().expect("tempdir");
    let node = Node::start(dir.path(), &["--state-pruning", "archive"]);
    let listed = methods(&node);
    for method in [
        "chainHead_v1_follow",
        "chainSpec_v1_genesisHash",
        "transaction_v1_broadcast",
        "transactionWatch_v1_submitAndWatch",
        "archive_v1_storage",
        "state_getReadProof",
    ] {
        assert!(listed.iter().any(|m| m == method), "{method} is listed");
    }
    let mut client = Client::connect(&node);
    let sub = client.call("chainHead_v1_follow", json!([true]))["result"].clone();
    let initialized = client.event(&sub, |e| e["event"] == "initialized");
    assert_eq!(
        initialized["finalizedBlockRuntime"]["spec"]["specName"],
        "entroos"
    );
    let finalized = initialized["finalizedBlockHashes"][0].clone();

    let version = client.call(
        "chainHead_v1_call",
        json!([sub, finalized, "Core_version", "0x"]),
    );
    let operation = version["result"]["operationId"].clone();
    let done = client.event(&sub, |e| e["operationId"] == operation);
    assert_eq!(done["event"], "operationCallDone", "{done}");

    let alice = account(&dev_signers()[0]);
    let key = hex_of(&account_key(&alice));
    let items = json!([{ "key": key, "type": "value" }]);
    let storage = client.call("chainHead_v1_storage", json!([sub, finalized, items]));
    let operation = storage["result"]["operationId"].clone();
    let found = client.event(&sub, |e| e["operationId"] == operation);
    assert_eq!(found["items"][0]["key"], key, "{found}");
    let value = found["items"][0]["value"].clone();

    let at: H256 = parse_hash(&finalized);
    let proof = node.rpc("state_getReadProof", json!([[key], finalized]));
    let nodes: Vec<Vec<u8>> = proof["proof"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| hex::decode(&n.as_str().expect("hex")[2..]).expect("hex"))
        .collect();
    let root = parse_hash(&node.rpc("chain_getHeader", json!([at]))["stateRoot"]);
    let proven = entroos_rpc::trie::read_from_proof(root, &nodes, &account_key(&alice))
        .expect("the proof holds every node of the path");
    assert_eq!(
        proven.map(|v| hex_of(&v)),
        value.as_str().map(str::to_string)
    );

    let xt = signed_transfer(
        node.genesis(),
        &dev_signers()[0],
        0,
        AccountId32([7; 32]),
        5_000_000_000_000,
    );
    let watch = client.call("transactionWatch_v1_submitAndWatch", json!([hex_of(&xt)]));
    let watched = watch["result"].clone();
    let last = client.event(&watched, |e| {
        e["event"] != "validated" && e["event"] != "bestChainBlockIncluded"
    });
    assert_eq!(last["event"], "finalized", "{last}");
    let block = node.rpc("chain_getBlock", json!([last["block"]["hash"]]));
    let index = last["block"]["index"].as_u64().expect("an index") as usize;
    assert_eq!(block["block"]["extrinsics"][index], hex_of(&xt));
}

#[test]
fn the_new_api_is_off_with_the_flag_and_archive_only_on_archive_nodes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let node = Node::start(dir.path(), &[]);
    let listed = methods(&node);
    assert!(listed.iter().any(|m| m == "chainHead_v1_follow"));
    assert!(
        listed.iter().all(|m| !m.starts_with("archive_v1_")),
        "a pruning node serves no archive group"
    );
    drop(node);

    let dir = tempfile::tempdir().expect("tempdir");
    let node = Node::start(
        dir.path(),
        &["--rpc-disable-spec-v2", "--state-pruning", "archive"],
    );
    let new_api = [
        "chainHead_v1_",
        "chainSpec_v1_",
        "transaction",
        "archive_v1_",
    ];
    let listed = methods(&node);
    assert!(
        listed
            .iter()
            .all(|m| !new_api.iter().any(|p| m.starts_with(p))),
        "{listed:?}"
    );
    let refused = node
        .try_rpc("chainSpec_v1_genesisHash", json!([]))
        .expect("answer");
    assert_eq!(refused["error"]["code"], -32601);
}

#[test]
fn a_block_pinned_by_chain_head_keeps_its_state_past_the_pruning_window_until_unpinned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let node = Node::start(dir.path(), &["--state-pruning", "2"]);
    let mut client = Client::connect(&node);
    let sub = client.call("chainHead_v1_follow", json!([false]))["result"].clone();
    let initialized = client.event(&sub, |e| e["event"] == "initialized");
    let pinned = initialized["finalizedBlockHashes"][0].clone();
    let pinned_number = number_of(&node.rpc("chain_getHeader", json!([pinned])));
    wait_for(
        "finality 6 blocks past the pinned block",
        Duration::from_secs(60),
        || (node.finalized().0 >= pinned_number + 6).then_some(()),
    );

    let key = hex_of(&account_key(&account(&dev_signers()[0])));
    let value = node.rpc("state_getStorage", json!([key, pinned]));
    assert!(value.is_string(), "the pinned state is kept: {value}");
    let items = json!([{ "key": key, "type": "value" }]);
    let storage = client.call("chainHead_v1_storage", json!([sub, pinned, items]));
    let operation = storage["result"]["operationId"].clone();
    let found = client.event(&sub, |e| e["operationId"] == operation);
    assert_eq!(found["event"], "operationStorageItems", "{found}");
    assert_eq!(found["items"][0]["value"], value);
    let body = client.call("chainHead_v1_body", json!([sub, pinned]));
    let operation = body["result"]["operationId"].clone();
    let done = client.event(&sub, |e| e["operationId"] == operation);
    assert_eq!(done["event"], "operationBodyDone", "{done}");

    let unpinned = client.call("chainHead_v1_unpin", json!([sub, pinned]));
    assert_eq!(unpinned["result"], Value::Null, "{unpinned}");
    let discarded = node
        .try_rpc("state_getStorage", json!([key, pinned]))
        .expect("an answer");
    assert!(
        discarded["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("State already discarded")),
        "pruned at unpin: {discarded}"
    );
}
