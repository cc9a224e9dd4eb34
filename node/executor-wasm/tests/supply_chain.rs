//! The supply-chain verifier workload: verdicts, and equality with the
//! native Rust implementation.

mod common;

use common::native::{self, NativeRun};
use common::{executor, good_shipment, step_line, Rng};
use entroos_executor_wasm::{Backend, Executor, Exit, Limits};

const MODULE: &str = "supply_chain";

fn check(executor: &Executor, input: &[u8]) -> NativeRun {
    let outcome = common::run(executor, MODULE, input, &Limits::default());
    let expected = native::supply_chain(input);
    assert_eq!(
        outcome.exit,
        Exit::Exited(expected.exit),
        "input: {}",
        String::from_utf8_lossy(input)
    );
    assert_eq!(
        String::from_utf8_lossy(&outcome.output),
        String::from_utf8_lossy(&expected.output),
        "input: {}",
        String::from_utf8_lossy(input)
    );
    expected
}

fn verdict(input: &str) -> (String, u32) {
    let run = check(&executor(Backend::Cranelift), input.as_bytes());
    (
        String::from_utf8(run.output).expect("ascii verdict"),
        run.exit,
    )
}

fn shipment(lines: &[String]) -> String {
    lines.iter().map(|line| format!("{line}\n")).collect()
}

#[test]
fn accepts_an_unbroken_cold_chain() {
    let input = shipment(&[
        step_line(
            "VAX-0042",
            "pfizer-puurs",
            "dhl-brussels",
            "BE-PUURS",
            &[45, 50, 38],
        ),
        step_line(
            "VAX-0042",
            "dhl-brussels",
            "ups-frankfurt",
            "BE-BRU",
            &[20, 80],
        ),
        step_line(
            "VAX-0042",
            "ups-frankfurt",
            "clinic-berlin",
            "DE-FRA",
            &[61],
        ),
    ]);
    let (output, exit) = verdict(&input);
    assert_eq!(
        output,
        "OK product=VAX-0042 steps=3 readings=6 min=2.0 max=8.0\n"
    );
    assert_eq!(exit, 0);
}

#[test]
fn names_a_custody_break() {
    let input = shipment(&[
        step_line(
            "VAX-0042",
            "pfizer-puurs",
            "dhl-brussels",
            "BE-PUURS",
            &[45],
        ),
        step_line("VAX-0042", "fedex-liege", "clinic-berlin", "BE-LGG", &[45]),
    ]);
    let (output, exit) = verdict(&input);
    assert_eq!(
        output,
        "VIOLATION product=VAX-0042 step=1 location=BE-LGG reason=custody-break expected=dhl-brussels got=fedex-liege\n"
    );
    assert_eq!(exit, 1);
}

#[test]
fn names_the_first_temperature_excursion() {
    let input = shipment(&[
        step_line("VAX-0042", "a", "b", "L0", &[45]),
        step_line("VAX-0042", "b", "c", "L1", &[50, 81, 10]),
        step_line("VAX-0042", "c", "d", "L2", &[-15]),
    ]);
    assert_eq!(
        verdict(&input),
        (
            "VIOLATION product=VAX-0042 step=1 location=L1 reason=too-hot reading=1 value=8.1\n"
                .into(),
            1
        )
    );
    let cold = shipment(&[step_line("VAX-0042", "a", "b", "L0", &[20, 19])]);
    assert_eq!(
        verdict(&cold),
        (
            "VIOLATION product=VAX-0042 step=0 location=L0 reason=too-cold reading=1 value=1.9\n"
                .into(),
            1
        )
    );
    let frozen = shipment(&[step_line("VAX-0042", "a", "b", "L0", &[-15])]);
    assert!(verdict(&frozen)
        .0
        .ends_with("reason=too-cold reading=0 value=-1.5\n"));
}

