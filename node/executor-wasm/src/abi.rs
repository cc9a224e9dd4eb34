//! The host ABI: the WASI preview-1 subset a job may import.

/// The import module every host call lives in.
pub const WASI_MODULE: &str = "wasi_snapshot_preview1";

/// Exports the executor adds to every compiled module; modules may not use
/// names starting with these prefixes.
pub const RESERVED_EXPORT_PREFIXES: [&str; 2] = ["wasmer_", "entroos_"];

/// A host call a module may import.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HostCall {
    /// `args_sizes_get(argc_ptr, argv_buf_size_ptr) -> errno`: writes 0, 0.
    ArgsSizesGet,
    /// `args_get(argv_ptr, argv_buf_ptr) -> errno`: there are no arguments.
    ArgsGet,
    /// `fd_read(fd, iovs, iovs_len, nread_ptr) -> errno`: fd 0 is the input.
    FdRead,
    /// `fd_write(fd, iovs, iovs_len, nwritten_ptr) -> errno`: fd 1 output,
    /// fd 2 log.
    FdWrite,
    /// `proc_exit(code)`: ends the job with `Exited(code)`.
    ProcExit,
}

impl HostCall {
    /// Every host call, in ABI order.
    pub const ALL: [HostCall; 5] = [
        HostCall::ArgsSizesGet,
        HostCall::ArgsGet,
        HostCall::FdRead,
        HostCall::FdWrite,
        HostCall::ProcExit,
    ];

    /// The host call a WASI import name stands for.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|call| call.name() == name)
    }

    /// The import's field name.
    pub fn name(self) -> &'static str {
        match self {
            HostCall::ArgsSizesGet => "args_sizes_get",
            HostCall::ArgsGet => "args_get",
            HostCall::FdRead => "fd_read",
            HostCall::FdWrite => "fd_write",
            HostCall::ProcExit => "proc_exit",
        }
    }

    /// The number of `i32` parameters; every call but `proc_exit` returns
    /// one `i32` errno.
    pub fn params(self) -> usize {
        match self {
            HostCall::ArgsSizesGet | HostCall::ArgsGet => 2,
            HostCall::FdRead | HostCall::FdWrite => 4,
            HostCall::ProcExit => 1,
        }
    }

    /// The number of `i32` results.
    pub fn results(self) -> usize {
        match self {
            HostCall::ProcExit => 0,
            _ => 1,
        }
    }
}

/// WASI errno values the host calls return.
pub mod errno {
    /// Success.
    pub const SUCCESS: i32 = 0;
    /// Bad file descriptor.
    pub const BADF: i32 = 8;
    /// A pointer or length outside the module's memory.
    pub const FAULT: i32 = 21;
    /// Invalid argument (too many iovecs).
    pub const INVAL: i32 = 28;
}

/// File descriptors of the ABI.
pub mod fd {
    /// The job's input.
    pub const INPUT: i32 = 0;
    /// The job's output.
    pub const OUTPUT: i32 = 1;
    /// The job's log.
    pub const LOG: i32 = 2;
}

/// The most iovecs one `fd_read`/`fd_write` may pass.
pub const MAX_IOVECS: u32 = 1024;
