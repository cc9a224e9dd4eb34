//! Deterministic simulations of whole networks of sync machines: seeded
//! delays (5–80 ms), 1 % loss of requests and responses, no sleeps and no
//! wall clock.

mod common;

use common::chain::MemChain;
use common::sim::{Behavior, Sim, SimConfig};
use entroos_network_api::Reason;
use entroos_sync::SyncState;

const HONEST_SEED: u8 = 1;

/// A chain of `len` honest blocks.
fn honest_chain(len: u32) -> MemChain {
    let mut chain = MemChain::new();
    let genesis = chain.genesis();
    chain.grow(genesis, len, HONEST_SEED, None);
    chain
}

fn synced_to(sim: &Sim, node: usize, target: (u32, entroos_primitives::H256)) -> bool {
    sim.best(node) == target
}

#[test]
fn a_fresh_node_syncs_2000_blocks_from_three_peers() {
    let mut sim = Sim::new(SimConfig::new(7));
    let chain = honest_chain(2_000);
    let target = chain.best();
    let fresh = sim.add_node(MemChain::new(), Behavior::Honest);
    let peers: Vec<usize> = (0..3)
        .map(|_| sim.add_node(chain.clone(), Behavior::Honest))
        .collect();
    for &peer in &peers {
        sim.link(fresh, peer);
    }
    assert!(
        sim.run_until(300_000, |s| synced_to(s, fresh, target)),
        "not synced: {:?}",
        sim.best(fresh)
    );
    let served: Vec<u64> = peers.iter().map(|&p| sim.nodes[p].served).collect();
    println!("synced 2000 blocks in {} ms of simulated time, {} events; blocks served per peer {served:?}", sim.now, sim.log.events);
    assert!(
        served.iter().all(|&s| s >= 200),
        "every peer serves a fair share: {served:?}"
    );
    assert!(sim.log.max_in_flight <= sim.cfg.sync.max_requests_per_peer);
    assert!(sim.log.max_held <= sim.cfg.sync.max_blocks_ahead as usize + 128);
    assert!(sim.log.max_queued <= sim.cfg.sync.import_queue as usize);
    let sync = sim.nodes[fresh].sync.as_ref().unwrap();
    let status = sync.status(&sim.nodes[fresh].chain);
    assert_eq!(
        (
            status.state,
            status.starting,
            status.current,
            status.highest,
            status.peers
        ),
        (SyncState::Following, 0, 2_000, 2_000, 3)
    );
    assert!(
        sim.log.bans.is_empty(),
        "no honest peer is banned: {:?}",
        sim.log.bans
    );
}

/// Imports at 5 ms a block, slower than three peers serve: the node
/// holds at most its import queue's worth of blocks for import, and still
/// syncs, also down a branch of its own peer.
#[test]
fn a_slow_importer_is_handed_at_most_its_import_queue() {
    let mut config = SimConfig::new(23);
    config.import_millis = 5;
    config.sync.import_queue = 100;
    let mut sim = Sim::new(config);
    let chain = honest_chain(2_000);
    let fresh = sim.add_node(MemChain::new(), Behavior::Honest);
    for _ in 0..3 {
        let peer = sim.add_node(chain.clone(), Behavior::Honest);
        sim.link(fresh, peer);
    }
    let mut forked = honest_chain(1_900);
    let fork_point = forked.best().1;
    let fork_tip = forked.grow(fork_point, 300, 2, None);
    assert!(
        sim.run_until(300_000, |s| synced_to(s, fresh, chain.best())),
        "not synced: {:?}",
        sim.best(fresh)
    );
    let on_fork = sim.add_node(forked, Behavior::Honest);
    sim.link(fresh, on_fork);
    assert!(
        sim.run_until(sim.now + 120_000, |s| s.best(fresh) == (2_200, fork_tip)),
        "no reorg: {:?} {:?} {:?}",
        sim.best(fresh),
        sim.log.reports,
        sim.log.expulsions
    );
    println!(
        "synced 2000 blocks at 5 ms each and reorged 300 deep in {} ms; at most {} blocks handed to import, {} waiting in its queue",
        sim.now, sim.log.max_queued, sim.log.max_import_backlog
    );
    assert!(sim.log.max_queued <= 100, "{}", sim.log.max_queued);
    assert!(sim.log.max_import_backlog <= 100);
    assert!(sim.log.max_queued >= 64, "the queue was used");
    assert!(sim.log.bans.is_empty(), "{:?}", sim.log.bans);
}

