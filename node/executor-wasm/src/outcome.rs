//! What a job run produced.

use wasmer::sys::vm::TrapCode;

/// How a job ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Exit {
    /// `proc_exit(code)`, or `_start` returned (code 0).
    Exited(u32),
    /// The module trapped.
    Trapped(TrapReason),
    /// The fuel ran out.
    OutOfFuel,
    /// Memory would have grown past the job's page limit, or the module's
    /// initial memory is already larger than it.
    MemoryExceeded,
    /// The module wrote more than the job's output bound to fd 1.
    OutputTooLarge,
}

/// Why a module trapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TrapReason {
    /// `unreachable` was executed.
    Unreachable,
    /// A load or store outside the memory.
    MemoryOutOfBounds,
    /// Integer overflow (`i32.div_s` of `MIN` by -1).
    IntegerOverflow,
    /// Integer division or remainder by zero.
    IntegerDivisionByZero,
    /// `call_indirect` outside the table.
    TableOutOfBounds,
    /// `call_indirect` to an empty table slot.
    IndirectCallToNull,
    /// `call_indirect` with a signature other than the callee's.
    BadSignature,
    /// More nested calls than the executor's call-depth limit.
    CallDepthExceeded,
    /// The native stack ran out before the call-depth limit (not expected
    /// for validated modules; see the crate docs).
    StackOverflow,
    /// Any other trap the engine reports.
    Other,
}

impl From<TrapCode> for TrapReason {
    fn from(code: TrapCode) -> Self {
        match code {
            TrapCode::UnreachableCodeReached => TrapReason::Unreachable,
            TrapCode::HeapAccessOutOfBounds | TrapCode::HeapMisaligned => {
                TrapReason::MemoryOutOfBounds
            }
            TrapCode::IntegerOverflow => TrapReason::IntegerOverflow,
            TrapCode::IntegerDivisionByZero => TrapReason::IntegerDivisionByZero,
            TrapCode::TableAccessOutOfBounds => TrapReason::TableOutOfBounds,
            TrapCode::IndirectCallToNull => TrapReason::IndirectCallToNull,
            TrapCode::BadSignature => TrapReason::BadSignature,
            TrapCode::StackOverflow => TrapReason::StackOverflow,
            _ => TrapReason::Other,
        }
    }
}

/// The result of one run: equal on every machine for the same module,
/// input and limits.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Outcome {
    /// How the job ended.
    pub exit: Exit,
    /// Bytes written to fd 1 (up to the output bound).
    pub output: Vec<u8>,
    /// Bytes written to fd 2 (the first `max_log` of them).
    pub log: Vec<u8>,
    /// Fuel consumed: the operators executed for [`Exit::Exited`] and
    /// [`Exit::OutputTooLarge`]; the whole limit for every other exit.
    pub fuel_used: u64,
}
