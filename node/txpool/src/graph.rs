//! The pool's dependency graph: pure bookkeeping, no runtime calls, no time.
//!
//! A transaction is *ready* when every tag it requires is provided by the
//! chain (a tag of a transaction included recently) or by a ready transaction
//! in the pool; otherwise it waits in *future*. Importing a transaction may
//! promote future ones; removing a ready one (other than by inclusion) demotes
//! those that relied on it. Each tag has at most one provider: a newcomer with
//! a higher priority usurps the holder, one with a lower or equal priority is
//! refused. Limits on count and bytes (ready and future apart) are enforced
//! by evicting the lowest priority, newest first; a newcomer whose sender
//! already has as many transactions as the per-sender limit allows is
//! refused.
//!
//! An import is all or nothing: if the newcomer itself would be evicted, the
//! transactions it usurped or evicted on the way are put back with their
//! original order and validation time, and the graph is as it was. An
//! accepted import names every transaction it pushed out ([`Imported`]), so
//! that none leaves unannounced.

use entroos_primitives::H256;
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap, HashSet};
use std::sync::Arc;

/// A requires/provides tag.
pub type Tag = Vec<u8>;

/// How many blocks a tag provided by an included transaction still counts as provided.
pub const CHAIN_TAG_BLOCKS: u64 = 64;

/// Size limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Ready transactions.
    pub ready_count: usize,
    /// Bytes of ready transactions.
    pub ready_bytes: usize,
    /// Future transactions.
    pub future_count: usize,
    /// Bytes of future transactions.
    pub future_bytes: usize,
    /// Transactions of one sender, ready and future together.
    pub per_sender: usize,
}

impl Limits {
    /// Substrate's defaults for `count` transactions and `kbytes` KiB in
    /// ready; a tenth of each for future.
    pub fn new(count: usize, kbytes: usize, per_sender: usize) -> Self {
        let bytes = kbytes.saturating_mul(1024);
        Limits {
            ready_count: count,
            ready_bytes: bytes,
            future_count: count / 10,
            future_bytes: bytes / 10,
            per_sender,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::new(8192, 20 * 1024, 512)
    }
}

/// A validated transaction.
#[derive(Clone, Debug)]
pub struct Tx {
    /// `blake2_256` of the encoded extrinsic.
    pub hash: H256,
    /// The encoded extrinsic.
    pub data: Arc<Vec<u8>>,
    /// Higher goes first.
    pub priority: u64,
    /// Tags needed first.
    pub requires: Vec<Tag>,
    /// Tags provided.
    pub provides: Vec<Tag>,
    /// The last block number at which it is valid.
    pub valid_till: u64,
    /// The signer, for the per-sender limit.
    pub sender: Option<[u8; 32]>,
}

#[derive(Debug)]
struct Entry {
    tx: Arc<Tx>,
    seq: u64,
    ready: bool,
    validated_at: u64,
}

/// Why a transaction was not imported.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    /// Already in the pool.
    #[error("already imported")]
    AlreadyImported,
    /// A transaction of at least this priority provides the same tag.
    #[error("priority {new} is not above {old}")]
    TooLowPriority {
        /// The holder's priority.
        old: u64,
        /// The newcomer's.
        new: u64,
    },
    /// Its sender is at the per-sender limit, or it would be the first
    /// transaction the count and byte limits evict.
    #[error("the pool is full")]
    Full,
}

/// What a block changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pruned {
    /// Transactions of the pool the block included.
    pub included: Vec<H256>,
    /// Transactions it made ready.
    pub promoted: Vec<H256>,
    /// Transactions no longer valid at its number.
    pub expired: Vec<H256>,
}

/// What an import changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Imported {
    /// Whether the new transaction is ready.
    pub ready: bool,
    /// Future transactions it made ready.
    pub promoted: Vec<H256>,
    /// Transactions it replaced.
    pub usurped: Vec<H256>,
    /// Transactions the limits evicted.
    pub evicted: Vec<H256>,
}

type Rank = (u64, Reverse<u64>, H256);

/// The graph.
#[derive(Debug, Default)]
pub struct Graph {
    limits: Limits,
    entries: HashMap<H256, Entry>,
    providers: HashMap<Tag, H256>,
    requirers: HashMap<Tag, HashSet<H256>>,
    chain_tags: HashMap<Tag, u64>,
    ranks: [BTreeSet<Rank>; 2],
    bytes: [usize; 2],
    per_sender: HashMap<[u8; 32], usize>,
    next_seq: u64,
}

const FUTURE: usize = 0;
const READY: usize = 1;

impl Graph {
    /// An empty graph.
    pub fn new(limits: Limits) -> Self {
        Graph {
            limits,
            ..Default::default()
        }
    }

