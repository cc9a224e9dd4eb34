//! The fuel meter: every operator of the original module costs
//! [`operator_cost`], charged per basic block at the block's branch.
//!
//! Inside a function the fuel left lives in the function's fuel local (see
//! [`super::rewrite`]), which the compiler keeps in a register, so a
//! charge is a comparison and a subtraction. The exported global
//! [`FUEL_REMAINING`] holds the fuel whenever control is outside a function
//! body: the local is loaded from it on entry and after every call, and
//! stored to it before every call and every way out of the function
//! (`return`, the body's final `end`, a branch to the body's label).
//!
//! A charge subtracts the block's cost; only some charges first test that
//! the fuel left covers it: those before a branch back to a loop header, a
//! call, or a way out of the function. Every cycle of execution passes one
//! of those, so a job runs a bounded stretch of loop-free code at most
//! after its fuel is gone (the local may go below zero meanwhile, which
//! the next test sees). A failing test sets [`FUEL_EXHAUSTED`] and traps
//! before the branch runs.
//! A `br_if` forward to a label without values charges on its taken path
//! only (inside an added `if`); falling through, its cost joins the next
//! charge, so the exits of a loop add nothing to an iteration's cost.
//!
//! Fuel is thus exact wherever the job can observe it or end normally — at
//! host calls and when `_start` returns: a job ends normally exactly when
//! the operators it executed fit in its fuel. Every run that does not end
//! normally is charged its whole limit, so whether a trap in the loop-free
//! stretch after the fuel ran out is reported as that trap or as fuel
//! exhaustion changes nothing but the exit's name, the same on every
//! machine.

use std::sync::{Arc, Mutex};

use wasmer::sys::{FunctionMiddleware, MiddlewareError, MiddlewareReaderState, ModuleMiddleware};
use wasmer::wasmparser::{BlockType, Operator};
use wasmer::{LocalFunctionIndex, ModuleInfo, Type};

use super::add_global;

/// Global export: fuel left (`i64`) while control is outside wasm code.
pub const FUEL_REMAINING: &str = "entroos_fuel_remaining";
/// Global export: 1 once fuel ran out (`i32`).
pub const FUEL_EXHAUSTED: &str = "entroos_fuel_exhausted";

/// The fuel cost of one wasm operator: 1, whatever the operator. Fuel is
/// thus the count of operators executed, a property of the module and its
/// input only, never of the compiler backend.
pub fn operator_cost(_operator: &Operator<'_>) -> u64 {
    1
}

/// A fresh meter for one module, whose functions' fuel locals are
/// `fuel_locals` (in defined-function order).
pub fn meter(fuel_locals: Arc<[u32]>) -> Arc<dyn ModuleMiddleware> {
    Arc::new(Meter {
        fuel_locals,
        globals: Mutex::new(None),
    })
}

#[derive(Clone, Copy, Debug)]
struct FuelGlobals {
    remaining: u32,
    exhausted: u32,
}

#[derive(Debug)]
struct Meter {
    fuel_locals: Arc<[u32]>,
    globals: Mutex<Option<FuelGlobals>>,
}

impl Meter {
    const NAME: &'static str = "entroos-fuel-meter";

    fn error(message: &str) -> MiddlewareError {
        MiddlewareError::new(Self::NAME, message)
    }
}

impl ModuleMiddleware for Meter {
    fn generate_function_middleware(
        &self,
        index: LocalFunctionIndex,
    ) -> Box<dyn FunctionMiddleware> {
        let globals = self.globals.lock().ok().and_then(|guard| *guard);
        let local = self.fuel_locals.get(index.as_u32() as usize).copied();
        Box::new(FunctionMeter {
            setup: globals.zip(local),
            pending: 0,
            labels: Vec::new(),
            entered: false,
        })
    }

    fn transform_module_info(&self, info: &mut ModuleInfo) -> Result<(), MiddlewareError> {
        let mut slot = self.globals.lock().map_err(|_| Self::error("poisoned"))?;
        if slot.is_some() {
            return Err(Self::error("a meter instruments one module only"));
        }
        *slot = Some(FuelGlobals {
            remaining: add_global(info, Type::I64, Some(FUEL_REMAINING)),
            exhausted: add_global(info, Type::I32, Some(FUEL_EXHAUSTED)),
        });
        Ok(())
    }
}

#[derive(Debug)]
struct FunctionMeter {
    /// The module's fuel globals and this function's fuel local.
    setup: Option<(FuelGlobals, u32)>,
    /// Cost of the operators since the last charge.
    pending: u64,
    /// The labels of the constructs open inside the body, innermost last
    /// (the body itself not included).
    labels: Vec<Label>,
    entered: bool,
}

/// What a branch to a construct's label does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Label {
    /// Back to a `loop` header.
    Loop,
    /// Past the `end` of a `block` or `if`, carrying no values.
    Forward,
    /// Past the `end` of a `block` or `if`, carrying values.
    ForwardWithValues,
}

fn forward(blockty: &BlockType) -> Label {
    match blockty {
        BlockType::Empty => Label::Forward,
        _ => Label::ForwardWithValues,
    }
}

/// Where a charge's operator may send control.
#[derive(Clone, Copy, Debug, Default)]
struct Flow {
    /// Out of the function: `return`, the final `end`, a branch to the body.
    leaves: bool,
    /// Back to a loop header.
    loops_back: bool,
    /// Into another function.
    calls: bool,
    /// Only forward, to a label without values.
    forward_only: bool,
}

