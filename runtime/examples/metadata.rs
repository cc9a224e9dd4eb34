//! Prints the runtime's metadata (what `state_getMetadata` serves) as `0x` hex,
//! or writes it to the file given as the first argument.
//!
//! `cargo run -p entroos-runtime --example metadata -- target/metadata.hex`

use std::process::ExitCode;

fn main() -> ExitCode {
    let hex = format!("0x{}", hex::encode(entroos_runtime::metadata::encoded()));
    match std::env::args().nth(1) {
        None => {
            println!("{hex}");
            ExitCode::SUCCESS
        }
        Some(path) => match std::fs::write(&path, hex) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("cannot write {path}: {e}");
                ExitCode::FAILURE
            }
        },
    }
}
