//! Watching an honest follower keep pace with its leader while something
//! else happens: both best heights are sampled until the work is done.

use crate::support::{number_of, Node};
use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How often the heights are sampled.
const SAMPLE_EVERY: Duration = Duration::from_millis(200);

/// What the samples showed.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    /// The largest `leader - follower` seen (follower sampled first, so
    /// this never underestimates the lag).
    pub max_lag: u32,
    /// Blocks the leader advanced.
    pub leader_advance: u32,
    /// Blocks the follower advanced.
    pub follower_advance: u32,
    /// How long the watch lasted.
    pub elapsed: Duration,
    /// Samples taken.
    pub samples: usize,
}

/// Stops the sampler when the work ends, even by a panic.
struct StopOnDrop<'a>(&'a AtomicBool);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

fn height(node: &Node) -> u32 {
    number_of(&node.rpc("chain_getHeader", json!([])))
}

/// Runs `work` while sampling both heights; its result and the pace.
pub fn watch<R>(leader: &Node, follower: &Node, work: impl FnOnce() -> R) -> (R, Pace) {
    let done = AtomicBool::new(false);
    let started = Instant::now();
    std::thread::scope(|scope| {
        let sampler = scope.spawn(|| {
            let mut samples = Vec::new();
            while !done.load(Ordering::Relaxed) {
                let follower_height = height(follower);
                samples.push((height(leader), follower_height));
                std::thread::sleep(SAMPLE_EVERY);
            }
            samples
        });
        let result = {
            let _stop = StopOnDrop(&done);
            work()
        };
        let samples = sampler.join().expect("the sampler thread");
        let first = samples.first().copied().unwrap_or_default();
        let last = samples.last().copied().unwrap_or_default();
        let pace = Pace {
            max_lag: samples
                .iter()
                .map(|(l, f)| l.saturating_sub(*f))
                .max()
                .unwrap_or_default(),
            leader_advance: last.0.saturating_sub(first.0),
            follower_advance: last.1.saturating_sub(first.1),
            elapsed: started.elapsed(),
            samples: samples.len(),
        };
        (result, pace)
    })
}
