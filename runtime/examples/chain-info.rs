//! Writes what an offline client needs to build transactions for the
//! development chain: metadata (as `state_getMetadata` serves it), genesis
//! hash and versions, as JSON to the path given (or stdout).
//!
//! `cargo run -p entroos-runtime --example chain-info -- target/chain-info.json`

use entroos_runtime::{genesis, testing::TestChain};
use std::process::ExitCode;

fn main() -> ExitCode {
    let chain = match TestChain::new(genesis::DEV_PRESET) {
        Ok(chain) => chain,
        Err(e) => {
            eprintln!("cannot build the development genesis: {e}");
            return ExitCode::FAILURE;
        }
    };
    let info = serde_json::json!({
        "metadata": format!("0x{}", hex::encode(entroos_runtime::metadata::encoded())),
        "genesisHash": chain.genesis_hash(),
        "specVersion": entroos_runtime::SPEC_VERSION,
        "transactionVersion": entroos_runtime::TRANSACTION_VERSION,
    });
    let text = info.to_string();
    match std::env::args().nth(1) {
        None => println!("{text}"),
        Some(path) => {
            if let Err(e) = std::fs::write(&path, text) {
                eprintln!("cannot write {path}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
