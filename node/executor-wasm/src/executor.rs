//! The executor: validation, the compiled-module cache, and runs.

use blake2::digest::consts::U32;
use blake2::{Blake2b, Digest};
use parking_lot::Mutex;

use crate::cache::{CacheStats, ModuleCache};
use crate::compile::{self, PreparedModule};
use crate::config::{ExecutorConfig, Limits, NATIVE_STACK_BYTES};
use crate::error::{LimitsError, ModuleError, RunError};
use crate::outcome::Outcome;
use crate::run;
use crate::validate::{self, ModuleInfo};

/// blake2-256 of a module's bytes.
pub type ModuleHash = [u8; 32];

/// The identity of `bytes` as a module: blake2-256.
pub fn module_hash(bytes: &[u8]) -> ModuleHash {
    Blake2b::<U32>::digest(bytes).into()
}

/// Validates, compiles (with a bounded cache) and runs job modules.
pub struct Executor {
    config: ExecutorConfig,
    cache: Mutex<ModuleCache>,
}

impl Executor {
    /// An executor with an empty cache.
    pub fn new(config: ExecutorConfig) -> Self {
        wasmer::sys::vm::set_stack_size(NATIVE_STACK_BYTES);
        let cache = Mutex::new(ModuleCache::new(config.cache_entries));
        Self { config, cache }
    }

    /// The configuration this executor was made with.
    pub fn config(&self) -> &ExecutorConfig {
        &self.config
    }

    /// Checks `bytes` against every static rule without compiling.
    pub fn validate(&self, bytes: &[u8]) -> Result<ModuleInfo, ModuleError> {
        self.check_size(bytes)?;
        validate::validate(bytes, self.config.max_module_bytes, module_hash(bytes))
    }

    fn check_size(&self, bytes: &[u8]) -> Result<(), ModuleError> {
        let max = self.config.max_module_bytes;
        if bytes.len() > max {
            return Err(ModuleError::TooLarge {
                size: bytes.len(),
                max,
            });
        }
        Ok(())
    }

    /// The compiled module for `bytes`: from the cache, or validated and
    /// compiled now and cached.
    pub fn prepare(&self, bytes: &[u8]) -> Result<PreparedModule, ModuleError> {
        self.check_size(bytes)?;
        let hash = module_hash(bytes);
        if let Some(prepared) = self.cache.lock().get(&hash) {
            return Ok(prepared);
        }
        let info = validate::validate(bytes, self.config.max_module_bytes, hash)?;
        let prepared =
            compile::compile(bytes, info, self.config.backend, self.config.max_call_depth)?;
        self.cache.lock().insert(hash, prepared.clone());
        Ok(prepared)
    }

    /// Runs the module `bytes` over `input` within `limits`.
    pub fn run(&self, bytes: &[u8], input: &[u8], limits: &Limits) -> Result<Outcome, RunError> {
        self.check_limits(limits)?;
        let prepared = self.prepare(bytes)?;
        run::run(&prepared, input, limits)
    }

    /// Runs an already prepared module over `input` within `limits`.
    pub fn run_prepared(
        &self,
        prepared: &PreparedModule,
        input: &[u8],
        limits: &Limits,
    ) -> Result<Outcome, RunError> {
        self.check_limits(limits)?;
        run::run(prepared, input, limits)
    }

    fn check_limits(&self, limits: &Limits) -> Result<(), LimitsError> {
        let c = &self.config;
        if limits.memory_pages > c.max_memory_pages {
            return Err(LimitsError::MemoryPages {
                requested: limits.memory_pages,
                max: c.max_memory_pages,
            });
        }
        if limits.max_output > c.max_output_bytes {
            return Err(LimitsError::Output {
                requested: limits.max_output,
                max: c.max_output_bytes,
            });
        }
        if limits.max_log > c.max_log_bytes {
            return Err(LimitsError::Log {
                requested: limits.max_log,
                max: c.max_log_bytes,
            });
        }
        Ok(())
    }

    /// Cache hits, misses, evictions and size.
    pub fn cache_stats(&self) -> CacheStats {
        self.cache.lock().stats()
    }
}
