//! Same module + input + limits give the same outcome: run after run, and
//! on both backends. Also the compiled-module cache.

mod common;

use common::native::hash_input;
use common::{executor, good_shipment, workload, Rng};
use entroos_executor_wasm::{Backend, Executor, ExecutorConfig, Limits, Outcome};

fn cases() -> Vec<(&'static str, Vec<u8>, Limits)> {
    let mut rng = Rng::new(7);
    let shipment = good_shipment(&mut rng, 40, 6).into_bytes();
    let mut broken = shipment.clone();
    broken[300] = b'#';
    let small = Limits {
        fuel: 200_000,
        ..Limits::default()
    };
    vec![
        ("supply_chain", shipment, Limits::default()),
        ("supply_chain", broken, Limits::default()),
        (
            "hash_kernel",
            hash_input(3, &[7u8; 5000]),
            Limits::default(),
        ),
        ("hash_kernel", hash_input(1000, &[7u8; 5000]), small),
        ("infinite_loop", Vec::new(), small),
        (
            "memory_bomb",
            Vec::new(),
            Limits {
                memory_pages: 20,
                ..Limits::default()
            },
        ),
        ("trap", Vec::new(), Limits::default()),
    ]
}

fn outcomes(executor: &Executor) -> Vec<Outcome> {
    cases()
        .iter()
        .map(|(name, input, limits)| common::run(executor, name, input, limits))
        .collect()
}

#[test]
fn every_run_gives_the_same_outcome() {
    let executor = executor(Backend::Cranelift);
    let first = outcomes(&executor);
    for _ in 0..3 {
        assert_eq!(outcomes(&executor), first);
    }
    let fresh = common::executor(Backend::Cranelift);
    assert_eq!(outcomes(&fresh), first);
}

#[test]
fn both_backends_give_the_same_outcome_and_fuel() {
    let cranelift = outcomes(&executor(Backend::Cranelift));
    let singlepass = outcomes(&executor(Backend::Singlepass));
    assert_eq!(cranelift, singlepass);
    assert!(cranelift.iter().all(|outcome| outcome.fuel_used > 0));
}

#[test]
fn fuel_is_exact_at_the_boundary() {
    let executor = executor(Backend::Singlepass);
    let input = hash_input(2, b"abc");
    let full = common::run(&executor, "hash_kernel", &input, &Limits::default());
    let exact = Limits {
        fuel: full.fuel_used,
        ..Limits::default()
    };
    assert_eq!(common::run(&executor, "hash_kernel", &input, &exact), full);
    let short = Limits {
        fuel: full.fuel_used - 1,
        ..Limits::default()
    };
    let starved = common::run(&executor, "hash_kernel", &input, &short);
    assert_eq!(starved.exit, entroos_executor_wasm::Exit::OutOfFuel);
    assert_eq!(starved.fuel_used, short.fuel);
}

#[test]
fn the_cache_counts_hits_and_misses() {
    let executor = executor(Backend::Singlepass);
    let bytes = workload("hash_kernel");
    let input = hash_input(1, b"x");
    for _ in 0..3 {
        executor
            .run(&bytes, &input, &Limits::default())
            .expect("runs");
    }
    let stats = executor.cache_stats();
    assert_eq!((stats.misses, stats.hits, stats.entries), (1, 2, 1));
    executor.prepare(&workload("trap")).expect("valid");
    assert_eq!(executor.cache_stats().misses, 2);
    assert_eq!(executor.cache_stats().entries, 2);
}

#[test]
fn the_cache_stays_within_its_bound() {
    let executor = Executor::new(ExecutorConfig {
        backend: Backend::Singlepass,
        cache_entries: 2,
        ..ExecutorConfig::default()
    });
    for name in [
        "trap",
        "hash_kernel",
        "trap",
        "infinite_loop",
        "supply_chain",
    ] {
        executor.prepare(&workload(name)).expect("valid");
    }
    let stats = executor.cache_stats();
    assert_eq!(stats.entries, 2);
    assert_eq!((stats.hits, stats.misses, stats.evictions), (1, 4, 2));
    // "supply_chain" and "infinite_loop" are the two most recent.
    executor.prepare(&workload("supply_chain")).expect("valid");
    assert_eq!(executor.cache_stats().hits, 2);
}

#[test]
fn refused_modules_are_not_cached() {
    let executor = executor(Backend::Singlepass);
    let bytes = workload("clock_importer");
    assert!(executor.prepare(&bytes).is_err());
    assert!(executor.prepare(&bytes).is_err());
    let stats = executor.cache_stats();
    assert_eq!((stats.entries, stats.misses, stats.hits), (0, 2, 0));
}

#[test]
fn the_executor_is_shared_across_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Executor>();
    shareable::<entroos_executor_wasm::PreparedModule>();
    let executor = std::sync::Arc::new(executor(Backend::Singlepass));
    let input = hash_input(5, b"threads");
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let (executor, input) = (executor.clone(), input.clone());
            std::thread::spawn(move || {
                common::run(&executor, "hash_kernel", &input, &Limits::default())
            })
        })
        .collect();
    let outcomes: Vec<Outcome> = handles
        .into_iter()
        .map(|h| h.join().expect("no panic"))
        .collect();
    assert_eq!(outcomes[0], outcomes[1]);
}
