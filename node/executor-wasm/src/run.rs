//! One run of a prepared module: take an idle instance reset to its state
//! after instantiation, or instantiate; set the limits; call `_start`; turn
//! however it ended into an [`Outcome`]; keep the instance if it can be
//! reset (see [`crate::pool`]).

use wasmer::{
    Extern, FunctionEnv, Global, Instance, InstantiationError, Memory, RuntimeError, Store,
    TypedFunction, Value,
};

use crate::compile::PreparedModule;
use crate::config::Limits;
use crate::error::RunError;
use crate::host::{self, HostState, HostStop};
use crate::instrument::rewrite::ZERO_MEMORY;
use crate::instrument::{
    CALL_DEPTH_EXCEEDED, FUEL_EXHAUSTED, FUEL_REMAINING, GLOBAL_PREFIX, MEMORY, MEMORY_EXCEEDED,
    MEMORY_LIMIT,
};
use crate::outcome::{Exit, Outcome, TrapReason};
use crate::pool::{Snapshot, REUSE_MAX_PAGES};

/// The memory export host calls use (the WASI convention).
const ABI_MEMORY: &str = "memory";

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
    let pool = &prepared.instances;
    let kept = pool
        .take()
        .zip(pool.snapshot())
        .and_then(|(mut job, snapshot)| job.restore(snapshot).ok().map(|()| job));
    let mut job = match kept {
        Some(job) => job,
        None => match Job::instantiate(prepared)? {
            Ok(job) => job,
            Err(exit) => return Ok(before_start(exit)),
        },
    };
    job.arm(input, limits)?;
    let exit = job.start()?;
    let outcome = job.outcome(exit, limits.fuel)?;
    if pool
        .snapshot()
        .is_some_and(|snapshot| job.pages() == snapshot.pages)
    {
        pool.keep(job);
    }
    Ok(outcome)
}

/// An instance with its store and host state.
pub(crate) struct Job {
    store: Store,
    env: FunctionEnv<HostState>,
    /// Every mutable global, in export order.
    globals: Vec<Global>,
    /// The memory, if the module has one.
    memory: Option<Memory>,
    /// The rewrite's function that zeroes the memory, if the module has one.
    zero_memory: Option<TypedFunction<(), ()>>,
    /// What every run reads or sets, looked up once.
    controls: Controls,
}

/// The instrumentation's globals, the entry point and the memory host
/// calls use, looked up by name once per instance.
struct Controls {
    fuel_remaining: Global,
    fuel_exhausted: Global,
    memory_limit: Global,
    memory_exceeded: Global,
    call_depth_exceeded: Global,
    start: TypedFunction<(), ()>,
    abi_memory: Option<Memory>,
}

impl Controls {
    fn of(instance: &Instance, store: &Store) -> Result<Self, RunError> {
        let global = |name: &str| {
            instance
                .exports
                .get_global(name)
                .cloned()
                .map_err(|e| engine_error(name, e))
        };
        Ok(Self {
            fuel_remaining: global(FUEL_REMAINING)?,
            fuel_exhausted: global(FUEL_EXHAUSTED)?,
            memory_limit: global(MEMORY_LIMIT)?,
            memory_exceeded: global(MEMORY_EXCEEDED)?,
            call_depth_exceeded: global(CALL_DEPTH_EXCEEDED)?,
            start: instance
                .exports
                .get_typed_function::<(), ()>(store, "_start")
                .map_err(|e| engine_error("_start", e))?,
            abi_memory: instance.exports.get_memory(ABI_MEMORY).ok().cloned(),
        })
    }
}

impl Job {
    /// A fresh instance, or how instantiation trapped. The pool's first
    /// fresh instance records the snapshot.
    fn instantiate(prepared: &PreparedModule) -> Result<Result<Job, Exit>, RunError> {
        let mut store = Store::new(prepared.engine.clone());
        let env = FunctionEnv::new(&mut store, HostState::default());
        let imports = host::imports(&mut store, &env);
        let instance = match Instance::new(&mut store, &prepared.module, &imports) {
            Ok(instance) => instance,
            Err(InstantiationError::Start(error)) => {
                return Ok(Err(Exit::Trapped(trap_reason(error))))
            }
            Err(error) => return Err(engine_error("instantiation", error)),
        };
        let globals = instance
            .exports
            .iter()
            .filter(|(name, _)| name.starts_with(GLOBAL_PREFIX))
            .filter_map(|(_, export)| match export {
                Extern::Global(global) => Some(global.clone()),
                _ => None,
            })
            .collect();
        let memory = instance.exports.get_memory(MEMORY).ok().cloned();
        let zero_memory = instance
            .exports
            .get_typed_function::<(), ()>(&store, ZERO_MEMORY)
            .ok();
        let controls = Controls::of(&instance, &store)?;
        let mut job = Job {
            store,
            env,
            globals,
            memory,
            zero_memory,
            controls,
        };
        if prepared.instances.needs_snapshot() {
            prepared.instances.record(job.snapshot()?);
        }
        Ok(Ok(job))
    }

