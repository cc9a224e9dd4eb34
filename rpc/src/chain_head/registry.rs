//! Every follow subscription, by connection and id: its pinned blocks and
//! its running operations, with their limits.
//!
//! Each block a subscription pins is pinned in the node too
//! ([`ChainApi::pin`]), once per subscription, so its body and state
//! outlive finality and state pruning; its header is also kept here, so
//! `chainHead_v1_header` answers without reading the node. The node's pin
//! is released when the subscription unpins the block or ends, on the
//! blocking pool (it is a database write). A block the node refuses to pin
//! (unknown by then, or the node's own bound reached) stops the
//! subscription.

use super::event::FollowEvent;
use crate::api::{ChainApi, PinError};
use crate::spec_v2::error::SpecError;
use crate::spec_v2::keys::Key;
use crate::spec_v2::SpecV2Config;
use entroos_primitives::{Header, H256};
use jsonrpsee::ConnectionId;
use parking_lot::Mutex;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use tokio::sync::{mpsc, watch};

/// Operation events waiting for the writer, per subscription.
const OPERATION_EVENTS: usize = 16;

/// Every follow subscription.
pub(crate) struct Follows {
    config: SpecV2Config,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    follows: HashMap<Key, Arc<Follow>>,
    per_connection: HashMap<usize, usize>,
}

impl Follows {
    /// No subscriptions yet.
    pub(crate) fn new(config: SpecV2Config) -> Arc<Follows> {
        Arc::new(Follows {
            config,
            inner: Mutex::default(),
        })
    }

    /// The limits.
    pub(crate) fn config(&self) -> &SpecV2Config {
        &self.config
    }

    /// A place for one more subscription on `conn`, if it has room.
    pub(crate) fn reserve(self: &Arc<Self>, conn: ConnectionId) -> Option<Slot> {
        let mut inner = self.inner.lock();
        let count = inner.per_connection.entry(conn.0).or_default();
        if *count >= self.config.max_follows_per_connection {
            return None;
        }
        *count = count.saturating_add(1);
        Some(Slot {
            follows: self.clone(),
            conn: conn.0,
            key: None,
        })
    }

    /// The running subscription `key`.
    pub(crate) fn get(&self, key: &Key) -> Option<Arc<Follow>> {
        self.inner.lock().follows.get(key).cloned()
    }

    /// Ends subscription `key` (its task sends nothing more).
    pub(crate) fn remove(&self, key: &Key) {
        let follow = self.inner.lock().follows.remove(key);
        if let Some(follow) = follow {
            follow.end();
        }
    }
}

/// A subscription's place among its connection's, released when dropped
/// (which also ends the subscription).
pub(crate) struct Slot {
    follows: Arc<Follows>,
    conn: usize,
    key: Option<Key>,
}

impl Slot {
    /// Registers the subscription under `key`.
    pub(crate) fn insert(&mut self, key: Key, follow: Arc<Follow>) {
        self.follows
            .inner
            .lock()
            .follows
            .insert(key.clone(), follow);
        self.key = Some(key);
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Some(key) = &self.key {
            self.follows.remove(key);
        }
        let mut inner = self.follows.inner.lock();
        if let Some(count) = inner.per_connection.get_mut(&self.conn) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                inner.per_connection.remove(&self.conn);
            }
        }
    }
}

/// Where an operation is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OpState {
    /// Working.
    Running,
    /// Waiting for `chainHead_v1_continue`.
    Waiting,
    /// Stopped; it sends nothing more.
    Stopped,
}

/// A running operation.
pub(crate) struct Operation {
    slots: usize,
    state: watch::Sender<OpState>,
}

impl Operation {
    /// `chainHead_v1_continue`: refused unless the operation waits for it.
    pub(crate) fn resume(&self) -> Result<(), SpecError> {
        let mut resumed = false;
        self.state.send_if_modified(|state| {
            resumed = *state == OpState::Waiting;
            if resumed {
                *state = OpState::Running;
            }
            resumed
        });
        resumed.then_some(()).ok_or(SpecError::InvalidContinue)
    }

    /// `chainHead_v1_stopOperation`.
    pub(crate) fn stop(&self) {
        self.state.send_replace(OpState::Stopped);
    }
}

