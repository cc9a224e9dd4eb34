//! The worker's plumbing: a supervising task follows the best block and
//! the time, and a thread of its own runs what the [`Schedule`] says.
//!
//! The supervisor never runs a worker and never blocks: it hands a block to
//! the thread, notes when the run passes its budget (a warning, the run
//! goes on), and when the thread reports the run's end (success, error, or
//! a caught panic) logs it and hands over the latest waiting block. The
//! thread takes one block at a time and survives any panic of a run. When
//! the supervisor stops, the thread ends after the run in progress.

use crate::{Schedule, WorkerError};
use entroos_client::Client;
use entroos_client_api::Spawner;
use entroos_primitives::{Header, H256};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

/// Runs the off-chain workers for a block. Called on the worker's thread
/// only, one block at a time; may take long, fail or panic.
pub trait Runner: Send + Sync + 'static {
    /// Runs the workers for the block `header`.
    fn run(&self, header: &Header) -> Result<(), WorkerError>;
}

/// The worker's settings.
#[derive(Clone, Copy, Debug)]
pub struct WorkerConfig {
    /// How long a run may take before it is reported
    /// (`--offchain-worker-budget-ms`).
    pub budget: Duration,
}

/// What the worker did since it started.
#[derive(Debug, Default)]
pub struct WorkerStats {
    started: AtomicU64,
    succeeded: AtomicU64,
    failed: AtomicU64,
    panicked: AtomicU64,
    over_budget: AtomicU64,
    coalesced: AtomicU64,
}

/// A copy of [`WorkerStats`] at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatsSnapshot {
    /// Runs started.
    pub started: u64,
    /// Runs that ended without error.
    pub succeeded: u64,
    /// Runs that ended with an error.
    pub failed: u64,
    /// Runs that panicked.
    pub panicked: u64,
    /// Runs that went past their budget.
    pub over_budget: u64,
    /// Best blocks not run because a later one arrived during a run.
    pub coalesced: u64,
}

impl WorkerStats {
    /// The counts now.
    pub fn snapshot(&self) -> StatsSnapshot {
        let read = |counter: &AtomicU64| counter.load(Ordering::Acquire);
        StatsSnapshot {
            started: read(&self.started),
            succeeded: read(&self.succeeded),
            failed: read(&self.failed),
            panicked: read(&self.panicked),
            over_budget: read(&self.over_budget),
            coalesced: read(&self.coalesced),
        }
    }
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::AcqRel);
}

/// Starts the worker: the supervising task and the thread running
/// `runner`, from the next best block on.
pub fn start(
    client: Arc<Client>,
    runner: Arc<dyn Runner>,
    config: WorkerConfig,
    spawner: &dyn Spawner,
) -> Arc<WorkerStats> {
    let stats = Arc::new(WorkerStats::default());
    let (to_thread, blocks) = mpsc::channel();
    let (to_supervisor, finished) = unbounded_channel();
    spawner.spawn_blocking(
        "offchain-worker",
        Box::new(move || run_blocks(runner.as_ref(), &blocks, &to_supervisor)),
    );
    let supervisor = Supervisor {
        schedule: Schedule::new(),
        to_thread,
        stats: stats.clone(),
        budget: config.budget,
        running: None,
        thread_gone: false,
    };
    let best = client.subscribe_best();
    spawner.spawn(
        "offchain-supervisor",
        Box::pin(supervise(client, best, finished, supervisor)),
    );
    stats
}

/// A run's end, as the thread reports it.
struct Finished {
    number: u32,
    hash: H256,
    result: Result<(), WorkerError>,
}

