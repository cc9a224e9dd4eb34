//! Block sync between real node processes on 127.0.0.1: a fresh node
//! syncing a 2,000-block chain from three peers while its RPC and metrics
//! report the progress, and a full node killed and restarted catching up.
//!
//! The 2,000 blocks are authored in the past by the dev authority (see
//! `support/past_chain.rs`) and imported with the node's own
//! `import-blocks`; the two other peers start from copies of that
//! database. Every wait is on a condition with a deadline, and nodes are
//! killed when dropped.

mod support;

#[path = "support/past_chain.rs"]
mod past_chain;

use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;
use std::time::Duration;
use support::{wait_for, Node};

const WAIT: Duration = Duration::from_secs(90);
const CHAIN_LENGTH: u32 = 2_000;

/// A node started on `dir` with `chain` arguments (and `extra`), listening
/// on a free port and dialing `bootnodes`; returns it with its address.
fn start(dir: &Path, chain: &[&str], bootnodes: &[String]) -> (Node, String) {
    let listen = format!("/ip4/127.0.0.1/tcp/{}/ws", support::free_port());
    let mut extra = vec!["--listen-addr", &listen];
    if !bootnodes.is_empty() {
        extra.push("--bootnodes");
        extra.extend(bootnodes.iter().map(String::as_str));
    }
    let mut args = chain.to_vec();
    args.push("--no-mdns");
    let node = Node::start_on(dir, &args, &extra);
    let peer_id = node.rpc("system_localPeerId", json!([]));
    let addr = format!("{listen}/p2p/{}", peer_id.as_str().expect("peer id"));
    (node, addr)
}

