//! Metered wasm execution against native Rust on the supply-chain verifier
//! and the hash kernel, on both backends; compile time per module; the cost
//! of a cache hit and a job's fixed cost. Ends with a summary table of
//! ratios, measured in several processes.
//!
//! Everything is measured on a thread of its own, as the node runs jobs
//! (on the off-chain worker's thread and the import thread), never on the
//! process's main thread: there, the same metered run took about 40 µs
//! more or less on both backends depending only on where the main stack
//! landed (seen by padding the environment under `setarch -R`). Each
//! process also has its own address-space layout, so the summary is the
//! median over [`PROCESSES`] processes, with the range of their ratios.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::Criterion;
use entroos_executor_wasm::{Backend, Executor, ExecutorConfig, Exit, Limits, PreparedModule};

#[path = "../tests/common/native.rs"]
mod native;

const BACKENDS: [(Backend, &str); 2] = [
    (Backend::Cranelift, "cranelift"),
    (Backend::Singlepass, "singlepass"),
];

fn workload(name: &str) -> Vec<u8> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../../workloads/wasm/{name}.wasm"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn executor(backend: Backend, cache_entries: usize) -> Executor {
    Executor::new(ExecutorConfig {
        backend,
        cache_entries,
        ..ExecutorConfig::default()
    })
}

fn limits() -> Limits {
    Limits {
        fuel: u64::MAX,
        ..Limits::default()
    }
}

/// About 150 KiB: 2000 steps of 8 readings, an unbroken chain, all in range.
fn shipment() -> Vec<u8> {
    let mut text = String::new();
    let mut seed = 0x9e37_79b9_u32;
    for i in 0..2000 {
        let readings: Vec<String> = (0..8)
            .map(|_| {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (20 + (seed >> 16) % 61).to_string()
            })
            .collect();
        text.push_str(&format!(
            "VAX-0042|handler-{i}|handler-{}|DEPOT-{}|{}\n",
            i + 1,
            i % 7,
            readings.join(",")
        ));
    }
    text.into_bytes()
}

/// 64 KiB of data hashed 16 times: 1 MiB through FNV-1a.
fn hash_job() -> Vec<u8> {
    let data: Vec<u8> = (0..65_536u32)
        .map(|i| (i.wrapping_mul(31) >> 3) as u8)
        .collect();
    native::hash_input(16, &data)
}

struct Kernel {
    name: &'static str,
    module: &'static str,
    input: Vec<u8>,
    native: fn(&[u8]) -> native::NativeRun,
}

fn kernels() -> [Kernel; 2] {
    [
        Kernel {
            name: "supply_chain",
            module: "supply_chain",
            input: shipment(),
            native: native::supply_chain,
        },
        Kernel {
            name: "hash_kernel",
            module: "hash_kernel",
            input: hash_job(),
            native: native::hash_kernel,
        },
    ]
}

fn prepared(backend: Backend, module: &str) -> (Executor, PreparedModule) {
    let executor = executor(backend, 8);
    let prepared = executor.prepare(&workload(module)).expect("valid workload");
    (executor, prepared)
}

fn check_agreement(kernel: &Kernel) {
    let expected = (kernel.native)(&kernel.input);
    for (backend, _) in BACKENDS {
        let (executor, module) = prepared(backend, kernel.module);
        let outcome = executor
            .run_prepared(&module, &kernel.input, &limits())
            .expect("runs");
        assert_eq!(
            (outcome.exit, &outcome.output),
            (Exit::Exited(expected.exit), &expected.output)
        );
    }
}

fn execution(c: &mut Criterion) {
    for kernel in kernels() {
        check_agreement(&kernel);
        let mut group = c.benchmark_group(format!("execute/{}", kernel.name));
        group.bench_function("native", |b| {
            b.iter(|| (kernel.native)(black_box(&kernel.input)))
        });
        for (backend, label) in BACKENDS {
            let (executor, module) = prepared(backend, kernel.module);
            group.bench_function(format!("wasm-metered/{label}"), |b| {
                b.iter(|| executor.run_prepared(&module, black_box(&kernel.input), &limits()))
            });
        }
        group.finish();
    }
}