/// The thread: runs each block handed over, catching panics.
fn run_blocks(
    runner: &dyn Runner,
    blocks: &mpsc::Receiver<Header>,
    finished: &UnboundedSender<Finished>,
) {
    while let Ok(header) = blocks.recv() {
        let result = catch_unwind(AssertUnwindSafe(|| runner.run(&header)))
            .unwrap_or_else(|panic| Err(WorkerError::Panicked(panic_message(panic.as_ref()))));
        let end = Finished {
            number: header.number,
            hash: header.hash(),
            result,
        };
        if finished.send(end).is_err() {
            return;
        }
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    match (panic.downcast_ref::<&str>(), panic.downcast_ref::<String>()) {
        (Some(text), _) => (*text).to_string(),
        (_, Some(text)) => text.clone(),
        _ => "a panic without a message".into(),
    }
}

/// The run in progress.
struct Running {
    number: u32,
    hash: H256,
    since: Instant,
    reported: bool,
}

struct Supervisor {
    schedule: Schedule,
    to_thread: mpsc::Sender<Header>,
    stats: Arc<WorkerStats>,
    budget: Duration,
    running: Option<Running>,
    thread_gone: bool,
}

impl Supervisor {
    fn best_arrived(&mut self, header: Header) {
        if let Some(header) = self.schedule.best_arrived(header) {
            self.launch(header);
        }
        self.stats
            .coalesced
            .store(self.schedule.coalesced(), Ordering::Release);
    }

    fn launch(&mut self, header: Header) {
        self.running = Some(Running {
            number: header.number,
            hash: header.hash(),
            since: Instant::now(),
            reported: false,
        });
        bump(&self.stats.started);
        if self.to_thread.send(header).is_err() {
            tracing::error!(target: "offchain", "The off-chain worker thread is gone: off-chain workers stop");
            self.thread_gone = true;
        }
    }

    /// When the run in progress passes its budget, unless already reported.
    fn deadline(&self) -> Option<Instant> {
        let running = self.running.as_ref().filter(|r| !r.reported)?;
        Some(running.since + self.budget)
    }

    fn over_budget(&mut self) {
        let Some(running) = self.running.as_mut() else {
            return;
        };
        running.reported = true;
        bump(&self.stats.over_budget);
        tracing::warn!(target: "offchain", "Off-chain workers for block #{} ({}) are past their budget of {} ms; new best blocks wait, and only the latest runs once they end", running.number, running.hash, self.budget.as_millis());
    }

    fn finished(&mut self, end: Finished) {
        let took = self.running.take().map(|r| r.since.elapsed());
        let took_ms = took.unwrap_or_default().as_millis();
        let (number, hash) = (end.number, end.hash);
        match end.result {
            Ok(()) => {
                bump(&self.stats.succeeded);
                tracing::debug!(target: "offchain", "Off-chain workers for block #{number} ({hash}) done in {took_ms} ms");
            }
            Err(WorkerError::Panicked(message)) => {
                bump(&self.stats.panicked);
                tracing::error!(target: "offchain", "Off-chain workers for block #{number} ({hash}) panicked after {took_ms} ms: {message}");
            }
            Err(error) => {
                bump(&self.stats.failed);
                tracing::warn!(target: "offchain", "Off-chain workers for block #{number} ({hash}) failed after {took_ms} ms: {error}");
            }
        }
        if let Some(header) = self.schedule.run_finished() {
            self.launch(header);
        }
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline.into()).await,
        None => std::future::pending().await,
    }
}

/// The supervising task: best blocks, ends of runs and budgets, until the
/// chain or the thread goes away.
async fn supervise(
    client: Arc<Client>,
    mut best: tokio::sync::broadcast::Receiver<Header>,
    mut finished: UnboundedReceiver<Finished>,
    mut supervisor: Supervisor,
) {
    while !supervisor.thread_gone {
        let deadline = supervisor.deadline();
        tokio::select! {
            header = best.recv() => match header {
                Ok(header) => supervisor.best_arrived(header),
                Err(RecvError::Lagged(_)) => {
                    if let Ok(Some(header)) = client.header(&client.heads().best.1) {
                        supervisor.best_arrived(header);
                    }
                }
                Err(RecvError::Closed) => return,
            },
            end = finished.recv() => match end {
                Some(end) => supervisor.finished(end),
                None => return,
            },
            () = sleep_until(deadline) => supervisor.over_budget(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_messages_are_read_from_either_payload() {
        let text: Box<dyn std::any::Any + Send> = Box::new("static");
        assert_eq!(panic_message(text.as_ref()), "static");
        let owned: Box<dyn std::any::Any + Send> = Box::new(String::from("owned"));
        assert_eq!(panic_message(owned.as_ref()), "owned");
        let other: Box<dyn std::any::Any + Send> = Box::new(7u8);
        assert_eq!(panic_message(other.as_ref()), "a panic without a message");
    }
}