#[test]
fn names_a_product_mismatch() {
    let input = shipment(&[
        step_line("VAX-0042", "a", "b", "L0", &[45]),
        step_line("VAX-0043", "b", "c", "L1", &[45]),
    ]);
    assert_eq!(
        verdict(&input),
        (
            "VIOLATION product=VAX-0042 step=1 location=L1 reason=product-mismatch\n".into(),
            1
        )
    );
}

#[test]
fn refuses_malformed_records() {
    let cases = [
        ("", "MALFORMED line=0 reason=empty\n"),
        ("\n", "MALFORMED line=0 reason=fields\n"),
        ("P|a|b|L|45\nP|b|c|L\n", "MALFORMED line=1 reason=fields\n"),
        ("P|a|b|L|45|x\n", "MALFORMED line=0 reason=fields\n"),
        ("P||b|L|45\n", "MALFORMED line=0 reason=field-length\n"),
        ("P|a|b|L|\n", "MALFORMED line=0 reason=reading\n"),
        ("P|a|b|L|45,\n", "MALFORMED line=0 reason=reading\n"),
        ("P|a|b|L|4.5\n", "MALFORMED line=0 reason=reading\n"),
        ("P|a|b|L|1234567\n", "MALFORMED line=0 reason=reading\n"),
        ("P|a|b|L|45\n\n", "MALFORMED line=1 reason=fields\n"),
    ];
    for (input, expected) in cases {
        assert_eq!(verdict(input), (expected.to_owned(), 2), "input {input:?}");
    }
    let long_field = format!("P|{}|b|L|45\n", "h".repeat(65));
    assert_eq!(
        verdict(&long_field).0,
        "MALFORMED line=0 reason=field-length\n"
    );
    let too_large = "x".repeat(256 * 1024 + 1);
    assert_eq!(
        verdict(&too_large).0,
        "MALFORMED line=0 reason=input-too-large\n"
    );
}

#[test]
fn a_violation_before_a_malformed_reading_wins() {
    assert_eq!(
        verdict("P|a|b|L|90,x\n").0,
        "VIOLATION product=P step=0 location=L reason=too-hot reading=0 value=9.0\n"
    );
    assert_eq!(
        verdict("P|a|b|L|45,x\n").0,
        "MALFORMED line=0 reason=reading\n"
    );
}

#[test]
fn logs_the_steps_checked() {
    let input = shipment(&[step_line("P", "a", "b", "L", &[45])]);
    let outcome = common::run(
        &executor(Backend::Cranelift),
        MODULE,
        input.as_bytes(),
        &Limits::default(),
    );
    assert_eq!(outcome.log, b"checked 1 steps\n");
}

/// Random shipments, some corrupted at one random step: wasm and native
/// agree on every one, on both backends.
#[test]
fn agrees_with_native_on_random_shipments() {
    let executors = [executor(Backend::Cranelift), executor(Backend::Singlepass)];
    let mut rng = Rng::new(0x5eed);
    for case in 0..150 {
        let steps = 1 + rng.below(12) as usize;
        let readings = 1 + rng.below(5) as usize;
        let mut lines: Vec<String> = good_shipment(&mut rng, steps, readings)
            .lines()
            .map(str::to_owned)
            .collect();
        if case % 3 != 0 {
            let at = rng.below(lines.len() as u64) as usize;
            lines[at] = corrupt(&mut rng, &lines[at]);
        }
        let input = shipment(&lines);
        for executor in &executors {
            check(executor, input.as_bytes());
        }
    }
}

fn corrupt(rng: &mut Rng, line: &str) -> String {
    let fields: Vec<&str> = line.split('|').collect();
    match rng.below(6) {
        0 => line.replacen("handler-", "intruder-", 1),
        1 => line.replacen("VAX-0042", "VAX-9999", 1),
        2 => format!("{line},{}", rng.below(200) as i32 - 50),
        3 => format!("{}|{}", fields[..4].join("|"), "55,x"),
        4 => line.replacen('|', "", 1),
        _ => format!("{line},"),
    }
}
