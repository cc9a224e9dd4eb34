//! What the end-to-end benches share: a chain spec endowing the senders,
//! pre-signed transfers submitted over WebSocket in waves, JSON-RPC over
//! HTTP, and node processes killed when dropped.
#![allow(dead_code)]

#[path = "../../tests/support/http.rs"]
pub mod http;
#[path = "../../tests/support/ws.rs"]
pub mod ws;

use entroos_executor::testing::{sign, transfer_keep_alive, SigningContext};
use entroos_node::chain_spec::ChainSpec;
use entroos_primitives::crypto::sr25519;
use entroos_primitives::{AccountId32, H256};
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use ws::Ws;

pub type Error = Box<dyn std::error::Error + Send + Sync>;

pub fn free_port() -> Result<u16, Error> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// `count` sender keys.
pub fn senders(count: usize) -> Result<Vec<sr25519::Pair>, Error> {
    (0..count)
        .map(|i| sr25519::Pair::from_uri(&format!("//bench//{i}")).map_err(Into::into))
        .collect()
}

/// Writes the dev chain spec with `senders` endowed as well to `path`;
/// returns its genesis hash.
pub fn bench_spec(senders: &[sr25519::Pair], path: &Path) -> Result<H256, Error> {
    let mut spec: Value = serde_json::from_str(&ChainSpec::load("dev")?.to_json(false)?)?;
    let balances = spec["genesis"]["runtimeGenesis"]["patch"]["balances"]["balances"]
        .as_array_mut()
        .ok_or("dev spec has no balances")?;
    for pair in senders {
        balances.push(json!([AccountId32(pair.public()).to_string(), 1u64 << 50]));
    }
    std::fs::write(path, serde_json::to_vec(&spec)?)?;
    Ok(ChainSpec::from_file(path)?.genesis_hash())
}