#[test]
fn a_peer_leaving_mid_sync_is_replaced() {
    let mut sim = Sim::new(SimConfig::new(11));
    let chain = honest_chain(2_000);
    let target = chain.best();
    let fresh = sim.add_node(MemChain::new(), Behavior::Honest);
    let leaving = sim.add_node(chain.clone(), Behavior::Honest);
    let staying = sim.add_node(chain.clone(), Behavior::Honest);
    sim.link(fresh, leaving);
    sim.link(fresh, staying);
    assert!(sim.run_until(300_000, |s| s.nodes[leaving].served >= 256));
    assert!(sim.best(fresh).0 < 1_000, "the peer leaves mid-sync");
    sim.unlink(fresh, leaving);
    let served_before = sim.nodes[leaving].served;
    let newcomer = sim.add_node(chain, Behavior::Honest);
    sim.link(fresh, newcomer);
    assert!(
        sim.run_until(600_000, |s| synced_to(s, fresh, target)),
        "not synced: {:?}",
        sim.best(fresh)
    );
    println!(
        "left at {served_before} blocks served; then staying {} / newcomer {} blocks; done at {} ms",
        sim.nodes[staying].served, sim.nodes[newcomer].served, sim.now
    );
    assert_eq!(
        sim.nodes[leaving].served, served_before,
        "nothing is asked of a peer that left"
    );
    assert!(
        sim.nodes[newcomer].served >= 200,
        "the newcomer takes over part of the download"
    );
    assert!(sim.log.bans.is_empty());
}

#[test]
fn a_fork_longer_than_the_local_chain_is_adopted() {
    let mut sim = Sim::new(SimConfig::new(3));
    let local = honest_chain(300);
    let mut forked = honest_chain(200);
    let fork_point = forked.best().1;
    let fork_tip = forked.grow(fork_point, 250, 2, None);
    let mut shorter = honest_chain(150);
    let short_point = shorter.best().1;
    shorter.grow(short_point, 100, 3, None);
    let node = sim.add_node(local, Behavior::Honest);
    let on_fork = sim.add_node(forked, Behavior::Honest);
    let on_shorter = sim.add_node(shorter.clone(), Behavior::Honest);
    sim.link(node, on_shorter);
    sim.link(node, on_fork);
    assert!(
        sim.run_until(120_000, |s| s.best(node) == (450, fork_tip)),
        "no reorg: {:?}",
        sim.best(node)
    );
    let chain = &sim.nodes[node].chain;
    assert_eq!(
        chain.canonical_hash(200),
        Some(fork_point),
        "the fork point is kept"
    );
    assert!(
        chain.block(&shorter.best().1).is_none(),
        "a shorter fork is not downloaded"
    );
    println!(
        "reorg to a 250-block fork at #200 after {} ms, {} events",
        sim.now, sim.log.events
    );
    assert!(sim.run_until(sim.now + 10_000, |s| s.best(on_shorter) == (450, fork_tip)));
}

