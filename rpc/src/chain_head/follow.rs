//! `chainHead_v1_follow`: one task per subscription turns the node's head
//! notifications into events (through [`Tree`]), and a writer task sends
//! them, with the operations' events, to the client.
//!
//! The subscription stops (a `stop` event, then nothing) when it cannot
//! stay consistent or bounded: the best block is more than
//! `max_lagging_distance` blocks above the finalized one when it starts;
//! it missed node notifications (the node's channels overflowed); more
//! than `max_queued_events` events wait for the client to read them; it
//! would pin more than `max_pinned_blocks` blocks or report more
//! non-finalized blocks than that, or the node refuses to pin a block; or
//! the node finalized a block outside the reported chain.

use super::event::FollowEvent;
use super::registry::{Follow, Follows, Slot};
use super::tree::{Source, Tree};
use crate::api::ReadError;
use crate::server::Deps;
use crate::spec_v2::error::SpecError;
use crate::spec_v2::keys::Key;
use crate::tasks::blocking;
use entroos_primitives::version::RuntimeVersion;
use entroos_primitives::{BlockNumber, Header, H256};
use jsonrpsee::{PendingSubscriptionSink, SubscriptionMessage, SubscriptionSink};
use serde_json::value::RawValue;
use std::sync::Arc;
use tokio::sync::broadcast;
use tokio::sync::{mpsc, oneshot};

/// The chain, as the tree reads it.
struct Chain(Arc<Deps>);

impl Source for Chain {
    fn header(&self, hash: H256) -> Result<Option<Header>, ReadError> {
        self.0.chain.header(hash)
    }
    fn runtime(&self, hash: H256) -> Result<RuntimeVersion, ReadError> {
        self.0.state.runtime_version(hash)
    }
    fn best(&self) -> (BlockNumber, H256) {
        self.0.chain.best()
    }
}

/// How a subscription ends.
#[derive(Debug, PartialEq, Eq)]
enum End {
    /// With a `stop` event.
    Stop,
    /// Silently: unfollowed, or the client left.
    Quit,
}

/// The node's head notifications.
struct Inputs {
    imported: broadcast::Receiver<Header>,
    best: broadcast::Receiver<Header>,
    finalized: broadcast::Receiver<Header>,
}

/// One notification.
enum Input {
    Imported(Header),
    Best(Header),
    Finalized(Header),
}

/// Runs subscription `pending` until it ends.
pub(crate) async fn run(
    pending: PendingSubscriptionSink,
    deps: Arc<Deps>,
    follows: Arc<Follows>,
    with_runtime: bool,
) {
    let Some(mut slot) = follows.reserve(pending.connection_id()) else {
        return pending.reject(SpecError::TooManyFollows).await;
    };
    let config = follows.config().clone();
    let (follow, operation_events) = Follow::new(with_runtime, deps.chain.clone(), &config);
    slot.insert(
        Key::new(pending.connection_id(), &pending.subscription_id()),
        follow.clone(),
    );
    let Ok(sink) = pending.accept().await else {
        return;
    };
    let (queue, queued) = mpsc::channel(config.max_queued_events.max(1));
    let (stop, stopped) = oneshot::channel();
    tokio::spawn(write(sink.clone(), queued, operation_events, stopped));
    let mut follower = Follower {
        deps,
        follow,
        queue,
        sink,
        max_pins: config.max_pinned_blocks,
        max_distance: config.max_lagging_distance,
    };
    let end = follower.follow().await;
    end_subscription(slot, end, stop);
}

/// Ends the subscription: it leaves the registry (its pins and operations
/// go) before the writer is told to send `stop`.
fn end_subscription(slot: Slot, end: End, stop: oneshot::Sender<()>) {
    drop(slot);
    if end == End::Stop {
        let _ = stop.send(());
    }
}

struct Follower {
    deps: Arc<Deps>,
    follow: Arc<Follow>,
    queue: mpsc::Sender<Box<RawValue>>,
    sink: SubscriptionSink,
    max_pins: usize,
    max_distance: u32,
}

impl Follower {
    async fn follow(&mut self) -> End {
        let (mut inputs, mut tree) = match self.start().await {
            Ok(started) => started,
            Err(end) => return end,
        };
        let mut ended = self.follow.ended();
        loop {
            let input = tokio::select! {
                biased;
                _ = ended.wait_for(|ended| *ended) => return End::Quit,
                _ = self.sink.closed() => return End::Quit,
                input = next_input(&mut inputs) => input,
            };
            let Some(input) = input else {
                return End::Stop;
            };
            tree = match self.step(tree, input).await {
                Ok(tree) => tree,
                Err(end) => return end,
            };
        }
    }

