//! The job executor as the runtime sees it: one narrow host interface
//! through which block execution re-runs a disputed compute job on the
//! node's deterministic, metered wasm engine.
//!
//! The node lends a [`JobExecutor`] to a runtime call; runtime code reaches
//! it through [`Externalities::job_executor`], which answers `None` unless
//! the caller wrapped its externalities in [`WithJobExecutor`]. The runtime
//! never sees the engine, only this trait and its plain types.
//!
//! Contract of [`JobExecutor::execute`]:
//!
//! - **Deterministic**: the same module bytes, input and limits give the
//!   same [`JobOutcome`] on every node (output, log, exit, fuel).
//! - **Bounded**: at most [`JobRun::fuel`] units of fuel (one per wasm
//!   operator), at most [`JobRun::memory_pages`] pages of memory, at most
//!   [`JobRun::max_output`] bytes of output and [`JobRun::max_log`] of log.
//! - **Typed**: a trap, fuel exhaustion, a memory excess, an oversized
//!   output and a module the engine refuses are [`JobExit`]s, i.e. results.
//!   [`JobExecutorError`] means the engine could not judge the job at all;
//!   a block whose execution needs that judgement cannot be built or
//!   imported on that node.

use crate::state::{BackendError, Externalities, StateError};
use codec::{Decode, Encode, MaxEncodedLen};
use entroos_primitives::H256;
use scale_info::TypeInfo;

/// One job to run: module bytes, input and limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JobRun<'a> {
    /// The wasm module.
    pub module: &'a [u8],
    /// The bytes the job reads on fd 0.
    pub input: &'a [u8],
    /// Fuel: one unit per wasm operator executed.
    pub fuel: u64,
    /// The most 64 KiB pages the job's memory may reach.
    pub memory_pages: u32,
    /// The most bytes the job may write to fd 1.
    pub max_output: u32,
    /// The most bytes of log (fd 2) that are kept.
    pub max_log: u32,
}

// In JSON (the `poe_*` RPC) a camelCase string: `"unreachable"`,
// `"memoryOutOfBounds"`, … — not in the doc comment, which clients read
// from the metadata.
/// Why a module trapped.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Encode,
    Decode,
    MaxEncodedLen,
    TypeInfo,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub enum JobTrap {
    /// `unreachable` was executed.
    Unreachable,
    /// A load or store outside the memory.
    MemoryOutOfBounds,
    /// Integer overflow.
    IntegerOverflow,
    /// Integer division or remainder by zero.
    IntegerDivisionByZero,
    /// `call_indirect` outside the table.
    TableOutOfBounds,
    /// `call_indirect` to an empty table slot.
    IndirectCallToNull,
    /// `call_indirect` with a signature other than the callee's.
    BadSignature,
    /// More nested calls than the engine's call-depth limit.
    CallDepthExceeded,
    /// The native stack ran out.
    StackOverflow,
    /// Any other trap.
    Other,
}

/// How a job ended: what executors report in their receipts and what
/// re-execution finds.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
pub enum JobExit {
    /// `proc_exit(code)`, or `_start` returned (code 0).
    Exited(u32),
    /// The module trapped.
    Trapped(JobTrap),
    /// The fuel ran out.
    OutOfFuel,
    /// Memory would have grown past the page limit.
    MemoryExceeded,
    /// The module wrote more than the output bound.
    OutputTooLarge,
    /// The engine refused the module at validation (nothing ran).
    Refused,
}

/// What one run produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobOutcome {
    /// How the job ended.
    pub exit: JobExit,
    /// Bytes written to fd 1 (at most `max_output`).
    pub output: Vec<u8>,
    /// Bytes written to fd 2 (the first `max_log`).
    pub log: Vec<u8>,
    /// Fuel consumed; the whole limit when it ran out.
    pub fuel_used: u64,
}