    /// `(ready, future)` counts.
    pub fn counts(&self) -> (usize, usize) {
        (self.ranks[READY].len(), self.ranks[FUTURE].len())
    }

    /// `(ready, future)` bytes.
    pub fn bytes(&self) -> (usize, usize) {
        (self.bytes[READY], self.bytes[FUTURE])
    }

    /// Whether `hash` is in the pool.
    pub fn contains(&self, hash: &H256) -> bool {
        self.entries.contains_key(hash)
    }

    /// Whether `hash` is ready.
    pub fn is_ready(&self, hash: &H256) -> bool {
        self.entries.get(hash).is_some_and(|e| e.ready)
    }

    /// Every transaction.
    pub fn all(&self) -> impl Iterator<Item = &Arc<Tx>> {
        self.entries.values().map(|e| &e.tx)
    }

    /// The transaction `hash`.
    pub fn get(&self, hash: &H256) -> Option<Arc<Tx>> {
        self.entries.get(hash).map(|e| e.tx.clone())
    }

    /// Whether a ready transaction provides `tag`.
    pub fn provided_by_ready(&self, tag: &Tag) -> bool {
        self.providers.get(tag).is_some_and(|h| self.is_ready(h))
    }

    fn satisfied(&self, tag: &Tag) -> bool {
        self.chain_tags.contains_key(tag)
            || self.providers.get(tag).is_some_and(|h| self.is_ready(h))
    }

    /// Imports `tx`, validated at block `at`.
    ///
    /// All or nothing: a refused import leaves the graph exactly as it was
    /// (what it usurped or evicted on the way is put back), and an accepted
    /// one lists every transaction it pushed out.
    pub fn import(&mut self, tx: Tx, at: u64) -> Result<Imported, GraphError> {
        if self.entries.contains_key(&tx.hash) {
            return Err(GraphError::AlreadyImported);
        }
        let holders = self.holders(&tx)?;
        if self.sender_is_full(&tx, &holders) {
            return Err(GraphError::Full);
        }
        let hash = tx.hash;
        let usurped: Vec<Entry> = holders.iter().filter_map(|h| self.take(h)).collect();
        self.insert(tx, at);
        let promoted = self.promote(hash);
        let evicted = self.enforce_limits();
        if !self.entries.contains_key(&hash) {
            let others = evicted.into_iter().filter(|e| e.tx.hash != hash);
            self.restore(usurped.into_iter().chain(others));
            return Err(GraphError::Full);
        }
        Ok(Imported {
            ready: self.is_ready(&hash),
            promoted: promoted
                .into_iter()
                .filter(|h| *h != hash && self.is_ready(h))
                .collect(),
            usurped: usurped.iter().map(|e| e.tx.hash).collect(),
            evicted: evicted.iter().map(|e| e.tx.hash).collect(),
        })
    }

    /// The transactions `tx` would usurp: the providers of its tags, which
    /// must all have a lower priority.
    fn holders(&self, tx: &Tx) -> Result<BTreeSet<H256>, GraphError> {
        let holders: BTreeSet<H256> = tx
            .provides
            .iter()
            .filter_map(|t| self.providers.get(t).copied())
            .collect();
        let old = holders
            .iter()
            .filter_map(|h| self.entries.get(h))
            .map(|e| e.tx.priority)
            .max();
        match old {
            Some(old) if old >= tx.priority => Err(GraphError::TooLowPriority {
                old,
                new: tx.priority,
            }),
            _ => Ok(holders),
        }
    }

    /// Whether `tx`'s sender would be over its limit once `holders` are gone.
    fn sender_is_full(&self, tx: &Tx, holders: &BTreeSet<H256>) -> bool {
        let Some(sender) = tx.sender else {
            return false;
        };
        let leaving = holders
            .iter()
            .filter(|h| self.entries.get(h).and_then(|e| e.tx.sender) == Some(sender))
            .count();
        let pooled = self.per_sender.get(&sender).copied().unwrap_or(0);
        pooled.saturating_sub(leaving) >= self.limits.per_sender
    }

    fn insert(&mut self, tx: Tx, at: u64) {
        let seq = self.next_seq;
        self.next_seq = self.next_seq.wrapping_add(1);
        self.place(Entry {
            tx: Arc::new(tx),
            seq,
            ready: false,
            validated_at: at,
        });
    }

    /// Adds `entry` to future and to every index; [`promote`](Self::promote)
    /// decides whether it is ready.
    fn place(&mut self, mut entry: Entry) {
        let hash = entry.tx.hash;
        for tag in &entry.tx.provides {
            self.providers.insert(tag.clone(), hash);
        }
        for tag in &entry.tx.requires {
            self.requirers.entry(tag.clone()).or_default().insert(hash);
        }
        if let Some(sender) = entry.tx.sender {
            let count = self.per_sender.entry(sender).or_default();
            *count = count.saturating_add(1);
        }
        entry.ready = false;
        self.ranks[FUTURE].insert((entry.tx.priority, Reverse(entry.seq), hash));
        self.bytes[FUTURE] = self.bytes[FUTURE].saturating_add(entry.tx.data.len());
        self.entries.insert(hash, entry);
    }

