//! Misbehaving peers against real node processes on 127.0.0.1: an
//! authority (`--dev`) and a full node that follows it over a `/ws` boot
//! node, and harness peers ([`harness`]) that speak the node's own
//! protocols with bad bytes.
//!
//! - Each attack ([`attacks`]) comes from a fresh harness identity against
//!   the full node, which must disconnect and ban it: it leaves
//!   `system_peers`, the log names the ban and its reason, and its redial
//!   is refused (logged, and counted by
//!   `substrate_sub_libp2p_refused_connections_total`).
//! - Random bytes on every protocol ([`fuzz`], seeded, the seed printed)
//!   leave the node running, answering RPC and serving an honest peer.
//!
//! Meanwhile the full node keeps following the authority within
//! [`MAX_LAG`] blocks ([`pace`]), imports none of the attackers' blocks,
//! and ends agreeing with the authority on finalized blocks.

mod support;

#[path = "misbehaving_peer/attacks.rs"]
mod attacks;
#[path = "misbehaving_peer/fuzz.rs"]
mod fuzz;
#[path = "misbehaving_peer/harness.rs"]
mod harness;
#[path = "misbehaving_peer/pace.rs"]
mod pace;
#[path = "misbehaving_peer/pair.rs"]
mod pair;

use codec::Encode;
use entroos_network::PeerId;
use entroos_network_api::{BlockAttributes, BlockRequest, BlockResponse, Direction, FromBlock};
use harness::{Harness, Setup};
use pair::Pair;
use std::time::{Duration, Instant};
use support::wait_for;

/// Every wait's deadline.
pub(crate) const WAIT: Duration = Duration::from_secs(30);
/// The most blocks the full node may trail the authority by.
const MAX_LAG: u32 = 3;
/// Random handshakes (on each notification protocol).
const FUZZ_HANDSHAKES: usize = 64;
/// Random announcements, transactions messages and requests, each.
const FUZZ_MESSAGES: usize = 200;
/// Random answers to the node's block requests.
const FUZZ_RESPONSES: usize = 32;
/// Random byte strings per kind of raw connection.
const FUZZ_RAW: usize = 64;

/// How the node's log must name a ban.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Logged {
    /// The reputation book banned the peer for this reason.
    Reputation(&'static str),
    /// The network banned it for breaking a protocol's size limit.
    ProtocolLimit,
}

impl Logged {
    pub(crate) fn is_in(self, log: &str, peer: &PeerId) -> bool {
        let peer = peer.to_base58();
        match self {
            Logged::Reputation(reason) => log.contains(&format!("banning {peer}: {reason}")),
            Logged::ProtocolLimit => log
                .lines()
                .any(|l| l.contains("broke a protocol limit") && l.contains(&peer)),
        }
    }
}

/// Waits for the evidence that the node banned `harness`: the ban in the
/// log, then a redial refused as banned (the counter grows past
/// `refused_before`), after which no protocol is open with it and it is
/// gone from `system_peers`.
///
/// The order matters: a peer whose first offence only disconnects it may
/// reconnect before a later report bans it, so only a connection seen after
/// a refused redial would be one made while banned.
pub(crate) fn assert_banned(pair: &Pair, harness: &Harness, refused_before: f64, logged: Logged) {
    let peer = harness.peer_id();
    wait_for(&format!("the ban of {peer} in the log"), WAIT, || {
        logged.is_in(&pair.log(), &peer).then_some(())
    });
    wait_for(&format!("a refused redial of {peer}"), WAIT, || {
        let refused = pair.log().lines().any(|l| {
            l.contains("connection refused")
                && l.contains("banned")
                && l.contains(&peer.to_base58())
        });
        (refused && pair.refused() > refused_before).then_some(())
    });
    assert!(
        harness.wait_closed(WAIT),
        "{peer} still connected while banned"
    );
    wait_for(&format!("{peer} to leave system_peers"), WAIT, || {
        (!pair.lists(&peer)).then_some(())
    });
    let bans = pair.log().matches(&format!("banning {peer}:")).count();
    assert!(bans <= 1, "{peer} banned {bans} times: once is enough");
}

