//! Random bytes on every protocol the node speaks, from one seeded RNG: the
//! seed is printed, and `ENTROOS_FUZZ_SEED=<seed>` replays the same byte
//! strings in the same order (which identity carries each depends on when
//! the node bans the one before).
//!
//! Over libp2p, harness peers send random handshakes (block announces and
//! transactions), random notifications on both notification protocols,
//! random block requests, and random block responses to the node's own
//! requests. Below libp2p, raw connections send random bytes where the
//! node parses them before any peer is authenticated: plain TCP
//! (multistream-select), WebSocket before the HTTP upgrade, WebSocket
//! binary frames after it, and noise handshake messages after a valid
//! multistream-select negotiation of `/noise`.
//!
//! Every random message costs its sender reputation, so a harness identity
//! delivers a few before the node bans it; identities are used until each
//! protocol has carried its share.
//!
//! Between noise and the node's protocols lie libp2p's own (yamux framing,
//! identify, Kademlia, ping): their decoders are libp2p's, and the harness
//! reaches them only with the well-formed traffic of its own worker.

use crate::harness::{Answer, Harness, Setup};
use crate::pair::Pair;
use crate::support::ws::{client_frame, BINARY};
use codec::Encode;
use entroos_network::RequestFailure;
use entroos_network_api::{
    BlockAttributes, BlockRequest, Direction, FromBlock, Roles, Status, MAX_ANNOUNCE_BYTES,
    MAX_REQUEST_BYTES, MAX_STATUS_BYTES,
};
use entroos_primitives::H256;
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;
use tokio::runtime::Handle;

/// The environment variable that replays a seed.
pub const SEED_VAR: &str = "ENTROOS_FUZZ_SEED";
/// The transactions handshake limit (the network's default).
const MAX_TRANSACTIONS_HANDSHAKE: usize = 1024;
/// The largest random transactions message (the cap, 16 MiB, is left to
/// the oversized-message attack).
const TRANSACTIONS_BYTES: usize = 64 * 1024;
/// Random messages one identity sends before it is replaced.
const BATCH: usize = 6;
/// How long a raw connection waits for the node to close it.
const RAW_DEADLINE: Duration = Duration::from_secs(10);

/// The seed from [`SEED_VAR`], or a fresh one.
pub fn seed() -> u64 {
    std::env::var(SEED_VAR)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random)
}

/// Random byte strings of random lengths.
pub struct RandomBytes(StdRng);

impl RandomBytes {
    pub fn new(seed: u64) -> RandomBytes {
        RandomBytes(StdRng::seed_from_u64(seed))
    }

    /// Bytes for a message capped at `cap`: mostly short, sometimes up to
    /// the cap, sometimes within a few bytes of it, sometimes just above.
    pub fn message(&mut self, cap: usize) -> Vec<u8> {
        let len = match self.0.gen_range(0..20) {
            0..=9 => self.0.gen_range(0..=64.min(cap)),
            10..=14 => self.0.gen_range(0..=cap),
            15..=17 => self.0.gen_range(cap.saturating_sub(8)..=cap),
            _ => self.0.gen_range(cap + 1..=cap + 64),
        };
        self.exactly(len)
    }

    /// Bytes of a random length up to `max`, never above a cap.
    pub fn within(&mut self, max: usize) -> Vec<u8> {
        let len = self.0.gen_range(0..=max);
        self.exactly(len)
    }

    fn exactly(&mut self, len: usize) -> Vec<u8> {
        let mut bytes = vec![0u8; len];
        self.0.fill_bytes(&mut bytes);
        bytes
    }

    fn hash(&mut self) -> H256 {
        H256(self.0.gen())
    }

    fn below(&mut self, n: usize) -> usize {
        self.0.gen_range(0..n)
    }

    /// An independent stream (for a harness's own answers).
    fn fork(&mut self) -> RandomBytes {
        RandomBytes::new(self.0.gen())
    }
}

/// How many random byte strings each protocol carried.
#[derive(Debug, Default)]
pub struct Sent {
    pub announce_handshakes: usize,
    pub transactions_handshakes: usize,
    pub announces: usize,
    pub transactions: usize,
    pub requests: usize,
    pub responses: usize,
    pub identities: usize,
}

