//! Typed refusals, grouped by what the caller should do.

use thiserror::Error;

/// Why a module is refused. Deterministic: every node refuses the same bytes
/// with the same error, so a job naming such a module can be failed at once.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ModuleError {
    /// The module is larger than the configured bound.
    #[error("module is {size} bytes, more than the {max} allowed")]
    TooLarge {
        /// The module's size.
        size: usize,
        /// The bound.
        max: usize,
    },
    /// The bytes are not a valid wasm module.
    #[error("malformed module at offset {offset}: {reason}")]
    Malformed {
        /// Byte offset of the problem.
        offset: usize,
        /// The validator's description.
        reason: String,
    },
    /// The module uses a float type or instruction.
    #[error("float instruction or type at offset {offset}")]
    FloatInstruction {
        /// Byte offset of the first float use.
        offset: usize,
    },
    /// The module uses a wasm proposal outside the deterministic subset
    /// (SIMD, threads, bulk memory, reference types, memory64, ...).
    #[error("unsupported wasm feature at offset {offset}: {reason}")]
    UnsupportedFeature {
        /// Byte offset of the first use.
        offset: usize,
        /// The validator's description.
        reason: String,
    },
    /// An import outside the host ABI (clock, random, files, sockets, ...).
    #[error("import {module}::{name} is not part of the host ABI")]
    ForbiddenImport {
        /// The import's module name.
        module: String,
        /// The import's field name.
        name: String,
    },
    /// A host-ABI import declared with the wrong function type.
    #[error("import {name} has the wrong signature")]
    ImportSignature {
        /// The import's field name.
        name: String,
    },
    /// No `_start` function is exported.
    #[error("no exported `_start` function")]
    MissingStart,
    /// `_start` is not a function of type `() -> ()`.
    #[error("`_start` must be a function of type () -> ()")]
    StartSignature,
    /// The module has a start section, which would run before limits apply.
    #[error("start sections are not allowed; export `_start` instead")]
    StartSection,
    /// An export name reserved for the executor's instrumentation.
    #[error("export name {name} is reserved")]
    ReservedExport {
        /// The export's name.
        name: String,
    },
    /// A function declares more locals than allowed.
    #[error("function {function} declares {locals} locals, more than {max}")]
    TooManyLocals {
        /// Index of the function in the module's function space.
        function: u32,
        /// Locals declared, parameters included.
        locals: u64,
        /// The bound.
        max: u32,
    },
    /// The backend could not compile a module that passed validation.
    #[error("compilation failed: {reason}")]
    Compile {
        /// The compiler's description.
        reason: String,
    },
}

/// Job limits beyond what this executor allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum LimitsError {
    /// More memory pages than the executor's ceiling.
    #[error("{requested} memory pages asked, at most {max} allowed")]
    MemoryPages {
        /// Pages asked for.
        requested: u32,
        /// The ceiling.
        max: u32,
    },
    /// A larger output bound than the executor's ceiling.
    #[error("{requested} output bytes asked, at most {max} allowed")]
    Output {
        /// Bytes asked for.
        requested: usize,
        /// The ceiling.
        max: usize,
    },
    /// A larger log bound than the executor's ceiling.
    #[error("{requested} log bytes asked, at most {max} allowed")]
    Log {
        /// Bytes asked for.
        requested: usize,
        /// The ceiling.
        max: usize,
    },
}

/// Why [`Executor::run`](crate::Executor::run) gave no [`Outcome`](crate::Outcome).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RunError {
    /// Reject the job: its module is refused.
    #[error(transparent)]
    Module(#[from] ModuleError),
    /// Reject the job: its limits exceed this executor's.
    #[error(transparent)]
    Limits(#[from] LimitsError),
    /// Do not judge the job: the engine failed where it should not (an
    /// instrumentation export missing, a link failure after validation).
    #[error("engine failure: {reason}")]
    Engine {
        /// What failed.
        reason: String,
    },
}
