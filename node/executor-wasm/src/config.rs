//! The executor's configuration and a job's limits.

/// The compiler that turns a validated module into machine code.
///
/// Both backends run the same instrumented module, so output, exit and fuel
/// do not depend on the choice; only speed and compile time do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Backend {
    /// Optimising compiler: slower to compile, code close to native.
    #[default]
    Cranelift,
    /// Linear-time compiler: fast, predictable compiles, slower code.
    Singlepass,
}

/// How an [`Executor`](crate::Executor) validates, compiles and caches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecutorConfig {
    /// The compiler backend.
    pub backend: Backend,
    /// Modules larger than this many bytes are refused.
    pub max_module_bytes: usize,
    /// How many compiled modules the cache keeps (least recently used out).
    pub cache_entries: usize,
    /// The most wasm pages (64 KiB) a job may ask for.
    pub max_memory_pages: u32,
    /// The most output bytes a job may ask for.
    pub max_output_bytes: usize,
    /// The most log bytes a job may ask for.
    pub max_log_bytes: usize,
    /// The deepest chain of wasm calls; one more call traps.
    pub max_call_depth: u32,
}

/// The default module size bound: 4 MiB.
pub const DEFAULT_MAX_MODULE_BYTES: usize = 4 << 20;
/// The most locals (parameters included) one function may declare.
pub const MAX_FUNCTION_LOCALS: u32 = 1024;
/// The native stack given to wasm execution: deep enough that the call-depth
/// limit, not the stack, stops recursion of validated modules.
pub const NATIVE_STACK_BYTES: usize = 16 << 20;

impl Default for ExecutorConfig {
    fn default() -> Self {
        Self {
            backend: Backend::default(),
            max_module_bytes: DEFAULT_MAX_MODULE_BYTES,
            cache_entries: 64,
            max_memory_pages: 1024,
            max_output_bytes: 1 << 20,
            max_log_bytes: 64 << 10,
            max_call_depth: 1024,
        }
    }
}

/// What one job may consume.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    /// Fuel: one unit per wasm operator executed.
    pub fuel: u64,
    /// The most wasm pages the job's memory may reach, initial pages included.
    pub memory_pages: u32,
    /// The most bytes the job may write to fd 1.
    pub max_output: usize,
    /// The most bytes of the log (fd 2) that are kept.
    pub max_log: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            fuel: 100_000_000,
            memory_pages: 64,
            max_output: 64 << 10,
            max_log: 4 << 10,
        }
    }
}