/// Why an operation did not start.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The block is not pinned.
    NotPinned,
    /// No operation slot is free.
    LimitReached,
}

/// One follow subscription.
pub(crate) struct Follow {
    /// Whether it follows the runtime.
    pub(crate) with_runtime: bool,
    chain: Arc<dyn ChainApi>,
    max_pins: usize,
    max_operations: usize,
    state: Mutex<State>,
    ended: watch::Sender<bool>,
    events: mpsc::Sender<FollowEvent>,
}

#[derive(Default)]
struct State {
    pins: HashMap<H256, Header>,
    operations: HashMap<String, Arc<Operation>>,
    slots_used: usize,
    next_operation: u64,
}

/// Why blocks could not be pinned.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PinRefused {
    /// More than the subscription may keep.
    #[error("the subscription would keep more pinned blocks than it may")]
    TooManyPins,
    /// The node refused one.
    #[error("the node refused a pin: {0}")]
    Node(PinError),
    /// The subscription has ended.
    #[error("the subscription has ended")]
    Ended,
}

impl Follow {
    /// A subscription, and the receiver of its operations' events.
    pub(crate) fn new(
        with_runtime: bool,
        chain: Arc<dyn ChainApi>,
        config: &SpecV2Config,
    ) -> (Arc<Follow>, mpsc::Receiver<FollowEvent>) {
        let (events, receiver) = mpsc::channel(OPERATION_EVENTS);
        let follow = Follow {
            with_runtime,
            chain,
            max_pins: config.max_pinned_blocks,
            max_operations: config.max_ongoing_operations,
            state: Mutex::default(),
            ended: watch::Sender::new(false),
            events,
        };
        (Arc::new(follow), receiver)
    }

    /// Resolves once the subscription has been ended.
    pub(crate) fn ended(&self) -> watch::Receiver<bool> {
        self.ended.subscribe()
    }

    fn end(&self) {
        self.ended.send_replace(true);
        let mut state = self.state.lock();
        let pinned: Vec<H256> = state.pins.drain().map(|(hash, _)| hash).collect();
        for operation in state.operations.values() {
            operation.stop();
        }
        drop(state);
        release(self.chain.clone(), pinned);
    }

    /// Pins reported blocks here and in the node; refused (pinning none)
    /// past the limit, when the node refuses one, or once ended. It reaches
    /// the node: call it off the async workers.
    pub(crate) fn pin(&self, blocks: Vec<(H256, Header)>) -> Result<(), PinRefused> {
        let new: Vec<(H256, Header)> = {
            let state = self.state.lock();
            let new: Vec<_> = blocks
                .into_iter()
                .filter(|(hash, _)| !state.pins.contains_key(hash))
                .collect();
            if state.pins.len().saturating_add(new.len()) > self.max_pins {
                return Err(PinRefused::TooManyPins);
            }
            new
        };
        let mut pinned = Vec::with_capacity(new.len());
        for (hash, _) in &new {
            if let Err(refused) = self.chain.pin(*hash) {
                unpin_all(&*self.chain, &pinned);
                return Err(PinRefused::Node(refused));
            }
            pinned.push(*hash);
        }
        let mut state = self.state.lock();
        if *self.ended.borrow() {
            drop(state);
            unpin_all(&*self.chain, &pinned);
            return Err(PinRefused::Ended);
        }
        state.pins.extend(new);
        Ok(())
    }

    /// The header of pinned block `hash`.
    pub(crate) fn header(&self, hash: &H256) -> Option<Header> {
        self.state.lock().pins.get(hash).cloned()
    }

    /// Unpins every hash, or none: refused if one is listed twice or is
    /// not pinned. It releases the node's pins: call it off the async
    /// workers.
    pub(crate) fn unpin(&self, hashes: &[H256]) -> Result<(), SpecError> {
        let mut seen = HashSet::new();
        if !hashes.iter().all(|hash| seen.insert(hash)) {
            return Err(SpecError::DuplicateHashes);
        }
        let mut state = self.state.lock();
        if !hashes.iter().all(|hash| state.pins.contains_key(hash)) {
            return Err(SpecError::InvalidBlock);
        }
        for hash in hashes {
            state.pins.remove(hash);
        }
        drop(state);
        unpin_all(&*self.chain, hashes);
        Ok(())
    }