    /// The memory's size in pages (0 without a memory).
    fn pages(&self) -> u32 {
        self.memory
            .as_ref()
            .map_or(0, |memory| memory.view(&self.store).size().0)
    }

    /// This fresh instance's state, if instances of its module are kept:
    /// its memory must be small and have the rewrite's zeroing function.
    fn snapshot(&mut self) -> Result<Option<Snapshot>, RunError> {
        let pages = self.pages();
        if pages > REUSE_MAX_PAGES || (self.memory.is_some() && self.zero_memory.is_none()) {
            return Ok(None);
        }
        let bytes = match &self.memory {
            Some(memory) => memory
                .view(&self.store)
                .copy_to_vec()
                .map_err(|e| engine_error(MEMORY, e))?,
            None => Vec::new(),
        };
        let globals = self
            .globals
            .iter()
            .map(|global| global.get(&mut self.store))
            .collect();
        Ok(Some(Snapshot::new(globals, pages, &bytes)))
    }

    /// Puts memory and globals back to `snapshot`.
    fn restore(&mut self, snapshot: &Snapshot) -> Result<(), RunError> {
        self.zero()?;
        if let Some(memory) = &self.memory {
            memory
                .view(&self.store)
                .write(snapshot.data_at, &snapshot.data)
                .map_err(|e| engine_error(MEMORY, e))?;
        }
        for (global, value) in self.globals.iter().zip(&snapshot.globals) {
            global
                .set(&mut self.store, value.clone())
                .map_err(|e| engine_error(GLOBAL_PREFIX, e))?;
        }
        Ok(())
    }

    /// Zeroes the memory with the rewrite's zeroing function (metered like
    /// any function, so with all the fuel it may need, before the globals
    /// are put back).
    fn zero(&mut self) -> Result<(), RunError> {
        let Some(zero_memory) = self.zero_memory.clone() else {
            return Ok(());
        };
        Self::set(
            &mut self.store,
            &self.controls.fuel_remaining,
            Value::I64(i64::MAX),
        )?;
        zero_memory
            .call(&mut self.store)
            .map_err(|e| engine_error(ZERO_MEMORY, e))
    }

    fn set(store: &mut Store, global: &Global, value: Value) -> Result<(), RunError> {
        global
            .set(store, value)
            .map_err(|e| engine_error("a control global", e))
    }

    fn flag(store: &mut Store, global: &Global) -> Result<bool, RunError> {
        match global.get(store) {
            Value::I32(value) => Ok(value != 0),
            other => Err(engine_error(
                "a flag",
                format!("unexpected value {other:?}"),
            )),
        }
    }

    fn fuel_left(&mut self) -> Result<u64, RunError> {
        match self.controls.fuel_remaining.get(&mut self.store) {
            Value::I64(value) => Ok(u64::try_from(value).unwrap_or(0)),
            other => Err(engine_error(
                FUEL_REMAINING,
                format!("unexpected value {other:?}"),
            )),
        }
    }

    /// Gives the instance its input, fuel, page limit and host state (the
    /// exhaustion flag is 0 after instantiation and after a reset alike).
    fn arm(&mut self, input: &[u8], limits: &Limits) -> Result<(), RunError> {
        let fuel = Value::I64(armed_fuel(limits.fuel));
        Self::set(&mut self.store, &self.controls.fuel_remaining, fuel)?;
        let pages = Value::I64(i64::from(limits.memory_pages));
        Self::set(&mut self.store, &self.controls.memory_limit, pages)?;
        let memory = self.controls.abi_memory.clone();
        let state = self.env.as_mut(&mut self.store);
        state.start(input, limits);
        state.memory = memory;
        Ok(())
    }

    fn start(&mut self) -> Result<Exit, RunError> {
        match self.controls.start.call(&mut self.store) {
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
        let (store, controls) = (&mut self.store, &self.controls);
        if Self::flag(store, &controls.fuel_exhausted)? {
            return Ok(Exit::OutOfFuel);
        }
        if Self::flag(store, &controls.memory_exceeded)? {
            return Ok(Exit::MemoryExceeded);
        }
        if Self::flag(store, &controls.call_depth_exceeded)? {
            return Ok(Exit::Trapped(TrapReason::CallDepthExceeded));
        }
        Ok(Exit::Trapped(trap_reason(error)))
    }

    /// The outcome of the run that ended with `exit`, taking what the job
    /// wrote out of the host state.
    fn outcome(&mut self, exit: Exit, fuel: u64) -> Result<Outcome, RunError> {
        let fuel_used = match exit {
            Exit::Exited(_) | Exit::OutputTooLarge => u64::try_from(armed_fuel(fuel))
                .unwrap_or(0)
                .saturating_sub(self.fuel_left()?),
            Exit::Trapped(_) | Exit::OutOfFuel | Exit::MemoryExceeded => fuel,
        };
        let state = self.env.as_mut(&mut self.store);
        Ok(Outcome {
            exit,
            output: std::mem::take(&mut state.output),
            log: std::mem::take(&mut state.log),
            fuel_used,
        })
    }
}
