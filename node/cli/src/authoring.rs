//! The slot timer: a thread of its own (started through the node's
//! [`Spawner`]) that wakes at every slot boundary
//! and asks `entroos-authorship` to author the slot, so that no RPC or
//! network load on the async workers can delay or starve block production.
//! The sealing key is looked up in the keystore at every slot of an
//! authority ([`AuraKeys`]), so a key inserted while the node runs is used
//! from that authority's next slot.

use crate::session_keys::describe;
use entroos_authorship::{author_slot, AuthorStats, SlotKeys, SlotOutcome};
use entroos_client::Client;
use entroos_client_api::{slot_at, Clock, Spawner};
use entroos_keystore::Keystore;
use entroos_primitives::crypto::key_types::known::AURA;
use entroos_primitives::crypto::sr25519;
use entroos_txpool::TxPool;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The longest one sleep lasts, so that a stop request is seen promptly.
const MAX_NAP: Duration = Duration::from_millis(100);

/// A running slot timer; dropping it stops the thread after the slot in
/// progress (the spawner joins it).
pub struct Authoring {
    stop: Arc<AtomicBool>,
}

/// What the slot timer needs.
pub struct AuthoringParts {
    /// The chain.
    pub client: Arc<Client>,
    /// The pool.
    pub pool: Arc<TxPool>,
    /// Where the sealing keys are.
    pub keys: Arc<dyn SlotKeys + Send + Sync>,
    /// Where authored blocks are counted.
    pub stats: Arc<AuthorStats>,
}

/// The aura keys of the keystore. A key file that cannot be used is
/// reported and the slot left alone.
pub struct AuraKeys(pub Arc<Keystore>);

impl SlotKeys for AuraKeys {
    fn authority_pair(&self, authority: &[u8; 32]) -> Option<sr25519::Pair> {
        match self.0.sr25519_pair(AURA, authority) {
            Ok(pair) => pair,
            Err(e) => {
                let who = entroos_primitives::ss58::encode(42, authority);
                tracing::warn!(target: "author", "the aura key of {who} cannot be used: {}", describe(&e));
                None
            }
        }
    }
}

impl Authoring {
    /// Starts the slot timer thread.
    pub fn start(parts: AuthoringParts, spawner: &dyn Spawner) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        spawner.spawn_blocking("slot-author", Box::new(move || run(parts, &flag)));
        Authoring { stop }
    }
}

impl Drop for Authoring {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
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

fn run(parts: AuthoringParts, stop: &AtomicBool) {
    let slot_millis = parts.client.slot_millis().max(1);
    let clock = parts.client.clock().clone();
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
        let outcome = author_slot(
            &parts.client,
            &parts.pool,
            &*parts.keys,
            slot,
            deadline,
            &parts.stats,
        );
        match outcome {
            Ok(SlotOutcome::Authored { .. }) | Ok(SlotOutcome::NotOurs) => {}
            Err(e) => tracing::warn!(target: "author", "slot {slot}: block not authored: {e}"),
        }
    }
}
