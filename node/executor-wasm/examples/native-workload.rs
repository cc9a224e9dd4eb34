//! Runs a workload's native Rust version on standard input, writing its
//! output to standard output and exiting with its exit code: the reference
//! a job's verified output is compared with.
//!
//! ```text
//! native-workload supply_chain < shipment.txt
//! native-workload hash_kernel < job-input.bin
//! ```

use std::io::{Read, Write};
use std::process::ExitCode;

#[path = "../tests/common/native.rs"]
mod native;

fn main() -> ExitCode {
    let Some(name) = std::env::args().nth(1) else {
        eprintln!("usage: native-workload <supply_chain|hash_kernel> < input");
        return ExitCode::from(64);
    };
    let run = match name.as_str() {
        "supply_chain" => native::supply_chain,
        "hash_kernel" => native::hash_kernel,
        other => {
            eprintln!("no native version of workload {other:?}");
            return ExitCode::from(64);
        }
    };
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut input) {
        eprintln!("reading standard input: {e}");
        return ExitCode::from(74);
    }
    let result = run(&input);
    if let Err(e) = std::io::stdout().write_all(&result.output) {
        eprintln!("writing standard output: {e}");
        return ExitCode::from(74);
    }
    ExitCode::from(u8::try_from(result.exit).unwrap_or(u8::MAX))
}