    /// Starts an operation on pinned block `hash` wanting `wanted` slots;
    /// it gets as many as are free (at least one).
    pub(crate) fn start(
        self: &Arc<Self>,
        hash: &H256,
        wanted: usize,
    ) -> Result<(OpHandle, usize), Refusal> {
        let mut state = self.state.lock();
        if !state.pins.contains_key(hash) {
            return Err(Refusal::NotPinned);
        }
        let free = self.max_operations.saturating_sub(state.slots_used);
        let slots = wanted.min(free);
        if slots == 0 {
            return Err(Refusal::LimitReached);
        }
        let id = state.next_operation.to_string();
        state.next_operation = state.next_operation.wrapping_add(1);
        let (sender, receiver) = watch::channel(OpState::Running);
        let operation = Arc::new(Operation {
            slots,
            state: sender,
        });
        state.slots_used = state.slots_used.saturating_add(slots);
        state.operations.insert(id.clone(), operation.clone());
        let handle = OpHandle {
            follow: self.clone(),
            operation,
            id,
            state: receiver,
        };
        Ok((handle, slots))
    }

    /// The running operation `id`.
    pub(crate) fn operation(&self, id: &str) -> Option<Arc<Operation>> {
        self.state.lock().operations.get(id).cloned()
    }

    fn finish(&self, id: &str) {
        let mut state = self.state.lock();
        if let Some(operation) = state.operations.remove(id) {
            state.slots_used = state.slots_used.saturating_sub(operation.slots);
        }
    }
}

impl Drop for Follow {
    fn drop(&mut self) {
        let pinned: Vec<H256> = self.state.get_mut().pins.drain().map(|(h, _)| h).collect();
        release(self.chain.clone(), pinned);
    }
}

/// Releases the node's pins of `hashes` on the blocking pool (at once
/// when no runtime runs).
fn release(chain: Arc<dyn ChainApi>, hashes: Vec<H256>) {
    if hashes.is_empty() {
        return;
    }
    let work = move || unpin_all(&*chain, &hashes);
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => drop(runtime.spawn_blocking(work)),
        Err(_) => work(),
    }
}

/// Releases the node's pins of `hashes`; a failure is logged (the pin is
/// gone from the subscription either way).
fn unpin_all(chain: &dyn ChainApi, hashes: &[H256]) {
    for hash in hashes {
        if let Err(e) = chain.unpin(*hash) {
            tracing::warn!(target: "rpc", "releasing the pin of {hash}: {e}");
        }
    }
}

/// A running operation as its task holds it; its slots are released when
/// dropped.
pub(crate) struct OpHandle {
    follow: Arc<Follow>,
    operation: Arc<Operation>,
    id: String,
    state: watch::Receiver<OpState>,
}

impl OpHandle {
    /// The operation id.
    pub(crate) fn id(&self) -> &str {
        &self.id
    }

    /// Sends an event of this operation, waiting while the client reads
    /// slowly; `false` once stopped or the subscription is gone.
    pub(crate) async fn send(&mut self, event: FollowEvent) -> bool {
        if *self.state.borrow() == OpState::Stopped {
            return false;
        }
        tokio::select! {
            sent = self.follow.events.send(event) => sent.is_ok(),
            _ = self.state.wait_for(|s| *s == OpState::Stopped) => false,
        }
    }

    /// Marks the operation as waiting for `chainHead_v1_continue`; call
    /// before sending `operationWaitingForContinue`.
    pub(crate) fn pause(&self) {
        self.operation.state.send_if_modified(|state| {
            let running = *state == OpState::Running;
            if running {
                *state = OpState::Waiting;
            }
            running
        });
    }

    /// Waits until continued (`true`) or stopped (`false`).
    pub(crate) async fn resumed(&mut self) -> bool {
        match self.state.wait_for(|s| *s != OpState::Waiting).await {
            Ok(state) => *state == OpState::Running,
            Err(_) => false,
        }
    }
}

impl Drop for OpHandle {
    fn drop(&mut self) {
        self.follow.finish(&self.id);
    }
}
