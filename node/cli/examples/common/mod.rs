//! What the end-to-end benches share: a chain spec endowing the senders,
//! pre-signed transfers submitted over WebSocket in waves (each accepted
//! transfer's hash and the moment its acknowledgement arrived recorded),
//! JSON-RPC over HTTP, node processes killed when dropped, the four
//! validators of the local chain as a network, and finality followed over
//! a `chain_subscribeFinalizedHeads` subscription.
#![allow(dead_code)]

pub mod finality;
#[path = "../../tests/support/http.rs"]
pub mod http;
pub mod local;
#[path = "../../tests/support/ws.rs"]
pub mod ws;

use codec::Decode;
use entroos_executor::testing::{sign, transfer_keep_alive, SigningContext};
use entroos_node::chain_spec::ChainSpec;
use entroos_primitives::crypto::sr25519;
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::{AccountId32, H256};
use serde_json::{json, Value};
use std::collections::HashMap;
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

/// Writes the built-in chain spec `base` (`dev`, `local`) with `senders`
/// endowed as well to `path`; returns its genesis hash. Everything else
/// (validators, slot duration) is `base`'s own.
pub fn bench_spec(base: &str, senders: &[sr25519::Pair], path: &Path) -> Result<H256, Error> {
    let mut spec: Value = serde_json::from_str(&ChainSpec::load(base)?.to_json(false)?)?;
    let balances = spec["genesis"]["runtimeGenesis"]["patch"]["balances"]["balances"]
        .as_array_mut()
        .ok_or_else(|| format!("the {base} spec has no balances"))?;
    for pair in senders {
        balances.push(json!([AccountId32(pair.public()).to_string(), 1u64 << 50]));
    }
    std::fs::write(path, serde_json::to_vec(&spec)?)?;
    Ok(ChainSpec::from_file(path)?.genesis_hash())
}

/// A transfer's hash: blake2_256 of its encoded extrinsic, as the pool
/// and the blocks' bodies have it.
pub type TxHash = [u8; 32];

/// The transfers of one nonce: JSON-RPC batches of
/// `author_submitExtrinsic` calls, and the hash of each sender's transfer
/// (the call's `id` is the sender's index).
pub struct Wave {
    pub batches: Vec<String>,
    pub hashes: Vec<TxHash>,
}

/// Pre-signed `author_submitExtrinsic` batches: one wave per nonce (so
/// that no transfer reaches the pool before the one it depends on), each
/// wave in batches of 500 senders, every sender paying the next one.
pub fn signed_waves(senders: &[sr25519::Pair], per_account: u32, genesis: H256) -> Vec<Wave> {
    (0..per_account)
        .map(|nonce| signed_wave(senders, nonce, genesis))
        .collect()
}

fn signed_wave(senders: &[sr25519::Pair], nonce: u32, genesis: H256) -> Wave {
    let mut wave = Wave {
        batches: Vec::new(),
        hashes: Vec::new(),
    };
    for chunk in senders.chunks(500) {
        let mut calls = Vec::new();
        for from in chunk {
            let id = wave.hashes.len();
            let to = AccountId32(senders[(id + 1) % senders.len()].public());
            let ctx = SigningContext::immortal_on(genesis, nonce);
            let xt = sign(transfer_keep_alive(to, 1_000_000_000_000), from, ctx);
            wave.hashes.push(blake2_256(&xt));
            calls.push(json!({"jsonrpc": "2.0", "id": id, "method": "author_submitExtrinsic", "params": [format!("0x{}", hex::encode(xt))]}));
        }
        wave.batches.push(Value::Array(calls).to_string());
    }
    wave
}

/// What the pool said to the submissions.
pub struct Submitted {
    pub accepted: usize,
    pub refused: usize,
    pub first_error: Option<String>,
    /// Each accepted transfer's hash, and when the answer accepting it
    /// arrived.
    pub acknowledged: HashMap<TxHash, Instant>,
}

/// Sends the waves over one WebSocket, each wave's answers awaited before
/// the next wave.
pub fn submit(rpc_port: u16, waves: &[Wave]) -> Result<Submitted, Error> {
    submit_with(rpc_port, waves, || Ok(()))
}

/// As [`submit`], each wave sent only once the node's ready queue (its
/// `substrate_ready_transactions_number`) is at most `ready_below`: the
/// pool is kept fed without growing without end.
pub fn submit_paced(
    node: &NodeProcess,
    waves: &[Wave],
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
    waves: &[Wave],
    mut before_wave: impl FnMut() -> Result<(), Error>,
) -> Result<Submitted, Error> {
    let mut ws = Ws::connect(rpc_port)?;
    let mut submitted = Submitted {
        accepted: 0,
        refused: 0,
        first_error: None,
        acknowledged: HashMap::new(),
    };
    for wave in waves {
        before_wave()?;
        for batch in &wave.batches {
            ws.send(batch)?;
        }
        for _ in &wave.batches {
            let payload = ws.receive()?.ok_or("socket closed")?;
            submitted.record(wave, &payload, Instant::now())?;
        }
    }
    Ok(submitted)
}

impl Submitted {
    /// Counts the answers to one of `wave`'s batches, received `at`.
    fn record(&mut self, wave: &Wave, payload: &[u8], at: Instant) -> Result<(), Error> {
        let responses: Vec<Value> = serde_json::from_slice(payload)?;
        for r in responses {
            if r.get("result").is_none() {
                self.refused += 1;
                self.first_error.get_or_insert_with(|| r.to_string());
                continue;
            }
            let id = r["id"].as_u64().ok_or("an answer without a numeric id")?;
            let hash = usize::try_from(id)
                .ok()
                .and_then(|id| wave.hashes.get(id))
                .ok_or_else(|| format!("an answer to unknown call {id}"))?;
            self.accepted += 1;
            self.acknowledged.insert(*hash, at);
        }
        Ok(())
    }
}

/// A JSON-RPC call over HTTP: its result.
pub fn http(port: u16, method: &str, params: Value) -> Result<Value, Error> {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
    let json: Value = serde_json::from_str(&http::post_json(port, body.as_bytes())?.body)?;
    json.get("result")
        .cloned()
        .ok_or_else(|| format!("{method}: {json}").into())
}

/// A SCALE value from its `0x` hex form.
pub fn decode_hex<T: Decode>(value: &Value) -> Result<T, Error> {
    let text = value.as_str().ok_or("no value")?;
    let bytes = hex::decode(text.trim_start_matches("0x"))?;
    Ok(T::decode(&mut &bytes[..])?)
}

/// The chain's slot length in milliseconds, from the runtime.
pub fn slot_millis(rpc_port: u16) -> Result<u64, Error> {
    decode_hex(&http(
        rpc_port,
        "state_call",
        json!(["EntropyApi_slot_duration", "0x"]),
    )?)
}

/// Polls `check` every 20 ms until it holds; an error naming `what` once
/// `deadline` has passed.
pub fn wait_until(
    what: &str,
    deadline: Instant,
    mut check: impl FnMut() -> Result<bool, Error>,
) -> Result<(), Error> {
    while !check()? {
        if Instant::now() > deadline {
            return Err(format!("timed out waiting for {what}").into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
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
    options_with(accounts, per_account, |_, _| Ok(false))
}

/// As [`options`], every other flag and its value offered to `extra`
/// first, which says whether it took it.
pub fn options_with(
    accounts: usize,
    per_account: u32,
    mut extra: impl FnMut(&str, &str) -> Result<bool, Error>,
) -> Result<Options, Error> {
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
            other if extra(other, &value)? => {}
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    Ok(opts)
}
