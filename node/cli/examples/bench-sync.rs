//! Sync throughput of a real `entroos-node` beside its authoring rate,
//! from one run:
//!
//! 1. **Authoring.** An authority (Alice) on a chain spec endowing the
//!    senders gets pre-signed transfers over WebSocket (as `bench-tps`
//!    sends them, one wave per nonce, each wave sent once fewer than two
//!    waves' worth wait in its ready queue, so that blocks stay full
//!    without the pool growing to the whole load) and fills blocks with
//!    them. Its rate is the blocks that carry transfers, and the
//!    transfers, over the slots those blocks span (their timestamps).
//! 2. **Peers.** The authority stops; two full nodes start from copies of
//!    its database (each with a node key of its own), and the three run
//!    networked, the authority authoring on.
//! 3. **Sync.** A fresh full node syncs from the three. Its rate is the
//!    same blocks and transfers over the time it took to import them, from
//!    its best block reaching the one before the first transfer block (the
//!    authority authors a few empty blocks before the transfers, so the
//!    node is connected and importing by then) to its reaching the last.
//!
//! It prints both rates, their ratio (goal: sync at least twice the
//! authoring rate), the fresh node's own import time per transfer block
//! (execution, signatures, state root and commit; the empty blocks
//! imported in the same window take well under a millisecond each) beside
//! the wall-clock and processor time per block, and the blocks each peer
//! served.
//!
//!     scripts/bench-sync [--accounts 4000] [--per-account 25]
//!
//! (the script builds the node in release mode and runs this example).

#[path = "common/mod.rs"]
mod common;

use common::{http, Error, NodeProcess, Options};
use entroos_primitives::hashing::storage_prefix;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// One node's command line, without ports.
struct NodeArgs {
    spec: PathBuf,
    base: PathBuf,
    p2p_port: u16,
    bootnodes: Vec<String>,
    extra: Vec<String>,
}

impl NodeArgs {
    fn new(spec: &Path, base: PathBuf) -> Result<Self, Error> {
        Ok(NodeArgs {
            spec: spec.to_path_buf(),
            base,
            p2p_port: common::free_port()?,
            bootnodes: Vec::new(),
            extra: Vec::new(),
        })
    }

    fn start(&self, bin: &str) -> Result<NodeProcess, Error> {
        let mut args: Vec<String> = vec![
            "--chain".into(),
            text(&self.spec)?,
            "--base-path".into(),
            text(&self.base)?,
            "--listen-addr".into(),
            format!("/ip4/127.0.0.1/tcp/{}", self.p2p_port),
            "--no-mdns".into(),
            "--log".into(),
            "warn".into(),
        ];
        if !self.bootnodes.is_empty() {
            args.push("--bootnodes".into());
            args.extend(self.bootnodes.iter().cloned());
        }
        args.extend(self.extra.iter().cloned());
        NodeProcess::start(bin, &args)
    }

    /// The address peers dial, once the node runs.
    fn address(&self, node: &NodeProcess) -> Result<String, Error> {
        let peer_id = http(node.rpc_port, "system_localPeerId", json!([]))?;
        let peer_id = peer_id.as_str().ok_or("no peer id")?;
        Ok(format!(
            "/ip4/127.0.0.1/tcp/{}/p2p/{peer_id}",
            self.p2p_port
        ))
    }
}

fn text(path: &Path) -> Result<String, Error> {
    Ok(path.to_str().ok_or("a UTF-8 temporary path")?.to_string())
}

/// A block that carries transfers: number, transfers, timestamp.
struct Carried {
    number: u32,
    transfers: usize,
    timestamp: u64,
}

