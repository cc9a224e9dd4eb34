//! Static refusals with typed errors.

mod common;

use common::executor;
use entroos_executor_wasm::{Backend, Executor, ExecutorConfig, HostCall, ModuleError};

fn wat(text: &str) -> Vec<u8> {
    wasmer::wat2wasm(text.as_bytes())
        .expect("valid wat")
        .into_owned()
}

fn validate(text: &str) -> Result<entroos_executor_wasm::ModuleInfo, ModuleError> {
    executor(Backend::Singlepass).validate(&wat(text))
}

const START: &str = r#"(func (export "_start"))"#;

#[test]
fn accepts_a_minimal_module_and_reports_it() {
    let bytes = wat(&format!(
        r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
                   (memory (export "memory") 2) {START})"#
    ));
    let info = executor(Backend::Singlepass)
        .validate(&bytes)
        .expect("accepted");
    assert_eq!(info.imports, vec![HostCall::ProcExit]);
    assert_eq!(info.initial_pages, 2);
    assert_eq!(info.functions, 1);
    assert_eq!(info.size, bytes.len());
    assert_eq!(info.hash, entroos_executor_wasm::module_hash(&bytes));
}

#[test]
fn refuses_malformed_bytes() {
    let executor = executor(Backend::Singlepass);
    for bytes in [
        &b""[..],
        b"\0asm",
        b"\0asm\x01\0\0\0\x01\xff",
        b"not wasm at all",
    ] {
        assert!(
            matches!(executor.validate(bytes), Err(ModuleError::Malformed { .. })),
            "{bytes:?}"
        );
    }
}

#[test]
fn refuses_oversized_modules_before_parsing() {
    let executor = Executor::new(ExecutorConfig {
        max_module_bytes: 64,
        ..ExecutorConfig::default()
    });
    let bytes = vec![0u8; 65];
    assert_eq!(
        executor.validate(&bytes),
        Err(ModuleError::TooLarge { size: 65, max: 64 })
    );
    assert!(executor.prepare(&bytes).is_err());
}

#[test]
fn refuses_imports_outside_the_abi() {
    let forbidden = [
        ("wasi_snapshot_preview1", "path_open"),
        ("wasi_snapshot_preview1", "environ_get"),
        ("wasi_snapshot_preview1", "sock_send"),
        ("wasi_snapshot_preview1", "clock_time_get"),
        ("wasi_snapshot_preview1", "random_get"),
        ("env", "fd_write"),
    ];
    for (module, name) in forbidden {
        let text = format!(r#"(module (import "{module}" "{name}" (func)) {START})"#);
        assert_eq!(
            validate(&text),
            Err(ModuleError::ForbiddenImport {
                module: module.into(),
                name: name.into()
            })
        );
    }
    let memory_import =
        format!(r#"(module (import "wasi_snapshot_preview1" "fd_write" (memory 1)) {START})"#);
    assert!(matches!(
        validate(&memory_import),
        Err(ModuleError::ForbiddenImport { .. })
    ));
}

#[test]
fn refuses_abi_imports_with_the_wrong_signature() {
    let text = format!(
        r#"(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32) (result i32))) {START})"#
    );
    assert_eq!(
        validate(&text),
        Err(ModuleError::ImportSignature {
            name: "fd_write".into()
        })
    );
    let text = format!(
        r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func (param i64))) {START})"#
    );
    assert_eq!(
        validate(&text),
        Err(ModuleError::ImportSignature {
            name: "proc_exit".into()
        })
    );
}

#[test]
fn requires_a_start_export_of_type_unit() {
    assert_eq!(
        validate(r#"(module (func (export "main")))"#),
        Err(ModuleError::MissingStart)
    );
    assert_eq!(
        validate(r#"(module (func (export "_start") (param i32)))"#),
        Err(ModuleError::StartSignature)
    );
    assert_eq!(
        validate(r#"(module (func (export "_start") (result i32) i32.const 0))"#),
        Err(ModuleError::StartSignature)
    );
    assert_eq!(
        validate(r#"(module (memory (export "_start") 1))"#),
        Err(ModuleError::StartSignature)
    );
}

#[test]
fn refuses_start_sections_and_reserved_exports() {
    assert_eq!(
        validate(&format!(r#"(module (func $f) (start $f) {START})"#)),
        Err(ModuleError::StartSection)
    );
    assert_eq!(
        validate(&format!(
            r#"(module (global (export "entroos_fuel_remaining") i64 (i64.const 0)) {START})"#
        )),
        Err(ModuleError::ReservedExport {
            name: "entroos_fuel_remaining".into()
        })
    );
}

#[test]
fn refuses_floats_anywhere() {
    let op = format!(r#"(module {START} (func (result i32) f32.const 1 i32.trunc_f32_s))"#);
    assert!(matches!(
        validate(&op),
        Err(ModuleError::FloatInstruction { .. })
    ));
    let local = format!(r#"(module {START} (func (local f64)))"#);
    assert!(matches!(
        validate(&local),
        Err(ModuleError::FloatInstruction { .. })
    ));
}

#[test]
fn refuses_non_deterministic_or_unmetered_features() {
    let simd = format!(r#"(module {START} (func (drop (i32x4.splat (i32.const 1)))))"#);
    assert!(matches!(
        validate(&simd),
        Err(ModuleError::UnsupportedFeature { .. })
    ));
    let bulk = format!(
        r#"(module (memory 1) {START} (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 10))))"#
    );
    assert!(matches!(
        validate(&bulk),
        Err(ModuleError::UnsupportedFeature { .. })
    ));
    let shared = format!(r#"(module (memory 1 1 shared) {START})"#);
    assert!(matches!(
        validate(&shared),
        Err(ModuleError::UnsupportedFeature { .. })
    ));
}

#[test]
fn refuses_functions_with_too_many_locals() {
    let text = format!(
        r#"(module {START} (func (param i32) (local i64 i64) (local {})))"#,
        "i32 ".repeat(1023)
    );
    assert!(matches!(
        validate(&text),
        Err(ModuleError::TooManyLocals {
            function: 1,
            locals: 1026,
            max: 1024
        })
    ));
}