    /// Puts back entries taken out by a refused import, with their original
    /// order and validation time, and makes ready again what was ready: the
    /// same entries over the same chain tags are ready exactly as before.
    fn restore(&mut self, entries: impl IntoIterator<Item = Entry>) {
        let mut hashes = Vec::new();
        for entry in entries {
            hashes.push(entry.tx.hash);
            self.place(entry);
        }
        for hash in hashes {
            self.promote(hash);
        }
    }

    fn set_ready(&mut self, hash: &H256, ready: bool) {
        let Some(entry) = self.entries.get_mut(hash) else {
            return;
        };
        if entry.ready == ready {
            return;
        }
        let (from, to) = if ready {
            (FUTURE, READY)
        } else {
            (READY, FUTURE)
        };
        let rank = (entry.tx.priority, Reverse(entry.seq), *hash);
        let len = entry.tx.data.len();
        entry.ready = ready;
        self.ranks[from].remove(&rank);
        self.ranks[to].insert(rank);
        self.bytes[from] = self.bytes[from].saturating_sub(len);
        self.bytes[to] = self.bytes[to].saturating_add(len);
    }

    fn dependents(&self, tx: &Tx) -> Vec<H256> {
        tx.provides
            .iter()
            .filter_map(|t| self.requirers.get(t))
            .flatten()
            .copied()
            .collect()
    }

    /// Makes `start` ready if it can be, then whatever that unlocks; returns
    /// those made ready, in order.
    fn promote(&mut self, start: H256) -> Vec<H256> {
        let mut promoted = Vec::new();
        let mut work = vec![start];
        while let Some(hash) = work.pop() {
            let Some(entry) = self.entries.get(&hash) else {
                continue;
            };
            if entry.ready || !entry.tx.requires.iter().all(|t| self.satisfied(t)) {
                continue;
            }
            let tx = entry.tx.clone();
            self.set_ready(&hash, true);
            promoted.push(hash);
            work.extend(self.dependents(&tx));
        }
        promoted
    }

    /// Moves back to future the ready transactions that relied on `tx`.
    fn demote_dependents(&mut self, tx: &Tx) {
        let mut work = self.dependents(tx);
        while let Some(hash) = work.pop() {
            let Some(entry) = self.entries.get(&hash) else {
                continue;
            };
            if !entry.ready || entry.tx.requires.iter().all(|t| self.satisfied(t)) {
                continue;
            }
            let tx = entry.tx.clone();
            self.set_ready(&hash, false);
            work.extend(self.dependents(&tx));
        }
    }

    /// Removes `hash`; ready transactions that needed it go back to future.
    pub fn remove(&mut self, hash: &H256) -> Option<Arc<Tx>> {
        self.take(hash).map(|e| e.tx)
    }

