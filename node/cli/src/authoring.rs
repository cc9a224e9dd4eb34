//! The slot timer: a thread of its own (started through the node's
//! [`Spawner`]) that wakes at every slot boundary
//! and asks `entroos-authorship` to author the slot, so that no RPC or
//! network load on the async workers can delay or starve block production.

use entroos_authorship::{author_slot, AuthorStats, SlotOutcome};
use entroos_client::Client;
use entroos_client_api::{slot_at, Clock, Spawner};
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
    /// The sealing key.
    pub key: sr25519::Pair,
    /// Where authored blocks are counted.
    pub stats: Arc<AuthorStats>,
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
            &parts.key,
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