#[test]
fn a_deep_fork_far_ahead_is_adopted_through_its_branch() {
    let mut sim = Sim::new(SimConfig::new(5));
    let local = honest_chain(400);
    let mut forked = honest_chain(50);
    let fork_point = forked.best().1;
    let fork_tip = forked.grow(fork_point, 2_550, 2, None);
    let node = sim.add_node(local.clone(), Behavior::Honest);
    let on_fork = sim.add_node(forked, Behavior::Honest);
    let on_local = sim.add_node(local, Behavior::Honest);
    sim.link(node, on_local);
    sim.link(node, on_fork);
    assert!(
        sim.run_until(600_000, |s| s.best(node) == (2_600, fork_tip)),
        "no reorg: {:?}",
        sim.best(node)
    );
    println!(
        "reorg to a 2550-block fork at #50 after {} ms, {} events",
        sim.now, sim.log.events
    );
    assert!(
        sim.run_until(sim.now + 20_000, |s| s.best(on_local) == (2_600, fork_tip)),
        "the other peer follows through us"
    );
}

#[test]
fn byzantine_peers_are_expelled_while_sync_completes() {
    let mut sim = Sim::new(SimConfig::new(13));
    let chain = honest_chain(2_000);
    let target = chain.best();
    let mut bad_fork = honest_chain(1_000);
    let branch_point = bad_fork.best().1;
    bad_fork.grow(branch_point, 1_500, 9, Some(1_001));
    let fresh = sim.add_node(MemChain::new(), Behavior::Honest);
    let honest: Vec<usize> = (0..2)
        .map(|_| sim.add_node(chain.clone(), Behavior::Honest))
        .collect();
    let garbage = sim.add_node(chain.clone(), Behavior::Garbage);
    let unchained = sim.add_node(chain.clone(), Behavior::Unchained);
    let flood = sim.add_node(chain.clone(), Behavior::Flood);
    let mut longer = chain.clone();
    let tip = longer.best().1;
    longer.grow(tip, 500, HONEST_SEED, None);
    let silent = sim.add_node(longer, Behavior::Silent);
    let bad_blocks = sim.add_node(bad_fork, Behavior::Honest);
    let byzantine = [garbage, unchained, flood, silent, bad_blocks];
    for &peer in honest.iter().chain(&byzantine) {
        sim.link(fresh, peer);
    }
    let repeat_offenders = [flood, bad_blocks];
    let done = |s: &Sim| {
        synced_to(s, fresh, target)
            && byzantine.iter().all(|&b| s.expelled(fresh, b))
            && repeat_offenders.iter().all(|&b| s.banned(fresh, b))
    };
    assert!(
        sim.run_until(600_000, done),
        "best {:?}, expelled {:?}, banned {:?}",
        sim.best(fresh),
        byzantine.map(|b| sim.expelled(fresh, b)),
        byzantine.map(|b| sim.banned(fresh, b))
    );
    let node = &sim.nodes[fresh];
    assert!(!node.chain.holds_bad_blocks());
    for (peer, reason) in [
        (garbage, Reason::BadMessage),
        (unchained, Reason::BadResponse),
        (flood, Reason::Flood),
        (silent, Reason::Timeout),
        (bad_blocks, Reason::BadBlock),
    ] {
        let count = sim.reported(fresh, peer, reason);
        let reputation = node.book.reputation(&sim.nodes[peer].id, sim.now);
        println!(
            "peer {peer}: {count} × {reason:?}, reputation {reputation}, banned {}",
            sim.banned(fresh, peer)
        );
        assert!(count > 0, "peer {peer} was never reported for {reason:?}");
        assert!(reputation < 0, "peer {peer} kept its reputation");
    }
    for &peer in &honest {
        assert!(!sim.expelled(fresh, peer), "honest peer {peer} expelled");
    }
    println!(
        "synced 2000 blocks past 5 byzantine peers in {} ms, {} events",
        sim.now, sim.log.events
    );
}