    /// The initial events; the node's notifications are subscribed to
    /// first, so that none is missed.
    async fn start(&self) -> Result<(Inputs, Tree), End> {
        let deps = self.deps.clone();
        let follow = self.follow.clone();
        let max_distance = self.max_distance;
        let max_pins = self.max_pins;
        let started = blocking(move || {
            let inputs = Inputs {
                imported: deps.chain.subscribe_imported(),
                best: deps.chain.subscribe_best(),
                finalized: deps.chain.subscribe_finalized(),
            };
            let (finalized, best) = (deps.chain.finalized(), deps.chain.best());
            if best.0.saturating_sub(finalized.0) > max_distance {
                return Err(End::Stop);
            }
            let leaves = deps.chain.leaves().map_err(|_| End::Stop)?;
            let (tree, update) =
                Tree::start(&Chain(deps), follow.with_runtime, finalized.1, &leaves)
                    .map_err(|_| End::Stop)?;
            pin(&follow, &tree, max_pins, update.pins)?;
            Ok((inputs, tree, update.events))
        })
        .await;
        let (inputs, tree, events) = started.map_err(|_| End::Stop)??;
        self.queue_events(&events)?;
        Ok((inputs, tree))
    }

    /// Applies one notification to the tree and pins what it reports, off
    /// the async workers; then queues its events.
    async fn step(&self, mut tree: Tree, input: Input) -> Result<Tree, End> {
        let chain = Chain(self.deps.clone());
        let follow = self.follow.clone();
        let max_pins = self.max_pins;
        let (tree, events) = blocking(move || {
            let update = match &input {
                Input::Imported(header) => tree.on_imported(&chain, header),
                Input::Best(header) => tree.on_best(&chain, header),
                Input::Finalized(header) => tree.on_finalized(&chain, header),
            };
            let update = update.map_err(|_| End::Stop)?;
            pin(&follow, &tree, max_pins, update.pins)?;
            Ok((tree, update.events))
        })
        .await
        .map_err(|_| End::Stop)??;
        self.queue_events(&events)?;
        Ok(tree)
    }

    /// Queues events for the writer.
    fn queue_events(&self, events: &[FollowEvent]) -> Result<(), End> {
        for event in events {
            let Ok(raw) = serde_json::value::to_raw_value(event) else {
                return Err(End::Stop);
            };
            self.queue.try_send(raw).map_err(|e| match e {
                mpsc::error::TrySendError::Full(_) => End::Stop,
                mpsc::error::TrySendError::Closed(_) => End::Quit,
            })?;
        }
        Ok(())
    }
}

/// Pins a step's blocks, here and in the node, before its events go out;
/// the subscription stops if it would keep more than `max_pins` blocks or
/// the node refuses one. It reaches the node: run it on the blocking pool.
fn pin(
    follow: &Follow,
    tree: &Tree,
    max_pins: usize,
    pins: Vec<(H256, Header)>,
) -> Result<(), End> {
    if tree.len() > max_pins {
        return Err(End::Stop);
    }
    follow.pin(pins).map_err(|refused| {
        tracing::debug!(target: "rpc", "a chainHead_v1_follow subscription stops: {refused}");
        End::Stop
    })
}

/// The next notification; `None` once notifications were missed (the
/// node's channel overflowed) or the node stopped sending them.
async fn next_input(inputs: &mut Inputs) -> Option<Input> {
    let received = tokio::select! {
        biased;
        header = inputs.imported.recv() => header.map(Input::Imported),
        header = inputs.best.recv() => header.map(Input::Best),
        header = inputs.finalized.recv() => header.map(Input::Finalized),
    };
    received.ok()
}

/// Sends queued head events and operation events in the order they come;
/// on `stop`, sends the `stop` event instead of what is still queued.
async fn write(
    sink: SubscriptionSink,
    mut queued: mpsc::Receiver<Box<RawValue>>,
    mut operations: mpsc::Receiver<FollowEvent>,
    mut stop: oneshot::Receiver<()>,
) {
    loop {
        let next = tokio::select! {
            biased;
            stopped = &mut stop => {
                if stopped.is_ok() {
                    send_stop(&sink).await;
                }
                return;
            }
            raw = queued.recv() => raw,
            event = operations.recv() => event.and_then(|e| serde_json::value::to_raw_value(&e).ok()),
        };
        let Some(raw) = next else {
            return;
        };
        if sink.send(SubscriptionMessage::from(raw)).await.is_err() {
            return;
        }
    }
}

async fn send_stop(sink: &SubscriptionSink) {
    let Ok(raw) = serde_json::value::to_raw_value(&FollowEvent::Stop) else {
        return;
    };
    tokio::select! {
        _ = sink.send(SubscriptionMessage::from(raw)) => {}
        _ = sink.closed() => {}
    }
}
