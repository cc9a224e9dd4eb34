//! A kept instance, reset after a run, runs exactly like a fresh one: every
//! run on one executor gives the outcome a fresh executor gives, whatever
//! the runs before it changed (globals, memory, the call-depth counter left
//! by a trap deep in calls, fuel, a grown memory).

mod common;

use common::native::hash_input;
use common::{good_shipment, workload, Rng};
use entroos_executor_wasm::{Backend, Executor, Exit, Limits, Outcome, TrapReason};

/// Writes `[global, mem[100], mem[200]]` to the output, then changes all
/// three; on input `t` it traps 50 calls deep.
const STATEFUL: &str = r#"(module
    (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (global $runs (mut i32) (i32.const 7))
    (data (i32.const 100) "A")
    (func $deep (param i32)
      (if (local.get 0)
        (then (call $deep (i32.sub (local.get 0) (i32.const 1))))
        (else unreachable)))
    (func (export "_start")
      (i32.store8 (i32.const 300) (global.get $runs))
      (i32.store8 (i32.const 301) (i32.load8_u (i32.const 100)))
      (i32.store8 (i32.const 302) (i32.load8_u (i32.const 200)))
      (i32.store (i32.const 0) (i32.const 300))
      (i32.store (i32.const 4) (i32.const 3))
      (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      (global.set $runs (i32.add (global.get $runs) (i32.const 1)))
      (i32.store8 (i32.const 100) (i32.const 66))
      (i32.store8 (i32.const 200) (i32.const 67))
      (i32.store (i32.const 16) (i32.const 400))
      (i32.store (i32.const 20) (i32.const 1))
      (drop (call $fd_read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 24)))
      (if (i32.eq (i32.load8_u (i32.const 400)) (i32.const 116))
        (then (call $deep (i32.const 50))))))"#;

const BACKENDS: [Backend; 2] = [Backend::Cranelift, Backend::Singlepass];

fn fresh(backend: Backend, bytes: &[u8], input: &[u8], limits: &Limits) -> Outcome {
    common::executor(backend)
        .run(bytes, input, limits)
        .expect("accepted")
}

#[test]
fn globals_memory_and_call_depth_are_reset() {
    for backend in BACKENDS {
        globals_memory_and_call_depth_are_reset_on(backend);
    }
}

fn globals_memory_and_call_depth_are_reset_on(backend: Backend) {
    let bytes = wasmer::wat2wasm(STATEFUL.as_bytes()).expect("wat");
    let executor = common::executor(backend);
    let prepared = executor.prepare(&bytes).expect("valid");
    let limits = Limits::default();
    let normal = fresh(backend, &bytes, b"n", &limits);
    assert_eq!(normal.exit, Exit::Exited(0));
    assert_eq!(normal.output, [7, b'A', 0]);
    let trapped = fresh(backend, &bytes, b"t", &limits);
    assert_eq!(trapped.exit, Exit::Trapped(TrapReason::Unreachable));
    // 30 traps 51 calls deep would pass the 1024-call limit if the depth
    // counter carried over.
    for _ in 0..30 {
        let outcome = executor.run_prepared(&prepared, b"t", &limits);
        assert_eq!(outcome.expect("runs"), trapped);
        let outcome = executor.run_prepared(&prepared, b"n", &limits);
        assert_eq!(outcome.expect("runs"), normal);
    }
    assert_eq!(prepared.instances_reused(), 59);
}

fn workload_runs(rng: &mut Rng) -> Vec<(&'static str, Vec<u8>, Limits)> {
    let shipment = good_shipment(rng, 30, 5).into_bytes();
    let mut broken = shipment.clone();
    broken[200] = b'#';
    let starved = Limits {
        fuel: 20_000,
        ..Limits::default()
    };
    let small_memory = Limits {
        memory_pages: 20,
        ..Limits::default()
    };
    vec![
        ("supply_chain", shipment.clone(), Limits::default()),
        ("supply_chain", broken, Limits::default()),
        ("supply_chain", shipment, starved),
        ("supply_chain", b"no|fields\n".to_vec(), Limits::default()),
        (
            "hash_kernel",
            hash_input(2, &[9u8; 3000]),
            Limits::default(),
        ),
        ("hash_kernel", hash_input(500, &[9u8; 3000]), starved),
        ("trap", Vec::new(), Limits::default()),
        ("infinite_loop", Vec::new(), starved),
        ("memory_bomb", Vec::new(), small_memory),
    ]
}

#[test]
fn workloads_in_any_order_match_fresh_runs() {
    for backend in BACKENDS {
        workloads_in_any_order_match_fresh_runs_on(backend);
    }
}

fn workloads_in_any_order_match_fresh_runs_on(backend: Backend) {
    let mut rng = Rng::new(11);
    let runs = workload_runs(&mut rng);
    let expected: Vec<Outcome> = runs
        .iter()
        .map(|(name, input, limits)| fresh(backend, &workload(name), input, limits))
        .collect();
    let executor: Executor = common::executor(backend);
    for _ in 0..60 {
        let pick = rng.below(runs.len() as u64) as usize;
        let (name, input, limits) = &runs[pick];
        let outcome = executor
            .run(&workload(name), input, limits)
            .expect("accepted");
        assert_eq!(outcome, expected[pick], "{name} run {pick}");
    }
    let reused: u64 = ["supply_chain", "hash_kernel", "trap", "infinite_loop"]
        .iter()
        .map(|name| {
            executor
                .prepare(&workload(name))
                .expect("valid")
                .instances_reused()
        })
        .sum();
    assert!(reused > 30, "only {reused} runs reused an instance");
}
