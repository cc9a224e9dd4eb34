//! The node's job engine as the runtime sees it: `entroos-executor-wasm`
//! behind the runtime's narrow [`JobExecutor`] interface, lent to every
//! runtime call this crate makes, so a block that re-executes a disputed
//! job runs it on the same deterministic, metered engine executors use.
//!
//! One engine per process ([`job_executor`]): single-pass backend (linear,
//! predictable compile time; fuel, output and exit do not depend on the
//! backend), the executor's default ceilings, which hold every limit the
//! ledger allows (pages, output and log bounds), and its bounded cache of
//! compiled modules. A module the engine refuses is the outcome
//! `Refused`; limits beyond its ceilings and engine failures are errors
//! (the block is then refused on this node, never executed differently).

use entroos_executor_wasm::{
    Backend, Executor, ExecutorConfig, Exit, Limits, LimitsError, Outcome, RunError, TrapReason,
};
use entroos_support::jobs::{JobExecutor, JobExecutorError, JobExit, JobOutcome, JobRun, JobTrap};
use std::sync::OnceLock;

/// `entroos-executor-wasm` as a [`JobExecutor`].
pub struct WasmJobExecutor {
    engine: Executor,
}

impl WasmJobExecutor {
    /// An engine with `backend` and the executor's default ceilings.
    pub fn new(backend: Backend) -> Self {
        WasmJobExecutor {
            engine: Executor::new(ExecutorConfig {
                backend,
                ..ExecutorConfig::default()
            }),
        }
    }

    /// The engine underneath (for its cache statistics).
    pub fn engine(&self) -> &Executor {
        &self.engine
    }
}

/// The process's job engine, made on first use.
pub fn job_executor() -> &'static WasmJobExecutor {
    static ENGINE: OnceLock<WasmJobExecutor> = OnceLock::new();
    ENGINE.get_or_init(|| WasmJobExecutor::new(Backend::Singlepass))
}

fn limits(run: &JobRun<'_>) -> Result<Limits, JobExecutorError> {
    let bytes =
        |n: u32| usize::try_from(n).map_err(|_| JobExecutorError::Limits(format!("{n} bytes")));
    Ok(Limits {
        fuel: run.fuel,
        memory_pages: run.memory_pages,
        max_output: bytes(run.max_output)?,
        max_log: bytes(run.max_log)?,
    })
}

fn trap(reason: TrapReason) -> JobTrap {
    match reason {
        TrapReason::Unreachable => JobTrap::Unreachable,
        TrapReason::MemoryOutOfBounds => JobTrap::MemoryOutOfBounds,
        TrapReason::IntegerOverflow => JobTrap::IntegerOverflow,
        TrapReason::IntegerDivisionByZero => JobTrap::IntegerDivisionByZero,
        TrapReason::TableOutOfBounds => JobTrap::TableOutOfBounds,
        TrapReason::IndirectCallToNull => JobTrap::IndirectCallToNull,
        TrapReason::BadSignature => JobTrap::BadSignature,
        TrapReason::CallDepthExceeded => JobTrap::CallDepthExceeded,
        TrapReason::StackOverflow => JobTrap::StackOverflow,
        TrapReason::Other => JobTrap::Other,
    }
}

/// The runtime's form of an engine exit.
pub fn job_exit(exit: Exit) -> JobExit {
    match exit {
        Exit::Exited(code) => JobExit::Exited(code),
        Exit::Trapped(reason) => JobExit::Trapped(trap(reason)),
        Exit::OutOfFuel => JobExit::OutOfFuel,
        Exit::MemoryExceeded => JobExit::MemoryExceeded,
        Exit::OutputTooLarge => JobExit::OutputTooLarge,
    }
}

/// The runtime's form of an engine outcome.
pub fn job_outcome(outcome: Outcome) -> JobOutcome {
    JobOutcome {
        exit: job_exit(outcome.exit),
        output: outcome.output,
        log: outcome.log,
        fuel_used: outcome.fuel_used,
    }
}

fn refused() -> JobOutcome {
    JobOutcome {
        exit: JobExit::Refused,
        output: Vec::new(),
        log: Vec::new(),
        fuel_used: 0,
    }
}

impl JobExecutor for WasmJobExecutor {
    fn execute(&self, run: &JobRun<'_>) -> Result<JobOutcome, JobExecutorError> {
        match self.engine.run(run.module, run.input, &limits(run)?) {
            Ok(outcome) => Ok(job_outcome(outcome)),
            Err(RunError::Module(_)) => Ok(refused()),
            Err(RunError::Limits(error)) => Err(limits_error(error)),
            Err(RunError::Engine { reason }) => Err(JobExecutorError::Engine(reason)),
        }
    }
}

fn limits_error(error: LimitsError) -> JobExecutorError {
    JobExecutorError::Limits(error.to_string())
}
