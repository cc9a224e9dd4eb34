//! Durability: a node killed with SIGKILL at a random moment under a load
//! of transfers, 20 times over the same base path, always reopens with
//! consistent heads, balances that add up to the total issuance, every
//! block it had reported finalized still there, unchanged, and (with state
//! pruning on) every state inside the pruning window still readable.

mod support;

use codec::Decode;
use entroos_primitives::hashing::storage_prefix;
use entroos_primitives::{AccountId32, H256};
use pallet_balances::AccountData;
use pallet_system::AccountInfo;
use rand::Rng;
use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::*;

const ROUNDS: usize = 20;

/// Sum of free + reserved over every account, and the total issuance, at `at`.
fn balances_at(node: &Node, at: H256) -> (u128, u128) {
    let prefix = storage_prefix("System", "Account");
    let mut sum = 0u128;
    for key in node.keys(&prefix, at) {
        let raw = node
            .storage(&key, Some(at))
            .expect("listed key has a value");
        let info = AccountInfo::<AccountData>::decode(&mut &raw[..]).expect("AccountInfo");
        sum += info.data.free + info.data.reserved;
    }
    let issuance = node
        .storage(&storage_prefix("Balances", "TotalIssuance"), Some(at))
        .map(|raw| u128::decode(&mut &raw[..]).expect("u128"))
        .unwrap_or(0);
    (sum, issuance)
}

