//! One run of a prepared module: instantiate, set the limits, call `_start`,
//! and turn however it ended into an [`Outcome`].

use wasmer::{FunctionEnv, Instance, InstantiationError, RuntimeError, Store, Value};

use crate::compile::PreparedModule;
use crate::config::Limits;
use crate::error::RunError;
use crate::host::{self, HostState, HostStop};
use crate::instrument::{
    CALL_DEPTH_EXCEEDED, FUEL_EXHAUSTED, FUEL_REMAINING, MEMORY_EXCEEDED, MEMORY_LIMIT,
};
use crate::outcome::{Exit, Outcome, TrapReason};

fn engine_error(what: &str, error: impl std::fmt::Display) -> RunError {
    RunError::Engine {
        reason: format!("{what}: {error}"),
    }
}

/// An outcome with nothing written and no fuel used.
fn before_start(exit: Exit) -> Outcome {
    Outcome {
        exit,
        output: Vec::new(),
        log: Vec::new(),
        fuel_used: 0,
    }
}

fn trap_reason(error: RuntimeError) -> TrapReason {
    error.to_trap().map_or(TrapReason::Other, TrapReason::from)
}

/// The fuel the meter starts with: the limit, or `i64::MAX` (about 290
/// years of operators at 10⁹ per second) if the limit is larger.
fn armed_fuel(limit: u64) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

/// Runs `_start` of `prepared` over `input` within `limits`.
pub fn run(prepared: &PreparedModule, input: &[u8], limits: &Limits) -> Result<Outcome, RunError> {
    if prepared.info.initial_pages > limits.memory_pages {
        return Ok(before_start(Exit::MemoryExceeded));
    }
    let mut store = Store::new(prepared.engine.clone());
    let env = FunctionEnv::new(&mut store, HostState::new(input, limits));
    let imports = host::imports(&mut store, &env);
    let instance = match Instance::new(&mut store, &prepared.module, &imports) {
        Ok(instance) => instance,
        Err(InstantiationError::Start(error)) => {
            return Ok(before_start(Exit::Trapped(trap_reason(error))))
        }
        Err(error) => return Err(engine_error("instantiation", error)),
    };
    let mut job = Job {
        store,
        env,
        instance,
    };
    job.arm(limits)?;
    let exit = job.start()?;
    job.finish(exit, limits.fuel)
}

/// An instantiated job.
struct Job {
    store: Store,
    env: FunctionEnv<HostState>,
    instance: Instance,
}

impl Job {
    fn set(&mut self, name: &str, value: Value) -> Result<(), RunError> {
        let global = self
            .instance
            .exports
            .get_global(name)
            .map_err(|e| engine_error(name, e))?;
        global
            .set(&mut self.store, value)
            .map_err(|e| engine_error(name, e))
    }

    fn flag(&mut self, name: &str) -> Result<bool, RunError> {
        let global = self
            .instance
            .exports
            .get_global(name)
            .map_err(|e| engine_error(name, e))?;
        match global.get(&mut self.store) {
            Value::I32(value) => Ok(value != 0),
            other => Err(engine_error(name, format!("unexpected value {other:?}"))),
        }
    }

    fn fuel_left(&mut self) -> Result<u64, RunError> {
        let global = self
            .instance
            .exports
            .get_global(FUEL_REMAINING)
            .map_err(|e| engine_error(FUEL_REMAINING, e))?;
        match global.get(&mut self.store) {
            Value::I64(value) => Ok(value as u64),
            other => Err(engine_error(
                FUEL_REMAINING,
                format!("unexpected value {other:?}"),
            )),
        }
    }

    /// Gives the instance its fuel, page limit and memory.
    fn arm(&mut self, limits: &Limits) -> Result<(), RunError> {
        self.set(FUEL_REMAINING, Value::I64(armed_fuel(limits.fuel)))?;
        self.set(FUEL_EXHAUSTED, Value::I32(0))?;
        self.set(MEMORY_LIMIT, Value::I64(i64::from(limits.memory_pages)))?;
        let memory = self.instance.exports.get_memory("memory").ok().cloned();
        self.env.as_mut(&mut self.store).memory = memory;
        Ok(())
    }

    fn start(&mut self) -> Result<Exit, RunError> {
        let start = self
            .instance
            .exports
            .get_typed_function::<(), ()>(&self.store, "_start")
            .map_err(|e| engine_error("_start", e))?;
        match start.call(&mut self.store) {
            Ok(()) => Ok(Exit::Exited(0)),
            Err(error) => self.classify(error),
        }
    }

    fn classify(&mut self, error: RuntimeError) -> Result<Exit, RunError> {
        if let Some(stop) = error.downcast_ref::<HostStop>() {
            return Ok(match stop {
                HostStop::Exit(code) => Exit::Exited(*code),
                HostStop::OutputTooLarge => Exit::OutputTooLarge,
            });
        }
        if self.flag(FUEL_EXHAUSTED)? {
            return Ok(Exit::OutOfFuel);
        }
        if self.flag(MEMORY_EXCEEDED)? {
            return Ok(Exit::MemoryExceeded);
        }
        if self.flag(CALL_DEPTH_EXCEEDED)? {
            return Ok(Exit::Trapped(TrapReason::CallDepthExceeded));
        }
        Ok(Exit::Trapped(trap_reason(error)))
    }

    fn finish(mut self, exit: Exit, fuel: u64) -> Result<Outcome, RunError> {
        let fuel_used = match exit {
            Exit::Exited(_) | Exit::OutputTooLarge => {
                (armed_fuel(fuel) as u64).saturating_sub(self.fuel_left()?)
            }
            Exit::Trapped(_) | Exit::OutOfFuel | Exit::MemoryExceeded => fuel,
        };
        let state = self.env.as_mut(&mut self.store);
        let output = std::mem::take(&mut state.output);
        let log = std::mem::take(&mut state.log);
        Ok(Outcome {
            exit,
            output,
            log,
            fuel_used,
        })
    }
}
