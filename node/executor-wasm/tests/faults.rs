//! Fault workloads: each ends in a typed outcome or a typed refusal.

mod common;

use common::{executor, workload};
use entroos_executor_wasm::{Backend, Exit, Limits, ModuleError, TrapReason, WASI_MODULE};

#[test]
fn an_infinite_loop_runs_out_of_fuel_with_the_same_fuel_every_time() {
    let limits = Limits {
        fuel: 5_000_000,
        ..Limits::default()
    };
    for backend in [Backend::Cranelift, Backend::Singlepass] {
        let executor = executor(backend);
        for _ in 0..3 {
            let outcome = common::run(&executor, "infinite_loop", b"", &limits);
            assert_eq!(outcome.exit, Exit::OutOfFuel);
            assert_eq!(outcome.fuel_used, limits.fuel);
            assert!(outcome.output.is_empty());
        }
    }
}

#[test]
fn a_memory_bomb_stops_at_the_page_limit() {
    let executor = executor(Backend::Cranelift);
    let initial = executor
        .validate(&workload("memory_bomb"))
        .expect("valid")
        .initial_pages;
    for pages in [initial, initial + 1, 16, 40] {
        let limits = Limits {
            memory_pages: pages,
            ..Limits::default()
        };
        let outcome = common::run(&executor, "memory_bomb", b"", &limits);
        assert_eq!(outcome.exit, Exit::MemoryExceeded, "limit {pages}");
        // One '+' per page gained: the memory reached exactly the limit.
        assert_eq!(
            outcome.output.len() as u32,
            pages - initial,
            "limit {pages}"
        );
    }
}

#[test]
fn a_module_larger_than_the_limit_from_the_start_is_memory_exceeded() {
    let executor = executor(Backend::Cranelift);
    let limits = Limits {
        memory_pages: 1,
        ..Limits::default()
    };
    let outcome = common::run(&executor, "supply_chain", b"P|a|b|L|45\n", &limits);
    assert_eq!(outcome.exit, Exit::MemoryExceeded);
    assert_eq!(outcome.fuel_used, 0);
}

#[test]
fn unreachable_traps_and_keeps_what_was_written() {
    for backend in [Backend::Cranelift, Backend::Singlepass] {
        let outcome = common::run(&executor(backend), "trap", b"", &Limits::default());
        assert_eq!(outcome.exit, Exit::Trapped(TrapReason::Unreachable));
        assert_eq!(outcome.output, b"about to trap\n");
    }
}

/// Floats are refused, not canonicalized: the NaN producer never runs.
#[test]
fn the_nan_producer_is_refused_at_validation() {
    let executor = executor(Backend::Cranelift);
    let bytes = workload("nan_producer");
    assert!(matches!(
        executor.validate(&bytes),
        Err(ModuleError::FloatInstruction { .. })
    ));
    let refused = executor
        .run(&bytes, b"", &Limits::default())
        .expect_err("refused");
    assert!(matches!(
        refused,
        entroos_executor_wasm::RunError::Module(ModuleError::FloatInstruction { .. })
    ));
}

#[test]
fn clock_and_random_importers_are_refused() {
    let executor = executor(Backend::Cranelift);
    for (name, import) in [
        ("clock_importer", "clock_time_get"),
        ("random_importer", "random_get"),
    ] {
        assert_eq!(
            executor.validate(&workload(name)),
            Err(ModuleError::ForbiddenImport {
                module: WASI_MODULE.into(),
                name: import.into()
            })
        );
    }
}
