//! Starts the off-chain workers (`entroos-offchain`) as `--offchain-worker`
//! and `--offchain-worker-budget-ms` say, and logs whether they run.

use crate::cli::{OffchainWorkerArg, RunArgs};
use entroos_client::Client;
use entroos_client_api::Spawner;
use entroos_keystore::Keystore;
use entroos_offchain::{
    ExecutorRunner, LocalStorage, NodeContext, WorkerConfig, WorkerPolicy, WorkerStats,
};
use entroos_txpool::TxPool;
use std::sync::Arc;
use std::time::Duration;

/// What the worker is given.
pub struct OffchainParts {
    /// The chain.
    pub client: Arc<Client>,
    /// The pool workers submit to.
    pub pool: Arc<TxPool>,
    /// The keystore workers sign with.
    pub keystore: Arc<Keystore>,
    /// The PERSISTENT local storage.
    pub storage: LocalStorage,
    /// Whether the node authors blocks.
    pub authors: bool,
}

fn policy(arg: OffchainWorkerArg) -> WorkerPolicy {
    match arg {
        OffchainWorkerArg::Always => WorkerPolicy::Always,
        OffchainWorkerArg::Never => WorkerPolicy::Never,
        OffchainWorkerArg::WhenAuthority => WorkerPolicy::WhenAuthority,
    }
}

/// Starts the worker unless `--offchain-worker never`; its counts, if started.
pub fn start(
    args: &RunArgs,
    parts: OffchainParts,
    spawner: &dyn Spawner,
) -> Option<Arc<WorkerStats>> {
    let budget = Duration::from_millis(args.offchain_worker_budget_ms);
    let context = NodeContext::new(parts.pool, parts.keystore, parts.storage);
    let runner = ExecutorRunner::new(
        parts.client.clone(),
        context,
        policy(args.offchain_worker),
        parts.authors,
    );
    let Some(runner) = runner else {
        tracing::info!(target: "offchain", "Off-chain workers: never run (--offchain-worker never)");
        return None;
    };
    match runner.runs_always() {
        true => {
            tracing::info!(target: "offchain", "Off-chain workers: run after each new best block (budget {} ms)", budget.as_millis())
        }
        false => {
            tracing::info!(target: "offchain", "Off-chain workers: run after each new best block while the keystore holds an exec key (budget {} ms)", budget.as_millis())
        }
    }
    let config = WorkerConfig { budget };
    Some(entroos_offchain::start(
        parts.client,
        Arc::new(runner),
        config,
        spawner,
    ))
}
