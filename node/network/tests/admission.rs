//! Who talks to whom: other chains never, and reserved-only nodes only to
//! their reserved peers.

mod common;

use common::{config, start, wait_until, ANNOUNCES, GENESIS};
use entroos_network::NetworkEvent;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workers_of_different_chains_never_exchange_a_message() {
    let mut a = start(config(GENESIS, 1024, b"a")).await;
    let mut other = config([8; 32], 1024, b"b");
    other.boot_nodes = vec![a.addr()];
    let mut b = start(other).await;

    let (stats_a, stats_b) = (a.handle.clone(), b.handle.clone());
    wait_until("both drop the other as incompatible", move || {
        stats_a.stats().incompatible_peers > 0 && stats_b.stats().incompatible_peers > 0
    })
    .await;
    assert!(
        a.drain().is_empty(),
        "a received an event from another chain"
    );
    assert!(
        b.drain().is_empty(),
        "b received an event from another chain"
    );
    assert!(a
        .handle
        .send_notification(&b.peer, ANNOUNCES, vec![1])
        .is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reserved_only_worker_refuses_other_peers() {
    let mut reserved = start(config(GENESIS, 1024, b"reserved")).await;
    let mut cfg = config(GENESIS, 1024, b"guarded");
    cfg.reserved_only = true;
    cfg.reserved_nodes = vec![reserved.addr()];
    let mut guarded = start(cfg).await;
    assert_eq!(guarded.connected(reserved.peer).await, b"reserved");
    assert_eq!(reserved.connected(guarded.peer).await, b"guarded");

    let mut cfg = config(GENESIS, 1024, b"stranger");
    cfg.boot_nodes = vec![guarded.addr()];
    let mut stranger = start(cfg).await;
    let refused = guarded.handle.clone();
    wait_until("the stranger refused", move || {
        refused.stats().refused_connections > 0
    })
    .await;

    let peers: Vec<_> = guarded
        .handle
        .peers()
        .into_iter()
        .map(|p| p.peer_id)
        .collect();
    assert_eq!(peers, vec![reserved.peer]);
    assert!(guarded.handle.peers()[0].reserved);
    assert!(!guarded
        .drain()
        .iter()
        .any(|e| matches!(e, NetworkEvent::Connected { peer, .. } if *peer == stranger.peer)));
    assert!(stranger
        .drain()
        .iter()
        .all(|e| !matches!(e, NetworkEvent::Connected { .. })));

    let added = guarded
        .handle
        .add_reserved(&stranger.addr())
        .expect("valid address");
    assert_eq!(added, stranger.peer);
    assert_eq!(guarded.connected(stranger.peer).await, b"stranger");
    guarded
        .handle
        .remove_reserved(&stranger.peer)
        .expect("queued");
    let gone = stranger.peer;
    guarded
        .next("the stranger dropped", |e| {
            matches!(e, NetworkEvent::Disconnected { peer, .. } if peer == gone).then_some(())
        })
        .await;
}
