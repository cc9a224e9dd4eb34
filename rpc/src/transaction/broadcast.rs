//! `transaction_v1_broadcast` and `transaction_v1_stop`.
//!
//! A broadcast submits its transaction to the pool and watches it. If the
//! pool refuses it, or later finds it invalid or drops it, the broadcast
//! submits it again at the next new best block, up to `broadcast_retries`
//! times; after that the transaction is dropped and the broadcast ends. It
//! also ends once the transaction is finalized, or on
//! `transaction_v1_stop`. Until it ends it counts towards its connection's
//! `max_broadcasts_per_connection`, invalid or not.

use crate::api::{ChainApi, PoolApi, TxStatus};
use crate::spec_v2::error::SpecError;
use crate::tasks::blocking;
use entroos_primitives::Header;
use jsonrpsee::ConnectionId;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::task::AbortHandle;

/// A running broadcast.
struct Running {
    conn: usize,
    abort: Option<AbortHandle>,
}

#[derive(Default)]
struct Inner {
    running: HashMap<String, Running>,
    next: u64,
}

/// Every running broadcast.
pub(crate) struct Broadcasts {
    max_per_connection: usize,
    retries: u32,
    inner: Mutex<Inner>,
}

/// What the broadcast of one transaction uses.
pub(crate) struct Job {
    /// The pool.
    pub pool: Arc<dyn PoolApi>,
    /// The chain (for new best blocks).
    pub chain: Arc<dyn ChainApi>,
    /// The transaction.
    pub extrinsic: Vec<u8>,
}

impl Broadcasts {
    /// None running.
    pub(crate) fn new(max_per_connection: usize, retries: u32) -> Arc<Broadcasts> {
        Arc::new(Broadcasts {
            max_per_connection,
            retries,
            inner: Mutex::default(),
        })
    }

    /// Starts broadcasting; the operation id, or `None` if `conn` already
    /// runs the most broadcasts allowed.
    pub(crate) fn start(self: &Arc<Self>, conn: ConnectionId, job: Job) -> Option<String> {
        let id = {
            let mut inner = self.inner.lock();
            let running = inner.running.values().filter(|r| r.conn == conn.0).count();
            if running >= self.max_per_connection {
                return None;
            }
            let id = format!("{:016x}", inner.next);
            inner.next = inner.next.wrapping_add(1);
            let entry = Running {
                conn: conn.0,
                abort: None,
            };
            inner.running.insert(id.clone(), entry);
            id
        };
        let finish = Finish {
            broadcasts: self.clone(),
            id: id.clone(),
        };
        let task = tokio::spawn(broadcast(job, self.retries, finish));
        if let Some(running) = self.inner.lock().running.get_mut(&id) {
            running.abort = Some(task.abort_handle());
        }
        Some(id)
    }

    /// Stops broadcast `id` of `conn`; refused if it is not running.
    pub(crate) fn stop(&self, conn: ConnectionId, id: &str) -> Result<(), SpecError> {
        let mut inner = self.inner.lock();
        match inner.running.get(id) {
            Some(running) if running.conn == conn.0 => {}
            _ => return Err(SpecError::InvalidOperationId),
        }
        if let Some(running) = inner.running.remove(id) {
            running.abort.inspect(AbortHandle::abort);
        }
        Ok(())
    }
}

/// Removes a broadcast from the running ones when its task ends.
struct Finish {
    broadcasts: Arc<Broadcasts>,
    id: String,
}

impl Drop for Finish {
    fn drop(&mut self) {
        self.broadcasts.inner.lock().running.remove(&self.id);
    }
}

/// How one submission ended.
#[derive(PartialEq, Eq)]
enum Outcome {
    /// The transaction is in a finalized block.
    Finalized,
    /// Refused, invalid or dropped: worth another try later.
    Failed,
}

async fn broadcast(job: Job, retries: u32, finish: Finish) {
    let chain = job.chain.clone();
    let Ok(mut heads) = blocking(move || chain.subscribe_best()).await else {
        return;
    };
    for attempt in 0..=retries {
        if attempt > 0 && !next_block(&mut heads).await {
            return;
        }
        if submit(&job).await == Outcome::Finalized {
            return;
        }
    }
    tracing::debug!(target: "rpc", "broadcast {} dropped after {retries} retries", finish.id);
}

/// Waits for a new best block; `false` if the node stopped sending them.
async fn next_block(heads: &mut broadcast::Receiver<Header>) -> bool {
    match heads.recv().await {
        Ok(_) | Err(RecvError::Lagged(_)) => true,
        Err(RecvError::Closed) => false,
    }
}

/// Submits the transaction and follows it until finalized or failed.
async fn submit(job: &Job) -> Outcome {
    let pool = job.pool.clone();
    let extrinsic = job.extrinsic.clone();
    let Ok(Ok((_, mut statuses))) = blocking(move || pool.submit_and_watch(extrinsic)).await else {
        return Outcome::Failed;
    };
    while let Some(status) = statuses.recv().await {
        match status {
            TxStatus::Finalized(_) => return Outcome::Finalized,
            TxStatus::Invalid
            | TxStatus::Dropped
            | TxStatus::Usurped(_)
            | TxStatus::FinalityTimeout(_) => return Outcome::Failed,
            TxStatus::Future
            | TxStatus::Ready
            | TxStatus::Broadcast(_)
            | TxStatus::InBlock(_)
            | TxStatus::Retracted(_) => {}
        }
    }
    Outcome::Failed
}
