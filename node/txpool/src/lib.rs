//! # EntroOS transaction pool
//!
//! The transaction pool: validation through the runtime's
//! `TaggedTransactionQueue`, the dependency [`graph`], a temporary ban of
//! invalid hashes ([`bans`]), and status streams for watched transactions
//! (`future`/`ready` → `inBlock` → `finalized`, or
//! `usurped`/`dropped`/`invalid`).
//!
//! The pool follows the best chain ([`TxPool::on_best`]): for each block the
//! best chain gains, the included transactions leave (their tags count as
//! provided by the chain), expired ones are dropped, and a bounded batch of
//! the longest-unchecked ones is validated again against the new best state,
//! so that revalidation costs at most a fixed share of every slot; the
//! transactions of each block it loses to a reorganisation come back, checked
//! again on the new best state, so that none is lost with an abandoned fork.
//! Blocks imported off the best chain change nothing.
//!
//! ## Invariants
//!
//! - **No silent loss.** A transaction leaves the pool only with a status
//!   to its watchers: `inBlock` (included), `usurped` (replaced by a higher
//!   priority), `dropped` (evicted by the limits, expired, or of unknown
//!   validity on revalidation) or `invalid` (found invalid, or removed).
//! - **Imports are all or nothing.** A refused import changes nothing: the
//!   graph puts back whatever it usurped or evicted on the way, so no
//!   transaction is pushed out by an import that fails.
//! - **Watchers are independent.** Each [`Watcher`] is one submission's
//!   own stream. A second submission of an extrinsic that is pooled is
//!   refused with [`PoolError::AlreadyImported`] and touches nothing; if the
//!   runtime accepts it again after inclusion, the new submission gets a
//!   stream of its own while the first still waits for its block's
//!   finality. A stream ends only after its own final status (or when the
//!   pool is gone), and a dropped [`Watcher`] is removed from the pool at
//!   once, leaving the others.
//! - **Statuses follow the graph.** The graph lock is held while the
//!   statuses of a change are sent, so a transaction's statuses arrive in
//!   the order its graph changes happened. Locks are taken graph, then
//!   watchers, then ready listeners; the ban list's lock is taken alone.
//! - **Ready notifications.** Every transaction that becomes ready
//!   (submitted ready, or promoted by a submission, a block or a
//!   revalidation) is told to each [`ReadyListener`], in the order it
//!   became ready; a listener that lags is flagged rather than waited for
//!   (see [`ready`]).
//! - **Bans are bounded and timed by the injected [`Clock`].** At most
//!   [`MAX_BANNED`] hashes for [`BAN_TIME`] each; when full, the oldest ban
//!   is forgotten first.

pub mod bans;
pub mod graph;
pub mod ready;
pub mod route;
mod status;
mod watchers;

pub use ready::{ReadyListener, READY_LISTENER_BUFFER};
pub use status::{PoolError, TxStatus};
pub use watchers::{TryRecvError, Watcher};

use bans::BanList;
use codec::{Decode, Encode};
use entroos_client_api::{CallExecutor, ClientError, Clock, HeaderBackend, SystemClock};
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::validity::{
    TransactionSource, TransactionValidity, TransactionValidityError,
};
use entroos_primitives::{Header, MultiAddress, H256};
use graph::{Graph, Limits, Tx};
use parking_lot::Mutex;
use ready::ReadyListeners;
use std::sync::Arc;
use std::time::Duration;
use watchers::Registry;

/// How many transactions are validated again after each block.
pub const REVALIDATE_PER_BLOCK: usize = 256;
/// How long an invalid transaction's hash stays banned (Substrate's default).
pub const BAN_TIME: Duration = Duration::from_secs(30 * 60);
/// The most banned hashes remembered.
pub const MAX_BANNED: usize = 100_000;

/// The pool.
pub struct TxPool {
    client: Arc<dyn PoolChain>,
    clock: Arc<dyn Clock>,
    graph: Mutex<Graph>,
    bans: Mutex<BanList>,
    watchers: Arc<Mutex<Registry>>,
    ready_listeners: Mutex<ReadyListeners>,
    /// The best block last followed by [`TxPool::on_best`].
    followed: Mutex<Option<(u32, H256)>>,
}

/// The pool's counters, for metrics.
#[derive(Clone, Copy, Debug, Default)]
pub struct PoolStatus {
    /// Ready transactions.
    pub ready: usize,
    /// Future transactions.
    pub future: usize,
    /// Bytes of ready transactions.
    pub ready_bytes: usize,
    /// Bytes of future transactions.
    pub future_bytes: usize,
}

/// What the pool needs of the chain: the best block and runtime calls on it.
pub trait PoolChain: HeaderBackend + CallExecutor {}
impl<T: HeaderBackend + CallExecutor> PoolChain for T {}

