//! When to dial again: exponential backoff for boot and reserved peers,
//! and the schedule of Kademlia random walks. Pure: time comes in as
//! arguments.

use libp2p::{Multiaddr, PeerId};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The first retry delay.
pub(crate) const INITIAL_BACKOFF: Duration = Duration::from_secs(1);
/// The longest retry delay.
pub(crate) const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// An action due at a time, with a delay that doubles up to a cap.
#[derive(Debug, Clone)]
pub(crate) struct Backoff {
    next: Option<Instant>,
    delay: Duration,
}

impl Backoff {
    /// Due at `now`.
    pub(crate) fn due_at(now: Instant) -> Self {
        Self {
            next: Some(now),
            delay: INITIAL_BACKOFF,
        }
    }

    /// Whether the action is due; if so it is not due again until rescheduled.
    pub(crate) fn take_due(&mut self, now: Instant) -> bool {
        let due = self.next.is_some_and(|next| next <= now);
        if due {
            self.next = None;
        }
        due
    }

    /// Schedules the next attempt after the current delay, and doubles it.
    pub(crate) fn retry(&mut self, now: Instant) {
        self.next = Some(now + self.delay);
        self.delay = (self.delay * 2).min(MAX_BACKOFF);
    }

    /// Success: the next failure retries after the initial delay.
    pub(crate) fn reset(&mut self) {
        self.next = None;
        self.delay = INITIAL_BACKOFF;
    }
}

/// A peer kept connected: a boot node or a reserved peer.
#[derive(Debug)]
struct Target {
    addrs: Vec<Multiaddr>,
    backoff: Backoff,
    boot: bool,
    reserved: bool,
}

/// The peers dialed again, with backoff, whenever they are not connected.
#[derive(Debug, Default)]
pub(crate) struct Redialer {
    targets: HashMap<PeerId, Target>,
}

impl Redialer {
    /// Adds a boot node, due at once.
    pub(crate) fn add_boot(&mut self, peer: PeerId, addr: Multiaddr, now: Instant) {
        self.target(peer, addr, now).boot = true;
    }

    /// Adds a reserved peer, due at once.
    pub(crate) fn add_reserved(&mut self, peer: PeerId, addr: Multiaddr, now: Instant) {
        self.target(peer, addr, now).reserved = true;
    }

    fn target(&mut self, peer: PeerId, addr: Multiaddr, now: Instant) -> &mut Target {
        let target = self.targets.entry(peer).or_insert_with(|| Target {
            addrs: Vec::new(),
            backoff: Backoff::due_at(now),
            boot: false,
            reserved: false,
        });
        if !target.addrs.contains(&addr) {
            target.addrs.push(addr);
        }
        target
    }

    /// Stops redialing a peer that is no longer reserved (unless it is a boot node).
    pub(crate) fn remove_reserved(&mut self, peer: &PeerId) {
        if let Some(target) = self.targets.get_mut(peer) {
            target.reserved = false;
            if !target.boot {
                self.targets.remove(peer);
            }
        }
    }

    /// The peer connected: stop retrying it.
    pub(crate) fn connected(&mut self, peer: &PeerId) {
        if let Some(target) = self.targets.get_mut(peer) {
            target.backoff.reset();
        }
    }

    /// The peer disconnected or could not be dialed: retry it later.
    pub(crate) fn failed(&mut self, peer: &PeerId, now: Instant) {
        if let Some(target) = self.targets.get_mut(peer) {
            target.backoff.retry(now);
        }
    }

    /// The peers to dial now, with their addresses.
    pub(crate) fn due(&mut self, now: Instant) -> Vec<(PeerId, Vec<Multiaddr>)> {
        self.targets
            .iter_mut()
            .filter_map(|(peer, target)| {
                target
                    .backoff
                    .take_due(now)
                    .then(|| (*peer, target.addrs.clone()))
            })
            .collect()
    }
}

/// Random walks start often and slow down to one a minute.
#[derive(Debug)]
pub(crate) struct RandomWalk {
    next: Instant,
    delay: Duration,
}

impl RandomWalk {
    /// The first walk is due after the initial delay.
    pub(crate) fn new(now: Instant) -> Self {
        Self {
            next: now + INITIAL_BACKOFF,
            delay: INITIAL_BACKOFF,
        }
    }

    /// Whether a walk is due; if so the next is scheduled.
    pub(crate) fn take_due(&mut self, now: Instant) -> bool {
        if now < self.next {
            return false;
        }
        self.delay = (self.delay * 2).min(MAX_BACKOFF);
        self.next = now + self.delay;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr() -> Multiaddr {
        "/ip4/127.0.0.1/tcp/1/ws".parse().expect("valid")
    }

    #[test]
    fn targets_are_due_at_once_then_back_off() {
        let now = Instant::now();
        let peer = PeerId::random();
        let mut redialer = Redialer::default();
        redialer.add_boot(peer, addr(), now);
        assert_eq!(redialer.due(now).len(), 1);
        assert!(
            redialer.due(now).is_empty(),
            "not due again before an outcome"
        );
        redialer.failed(&peer, now);
        assert!(redialer.due(now + Duration::from_millis(999)).is_empty());
        assert_eq!(redialer.due(now + INITIAL_BACKOFF).len(), 1);
        redialer.failed(&peer, now);
        assert!(
            redialer.due(now + INITIAL_BACKOFF).is_empty(),
            "the delay doubled"
        );
        assert_eq!(redialer.due(now + INITIAL_BACKOFF * 2).len(), 1);
    }

    #[test]
    fn backoff_is_capped_and_reset_on_connection() {
        let now = Instant::now();
        let mut backoff = Backoff::due_at(now);
        for _ in 0..20 {
            backoff.retry(now);
        }
        assert!(!backoff.take_due(now + MAX_BACKOFF - Duration::from_millis(1)));
        assert!(backoff.take_due(now + MAX_BACKOFF));
        backoff.reset();
        assert!(!backoff.take_due(now + MAX_BACKOFF * 10));
        backoff.retry(now);
        assert!(backoff.take_due(now + INITIAL_BACKOFF));
    }

    #[test]
    fn removing_a_reserved_boot_node_keeps_it() {
        let now = Instant::now();
        let (boot, reserved) = (PeerId::random(), PeerId::random());
        let mut redialer = Redialer::default();
        redialer.add_boot(boot, addr(), now);
        redialer.add_reserved(boot, addr(), now);
        redialer.add_reserved(reserved, addr(), now);
        redialer.remove_reserved(&boot);
        redialer.remove_reserved(&reserved);
        let due: Vec<_> = redialer.due(now).into_iter().map(|(p, _)| p).collect();
        assert_eq!(due, vec![boot]);
    }

    #[test]
    fn random_walks_slow_down() {
        let now = Instant::now();
        let mut walk = RandomWalk::new(now);
        assert!(!walk.take_due(now));
        assert!(walk.take_due(now + INITIAL_BACKOFF));
        assert!(!walk.take_due(now + INITIAL_BACKOFF * 2));
        assert!(walk.take_due(now + INITIAL_BACKOFF * 3));
    }
}