/// Connects an honest-looking harness and waits until the node lists it.
pub(crate) fn connected(pair: &Pair, rt: &tokio::runtime::Handle, setup: Setup) -> (Harness, f64) {
    let harness = Harness::start(rt, &pair.target, setup);
    assert!(harness.wait_open(WAIT), "the harness did not connect");
    let peer = harness.peer_id();
    wait_for(&format!("{peer} in system_peers"), WAIT, || {
        pair.lists(&peer).then_some(())
    });
    let refused = pair.refused();
    (harness, refused)
}

/// Checks the pace the full node kept while `pace` was measured.
fn assert_kept_pace(pace: &pace::Pace) {
    eprintln!("pace over {:?}: {pace:?}", pace.elapsed);
    assert!(pace.samples > 10, "{pace:?}");
    assert!(pace.max_lag <= MAX_LAG, "{pace:?}");
    assert!(
        pace.follower_advance > 0 && pace.follower_advance + MAX_LAG >= pace.leader_advance,
        "{pace:?}"
    );
}

/// The node still serves peers: an honest one connects, is listed, and
/// gets the genesis header it asks for.
fn assert_serves_an_honest_peer(pair: &Pair, rt: &tokio::runtime::Handle) {
    let (honest, _) = connected(pair, rt, Setup::honest(&pair.target));
    let request = BlockRequest {
        fields: BlockAttributes::HEADER,
        from: FromBlock::Number(0),
        direction: Direction::Ascending,
        max: Some(1),
    };
    let response = honest.request(request.encode()).expect("an answer");
    let response = BlockResponse::decode_bounded(&response).expect("a block response");
    let hashes: Vec<_> = response.blocks.iter().map(|b| b.hash).collect();
    assert_eq!(hashes, vec![pair.target.genesis]);
}

#[test]
fn misbehaving_peers_are_disconnected_and_banned_while_the_network_keeps_pace() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let rt = runtime.handle();
    let mut pair = Pair::start();
    let mark = pair.log_mark();
    let ((), pace) = pace::watch(&pair.authority, &pair.full, || {
        for (name, attack) in attacks::ALL {
            let started = Instant::now();
            attack(&pair, rt);
            eprintln!("{name}: banned in {:?}", started.elapsed());
        }
    });
    assert_kept_pace(&pace);
    assert!(pair.full.is_running(), "the full node died");
    assert_serves_an_honest_peer(&pair, rt);
    pair.wait_following();
    pair.wait_finalized_agree();
    pair.assert_log_clean_since(mark);
    pair.assert_authority_unblamed();
}

#[test]
fn random_bytes_on_every_protocol_leave_the_node_up_serving_and_following() {
    let seed = fuzz::seed();
    eprintln!("fuzz seed {seed} (replay: {}={seed})", fuzz::SEED_VAR);
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let rt = runtime.handle();
    let mut pair = Pair::start();
    let mut random = fuzz::RandomBytes::new(seed);
    let mut sent = fuzz::Sent::default();
    let rss_before = pair.full.rss_kib();
    let mark = pair.log_mark();
    let (raw, pace) = pace::watch(&pair.authority, &pair.full, || {
        fuzz::handshakes(&pair, rt, &mut random, FUZZ_HANDSHAKES, &mut sent);
        fuzz::messages(&pair, rt, &mut random, FUZZ_MESSAGES, &mut sent);
        fuzz::responses(&pair, rt, &mut random, FUZZ_RESPONSES, &mut sent);
        fuzz::raw(&pair, &mut random, FUZZ_RAW)
    });
    eprintln!("random byte strings sent: {sent:?}; raw connections: {raw:?}");
    eprintln!(
        "full node resident memory: {rss_before} KiB before, {} KiB after",
        pair.full.rss_kib()
    );
    assert_eq!(
        raw.closed_by_node, raw.sent,
        "garbage connections left open"
    );
    assert_kept_pace(&pace);
    assert!(pair.full.is_running(), "the full node died");
    assert_serves_an_honest_peer(&pair, rt);
    pair.wait_following();
    pair.wait_finalized_agree();
    pair.assert_log_clean_since(mark);
    pair.assert_authority_unblamed();
}