fn compile(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile");
    for module in ["supply_chain", "hash_kernel"] {
        let bytes = workload(module);
        for (backend, label) in BACKENDS {
            let uncached = executor(backend, 0);
            group.bench_function(format!("{module}/{label}"), |b| {
                b.iter(|| uncached.prepare(black_box(&bytes)))
            });
        }
    }
    group.finish();
}

fn cache_hit(c: &mut Criterion) {
    let mut group = c.benchmark_group("cache_hit");
    let bytes = workload("supply_chain");
    let (executor, _) = prepared(Backend::Cranelift, "supply_chain");
    group.bench_function("prepare/supply_chain", |b| {
        b.iter(|| executor.prepare(black_box(&bytes)))
    });
    let empty = executor
        .prepare(&wasmer::wat2wasm(br#"(module (func (export "_start")))"#).expect("wat"))
        .expect("valid");
    group.bench_function("run/empty_module", |b| {
        b.iter(|| executor.run_prepared(&empty, b"", &limits()))
    });
    // A job's fixed cost: instantiation, its memory, one step.
    let supply_chain = executor.prepare(&bytes).expect("valid workload");
    let one_step = b"VAX-0042|handler-0|handler-1|DEPOT-0|45\n";
    group.bench_function("run/supply_chain_one_step", |b| {
        b.iter(|| executor.run_prepared(&supply_chain, black_box(one_step), &limits()))
    });
    group.finish();
}

/// The median of `runs` timings of `f`, after as many unmeasured runs.
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    for _ in 0..runs {
        f();
    }
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times.get(runs / 2).copied().unwrap_or_default()
}

/// Rounds of the summary: each wasm round compiles and instantiates anew,
/// so that no one placement of code and memory decides the figure.
const ROUNDS: usize = 5;
/// Timed runs per round (after as many warm-up runs).
const RUNS: usize = 100;

/// The median over [`ROUNDS`] of each round's median run of `round()`'s
/// function.
fn median_of_rounds<F: FnMut()>(mut round: impl FnMut() -> F) -> Duration {
    let mut medians: Vec<Duration> = (0..ROUNDS).map(|_| median(RUNS, round())).collect();
    medians.sort();
    medians[ROUNDS / 2]
}

/// The median metered run of `kernel` on `backend`, and its fuel.
fn wasm_figure(kernel: &Kernel, backend: Backend) -> (Duration, u64) {
    let mut fuel = 0;
    let time = median_of_rounds(|| {
        let (executor, module) = prepared(backend, kernel.module);
        fuel = executor
            .run_prepared(&module, &kernel.input, &limits())
            .expect("runs")
            .fuel_used;
        move || {
            drop(black_box(executor.run_prepared(
                &module,
                &kernel.input,
                &limits(),
            )))
        }
    });
    (time, fuel)
}

/// Processes the summary is measured in.
const PROCESSES: usize = 5;
/// Set in the environment of a process that measures the summary's
/// figures and prints them.
const FIGURES_CHILD: &str = "ENTROOS_BENCH_FIGURES";

/// One process's figures for one kernel.
struct Figures {
    native: Duration,
    wasm: [Duration; 2],
    fuel: u64,
}

impl Figures {
    fn ratio(&self, backend: usize) -> f64 {
        self.wasm[backend].as_secs_f64() / self.native.as_secs_f64()
    }
}

/// Measures every kernel and prints one `figures` line each:
/// name, native, cranelift and singlepass nanoseconds, fuel.
fn print_figures() {
    for kernel in kernels() {
        let native =
            median_of_rounds(|| || drop(black_box((kernel.native)(black_box(&kernel.input)))));
        let mut line = format!("figures {} {}", kernel.name, native.as_nanos());
        let mut fuel = 0;
        for (backend, _) in BACKENDS {
            let (wasm, used) = wasm_figure(&kernel, backend);
            fuel = used;
            line.push_str(&format!(" {}", wasm.as_nanos()));
        }
        println!("{line} {fuel}");
    }
}

fn parse_figures(line: &str) -> Option<(String, Figures)> {
    let mut fields = line.strip_prefix("figures ")?.split(' ');
    let name = fields.next()?.to_string();
    let mut number = || fields.next()?.parse::<u64>().ok();
    let nanos = |n: u64| Duration::from_nanos(n);
    let native = nanos(number()?);
    let wasm = [nanos(number()?), nanos(number()?)];
    let fuel = number()?;
    Some((name, Figures { native, wasm, fuel }))
}

/// The figures of [`PROCESSES`] processes, by kernel.
fn figures_of_processes() -> BTreeMap<String, Vec<Figures>> {
    let exe = std::env::current_exe().expect("the bench's own path");
    let mut by_kernel: BTreeMap<String, Vec<Figures>> = BTreeMap::new();
    for _ in 0..PROCESSES {
        let out = Command::new(&exe)
            .env(FIGURES_CHILD, "1")
            .output()
            .expect("a figures process");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for (name, figures) in String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(parse_figures)
        {
            by_kernel.entry(name).or_default().push(figures);
        }
    }
    by_kernel
}

fn median_of<T: PartialOrd + Copy>(mut values: Vec<T>) -> T {
    values.sort_by(|a, b| a.partial_cmp(b).expect("comparable"));
    values[values.len() / 2]
}

/// `median (min–max)` of the ratios of `backend`.
fn ratio_cell(all: &[Figures], backend: usize) -> String {
    let ratios: Vec<f64> = all.iter().map(|f| f.ratio(backend)).collect();
    let min = ratios.iter().copied().fold(f64::INFINITY, f64::min);
    let max = ratios.iter().copied().fold(0.0, f64::max);
    format!("{:.2}x ({min:.2}-{max:.2})", median_of(ratios))
}

fn summary() {
    println!(
        "\nsummary: medians over {PROCESSES} processes, each the median of {ROUNDS} rounds, each the median of \
         {RUNS} runs after {RUNS} warm-up runs (wasm = a metered run of a module compiled and instantiated \
         anew each round, on a kept instance); ratios: median (min-max) over the processes"
    );
    println!(
        "{:<14} {:>12} {:>12} {:>20} {:>12} {:>20} {:>10}",
        "kernel", "native", "cranelift", "ratio", "singlepass", "ratio", "fuel"
    );
    for (name, all) in figures_of_processes() {
        let native = median_of(all.iter().map(|f| f.native).collect());
        let wasm = |b: usize| median_of(all.iter().map(|f| f.wasm[b]).collect::<Vec<_>>());
        println!(
            "{:<14} {:>12?} {:>12?} {:>20} {:>12?} {:>20} {:>10}",
            name,
            native,
            wasm(0),
            ratio_cell(&all, 0),
            wasm(1),
            ratio_cell(&all, 1),
            all[0].fuel
        );
    }
}

/// Runs `f` on a thread of its own (see the module docs).
fn on_own_thread<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| scope.spawn(f).join().expect("the bench thread"))
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args()
}

fn main() {
    if std::env::var_os(FIGURES_CHILD).is_some() {
        on_own_thread(print_figures);
        return;
    }
    on_own_thread(|| {
        let mut criterion = config();
        execution(&mut criterion);
        compile(&mut criterion);
        cache_hit(&mut criterion);
        criterion.final_summary();
    });
    // Only a measuring run (`cargo bench`), not `cargo test --benches` or
    // `--list`, spends the summary's processes.
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--list") {
        summary();
    }
}
