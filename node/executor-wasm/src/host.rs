//! The host side of the ABI: input, output, log and exit.
//!
//! Host calls never trap on bad arguments: a pointer outside memory is
//! `EFAULT`, an unknown descriptor `EBADF`, more than [`MAX_IOVECS`] iovecs
//! `EINVAL`; a call that fails changes nothing. Only `proc_exit` and an
//! output past its bound stop the job: with an error wasmer passes through
//! as it is ([`stop`]), so that ending a job, the way nearly every job
//! ends, takes no native backtrace.

use thiserror::Error;
use wasmer::{
    BackendTrap, Function, FunctionEnv, FunctionEnvMut, Imports, Memory, MemoryView, RuntimeError,
    Store,
};

use crate::abi::{errno, fd, HostCall, MAX_IOVECS, WASI_MODULE};
use crate::config::Limits;

/// Why a host call ended the job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum HostStop {
    /// `proc_exit(code)`.
    #[error("exit with code {0}")]
    Exit(u32),
    /// A write to fd 1 past the output bound.
    #[error("output larger than the job's bound")]
    OutputTooLarge,
}

/// Per-run host state: the input cursor and what the job wrote.
#[derive(Default)]
pub struct HostState {
    pub(crate) memory: Option<Memory>,
    input: Vec<u8>,
    input_pos: usize,
    pub(crate) output: Vec<u8>,
    pub(crate) log: Vec<u8>,
    max_output: usize,
    max_log: usize,
}

impl HostState {
    /// Starts a run over `input` within `limits`, with nothing written yet;
    /// the input buffer of an earlier run is reused.
    pub(crate) fn start(&mut self, input: &[u8], limits: &Limits) {
        self.input.clear();
        self.input.extend_from_slice(input);
        self.input_pos = 0;
        self.output = Vec::new();
        self.log = Vec::new();
        self.max_output = limits.max_output;
        self.max_log = limits.max_log;
    }
}

/// One `(pointer, length)` buffer of an iovec array, checked against memory.
#[derive(Clone, Copy)]
struct Buffer {
    start: u64,
    len: u64,
}

fn wasm_ptr(value: i32) -> u64 {
    u64::from(value as u32)
}

fn read_u32(view: &MemoryView<'_>, at: u64) -> Result<u32, i32> {
    let mut bytes = [0u8; 4];
    view.read(at, &mut bytes).map_err(|_| errno::FAULT)?;
    Ok(u32::from_le_bytes(bytes))
}

fn write_u32(view: &MemoryView<'_>, at: i32, value: u32) -> Result<(), i32> {
    view.write(wasm_ptr(at), &value.to_le_bytes())
        .map_err(|_| errno::FAULT)
}

/// Reads and bounds-checks `count` iovecs at `iovs`.
fn buffers(view: &MemoryView<'_>, iovs: i32, count: i32) -> Result<Vec<Buffer>, i32> {
    let count = count as u32;
    if count > MAX_IOVECS {
        return Err(errno::INVAL);
    }
    let size = view.data_size();
    (0..u64::from(count))
        .map(|i| {
            let at = wasm_ptr(iovs) + i * 8;
            let start = u64::from(read_u32(view, at)?);
            let len = u64::from(read_u32(view, at + 4)?);
            if start + len > size {
                return Err(errno::FAULT);
            }
            Ok(Buffer { start, len })
        })
        .collect()
}

fn append(view: &MemoryView<'_>, buffer: Buffer, into: &mut Vec<u8>) -> Result<(), i32> {
    let bytes = view
        .copy_range_to_vec(buffer.start..buffer.start + buffer.len)
        .map_err(|_| errno::FAULT)?;
    into.extend_from_slice(&bytes);
    Ok(())
}

fn errno_of(result: Result<(), i32>) -> i32 {
    result.err().unwrap_or(errno::SUCCESS)
}

fn args_sizes_get(mut env: FunctionEnvMut<HostState>, argc: i32, buf_size: i32) -> i32 {
    let (state, store) = env.data_and_store_mut();
    let Some(view) = state.memory.as_ref().map(|memory| memory.view(&store)) else {
        return errno::FAULT;
    };
    errno_of(write_u32(&view, argc, 0).and_then(|()| write_u32(&view, buf_size, 0)))
}

fn args_get(_env: FunctionEnvMut<HostState>, _argv: i32, _argv_buf: i32) -> i32 {
    errno::SUCCESS
}

fn fd_read(mut env: FunctionEnvMut<HostState>, fd: i32, iovs: i32, count: i32, nread: i32) -> i32 {
    if fd != fd::INPUT {
        return errno::BADF;
    }
    let (state, store) = env.data_and_store_mut();
    let Some(view) = state.memory.as_ref().map(|memory| memory.view(&store)) else {
        return errno::FAULT;
    };
    errno_of(read_input(state, &view, iovs, count, nread))
}

