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
use crate::instrument::{self, fuel_local::add_fuel_local};
use crate::validate::ModuleInfo;

/// A validated, instrumented and compiled module, cheap to clone.
#[derive(Clone)]
pub struct PreparedModule {
    pub(crate) engine: Engine,
    pub(crate) module: Module,
    pub(crate) info: Arc<ModuleInfo>,
}

impl PreparedModule {
    /// What validation learned about the module.
    pub fn info(&self) -> &ModuleInfo {
        &self.info
    }
}

impl std::fmt::Debug for PreparedModule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedModule")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

/// The wasm features the engine accepts, matching validation's subset
/// (floats are refused by validation before the engine sees a module).
fn engine_features() -> Features {
    let mut features = Features::new();
    features.threads = false;
    features.reference_types = false;
    features.simd = false;
    features.bulk_memory = false;
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
    config
}

/// Instruments and compiles `bytes`, already validated into `info`.
pub fn compile(
    bytes: &[u8],
    info: ModuleInfo,
    backend: Backend,
    max_call_depth: u32,
) -> Result<PreparedModule, ModuleError> {
    let with_fuel_local = add_fuel_local(bytes)?;
    let fuel_locals = Arc::from(with_fuel_local.fuel_locals);
    let engine: Engine = EngineBuilder::new(compiler(backend, max_call_depth, fuel_locals))
        .set_features(Some(engine_features()))
        .engine()
        .into();
    let module = Module::from_binary(&engine, &with_fuel_local.bytes).map_err(|error| {
        ModuleError::Compile {
            reason: error.to_string(),
        }
    })?;
    Ok(PreparedModule {
        engine,
        module,
        info: Arc::new(info),
    })
}
