//! End-to-end throughput and time to finality of real `entroos-node`
//! processes, on two networks in one run:
//!
//! - **single node**: Alice alone on the dev chain (one-second slots);
//! - **four validators**: Alice, Bob, Charlie and Dave on the local chain
//!   (its own two-second slots), networked over `/ws` on 127.0.0.1 and
//!   finalizing with the weighted finality gadget.
//!
//! Each chain spec endows the same senders; each run pre-signs the same
//! transfers (for its chain's genesis), submits them to Alice over
//! WebSocket (JSON-RPC batches, one wave per nonce; on the four-validator
//! network the pool gossips them to the others) and follows finality on
//! Alice through `chain_subscribeFinalizedHeads`. A transfer's time to
//! finality runs from the arrival of the answer accepting it to the
//! arrival of the finalized head whose block carries it (matched by
//! extrinsic hash). Each run prints finalized transfers per second from
//! the first submission to the finality of the last transfer, the p50,
//! p90, p99 and largest time to finality, the blocks that carried the
//! transfers, Alice's authoring time per transfer and commit time per
//! block, and the ratio of throughput to this machine's sr25519
//! verification rate; a table sets the two runs side by side.
//!
//!     scripts/bench-tps [--accounts 2000] [--per-account 10] [--network single|four|both]
//!
//! (the script builds the node in release mode and runs this example).

#[path = "common/mod.rs"]
mod common;

use common::finality::{self, Finalized, FinalizedHeads, Percentiles};
use common::local::LocalNetwork;
use common::{wait_until, Error, NodeProcess, Options};
use entroos_primitives::crypto::sr25519;
use std::path::Path;
use std::time::{Duration, Instant};

/// How long all accepted transfers may take to be finalized.
const FINALITY_DEADLINE: Duration = Duration::from_secs(600);
/// How long following goes on without any of the transfers left being
/// finalized before it gives up on them.
const STALL: Duration = Duration::from_secs(60);
/// How long a network may take to start and finalize its first block.
const READY_DEADLINE: Duration = Duration::from_secs(120);

/// A network the bench runs against.
#[derive(Clone, Copy, PartialEq)]
enum Network {
    Single,
    Four,
}

impl Network {
    /// The built-in chain its spec starts from.
    fn base_chain(self) -> &'static str {
        match self {
            Network::Single => "dev",
            Network::Four => "local",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Network::Single => "single node",
            Network::Four => "four validators",
        }
    }
}

/// `--network single|four|both`.
fn parse_networks(value: &str) -> Result<Vec<Network>, Error> {
    match value {
        "single" => Ok(vec![Network::Single]),
        "four" => Ok(vec![Network::Four]),
        "both" => Ok(vec![Network::Single, Network::Four]),
        other => Err(format!("--network {other}: expected single, four or both").into()),
    }
}

/// What one run measured.
struct Measured {
    network: Network,
    slot_millis: u64,
    signing: Duration,
    accepted: usize,
    refused: usize,
    submitted_in: Duration,
    finalized: Finalized,
    /// From the first submission to the last transfer reported finalized.
    elapsed: Duration,
    authoring_micros_per_transfer: f64,
    commit_millis_per_block: f64,
}

impl Measured {
    fn tps(&self) -> f64 {
        self.finalized.times.len() as f64 / self.elapsed.as_secs_f64()
    }