/// The signer of an encoded v4 extrinsic, read from its prefix (compact
/// length, version byte with the signed bit, `MultiAddress::Id`) without
/// decoding the call.
fn sender_of(xt: &[u8]) -> Option<[u8; 32]> {
    let mut input = xt;
    let _length = codec::Compact::<u32>::decode(&mut input).ok()?;
    let version = u8::decode(&mut input).ok()?;
    if version & 0b1000_0000 == 0 {
        return None;
    }
    match MultiAddress::<entroos_primitives::AccountId32, ()>::decode(&mut input).ok()? {
        MultiAddress::Id(who) => Some(who.0),
        _ => None,
    }
}

impl TxPool {
    /// An empty pool over `client`'s best state, timed by the system clock.
    pub fn new(client: Arc<dyn PoolChain>, limits: Limits) -> Self {
        TxPool {
            client,
            clock: Arc::new(SystemClock),
            graph: Mutex::new(Graph::new(limits)),
            bans: Mutex::new(BanList::new(MAX_BANNED, BAN_TIME)),
            watchers: Arc::default(),
            ready_listeners: Mutex::default(),
            followed: Mutex::new(None),
        }
    }

    /// The same pool timed by `clock` (bans start and end by it).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Counts and sizes.
    pub fn status(&self) -> PoolStatus {
        let graph = self.graph.lock();
        let (ready, future) = graph.counts();
        let (ready_bytes, future_bytes) = graph.bytes();
        PoolStatus {
            ready,
            future,
            ready_bytes,
            future_bytes,
        }
    }

    fn is_banned(&self, hash: &H256) -> bool {
        let now = self.clock.now_millis();
        self.bans.lock().is_banned(hash, now)
    }

    fn ban(&self, hashes: impl IntoIterator<Item = H256>) {
        let now = self.clock.now_millis();
        self.bans.lock().ban(hashes, now);
    }

    /// Validates `xt` on the best state.
    fn validate(&self, xt: &[u8]) -> Result<(TransactionValidity, u32), PoolError> {
        let (number, best) = self.client.heads().best;
        let mut input = Vec::with_capacity(xt.len().saturating_add(33));
        TransactionSource::External.encode_to(&mut input);
        input.extend_from_slice(xt);
        best.encode_to(&mut input);
        let output = self
            .client
            .call_at(&best, "TaggedTransactionQueue_validate_transaction", &input)
            .map_err(|e| match e {
                ClientError::BadCallInput { reason, .. } => PoolError::BadFormat(reason),
                other => PoolError::Verification(other.to_string()),
            })?;
        let validity = TransactionValidity::decode(&mut &output[..])
            .map_err(|e| PoolError::Verification(e.to_string()))?;
        Ok((validity, number))
    }

    fn check(&self, xt: Vec<u8>) -> Result<(Tx, u32), PoolError> {
        self.check_with(xt, true)
    }

    /// Validates `xt` into a pool entry; an invalid one is banned if
    /// `ban_invalid` (not for extrinsics of a retracted block, which may
    /// be valid again on another fork).
    fn check_with(&self, xt: Vec<u8>, ban_invalid: bool) -> Result<(Tx, u32), PoolError> {
        let hash = H256(blake2_256(&xt));
        if self.is_banned(&hash) {
            return Err(PoolError::TemporarilyBanned);
        }
        if self.graph.lock().contains(&hash) {
            return Err(PoolError::AlreadyImported);
        }
        let (validity, number) = self.validate(&xt)?;
        let valid = validity.map_err(|e| match e {
            TransactionValidityError::Invalid(reason) => {
                if ban_invalid {
                    self.ban([hash]);
                }
                PoolError::Invalid(reason.to_string())
            }
            TransactionValidityError::Unknown(reason) => PoolError::Unknown(reason.to_string()),
        })?;
        let tx = Tx {
            hash,
            sender: sender_of(&xt),
            data: Arc::new(xt),
            priority: valid.priority,
            requires: valid.requires,
            provides: valid.provides,
            valid_till: u64::from(number).saturating_add(valid.longevity),
        };
        Ok((tx, number))
    }

