//! The attacks, one per harness identity: garbage and oversized bytes on
//! each protocol (handshakes and responses included), another chain's
//! handshake, an announcement flood, and invalid blocks served in answer
//! to the node's own requests (sealed by a key outside the authority set,
//! or by the authority itself with a body unlike the header). Each ends by
//! checking that the node banned the attacker ([`assert_banned`]).

use crate::harness::{self, Harness, Setup};
use crate::pair::Pair;
use crate::support::wait_for;
use crate::{assert_banned, connected, Logged, WAIT};
use codec::Encode;
use entroos_client::verify::seal_header;
use entroos_client_api::slot_at;
use entroos_consensus_slots::PreDigest;
use entroos_network_api::{
    BlockAnnounce, BlockData, BlockRequest, BlockResponse, FromBlock, Roles, Status,
    MAX_ANNOUNCE_BYTES, MAX_REQUEST_BYTES, MAX_RESPONSE_BYTES, MAX_STATUS_BYTES,
    MAX_TRANSACTIONS_BYTES,
};
use entroos_primitives::crypto::sr25519;
use entroos_primitives::{Digest, Header, OpaqueExtrinsic, H256};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::runtime::Handle;

/// An attack on the pair's full node.
pub type Attack = fn(&Pair, &Handle);

/// Every attack, by name.
pub const ALL: [(&str, Attack); 12] = [
    ("garbage announcements", garbage_announcements),
    ("garbage transactions", garbage_transactions),
    ("garbage requests", garbage_requests),
    ("another chain's handshake", another_chains_handshake),
    ("an oversized announcement", oversized_announcement),
    ("an oversized transactions message", oversized_transactions),
    ("an oversized request", oversized_request),
    ("an oversized handshake", oversized_handshake),
    ("an oversized response", oversized_response),
    ("an announcement flood", announcement_flood),
    ("badly sealed blocks", badly_sealed_blocks),
    ("blocks unlike their header", blocks_unlike_their_header),
];

/// A header that is no block of the chain: number 0, so the node ignores
/// it after the rate limit.
fn stray_header(n: u32) -> Header {
    let mut parent = [0u8; 32];
    parent[..4].copy_from_slice(&n.to_le_bytes());
    Header {
        parent_hash: H256(parent),
        number: 0,
        ..Default::default()
    }
}

fn garbage_announcements(pair: &Pair, rt: &Handle) {
    let (harness, refused) = connected(pair, rt, Setup::honest(&pair.target));
    for _ in 0..8 {
        let _ = harness.announce(vec![0xde, 0xad, 0xbe, 0xef]);
    }
    assert_banned(pair, &harness, refused, Logged::Reputation("BadMessage"));
}

fn garbage_transactions(pair: &Pair, rt: &Handle) {
    let (harness, refused) = connected(pair, rt, Setup::honest(&pair.target));
    for _ in 0..8 {
        // One transaction declared, none follows.
        let _ = harness.send_transactions(vec![0x04]);
    }
    assert_banned(pair, &harness, refused, Logged::Reputation("BadMessage"));
}

fn garbage_requests(pair: &Pair, rt: &Handle) {
    let (harness, refused) = connected(pair, rt, Setup::honest(&pair.target));
    for _ in 0..8 {
        let outcome = harness.request(vec![0xff, 0xfe, 0xfd]);
        assert!(outcome.is_err(), "garbage was answered: {outcome:?}");
        if !harness.is_partly_open() {
            break;
        }
    }
    assert_banned(pair, &harness, refused, Logged::Reputation("BadMessage"));
}

fn another_chains_handshake(pair: &Pair, rt: &Handle) {
    let refused = pair.refused();
    let genesis = pair.target.genesis;
    let mut setup = Setup::honest(&pair.target);
    setup.announce_handshake = Status {
        roles: Roles::FULL,
        best_number: 0,
        best_hash: genesis,
        genesis_hash: H256([0x01; 32]),
    }
    .encode();
    let harness = Harness::start(rt, &pair.target, setup);
    assert_banned(
        pair,
        &harness,
        refused,
        Logged::Reputation("GenesisMismatch"),
    );
}

fn oversized_announcement(pair: &Pair, rt: &Handle) {
    let (harness, refused) = connected(pair, rt, Setup::honest(&pair.target));
    harness
        .announce(vec![0; MAX_ANNOUNCE_BYTES + 1])
        .expect("queued");
    assert_banned(pair, &harness, refused, Logged::ProtocolLimit);
}

fn oversized_transactions(pair: &Pair, rt: &Handle) {
    let (harness, refused) = connected(pair, rt, Setup::honest(&pair.target));
    harness
        .send_transactions(vec![0; MAX_TRANSACTIONS_BYTES + 1])
        .expect("queued");
    assert_banned(pair, &harness, refused, Logged::ProtocolLimit);
}

fn oversized_request(pair: &Pair, rt: &Handle) {
    let (harness, refused) = connected(pair, rt, Setup::honest(&pair.target));
    let outcome = harness.request(vec![0; MAX_REQUEST_BYTES + 1]);
    assert!(outcome.is_err(), "an oversized request was answered");
    assert_banned(pair, &harness, refused, Logged::ProtocolLimit);
}

fn oversized_handshake(pair: &Pair, rt: &Handle) {
    let refused = pair.refused();
    let mut setup = Setup::honest(&pair.target);
    setup.announce_handshake = vec![0; MAX_STATUS_BYTES + 1];
    let harness = Harness::start(rt, &pair.target, setup);
    assert_banned(pair, &harness, refused, Logged::ProtocolLimit);
}

