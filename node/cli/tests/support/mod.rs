//! Runs real `entroos-node` processes on 127.0.0.1 and talks JSON-RPC to
//! them over HTTP. Every wait is on a condition with a deadline; nodes are
//! killed when dropped.
#![allow(dead_code, unused_imports)]

pub mod http;
pub mod local;
pub mod ws;

use codec::Decode;
use entroos_consensus_primitives::{find_pre_digest, EpochInfo, PreDigest};
pub use entroos_executor::testing::account;
use entroos_executor::testing::{sign, transfer_keep_alive, SigningContext};
use entroos_primitives::crypto::sr25519;
use entroos_primitives::{AccountId32, H256};
use entroos_primitives::{Digest, DigestItem};
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A free port on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Polls `check` every 50 ms until it returns `Some`, or panics after `timeout`.
pub fn wait_for<T>(what: &str, timeout: Duration, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {timeout:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A node process.
pub struct Node {
    child: Child,
    /// Its RPC port.
    pub rpc_port: u16,
    /// Its Prometheus port.
    pub metrics_port: u16,
    /// Its base path.
    pub base: PathBuf,
}

impl Node {
    /// Starts a dev node on `base` (kept across restarts) without mDNS, so
    /// that concurrent tests' nodes stay apart, and waits until it answers.
    pub fn start(base: &Path, extra: &[&str]) -> Node {
        let chain: &[&str] = match extra.contains(&"--no-mdns") {
            true => &["--dev"],
            false => &["--dev", "--no-mdns"],
        };
        Node::start_on(base, chain, extra)
    }

    /// Starts a node with `chain` arguments (`--dev`, or `--chain …`) on
    /// `base` and waits until it answers.
    pub fn start_on(base: &Path, chain: &[&str], extra: &[&str]) -> Node {
        let (rpc_port, metrics_port) = (free_port(), free_port());
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(base.join("node.log"))
            .expect("log file");
        let child = Command::new(env!("CARGO_BIN_EXE_entroos-node"))
            .args(chain)
            .arg("--base-path")
            .arg(base)
            .args([
                "--rpc-port",
                &rpc_port.to_string(),
                "--prometheus-port",
                &metrics_port.to_string(),
            ])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("spawn entroos-node");
        let mut node = Node {
            child,
            rpc_port,
            metrics_port,
            base: base.to_path_buf(),
        };
        wait_for("the node's JSON-RPC", Duration::from_secs(60), || {
            if let Ok(Some(status)) = node.child.try_wait() {
                panic!("node exited with {status}:\n{}", node.log_tail());
            }
            node.try_rpc("system_health", json!([])).ok()
        });
        node
    }

    /// The last lines of its log.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.base.join("node.log")).unwrap_or_default();
        text.lines()
            .rev()
            .take(30)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGTERM, and wait for a clean exit.
    pub fn stop(mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            assert!(Instant::now() < deadline, "node did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILL, and reap.
    pub fn kill9(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Resident memory in KiB.
    pub fn rss_kib(&self) -> u64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    /// Sends a raw HTTP body; returns the status code and response body.
    pub fn post_raw(&self, body: &[u8]) -> std::io::Result<(u16, String)> {
        let response = http::post_json(self.rpc_port, body)?;
        Ok((response.status, response.body))
    }

    /// A JSON-RPC call: the whole response object.
    pub fn try_rpc(&self, method: &str, params: Value) -> std::io::Result<Value> {
        let body =
            json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
        let text = http::post_json(self.rpc_port, body.as_bytes())?.body;
        serde_json::from_str(&text).map_err(std::io::Error::other)
    }

    /// A JSON-RPC call that must succeed: its result.
    pub fn rpc(&self, method: &str, params: Value) -> Value {
        let response = self
            .try_rpc(method, params.clone())
            .unwrap_or_else(|e| panic!("{method}: {e}"));
        match response.get("result") {
            Some(result) => result.clone(),
            None => panic!("{method}({params}) failed: {response}"),
        }
    }

    /// A batch of calls; the responses in request order.
    pub fn batch(&self, calls: &[(&str, Value)]) -> Vec<Value> {
        let requests: Vec<Value> = calls
            .iter()
            .enumerate()
            .map(|(id, (m, p))| json!({"jsonrpc": "2.0", "id": id, "method": m, "params": p}))
            .collect();
        let text = http::post_json(self.rpc_port, Value::Array(requests).to_string().as_bytes())
            .expect("batch")
            .body;
        let mut responses: Vec<Value> = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("batch response {e}: {text:.300}"));
        responses.sort_by_key(|r| r["id"].as_u64());
        responses
    }

    /// `(number, hash)` of the best block.
    pub fn best(&self) -> (u32, H256) {
        // A best block on a branch that finality just discarded has no
        // header any more: ask again for the new best one.
        let header = wait_for("the best header", Duration::from_secs(10), || {
            let header = self.rpc("chain_getHeader", json!([]));
            header.is_object().then_some(header)
        });
        (
            number_of(&header),
            parse_hash(&self.rpc("chain_getBlockHash", json!([number_of(&header)]))),
        )
    }

    /// `(number, hash)` of the last finalized block.
    pub fn finalized(&self) -> (u32, H256) {
        let hash = self.rpc("chain_getFinalizedHead", json!([]));
        let header = self.rpc("chain_getHeader", json!([hash]));
        (number_of(&header), parse_hash(&hash))
    }

    /// The genesis hash.
    pub fn genesis(&self) -> H256 {
        parse_hash(&self.rpc("chain_getBlockHash", json!([0])))
    }

    /// Waits until the best block is at least `number`.
    pub fn wait_best(&self, number: u32, timeout: Duration) {
        wait_for(&format!("best block #{number}"), timeout, || {
            (self.best().0 >= number).then_some(())
        });
    }

    /// The account's next nonce (pool included).
    pub fn next_nonce(&self, who: &AccountId32) -> u32 {
        self.rpc("system_accountNextIndex", json!([who.to_string()]))
            .as_u64()
            .expect("nonce") as u32
    }

    /// Raw storage at `at` (best if `None`).
    pub fn storage(&self, key: &[u8], at: Option<H256>) -> Option<Vec<u8>> {
        let params = match at {
            Some(at) => json!([hex_of(key), format!("{at}")]),
            None => json!([hex_of(key)]),
        };
        self.rpc("state_getStorage", params)
            .as_str()
            .map(|s| hex::decode(&s[2..]).expect("hex"))
    }

    /// Every key under `prefix` at `at`.
    pub fn keys(&self, prefix: &[u8], at: H256) -> Vec<Vec<u8>> {
        let mut keys = Vec::new();
        loop {
            let start = keys.last().map(|k: &Vec<u8>| hex_of(k));
            let page = self.rpc(
                "state_getKeysPaged",
                json!([hex_of(prefix), 1000, start, format!("{at}")]),
            );
            let page: Vec<Vec<u8>> = page
                .as_array()
                .expect("keys")
                .iter()
                .map(|k| hex::decode(&k.as_str().expect("key")[2..]).expect("hex"))
                .collect();
            let done = page.len() < 1000;
            keys.extend(page);
            if done {
                return keys;
            }
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `0x…` of bytes.
pub fn hex_of(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// A hash from its JSON string.
pub fn parse_hash(value: &Value) -> H256 {
    value
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not a hash: {value}"))
}

/// A header's number.
pub fn number_of(header: &Value) -> u32 {
    u32::from_str_radix(
        header["number"]
            .as_str()
            .expect("number")
            .trim_start_matches("0x"),
        16,
    )
    .expect("hex number")
}

/// The slot claim of a header in its JSON form (its `entr` pre-digest).
pub fn claim_of(header: &Value) -> PreDigest {
    let logs = header["digest"]["logs"]
        .as_array()
        .expect("digest logs")
        .iter()
        .map(|log| {
            let bytes = hex::decode(&log.as_str().expect("hex log")[2..]).expect("hex");
            DigestItem::decode(&mut &bytes[..]).expect("a digest item")
        })
        .collect();
    find_pre_digest(&Digest { logs }).expect("a slot claim")
}

/// The epoch the runtime reports as current at block `at` (`current`) or
/// the one after it.
pub fn epoch_at(node: &Node, at: H256, current: bool) -> EpochInfo {
    let method = match current {
        true => "EntropyApi_current_epoch",
        false => "EntropyApi_next_epoch",
    };
    let answer = node.rpc("state_call", json!([method, "0x", format!("{at}")]));
    let bytes = hex::decode(&answer.as_str().expect("hex")[2..]).expect("hex");
    EpochInfo::decode(&mut &bytes[..]).expect("an epoch")
}

/// The sr25519 slot key of the authority that claimed the block `hash`
/// (its pre-digest's index in the epoch its parent's state assigns the
/// slot to).
pub fn author_of(node: &Node, hash: H256) -> [u8; 32] {
    let header = node.rpc("chain_getHeader", json!([format!("{hash}")]));
    let claim = claim_of(&header);
    let parent = parse_hash(&header["parentHash"]);
    let current = epoch_at(node, parent, true);
    let in_current = match current.start_slot {
        None => true,
        Some(start) => claim.slot() < start + current.length,
    };
    let epoch = match in_current {
        true => current,
        false => epoch_at(node, parent, false),
    };
    epoch.authorities[claim.authority_index() as usize].vrf_key
}

/// The dev accounts that sign test transfers.
pub fn dev_signers() -> Vec<sr25519::Pair> {
    entroos_executor::genesis::dev_uris()
        .iter()
        .map(|uri| sr25519::Pair::from_uri(uri).expect("dev key"))
        .collect()
}

/// A signed, immortal transfer.
pub fn signed_transfer(
    genesis: H256,
    from: &sr25519::Pair,
    nonce: u32,
    to: AccountId32,
    value: u128,
) -> Vec<u8> {
    let ctx = SigningContext::immortal_on(genesis, nonce);
    sign(transfer_keep_alive(to, value), from, ctx)
}
