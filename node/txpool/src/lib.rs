//! # EntroOS transaction pool
//!
//! The transaction pool: validation through the runtime's
//! `TaggedTransactionQueue`, the dependency [`graph`], a temporary ban of
//! invalid hashes, and status streams for watched transactions
//! (`ready` → `inBlock` → `finalized`, or `usurped`/`dropped`/`invalid`).
//!
//! After each block, the included transactions leave (their tags count as
//! provided by the chain), expired ones are dropped, and a bounded batch of
//! the longest-unchecked ones is validated again against the new best state,
//! so that revalidation costs at most a fixed share of every slot.

pub mod graph;
mod status;

pub use status::{PoolError, TxStatus};

use codec::{Decode, Encode};
use entroos_client_api::{CallExecutor, ClientError, HeaderBackend};
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::validity::{
    TransactionSource, TransactionValidity, TransactionValidityError,
};
use entroos_primitives::{MultiAddress, H256};
use graph::{Graph, GraphError, Limits, Tx};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// How many transactions are validated again after each block.
pub const REVALIDATE_PER_BLOCK: usize = 256;
/// How long an invalid transaction's hash stays banned (Substrate's default).
pub const BAN_TIME: Duration = Duration::from_secs(30 * 60);
/// The most banned hashes remembered.
pub const MAX_BANNED: usize = 100_000;

type Watchers = HashMap<H256, Vec<mpsc::UnboundedSender<TxStatus>>>;

/// The pool.
pub struct TxPool {
    client: Arc<dyn PoolChain>,
    graph: Mutex<Graph>,
    banned: Mutex<HashMap<H256, Instant>>,
    watchers: Mutex<Watchers>,
    awaiting_finality: Mutex<Vec<(u32, H256, Vec<H256>)>>,
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
    /// An empty pool over `client`'s best state.
    pub fn new(client: Arc<dyn PoolChain>, limits: Limits) -> Self {
        TxPool {
            client,
            graph: Mutex::new(Graph::new(limits)),
            banned: Mutex::default(),
            watchers: Mutex::default(),
            awaiting_finality: Mutex::default(),
        }
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
        let mut banned = self.banned.lock();
        match banned.get(hash) {
            Some(at) if at.elapsed() < BAN_TIME => true,
            Some(_) => {
                banned.remove(hash);
                false
            }
            None => false,
        }
    }

