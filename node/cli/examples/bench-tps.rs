//! End-to-end throughput of a real `entroos-node`: pre-signs transfers from
//! many endowed accounts, submits them over WebSocket (JSON-RPC batches),
//! and measures finalized transfers per second from the first submission to
//! the finality of the last. From the same run it prints this machine's
//! sr25519 verifications per second and the ratio of the two.
//!
//!     scripts/bench-tps [--accounts 2000] [--per-account 10]
//!
//! (the script builds the node in release mode and runs this example).

use entroos_executor::testing::{sign, transfer_keep_alive, SigningContext};
use entroos_node::chain_spec::ChainSpec;
use entroos_primitives::crypto::sr25519;
use entroos_primitives::AccountId32;
use serde_json::{json, Value};

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[path = "../tests/support/http.rs"]
mod http;
#[path = "../tests/support/ws.rs"]
mod ws;
use ws::Ws;

type Error = Box<dyn std::error::Error + Send + Sync>;

struct Options {
    node_bin: String,
    accounts: usize,
    per_account: u32,
}

fn options() -> Result<Options, Error> {
    let mut opts = Options {
        node_bin: "target/release/entroos-node".into(),
        accounts: 2000,
        per_account: 10,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--node-bin" => opts.node_bin = value,
            "--accounts" => opts.accounts = value.parse()?,
            "--per-account" => opts.per_account = value.parse()?,
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    Ok(opts)
}

fn free_port() -> Result<u16, Error> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// The dev chain spec with `senders` endowed as well.
fn bench_spec(senders: &[sr25519::Pair], path: &Path) -> Result<(), Error> {
    let mut spec: Value = serde_json::from_str(&ChainSpec::load("dev")?.to_json(false)?)?;
    let balances = spec["genesis"]["runtimeGenesis"]["patch"]["balances"]["balances"]
        .as_array_mut()
        .ok_or("dev spec has no balances")?;
    for pair in senders {
        balances.push(json!([AccountId32(pair.public()).to_string(), 1u64 << 50]));
    }
    std::fs::write(path, serde_json::to_vec(&spec)?)?;
    Ok(())
}

fn http(port: u16, method: &str, params: Value) -> Result<Value, Error> {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
    let json: Value = serde_json::from_str(&http::post_json(port, body.as_bytes())?.body)?;
    json.get("result")
        .cloned()
        .ok_or_else(|| format!("{method}: {json}").into())
}

struct NodeProcess(Child);

impl Drop for NodeProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

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
    let opts = options()?;
    let dir = tempfile::tempdir()?;
    let senders: Vec<sr25519::Pair> = (0..opts.accounts)
        .map(|i| sr25519::Pair::from_uri(&format!("//bench//{i}")))
        .collect::<Result<_, _>>()?;
    let spec_path = dir.path().join("bench-spec.json");
    bench_spec(&senders, &spec_path)?;
    let genesis = ChainSpec::from_file(&spec_path)?.genesis_hash();

    let total = opts.accounts * opts.per_account as usize;
    let started = Instant::now();
    // One wave per nonce, so that no transaction reaches the pool before the
    // one it depends on (the server handles a connection's messages concurrently).
    let mut waves: Vec<Vec<String>> = Vec::new();
    for nonce in 0..opts.per_account {
        let mut batches = Vec::new();
        for (chunk_index, chunk) in senders.chunks(500).enumerate() {
            let mut batch = Vec::new();
            for (id, from) in chunk.iter().enumerate() {
                let index = chunk_index * 500 + id;
                let to = AccountId32(senders[(index + 1) % senders.len()].public());
                let ctx = SigningContext::immortal_on(genesis, nonce);
                let xt = sign(transfer_keep_alive(to, 1_000_000_000_000), from, ctx);
                batch.push(json!({"jsonrpc": "2.0", "id": id, "method": "author_submitExtrinsic", "params": [format!("0x{}", hex::encode(xt))]}));
            }
            batches.push(Value::Array(batch).to_string());
        }
        waves.push(batches);
    }
    let signing = started.elapsed();

    let (rpc_port, metrics_port) = (free_port()?, free_port()?);
    let child = Command::new(&opts.node_bin)
        .arg("--chain")
        .arg(&spec_path)
        .args([
            "--alice",
            "--tmp",
            "--rpc-port",
            &rpc_port.to_string(),
            "--prometheus-port",
            &metrics_port.to_string(),
        ])
        .args([
            "--pool-limit",
            &(total + 1000).to_string(),
            "--pool-kbytes",
            "1048576",
            "--pool-sender-limit",
            &(opts.per_account + 10).to_string(),
        ])
        .args(["--rpc-max-connections", "10", "--log", "warn"])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("starting {}: {e}", opts.node_bin))?;
    let _node = NodeProcess(child);
    let deadline = Instant::now() + Duration::from_secs(60);
    while http(rpc_port, "system_health", json!([])).is_err() {
        if Instant::now() > deadline {
            return Err("node did not start".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let first_block: u32 = block_number(&http(rpc_port, "chain_getHeader", json!([]))?)?;

    let mut ws = Ws::connect(rpc_port)?;
    let submit_started = Instant::now();
    let (mut accepted, mut refused, mut first_error) = (0usize, 0usize, None);
    for wave in &waves {
        for batch in wave {
            ws.send(batch)?;
        }
        for _ in wave {
            let payload = ws.receive()?.ok_or("socket closed")?;
            let responses: Vec<Value> = serde_json::from_slice(&payload)?;
            for r in responses {
                if r.get("result").is_some() {
                    accepted += 1;
                } else {
                    refused += 1;
                    first_error.get_or_insert_with(|| r.to_string());
                }
            }
        }
    }
    let submitted = submit_started.elapsed();
    if let Some(error) = first_error {
        eprintln!("first refusal: {error}");
    }

    // Follow finality until every accepted transfer is in a finalized block.
    let (mut included, mut next, mut per_block) = (0usize, first_block + 1, Vec::new());
    let deadline = Instant::now() + Duration::from_secs(600);
    while included < accepted && Instant::now() < deadline {
        let finalized_hash = http(rpc_port, "chain_getFinalizedHead", json!([]))?;
        let finalized = block_number(&http(rpc_port, "chain_getHeader", json!([finalized_hash]))?)?;
        while next <= finalized {
            let hash = http(rpc_port, "chain_getBlockHash", json!([next]))?;
            let block = http(rpc_port, "chain_getBlock", json!([hash]))?;
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
    println!("  submission (RPC):   {accepted} accepted, {refused} refused in {:.2} s ({:.0} tx/s validated into the pool)", submitted.as_secs_f64(), accepted as f64 / submitted.as_secs_f64());
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

fn block_number(header: &Value) -> Result<u32, Error> {
    let text = header["number"].as_str().ok_or("header without number")?;
    Ok(u32::from_str_radix(text.trim_start_matches("0x"), 16)?)
}
