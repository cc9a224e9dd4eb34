//! # EntroOS off-chain workers
//!
//! After each new best block the node runs the runtime's off-chain workers
//! (`OffchainWorkerApi_offchain_worker`, through `entroos-executor`) for
//! that block, lending them a [`NodeContext`]: the node's PERSISTENT local
//! storage ([`LocalStorage`], in the database's auxiliary space under its
//! own prefix, each write atomic and durable), the keystore's sr25519 keys
//! (listing and signing), the transaction pool (submissions are gossiped
//! like any other transaction) and the pool-aware next nonce of an account.
//!
//! Design and invariants:
//!
//! - A run happens on the worker's own thread, never on an async worker
//!   and never on the import or authoring path: nothing there waits for a
//!   worker.
//! - At most one run at a time. Best blocks that arrive during a run are
//!   coalesced: once the run ends only the latest of them runs
//!   ([`Schedule`], a pure state machine, decides what runs next).
//! - A run past its budget is reported as a warning while it goes on; a
//!   run that panics is caught and logged with its block, and the next
//!   block runs normally ([`WorkerStats`] counts both).
//! - What runs is a [`Runner`]; the node's is [`ExecutorRunner`], which
//!   runs on the block's state and drops whatever the runtime wrote to it:
//!   workers act on the chain only through transactions.

mod context;
mod error;
mod runner;
mod schedule;
mod storage;
mod worker;

pub use context::NodeContext;
pub use error::WorkerError;
pub use runner::{ExecutorRunner, WorkerPolicy, EXECUTOR_KEY_TYPE};
pub use schedule::Schedule;
pub use storage::{LocalStorage, PERSISTENT_PREFIX};
pub use worker::{start, Runner, StatsSnapshot, WorkerConfig, WorkerStats};
