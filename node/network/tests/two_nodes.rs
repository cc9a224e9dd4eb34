//! Two workers over `/ws`: notifications, requests, limits.

mod common;

use common::{config, start, wait_until, within, Node, ANNOUNCES, GENESIS, SYNC};
use entroos_network::{NetworkEvent, RequestFailure, ResponseError, SendError};

/// B boots from A; both see the protocol open with the other's handshake.
async fn pair(max_a: usize, max_b: usize) -> (Node, Node) {
    let mut a = start(config(GENESIS, max_a, b"status-a")).await;
    let mut cfg_b = config(GENESIS, max_b, b"status-b");
    cfg_b.boot_nodes = vec![a.addr()];
    let mut b = start(cfg_b).await;
    assert_eq!(a.connected(b.peer).await, b"status-b");
    assert_eq!(b.connected(a.peer).await, b"status-a");
    (a, b)
}

/// Answers the next request on `node` with `answer(request)`, or drops the
/// responder when it gives `None`.
async fn answer_next(
    node: &mut Node,
    answer: impl Fn(&[u8]) -> Option<Vec<u8>>,
) -> Result<(), ResponseError> {
    let (bytes, respond) = node
        .next("a request", |event| match event {
            NetworkEvent::Request { bytes, respond, .. } => Some((bytes, respond)),
            _ => None,
        })
        .await;
    match answer(&bytes) {
        Some(response) => respond.send(response),
        None => Ok(()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_exchange_notifications_and_requests() {
    let (mut a, mut b) = pair(64 * 1024, 64 * 1024).await;

    a.handle
        .send_notification(&b.peer, ANNOUNCES, b"from a".to_vec())
        .expect("open");
    b.handle
        .send_notification(&a.peer, ANNOUNCES, b"from b".to_vec())
        .expect("open");
    assert_eq!(b.notification(a.peer).await, b"from a");
    assert_eq!(a.notification(b.peer).await, b"from b");

    let request = tokio::spawn(a.handle.request(&b.peer, SYNC, b"ping".to_vec()));
    answer_next(&mut b, |req| Some([req, b"-pong"].concat()))
        .await
        .expect("responded");
    assert_eq!(
        within("response", request).await.expect("task"),
        Ok(b"ping-pong".to_vec())
    );

    let refused = tokio::spawn(a.handle.request(&b.peer, SYNC, b"no".to_vec()));
    answer_next(&mut b, |_| None).await.expect("dropped");
    assert_eq!(
        within("refusal", refused).await.expect("task"),
        Err(RequestFailure::Refused)
    );

    let too_large = vec![0u8; 64 * 1024 + 1];
    assert!(matches!(
        a.handle
            .send_notification(&b.peer, ANNOUNCES, too_large.clone()),
        Err(SendError::TooLarge { .. })
    ));
    assert!(matches!(
        a.handle.request(&b.peer, SYNC, too_large).await,
        Err(RequestFailure::TooLarge { .. })
    ));
    assert!(matches!(
        a.handle.send_notification(&b.peer, "nope/1", vec![]),
        Err(SendError::UnknownProtocol(_))
    ));

    let peers = a.handle.peers();
    assert_eq!(peers.len(), 1);
    assert_eq!(peers[0].peer_id, b.peer);
    assert_eq!(peers[0].open_protocols, vec![ANNOUNCES.to_string()]);
    let agent = a.handle.clone();
    wait_until("identify", move || {
        agent
            .peers()
            .first()
            .and_then(|p| p.agent_version.clone())
            .is_some_and(|v| v.starts_with("entroos-node/"))
    })
    .await;
    let stats = a.handle.stats();
    assert_eq!((stats.connected_peers, stats.open_peers), (1, 1));
    assert!(
        stats.bytes_inbound > 0 && stats.bytes_outbound > 0,
        "{stats:?}"
    );

    b.handle.disconnect(&a.peer).expect("queued");
    a.next("Disconnected", |e| {
        matches!(e, NetworkEvent::Disconnected { .. }).then_some(())
    })
    .await;
    assert_eq!(
        a.handle.send_notification(&b.peer, ANNOUNCES, vec![1]),
        Err(SendError::NotConnected)
    );
}

/// B (limit 64 KiB) boots from A (limit 1 KiB) and sends A more than 1 KiB.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_notification_is_refused_and_its_sender_banned() {
    let (mut a, mut b) = pair(1024, 64 * 1024).await;

    b.handle
        .send_notification(&a.peer, ANNOUNCES, vec![9u8; 4096])
        .expect("within b's limit");
    b.next("Disconnected", |e| {
        matches!(e, NetworkEvent::Disconnected { .. }).then_some(())
    })
    .await;
    let stats = a.handle.clone();
    wait_until("a reports b", move || stats.stats().misbehaving_peers == 1).await;
    assert!(
        !a.drain()
            .iter()
            .any(|e| matches!(e, NetworkEvent::Notification { .. })),
        "the oversized message reached the consumer"
    );
    let refused = a.handle.clone();
    wait_until("b's redial refused while banned", move || {
        refused.stats().refused_connections > 0
    })
    .await;
    assert!(a
        .drain()
        .iter()
        .all(|e| !matches!(e, NetworkEvent::Connected { .. })));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_request_is_refused() {
    let (a, b) = pair(1024, 64 * 1024).await;

    let failure = b.handle.request(&a.peer, SYNC, vec![9u8; 4096]).await;
    assert!(
        matches!(
            failure,
            Err(RequestFailure::Refused | RequestFailure::ConnectionClosed)
        ),
        "{failure:?}"
    );
    let stats = a.handle.clone();
    wait_until("a reports b", move || stats.stats().misbehaving_peers == 1).await;
}

/// B's handshake (2 KiB) is above A's handshake limit (1 KiB): A refuses it
/// before reading it and bans B, whichever substream carried it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_handshake_is_refused_and_its_sender_banned() {
    let mut a = start(config(GENESIS, 64 * 1024, b"status-a")).await;
    let mut cfg_b = config(GENESIS, 64 * 1024, &[7u8; 2048]);
    cfg_b.boot_nodes = vec![a.addr()];
    let b = start(cfg_b).await;

    let stats = a.handle.clone();
    wait_until("a reports b", move || stats.stats().misbehaving_peers >= 1).await;
    let refused = a.handle.clone();
    wait_until("b's redial refused while banned", move || {
        refused.stats().refused_connections > 0
    })
    .await;
    assert!(
        a.drain()
            .iter()
            .all(|e| !matches!(e, NetworkEvent::Connected { .. })),
        "the oversized handshake reached the consumer"
    );
    assert!(b.handle.peers().iter().all(|p| p.open_protocols.is_empty()));
}

/// A (limit 1 KiB) asks B (limit 64 KiB), which answers with 4 KiB: A
/// refuses the response before reading it and bans B.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_response_is_refused_and_its_sender_banned() {
    let (a, mut b) = pair(1024, 64 * 1024).await;

    let request = tokio::spawn(a.handle.request(&b.peer, SYNC, b"ping".to_vec()));
    answer_next(&mut b, |_| Some(vec![9u8; 4096]))
        .await
        .expect("within b's limit");
    assert_eq!(
        within("the failure", request).await.expect("task"),
        Err(RequestFailure::ResponseTooLarge)
    );
    let stats = a.handle.clone();
    wait_until("a reports b", move || stats.stats().misbehaving_peers == 1).await;
    let refused = a.handle.clone();
    wait_until("b's redial refused while banned", move || {
        refused.stats().refused_connections > 0
    })
    .await;
}
