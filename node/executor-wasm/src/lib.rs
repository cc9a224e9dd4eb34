//! # EntroOS wasm job executor
//!
//! Runs compute-job modules for proof of execution. Replicas compare, and a
//! disputed job is re-executed on chain, so a run is a pure function:
//! **the same module bytes, input and [`Limits`] give the same
//! [`Outcome`] — output, log, exit and fuel — on every machine and with
//! either [`Backend`].** A trap, fuel exhaustion, a memory excess or a host
//! call that ends the job is an [`Outcome`], never a panic or an `Err`.
//!
//! ## API
//!
//! * [`Executor::validate`] checks bytes against every static rule and
//!   returns a [`ModuleInfo`] or a typed [`ModuleError`].
//! * [`Executor::prepare`] validates and compiles, through a cache of at
//!   most [`ExecutorConfig::cache_entries`] compiled modules keyed by the
//!   blake2-256 of the bytes ([`module_hash`]); [`Executor::cache_stats`]
//!   counts hits and misses.
//! * [`Executor::run`] (or [`Executor::run_prepared`]) calls `_start` with
//!   the job's input and [`Limits`]. A module whose memory is at most
//!   [`REUSE_MAX_PAGES`] keeps up to [`MAX_IDLE`] used instances, reset to
//!   their state just after instantiation (memory zeroed and its data put
//!   back, every mutable global restored) instead of instantiating again:
//!   a reset instance cannot be told from a fresh one, and saves the job a
//!   memory mapping and a page fault per page it touches.
//!
//! ## Host ABI
//!
//! A module may import only functions of `wasi_snapshot_preview1`, and only
//! these, with their WASI preview-1 signatures (all `i32`):
//!
//! | call | behaviour |
//! |---|---|
//! | `args_sizes_get(argc, buf_size) -> errno` | writes 0 and 0: there are no arguments |
//! | `args_get(argv, argv_buf) -> errno` | writes nothing |
//! | `fd_read(fd, iovs, iovs_len, nread) -> errno` | fd 0 reads the job input; any other fd is `EBADF` |
//! | `fd_write(fd, iovs, iovs_len, nwritten) -> errno` | fd 1 appends to the output, fd 2 to the log; any other fd is `EBADF` |
//! | `proc_exit(code)` | ends the job with [`Exit::Exited`]`(code)` |
//!
//! Everything else — clocks, randomness, files (`path_open`, ...), sockets,
//! the environment, other modules — is refused at validation
//! ([`ModuleError::ForbiddenImport`]), as are memory, table and global
//! imports. Host calls reach memory through the module's export named
//! `memory`; without it they return `EFAULT`. A pointer outside memory is
//! `EFAULT`, more than 1024 iovecs `EINVAL`, and a failing call changes
//! nothing. Returning from `_start` is `Exited(0)`.
//!
//! ## Determinism rules
//!
//! * **No floats.** Any `f32`/`f64` type or instruction is refused at
//!   validation ([`ModuleError::FloatInstruction`]), so NaN bit patterns can
//!   never differ between machines. Jobs use integer or fixed-point math.
//! * **A fixed feature subset**: wasm 1.0 plus mutable globals, sign
//!   extension and multi-value. SIMD, threads, bulk memory, reference types,
//!   memory64, multi-memory, tail calls and exceptions are refused
//!   ([`ModuleError::UnsupportedFeature`]). Bulk memory is out because one
//!   `memory.fill` would do unbounded work for one unit of fuel.
//! * **Fuel counts operators**: every wasm operator of the original module
//!   costs 1 ([`instrument::operator_cost`]). It is charged per basic block,
//!   at the block's branch, by instrumentation in wasm, so it does not depend
//!   on the backend's code. A job that exits (`proc_exit`, or `_start`
//!   returns) or writes too much output is charged exactly the operators it
//!   executed; a run that ends any other way — a trap, a memory excess,
//!   fuel exhaustion — is charged its whole fuel limit. Host calls cost the
//!   one `call` operator (their work is bounded, see Limits). Limits above
//!   `i64::MAX` run as `i64::MAX`.
//! * **Memory is limited in wasm**: a `memory.grow` that would pass
//!   [`Limits::memory_pages`] ends the job with [`Exit::MemoryExceeded`]
//!   (instead of returning -1); a module whose initial memory is already
//!   larger is `MemoryExceeded` before it starts.
//! * **Call depth is limited in wasm**: more than
//!   [`ExecutorConfig::max_call_depth`] nested calls trap with
//!   [`TrapReason::CallDepthExceeded`], counted by instrumentation and so at
//!   the same call on every backend. Functions may declare at most
//!   [`MAX_FUNCTION_LOCALS`] locals and wasm runs on a
//!   [`NATIVE_STACK_BYTES`] stack, so the depth limit is meant to hit before
//!   the native stack does.
//! * **No start section**: it would run before the job's fuel is set.
//! * **Bounded output**: writing more than [`Limits::max_output`] bytes to fd 1
//!   ends the job with [`Exit::OutputTooLarge`], keeping what was written
//!   before that write; the log keeps its first [`Limits::max_log`] bytes
//!   and drops the rest without failing.
//!
//! ## Limits
//!
//! Modules are at most [`ExecutorConfig::max_module_bytes`] (4 MiB by
//! default). A job's limits must stay within the executor's ceilings
//! ([`LimitsError`]). Fuel bounds execution time; host calls do work bounded
//! by the input, the output and log bounds and 1024 iovecs per call.

mod abi;
mod cache;
mod compile;
mod config;
mod error;
mod executor;
mod host;
pub mod instrument;
mod outcome;
mod pool;
mod run;
mod validate;

pub use abi::{errno, fd, HostCall, MAX_IOVECS, RESERVED_EXPORT_PREFIXES, WASI_MODULE};
pub use cache::CacheStats;
pub use compile::PreparedModule;
pub use config::{
    Backend, ExecutorConfig, Limits, DEFAULT_MAX_MODULE_BYTES, MAX_FUNCTION_LOCALS,
    NATIVE_STACK_BYTES,
};
pub use error::{LimitsError, ModuleError, RunError};
pub use executor::{module_hash, Executor, ModuleHash};
pub use host::HostStop;
pub use outcome::{Exit, Outcome, TrapReason};
pub use pool::{MAX_IDLE, REUSE_MAX_PAGES};
pub use validate::ModuleInfo;
