//! Peer reputation: typed changes, and a book that sums them per peer,
//! lets them decay towards zero over injected time, and bans a peer whose
//! reputation falls to the threshold. A ban is decided once: what a banned
//! peer still had in flight is counted but neither repeats the ban (the
//! node would disconnect and refuse it again for each message) nor
//! extends it.
//!
//! Decay: every whole second a reputation loses 1/[`ReputationConfig::decay_divisor`]
//! of itself (at least 1) towards zero, so a penalty halves in about 35 s
//! with the default divisor of 50, and any value reaches zero within
//! [`DECAY_HORIZON_SECS`].

use crate::PeerId;
use std::collections::BTreeMap;

/// After this many seconds without reports any reputation has decayed to zero.
pub const DECAY_HORIZON_SECS: u64 = 1_200;

/// Why a reputation changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    /// The peer follows another chain.
    GenesisMismatch,
    /// A block it sent was refused by import as invalid.
    BadBlock,
    /// Bytes that do not decode as the protocol's message.
    BadMessage,
    /// A response that decodes but does not answer the request.
    BadResponse,
    /// A request that was not answered in time.
    Timeout,
    /// More announcements than the rate limit allows.
    Flood,
    /// An empty answer for blocks the peer claimed to have.
    UselessResponse,
    /// Blocks that do not attach to the chain the peer claimed to share.
    UnconnectedBlocks,
}

/// A change to a peer's reputation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReputationChange {
    /// The amount added (negative for penalties).
    pub value: i32,
    /// Why.
    pub reason: Reason,
}

impl ReputationChange {
    /// Another chain: banned at once.
    pub const GENESIS_MISMATCH: Self = Self::new(i32::MIN, Reason::GenesisMismatch);
    /// An invalid block: two within a short time ban the peer.
    pub const BAD_BLOCK: Self = Self::new(-(1 << 27), Reason::BadBlock);
    /// Undecodable bytes: four ban the peer.
    pub const BAD_MESSAGE: Self = Self::new(-(1 << 26), Reason::BadMessage);
    /// A response that violates its request: four ban the peer.
    pub const BAD_RESPONSE: Self = Self::new(-(1 << 26), Reason::BadResponse);
    /// A timed-out request: sixteen ban the peer.
    pub const TIMEOUT: Self = Self::new(-(1 << 24), Reason::Timeout);
    /// One announcement above the rate limit: thirty-two ban the peer.
    pub const FLOOD: Self = Self::new(-(1 << 23), Reason::Flood);
    /// An empty answer where blocks were claimed.
    pub const USELESS_RESPONSE: Self = Self::new(-(1 << 22), Reason::UselessResponse);
    /// Blocks that do not attach (often an honest fork; kept small).
    pub const UNCONNECTED_BLOCKS: Self = Self::new(-(1 << 21), Reason::UnconnectedBlocks);

    /// A change of `value` for `reason`.
    pub const fn new(value: i32, reason: Reason) -> Self {
        ReputationChange { value, reason }
    }

    /// Whether this change alone bans the peer.
    pub fn is_fatal(self) -> bool {
        self.value == i32::MIN
    }
}

/// The book's parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReputationConfig {
    /// A peer at or below this reputation is banned.
    pub ban_threshold: i32,
    /// How long a ban lasts, in milliseconds.
    pub ban_millis: u64,
    /// Each second a reputation loses `1/decay_divisor` of itself.
    pub decay_divisor: i32,
    /// The most peers remembered; the most neutral unbanned one is forgotten first.
    pub max_entries: usize,
}

impl Default for ReputationConfig {
    fn default() -> Self {
        ReputationConfig {
            ban_threshold: -(1 << 28),
            ban_millis: 300_000,
            decay_divisor: 50,
            max_entries: 4_096,
        }
    }
}

