//! Idle instances of one prepared module, kept for the next run.
//!
//! A fresh instance costs a memory mapping and a page fault for every page
//! the job touches; a kept one costs a reset: its memory and every mutable
//! global are put back to the [`Snapshot`] of an instance just after
//! instantiation, which makes it indistinguishable from a fresh one (see
//! [`crate::instrument::state_exports`] for why nothing else can change).
//!
//! Only modules whose memory stays within [`REUSE_MAX_PAGES`] are kept (the
//! reset rewrites the whole memory), an instance whose memory grew is
//! dropped, and at most [`MAX_IDLE`] instances per module wait.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use parking_lot::Mutex;
use wasmer::Value;

/// The largest memory, in 64 KiB pages, of an instance that is kept.
pub const REUSE_MAX_PAGES: u32 = 16;
/// Idle instances kept per prepared module.
pub const MAX_IDLE: usize = 1;

/// An instance's state just after instantiation.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Snapshot {
    /// Every mutable global, in export order.
    pub globals: Vec<Value>,
    /// The memory's size in pages (0 without a memory).
    pub pages: u32,
    /// Where the memory's non-zero bytes start, and those bytes up to the
    /// last non-zero one; the rest of the memory is zero.
    pub data_at: u64,
    pub data: Vec<u8>,
}

impl Snapshot {
    /// The snapshot of a memory holding `bytes`, and of `globals`.
    pub fn new(globals: Vec<Value>, pages: u32, bytes: &[u8]) -> Self {
        let first = bytes.iter().position(|b| *b != 0);
        let last = bytes.iter().rposition(|b| *b != 0);
        let (data_at, data) = match (first, last) {
            (Some(first), Some(last)) => (first as u64, bytes[first..=last].to_vec()),
            _ => (0, Vec::new()),
        };
        Self {
            globals,
            pages,
            data_at,
            data,
        }
    }
}

/// The idle instances of one module, and the snapshot they reset to.
pub(crate) struct InstancePool<T> {
    snapshot: OnceLock<Option<Snapshot>>,
    idle: Mutex<Vec<T>>,
    reused: AtomicU64,
}

impl<T> Default for InstancePool<T> {
    fn default() -> Self {
        Self {
            snapshot: OnceLock::new(),
            idle: Mutex::new(Vec::new()),
            reused: AtomicU64::new(0),
        }
    }
}

impl<T> InstancePool<T> {
    /// The snapshot, once a fresh instance recorded it; `None` inside if
    /// the module's instances are not kept.
    pub fn snapshot(&self) -> Option<&Snapshot> {
        self.snapshot.get().and_then(Option::as_ref)
    }

    /// Records the snapshot, from the first fresh instance.
    pub fn record(&self, snapshot: Option<Snapshot>) {
        let _ = self.snapshot.set(snapshot);
    }

    /// Whether the snapshot is still to be recorded.
    pub fn needs_snapshot(&self) -> bool {
        self.snapshot.get().is_none()
    }

    /// An idle instance, if one waits.
    pub fn take(&self) -> Option<T> {
        let taken = self.idle.lock().pop();
        if taken.is_some() {
            self.reused.fetch_add(1, Ordering::Relaxed);
        }
        taken
    }

    /// How many runs took a kept instance.
    pub fn reused(&self) -> u64 {
        self.reused.load(Ordering::Relaxed)
    }

    /// Keeps `instance` for a later run, unless enough already wait.
    pub fn keep(&self, instance: T) {
        let mut idle = self.idle.lock();
        if idle.len() < MAX_IDLE {
            idle.push(instance);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_keeps_the_span_of_non_zero_bytes() {
        let mut bytes = vec![0u8; 100];
        bytes[10] = 1;
        bytes[20] = 2;
        let snapshot = Snapshot::new(Vec::new(), 1, &bytes);
        assert_eq!(snapshot.data_at, 10);
        assert_eq!(snapshot.data.len(), 11);
        assert_eq!((snapshot.data[0], snapshot.data[10]), (1, 2));
        let zero = Snapshot::new(Vec::new(), 1, &[0; 64]);
        assert!(zero.data.is_empty());
    }

    #[test]
    fn at_most_max_idle_instances_wait() {
        let pool = InstancePool::<u32>::default();
        for i in 0..(MAX_IDLE as u32 + 2) {
            pool.keep(i);
        }
        let mut taken = 0;
        while pool.take().is_some() {
            taken += 1;
        }
        assert_eq!(taken, MAX_IDLE);
    }
}
