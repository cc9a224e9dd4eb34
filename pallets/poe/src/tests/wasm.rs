//! The runtime's module check against hand-made modules and the real
//! workloads (whose engine verdicts `node/executor-wasm` tests).

use crate::mock::{section, wasm_module};
use crate::wasm::check_module;
use crate::Error;

const MAX: u32 = 1 << 20;

fn workload(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../workloads/wasm/{name}.wasm",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_workloads_within_the_host_abi_pass_and_the_importers_do_not() {
    for name in [
        "supply_chain",
        "hash_kernel",
        "infinite_loop",
        "memory_bomb",
        "trap",
    ] {
        let summary = check_module(&workload(name), MAX).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(summary.functions > 0, "{name}");
    }
    assert_eq!(
        check_module(&workload("clock_importer"), MAX),
        Err(Error::ForbiddenImport)
    );
    assert_eq!(
        check_module(&workload("random_importer"), MAX),
        Err(Error::ForbiddenImport)
    );
}

#[test]
fn each_structural_rule_has_its_error() {
    let start_only = wasm_module(&[]);
    assert!(check_module(&start_only, MAX).is_ok());
    assert_eq!(check_module(&start_only, 10), Err(Error::ModuleTooLarge));
    assert_eq!(
        check_module(b"\0asm\x02\0\0\0", MAX),
        Err(Error::MalformedModule)
    );
    assert_eq!(check_module(&[], MAX), Err(Error::MalformedModule));

    let mut with_start_section = start_only.clone();
    section(&mut with_start_section, 8, &[0]);
    // A start section after the code section is also out of order; put it in place.
    let mut ordered = b"\0asm\x01\0\0\0".to_vec();
    section(&mut ordered, 1, &[1, 0x60, 0, 0]);
    section(&mut ordered, 3, &[1, 0]);
    section(&mut ordered, 7, &[&[1, 6][..], b"_start", &[0, 0]].concat());
    section(&mut ordered, 8, &[0]);
    section(&mut ordered, 10, &[1, 2, 0, 0x0b]);
    assert_eq!(check_module(&ordered, MAX), Err(Error::StartSection));
    assert_eq!(
        check_module(&with_start_section, MAX),
        Err(Error::MalformedModule),
        "out of order"
    );

    let mut no_start = b"\0asm\x01\0\0\0".to_vec();
    section(&mut no_start, 1, &[1, 0x60, 0, 0]);
    section(&mut no_start, 3, &[1, 0]);
    section(&mut no_start, 10, &[1, 2, 0, 0x0b]);
    assert_eq!(check_module(&no_start, MAX), Err(Error::MissingStart));

    let mut float_type = b"\0asm\x01\0\0\0".to_vec();
    section(&mut float_type, 1, &[1, 0x60, 1, 0x7d, 0]);
    assert_eq!(check_module(&float_type, MAX), Err(Error::FloatType));

    let mut reserved = b"\0asm\x01\0\0\0".to_vec();
    section(&mut reserved, 1, &[1, 0x60, 0, 0]);
    section(&mut reserved, 3, &[1, 0]);
    section(
        &mut reserved,
        7,
        &[&[1, 11][..], b"wasmer_fuel", &[0, 0]].concat(),
    );
    section(&mut reserved, 10, &[1, 2, 0, 0x0b]);
    assert_eq!(check_module(&reserved, MAX), Err(Error::ReservedExport));

    let mut memory_import = b"\0asm\x01\0\0\0".to_vec();
    section(
        &mut memory_import,
        2,
        &[&[1, 3][..], b"env", &[6], b"memory", &[0x02, 0, 1]].concat(),
    );
    assert_eq!(
        check_module(&memory_import, MAX),
        Err(Error::ForbiddenImport)
    );

    let mut start_with_params = b"\0asm\x01\0\0\0".to_vec();
    section(&mut start_with_params, 1, &[1, 0x60, 1, 0x7f, 0]);
    section(&mut start_with_params, 3, &[1, 0]);
    section(
        &mut start_with_params,
        7,
        &[&[1, 6][..], b"_start", &[0, 0]].concat(),
    );
    section(&mut start_with_params, 10, &[1, 2, 0, 0x0b]);
    assert_eq!(
        check_module(&start_with_params, MAX),
        Err(Error::MissingStart)
    );
}

#[test]
fn over_long_leb128_and_lying_lengths_are_malformed() {
    let mut module = b"\0asm\x01\0\0\0".to_vec();
    module.extend([1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
    assert_eq!(check_module(&module, MAX), Err(Error::MalformedModule));
    let mut lying = b"\0asm\x01\0\0\0".to_vec();
    lying.extend([1, 100, 1, 0x60]);
    assert_eq!(check_module(&lying, MAX), Err(Error::MalformedModule));
    let mut huge_count = b"\0asm\x01\0\0\0".to_vec();
    section(&mut huge_count, 1, &[0xff, 0xff, 0xff, 0xff, 0x0f]);
    assert_eq!(
        check_module(&huge_count, MAX),
        Err(Error::MalformedModule),
        "no allocation ahead of a count"
    );
}

proptest::proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
        let mut module = b"\0asm\x01\0\0\0".to_vec();
        module.extend(bytes);
        let _ = check_module(&module, MAX);
    }
}