    /// Imports `tx` into the graph and tells the watchers of what it
    /// changed; then, still under the locks, `then` gets the registry and
    /// the new transaction's first status.
    fn import<R>(
        &self,
        tx: Tx,
        at: u32,
        then: impl FnOnce(&mut Registry, TxStatus) -> R,
    ) -> Result<R, PoolError> {
        let hash = tx.hash;
        let mut graph = self.graph.lock();
        let imported = graph.import(tx, u64::from(at))?;
        let mut watchers = self.watchers.lock();
        watchers.tell_pooled(&imported.promoted, &TxStatus::Ready);
        watchers.tell_pooled(&imported.usurped, &TxStatus::Usurped(hash));
        watchers.tell_pooled(&imported.evicted, &TxStatus::Dropped);
        let first = if imported.ready {
            TxStatus::Ready
        } else {
            TxStatus::Future
        };
        let result = then(&mut watchers, first);
        drop(watchers);
        let mut newly_ready = Vec::with_capacity(imported.promoted.len().saturating_add(1));
        if imported.ready {
            newly_ready.push(hash);
        }
        newly_ready.extend_from_slice(&imported.promoted);
        self.ready_listeners.lock().notify(&newly_ready);
        Ok(result)
    }

    /// Validates and adds a transaction; returns its hash.
    pub fn submit(&self, xt: Vec<u8>) -> Result<H256, PoolError> {
        let (tx, at) = self.check(xt)?;
        let hash = tx.hash;
        self.import(tx, at, |_, _| ())?;
        Ok(hash)
    }

    /// As [`submit`](Self::submit), with the submission's own status stream,
    /// which starts with `future` or `ready`.
    pub fn submit_and_watch(&self, xt: Vec<u8>) -> Result<(H256, Watcher), PoolError> {
        let (tx, at) = self.check(xt)?;
        let hash = tx.hash;
        let (id, receiver) = self.import(tx, at, |watchers, first| watchers.watch(hash, first))?;
        let watcher = Watcher::new(hash, id, receiver, Arc::downgrade(&self.watchers));
        Ok((hash, watcher))
    }

    /// The encoded transactions, ready ones first in block order.
    pub fn pending(&self) -> Vec<Vec<u8>> {
        let graph = self.graph.lock();
        let mut ready: Vec<Vec<u8>> = graph
            .ready_order()
            .iter()
            .map(|t| t.data.to_vec())
            .collect();
        let mut future: Vec<(H256, Vec<u8>)> = graph
            .all()
            .filter(|t| !graph.is_ready(&t.hash))
            .map(|t| (t.hash, t.data.to_vec()))
            .collect();
        future.sort();
        ready.extend(future.into_iter().map(|(_, d)| d));
        ready
    }

    /// The ready transactions in block order.
    pub fn ready(&self) -> Vec<Arc<Tx>> {
        self.graph.lock().ready_order()
    }

    /// The ready transactions in no particular order: cheaper than
    /// [`ready`](Self::ready), which orders them for a block.
    pub fn ready_unordered(&self) -> Vec<Arc<Tx>> {
        let graph = self.graph.lock();
        graph
            .all()
            .filter(|tx| graph.is_ready(&tx.hash))
            .cloned()
            .collect()
    }

    /// Those of `hashes` that are ready now, in the order given.
    pub fn ready_of(&self, hashes: &[H256]) -> Vec<Arc<Tx>> {
        let graph = self.graph.lock();
        hashes
            .iter()
            .filter(|hash| graph.is_ready(hash))
            .filter_map(|hash| graph.get(hash))
            .collect()
    }

    /// A stream of the transactions that become ready from now on, with
    /// room for [`READY_LISTENER_BUFFER`] hashes.
    pub fn ready_listener(&self) -> ReadyListener {
        self.ready_listeners.lock().listen(READY_LISTENER_BUFFER)
    }

    /// Removes transactions by hash (and bans them); returns those found.
    pub fn remove(&self, hashes: &[H256]) -> Vec<H256> {
        let removed = self.remove_and_tell(hashes, &TxStatus::Invalid);
        self.ban(removed.iter().copied());
        removed
    }

    /// Removes those of `hashes` in the pool and tells their watchers
    /// `status`; returns those removed.
    fn remove_and_tell(&self, hashes: &[H256], status: &TxStatus) -> Vec<H256> {
        let mut graph = self.graph.lock();
        let removed: Vec<H256> = hashes
            .iter()
            .filter(|h| graph.remove(h).is_some())
            .copied()
            .collect();
        self.watchers.lock().tell_pooled(&removed, status);
        removed
    }

    /// Drops transactions the block author found invalid.
    pub fn report_invalid(&self, hashes: &[H256]) {
        self.remove(hashes);
    }

    /// The next nonce of `account`: on chain, then past its pooled ready
    /// transactions (what `system_accountNextIndex` answers).
    pub fn next_nonce(&self, account: [u8; 32]) -> Result<u32, ClientError> {
        let best = self.client.heads().best.1;
        let method = "AccountNonceApi_account_nonce";
        let output = self.client.call_at(&best, method, &account)?;
        let mut nonce = u32::decode(&mut &output[..]).map_err(|e| ClientError::BadCallOutput {
            method: method.into(),
            reason: e.to_string(),
        })?;
        let graph = self.graph.lock();
        let mut tag = (entroos_primitives::AccountId32(account), nonce).encode();
        while graph.provided_by_ready(&tag) {
            nonce = nonce.saturating_add(1);
            tag = (entroos_primitives::AccountId32(account), nonce).encode();
        }
        Ok(nonce)
    }