/// What a report decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The peer may stay.
    Keep,
    /// This report banned the peer until this time: disconnect it and refuse it.
    Ban {
        /// End of the ban, in milliseconds.
        until: u64,
    },
    /// The peer was already banned, until this time: nothing more to do
    /// (its messages still in flight neither repeat nor extend the ban).
    Banned {
        /// End of the ban, in milliseconds.
        until: u64,
    },
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    value: i32,
    at: u64,
    banned_until: Option<u64>,
}

/// Reputations of peers over injected time.
#[derive(Clone, Debug)]
pub struct PeerReputation {
    config: ReputationConfig,
    peers: BTreeMap<PeerId, Entry>,
}

impl PeerReputation {
    /// An empty book.
    pub fn new(config: ReputationConfig) -> Self {
        PeerReputation {
            config,
            peers: BTreeMap::new(),
        }
    }

    /// Applies `change` at time `now` (milliseconds).
    pub fn report(&mut self, peer: &PeerId, change: ReputationChange, now: u64) -> Verdict {
        if !self.peers.contains_key(peer) {
            self.make_room();
        }
        let config = self.config;
        let entry = self.peers.entry(peer.clone()).or_insert(Entry {
            value: 0,
            at: now,
            banned_until: None,
        });
        decay(entry, now, config.decay_divisor);
        entry.value = entry.value.saturating_add(change.value);
        if let Some(until) = entry.banned_until.filter(|until| *until > now) {
            return Verdict::Banned { until };
        }
        if change.is_fatal() || entry.value <= config.ban_threshold {
            let until = now.saturating_add(config.ban_millis);
            entry.banned_until = Some(until);
            return Verdict::Ban { until };
        }
        Verdict::Keep
    }

    /// The peer's reputation at `now`.
    pub fn reputation(&self, peer: &PeerId, now: u64) -> i32 {
        self.peers.get(peer).map_or(0, |entry| {
            let mut entry = *entry;
            decay(&mut entry, now, self.config.decay_divisor);
            entry.value
        })
    }

    /// Whether the peer is banned at `now`.
    pub fn is_banned(&self, peer: &PeerId, now: u64) -> bool {
        self.banned_until(peer).is_some_and(|until| until > now)
    }

    /// The end of the peer's ban, if it was ever banned and is remembered.
    pub fn banned_until(&self, peer: &PeerId) -> Option<u64> {
        self.peers.get(peer).and_then(|entry| entry.banned_until)
    }

    /// Decays every reputation to `now` and forgets peers back at zero
    /// whose ban is over.
    pub fn tick(&mut self, now: u64) {
        let divisor = self.config.decay_divisor;
        self.peers.retain(|_, entry| {
            decay(entry, now, divisor);
            entry.value != 0 || entry.banned_until.is_some_and(|until| until > now)
        });
    }

    /// How many peers are remembered.
    pub fn len(&self) -> usize {
        self.peers.len()
    }

    /// Whether no peer is remembered.
    pub fn is_empty(&self) -> bool {
        self.peers.is_empty()
    }

    fn make_room(&mut self) {
        if self.peers.len() < self.config.max_entries {
            return;
        }
        let victim = self
            .peers
            .iter()
            .min_by_key(|(peer, entry)| {
                (
                    entry.banned_until.is_some(),
                    entry.value.unsigned_abs(),
                    *peer,
                )
            })
            .map(|(peer, _)| peer.clone());
        if let Some(peer) = victim {
            self.peers.remove(&peer);
        }
    }
}

