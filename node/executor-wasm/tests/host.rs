//! The host ABI at run time: errno results, bounds, exits and traps.

mod common;

use common::executor;
use common::native::hash_input;
use entroos_executor_wasm::{errno, Backend, Exit, Limits, LimitsError, RunError, TrapReason};

fn wat(text: &str) -> Vec<u8> {
    wasmer::wat2wasm(text.as_bytes())
        .expect("valid wat")
        .into_owned()
}

/// A module whose `_start` runs `body` and exits with the i32 it leaves.
fn exits_with(body: &str) -> Vec<u8> {
    wat(&format!(
        r#"(module
             (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
             (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
             (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
             (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
             (memory (export "memory") 1)
             (data (i32.const 0) "\10\00\00\00\05\00\00\00")
             (data (i32.const 16) "hello")
             (func (export "_start") {body} call $proc_exit))"#
    ))
}

fn exit_of(module: &[u8], input: &[u8]) -> Exit {
    let limits = Limits::default();
    let a = executor(Backend::Cranelift)
        .run(module, input, &limits)
        .expect("accepted");
    let b = executor(Backend::Singlepass)
        .run(module, input, &limits)
        .expect("accepted");
    assert_eq!(a, b);
    a.exit
}

const OK: u32 = errno::SUCCESS as u32;

#[test]
fn writes_reach_output_and_log() {
    let write = |fd: i32| {
        format!("(call $fd_write (i32.const {fd}) (i32.const 0) (i32.const 1) (i32.const 32))")
    };
    let module = exits_with(&format!("{} drop {}", write(1), write(2)));
    let outcome = executor(Backend::Cranelift)
        .run(&module, b"", &Limits::default())
        .expect("accepted");
    assert_eq!(outcome.exit, Exit::Exited(OK));
    assert_eq!(
        (outcome.output.as_slice(), outcome.log.as_slice()),
        (&b"hello"[..], &b"hello"[..])
    );
}

#[test]
fn bad_descriptors_and_pointers_are_errno_not_traps() {
    let call = |f: &str, fd: i32, iovs: i32, count: i32, out: i32| {
        format!(
            "(call ${f} (i32.const {fd}) (i32.const {iovs}) (i32.const {count}) (i32.const {out}))"
        )
    };
    let cases = [
        (call("fd_write", 3, 0, 1, 32), errno::BADF),
        (call("fd_write", 0, 0, 1, 32), errno::BADF),
        (call("fd_read", 1, 0, 1, 32), errno::BADF),
        (call("fd_write", 1, 65535, 1, 32), errno::FAULT),
        (call("fd_write", 1, 0, 1, 65534), errno::FAULT),
        (call("fd_read", 0, 0, 1, -4), errno::FAULT),
        (call("fd_write", 1, 0, 1025, 32), errno::INVAL),
    ];
    for (body, expected) in cases {
        assert_eq!(
            exit_of(&exits_with(&body), b"input"),
            Exit::Exited(expected as u32),
            "{body}"
        );
    }
}

#[test]
fn fd_read_reads_the_input_once() {
    let read = "(call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 32)) drop (i32.load (i32.const 32))";
    assert_eq!(exit_of(&exits_with(read), b"abc"), Exit::Exited(3));
    let twice = format!("{read} drop {read}");
    assert_eq!(exit_of(&exits_with(&twice), b"abc"), Exit::Exited(0));
    assert_eq!(exit_of(&exits_with(read), b"0123456789"), Exit::Exited(5));
}

#[test]
fn there_are_no_arguments() {
    let body = "(i32.store (i32.const 40) (i32.const 9)) (call $args_sizes_get (i32.const 40) (i32.const 44)) (i32.add (i32.load (i32.const 40)))";
    assert_eq!(exit_of(&exits_with(body), b""), Exit::Exited(0));
}

#[test]
fn host_calls_without_an_exported_memory_fault() {
    let module = wat(r#"(module
             (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
             (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
             (memory 1)
             (func (export "_start") (call $fd_write (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 0)) call $proc_exit))"#);
    assert_eq!(exit_of(&module, b""), Exit::Exited(errno::FAULT as u32));
}

#[test]
fn exit_codes_and_returning_from_start() {
    assert_eq!(exit_of(&exits_with("i32.const 7"), b""), Exit::Exited(7));
    assert_eq!(
        exit_of(&exits_with("i32.const -1"), b""),
        Exit::Exited(u32::MAX)
    );
    assert_eq!(
        exit_of(&wat(r#"(module (func (export "_start")))"#), b""),
        Exit::Exited(0)
    );
}

#[test]
fn integer_and_memory_traps_are_outcomes() {
    let div =
        wat(r#"(module (func (export "_start") (drop (i32.div_u (i32.const 1) (i32.const 0)))))"#);
    assert_eq!(
        exit_of(&div, b""),
        Exit::Trapped(TrapReason::IntegerDivisionByZero)
    );
    let oob =
        wat(r#"(module (memory 1) (func (export "_start") (drop (i32.load (i32.const 65536)))))"#);
    assert_eq!(
        exit_of(&oob, b""),
        Exit::Trapped(TrapReason::MemoryOutOfBounds)
    );
    let null = wat(
        r#"(module (table 1 funcref) (type $t (func)) (func (export "_start") (call_indirect (type $t) (i32.const 0))))"#,
    );
    assert_eq!(
        exit_of(&null, b""),
        Exit::Trapped(TrapReason::IndirectCallToNull)
    );
}

#[test]
fn deep_recursion_stops_at_the_call_depth_on_every_backend() {
    let module = wat(r#"(module
             (func $down (param i32) (if (local.get 0) (then (call $down (i32.sub (local.get 0) (i32.const 1))))))
             (func (export "_start") (call $down (i32.const 100000))))"#);
    assert_eq!(
        exit_of(&module, b""),
        Exit::Trapped(TrapReason::CallDepthExceeded)
    );
    let shallow = wat(r#"(module
             (func $down (param i32) (if (local.get 0) (then (call $down (i32.sub (local.get 0) (i32.const 1))))))
             (func (export "_start") (call $down (i32.const 1000))))"#);
    assert_eq!(exit_of(&shallow, b""), Exit::Exited(0));
}

#[test]
fn output_past_its_bound_ends_the_job_and_the_log_is_cut() {
    let executor = executor(Backend::Cranelift);
    let tight = Limits {
        max_output: 10,
        ..Limits::default()
    };
    let outcome = common::run(&executor, "hash_kernel", &hash_input(1, b"x"), &tight);
    assert_eq!(outcome.exit, Exit::OutputTooLarge);
    assert!(outcome.output.is_empty());
    let short_log = Limits {
        max_log: 4,
        ..Limits::default()
    };
    let outcome = common::run(&executor, "supply_chain", b"P|a|b|L|45\n", &short_log);
    assert_eq!(outcome.exit, Exit::Exited(0));
    assert_eq!(outcome.log, b"chec");
}

#[test]
fn limits_beyond_the_executor_are_refused() {
    let executor = executor(Backend::Cranelift);
    let module = common::workload("trap");
    let pages = Limits {
        memory_pages: 1_000_000,
        ..Limits::default()
    };
    assert_eq!(
        executor.run(&module, b"", &pages),
        Err(RunError::Limits(LimitsError::MemoryPages {
            requested: 1_000_000,
            max: 1024
        }))
    );
    let output = Limits {
        max_output: usize::MAX,
        ..Limits::default()
    };
    assert!(matches!(
        executor.run(&module, b"", &output),
        Err(RunError::Limits(LimitsError::Output { .. }))
    ));
}

#[test]
fn an_out_of_bounds_data_segment_is_a_trap_before_start() {
    let module =
        wat(r#"(module (memory 1) (data (i32.const 65535) "xy") (func (export "_start")))"#);
    let outcome = executor(Backend::Cranelift)
        .run(&module, b"", &Limits::default())
        .expect("an outcome, not an error");
    assert!(
        matches!(outcome.exit, Exit::Trapped(_)),
        "{:?}",
        outcome.exit
    );
    assert_eq!(outcome.fuel_used, 0);
}
