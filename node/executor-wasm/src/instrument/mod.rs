//! Compile-time instrumentation, in two steps.
//!
//! 1. Before compiling, [`rewrite::rewrite`] gives every function one more
//!    `i64` local to count fuel in, and a module with a memory a function
//!    that zeroes it.
//! 2. While compiling, wasmer middlewares rewrite each body: the
//!    [`meter`](meter::meter) charges fuel per basic block, then the
//!    [`limiter`](limiter::limiter) guards `memory.grow` and call depth;
//!    last, [`state_exports`] exports every mutable global and the memory,
//!    for instances to be reset and reused.
//!
//! The instrumentation's state lives in globals the middlewares add and
//! export under the reserved `entroos_` prefix; the executor arms them
//! before `_start` and reads them after.

mod limiter;
mod meter;
pub mod rewrite;
mod state;

pub use limiter::{limiter, CALL_DEPTH_EXCEEDED, MEMORY_EXCEEDED, MEMORY_LIMIT};
pub use meter::{meter, operator_cost, FUEL_EXHAUSTED, FUEL_REMAINING};
pub use state::{state_exports, GLOBAL_PREFIX, MEMORY};

use wasmer::{ExportIndex, GlobalInit, GlobalType, ModuleInfo, Mutability, Type};

/// Adds a mutable global of `ty`, initialised to 0 and exported as
/// `export` if given; returns its index.
fn add_global(info: &mut ModuleInfo, ty: Type, export: Option<&str>) -> u32 {
    let index = info.globals.push(GlobalType::new(ty, Mutability::Var));
    info.global_initializers.push(match ty {
        Type::I64 => GlobalInit::I64Const(0),
        _ => GlobalInit::I32Const(0),
    });
    if let Some(name) = export {
        info.exports
            .insert(name.to_owned(), ExportIndex::Global(index));
    }
    index.as_u32()
}