/// Moves `entry` to `now`, one step per whole second elapsed.
fn decay(entry: &mut Entry, now: u64, divisor: i32) {
    let secs = now.saturating_sub(entry.at) / 1_000;
    entry.at = entry.at.saturating_add(secs.saturating_mul(1_000));
    if secs >= DECAY_HORIZON_SECS {
        entry.value = 0;
        return;
    }
    for _ in 0..secs {
        if entry.value == 0 {
            break;
        }
        let step = match entry.value.checked_div(divisor.max(1)) {
            Some(0) | None => entry.value.signum(),
            Some(step) => step,
        };
        entry.value = entry.value.saturating_sub(step);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(n: u8) -> PeerId {
        PeerId::from_bytes(vec![n]).unwrap()
    }

    #[test]
    fn penalties_sum_and_ban_at_the_threshold() {
        let mut book = PeerReputation::new(ReputationConfig::default());
        assert_eq!(
            book.report(&peer(1), ReputationChange::BAD_BLOCK, 0),
            Verdict::Keep
        );
        assert_eq!(
            book.report(&peer(1), ReputationChange::BAD_BLOCK, 0),
            Verdict::Ban { until: 300_000 }
        );
        assert!(book.is_banned(&peer(1), 299_999));
        assert!(!book.is_banned(&peer(1), 300_000));
        assert!(!book.is_banned(&peer(2), 0));
    }

    #[test]
    fn reports_during_a_ban_neither_repeat_nor_extend_it() {
        let mut book = PeerReputation::new(ReputationConfig::default());
        let fatal = ReputationChange::GENESIS_MISMATCH;
        assert_eq!(
            book.report(&peer(1), fatal, 0),
            Verdict::Ban { until: 300_000 }
        );
        for at in [1, 10_000, 299_999] {
            assert_eq!(
                book.report(&peer(1), ReputationChange::BAD_MESSAGE, at),
                Verdict::Banned { until: 300_000 }
            );
        }
        assert!(!book.is_banned(&peer(1), 300_000));
        assert_eq!(
            book.report(&peer(1), fatal, 300_000),
            Verdict::Ban { until: 600_000 }
        );
    }

    #[test]
    fn a_fatal_change_bans_at_once() {
        let mut book = PeerReputation::new(ReputationConfig::default());
        assert!(matches!(
            book.report(&peer(1), ReputationChange::GENESIS_MISMATCH, 5),
            Verdict::Ban { until: 300_005 }
        ));
    }

    #[test]
    fn reputation_decays_over_injected_time() {
        let mut book = PeerReputation::new(ReputationConfig::default());
        book.report(&peer(1), ReputationChange::BAD_BLOCK, 0);
        let start = book.reputation(&peer(1), 0);
        let later = book.reputation(&peer(1), 35_000);
        let (start_abs, later_abs) = (start.unsigned_abs(), later.unsigned_abs());
        assert!(
            later_abs > start_abs / 100 * 45 && later_abs < start_abs / 100 * 55,
            "{start} → {later}: about half after 35 s"
        );
        assert_eq!(book.reputation(&peer(1), 999), start);
        assert_eq!(book.reputation(&peer(1), DECAY_HORIZON_SECS * 1_000), 0);
        book.tick(DECAY_HORIZON_SECS * 1_000);
        assert!(book.is_empty());
    }

    #[test]
    fn decay_reaches_zero_from_the_extremes_within_the_horizon() {
        for value in [i32::MIN, i32::MAX, -1, 1] {
            let mut entry = Entry {
                value,
                at: 0,
                banned_until: None,
            };
            decay(&mut entry, (DECAY_HORIZON_SECS - 1) * 1_000, 50);
            assert_eq!(entry.value, 0, "from {value}");
        }
    }

    #[test]
    fn a_full_book_forgets_the_most_neutral_unbanned_peer() {
        let config = ReputationConfig {
            max_entries: 2,
            ..Default::default()
        };
        let mut book = PeerReputation::new(config);
        book.report(&peer(1), ReputationChange::GENESIS_MISMATCH, 0);
        book.report(&peer(2), ReputationChange::TIMEOUT, 0);
        book.report(&peer(3), ReputationChange::BAD_BLOCK, 0);
        assert_eq!(book.len(), 2);
        assert!(book.is_banned(&peer(1), 0));
        assert_eq!(book.reputation(&peer(2), 0), 0);
        assert_eq!(
            book.reputation(&peer(3), 0),
            ReputationChange::BAD_BLOCK.value
        );
    }
}