/// Pre-signed `author_submitExtrinsic` batches: one wave per nonce (so
/// that no transfer reaches the pool before the one it depends on), each
/// wave in batches of 500 senders, every sender paying the next one.
pub fn signed_waves(
    senders: &[sr25519::Pair],
    per_account: u32,
    genesis: H256,
) -> Vec<Vec<String>> {
    let mut waves = Vec::new();
    for nonce in 0..per_account {
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
    waves
}

/// What the pool said to the submissions.
pub struct Submitted {
    pub accepted: usize,
    pub refused: usize,
    pub first_error: Option<String>,
}

/// Sends the waves over one WebSocket, each wave's answers awaited before
/// the next wave.
pub fn submit(rpc_port: u16, waves: &[Vec<String>]) -> Result<Submitted, Error> {
    submit_with(rpc_port, waves, || Ok(()))
}

/// As [`submit`], each wave sent only once the node's ready queue (its
/// `substrate_ready_transactions_number`) is at most `ready_below`: the
/// pool is kept fed without growing without end.
pub fn submit_paced(
    node: &NodeProcess,
    waves: &[Vec<String>],
    ready_below: f64,
) -> Result<Submitted, Error> {
    submit_with(node.rpc_port, waves, || loop {
        if node.metric("substrate_ready_transactions_number")? <= ready_below {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(20));
    })
}

fn submit_with(
    rpc_port: u16,
    waves: &[Vec<String>],
    mut before_wave: impl FnMut() -> Result<(), Error>,
) -> Result<Submitted, Error> {
    let mut ws = Ws::connect(rpc_port)?;
    let mut submitted = Submitted {
        accepted: 0,
        refused: 0,
        first_error: None,
    };
    for wave in waves {
        before_wave()?;
        for batch in wave {
            ws.send(batch)?;
        }
        for _ in wave {
            let payload = ws.receive()?.ok_or("socket closed")?;
            let responses: Vec<Value> = serde_json::from_slice(&payload)?;
            for r in responses {
                if r.get("result").is_some() {
                    submitted.accepted += 1;
                } else {
                    submitted.refused += 1;
                    submitted.first_error.get_or_insert_with(|| r.to_string());
                }
            }
        }
    }
    Ok(submitted)
}

/// A JSON-RPC call over HTTP: its result.
pub fn http(port: u16, method: &str, params: Value) -> Result<Value, Error> {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
    let json: Value = serde_json::from_str(&http::post_json(port, body.as_bytes())?.body)?;
    json.get("result")
        .cloned()
        .ok_or_else(|| format!("{method}: {json}").into())
}

/// A header's number.
pub fn block_number(header: &Value) -> Result<u32, Error> {
    let text = header["number"].as_str().ok_or("header without number")?;
    Ok(u32::from_str_radix(text.trim_start_matches("0x"), 16)?)
}

/// The best block's number.
pub fn best_number(port: u16) -> Result<u32, Error> {
    block_number(&http(port, "chain_getHeader", json!([]))?)
}

/// The finalized block's number.
pub fn finalized_number(port: u16) -> Result<u32, Error> {
    let hash = http(port, "chain_getFinalizedHead", json!([]))?;
    block_number(&http(port, "chain_getHeader", json!([hash]))?)
}

/// A node process, killed when dropped.
pub struct NodeProcess {
    child: Child,
    pub rpc_port: u16,
    pub metrics_port: u16,
}

impl NodeProcess {
    /// Starts `bin` with `args` (ports added) and waits until it answers;
    /// a node that exits at once (a port taken meanwhile) is started again
    /// on other ports, three times at most.
    pub fn start(bin: &str, args: &[String]) -> Result<NodeProcess, Error> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            match Self::start_once(bin, args)? {
                Some(node) => return Ok(node),
                None if attempts < 3 => continue,
                None => return Err(format!("{bin} exited at start {attempts} times").into()),
            }
        }
    }

    fn start_once(bin: &str, args: &[String]) -> Result<Option<NodeProcess>, Error> {
        let (rpc_port, metrics_port) = (free_port()?, free_port()?);
        let child = Command::new(bin)
            .args(args)
            .args(["--rpc-port", &rpc_port.to_string()])
            .args(["--prometheus-port", &metrics_port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("starting {bin}: {e}"))?;
        let mut node = NodeProcess {
            child,
            rpc_port,
            metrics_port,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while http(rpc_port, "system_health", json!([])).is_err() {
            if node.child.try_wait()?.is_some() {
                return Ok(None);
            }
            if Instant::now() > deadline {
                return Err("node did not start".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(Some(node))
    }

    /// SIGTERM, and wait for the exit.
    pub fn stop(mut self) -> Result<(), Error> {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()?;
        self.child.wait()?;
        Ok(())
    }

    /// A metric's value.
    pub fn metric(&self, name: &str) -> Result<f64, Error> {
        Ok(http::metric(self.metrics_port, name)?)
    }

    /// The processor time the node has used so far (user and system, from
    /// `/proc/<pid>/stat`, in the kernel's 100 Hz ticks), in seconds.
    pub fn cpu_seconds(&self) -> Result<f64, Error> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id()))?;
        let after_name = stat.rsplit_once(')').ok_or("no process name")?.1;
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        let ticks = |index: usize| -> Result<f64, Error> {
            Ok(fields.get(index).ok_or("short stat")?.parse::<f64>()?)
        };
        // utime and stime are fields 14 and 15; after the name, 12 and 13.
        Ok((ticks(11)? + ticks(12)?) / 100.0)
    }
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The benches' command line: the node binary and the transfer load.
pub struct Options {
    /// The `entroos-node` to start.
    pub node_bin: String,
    /// How many sending accounts.
    pub accounts: usize,
    /// How many transfers each account sends.
    pub per_account: u32,
}

/// Reads `--node-bin`, `--accounts` and `--per-account`, starting from
/// the bench's own load defaults.
pub fn options(accounts: usize, per_account: u32) -> Result<Options, Error> {
    let mut opts = Options {
        node_bin: "target/release/entroos-node".into(),
        accounts,
        per_account,
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