/// Imports the block file into the dev chain under `dir` with the node's
/// own `import-blocks`.
fn import_blocks(dir: &Path, file: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_entroos-node"))
        .args(["import-blocks", "--dev", "--base-path"])
        .arg(dir)
        .arg(file)
        .output()
        .expect("run import-blocks");
    assert!(
        out.status.success(),
        "import-blocks: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Copies the chain data (no node key: each node makes its own).
fn copy_chain(from: &Path, to: &Path) {
    let status = Command::new("cp")
        .arg("-a")
        .arg(from.join("chains"))
        .arg(to)
        .status()
        .expect("cp");
    assert!(status.success());
    assert!(!to.join("chains/dev/network").exists());
}

fn health(node: &Node) -> Value {
    node.rpc("system_health", json!([]))
}

fn metric(node: &Node, name: &str) -> f64 {
    support::http::metric(node.metrics_port, name).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn number(value: &Value) -> u64 {
    value
        .as_u64()
        .unwrap_or_else(|| panic!("not a number: {value}"))
}

/// Waits until `follower` has `leader`'s block at `number`, finalized.
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

/// What the syncing node reported while it was behind.
#[derive(Debug, Default)]
struct WhileSyncing {
    /// Polls that found `system_health.isSyncing` true.
    polls: u32,
    /// ... and the metric `substrate_sub_libp2p_is_major_syncing` at 1.
    metric_syncing: u32,
    /// The most peers `system_health` reported meanwhile, and the most
    /// `system_peers` listed.
    most_peers: u64,
    most_listed: usize,
    /// The lowest and highest `currentBlock` seen meanwhile.
    current: (u64, u64),
    /// The lowest `highestBlock` and sync target metric seen meanwhile.
    lowest_highest: u64,
    lowest_target: f64,
    /// `startingBlock` values seen.
    starting: Vec<u64>,
}

impl WhileSyncing {
    fn observe(&mut self, node: &Node) {
        let health = health(node);
        if health["isSyncing"] != true {
            return;
        }
        let state = node.rpc("system_syncState", json!([]));
        let current = number(&state["currentBlock"]);
        if self.polls == 0 {
            self.current = (current, current);
            self.lowest_highest = u64::MAX;
            self.lowest_target = f64::MAX;
        }
        self.polls += 1;
        self.most_peers = self.most_peers.max(number(&health["peers"]));
        let listed = node.rpc("system_peers", json!([]));
        let listed = listed.as_array().map_or(0, Vec::len);
        self.most_listed = self.most_listed.max(listed);
        self.current = (self.current.0.min(current), self.current.1.max(current));
        self.lowest_highest = self.lowest_highest.min(number(&state["highestBlock"]));
        let starting = number(&state["startingBlock"]);
        if !self.starting.contains(&starting) {
            self.starting.push(starting);
        }
        if metric(node, "substrate_sub_libp2p_is_major_syncing") == 1.0 {
            self.metric_syncing += 1;
        }
        let target = metric(node, "substrate_block_height{status=\"sync_target\"");
        self.lowest_target = self.lowest_target.min(target);
    }
}

#[test]
fn a_fresh_node_syncs_2000_blocks_from_three_peers_and_reports_its_progress() {
    let dirs: Vec<_> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let file = dirs[3].path().join("chain.bin");
    past_chain::write_dev_chain(CHAIN_LENGTH, &file);
    import_blocks(dirs[0].path(), &file);
    std::fs::remove_file(&file).unwrap();
    copy_chain(dirs[0].path(), dirs[1].path());
    copy_chain(dirs[0].path(), dirs[2].path());

    let (alice, alice_addr) = start(dirs[0].path(), &["--dev"], &[]);
    let (bob, bob_addr) = start(
        dirs[1].path(),
        &["--chain", "dev"],
        std::slice::from_ref(&alice_addr),
    );
    let (charlie, charlie_addr) = start(
        dirs[2].path(),
        &["--chain", "dev"],
        std::slice::from_ref(&alice_addr),
    );
    let serving = [&alice, &bob, &charlie];
    for node in serving {
        assert!(node.best().0 >= CHAIN_LENGTH);
    }
    let (fresh, _) = start(
        dirs[3].path(),
        &["--chain", "dev"],
        &[alice_addr, bob_addr, charlie_addr],
    );

    let mut seen = WhileSyncing::default();
    wait_for("the fresh node to pass the imported chain", WAIT, || {
        seen.observe(&fresh);
        (fresh.best().0 >= CHAIN_LENGTH).then_some(())
    });
    println!("while syncing: {seen:?}");
    assert!(seen.polls > 0, "isSyncing was never true");
    assert!(seen.metric_syncing > 0, "is_major_syncing was never 1");
    assert_eq!(seen.most_peers, 3, "synced from three peers");
    assert_eq!(seen.most_listed, 3);
    assert_eq!(seen.starting, [0]);
    assert!(
        seen.current.0 < seen.current.1,
        "progress: {:?}",
        seen.current
    );
    assert!(seen.lowest_highest >= u64::from(CHAIN_LENGTH));
    assert!(seen.lowest_target >= f64::from(CHAIN_LENGTH));

    let tip = alice.best().0;
    wait_agree(&alice, &fresh, tip);
    wait_for("the fresh node to leave major sync", WAIT, || {
        let syncing = metric(&fresh, "substrate_sub_libp2p_is_major_syncing");
        (health(&fresh)["isSyncing"] == false && syncing == 0.0).then_some(())
    });
    let health = health(&fresh);
    assert_eq!(health["peers"], 3, "{health}");
    let state = fresh.rpc("system_syncState", json!([]));
    assert!(number(&state["currentBlock"]) >= u64::from(tip), "{state}");
    assert!(number(&state["highestBlock"]) >= u64::from(tip), "{state}");
    let peers = fresh.rpc("system_peers", json!([]));
    let roles: Vec<&str> = peers
        .as_array()
        .expect("peers")
        .iter()
        .map(|p| p["roles"].as_str().expect("roles"))
        .collect();
    assert_eq!(roles.len(), 3, "{peers}");
    assert_eq!(roles.iter().filter(|r| **r == "AUTHORITY").count(), 1);
    assert!(
        metric(
            &fresh,
            "substrate_sub_libp2p_network_bytes_total{direction=\"in\""
        ) > 0.0
    );
    assert!(
        metric(
            &fresh,
            "substrate_sub_libp2p_network_bytes_total{direction=\"out\""
        ) > 0.0
    );

    let served: Vec<f64> = serving
        .iter()
        .map(|node| metric(node, "substrate_sync_blocks_served_total"))
        .collect();
    println!("blocks served by the authority and the two full nodes: {served:?}");
    assert!(
        served.iter().all(|s| *s >= 100.0),
        "each peer served: {served:?}"
    );
    assert!(served.iter().sum::<f64>() >= f64::from(CHAIN_LENGTH));
}

#[test]
fn a_killed_full_node_restarts_and_catches_up() {
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let slot = ["--slot-millis", "500"];
    let (alice, alice_addr) = start(dir_a.path(), &["--dev", slot[0], slot[1]], &[]);
    let full_args = ["--chain", "dev", slot[0], slot[1]];
    let (full, _) = start(dir_b.path(), &full_args, std::slice::from_ref(&alice_addr));
    wait_agree(&alice, &full, alice.best().0 + 2);
    full.kill9();

    let (kept, _) = alice.finalized();
    alice.wait_best(kept + 20, WAIT);
    let (full, _) = start(dir_b.path(), &full_args, &[alice_addr]);
    let resumed_at = number(&full.rpc("system_syncState", json!([]))["startingBlock"]);
    assert!(
        resumed_at >= 2,
        "it resumed from its database, not from #{resumed_at}"
    );
    let leader_finalized = alice.finalized().0;
    assert!(u64::from(leader_finalized) >= resumed_at + 20);
    wait_agree(&alice, &full, leader_finalized);
    wait_for("the restarted node to follow the tip", WAIT, || {
        let (a, f) = (alice.finalized(), full.finalized());
        (f.0 > leader_finalized && a.0 <= f.0 + 1).then_some(())
    });
    assert_eq!(health(&full)["isSyncing"], false);
}