#[test]
fn a_synced_node_follows_the_tip_and_relays_announcements() {
    let mut sim = Sim::new(SimConfig::new(17));
    let chain = honest_chain(500);
    let producer = sim.add_node(chain, Behavior::Honest);
    let middle = sim.add_node(MemChain::new(), Behavior::Honest);
    let edge = sim.add_node(MemChain::new(), Behavior::Honest);
    sim.link(producer, middle);
    sim.link(middle, edge);
    sim.produce(producer, 1_000);
    assert!(sim.run_until(120_000, |s| s.best(edge).0 >= 520));
    let start = sim.now;
    let mut worst_lag = 0;
    while sim.now < start + 60_000 {
        sim.run_to(sim.now + 250);
        let lag = sim.best(producer).0 - sim.best(edge).0;
        worst_lag = worst_lag.max(lag);
    }
    println!(
        "followed {} blocks for 60 s; worst lag of the edge node {worst_lag} blocks",
        sim.best(producer).0 - 500
    );
    assert!(worst_lag <= 2, "the edge node falls behind by {worst_lag}");
    let sync = sim.nodes[edge].sync.as_ref().unwrap();
    assert_eq!(
        sync.status(&sim.nodes[edge].chain).state,
        SyncState::Following
    );
    assert_eq!(
        sim.nodes[edge].chain.canonical_hash(520),
        sim.nodes[producer].chain.canonical_hash(520)
    );
}

/// Two authors (every 1 s and every 1.5 s) split for 30 s on lossless
/// links, then joined through their followers.
#[test]
fn a_healed_partition_converges_on_one_chain() {
    let mut config = SimConfig::new(19);
    config.drop_per_mille = 0;
    let mut sim = Sim::new(config);
    let chain = honest_chain(100);
    let nodes: Vec<usize> = (0..4)
        .map(|_| sim.add_node(chain.clone(), Behavior::Honest))
        .collect();
    sim.link(nodes[0], nodes[2]);
    sim.link(nodes[1], nodes[3]);
    sim.produce(nodes[0], 1_000);
    sim.produce(nodes[1], 1_500);
    sim.run_to(30_000);
    let (side_a, side_b) = (sim.best(nodes[2]), sim.best(nodes[3]));
    assert!(
        side_a.0 >= 125 && side_b.0 >= 115,
        "both sides grew: {side_a:?} {side_b:?}"
    );
    assert!(sim.fork_depth(&nodes) >= 15, "the sides forked");
    sim.link(nodes[2], nodes[3]);
    assert!(
        sim.run_until(40_000, |s| s.fork_depth(&nodes) <= 2),
        "no convergence"
    );
    let joined = sim.now;
    let healed = joined - 30_000;
    let (mut deepest, mut slowest) = (0, 0);
    while sim.now < 100_000 {
        sim.run_to(sim.now + 50);
        deepest = deepest.max(sim.fork_depth(&nodes));
        slowest = slowest.max(sim.oldest_unspread(&nodes, joined).unwrap_or(0));
    }
    println!(
        "partition of 30 s healed in {healed} ms; then every block reached all 4 nodes within {slowest} ms, forks at most {deepest} deep"
    );
    assert!(
        slowest <= 1_000,
        "a block took {slowest} ms to reach every node"
    );
    assert!(deepest <= 3, "forks {deepest} blocks deep");
}

#[test]
fn the_same_seed_gives_the_same_run() {
    let run = |seed| {
        let mut sim = Sim::new(SimConfig::new(seed));
        let chain = honest_chain(300);
        let target = chain.best();
        let fresh = sim.add_node(MemChain::new(), Behavior::Honest);
        for _ in 0..3 {
            let peer = sim.add_node(chain.clone(), Behavior::Honest);
            sim.link(fresh, peer);
        }
        let unchained = sim.add_node(chain, Behavior::Unchained);
        sim.link(fresh, unchained);
        assert!(sim.run_until(120_000, |s| synced_to(s, fresh, target)));
        (
            sim.log.trace,
            sim.log.events,
            sim.now,
            sim.log.reports.len(),
        )
    };
    assert_eq!(run(21), run(21));
    assert_ne!(run(21).0, run(22).0);
}