/// Claims a chain ahead of the node, and answers the node's requests for
/// it with more than a response may carry.
fn oversized_response(pair: &Pair, rt: &Handle) {
    let refused = pair.refused();
    let mut setup = Setup::honest(&pair.target);
    setup.announce_handshake = Status {
        roles: Roles::FULL,
        best_number: pair.full.best().0 + 50,
        best_hash: H256([0x5e; 32]),
        genesis_hash: pair.target.genesis,
    }
    .encode();
    setup.answer = Box::new(|_| Some(vec![0; MAX_RESPONSE_BYTES + 1]));
    let harness = Harness::start(rt, &pair.target, setup);
    assert_banned(pair, &harness, refused, Logged::ProtocolLimit);
    assert!(harness.requests_answered() > 0, "the node asked nothing");
}

fn announcement_flood(pair: &Pair, rt: &Handle) {
    let (harness, refused) = connected(pair, rt, Setup::honest(&pair.target));
    for n in 0..64 {
        let announce = BlockAnnounce {
            header: stray_header(n),
            is_best: false,
        };
        let _ = harness.announce(announce.encode());
    }
    assert_banned(pair, &harness, refused, Logged::Reputation("Flood"));
}

/// The dev chain's slot.
const SLOT_MILLIS: u64 = 1_000;

/// Two children of `parent` in the current slot, claimed as the dev
/// chain's only authority claims its slots (secondary, index 0) and sealed
/// by `sealer`, with a made-up state root and a body ([`serving`]) that
/// does not match their extrinsics root.
fn bad_blocks(parent: (u32, H256), sealer: &str) -> Vec<Header> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_millis();
    let slot = slot_at(u64::try_from(now).expect("millis"), SLOT_MILLIS) + 1;
    let key = sr25519::Pair::from_uri(sealer).expect("a dev key");
    (0xb0u8..0xb2)
        .map(|root| {
            let mut header = Header {
                parent_hash: parent.1,
                number: parent.0 + 1,
                state_root: H256([root; 32]),
                extrinsics_root: H256([root + 0x10; 32]),
                digest: Digest {
                    logs: vec![PreDigest::Secondary {
                        authority_index: 0,
                        slot,
                    }
                    .to_digest_item()],
                },
            };
            seal_header(&mut header, &key);
            header
        })
        .collect()
}

/// The full node's best block, just after it imported one: a block built
/// on it has most of a slot before another block at its height can be
/// finalized, which would make it stale rather than bad.
fn fresh_best(pair: &Pair) -> (u32, H256) {
    let before = pair.full.best();
    wait_for("a new best block", WAIT, || {
        let best = pair.full.best();
        (best != before).then_some(best)
    })
}

/// The blocks served, by hash.
type Served = Arc<Mutex<BTreeMap<H256, Header>>>;

/// Answers requests for the served blocks with them (and a made-up body).
fn serving(served: Served) -> harness::Answer {
    Box::new(move |bytes| {
        let request = BlockRequest::decode_bounded(bytes).ok()?;
        let FromBlock::Hash(hash) = request.from else {
            return None;
        };
        let header = served.lock().expect("served blocks").get(&hash)?.clone();
        let block = BlockData {
            hash,
            header: Some(header),
            body: Some(vec![OpaqueExtrinsic(vec![0xba, 0xad])]),
            justification: None,
        };
        Some(
            BlockResponse {
                blocks: vec![block],
            }
            .encode(),
        )
    })
}

/// Blocks sealed by a key outside the authority set: refused at the seal.
fn badly_sealed_blocks(pair: &Pair, rt: &Handle) {
    invalid_blocks(
        pair,
        rt,
        "//Bob",
        "slot claim refused: the seal is not authority 0's signature",
    );
}

/// Blocks sealed by the dev authority itself whose body does not match
/// their header: refused only when the runtime executes them.
fn blocks_unlike_their_header(pair: &Pair, rt: &Handle) {
    invalid_blocks(pair, rt, "//Alice", "extrinsics root mismatch");
}

/// Announces bad children of the node's best block, sealed by `sealer`,
/// and serves them when the node asks, round after round (the node drops
/// the harness at the first bad block and bans it at the second), until
/// banned; every one refused for `refusal`, none imported.
fn invalid_blocks(pair: &Pair, rt: &Handle, sealer: &str, refusal: &str) {
    let served = Served::default();
    let mut setup = Setup::honest(&pair.target);
    setup.answer = serving(served.clone());
    let (harness, refused) = connected(pair, rt, setup);
    let peer = harness.peer_id();
    wait_for(&format!("{peer} banned for bad blocks"), WAIT, || {
        if harness.is_open() {
            for header in bad_blocks(fresh_best(pair), sealer) {
                served
                    .lock()
                    .expect("served blocks")
                    .insert(header.hash(), header.clone());
                let announce = BlockAnnounce {
                    header,
                    is_best: true,
                };
                let _ = harness.announce(announce.encode());
            }
            harness.wait_closed(Duration::from_secs(3));
        }
        Logged::Reputation("BadBlock")
            .is_in(&pair.log(), &peer)
            .then_some(())
    });
    assert_banned(pair, &harness, refused, Logged::Reputation("BadBlock"));
    let log = pair.log();
    let refusals: Vec<&str> = log
        .lines()
        .filter(|l| l.contains(&format!("from {peer} refused:")))
        .collect();
    assert!(refusals.len() >= 2, "{refusals:?}");
    for line in refusals {
        assert!(line.contains(&format!("refused: {refusal}")), "{line}");
    }
    for (hash, header) in served.lock().expect("served blocks").iter() {
        let stored = pair.full.rpc("chain_getHeader", json!([format!("{hash}")]));
        assert!(stored.is_null(), "a bad block was imported: {stored}");
        let canonical = pair.full.rpc("chain_getBlockHash", json!([header.number]));
        assert_ne!(canonical, json!(format!("{hash}")));
    }
}
