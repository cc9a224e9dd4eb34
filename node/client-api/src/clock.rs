//! Time as an input.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A source of wall-clock time in milliseconds since the UNIX epoch.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now_millis(&self) -> u64;
}

/// The system's wall clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_millis(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0)
    }
}

/// A clock that moves only when told to (tests and simulations).
#[derive(Debug, Default)]
pub struct ManualClock(AtomicU64);

impl ManualClock {
    /// A clock showing `millis`.
    pub fn new(millis: u64) -> Self {
        ManualClock(AtomicU64::new(millis))
    }

    /// Sets the time.
    pub fn set(&self, millis: u64) {
        self.0.store(millis, Ordering::SeqCst);
    }

    /// Moves the time forward by `millis`.
    pub fn advance(&self, millis: u64) {
        let _ = self
            .0
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |now| {
                Some(now.saturating_add(millis))
            });
    }
}

impl Clock for ManualClock {
    fn now_millis(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// The slot a time falls in (0 for a zero slot length).
pub fn slot_at(millis: u64, slot_millis: u64) -> u64 {
    millis.checked_div(slot_millis).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let clock = ManualClock::new(5_000);
        assert_eq!(clock.now_millis(), 5_000);
        clock.advance(1_500);
        assert_eq!(clock.now_millis(), 6_500);
        assert_eq!(slot_at(clock.now_millis(), 1_000), 6);
        clock.set(u64::MAX);
        clock.advance(1);
        assert_eq!(clock.now_millis(), u64::MAX);
        assert_eq!(slot_at(10, 0), 0);
    }
}
