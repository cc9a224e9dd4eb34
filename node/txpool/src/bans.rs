//! Temporarily banned transaction hashes: pure bookkeeping, time as input.
//!
//! A ban lasts `ban_time` from when it was (last) placed. The list holds at
//! most `capacity` hashes; at capacity the oldest ban is forgotten first, so
//! a flood of new bans never lifts the recent ones. Expired bans are dropped
//! as they are met, oldest first.

use entroos_primitives::H256;
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

/// The banned hashes, in the order they were banned.
#[derive(Debug)]
pub struct BanList {
    ban_millis: u64,
    capacity: usize,
    /// Each hash's place in `order` and the time it was banned.
    by_hash: HashMap<H256, (u64, u64)>,
    /// Hashes by the order they were banned in.
    order: BTreeMap<u64, H256>,
    next_seq: u64,
}

impl BanList {
    /// An empty list of at most `capacity` bans lasting `ban_time` each.
    pub fn new(capacity: usize, ban_time: Duration) -> Self {
        BanList {
            ban_millis: u64::try_from(ban_time.as_millis()).unwrap_or(u64::MAX),
            capacity,
            by_hash: HashMap::new(),
            order: BTreeMap::new(),
            next_seq: 0,
        }
    }

    /// How many hashes are remembered (expired ones included until met).
    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    /// Whether no hash is remembered.
    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    /// Whether `hash` is banned at `now` (milliseconds); an expired ban is
    /// dropped.
    pub fn is_banned(&mut self, hash: &H256, now: u64) -> bool {
        let Some(&(_, at)) = self.by_hash.get(hash) else {
            return false;
        };
        if self.expired(at, now) {
            self.forget(hash);
            return false;
        }
        true
    }

    /// Bans `hashes` from `now`; a hash banned again starts over as the
    /// newest ban.
    pub fn ban(&mut self, hashes: impl IntoIterator<Item = H256>, now: u64) {
        for hash in hashes {
            self.forget(&hash);
            self.drop_expired(now);
            self.make_room();
            if self.by_hash.len() < self.capacity {
                let seq = self.next_seq;
                self.next_seq = self.next_seq.wrapping_add(1);
                self.by_hash.insert(hash, (seq, now));
                self.order.insert(seq, hash);
            }
        }
    }

    fn expired(&self, at: u64, now: u64) -> bool {
        now.saturating_sub(at) >= self.ban_millis
    }

    fn forget(&mut self, hash: &H256) {
        if let Some((seq, _)) = self.by_hash.remove(hash) {
            self.order.remove(&seq);
        }
    }

    /// Drops expired bans from the oldest on, up to the first live one.
    fn drop_expired(&mut self, now: u64) {
        while let Some((&seq, &hash)) = self.order.first_key_value() {
            let at = self.by_hash.get(&hash).map_or(0, |(_, at)| *at);
            if !self.expired(at, now) {
                break;
            }
            self.order.remove(&seq);
            self.by_hash.remove(&hash);
        }
    }

    /// Forgets the oldest bans until one more fits.
    fn make_room(&mut self) {
        while self.by_hash.len() >= self.capacity {
            let Some((_, oldest)) = self.order.pop_first() else {
                break;
            };
            self.by_hash.remove(&oldest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: u64 = 60_000;

    fn h(i: u8) -> H256 {
        H256([i; 32])
    }

    fn list(capacity: usize) -> BanList {
        BanList::new(capacity, Duration::from_millis(30 * MINUTE))
    }

    #[test]
    fn at_capacity_only_the_oldest_ban_is_forgotten() {
        let mut bans = list(3);
        bans.ban([h(1), h(2), h(3)], 0);
        bans.ban([h(4)], 1);
        assert_eq!(bans.len(), 3);
        assert!(!bans.is_banned(&h(1), 2));
        assert!([2, 3, 4].iter().all(|i| bans.is_banned(&h(*i), 2)));
        // Banned again, 2 becomes the newest: 3 is now the oldest.
        bans.ban([h(2)], 3);
        bans.ban([h(5)], 4);
        assert!(!bans.is_banned(&h(3), 5));
        assert!([2, 4, 5].iter().all(|i| bans.is_banned(&h(*i), 5)));
    }

    #[test]
    fn bans_end_after_ban_time() {
        let mut bans = list(10);
        bans.ban([h(1)], 0);
        bans.ban([h(2)], 10 * MINUTE);
        assert!(bans.is_banned(&h(1), 30 * MINUTE - 1));
        assert!(!bans.is_banned(&h(1), 30 * MINUTE));
        assert_eq!(bans.len(), 1, "the expired ban is dropped when met");
        // Banning again restarts the time.
        bans.ban([h(2)], 35 * MINUTE);
        assert!(bans.is_banned(&h(2), 64 * MINUTE));
        assert!(!bans.is_banned(&h(2), 65 * MINUTE));
    }

    #[test]
    fn expired_bans_make_room_before_live_ones_are_forgotten() {
        let mut bans = list(2);
        bans.ban([h(1)], 0);
        bans.ban([h(2)], 20 * MINUTE);
        // At 31 minutes the first ban has expired: it goes, the second stays.
        bans.ban([h(3)], 31 * MINUTE);
        assert!(bans.is_banned(&h(2), 31 * MINUTE));
        assert!(bans.is_banned(&h(3), 31 * MINUTE));
        assert_eq!(bans.len(), 2);
    }

    #[test]
    fn a_clock_going_back_keeps_bans_and_no_capacity_keeps_none() {
        let mut bans = list(2);
        bans.ban([h(1)], 10 * MINUTE);
        assert!(bans.is_banned(&h(1), 0));
        let mut none = list(0);
        none.ban([h(1)], 0);
        assert!(!none.is_banned(&h(1), 0));
        assert!(none.is_empty());
    }
}
