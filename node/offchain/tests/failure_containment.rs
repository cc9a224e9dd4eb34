//! A worker that panics, and one that runs far past its budget, do not
//! stall block import: the real worker thread runs a scripted runner while
//! blocks are authored and imported through the real client, and the
//! worker recovers for later blocks, running only the latest of those that
//! arrived meanwhile.

use entroos_authorship::author_with_key;
use entroos_client::testing::{dev_client, TEST_SLOT_MILLIS};
use entroos_client::Client;
use entroos_client_api::{Spawner, Task};
use entroos_db::Pruning;
use entroos_offchain::{Runner, StatsSnapshot, WorkerConfig, WorkerError, WorkerStats};
use entroos_primitives::crypto::sr25519;
use entroos_primitives::Header;
use parking_lot::{Condvar, Mutex};
use std::cell::Cell;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(20);
const PANICS_AT: u32 = 2;
const BLOCKS_AT: u32 = 4;

/// Spawns as the node does: tasks on a tokio runtime, work on threads.
struct TestSpawner {
    runtime: tokio::runtime::Handle,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

impl Spawner for TestSpawner {
    fn spawn(&self, _name: &'static str, task: Task) {
        self.runtime.spawn(task);
    }

    fn spawn_blocking(&self, name: &'static str, work: Box<dyn FnOnce() + Send + 'static>) {
        let thread = std::thread::Builder::new().name(name.into()).spawn(work);
        self.threads.lock().push(thread.expect("a thread"));
    }
}

/// What the scripted runner saw.
#[derive(Default)]
struct Script {
    started: Vec<u32>,
    completed: Vec<u32>,
    released: bool,
}

/// Panics at block [`PANICS_AT`], blocks at [`BLOCKS_AT`] until released,
/// completes every other block.
#[derive(Default)]
struct ScriptedRunner {
    script: Mutex<Script>,
    changed: Condvar,
}

impl ScriptedRunner {
    fn note(&self, change: impl FnOnce(&mut Script)) {
        change(&mut self.script.lock());
        self.changed.notify_all();
    }

    fn wait_for(&self, what: &str, condition: impl Fn(&Script) -> bool) {
        let deadline = Instant::now() + DEADLINE;
        let mut script = self.script.lock();
        while !condition(&script) {
            let timed_out = self.changed.wait_until(&mut script, deadline).timed_out();
            assert!(
                !timed_out || condition(&script),
                "timed out waiting for {what}"
            );
        }
    }

    fn release(&self) {
        self.note(|script| script.released = true);
    }
}

impl Runner for ScriptedRunner {
    fn run(&self, header: &Header) -> Result<(), WorkerError> {
        let number = header.number;
        self.note(|script| script.started.push(number));
        if number == PANICS_AT {
            panic!("scripted failure at block #{number}");
        }
        if number == BLOCKS_AT {
            self.wait_for("the release", |script| script.released);
        }
        self.note(|script| script.completed.push(number));
        Ok(())
    }
}

/// A dev chain whose blocks Alice authors, one slot after another.
struct Chain {
    client: Arc<Client>,
    alice: sr25519::Pair,
    slot: Cell<u64>,
}

impl Chain {
    fn new() -> Self {
        let (client, _clock) = dev_client(Pruning::Archive).unwrap();
        Chain {
            client,
            alice: sr25519::Pair::from_uri("//Alice").unwrap(),
            slot: Cell::new(0),
        }
    }

    /// Authors and imports the next block; returns its number.
    fn import_next(&self) -> u32 {
        self.slot.set(self.slot.get() + 1);
        author_with_key(&self.client, &self.alice, self.slot.get(), TEST_SLOT_MILLIS)
            .unwrap()
            .number
    }
}

fn wait_for_stats(stats: &WorkerStats, what: &str, condition: impl Fn(&StatsSnapshot) -> bool) {
    let deadline = Instant::now() + DEADLINE;
    while !condition(&stats.snapshot()) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn panicking_and_overrunning_workers_do_not_stall_import() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_time()
        .build()
        .unwrap();
    let spawner = TestSpawner {
        runtime: runtime.handle().clone(),
        threads: Mutex::default(),
    };
    let chain = Chain::new();
    let runner = Arc::new(ScriptedRunner::default());
    let config = WorkerConfig {
        budget: Duration::from_millis(200),
    };
    let stats = entroos_offchain::start(chain.client.clone(), runner.clone(), config, &spawner);

    assert_eq!(chain.import_next(), 1);
    runner.wait_for("block #1 run", |s| s.completed == [1]);

    assert_eq!(chain.import_next(), PANICS_AT);
    runner.wait_for("the panic", |s| s.started.contains(&PANICS_AT));
    wait_for_stats(&stats, "the panic caught", |s| s.panicked == 1);
    assert_eq!(chain.import_next(), 3);
    runner.wait_for("block #3 run after the panic", |s| s.completed == [1, 3]);

    assert_eq!(chain.import_next(), BLOCKS_AT);
    runner.wait_for("the overrunning run", |s| s.started.contains(&BLOCKS_AT));
    let imported: Vec<u32> = (0..5).map(|_| chain.import_next()).collect();
    assert_eq!(imported, [5, 6, 7, 8, 9], "import went on meanwhile");
    wait_for_stats(&stats, "the overrun reported", |s| s.over_budget >= 1);
    wait_for_stats(&stats, "the waiting blocks seen", |s| s.coalesced == 4);
    assert_eq!(runner.script.lock().completed, [1, 3], "still blocked");

    runner.release();
    runner.wait_for("the latest block run", |s| s.completed.last() == Some(&9));
    let script = runner.script.lock();
    assert_eq!(script.started, [1, 2, 3, 4, 9], "5 to 8 coalesced");
    assert_eq!(script.completed, [1, 3, 4, 9]);
    drop(script);
    wait_for_stats(&stats, "the last run counted", |s| s.succeeded == 4);
    let stats = stats.snapshot();
    assert_eq!((stats.started, stats.panicked, stats.failed), (5, 1, 0));
    assert_eq!(
        stats.coalesced, 4,
        "four of the five waiting blocks dropped"
    );
    assert!(stats.over_budget >= 1, "the blocked run was reported");

    drop(runtime);
    for thread in spawner.threads.into_inner() {
        thread
            .join()
            .expect("the worker thread ends with its supervisor");
    }
}
