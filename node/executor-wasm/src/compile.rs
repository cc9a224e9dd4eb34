//! Compiling a validated module with its instrumentation.
//!
//! Each compile gets its own engine: the fuel meter and the limiter hold
//! the global indices (and the meter the fuel locals) of the one module
//! they instrumented. A compiled module is instantiated only in stores of
//! its own engine.

use std::sync::Arc;

use wasmer::sys::{CompilerConfig, Cranelift, EngineBuilder, Features, Singlepass};
use wasmer::{Engine, Module};

use crate::config::Backend;
use crate::error::ModuleError;
use crate::instrument;
use crate::instrument::rewrite::rewrite;
use crate::pool::InstancePool;
use crate::run::Job;
use crate::validate::ModuleInfo;

/// A validated, instrumented and compiled module, cheap to clone.
#[derive(Clone)]
pub struct PreparedModule {
    pub(crate) engine: Engine,
    pub(crate) module: Module,
    pub(crate) info: Arc<ModuleInfo>,
    pub(crate) instances: Arc<InstancePool<Job>>,
}

impl PreparedModule {
    /// What validation learned about the module.
    pub fn info(&self) -> &ModuleInfo {
        &self.info
    }

    /// How many runs of this module took a kept instance instead of a
    /// fresh one.
    pub fn instances_reused(&self) -> u64 {
        self.instances.reused()
    }
}

impl std::fmt::Debug for PreparedModule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedModule")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

/// The wasm features the engine accepts: validation's subset (floats are
/// refused by validation before the engine sees a module), plus bulk
/// memory for the one `memory.fill` of the zeroing function the rewrite
/// adds (a job's own bulk-memory instructions are refused by validation).
fn engine_features() -> Features {
    let mut features = Features::new();
    features.threads = false;
    features.reference_types = false;
    features.simd = false;
    features.bulk_memory = true;
    features.extended_const = false;
    features.multi_value = true;
    features
}

fn compiler(
    backend: Backend,
    max_call_depth: u32,
    fuel_locals: Arc<[u32]>,
) -> Box<dyn CompilerConfig> {
    let mut config: Box<dyn CompilerConfig> = match backend {
        Backend::Cranelift => Box::new(Cranelift::new()),
        Backend::Singlepass => Box::new(Singlepass::new()),
    };
    config.push_middleware(instrument::meter(fuel_locals));
    config.push_middleware(instrument::limiter(max_call_depth));
    config.push_middleware(instrument::state_exports());
    config
}

/// Instruments and compiles `bytes`, already validated into `info`.
pub fn compile(
    bytes: &[u8],
    info: ModuleInfo,
    backend: Backend,
    max_call_depth: u32,
) -> Result<PreparedModule, ModuleError> {
    let rewritten = rewrite(bytes)?;
    let fuel_locals = Arc::from(rewritten.fuel_locals);
    let engine: Engine = EngineBuilder::new(compiler(backend, max_call_depth, fuel_locals))
        .set_features(Some(engine_features()))
        .engine()
        .into();
    let module =
        Module::from_binary(&engine, &rewritten.bytes).map_err(|error| ModuleError::Compile {
            reason: error.to_string(),
        })?;
    Ok(PreparedModule {
        engine,
        module,
        info: Arc::new(info),
        instances: Arc::default(),
    })
}
