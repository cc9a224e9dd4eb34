//! Real node processes on 127.0.0.1 forming a network over WebSocket
//! libp2p addresses: an authority (`--dev`, Alice) and full nodes
//! (`--chain dev`, no key) that know only the authority's address. Every
//! wait is on a condition with a deadline; nodes are killed when dropped.

mod support;

use serde_json::{json, Value};
use std::time::Duration;
use support::ws::Ws;
use support::{account, dev_signers, hex_of, parse_hash, signed_transfer, wait_for, Node};

const WAIT: Duration = Duration::from_secs(90);

/// The p2p listen address on a free port, and the port.
fn ws_listen() -> (String, u16) {
    let port = support::free_port();
    (format!("/ip4/127.0.0.1/tcp/{port}/ws"), port)
}

fn authority(dir: &std::path::Path) -> (Node, String) {
    let (listen, _) = ws_listen();
    let node = Node::start_on(dir, &["--dev", "--no-mdns"], &["--listen-addr", &listen]);
    let peer_id = node.rpc("system_localPeerId", json!([]));
    let bootnode = format!("{listen}/p2p/{}", peer_id.as_str().expect("peer id"));
    (node, bootnode)
}

fn full_node(dir: &std::path::Path, bootnode: &str) -> Node {
    let (listen, _) = ws_listen();
    Node::start_on(
        dir,
        &["--chain", "dev", "--no-mdns"],
        &["--listen-addr", &listen, "--bootnodes", bootnode],
    )
}

/// Waits until `follower` has the block `leader` has at `number`, with the
/// same hash, finalized.
fn wait_agree(leader: &Node, follower: &Node, number: u32) {
    wait_for(&format!("agreement on finalized #{number}"), WAIT, || {
        let theirs = follower
            .try_rpc("chain_getBlockHash", json!([number]))
            .ok()?;
        let ours = leader.rpc("chain_getBlockHash", json!([number]));
        let finalized = follower.finalized().0;
        (theirs["result"] == ours && !ours.is_null() && finalized >= number).then_some(())
    });
}

fn health(node: &Node) -> Value {
    node.rpc("system_health", json!([]))
}

#[test]
fn a_full_node_syncs_follows_and_relays_a_transfer_to_the_authority() {
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (alice, bootnode) = authority(dir_a.path());
    alice.wait_best(3, WAIT);
    let full = full_node(dir_b.path(), &bootnode);

    let target = alice.best().0 + 2;
    wait_agree(&alice, &full, target);
    wait_for("the same best block", WAIT, || {
        let (a, f) = (alice.best(), full.best());
        (a == f).then_some(())
    });
    let (fin_a, fin_f) = (alice.finalized(), full.finalized());
    assert!(
        fin_f.0 + 1 >= fin_a.0,
        "authority {fin_a:?}, full {fin_f:?}"
    );
    assert_eq!(health(&full)["peers"], 1);
    assert_eq!(health(&alice)["peers"], 1);
    assert_eq!(health(&full)["isSyncing"], false);

    let signers = dev_signers();
    let xt = signed_transfer(
        full.genesis(),
        &signers[1],
        0,
        account(&signers[2]),
        1_000_000_000_000,
    );
    let mut ws = Ws::connect(full.rpc_port).expect("ws");
    ws.send(&json!({"jsonrpc": "2.0", "id": 1, "method": "author_submitAndWatchExtrinsic", "params": [hex_of(&xt)]}).to_string()).expect("send");
    let finalized_in = loop {
        let frame = ws.receive().expect("frame").expect("open socket");
        let message: Value = serde_json::from_slice(&frame).expect("json");
        let status = &message["params"]["result"];
        if let Some(hash) = status.get("finalized") {
            break parse_hash(hash);
        }
    };
    let block = alice.rpc("chain_getBlock", json!([format!("{finalized_in}")]));
    let extrinsics = block["block"]["extrinsics"].as_array().expect("extrinsics");
    assert!(
        extrinsics.iter().any(|x| x == &json!(hex_of(&xt))),
        "{block}"
    );
    assert_eq!(alice.next_nonce(&account(&signers[1])), 1);
    wait_for("the full node's nonce", WAIT, || {
        (full.next_nonce(&account(&signers[1])) == 1).then_some(())
    });

    let peers = full.rpc("system_peers", json!([]));
    assert_eq!(peers[0]["roles"], "AUTHORITY", "{peers}");
    let state = full.rpc("system_unstable_networkState", json!([]));
    let alice_id = alice.rpc("system_localPeerId", json!([]));
    let alice_id = alice_id.as_str().expect("peer id");
    assert_eq!(
        state["connectedPeers"][alice_id]["roles"], "AUTHORITY",
        "{state}"
    );
    assert_eq!(
        state["peerId"],
        full.rpc("system_localPeerId", json!([])),
        "{state}"
    );
    assert_eq!(state["health"]["peers"], 1, "{state}");
    let sync = full.rpc("system_syncState", json!([]));
    assert!(
        sync["highestBlock"].as_u64() >= sync["currentBlock"].as_u64().map(|c| c.saturating_sub(1)),
        "{sync}"
    );
    let metrics = support::http::get(full.metrics_port, "/metrics").expect("metrics");
    assert!(
        metrics.contains("substrate_node_roles{chain=\"dev\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("substrate_sub_libp2p_peers_count{chain=\"dev\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("status=\"sync_target\""), "{metrics}");
}

#[test]
fn four_nodes_find_each_other_and_a_late_node_syncs_to_the_tip() {
    let dirs: Vec<_> = (0..5).map(|_| tempfile::tempdir().unwrap()).collect();
    let (alice, bootnode) = authority(dirs[0].path());
    let fulls: Vec<Node> = (1..4)
        .map(|i| full_node(dirs[i].path(), &bootnode))
        .collect();
    wait_for("every full node to know the other three", WAIT, || {
        fulls
            .iter()
            .all(|n| health(n)["peers"].as_u64() >= Some(3))
            .then_some(())
    });
    let target = alice.best().0 + 2;
    for node in &fulls {
        wait_agree(&alice, node, target);
    }

    alice.wait_best(target + 8, WAIT);
    let late = full_node(dirs[4].path(), &bootnode);
    let tip = alice.best().0;
    wait_agree(&alice, &late, tip);
    let sync = late.rpc("system_syncState", json!([]));
    assert_eq!(sync["startingBlock"], 0, "{sync}");
    assert!(
        sync["highestBlock"].as_u64() >= Some(u64::from(tip)),
        "{sync}"
    );
    let peers = late.rpc("system_peers", json!([]));
    assert!(peers.as_array().map_or(0, Vec::len) >= 1, "{peers}");
}
