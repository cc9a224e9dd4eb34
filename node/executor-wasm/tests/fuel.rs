//! Fuel is the count of operators executed, `end`s included, for every way
//! control moves between functions: calls, `return`, the body's final `end`
//! and branches to the body's label. A run that does not end normally is
//! charged its whole limit. Counts are written out by hand per module.

mod common;

use common::native::hash_input;
use common::{good_shipment, Rng};
use entroos_executor_wasm::{Backend, Exit, Limits, Outcome, TrapReason};

const LIMIT: u64 = 1_000_000;

fn run(wat: &str, backend: Backend) -> Outcome {
    let bytes = wasmer::wat2wasm(wat.as_bytes()).expect("valid wat");
    common::executor(backend)
        .run(
            &bytes,
            &[],
            &Limits {
                fuel: LIMIT,
                ..Limits::default()
            },
        )
        .expect("the module is accepted")
}

/// The outcome on both backends, which must agree.
fn outcome(wat: &str) -> Outcome {
    let cranelift = run(wat, Backend::Cranelift);
    assert_eq!(run(wat, Backend::Singlepass), cranelift);
    cranelift
}

fn fuel_of_exiting(wat: &str) -> u64 {
    let outcome = outcome(wat);
    assert_eq!(outcome.exit, Exit::Exited(0));
    outcome.fuel_used
}

#[test]
fn straight_line_code_costs_one_per_operator() {
    // i32.const, drop, end
    let wat = r#"(module (func (export "_start") i32.const 1 drop))"#;
    assert_eq!(fuel_of_exiting(wat), 3);
}

#[test]
fn a_callee_spends_from_the_same_fuel() {
    // $seven: i32.const, end = 2; _start: call, drop, end = 3
    let wat = r#"(module
        (func $seven (result i32) i32.const 7)
        (func (export "_start") call $seven drop))"#;
    assert_eq!(fuel_of_exiting(wat), 5);
}

#[test]
fn a_branch_to_the_body_label_keeps_the_callee_fuel() {
    // $leave(1): block, local.get, br_if = 3 and leaves the function.
    // $leave(0): the same 3, then nop, end, nop, end = 7.
    // _start: (i32.const, call) twice and end = 5.
    let wat = r#"(module
        (func $leave (param i32)
          (block (br_if 1 (local.get 0)) nop)
          nop)
        (func (export "_start")
          (call $leave (i32.const 1))
          (call $leave (i32.const 0))))"#;
    assert_eq!(fuel_of_exiting(wat), 3 + 7 + 5);
}

#[test]
fn a_branch_table_to_the_body_label_keeps_the_callee_fuel() {
    // $pick(1): block, local.get, br_table = 3 and leaves the function.
    // $pick(0): the same 3, a branch past the block's end, nop, end = 5.
    let wat = r#"(module
        (func $pick (param i32)
          (block (br_table 0 1 (local.get 0)))
          nop)
        (func (export "_start")
          (call $pick (i32.const 1))
          (call $pick (i32.const 0))))"#;
    assert_eq!(fuel_of_exiting(wat), 3 + 5 + 5);
}

#[test]
fn a_forward_branch_is_charged_on_both_paths() {
    // $skip(1): block, local.get, br_if = 3, past the block's end: nop,
    // end = 2. $skip(0): block, local.get, br_if, nop, nop, end = 6, then
    // nop, end = 2.
    let wat = r#"(module
        (func $skip (param i32)
          (block (br_if 0 (local.get 0)) nop nop)
          nop)
        (func (export "_start")
          (call $skip (i32.const 1))
          (call $skip (i32.const 0))))"#;
    assert_eq!(fuel_of_exiting(wat), 5 + 8 + 5);
}

#[test]
fn return_keeps_the_callee_fuel() {
    // $early(1): local.get, if, return = 3.
    // $early(0): local.get, if, past the untaken arm and its end: nop,
    // end = 4.
    let wat = r#"(module
        (func $early (param i32)
          (if (local.get 0) (then return))
          nop)
        (func (export "_start")
          (call $early (i32.const 1))
          (call $early (i32.const 0))))"#;
    assert_eq!(fuel_of_exiting(wat), 3 + 4 + 5);
}

#[test]
fn a_loop_is_charged_per_iteration() {
    // i32.const, local.set, loop = 3 (a branch back lands after `loop`);
    // per iteration: local.get, i32.const, i32.sub, local.tee, br_if = 5;
    // three iterations; the loop's end and the body's end = 2.
    let wat = r#"(module
        (func (export "_start") (local i32)
          (local.set 0 (i32.const 3))
          (loop
            (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))"#;
    assert_eq!(fuel_of_exiting(wat), 3 + 3 * 5 + 2);
}

#[test]
fn proc_exit_is_charged_up_to_its_call() {
    // i32.const, call; proc_exit never returns.
    let wat = r#"(module
        (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
        (func (export "_start") (call $exit (i32.const 4)) unreachable))"#;
    let outcome = outcome(wat);
    assert_eq!(outcome.exit, Exit::Exited(4));
    assert_eq!(outcome.fuel_used, 2);
}

#[test]
fn a_trap_is_charged_the_whole_limit() {
    let wat = r#"(module (func (export "_start") nop unreachable))"#;
    let outcome = outcome(wat);
    assert_eq!(outcome.exit, Exit::Trapped(TrapReason::Unreachable));
    assert_eq!(outcome.fuel_used, LIMIT);
}

#[test]
fn a_trap_inside_a_callee_is_charged_the_whole_limit() {
    let wat = r#"(module
        (memory (export "memory") 1)
        (func $load (result i32) (i32.load (i32.const 70000)))
        (func (export "_start") call $load drop))"#;
    let outcome = outcome(wat);
    assert_eq!(outcome.exit, Exit::Trapped(TrapReason::MemoryOutOfBounds));
    assert_eq!(outcome.fuel_used, LIMIT);
}

#[test]
fn fuel_above_i64_max_runs_as_i64_max() {
    let bytes = wasmer::wat2wasm(br#"(module (func (export "_start") nop))"#).expect("wat");
    let outcome = common::executor(Backend::Cranelift)
        .run(
            &bytes,
            &[],
            &Limits {
                fuel: u64::MAX,
                ..Limits::default()
            },
        )
        .expect("accepted");
    assert_eq!(outcome.exit, Exit::Exited(0));
    assert_eq!(outcome.fuel_used, 2);
}

/// Counts taken with wasmer-middlewares' `Metering` (cost 1 per operator,
/// charged per basic block), an implementation independent of this crate's
/// meter: both count the same operators for jobs that exit.
#[test]
fn the_workloads_cost_what_an_independent_meter_counts() {
    let shipment = good_shipment(&mut Rng::new(7), 40, 6).into_bytes();
    let mut broken = shipment.clone();
    broken[300] = b'#';
    let cases = [
        ("supply_chain", shipment, Exit::Exited(0), 146_948),
        ("supply_chain", broken, Exit::Exited(1), 26_899),
        (
            "hash_kernel",
            hash_input(3, &[7u8; 5000]),
            Exit::Exited(0),
            139_974,
        ),
    ];
    for backend in [Backend::Cranelift, Backend::Singlepass] {
        let executor = common::executor(backend);
        for (name, input, exit, fuel) in &cases {
            let outcome = common::run(&executor, name, input, &Limits::default());
            assert_eq!((outcome.exit, outcome.fuel_used), (*exit, *fuel), "{name}");
        }
    }
}