/// Submits transfers from the dev accounts to fresh accounts until `stop`.
fn load(rpc_port: u16, genesis: H256, stop: Arc<AtomicBool>) {
    let signers = dev_signers();
    let mut rng = rand::thread_rng();
    while !stop.load(Ordering::Relaxed) {
        let mut calls = Vec::new();
        for signer in &signers {
            let Some(nonce) = next_nonce(rpc_port, &account(signer)) else {
                return;
            };
            for offset in 0..4 {
                let to = AccountId32(rng.gen());
                let xt = signed_transfer(
                    genesis,
                    signer,
                    nonce + offset,
                    to,
                    2_000_000_000 + u128::from(rng.gen::<u16>()),
                );
                calls.push(json!({"jsonrpc": "2.0", "id": calls.len(), "method": "author_submitExtrinsic", "params": [hex_of(&xt)]}));
            }
        }
        if http::post_json(
            rpc_port,
            serde_json::Value::Array(calls).to_string().as_bytes(),
        )
        .is_err()
        {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The next nonce of `who`, or `None` once the node is gone.
fn next_nonce(rpc_port: u16, who: &AccountId32) -> Option<u32> {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "system_accountNextIndex", "params": [who.to_string()]});
    let response = http::post_json(rpc_port, body.to_string().as_bytes()).ok()?;
    let json: serde_json::Value = serde_json::from_str(&response.body).ok()?;
    json["result"].as_u64().map(|n| n as u32)
}

#[test]
fn sigkill_under_load_loses_nothing_finalized_in_archive_mode() {
    sigkill_rounds(None);
}

#[test]
fn sigkill_under_load_loses_nothing_finalized_with_state_pruning() {
    sigkill_rounds(Some(16));
}

/// The states of the last `keep` finalized blocks answer storage reads.
/// The node keeps finalizing meanwhile, so a state found pruned must have
/// left the window by the time of the read.
fn check_window(node: &Node, finalized: u32, keep: u32, round: usize) {
    let issuance = storage_prefix("Balances", "TotalIssuance");
    for number in finalized.saturating_sub(keep - 1)..=finalized {
        let hash = parse_hash(&node.rpc("chain_getBlockHash", json!([number])));
        let read = node.try_rpc(
            "state_getStorage",
            json!([hex_of(&issuance), format!("{hash}")]),
        );
        if read.is_ok_and(|r| r.get("result").is_some_and(|v| !v.is_null())) {
            continue;
        }
        let now = node.finalized().0;
        assert!(
            number.saturating_add(keep) <= now,
            "round {round}: state of #{number} inside the pruning window (finalized #{now}) is unreadable"
        );
    }
}

fn sigkill_rounds(keep: Option<u32>) {
    let pruning = keep.map_or("archive".to_string(), |k| k.to_string());
    let dir = tempfile::tempdir().expect("tempdir");
    let mut heights: Vec<(u32, u32)> = Vec::new();
    let mut before_kill = 0u32;
    let mut rng = rand::thread_rng();
    let mut finalized_seen: Vec<(u32, H256, serde_json::Value)> = Vec::new();
    let mut transfers_checked = 0usize;
    for round in 0..ROUNDS {
        let node = Node::start(dir.path(), &["--state-pruning", &pruning]);
        let genesis = node.genesis();

        // Reopened consistent: heads name stored blocks, finalized <= best.
        // Finalized first: a block may land between the two reads, and the
        // best only ever moves forward.
        let (fin, fin_hash) = node.finalized();
        let (best, best_hash) = node.best();
        assert!(
            fin <= best,
            "round {round}: finalized #{fin} above best #{best}"
        );
        assert!(
            fin >= before_kill,
            "round {round}: finalized went back from #{before_kill} to #{fin}"
        );
        if round > 0 {
            heights.push((before_kill, fin));
        }
        if let Some(keep) = keep {
            check_window(&node, fin, keep, round);
        }
        assert_eq!(
            parse_hash(&node.rpc("chain_getBlockHash", json!([fin]))),
            fin_hash
        );
        assert!(node
            .rpc("chain_getHeader", json!([format!("{best_hash}")]))
            .is_object());

        // Every block reported finalized before a kill is still there, unchanged.
        for (number, hash, block) in &finalized_seen {
            assert_eq!(
                parse_hash(&node.rpc("chain_getBlockHash", json!([number]))),
                *hash,
                "round {round}: finalized #{number} lost"
            );
            assert_eq!(
                &node.rpc("chain_getBlock", json!([format!("{hash}")]))["block"],
                block,
                "round {round}: block #{number} changed"
            );
        }

        // Balances add up at the head.
        let (sum, issuance) = balances_at(&node, fin_hash);
        assert_eq!(
            sum, issuance,
            "round {round}: balances do not add up to the total issuance"
        );

        // Load, then kill at a random moment.
        node.wait_best(best + 1, Duration::from_secs(30));
        let stop = Arc::new(AtomicBool::new(false));
        let loader = {
            let (port, stop) = (node.rpc_port, stop.clone());
            std::thread::spawn(move || load(port, genesis, stop))
        };
        let kill_at = Instant::now() + Duration::from_millis(rng.gen_range(300..2500));
        while Instant::now() < kill_at {
            let (number, hash) = node.finalized();
            if finalized_seen.last().is_none_or(|(n, _, _)| *n < number) {
                let block = node.rpc("chain_getBlock", json!([format!("{hash}")]))["block"].clone();
                transfers_checked += block["extrinsics"]
                    .as_array()
                    .map_or(0, |x| x.len().saturating_sub(1));
                finalized_seen.push((number, hash, block));
            }
            std::thread::sleep(Duration::from_millis(rng.gen_range(20..200)));
        }
        before_kill = node.finalized().0;
        node.kill9();
        stop.store(true, Ordering::Relaxed);
        loader.join().expect("load thread");
    }
    assert!(
        finalized_seen.len() >= ROUNDS,
        "too few finalized blocks observed: {}",
        finalized_seen.len()
    );
    assert!(
        transfers_checked > 0,
        "no transfer was finalized under load"
    );
    let heights: Vec<String> = heights
        .iter()
        .map(|(before, after)| format!("#{before}->#{after}"))
        .collect();
    eprintln!(
        "state pruning {pruning}: {ROUNDS} kills; {} finalized blocks holding {transfers_checked} transfers survived them all; finalized before->after each kill: {}",
        finalized_seen.len(),
        heights.join(" ")
    );
}
