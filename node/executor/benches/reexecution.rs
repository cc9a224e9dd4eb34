#![allow(missing_docs)] // criterion_group! generates an undocumented function
//! What the ledger's re-execution weights rest on: the node's job engine
//! (`WasmJobExecutor`, single-pass) running the hash kernel through the
//! runtime's `JobExecutor` interface.
//!
//! - `reexecution/warm_<fuel>`: a cached module, time per run; with the
//!   fuel the run used, the time per unit of fuel (printed at the end);
//! - `reexecution/cold_supply_chain`: a fresh engine, so the module is
//!   validated and compiled first; with its size, the time per byte.
//!
//! `cargo bench -p entroos-executor --bench reexecution`

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use entroos_executor::jobs::WasmJobExecutor;
use entroos_executor_wasm::Backend;
use entroos_support::jobs::{JobExecutor, JobRun};
use std::time::Instant;

fn workload(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../workloads/wasm/{name}.wasm",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn hash_input(rounds: u32) -> Vec<u8> {
    let data: Vec<u8> = (0..16_384u32).map(|i| (i % 251) as u8).collect();
    [&rounds.to_le_bytes()[..], &data].concat()
}

fn run<'a>(module: &'a [u8], input: &'a [u8]) -> JobRun<'a> {
    JobRun {
        module,
        input,
        fuel: u64::MAX / 2,
        memory_pages: 64,
        max_output: 64 << 10,
        max_log: 4 << 10,
    }
}

fn reexecution(c: &mut Criterion) {
    let engine = WasmJobExecutor::new(Backend::Singlepass);
    let kernel = workload("hash_kernel");
    let mut group = c.benchmark_group("reexecution");
    group.sample_size(10);
    let mut per_fuel = Vec::new();
    for rounds in [10u32, 100] {
        let input = hash_input(rounds);
        let fuel = engine.execute(&run(&kernel, &input)).unwrap().fuel_used;
        let started = Instant::now();
        let repeats = 5u32;
        for _ in 0..repeats {
            engine.execute(&run(&kernel, &input)).unwrap();
        }
        let picos = started.elapsed().as_nanos() * 1_000 / u128::from(repeats);
        per_fuel.push((fuel, picos / u128::from(fuel)));
        group.bench_function(format!("warm_{fuel}"), |b| {
            b.iter(|| engine.execute(&run(&kernel, &input)).unwrap())
        });
    }
    let chain = workload("supply_chain");
    let input = b"p|a|b|x|40,50\n".to_vec();
    group.bench_function("cold_supply_chain", |b| {
        b.iter_batched(
            || WasmJobExecutor::new(Backend::Singlepass),
            |fresh| fresh.execute(&run(&chain, &input)).unwrap(),
            BatchSize::PerIteration,
        )
    });
    group.finish();
    for (fuel, picos) in per_fuel {
        println!("hash_kernel: {fuel} fuel, {picos} ps per unit of fuel (warm, mean of 5 runs)");
    }
    println!("supply_chain module: {} bytes", chain.len());
}

criterion_group!(benches, reexecution);
criterion_main!(benches);