    /// As [`remove`](Self::remove), keeping the whole entry.
    fn take(&mut self, hash: &H256) -> Option<Entry> {
        let entry = self.entries.remove(hash)?;
        let slot = usize::from(entry.ready);
        self.ranks[slot].remove(&(entry.tx.priority, Reverse(entry.seq), *hash));
        self.bytes[slot] = self.bytes[slot].saturating_sub(entry.tx.data.len());
        for tag in &entry.tx.provides {
            if self.providers.get(tag) == Some(hash) {
                self.providers.remove(tag);
            }
        }
        for tag in &entry.tx.requires {
            if let Some(set) = self.requirers.get_mut(tag) {
                set.remove(hash);
                if set.is_empty() {
                    self.requirers.remove(tag);
                }
            }
        }
        if let Some(sender) = entry.tx.sender {
            if let Some(count) = self.per_sender.get_mut(&sender) {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    self.per_sender.remove(&sender);
                }
            }
        }
        if entry.ready {
            self.demote_dependents(&entry.tx);
        }
        Some(entry)
    }

    /// Removes the transactions included in block `number`: their tags count
    /// as provided by the chain, so what needed them stays or becomes ready.
    /// Transactions expired at `number` are dropped.
    pub fn prune(&mut self, included: &[H256], number: u64) -> Pruned {
        let cutoff = number.saturating_sub(CHAIN_TAG_BLOCKS);
        self.chain_tags.retain(|_, at| *at > cutoff);
        let mut pruned = Pruned::default();
        let mut unlocked = Vec::new();
        for hash in included {
            let Some(tx) = self.entries.get(hash).map(|e| e.tx.clone()) else {
                continue;
            };
            for tag in &tx.provides {
                self.chain_tags.insert(tag.clone(), number);
            }
            self.remove(hash);
            unlocked.extend(self.dependents(&tx));
            pruned.included.push(*hash);
        }
        for hash in unlocked {
            pruned.promoted.extend(self.promote(hash));
        }
        pruned.expired = self
            .entries
            .values()
            .filter(|e| e.tx.valid_till < number)
            .map(|e| e.tx.hash)
            .collect();
        for hash in &pruned.expired {
            self.remove(hash);
        }
        pruned.promoted.retain(|h| self.is_ready(h));
        pruned
    }

    /// Tags no longer provided by the chain: the transactions that provided
    /// them left the best chain with a reorganisation.
    pub fn forget_chain_tags(&mut self, tags: &[Tag]) {
        for tag in tags {
            self.chain_tags.remove(tag);
        }
    }

    /// Records a successful revalidation at block `at`: the new `requires`
    /// replace the old ones (they only shrink as the chain advances), and a
    /// future transaction whose needs are now met becomes ready. Returns the
    /// transactions made ready.
    pub fn refresh(&mut self, hash: &H256, requires: Vec<Tag>, at: u64) -> Vec<H256> {
        let Some(entry) = self.entries.get_mut(hash) else {
            return Vec::new();
        };
        entry.validated_at = at;
        if entry.tx.requires == requires {
            return Vec::new();
        }
        let old = std::mem::replace(&mut Arc::make_mut(&mut entry.tx).requires, requires.clone());
        for tag in &old {
            if let Some(set) = self.requirers.get_mut(tag) {
                set.remove(hash);
                if set.is_empty() {
                    self.requirers.remove(tag);
                }
            }
        }
        for tag in requires {
            self.requirers.entry(tag).or_default().insert(*hash);
        }
        self.promote(*hash)
    }

    /// Up to `count` transactions validated longest ago.
    pub fn stalest(&self, count: usize) -> Vec<Arc<Tx>> {
        let key = |e: &&Entry| (e.validated_at, e.seq);
        let mut all: Vec<&Entry> = self.entries.values().collect();
        if all.len() > count {
            all.select_nth_unstable_by_key(count, key);
            all.truncate(count);
        }
        all.sort_unstable_by_key(key);
        all.into_iter().map(|e| e.tx.clone()).collect()
    }

    /// Evicts the lowest priority (newest first) of each queue until the
    /// count and byte limits hold; future is checked again last, since
    /// evicting ready transactions demotes what needed them.
    fn enforce_limits(&mut self) -> Vec<Entry> {
        let mut evicted = Vec::new();
        for slot in [FUTURE, READY, FUTURE] {
            while self.over_limit(slot) {
                let Some(&(_, _, worst)) = self.ranks[slot].first() else {
                    break;
                };
                evicted.extend(self.take(&worst));
            }
        }
        evicted
    }

    fn over_limit(&self, slot: usize) -> bool {
        let (count, bytes) = if slot == READY {
            (self.limits.ready_count, self.limits.ready_bytes)
        } else {
            (self.limits.future_count, self.limits.future_bytes)
        };
        self.ranks[slot].len() > count || self.bytes[slot] > bytes
    }

    /// The ready transactions in the order a block should take them: highest
    /// priority first (oldest first among equals), never before what they need.
    pub fn ready_order(&self) -> Vec<Arc<Tx>> {
        let mut waiting: HashMap<H256, usize> = HashMap::new();
        let mut heap = BinaryHeap::new();
        for (_, _, hash) in self.ranks[READY].iter() {
            let Some(entry) = self.entries.get(hash) else {
                continue;
            };
            let pending = entry
                .tx
                .requires
                .iter()
                .filter(|t| {
                    !self.chain_tags.contains_key(*t)
                        && self.providers.get(*t).is_some_and(|p| self.is_ready(p))
                })
                .count();
            if pending == 0 {
                heap.push((entry.tx.priority, Reverse(entry.seq), *hash));
            } else {
                waiting.insert(*hash, pending);
            }
        }
        let mut order = Vec::with_capacity(self.ranks[READY].len());
        while let Some((_, _, hash)) = heap.pop() {
            let Some(entry) = self.entries.get(&hash) else {
                continue;
            };
            for dependent in self.dependents(&entry.tx) {
                if let Some(pending) = waiting.get_mut(&dependent) {
                    *pending = pending.saturating_sub(1);
                    if *pending == 0 {
                        waiting.remove(&dependent);
                        if let Some(d) = self.entries.get(&dependent) {
                            heap.push((d.tx.priority, Reverse(d.seq), dependent));
                        }
                    }
                }
            }
            order.push(entry.tx.clone());
        }
        order
    }
}

#[cfg(test)]
mod tests;