impl Flow {
    /// Whether the charge before this operator must test the fuel.
    fn tests_fuel(self) -> bool {
        self.leaves || self.loops_back || self.calls
    }
}

/// Where a basic block ends: branch sources and targets.
fn ends_basic_block(operator: &Operator<'_>) -> bool {
    matches!(
        operator,
        Operator::Loop { .. }
            | Operator::End
            | Operator::If { .. }
            | Operator::Else
            | Operator::Br { .. }
            | Operator::BrIf { .. }
            | Operator::BrTable { .. }
            | Operator::Call { .. }
            | Operator::CallIndirect { .. }
            | Operator::Return
            | Operator::Unreachable
    )
}

/// `local -= cost`
fn subtract<'a>(local: u32, cost: i64) -> [Operator<'a>; 4] {
    [
        Operator::LocalGet { local_index: local },
        Operator::I64Const { value: cost },
        Operator::I64Sub,
        Operator::LocalSet { local_index: local },
    ]
}

/// `if local < cost { exhausted = 1; unreachable }`, to come before
/// [`subtract`].
fn test<'a>(globals: FuelGlobals, local: u32, cost: i64) -> [Operator<'a>; 8] {
    [
        Operator::LocalGet { local_index: local },
        Operator::I64Const { value: cost },
        Operator::I64LtS,
        Operator::If {
            blockty: BlockType::Empty,
        },
        Operator::I32Const { value: 1 },
        Operator::GlobalSet {
            global_index: globals.exhausted,
        },
        Operator::Unreachable,
        Operator::End,
    ]
}

fn store_fuel<'a>(globals: FuelGlobals, local: u32) -> [Operator<'a>; 2] {
    [
        Operator::LocalGet { local_index: local },
        Operator::GlobalSet {
            global_index: globals.remaining,
        },
    ]
}

fn load_fuel<'a>(globals: FuelGlobals, local: u32) -> [Operator<'a>; 2] {
    [
        Operator::GlobalGet {
            global_index: globals.remaining,
        },
        Operator::LocalSet { local_index: local },
    ]
}

impl FunctionMeter {
    /// Where a branch `relative_depth` out goes: the body's label, or
    /// whether its target is a loop header.
    fn branch(&self, relative_depth: u32, flow: &mut Flow) {
        let open = self.labels.len();
        match open.checked_sub(1 + relative_depth as usize) {
            Some(index) => match self.labels[index] {
                Label::Loop => flow.loops_back = true,
                Label::Forward => flow.forward_only = true,
                Label::ForwardWithValues => {}
            },
            None => flow.leaves = true,
        }
    }

    /// Where `operator` may send control, given the constructs open before
    /// it; updates them.
    fn flow(&mut self, operator: &Operator<'_>) -> Flow {
        let mut flow = Flow::default();
        match operator {
            Operator::Block { blockty } | Operator::If { blockty } => {
                self.labels.push(forward(blockty))
            }
            Operator::Loop { .. } => self.labels.push(Label::Loop),
            Operator::End => flow.leaves = self.labels.pop().is_none(),
            Operator::Return => flow.leaves = true,
            Operator::Call { .. } | Operator::CallIndirect { .. } => flow.calls = true,
            Operator::Br { relative_depth } | Operator::BrIf { relative_depth } => {
                self.branch(*relative_depth, &mut flow)
            }
            Operator::BrTable { targets } => {
                self.branch(targets.default(), &mut flow);
                for target in targets.targets().flatten() {
                    self.branch(target, &mut flow);
                }
            }
            _ => {}
        }
        flow
    }

    /// The cost of the operators since the last charge, as an `i64.const`.
    fn pending_cost(&self) -> i64 {
        i64::try_from(self.pending).unwrap_or(i64::MAX)
    }

    fn charge<'a>(&mut self, flow: Flow, state: &mut MiddlewareReaderState<'a>) {
        let Some((globals, local)) = self.setup else {
            return;
        };
        let cost = self.pending_cost();
        self.pending = 0;
        if flow.tests_fuel() {
            state.extend(test(globals, local, cost));
        }
        state.extend(subtract(local, cost));
    }
}

impl FunctionMiddleware for FunctionMeter {
    fn feed<'a>(
        &mut self,
        operator: Operator<'a>,
        state: &mut MiddlewareReaderState<'a>,
    ) -> Result<(), MiddlewareError> {
        let Some((globals, local)) = self.setup else {
            return Err(Meter::error("module info was not transformed"));
        };
        if !self.entered {
            self.entered = true;
            state.extend(load_fuel(globals, local));
        }
        self.pending = self.pending.saturating_add(operator_cost(&operator));
        let flow = self.flow(&operator);
        if let (Operator::BrIf { relative_depth }, true) = (&operator, flow.forward_only) {
            // Only the taken branch pays here; falling through, the cost
            // joins the next block's charge.
            let cost = self.pending_cost();
            state.push_operator(Operator::If {
                blockty: BlockType::Empty,
            });
            state.extend(subtract(local, cost));
            state.push_operator(Operator::Br {
                relative_depth: relative_depth.saturating_add(1),
            });
            state.push_operator(Operator::End);
            return Ok(());
        }
        if ends_basic_block(&operator) && self.pending > 0 {
            self.charge(flow, state);
        }
        if flow.leaves || flow.calls {
            state.extend(store_fuel(globals, local));
        }
        state.push_operator(operator);
        if flow.calls {
            state.extend(load_fuel(globals, local));
        }
        Ok(())
    }
}
