//! Notifications of transactions that became ready, for gossip.
//!
//! Each [`ReadyListener`] is a bounded stream of hashes: the pool never
//! waits for a listener. When a listener's buffer is full the hash is not
//! queued and the listener is marked as having missed some
//! ([`ReadyListener::take_missed`]), so that it can catch up from the
//! ready set itself. A listener whose stream was dropped is forgotten at
//! the next notification.

use entroos_primitives::H256;
use futures::channel::mpsc;
use futures::Stream;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

/// Hashes a listener may have waiting at most.
pub const READY_LISTENER_BUFFER: usize = 16_384;

struct Sender {
    queue: mpsc::Sender<H256>,
    missed: Arc<AtomicBool>,
}

/// The listeners of the pool.
#[derive(Default)]
pub(crate) struct ReadyListeners {
    senders: Vec<Sender>,
}

impl ReadyListeners {
    /// A new listener with `buffer` hashes of room.
    pub(crate) fn listen(&mut self, buffer: usize) -> ReadyListener {
        let (queue, receiver) = mpsc::channel(buffer);
        let missed = Arc::new(AtomicBool::new(false));
        self.senders.push(Sender {
            queue,
            missed: missed.clone(),
        });
        ReadyListener { receiver, missed }
    }

    /// Tells every listener that `hashes` became ready.
    pub(crate) fn notify(&mut self, hashes: &[H256]) {
        if hashes.is_empty() {
            return;
        }
        self.senders.retain_mut(|sender| {
            for hash in hashes {
                match sender.queue.try_send(*hash) {
                    Ok(()) => {}
                    Err(e) if e.is_disconnected() => return false,
                    Err(_) => sender.missed.store(true, Ordering::SeqCst),
                }
            }
            true
        });
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.senders.len()
    }
}

/// A stream of the hashes of transactions as they become ready (submitted
/// ready, or promoted when what they require was provided).
pub struct ReadyListener {
    receiver: mpsc::Receiver<H256>,
    missed: Arc<AtomicBool>,
}

impl ReadyListener {
    /// Whether hashes were left out because the buffer was full since the
    /// last call; the flag is cleared.
    pub fn take_missed(&self) -> bool {
        self.missed.swap(false, Ordering::SeqCst)
    }
}

impl Stream for ReadyListener {
    type Item = H256;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<H256>> {
        Pin::new(&mut self.receiver).poll_next(cx)
    }
}

impl std::fmt::Debug for ReadyListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadyListener").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;

    fn hash(n: u8) -> H256 {
        H256([n; 32])
    }

    #[test]
    fn listeners_hear_each_hash_and_a_full_buffer_is_flagged() {
        let mut listeners = ReadyListeners::default();
        let mut a = listeners.listen(4);
        let mut b = listeners.listen(1);
        listeners.notify(&[hash(1), hash(2), hash(3)]);
        let got: Vec<H256> = futures::executor::block_on(a.by_ref().take(3).collect());
        assert_eq!(got, [hash(1), hash(2), hash(3)]);
        assert!(!a.take_missed());
        // One slot of buffer plus the sender's own: the third is missed.
        let first: Vec<H256> = futures::executor::block_on(b.by_ref().take(2).collect());
        assert_eq!(first, [hash(1), hash(2)]);
        assert!(b.take_missed());
        assert!(!b.take_missed(), "the flag is cleared once read");
    }

    #[test]
    fn a_dropped_listener_is_forgotten() {
        let mut listeners = ReadyListeners::default();
        let kept = listeners.listen(8);
        drop(listeners.listen(8));
        listeners.notify(&[hash(1)]);
        assert_eq!(listeners.len(), 1);
        drop(kept);
        listeners.notify(&[hash(2)]);
        assert_eq!(listeners.len(), 0);
    }
}