    fn ban(&self, hashes: impl IntoIterator<Item = H256>) {
        let mut banned = self.banned.lock();
        if banned.len() >= MAX_BANNED {
            banned.retain(|_, at| at.elapsed() < BAN_TIME);
            if banned.len() >= MAX_BANNED {
                banned.clear();
            }
        }
        let now = Instant::now();
        banned.extend(hashes.into_iter().map(|h| (h, now)));
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
                self.ban([hash]);
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

    fn import(&self, tx: Tx, at: u32) -> Result<(H256, bool), PoolError> {
        let hash = tx.hash;
        let imported = self
            .graph
            .lock()
            .import(tx, u64::from(at))
            .map_err(|e| match e {
                GraphError::AlreadyImported => PoolError::AlreadyImported,
                GraphError::TooLowPriority { old, new } => PoolError::TooLowPriority(old, new),
                GraphError::Full => PoolError::PoolFull,
            })?;
        self.notify_many(&imported.promoted, TxStatus::Ready);
        self.notify_many(&imported.usurped, TxStatus::Usurped(hash));
        self.notify_many(&imported.evicted, TxStatus::Dropped);
        Ok((hash, imported.ready))
    }

    fn notify_many(&self, hashes: &[H256], status: TxStatus) {
        if hashes.is_empty() {
            return;
        }
        let mut watchers = self.watchers.lock();
        for hash in hashes {
            notify(&mut watchers, hash, status.clone());
        }
    }

    /// Validates and adds a transaction; returns its hash.
    pub fn submit(&self, xt: Vec<u8>) -> Result<H256, PoolError> {
        let (tx, at) = self.check(xt)?;
        Ok(self.import(tx, at)?.0)
    }

    /// As [`submit`](Self::submit), with a status stream.
    pub fn submit_and_watch(
        &self,
        xt: Vec<u8>,
    ) -> Result<(H256, mpsc::UnboundedReceiver<TxStatus>), PoolError> {
        let (tx, at) = self.check(xt)?;
        let hash = tx.hash;
        let (sender, receiver) = mpsc::unbounded_channel();
        self.watchers.lock().entry(hash).or_default().push(sender);
        match self.import(tx, at) {
            Ok((_, ready)) => {
                let status = if ready {
                    TxStatus::Ready
                } else {
                    TxStatus::Future
                };
                notify(&mut self.watchers.lock(), &hash, status);
                Ok((hash, receiver))
            }
            Err(e) => {
                self.watchers.lock().remove(&hash);
                Err(e)
            }
        }
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

    /// Removes transactions by hash (and bans them); returns those found.
    pub fn remove(&self, hashes: &[H256]) -> Vec<H256> {
        let removed: Vec<H256> = {
            let mut graph = self.graph.lock();
            hashes
                .iter()
                .filter(|h| graph.remove(h).is_some())
                .copied()
                .collect()
        };
        self.ban(removed.iter().copied());
        self.notify_many(&removed, TxStatus::Invalid);
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

    /// Reacts to a new best block: removes what it included, drops expired
    /// transactions, revalidates a batch, and tells watchers.
    pub fn on_block(&self, number: u32, block: H256, included: &[H256]) {
        let (removed, expired) = self.graph.lock().prune(included, u64::from(number));
        self.notify_many(&removed, TxStatus::InBlock(block));
        self.notify_many(&expired, TxStatus::Dropped);
        let watched: Vec<H256> = {
            let watchers = self.watchers.lock();
            removed
                .iter()
                .filter(|h| watchers.contains_key(h))
                .copied()
                .collect()
        };
        if !watched.is_empty() {
            self.awaiting_finality.lock().push((number, block, watched));
        }
        self.revalidate(number);
    }

    /// Validates again the transactions checked longest ago: still valid
    /// ones stay where they are (their `requires` refreshed), invalid ones
    /// are removed and banned, undecidable ones dropped.
    fn revalidate(&self, number: u32) {
        let batch = self.graph.lock().stalest(REVALIDATE_PER_BLOCK);
        for tx in batch {
            let result = self.validate(&tx.data);
            let status = match result {
                Ok((Ok(valid), _)) => {
                    let promoted =
                        self.graph
                            .lock()
                            .refresh(&tx.hash, valid.requires, u64::from(number));
                    self.notify_many(&promoted, TxStatus::Ready);
                    continue;
                }
                Ok((Err(TransactionValidityError::Invalid(_)), _)) => {
                    self.ban([tx.hash]);
                    TxStatus::Invalid
                }
                Ok((Err(TransactionValidityError::Unknown(_)), _)) | Err(_) => TxStatus::Dropped,
            };
            if self.graph.lock().remove(&tx.hash).is_some() {
                self.notify_many(&[tx.hash], status);
            }
        }
    }

    /// Reacts to finality: watchers of transactions in blocks up to
    /// `number` hear `finalized` and their streams end.
    pub fn on_finalized(&self, number: u32) {
        let done: Vec<(H256, Vec<H256>)> = {
            let mut waiting = self.awaiting_finality.lock();
            let (done, keep): (Vec<_>, Vec<_>) =
                waiting.drain(..).partition(|(n, _, _)| *n <= number);
            *waiting = keep;
            done.into_iter()
                .map(|(_, block, txs)| (block, txs))
                .collect()
        };
        for (block, txs) in done {
            self.notify_many(&txs, TxStatus::Finalized(block));
        }
    }
}

/// Sends `status` to the watchers of `hash`; a final status ends them.
fn notify(watchers: &mut Watchers, hash: &H256, status: TxStatus) {
    let last = status.is_final();
    if let Some(list) = watchers.get_mut(hash) {
        list.retain(|w| w.send(status.clone()).is_ok());
        if last || list.is_empty() {
            watchers.remove(hash);
        }
    }
}
