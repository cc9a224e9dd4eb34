//! End-to-end throughput of a real `entroos-node`: pre-signs transfers from
//! many endowed accounts, submits them over WebSocket (JSON-RPC batches),
//! and measures finalized transfers per second from the first submission to
//! the finality of the last. From the same run it prints this machine's
//! sr25519 verifications per second and the ratio of the two.
//!
//!     scripts/bench-tps [--accounts 2000] [--per-account 10]
//!
//! (the script builds the node in release mode and runs this example).

#[path = "common/mod.rs"]
mod common;

use common::{http, Error, NodeProcess};
use entroos_primitives::crypto::sr25519;
use serde_json::json;
use std::time::{Duration, Instant};

fn verifications_per_second() -> Result<f64, Error> {
    let pair = sr25519::Pair::from_uri("//Verifier")?;
    let messages: Vec<[u8; 32]> = (0..2000u32)
        .map(|i| entroos_primitives::hashing::blake2_256(&i.to_le_bytes()))
        .collect();
    let signatures: Vec<[u8; 64]> = messages.iter().map(|m| pair.sign(m)).collect();
    let public = pair.public();
    let started = Instant::now();
    let mut valid = 0usize;
    for (m, s) in messages.iter().zip(&signatures) {
        valid += usize::from(sr25519::verify(s, m, &public));
    }
    if valid != messages.len() {
        return Err("a valid signature did not verify".into());
    }
    Ok(messages.len() as f64 / started.elapsed().as_secs_f64())
}

fn main() -> Result<(), Error> {
    let opts = common::options(2000, 10)?;
    let dir = tempfile::tempdir()?;
    let senders = common::senders(opts.accounts)?;
    let spec_path = dir.path().join("bench-spec.json");
    let genesis = common::bench_spec(&senders, &spec_path)?;

    let total = opts.accounts * opts.per_account as usize;
    let started = Instant::now();
    let waves = common::signed_waves(&senders, opts.per_account, genesis);
    let signing = started.elapsed();

    let args: Vec<String> = [
        "--chain",
        spec_path.to_str().ok_or("a UTF-8 temporary path")?,
        "--alice",
        "--tmp",
        "--pool-limit",
        &(total + 1000).to_string(),
        "--pool-kbytes",
        "1048576",
        "--pool-sender-limit",
        &(opts.per_account + 10).to_string(),
        "--rpc-max-connections",
        "10",
        "--log",
        "warn",
    ]
    .map(String::from)
    .to_vec();
    let node = NodeProcess::start(&opts.node_bin, &args)?;
    let (rpc_port, metrics_port) = (node.rpc_port, node.metrics_port);
    let first_block = common::best_number(rpc_port)?;

    let submit_started = Instant::now();
    let submitted = common::submit(rpc_port, &waves)?;
    let submitted_in = submit_started.elapsed();
    let (accepted, refused) = (submitted.accepted, submitted.refused);
    if let Some(error) = submitted.first_error {
        eprintln!("first refusal: {error}");
    }

    // Follow finality until every accepted transfer is in a finalized block.
    let (mut included, mut next, mut per_block) = (0usize, first_block + 1, Vec::new());
    let deadline = Instant::now() + Duration::from_secs(600);
    while included < accepted && Instant::now() < deadline {
        let finalized = common::finalized_number(rpc_port)?;
        while next <= finalized {
            let hash = common::http(rpc_port, "chain_getBlockHash", json!([next]))?;
            let block = common::http(rpc_port, "chain_getBlock", json!([hash]))?;
            let count = block["block"]["extrinsics"]
                .as_array()
                .map_or(0, |x| x.len().saturating_sub(1));
            included += count;
            per_block.push(count);
            next += 1;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let end_to_end = submit_started.elapsed();
    let import = http::metric(metrics_port, "substrate_block_import_time_microseconds_sum")?;
    let imported = http::metric(
        metrics_port,
        "substrate_block_import_time_microseconds_count",
    )?;
    let built = http::metric(
        metrics_port,
        "substrate_proposer_block_constructed_microseconds_sum",
    )?;
    let in_blocks = http::metric(metrics_port, "substrate_proposer_transactions_included")?;
    let verify_rate = verifications_per_second()?;
    let tps = included as f64 / end_to_end.as_secs_f64();
    let busiest = per_block.iter().max().copied().unwrap_or(0);
    let used: Vec<&usize> = per_block.iter().filter(|c| **c > 0).collect();

    println!(
        "bench-tps: {total} transfers from {} accounts ({} each)",
        opts.accounts, opts.per_account
    );
    println!("  pre-signing:        {:.2} s", signing.as_secs_f64());
    println!("  submission (RPC):   {accepted} accepted, {refused} refused in {:.2} s ({:.0} tx/s validated into the pool)", submitted_in.as_secs_f64(), accepted as f64 / submitted_in.as_secs_f64());
    println!("  blocks:             {} blocks carried transfers, at most {busiest} in one; per block {:?}", used.len(), per_block);
    println!("  authoring:          {:.1} µs per included transfer (apply incl. signature check, state reads, roots, seal)", built / in_blocks.max(1.0));
    println!(
        "  commit:             {:.1} ms per block on average (trie delta and RocksDB write)",
        import / imported.max(1.0) / 1000.0
    );
    println!(
        "  finalized:          {included} transfers in {:.2} s from first submission",
        end_to_end.as_secs_f64()
    );
    println!("  throughput:         {tps:.0} finalized transfers/s");
    println!("  sr25519 verify:     {verify_rate:.0} verifications/s (one core)");
    println!(
        "  ratio:              {:.3} (transfers/s ÷ verifications/s)",
        tps / verify_rate
    );
    if included < accepted {
        return Err(
            format!("only {included} of {accepted} accepted transfers were finalized").into(),
        );
    }
    Ok(())
}
