//! Helpers shared by the integration tests.

#![allow(dead_code)]

pub mod native;

use std::path::PathBuf;

use entroos_executor_wasm::{Backend, Executor, ExecutorConfig, Limits, Outcome};

/// The `workloads/` folder at the repository root.
pub fn workloads_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../workloads")
}

/// The committed bytes of `workloads/wasm/<name>.wasm`.
pub fn workload(name: &str) -> Vec<u8> {
    let path = workloads_dir().join("wasm").join(format!("{name}.wasm"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

pub fn executor(backend: Backend) -> Executor {
    Executor::new(ExecutorConfig {
        backend,
        ..ExecutorConfig::default()
    })
}

pub fn run(executor: &Executor, name: &str, input: &[u8], limits: &Limits) -> Outcome {
    executor
        .run(&workload(name), input, limits)
        .expect("the workload is accepted")
}

/// A deterministic pseudo-random sequence (xorshift64*).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One custody step line (without its newline).
pub fn step_line(
    product: &str,
    handler: &str,
    receiver: &str,
    location: &str,
    readings: &[i32],
) -> String {
    let readings: Vec<String> = readings.iter().map(i32::to_string).collect();
    format!(
        "{product}|{handler}|{receiver}|{location}|{}",
        readings.join(",")
    )
}

/// A well-formed shipment of `steps` steps with every reading in range and
/// an unbroken chain of custody.
pub fn good_shipment(rng: &mut Rng, steps: usize, readings_per_step: usize) -> String {
    let mut text = String::new();
    for i in 0..steps {
        let readings: Vec<i32> = (0..readings_per_step)
            .map(|_| 20 + rng.below(61) as i32)
            .collect();
        let handler = format!("handler-{i}");
        let receiver = format!("handler-{}", i + 1);
        text.push_str(&step_line(
            "VAX-0042",
            &handler,
            &receiver,
            &format!("DEPOT-{}", i % 7),
            &readings,
        ));
        text.push('\n');
    }
    text
}