fn read_input(
    state: &mut HostState,
    view: &MemoryView<'_>,
    iovs: i32,
    count: i32,
    nread: i32,
) -> Result<(), i32> {
    let buffers = buffers(view, iovs, count)?;
    read_u32(view, wasm_ptr(nread))?;
    let mut total = 0u32;
    for buffer in buffers {
        let rest = state.input.get(state.input_pos..).unwrap_or_default();
        let take = rest
            .len()
            .min(usize::try_from(buffer.len).unwrap_or(usize::MAX));
        let chunk = rest.get(..take).unwrap_or_default();
        view.write(buffer.start, chunk).map_err(|_| errno::FAULT)?;
        state.input_pos += take;
        total = total.saturating_add(u32::try_from(take).unwrap_or(u32::MAX));
    }
    write_u32(view, nread, total)
}

/// The error a host call ends the job with. A `RuntimeError` returned by
/// a host function reaches the caller of the wasm function unchanged,
/// whereas any other error is wrapped in one along with a native
/// backtrace and the wasm frames it crosses, which costs microseconds.
fn stop(stop: HostStop) -> RuntimeError {
    let trap = wasmer::sys::vm::Trap::user(Box::new(stop));
    RuntimeError::new_from_source(BackendTrap::Sys(trap), Vec::new(), None)
}

fn fd_write(
    env: FunctionEnvMut<HostState>,
    fd: i32,
    iovs: i32,
    count: i32,
    nwritten: i32,
) -> Result<i32, RuntimeError> {
    write_fd(env, fd, iovs, count, nwritten).map_err(stop)
}

fn write_fd(
    mut env: FunctionEnvMut<HostState>,
    fd: i32,
    iovs: i32,
    count: i32,
    nwritten: i32,
) -> Result<i32, HostStop> {
    if fd != fd::OUTPUT && fd != fd::LOG {
        return Ok(errno::BADF);
    }
    let (state, store) = env.data_and_store_mut();
    let Some(view) = state.memory.as_ref().map(|memory| memory.view(&store)) else {
        return Ok(errno::FAULT);
    };
    let buffers = match buffers(&view, iovs, count)
        .and_then(|b| read_u32(&view, wasm_ptr(nwritten)).map(|_| b))
    {
        Ok(buffers) => buffers,
        Err(errno) => return Ok(errno),
    };
    let total: u64 = buffers.iter().map(|buffer| buffer.len).sum();
    let result = if fd == fd::OUTPUT {
        write_output(state, &view, &buffers, total)?
    } else {
        write_log(state, &view, &buffers)
    };
    let written = u32::try_from(total).unwrap_or(u32::MAX);
    Ok(errno_of(
        result.and_then(|()| write_u32(&view, nwritten, written)),
    ))
}

fn write_output(
    state: &mut HostState,
    view: &MemoryView<'_>,
    buffers: &[Buffer],
    total: u64,
) -> Result<Result<(), i32>, HostStop> {
    let room = state.max_output.saturating_sub(state.output.len());
    if total > u64::try_from(room).unwrap_or(u64::MAX) {
        return Err(HostStop::OutputTooLarge);
    }
    Ok(buffers
        .iter()
        .try_for_each(|buffer| append(view, *buffer, &mut state.output)))
}

fn write_log(state: &mut HostState, view: &MemoryView<'_>, buffers: &[Buffer]) -> Result<(), i32> {
    for buffer in buffers {
        let room = u64::try_from(state.max_log.saturating_sub(state.log.len())).unwrap_or(u64::MAX);
        let kept = Buffer {
            start: buffer.start,
            len: buffer.len.min(room),
        };
        append(view, kept, &mut state.log)?;
    }
    Ok(())
}

fn proc_exit(code: i32) -> Result<(), RuntimeError> {
    Err(stop(HostStop::Exit(code as u32)))
}

/// The import object giving every host call of the ABI.
pub fn imports(store: &mut Store, env: &FunctionEnv<HostState>) -> Imports {
    let mut imports = Imports::new();
    for call in HostCall::ALL {
        let function = match call {
            HostCall::ArgsSizesGet => Function::new_typed_with_env(store, env, args_sizes_get),
            HostCall::ArgsGet => Function::new_typed_with_env(store, env, args_get),
            HostCall::FdRead => Function::new_typed_with_env(store, env, fd_read),
            HostCall::FdWrite => Function::new_typed_with_env(store, env, fd_write),
            HostCall::ProcExit => Function::new_typed(store, proc_exit),
        };
        imports.define(WASI_MODULE, call.name(), function);
    }
    imports
}
