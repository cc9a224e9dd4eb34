//! Workers on 127.0.0.1 for the tests, and waiting on conditions.

#![allow(dead_code)]

use entroos_network::{
    NetworkConfig, NetworkEvent, NetworkEvents, NetworkHandle, NetworkWorker, NodeKey,
    NotificationProtocol, PeerId, RequestProtocol,
};
use futures::{FutureExt, StreamExt};
use std::future::Future;
use std::time::Duration;

pub const GENESIS: [u8; 32] = [7; 32];
pub const ANNOUNCES: &str = "block-announces/1";
pub const SYNC: &str = "sync/1";
/// The longest any condition is waited for.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// A worker under test.
pub struct Node {
    pub handle: NetworkHandle,
    pub events: NetworkEvents,
    pub peer: PeerId,
}

/// A configuration listening on a free 127.0.0.1 port over WebSocket,
/// mDNS off, with one notification and one request protocol whose
/// messages are at most `max` bytes; the handshake is `handshake`.
pub fn config(genesis: [u8; 32], max: usize, handshake: &[u8]) -> NetworkConfig {
    let mut config = NetworkConfig::new(NodeKey::generate(), genesis);
    config.listen_addresses = vec!["/ip4/127.0.0.1/tcp/0/ws".into()];
    config.enable_mdns = false;
    let mut announces = NotificationProtocol::new(ANNOUNCES, max);
    announces.handshake = handshake.to_vec();
    config.notification_protocols = vec![announces];
    let mut sync = RequestProtocol::new(SYNC, max, max);
    sync.timeout = Duration::from_secs(10);
    config.request_protocols = vec![sync];
    config
}

/// Starts a worker and waits until it listens.
pub async fn start(config: NetworkConfig) -> Node {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
    let (worker, handle, events) = NetworkWorker::new(config).expect("the worker starts");
    tokio::spawn(worker.run());
    let peer = handle.local_peer_id();
    let listening = handle.clone();
    wait_until("listening", move || {
        !listening.listen_addresses().is_empty()
    })
    .await;
    Node {
        handle,
        events,
        peer,
    }
}

impl Node {
    /// The node's address with its peer id, as zombienet writes boot nodes.
    pub fn addr(&self) -> String {
        format!("{}/p2p/{}", self.handle.listen_addresses()[0], self.peer)
    }

    /// The next event that `pick` accepts; others are skipped.
    pub async fn next<T>(
        &mut self,
        what: &str,
        mut pick: impl FnMut(NetworkEvent) -> Option<T>,
    ) -> T {
        let search = async {
            while let Some(event) = self.events.next().await {
                if let Some(found) = pick(event) {
                    return found;
                }
            }
            panic!("the event stream ended while waiting for {what}");
        };
        within(what, search).await
    }

    /// The `Connected` of the notification protocol with `peer`: its handshake.
    pub async fn connected(&mut self, peer: PeerId) -> Vec<u8> {
        self.next("Connected", |event| match event {
            NetworkEvent::Connected {
                peer: p, handshake, ..
            } if p == peer => Some(handshake),
            _ => None,
        })
        .await
    }

    /// The next notification from `peer`.
    pub async fn notification(&mut self, peer: PeerId) -> Vec<u8> {
        self.next("a notification", |event| match event {
            NetworkEvent::Notification { peer: p, bytes, .. } if p == peer => Some(bytes),
            _ => None,
        })
        .await
    }

    /// Every event already queued.
    pub fn drain(&mut self) -> Vec<NetworkEvent> {
        let mut events = Vec::new();
        while let Some(Some(event)) = self.events.next().now_or_never() {
            events.push(event);
        }
        events
    }
}

/// Waits for a future, at most [`DEADLINE`].
pub async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(DEADLINE, future)
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
}

/// Waits until the condition holds, at most [`DEADLINE`].
pub async fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    within(what, async {
        let mut poll = tokio::time::interval(Duration::from_millis(20));
        while !condition() {
            poll.tick().await;
        }
    })
    .await
}