impl JobOutcome {
    /// blake2-256 of the output: what receipts name.
    pub fn output_hash(&self) -> H256 {
        H256(entroos_primitives::hashing::blake2_256(&self.output))
    }

    /// blake2-256 of the log.
    pub fn log_hash(&self) -> H256 {
        H256(entroos_primitives::hashing::blake2_256(&self.log))
    }
}

/// The engine could not judge a job.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobExecutorError {
    /// The limits exceed what this node's engine allows.
    #[error("job limits refused by the engine: {0}")]
    Limits(String),
    /// The engine failed where it should not have.
    #[error("job engine failure: {0}")]
    Engine(String),
}

/// The node's job engine, as the runtime calls it (see the module docs).
pub trait JobExecutor {
    /// Runs `run` to its end within its limits.
    fn execute(&self, run: &JobRun<'_>) -> Result<JobOutcome, JobExecutorError>;
}

/// Externalities with a [`JobExecutor`] lent by the caller: every state
/// operation goes to the wrapped externalities.
pub struct WithJobExecutor<'a> {
    ext: &'a mut dyn Externalities,
    executor: &'a dyn JobExecutor,
}

impl<'a> WithJobExecutor<'a> {
    /// `ext`, with `executor` reachable through [`Externalities::job_executor`].
    pub fn new(ext: &'a mut dyn Externalities, executor: &'a dyn JobExecutor) -> Self {
        WithJobExecutor { ext, executor }
    }
}

impl Externalities for WithJobExecutor<'_> {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.ext.get(key)
    }
    fn set(&mut self, key: &[u8], value: Vec<u8>) {
        self.ext.set(key, value)
    }
    fn clear(&mut self, key: &[u8]) {
        self.ext.clear(key)
    }
    fn next_key(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.ext.next_key(key)
    }
    fn start_transaction(&mut self) -> Result<(), StateError> {
        self.ext.start_transaction()
    }
    fn commit_transaction(&mut self) -> Result<(), StateError> {
        self.ext.commit_transaction()
    }
    fn rollback_transaction(&mut self) -> Result<(), StateError> {
        self.ext.rollback_transaction()
    }
    fn storage_root(&mut self) -> H256 {
        self.ext.storage_root()
    }
    fn append(&mut self, key: &[u8], encoded_item: &[u8]) {
        self.ext.append(key, encoded_item)
    }
    fn backend_error(&self) -> Option<&BackendError> {
        self.ext.backend_error()
    }
    fn job_executor(&self) -> Option<&dyn JobExecutor> {
        Some(self.executor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::TestExternalities;

    struct Echo;

    impl JobExecutor for Echo {
        fn execute(&self, run: &JobRun<'_>) -> Result<JobOutcome, JobExecutorError> {
            Ok(JobOutcome {
                exit: JobExit::Exited(0),
                output: run.input.to_vec(),
                log: Vec::new(),
                fuel_used: 1,
            })
        }
    }

    #[test]
    fn the_wrapper_lends_the_executor_and_passes_state_through() {
        let mut t = TestExternalities::default();
        t.execute_with(|ext| {
            assert!(ext.job_executor().is_none());
            let mut hosted = WithJobExecutor::new(ext, &Echo);
            hosted.set(b"k", vec![1]);
            hosted.start_transaction().unwrap();
            hosted.set(b"k", vec![2]);
            hosted.rollback_transaction().unwrap();
            let run = JobRun {
                module: &[],
                input: b"in",
                fuel: 1,
                memory_pages: 1,
                max_output: 8,
                max_log: 8,
            };
            let outcome = hosted.job_executor().unwrap().execute(&run).unwrap();
            assert_eq!(outcome.output, b"in");
            assert_eq!(
                outcome.output_hash().0,
                entroos_primitives::hashing::blake2_256(b"in")
            );
        });
        t.execute_with(|ext| assert_eq!(ext.get(b"k"), Some(vec![1])));
    }
}
