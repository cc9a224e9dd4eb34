//! Status streams of watched submissions.
//!
//! Every successful `submit_and_watch` registers one slot with its own id;
//! slots are never shared. A slot follows one submission's life: while the
//! transaction is pooled it hears pool statuses (`ready`, `usurped`,
//! `dropped`, `invalid`); once included it hears only about its own block
//! (`finalized`). So a transaction submitted again after inclusion is
//! watched by a new slot that cannot disturb the old one. A slot is removed
//! after its final status, when its [`Watcher`] is dropped, or when its
//! receiver is found closed.

use crate::TxStatus;
use entroos_primitives::H256;
use futures::channel::mpsc;
use futures::StreamExt;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::fmt;
use std::sync::Weak;
use std::task::{Context, Poll};

/// Where a watched submission is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// In the pool, ready or future.
    Pooled,
    /// In the block of this number and hash, waiting for finality.
    InBlock(u32, H256),
}

#[derive(Debug)]
struct Slot {
    id: u64,
    phase: Phase,
    sender: mpsc::UnboundedSender<TxStatus>,
}

/// Every live watcher, by transaction hash.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    next_id: u64,
    slots: HashMap<H256, Vec<Slot>>,
}

impl Registry {
    /// Registers a watcher of the pooled transaction `hash` and sends it
    /// `first`; returns its id and receiver.
    pub(crate) fn watch(
        &mut self,
        hash: H256,
        first: TxStatus,
    ) -> (u64, mpsc::UnboundedReceiver<TxStatus>) {
        let (sender, receiver) = mpsc::unbounded();
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        let slot = Slot {
            id,
            phase: Phase::Pooled,
            sender,
        };
        if slot.sender.unbounded_send(first).is_ok() {
            self.slots.entry(hash).or_default().push(slot);
        }
        (id, receiver)
    }

    /// Removes the watcher `id` of `hash`, and nothing else.
    pub(crate) fn forget(&mut self, hash: &H256, id: u64) {
        self.update(hash, |slot| slot.id != id);
    }

    /// How many watchers are registered.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.slots.values().map(Vec::len).sum()
    }

    /// Sends `status` to the pooled watchers of each of `hashes`; a final
    /// status ends them.
    pub(crate) fn tell_pooled(&mut self, hashes: &[H256], status: &TxStatus) {
        for hash in hashes {
            self.update(hash, |slot| {
                slot.phase != Phase::Pooled
                    || (slot.sender.unbounded_send(status.clone()).is_ok() && !status.is_final())
            });
        }
    }

    /// The pooled watchers of `hash` hear `inBlock` and wait for finality.
    pub(crate) fn included(&mut self, hash: &H256, number: u32, block: H256) {
        self.update(hash, |slot| {
            if slot.phase != Phase::Pooled {
                return true;
            }
            slot.phase = Phase::InBlock(number, block);
            slot.sender.unbounded_send(TxStatus::InBlock(block)).is_ok()
        });
    }

    /// Watchers of transactions in blocks up to `number` hear `finalized`,
    /// and their streams end.
    pub(crate) fn finalized(&mut self, number: u32) {
        self.slots.retain(|_, slots| {
            slots.retain(|slot| match slot.phase {
                Phase::InBlock(n, block) if n <= number => {
                    let _ = slot.sender.unbounded_send(TxStatus::Finalized(block));
                    false
                }
                _ => true,
            });
            !slots.is_empty()
        });
    }

    /// Keeps the slots of `hash` for which `keep` says so.
    fn update(&mut self, hash: &H256, keep: impl FnMut(&mut Slot) -> bool) {
        if let Some(slots) = self.slots.get_mut(hash) {
            slots.retain_mut(keep);
            if slots.is_empty() {
                self.slots.remove(hash);
            }
        }
    }
}

/// Why [`Watcher::try_recv`] returned no status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TryRecvError {
    /// None has arrived yet; more may follow.
    #[error("no status yet")]
    Empty,
    /// The stream has ended: a final status was sent, or the pool is gone.
    #[error("the status stream has ended")]
    Ended,
}

/// The status stream of one watched submission. Dropping it stops the
/// watch at once; other watchers are untouched.
pub struct Watcher {
    hash: H256,
    id: u64,
    receiver: mpsc::UnboundedReceiver<TxStatus>,
    registry: Weak<Mutex<Registry>>,
}

impl Watcher {
    pub(crate) fn new(
        hash: H256,
        id: u64,
        receiver: mpsc::UnboundedReceiver<TxStatus>,
        registry: Weak<Mutex<Registry>>,
    ) -> Self {
        Watcher {
            hash,
            id,
            receiver,
            registry,
        }
    }

    /// The watched transaction.
    pub fn hash(&self) -> H256 {
        self.hash
    }

    /// The next status; `None` once the stream has ended.
    pub async fn recv(&mut self) -> Option<TxStatus> {
        self.receiver.next().await
    }

    /// Polls for the next status (for adapting the watcher to a stream).
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<TxStatus>> {
        self.receiver.poll_next_unpin(cx)
    }

    /// The next status if one has arrived.
    pub fn try_recv(&mut self) -> Result<TxStatus, TryRecvError> {
        self.receiver.try_recv().map_err(|e| match e {
            mpsc::TryRecvError::Empty => TryRecvError::Empty,
            mpsc::TryRecvError::Closed => TryRecvError::Ended,
        })
    }
}

impl fmt::Debug for Watcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Watcher")
            .field("hash", &self.hash)
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        if let Some(registry) = self.registry.upgrade() {
            registry.lock().forget(&self.hash, self.id);
        }
    }
}
