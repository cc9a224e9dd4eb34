//! The runtime's module check (pure Rust, `pallet_poe::wasm`) and the
//! engine's validation (`entroos-executor-wasm`) agree where they overlap:
//! the same host ABI, every module the engine accepts passes the runtime,
//! and a forbidden import is refused by both.

use entroos_executor_wasm::{Executor, ExecutorConfig, HostCall, ModuleError, WASI_MODULE};
use pallet_poe::wasm::{check_module, HOST_ABI, RESERVED_EXPORT_PREFIXES};
use pallet_poe::MAX_MODULE_BYTES;

fn workload(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../workloads/wasm/{name}.wasm",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_host_abi_is_the_engines() {
    assert_eq!(pallet_poe::wasm::WASI_MODULE, WASI_MODULE.as_bytes());
    let engine: Vec<(&str, u8, u8)> = HostCall::ALL
        .iter()
        .map(|call| (call.name(), call.params() as u8, call.results() as u8))
        .collect();
    assert_eq!(engine, HOST_ABI.to_vec());
    let prefixes: Vec<&[u8]> = entroos_executor_wasm::RESERVED_EXPORT_PREFIXES
        .iter()
        .map(|p| p.as_bytes())
        .collect();
    assert_eq!(prefixes, RESERVED_EXPORT_PREFIXES.to_vec());
}

#[test]
fn every_workload_gets_compatible_verdicts() {
    let engine = Executor::new(ExecutorConfig::default());
    for name in [
        "supply_chain",
        "hash_kernel",
        "infinite_loop",
        "memory_bomb",
        "trap",
        "nan_producer",
        "clock_importer",
        "random_importer",
    ] {
        let code = workload(name);
        let runtime = check_module(&code, MAX_MODULE_BYTES);
        match engine.validate(&code) {
            Ok(_) => assert!(runtime.is_ok(), "{name}: {runtime:?}"),
            Err(ModuleError::ForbiddenImport { .. }) => {
                assert_eq!(runtime, Err(pallet_poe::Error::ForbiddenImport), "{name}")
            }
            // Refused for its code (floats): only the engine reads bodies,
            // and its refusal is the outcome `Refused` on every node.
            Err(ModuleError::FloatInstruction { .. }) => {}
            Err(other) => panic!("{name}: unexpected engine refusal {other}"),
        }
    }
}