    /// Follows a new best block. What every block the best chain gained
    /// since the last one followed included leaves the pool, lowest block
    /// first, and a batch is validated again on the new best state (as
    /// [`Self::on_block`] does for one block); then the transactions of every block it lost come back to the pool,
    /// validated on the new best state (those included again, and inherents,
    /// are refused there and stay out). A header the pool already followed
    /// past (an ancestor of the last one) changes nothing; a route that
    /// cannot be walked (too long, or through discarded blocks) counts the
    /// new block alone.
    pub fn on_best(&self, best: &Header) {
        let mut followed = self.followed.lock();
        let route = match *followed {
            Some(last) if last.1 == best.hash() => return,
            Some(last) => route::route(&*self.client, last, best),
            None => None,
        };
        let route = route.unwrap_or_else(|| route::Route {
            retracted: Vec::new(),
            enacted: vec![best.clone()],
        });
        if route.enacted.is_empty() {
            return;
        }
        *followed = Some((best.number, best.hash()));
        for header in &route.enacted {
            let included = self.included_in(&header.hash());
            self.prune(header.number, header.hash(), &included);
        }
        self.revalidate(best.number);
        for header in &route.retracted {
            self.resubmit(&header.hash());
        }
    }

    /// The hashes of the extrinsics of a stored block.
    fn included_in(&self, block: &H256) -> Vec<H256> {
        let body = self.client.body(block).ok().flatten().unwrap_or_default();
        body.iter()
            .map(|xt| H256(blake2_256(&xt.encode())))
            .collect()
    }

    /// Puts the extrinsics of a block the best chain lost back in the pool;
    /// what the new best state refuses stays out (and is not banned).
    fn resubmit(&self, block: &H256) {
        let body = self.client.body(block).ok().flatten().unwrap_or_default();
        for xt in body {
            let Ok((tx, at)) = self.check_with(xt.encode(), false) else {
                continue;
            };
            self.graph.lock().forget_chain_tags(&tx.provides);
            let _ = self.import(tx, at, |_, _| ());
        }
    }

    /// Reacts to a block the best chain gained: removes what it included,
    /// drops expired transactions, revalidates a batch, and tells watchers.
    pub fn on_block(&self, number: u32, block: H256, included: &[H256]) {
        self.prune(number, block, included);
        self.revalidate(number);
    }

    /// Removes what block `number` included (its tags now provided by the
    /// chain) and what expired by then, and tells watchers.
    fn prune(&self, number: u32, block: H256, included: &[H256]) {
        let mut graph = self.graph.lock();
        let pruned = graph.prune(included, u64::from(number));
        let mut watchers = self.watchers.lock();
        for hash in &pruned.included {
            watchers.included(hash, number, block);
        }
        watchers.tell_pooled(&pruned.promoted, &TxStatus::Ready);
        watchers.tell_pooled(&pruned.expired, &TxStatus::Dropped);
        drop(watchers);
        self.ready_listeners.lock().notify(&pruned.promoted);
    }

    /// Validates again the transactions checked longest ago: still valid
    /// ones stay where they are (their `requires` refreshed), invalid ones
    /// are removed and banned, undecidable ones dropped.
    fn revalidate(&self, number: u32) {
        let batch = self.graph.lock().stalest(REVALIDATE_PER_BLOCK);
        for tx in batch {
            let status = match self.validate(&tx.data) {
                Ok((Ok(valid), _)) => {
                    self.refresh(&tx.hash, valid.requires, number);
                    continue;
                }
                Ok((Err(TransactionValidityError::Invalid(_)), _)) => {
                    self.ban([tx.hash]);
                    TxStatus::Invalid
                }
                Ok((Err(TransactionValidityError::Unknown(_)), _)) | Err(_) => TxStatus::Dropped,
            };
            self.remove_and_tell(&[tx.hash], &status);
        }
    }

    fn refresh(&self, hash: &H256, requires: Vec<graph::Tag>, number: u32) {
        let mut graph = self.graph.lock();
        let promoted = graph.refresh(hash, requires, u64::from(number));
        self.watchers
            .lock()
            .tell_pooled(&promoted, &TxStatus::Ready);
        self.ready_listeners.lock().notify(&promoted);
    }

    /// Reacts to finality: watchers of transactions in blocks up to
    /// `number` hear `finalized` and their streams end.
    pub fn on_finalized(&self, number: u32) {
        self.watchers.lock().finalized(number);
    }
}

#[cfg(test)]
mod tests;
