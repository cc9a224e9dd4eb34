//! The limiter: memory growth and call depth, checked in wasm.
//!
//! It runs after the fuel meter in the middleware chain, so its own
//! operators are free. It rewrites two things:
//!
//! * `memory.grow`: if the current size plus the requested pages would pass
//!   the job's page limit (a per-instance global), the job traps with
//!   [`MEMORY_EXCEEDED`] set, instead of `memory.grow` returning -1.
//! * `call` and `call_indirect`: a depth counter is raised before and lowered
//!   after; a call past the configured depth traps with
//!   [`CALL_DEPTH_EXCEEDED`] set. Counting in wasm, not on the native stack,
//!   makes the limit hit at the same call on every backend.

use std::sync::{Arc, Mutex};

use wasmer::sys::{FunctionMiddleware, MiddlewareError, MiddlewareReaderState, ModuleMiddleware};
use wasmer::wasmparser::{BlockType, Operator};
use wasmer::{LocalFunctionIndex, ModuleInfo, Type};

use super::add_global;

/// Global export: the job's memory limit in pages (`i64`).
pub const MEMORY_LIMIT: &str = "entroos_memory_limit";
/// Global export: 1 once a `memory.grow` passed the limit (`i32`).
pub const MEMORY_EXCEEDED: &str = "entroos_memory_exceeded";
/// Global export: 1 once a call passed the depth limit (`i32`).
pub const CALL_DEPTH_EXCEEDED: &str = "entroos_call_depth_exceeded";

/// A fresh limiter for one module compile.
pub fn limiter(max_call_depth: u32) -> Arc<dyn ModuleMiddleware> {
    Arc::new(Limiter {
        max_call_depth,
        globals: Mutex::new(None),
    })
}

/// Global indices of the limiter's state in one module.
#[derive(Clone, Copy, Debug)]
struct Globals {
    memory_limit: u32,
    memory_exceeded: u32,
    grow_scratch: u32,
    call_depth: u32,
    call_depth_exceeded: u32,
}

#[derive(Debug)]
struct Limiter {
    max_call_depth: u32,
    globals: Mutex<Option<Globals>>,
}

impl Limiter {
    const NAME: &'static str = "entroos-limiter";

    fn error(message: &str) -> MiddlewareError {
        MiddlewareError::new(Self::NAME, message)
    }
}

impl ModuleMiddleware for Limiter {
    fn generate_function_middleware(&self, _: LocalFunctionIndex) -> Box<dyn FunctionMiddleware> {
        let globals = self.globals.lock().ok().and_then(|guard| *guard);
        Box::new(FunctionLimiter {
            max_call_depth: self.max_call_depth,
            globals,
        })
    }

    fn transform_module_info(&self, info: &mut ModuleInfo) -> Result<(), MiddlewareError> {
        let mut slot = self.globals.lock().map_err(|_| Self::error("poisoned"))?;
        if slot.is_some() {
            return Err(Self::error("a limiter instruments one module only"));
        }
        *slot = Some(Globals {
            memory_limit: add_global(info, Type::I64, Some(MEMORY_LIMIT)),
            memory_exceeded: add_global(info, Type::I32, Some(MEMORY_EXCEEDED)),
            grow_scratch: add_global(info, Type::I32, None),
            call_depth: add_global(info, Type::I32, None),
            call_depth_exceeded: add_global(info, Type::I32, Some(CALL_DEPTH_EXCEEDED)),
        });
        Ok(())
    }
}

#[derive(Debug)]
struct FunctionLimiter {
    max_call_depth: u32,
    globals: Option<Globals>,
}

/// `if (cond on the stack) { global[flag] = 1; unreachable }`
fn trap_if<'a>(flag: u32) -> [Operator<'a>; 5] {
    [
        Operator::If {
            blockty: BlockType::Empty,
        },
        Operator::I32Const { value: 1 },
        Operator::GlobalSet { global_index: flag },
        Operator::Unreachable,
        Operator::End,
    ]
}

fn guarded_grow<'a>(g: &Globals, mem: u32) -> Vec<Operator<'a>> {
    let mut ops = vec![
        Operator::GlobalSet {
            global_index: g.grow_scratch,
        },
        Operator::GlobalGet {
            global_index: g.grow_scratch,
        },
        Operator::I64ExtendI32U,
        Operator::MemorySize { mem },
        Operator::I64ExtendI32U,
        Operator::I64Add,
        Operator::GlobalGet {
            global_index: g.memory_limit,
        },
        Operator::I64GtU,
    ];
    ops.extend(trap_if(g.memory_exceeded));
    ops.push(Operator::GlobalGet {
        global_index: g.grow_scratch,
    });
    ops.push(Operator::MemoryGrow { mem });
    ops
}

fn depth_step<'a>(g: &Globals, step: Operator<'a>) -> [Operator<'a>; 4] {
    [
        Operator::GlobalGet {
            global_index: g.call_depth,
        },
        Operator::I32Const { value: 1 },
        step,
        Operator::GlobalSet {
            global_index: g.call_depth,
        },
    ]
}

fn guarded_call<'a>(g: &Globals, max_depth: u32, call: Operator<'a>) -> Vec<Operator<'a>> {
    let mut ops = Vec::with_capacity(20);
    ops.extend(depth_step(g, Operator::I32Add));
    ops.push(Operator::GlobalGet {
        global_index: g.call_depth,
    });
    ops.push(Operator::I32Const {
        value: i32::try_from(max_depth).unwrap_or(i32::MAX),
    });
    ops.push(Operator::I32GtU);
    ops.extend(trap_if(g.call_depth_exceeded));
    ops.push(call);
    ops.extend(depth_step(g, Operator::I32Sub));
    ops
}

impl FunctionMiddleware for FunctionLimiter {
    fn feed<'a>(
        &mut self,
        operator: Operator<'a>,
        state: &mut MiddlewareReaderState<'a>,
    ) -> Result<(), MiddlewareError> {
        let Some(g) = self.globals else {
            return Err(Limiter::error("module info was not transformed"));
        };
        match operator {
            Operator::MemoryGrow { mem } => state.extend(guarded_grow(&g, mem)),
            Operator::Call { .. } | Operator::CallIndirect { .. } => {
                state.extend(guarded_call(&g, self.max_call_depth, operator))
            }
            other => state.push_operator(other),
        }
        Ok(())
    }
}