    fn blocks_with_transfers(&self) -> usize {
        self.finalized.per_block.iter().filter(|c| **c > 0).count()
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

/// The pool and RPC settings every node of a run gets: room for the
/// whole load.
fn load_args(opts: &Options) -> Vec<String> {
    let total = opts.accounts * opts.per_account as usize;
    [
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
    .to_vec()
}

/// Starts `network` on `spec` and waits until it finalizes; its nodes,
/// Alice first.
fn start(
    network: Network,
    opts: &Options,
    spec: &Path,
    dir: &Path,
) -> Result<Vec<NodeProcess>, Error> {
    let deadline = Instant::now() + READY_DEADLINE;
    if network == Network::Four {
        let local = LocalNetwork::start(&opts.node_bin, spec, dir, &load_args(opts))?;
        local.wait_ready(deadline)?;
        return Ok(local.nodes);
    }
    let text = |path: &Path| {
        path.to_str()
            .map(String::from)
            .ok_or("a UTF-8 temporary path")
    };
    let mut args = vec![
        "--chain".to_string(),
        text(spec)?,
        "--base-path".into(),
        text(&dir.join("alice"))?,
        "--alice".into(),
    ];
    args.extend(load_args(opts));
    let node = NodeProcess::start(&opts.node_bin, &args)?;
    wait_until("the node to finalize a block", deadline, || {
        Ok(common::finalized_number(node.rpc_port)? >= 1)
    })?;
    Ok(vec![node])
}

/// One run on `network`: its own spec, transfers, nodes and figures.
fn measure(network: Network, opts: &Options, senders: &[sr25519::Pair]) -> Result<Measured, Error> {
    let dir = tempfile::tempdir()?;
    let spec = dir.path().join("bench-spec.json");
    let genesis = common::bench_spec(network.base_chain(), senders, &spec)?;
    let started = Instant::now();
    let waves = common::signed_waves(senders, opts.per_account, genesis);
    let signing = started.elapsed();

    let nodes = start(network, opts, &spec, dir.path())?;
    let alice = nodes.first().ok_or("no nodes")?;
    let slot_millis = common::slot_millis(alice.rpc_port)?;
    let first_block = common::best_number(alice.rpc_port)? + 1;
    let heads = FinalizedHeads::subscribe(alice.rpc_port)?;

    let submit_started = Instant::now();
    let submitted = common::submit(alice.rpc_port, &waves)?;
    let submitted_in = submit_started.elapsed();
    if let Some(error) = &submitted.first_error {
        eprintln!("first refusal: {error}");
    }
    let deadline = Instant::now() + FINALITY_DEADLINE;
    let finalized = finality::follow(
        alice.rpc_port,
        &heads,
        first_block,
        &submitted.acknowledged,
        STALL,
        deadline,
    )?;
    let last_at = finalized.last_at.unwrap_or_else(Instant::now);
    Ok(Measured {
        network,
        slot_millis,
        signing,
        accepted: submitted.accepted,
        refused: submitted.refused,
        submitted_in,
        finalized,
        elapsed: last_at.saturating_duration_since(submit_started),
        authoring_micros_per_transfer: authoring_micros(alice)?,
        commit_millis_per_block: commit_millis(alice)?,
    })
}

/// The node's block construction time per transfer it included.
fn authoring_micros(node: &NodeProcess) -> Result<f64, Error> {
    let built = node.metric("substrate_proposer_block_constructed_microseconds_sum")?;
    let included = node.metric("substrate_proposer_transactions_included")?;
    Ok(built / included.max(1.0))
}

/// The node's import (trie delta and RocksDB write) time per block.
fn commit_millis(node: &NodeProcess) -> Result<f64, Error> {
    let import = node.metric("substrate_block_import_time_microseconds_sum")?;
    let imported = node.metric("substrate_block_import_time_microseconds_count")?;
    Ok(import / imported.max(1.0) / 1000.0)
}

fn seconds(duration: Duration) -> String {
    format!("{:.2} s", duration.as_secs_f64())
}

fn print_run(m: &Measured, verify_rate: f64) {
    let where_ = match m.network {
        Network::Single => "Alice alone".to_string(),
        Network::Four => "Alice, Bob, Charlie, Dave; submitted to and followed on Alice".into(),
    };
    println!(
        "{} ({} chain, {} ms slots; {where_})",
        m.network.title(),
        m.network.base_chain(),
        m.slot_millis
    );
    let per_block = &m.finalized.per_block;
    let busiest = per_block.iter().max().copied().unwrap_or(0);
    let carrying: Vec<usize> = per_block.iter().copied().filter(|c| *c > 0).collect();
    println!("  pre-signing:        {:.2} s", m.signing.as_secs_f64());
    println!("  submission (RPC):   {} accepted, {} refused in {:.2} s ({:.0} tx/s validated into the pool)", m.accepted, m.refused, m.submitted_in.as_secs_f64(), m.accepted as f64 / m.submitted_in.as_secs_f64());
    println!("  blocks:             {} of {} finalized blocks carried transfers, at most {busiest} in one: {carrying:?}", carrying.len(), per_block.len());
    println!("  authoring:          {:.1} µs per included transfer on Alice (apply incl. signature check, state reads, roots, seal)", m.authoring_micros_per_transfer);
    println!(
        "  commit:             {:.1} ms per block on Alice on average (trie delta and RocksDB write)",
        m.commit_millis_per_block
    );
    println!(
        "  finalized:          {} transfers in {:.2} s from first submission",
        m.finalized.times.len(),
        m.elapsed.as_secs_f64()
    );
    println!("  throughput:         {:.0} finalized transfers/s", m.tps());
    if let Some(p) = Percentiles::of(&m.finalized.times) {
        println!(
            "  time to finality:   p50 {}, p90 {}, p99 {}, max {} (acknowledged → finalized head reported)",
            seconds(p.p50),
            seconds(p.p90),
            seconds(p.p99),
            seconds(p.max)
        );
    }
    println!(
        "  ratio:              {:.3} (transfers/s ÷ {verify_rate:.0} sr25519 verifications/s)",
        m.tps() / verify_rate
    );
    if m.finalized.missing() > 0 {
        println!(
            "  not finalized:      {} accepted transfers (none of them finalized in the last {} s)",
            m.finalized.missing(),
            STALL.as_secs()
        );
    }
}

/// The runs side by side, one column each.
fn print_summary(runs: &[Measured]) {
    let row = |label: &str, cell: &dyn Fn(&Measured) -> String| {
        let cells: String = runs.iter().map(|m| format!("{:>17}", cell(m))).collect();
        println!("  {label:<26}{cells}");
    };
    let percentile = |pick: fn(&Percentiles) -> Duration| {
        move |m: &Measured| {
            Percentiles::of(&m.finalized.times).map_or("-".into(), |p| seconds(pick(&p)))
        }
    };
    row("summary", &|m| m.network.title().to_string());
    row("slot", &|m| format!("{} ms", m.slot_millis));
    row("finalized transfers/s", &|m| format!("{:.0}", m.tps()));
    row("time to finality p50", &percentile(|p| p.p50));
    row("time to finality p90", &percentile(|p| p.p90));
    row("time to finality p99", &percentile(|p| p.p99));
    row("time to finality max", &percentile(|p| p.max));
    row("blocks carrying transfers", &|m| {
        m.blocks_with_transfers().to_string()
    });
    row("finalized blocks followed", &|m| {
        m.finalized.per_block.len().to_string()
    });
    row("accepted, not finalized", &|m| {
        m.finalized.missing().to_string()
    });
}

fn main() -> Result<(), Error> {
    let mut networks = vec![Network::Single, Network::Four];
    let opts = common::options_with(2000, 10, |flag, value| match flag {
        "--network" => {
            networks = parse_networks(value)?;
            Ok(true)
        }
        _ => Ok(false),
    })?;
    let senders = common::senders(opts.accounts)?;
    let verify_rate = verifications_per_second()?;
    println!(
        "bench-tps: {} transfers from {} accounts ({} each) per network; sr25519 verify {verify_rate:.0}/s (one core)",
        opts.accounts * opts.per_account as usize,
        opts.accounts,
        opts.per_account
    );
    let mut runs = Vec::new();
    for network in networks {
        let measured = measure(network, &opts, &senders)?;
        print_run(&measured, verify_rate);
        runs.push(measured);
    }
    print_summary(&runs);
    let missing: usize = runs.iter().map(|m| m.finalized.missing()).sum();
    if missing > 0 {
        return Err(format!("{missing} accepted transfers were not finalized").into());
    }
    Ok(())
}
