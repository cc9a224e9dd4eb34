//! What the worker runs next, as a pure state machine: it is told that a
//! best block arrived or that the run in progress finished, and answers
//! with the block to run now, if any.
//!
//! Invariants: at most one run at a time; while one runs, only the latest
//! best block waits (earlier ones are coalesced away); a block is never run
//! twice in a row (a notification repeated, or the best block fetched
//! again after missed notifications, is dropped).

use entroos_primitives::{Header, H256};

/// The worker's schedule.
#[derive(Debug, Default)]
pub struct Schedule {
    running: bool,
    waiting: Option<Header>,
    last: Option<H256>,
    coalesced: u64,
}

impl Schedule {
    /// A schedule with nothing running.
    pub fn new() -> Self {
        Schedule::default()
    }

    /// A new best block: the block to run now, or `None` if a run is in
    /// progress (the block then waits, replacing any block waiting) or the
    /// block is the one last started or waiting.
    pub fn best_arrived(&mut self, header: Header) -> Option<Header> {
        let hash = header.hash();
        if self.last == Some(hash) || self.waiting.as_ref().map(Header::hash) == Some(hash) {
            return None;
        }
        if self.running {
            if self.waiting.replace(header).is_some() {
                self.coalesced = self.coalesced.saturating_add(1);
            }
            return None;
        }
        Some(self.started(header, hash))
    }

    /// The run in progress finished: the waiting block to run now, if any.
    pub fn run_finished(&mut self) -> Option<Header> {
        self.running = false;
        let header = self.waiting.take()?;
        let hash = header.hash();
        Some(self.started(header, hash))
    }

    fn started(&mut self, header: Header, hash: H256) -> Header {
        self.running = true;
        self.last = Some(hash);
        header
    }

    /// Whether a run is in progress.
    pub fn is_running(&self) -> bool {
        self.running
    }

    /// The best blocks dropped because a later one arrived while they waited.
    pub fn coalesced(&self) -> u64 {
        self.coalesced
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(number: u32) -> Header {
        Header {
            number,
            ..Header::default()
        }
    }

    fn numbers(run: Option<Header>) -> Option<u32> {
        run.map(|header| header.number)
    }

    #[test]
    fn a_best_block_runs_at_once_when_idle() {
        let mut schedule = Schedule::new();
        assert_eq!(numbers(schedule.best_arrived(block(1))), Some(1));
        assert!(schedule.is_running());
        assert_eq!(numbers(schedule.run_finished()), None);
        assert!(!schedule.is_running());
        assert_eq!(numbers(schedule.best_arrived(block(2))), Some(2));
    }

    #[test]
    fn blocks_arriving_during_a_run_are_coalesced_to_the_latest() {
        let mut schedule = Schedule::new();
        assert_eq!(numbers(schedule.best_arrived(block(1))), Some(1));
        for n in 2..=5 {
            assert_eq!(numbers(schedule.best_arrived(block(n))), None);
        }
        assert_eq!(schedule.coalesced(), 3);
        assert_eq!(numbers(schedule.run_finished()), Some(5));
        assert!(schedule.is_running());
        assert_eq!(numbers(schedule.run_finished()), None);
        assert!(!schedule.is_running());
    }

    #[test]
    fn a_block_is_not_run_twice_in_a_row() {
        let mut schedule = Schedule::new();
        assert_eq!(numbers(schedule.best_arrived(block(1))), Some(1));
        assert_eq!(numbers(schedule.best_arrived(block(1))), None, "running");
        assert_eq!(numbers(schedule.run_finished()), None);
        assert_eq!(numbers(schedule.best_arrived(block(1))), None, "just ran");
        assert_eq!(numbers(schedule.best_arrived(block(2))), Some(2));
        assert_eq!(numbers(schedule.best_arrived(block(3))), None);
        assert_eq!(numbers(schedule.best_arrived(block(3))), None);
        assert_eq!(schedule.coalesced(), 0, "a repeat is not a coalesced block");
        assert_eq!(numbers(schedule.run_finished()), Some(3));
    }

    #[test]
    fn a_reorganisation_back_to_an_earlier_block_runs_it() {
        let mut schedule = Schedule::new();
        assert_eq!(numbers(schedule.best_arrived(block(1))), Some(1));
        assert_eq!(numbers(schedule.run_finished()), None);
        assert_eq!(numbers(schedule.best_arrived(block(2))), Some(2));
        assert_eq!(numbers(schedule.run_finished()), None);
        assert_eq!(numbers(schedule.best_arrived(block(1))), Some(1));
    }
}
