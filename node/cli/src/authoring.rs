//! Slot authorship in the node: the slot timer, a thread of its own
//! (started through the node's [`Spawner`]) that wakes at every slot
//! boundary and asks the [`SlotWorker`] to author the slot, so that no RPC
//! or network load on the async workers can delay or starve block
//! production; and the equivocation watch, a task that hands every
//! verified import to the same worker, which reports a second block by one
//! author for one slot to the pool.
//!
//! The slot keys are the keystore's `babe` (sr25519) keys, looked up at
//! every slot among the epoch's authorities ([`VrfKeys`]), so a key
//! inserted while the node runs is used from the next slot.

use crate::session_keys::describe;
use entroos_authorship::{SlotKeys, SlotOutcome, SlotWorker};
use entroos_client::Client;
use entroos_client_api::{slot_at, Clock, Spawner};
use entroos_consensus_slots::HeldKeys;
use entroos_keystore::Keystore;
use entroos_primitives::crypto::key_types::known::BABE;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::broadcast::error::RecvError;

/// The longest one sleep lasts, so that a stop request is seen promptly.
const MAX_NAP: Duration = Duration::from_millis(100);

/// A running slot timer; dropping it stops the thread after the slot in
/// progress (the spawner joins it).
pub struct Authoring {
    stop: Arc<AtomicBool>,
}

/// The keystore's `babe` keys. A key file that cannot be used is reported
/// and left out.
pub struct VrfKeys(pub Arc<Keystore>);

impl SlotKeys for VrfKeys {
    fn held(&self, authorities: &[[u8; 32]]) -> HeldKeys {
        authorities
            .iter()
            .filter_map(|authority| match self.0.sr25519_pair(BABE, authority) {
                Ok(pair) => pair,
                Err(e) => {
                    let who = entroos_primitives::ss58::encode(42, authority);
                    tracing::warn!(target: "author", "the babe key of {who} cannot be used: {}", describe(&e));
                    None
                }
            })
            .collect()
    }
}

impl Authoring {
    /// Starts the slot timer thread over `worker`.
    pub fn start(client: Arc<Client>, worker: Arc<SlotWorker>, spawner: &dyn Spawner) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        spawner.spawn_blocking(
            "slot-author",
            Box::new(move || run(&client, &worker, &flag)),
        );
        Authoring { stop }
    }
}

impl Drop for Authoring {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// Starts the task that hands every verified import to `worker`.
pub fn watch_equivocations(client: &Client, worker: Arc<SlotWorker>, spawner: &dyn Spawner) {
    let mut imports = client.subscribe_verified();
    spawner.spawn(
        "equivocation-watch",
        Box::pin(async move {
            loop {
                let imported = match imports.recv().await {
                    Ok(imported) => imported,
                    Err(RecvError::Lagged(missed)) => {
                        tracing::debug!(target: "author", "equivocation watch skipped {missed} imports");
                        continue;
                    }
                    Err(RecvError::Closed) => return,
                };
                let worker = worker.clone();
                let noted = tokio::task::spawn_blocking(move || worker.on_imported(&imported)).await;
                if let Ok(Err(e)) = noted {
                    tracing::warn!(target: "author", "an equivocation was not reported: {e}");
                }
            }
        }),
    );
}

/// Sleeps until the clock reaches `until`, or a stop is requested.
fn sleep_until(clock: &dyn Clock, until: u64, stop: &AtomicBool) -> bool {
    loop {
        if stop.load(Ordering::SeqCst) {
            return false;
        }
        let now = clock.now_millis();
        if now >= until {
            return true;
        }
        let nap = Duration::from_millis(until.saturating_sub(now)).min(MAX_NAP);
        std::thread::sleep(nap);
    }
}

fn run(client: &Client, worker: &SlotWorker, stop: &AtomicBool) {
    let slot_millis = client.slot_millis().max(1);
    let clock = client.clock().clone();
    let mut last_slot = 0u64;
    loop {
        let next_start = slot_at(clock.now_millis(), slot_millis)
            .saturating_add(1)
            .saturating_mul(slot_millis);
        if !sleep_until(&*clock, next_start, stop) {
            return;
        }
        let slot = slot_at(clock.now_millis(), slot_millis);
        if slot <= last_slot {
            continue;
        }
        last_slot = slot;
        let deadline = Instant::now() + Duration::from_millis(slot_millis / 2);
        match worker.author_slot(slot, deadline) {
            Ok(SlotOutcome::Authored { .. }) | Ok(SlotOutcome::NotOurs) => {}
            Err(e) => tracing::warn!(target: "author", "slot {slot}: block not authored: {e}"),
        }
    }
}