/// Follows finality until `accepted` transfers are in finalized blocks;
/// returns the blocks that carry them.
fn follow(rpc_port: u16, from: u32, accepted: usize) -> Result<Vec<Carried>, Error> {
    let (mut included, mut next, mut carried) = (0usize, from, Vec::new());
    let deadline = Instant::now() + Duration::from_secs(900);
    while included < accepted {
        if Instant::now() > deadline {
            return Err(format!("only {included} of {accepted} transfers finalized").into());
        }
        let finalized = common::finalized_number(rpc_port)?;
        while next <= finalized {
            let hash = http(rpc_port, "chain_getBlockHash", json!([next]))?;
            let block = http(rpc_port, "chain_getBlock", json!([hash]))?;
            let transfers = block["block"]["extrinsics"]
                .as_array()
                .map_or(0, |x| x.len().saturating_sub(1));
            if transfers > 0 {
                let timestamp = timestamp_at(rpc_port, &hash)?;
                carried.push(Carried {
                    number: next,
                    transfers,
                    timestamp,
                });
                included += transfers;
            }
            next += 1;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(carried)
}

/// `Timestamp::Now` at block `hash`.
fn timestamp_at(rpc_port: u16, hash: &Value) -> Result<u64, Error> {
    let key = format!("0x{}", hex::encode(storage_prefix("Timestamp", "Now")));
    let value = http(rpc_port, "state_getStorage", json!([key, hash]))?;
    common::decode_hex(&value)
}

/// Empty blocks authored before the transfers are sent.
const LEAD_BLOCKS: u32 = 3;

/// Waits until the node's best block is at least `number`.
fn wait_best(node: &NodeProcess, number: u32) -> Result<(), Error> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while common::best_number(node.rpc_port)? < number {
        if Instant::now() > deadline {
            return Err(format!("no block #{number}").into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

/// Copies a node's chain data to `to`, leaving out its node key.
fn copy_chain(from: &Path, to: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(to)?;
    let status = std::process::Command::new("cp")
        .arg("-a")
        .arg(from.join("chains"))
        .arg(to)
        .status()?;
    if !status.success() {
        return Err("copying the chain data failed".into());
    }
    for chain in std::fs::read_dir(to.join("chains"))? {
        let network = chain?.path().join("network");
        if network.exists() {
            std::fs::remove_dir_all(network)?;
        }
    }
    Ok(())
}

/// What the fresh node did while importing the transfer blocks.
struct Synced {
    /// Wall-clock seconds.
    seconds: f64,
    /// Its own import time (execution, roots, commit), in microseconds.
    import_micros: f64,
    /// Processor seconds it used.
    cpu: f64,
}

/// The import time the node reports, and its processor time.
fn counters(node: &NodeProcess) -> Result<[f64; 2], Error> {
    Ok([
        node.metric("substrate_block_import_time_microseconds_sum")?,
        node.cpu_seconds()?,
    ])
}

/// Times the fresh node from its best block reaching `before` to its
/// reaching `last`.
fn time_sync(node: &NodeProcess, before: u32, last: u32) -> Result<Synced, Error> {
    let deadline = Instant::now() + Duration::from_secs(900);
    let mut started: Option<(Instant, [f64; 2])> = None;
    loop {
        if Instant::now() > deadline {
            return Err("the fresh node did not sync".into());
        }
        let best = common::best_number(node.rpc_port)?;
        if started.is_none() && best >= before {
            started = Some((Instant::now(), counters(node)?));
        }
        if let (Some((at, [sum, cpu])), true) = (started, best >= last) {
            let seconds = at.elapsed().as_secs_f64();
            let [sum_now, cpu_now] = counters(node)?;
            return Ok(Synced {
                seconds,
                import_micros: sum_now - sum,
                cpu: cpu_now - cpu,
            });
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// What the authoring phase produced.
struct Authored {
    accepted: usize,
    first: u32,
    last: u32,
    transfers: usize,
    /// Seconds of the slots the transfer blocks span.
    seconds: f64,
    slot: u64,
    /// Processor seconds the authority used meanwhile.
    cpu: f64,
}

impl Authored {
    fn blocks(&self) -> f64 {
        f64::from(self.last - self.first + 1)
    }
}

/// Phase 1: the authority fills blocks with the transfers, then stops.
fn author(opts: &Options, authority: &NodeArgs, waves: &[common::Wave]) -> Result<Authored, Error> {
    let node = authority.start(&opts.node_bin)?;
    let cpu_before = node.cpu_seconds()?;
    let slot = common::slot_millis(node.rpc_port)?;
    // A few empty blocks first, so that the fresh node's timing below
    // starts once it is connected and importing, not at its start.
    wait_best(&node, LEAD_BLOCKS)?;
    let first_block = common::best_number(node.rpc_port)? + 1;
    let ready_below = (2 * opts.accounts) as f64;
    let submitted = common::submit_paced(&node, waves, ready_below)?;
    if let Some(error) = &submitted.first_error {
        eprintln!("first refusal: {error}");
    }
    let carried = follow(node.rpc_port, first_block, submitted.accepted)?;
    let (Some(first), Some(last)) = (carried.first(), carried.last()) else {
        return Err("no block carried transfers".into());
    };
    let authored = Authored {
        accepted: submitted.accepted,
        first: first.number,
        last: last.number,
        transfers: carried.iter().map(|c| c.transfers).sum(),
        seconds: (last.timestamp - first.timestamp + slot) as f64 / 1000.0,
        slot,
        cpu: node.cpu_seconds()? - cpu_before,
    };
    node.stop()?;
    Ok(authored)
}

/// Phase 2: the authority again, and two full nodes on copies of its
/// chain; their addresses.
fn start_peers(
    opts: &Options,
    dir: &Path,
    authority: &mut NodeArgs,
) -> Result<(Vec<NodeProcess>, Vec<String>), Error> {
    copy_chain(&authority.base, &dir.join("full-1"))?;
    copy_chain(&authority.base, &dir.join("full-2"))?;
    authority.p2p_port = common::free_port()?;
    let alice = authority.start(&opts.node_bin)?;
    let mut addresses = vec![authority.address(&alice)?];
    let mut nodes = vec![alice];
    for name in ["full-1", "full-2"] {
        let mut args = NodeArgs::new(&authority.spec, dir.join(name))?;
        args.bootnodes = vec![addresses[0].clone()];
        let node = args.start(&opts.node_bin)?;
        addresses.push(args.address(&node)?);
        nodes.push(node);
    }
    Ok((nodes, addresses))
}

fn main() -> Result<(), Error> {
    let opts = common::options(4000, 25)?;
    let dir = tempfile::tempdir()?;
    let senders = common::senders(opts.accounts)?;
    let spec = dir.path().join("bench-spec.json");
    let genesis = common::bench_spec("dev", &senders, &spec)?;
    let waves = common::signed_waves(&senders, opts.per_account, genesis);

    let mut authority = NodeArgs::new(&spec, dir.path().join("authority"))?;
    let total = opts.accounts * opts.per_account as usize;
    authority.extra = [
        "--alice",
        "--pool-limit",
        &(total + 1000).to_string(),
        "--pool-kbytes",
        "4194304",
        "--pool-sender-limit",
        &(opts.per_account + 10).to_string(),
    ]
    .map(String::from)
    .to_vec();
    let authored = author(&opts, &authority, &waves)?;
    let (peers, addresses) = start_peers(&opts, dir.path(), &mut authority)?;

    // Phase 3: a fresh node syncs from them.
    let mut fresh_args = NodeArgs::new(&spec, dir.path().join("fresh"))?;
    fresh_args.bootnodes = addresses;
    let fresh = fresh_args.start(&opts.node_bin)?;
    let synced = time_sync(&fresh, authored.first - 1, authored.last)?;
    let peer_count = http(fresh.rpc_port, "system_health", json!([]))?["peers"].clone();
    let served: Vec<f64> = peers
        .iter()
        .map(|node| node.metric("substrate_sync_blocks_served_total"))
        .collect::<Result<_, _>>()?;
    println!(
        "bench-sync: {total} transfers from {} accounts ({} each), {} accepted; {} in blocks #{}..#{}",
        opts.accounts,
        opts.per_account,
        authored.accepted,
        authored.transfers,
        authored.first,
        authored.last
    );
    report(&authored, &synced, &peer_count, &served);
    Ok(())
}

/// Prints the rates, where the time went, and the ratio.
fn report(authored: &Authored, synced: &Synced, peer_count: &Value, served: &[f64]) {
    let blocks = authored.blocks();
    let transfers = authored.transfers as f64;
    let (authoring_secs, sync_secs) = (authored.seconds, synced.seconds);
    let authoring = (blocks / authoring_secs, transfers / authoring_secs);
    let sync = (blocks / sync_secs, transfers / sync_secs);
    println!(
        "  authoring:  {blocks} blocks in {authoring_secs:.2} s of {} ms slots: {:.2} blocks/s, {:.0} transfers/s",
        authored.slot, authoring.0, authoring.1
    );
    println!(
        "  sync:       {blocks} blocks in {sync_secs:.2} s by a fresh node from {peer_count} peers: {:.2} blocks/s, {:.0} transfers/s",
        sync.0, sync.1
    );
    println!(
        "  import:     {:.1} ms per block executing, checking roots and committing; {:.1} ms per block wall clock; {:.1} ms of processor per block",
        synced.import_micros / blocks / 1000.0,
        sync_secs * 1000.0 / blocks,
        synced.cpu * 1000.0 / blocks
    );
    println!(
        "  processor:  the authority used {:.2} s while authoring (taking the transfers in over RPC too), the fresh node {:.2} s while syncing",
        authored.cpu, synced.cpu
    );
    println!("  served:     blocks served by the authority and the two full nodes {served:?}");
    let met = if sync.1 >= 2.0 * authoring.1 {
        "met"
    } else {
        "not met"
    };
    println!(
        "  ratio:      {:.2} (sync ÷ authoring transfers/s; goal >= 2: {met})",
        sync.1 / authoring.1
    );
}