/// Random handshakes on both notification protocols, one identity each:
/// the node drops every one of them.
pub fn handshakes(pair: &Pair, rt: &Handle, random: &mut RandomBytes, n: usize, sent: &mut Sent) {
    for _ in 0..n {
        let setup = Setup {
            announce_handshake: random.message(MAX_STATUS_BYTES),
            transactions_handshake: random.message(MAX_TRANSACTIONS_HANDSHAKE),
            answer: Box::new(|_| None),
        };
        let misbehaving = pair.misbehaving();
        let harness = Harness::start(rt, &pair.target, setup);
        sent.identities += 1;
        // Dropped after a protocol opened, or banned before any could.
        let dropped = harness.wait_until(crate::WAIT, || {
            harness.protocols_closed() > 0 || pair.misbehaving() > misbehaving
        });
        assert!(dropped, "a random handshake was not dropped");
        sent.announce_handshakes += 1;
        sent.transactions_handshakes += 1;
    }
}

/// Random announcements, transactions messages and requests from
/// identities with a valid handshake, until each carried `n`.
pub fn messages(pair: &Pair, rt: &Handle, random: &mut RandomBytes, n: usize, sent: &mut Sent) {
    while sent.announces < n || sent.transactions < n || sent.requests < n {
        let harness = Harness::start(rt, &pair.target, Setup::honest(&pair.target));
        sent.identities += 1;
        assert!(
            harness.wait_open(crate::WAIT),
            "a fuzzing peer did not connect"
        );
        for _ in 0..BATCH {
            if !send_random(&harness, random, sent) || !harness.is_partly_open() {
                break;
            }
        }
        // A valid request after the batch: answered if the peer is still
        // welcome, refused if the batch got it banned.
        let _ = harness.request(genesis_request());
    }
}

/// Sends one random message on a random protocol; whether it went out.
fn send_random(harness: &Harness, random: &mut RandomBytes, sent: &mut Sent) -> bool {
    match random.below(3) {
        0 => {
            let queued = harness.announce(random.message(MAX_ANNOUNCE_BYTES)).is_ok();
            sent.announces += usize::from(queued);
            queued
        }
        1 => {
            let queued = harness
                .send_transactions(random.within(TRANSACTIONS_BYTES))
                .is_ok();
            sent.transactions += usize::from(queued);
            queued
        }
        _ => {
            // Answered, refused, or cut off by the ban it caused.
            let outcome = harness.request(random.message(MAX_REQUEST_BYTES));
            let went_out = !matches!(outcome, Err(RequestFailure::NotConnected));
            sent.requests += usize::from(went_out);
            went_out
        }
    }
}

fn genesis_request() -> Vec<u8> {
    BlockRequest {
        fields: BlockAttributes::HEADER,
        from: FromBlock::Number(0),
        direction: Direction::Ascending,
        max: Some(1),
    }
    .encode()
}

/// Identities that claim a chain far ahead of the node and answer each of
/// its block requests with random bytes, until `n` answers went out.
pub fn responses(pair: &Pair, rt: &Handle, random: &mut RandomBytes, n: usize, sent: &mut Sent) {
    while sent.responses < n {
        let best = pair.full.best().0;
        let status = Status {
            roles: Roles::FULL,
            best_number: best + 50,
            best_hash: random.hash(),
            genesis_hash: pair.target.genesis,
        };
        let setup = Setup {
            announce_handshake: status.encode(),
            transactions_handshake: Vec::new(),
            answer: random_answers(random.fork()),
        };
        let harness = Harness::start(rt, &pair.target, setup);
        sent.identities += 1;
        let answered = harness.wait_until(crate::WAIT, || harness.requests_answered() > 0);
        assert!(answered, "the node asked nothing of a peer ahead of it");
        // The answer was judged: the peer was expelled, or asked again.
        harness.wait_until(crate::WAIT, || {
            harness.protocols_closed() > 0 || harness.requests_answered() > 1
        });
        sent.responses += harness.requests_answered();
    }
}

