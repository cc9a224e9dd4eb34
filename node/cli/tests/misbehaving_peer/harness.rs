//! A peer that speaks the node's real protocols with whatever bytes a test
//! chooses. It is an `entroos-network` worker like the node's own (same
//! transport, noise identity, protocol names and framing) whose limits are
//! far above the node's, so that it can send what the node must refuse:
//! any handshake, any notification, any request, any response.
//!
//! It dials one node, as a reserved peer in reserved-only mode (so it
//! connects to nothing else, and dials again with backoff whenever the
//! connection closes), and answers the node's block requests with
//! [`Answer`].

use entroos_network::{
    NetworkConfig, NetworkEvent, NetworkHandle, NetworkWorker, NodeKey, NotificationProtocol,
    PeerId, RequestFailure, RequestProtocol, SendError,
};
use entroos_network_api::{Roles, Status};
use entroos_node::network::config::{BLOCK_ANNOUNCES, SYNC, TRANSACTIONS};
use entroos_primitives::H256;
use futures::StreamExt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::runtime::Handle;
use tokio::task::JoinHandle;

/// The harness's own limits: far above the node's, which it must break.
const LIMIT: usize = 32 * 1024 * 1024;

/// How long the harness waits for the node to answer one of its requests
/// (the node answers at once, or refuses at once, unless the connection is
/// being closed under the request).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(3);

/// How the harness answers one of the node's block requests: `Some`
/// bytes are sent as the response, `None` refuses.
pub type Answer = Box<dyn FnMut(&[u8]) -> Option<Vec<u8>> + Send>;

/// The node a harness talks to.
#[derive(Clone, Debug)]
pub struct Target {
    /// Its p2p address, `…/p2p/<peer id>`.
    pub addr: String,
    /// Its peer id.
    pub peer: PeerId,
    /// Its chain's genesis hash.
    pub genesis: H256,
}

/// What a harness opens its substreams with and how it answers requests.
pub struct Setup {
    /// The block-announces handshake it sends.
    pub announce_handshake: Vec<u8>,
    /// The transactions handshake it sends.
    pub transactions_handshake: Vec<u8>,
    /// How it answers the node's block requests.
    pub answer: Answer,
}

impl Setup {
    /// An honest handshake (a full node at genesis); requests refused.
    pub fn honest(target: &Target) -> Setup {
        Setup {
            announce_handshake: status_at_genesis(target.genesis),
            transactions_handshake: Vec::new(),
            answer: Box::new(|_| None),
        }
    }
}

/// A valid status of a full node whose best block is the genesis.
fn status_at_genesis(genesis: H256) -> Vec<u8> {
    codec::Encode::encode(&Status {
        roles: Roles::FULL,
        best_number: 0,
        best_hash: genesis,
        genesis_hash: genesis,
    })
}

/// What the harness has seen happen.
#[derive(Default)]
struct Seen {
    /// The node's block requests answered or refused.
    requests: AtomicUsize,
    /// Notification protocols closed by the node or the connection.
    closed: AtomicUsize,
}

/// A running harness peer; it stops when dropped.
pub struct Harness {
    handle: NetworkHandle,
    runtime: Handle,
    node: PeerId,
    seen: Arc<Seen>,
    tasks: Vec<JoinHandle<()>>,
}

impl Harness {
    /// Starts a harness with a fresh identity that dials `target`.
    pub fn start(runtime: &Handle, target: &Target, setup: Setup) -> Harness {
        let _entered = runtime.enter();
        let config = config(target, &setup);
        let (worker, handle, mut events) = NetworkWorker::new(config).expect("harness network");
        let seen = Arc::new(Seen::default());
        let counts = seen.clone();
        let mut answer = setup.answer;
        let serve = runtime.spawn(async move {
            while let Some(event) = events.next().await {
                match event {
                    NetworkEvent::Request { bytes, respond, .. } => {
                        if let Some(response) = answer(&bytes) {
                            let _ = respond.send(response);
                        }
                        counts.requests.fetch_add(1, Ordering::Relaxed);
                    }
                    NetworkEvent::Disconnected { .. } => {
                        counts.closed.fetch_add(1, Ordering::Relaxed);
                    }
                    NetworkEvent::Connected { .. } | NetworkEvent::Notification { .. } => {}
                }
            }
        });
        let worker = runtime.spawn(worker.run());
        Harness {
            handle,
            runtime: runtime.clone(),
            node: target.peer,
            seen,
            tasks: vec![worker, serve],
        }
    }

    /// The harness's peer id.
    pub fn peer_id(&self) -> PeerId {
        self.handle.local_peer_id()
    }

    /// Whether both notification protocols are open with the node.
    pub fn is_open(&self) -> bool {
        self.handle
            .peers()
            .iter()
            .any(|p| p.peer_id == self.node && p.open_protocols.len() == 2)
    }

    /// Whether any notification protocol is open with the node.
    pub fn is_partly_open(&self) -> bool {
        self.handle
            .peers()
            .iter()
            .any(|p| p.peer_id == self.node && !p.open_protocols.is_empty())
    }

    /// Waits until both protocols are open; `false` at the deadline.
    pub fn wait_open(&self, timeout: Duration) -> bool {
        self.wait_until(timeout, || self.is_open())
    }

    /// Waits until no protocol is open; `false` at the deadline.
    pub fn wait_closed(&self, timeout: Duration) -> bool {
        self.wait_until(timeout, || !self.is_partly_open())
    }

    /// Polls `done` until it holds; `false` at the deadline.
    pub fn wait_until(&self, timeout: Duration, mut done: impl FnMut() -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if done() {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends bytes on the block-announces protocol.
    pub fn announce(&self, bytes: Vec<u8>) -> Result<(), SendError> {
        self.handle
            .send_notification(&self.node, BLOCK_ANNOUNCES, bytes)
    }

    /// Sends bytes on the transactions protocol.
    pub fn send_transactions(&self, bytes: Vec<u8>) -> Result<(), SendError> {
        self.handle
            .send_notification(&self.node, TRANSACTIONS, bytes)
    }

    /// Sends bytes as a block request and waits for the outcome.
    pub fn request(&self, bytes: Vec<u8>) -> Result<Vec<u8>, RequestFailure> {
        self.runtime
            .block_on(self.handle.request(&self.node, SYNC, bytes))
    }

    /// How many of the node's requests the harness has answered or refused.
    pub fn requests_answered(&self) -> usize {
        self.seen.requests.load(Ordering::Relaxed)
    }

    /// How many notification protocols have closed since the start.
    pub fn protocols_closed(&self) -> usize {
        self.seen.closed.load(Ordering::Relaxed)
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

fn config(target: &Target, setup: &Setup) -> NetworkConfig {
    let mut config = NetworkConfig::new(NodeKey::generate(), target.genesis.0);
    config.reserved_nodes = vec![target.addr.clone()];
    config.reserved_only = true;
    config.enable_mdns = false;
    let mut announces = NotificationProtocol::new(BLOCK_ANNOUNCES, LIMIT);
    announces.handshake = setup.announce_handshake.clone();
    announces.max_handshake_size = LIMIT;
    let mut transactions = NotificationProtocol::new(TRANSACTIONS, LIMIT);
    transactions.handshake = setup.transactions_handshake.clone();
    transactions.max_handshake_size = LIMIT;
    config.notification_protocols = vec![announces, transactions];
    let mut sync = RequestProtocol::new(SYNC, LIMIT, LIMIT);
    sync.timeout = REQUEST_TIMEOUT;
    config.request_protocols = vec![sync];
    config
}
