//! The machine's timers: each `ScheduleTimeout` is kept until its time
//! comes and then given back as `Input::Timeout`. Timers of rounds the
//! machine has left are given back all the same; it ignores stale ones.

use entroos_finality::{Input, Step};
use std::collections::BTreeSet;

/// The most timers held; the oldest rounds' go first when full.
pub const MAX_TIMERS: usize = 1_024;

/// Pending timers, ordered by time.
#[derive(Debug, Default)]
pub struct Timers {
    due: BTreeSet<(u64, u64, u64, Step)>,
}

impl Timers {
    /// Keeps a timer for `at` (milliseconds).
    pub fn schedule(&mut self, at: u64, set_id: u64, round: u64, step: Step) {
        self.due.insert((at, set_id, round, step));
        while self.due.len() > MAX_TIMERS {
            self.due.pop_first();
        }
    }

    /// When the next timer fires.
    pub fn next_at(&self) -> Option<u64> {
        self.due.first().map(|(at, ..)| *at)
    }

    /// Removes and returns the timers due at `now`, earliest first.
    pub fn take_due(&mut self, now: u64) -> Vec<Input> {
        let later = self
            .due
            .split_off(&(now.saturating_add(1), 0, 0, Step::Prevote));
        let due = std::mem::replace(&mut self.due, later);
        due.into_iter()
            .map(|(_, set_id, round, step)| Input::Timeout {
                set_id,
                round,
                step,
            })
            .collect()
    }

    /// How many timers wait.
    pub fn len(&self) -> usize {
        self.due.len()
    }

    /// Whether none does.
    pub fn is_empty(&self) -> bool {
        self.due.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timers_fire_in_time_order_and_only_when_due() {
        let mut timers = Timers::default();
        timers.schedule(300, 0, 1, Step::Precommit);
        timers.schedule(100, 0, 1, Step::Prevote);
        timers.schedule(300, 0, 1, Step::Rebroadcast);
        assert_eq!(timers.next_at(), Some(100));
        assert!(timers.take_due(99).is_empty());
        let step_of = |input: &Input| match input {
            Input::Timeout { step, .. } => *step,
            other => panic!("not a timeout: {other:?}"),
        };
        let fired: Vec<Step> = timers.take_due(100).iter().map(step_of).collect();
        assert_eq!(fired, [Step::Prevote]);
        let fired: Vec<Step> = timers.take_due(1_000).iter().map(step_of).collect();
        assert_eq!(fired, [Step::Precommit, Step::Rebroadcast]);
        assert!(timers.is_empty());
    }

    #[test]
    fn the_earliest_timers_go_first_when_too_many_are_held() {
        let mut timers = Timers::default();
        for round in 0..(MAX_TIMERS as u64 + 5) {
            timers.schedule(round, 0, round, Step::Prevote);
        }
        assert_eq!(timers.len(), MAX_TIMERS);
        assert_eq!(timers.next_at(), Some(5));
    }
}