fn random_answers(mut random: RandomBytes) -> Answer {
    Box::new(move |_| Some(random.within(4096)))
}

/// Where raw bytes go, below libp2p.
#[derive(Clone, Copy, Debug)]
pub enum Raw {
    /// Plain TCP: multistream-select reads them.
    Tcp,
    /// The WebSocket port before the HTTP upgrade.
    WsUpgrade,
    /// A WebSocket binary frame after the upgrade.
    WsFrame,
    /// Noise handshake messages after a valid multistream-select
    /// negotiation of `/noise` on plain TCP.
    Noise,
}

/// What the raw connections saw.
#[derive(Debug, Default)]
pub struct RawOutcome {
    pub sent: usize,
    /// Connections the node closed after the bytes.
    pub closed_by_node: usize,
}

/// `n` random byte strings on each kind of raw connection.
pub fn raw(pair: &Pair, random: &mut RandomBytes, n: usize) -> RawOutcome {
    let mut outcome = RawOutcome::default();
    for kind in [Raw::Tcp, Raw::WsUpgrade, Raw::WsFrame, Raw::Noise] {
        for _ in 0..n {
            let bytes = random.within(2048);
            let port = match kind {
                Raw::Tcp | Raw::Noise => pair.full_tcp_port,
                Raw::WsUpgrade | Raw::WsFrame => pair.full_ws_port,
            };
            let closed = send_raw(kind, port, &bytes).unwrap_or_else(|e| {
                panic!("{kind:?}: the node's p2p port failed: {e}");
            });
            outcome.sent += 1;
            outcome.closed_by_node += usize::from(closed);
        }
    }
    outcome
}

/// Sends `bytes` as `kind` says, closes our side and reads until the node
/// closes its own; whether it did within [`RAW_DEADLINE`].
fn send_raw(kind: Raw, port: u16, bytes: &[u8]) -> std::io::Result<bool> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(RAW_DEADLINE))?;
    let payload = match kind {
        Raw::Tcp | Raw::WsUpgrade => bytes.to_vec(),
        Raw::WsFrame => {
            ws_upgrade(&mut stream, port)?;
            client_frame(BINARY, bytes)
        }
        Raw::Noise => {
            negotiate_noise(&mut stream)?;
            bytes.to_vec()
        }
    };
    // The node may close first; what matters is that it does.
    let _ = stream.write_all(&payload);
    let _ = stream.shutdown(Shutdown::Write);
    let mut sink = Vec::new();
    Ok(match stream.read_to_end(&mut sink) {
        Ok(_) => true,
        Err(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
    })
}

fn ws_upgrade(stream: &mut TcpStream, port: u16) -> std::io::Result<()> {
    write!(stream, "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ZW50cm9vcy1mdXp6LWtleQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")?;
    let head = read_until(stream, b"\r\n\r\n")?;
    if !head.starts_with(b"HTTP/1.1 101") {
        return Err(std::io::Error::other(format!(
            "websocket upgrade refused: {}",
            String::from_utf8_lossy(&head)
        )));
    }
    Ok(())
}

/// multistream-select 1.0 as a dialer: the header, then `/noise`; both
/// are echoed back when accepted.
fn negotiate_noise(stream: &mut TcpStream) -> std::io::Result<()> {
    let header = b"/multistream/1.0.0\n";
    let noise = b"/noise\n";
    let mut out = Vec::new();
    for message in [&header[..], &noise[..]] {
        out.push(message.len() as u8);
        out.extend_from_slice(message);
    }
    stream.write_all(&out)?;
    let mut echoed = vec![0u8; out.len()];
    stream.read_exact(&mut echoed)?;
    if echoed != out {
        return Err(std::io::Error::other(format!(
            "/noise not accepted: {:?}",
            String::from_utf8_lossy(&echoed)
        )));
    }
    Ok(())
}

fn read_until(stream: &mut TcpStream, end: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(end) {
        stream.read_exact(&mut byte)?;
        head.push(byte[0]);
    }
    Ok(head)
}
