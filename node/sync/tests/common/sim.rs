//! A deterministic simulated network: nodes with their own chain model,
//! sync machine and reputation book, time advanced by the event queue
//! alone. Links are FIFO with delays from a seeded RNG; requests and
//! responses are lost at `drop_per_mille`, while notifications, which
//! travel on an ordered reliable substream, are only delayed. Every message
//! goes through the real encoders and bounded decoders.

use super::chain::MemChain;
use codec::Encode;
use entroos_network_api::{
    BlockAnnounce, BlockRequest, BlockResponse, PeerId, PeerReputation, Reason, ReputationChange,
    ReputationConfig, RequestFailure, RequestId, Roles, Status, Verdict,
};
use entroos_primitives::{Digest, Header, H256};
use entroos_sync::{
    serve, ChainSync, Effect, Failure, ImportResult, IncomingBlock, Input, ServeLimits, SyncConfig,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, BTreeSet};

/// How a node behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behavior {
    /// Syncs and serves its chain.
    Honest,
    /// Answers every request with random bytes.
    Garbage,
    /// Serves its chain with a block cut out of every answer (or, for a
    /// single block, a wrong hash).
    Unchained,
    /// Serves its chain and sends 40 random announcements per tick.
    Flood,
    /// Never answers.
    Silent,
}

#[derive(Clone, Debug)]
pub struct SimConfig {
    pub seed: u64,
    pub min_delay: u64,
    pub max_delay: u64,
    pub drop_per_mille: u32,
    pub tick_millis: u64,
    pub reconnect_millis: u64,
    /// Import time per block; 0 imports each handed-over batch at once.
    pub import_millis: u64,
    pub sync: SyncConfig,
    pub reputation: ReputationConfig,
}

impl SimConfig {
    pub fn new(seed: u64) -> Self {
        SimConfig {
            seed,
            min_delay: 5,
            max_delay: 80,
            drop_per_mille: 10,
            tick_millis: 100,
            reconnect_millis: 2_000,
            import_millis: 0,
            sync: SyncConfig {
                request_timeout_millis: 1_000,
                failure_backoff_millis: 500,
                ..SyncConfig::default()
            },
            reputation: ReputationConfig {
                ban_millis: 3_600_000,
                ..ReputationConfig::default()
            },
        }
    }
}

pub struct Node {
    pub id: PeerId,
    pub chain: MemChain,
    pub sync: Option<ChainSync>,
    pub book: PeerReputation,
    pub behavior: Behavior,
    /// Blocks this node put in responses.
    pub served: u64,
    produce_every: Option<u64>,
    /// Blocks handed to import and not yet imported (slow imports).
    import_queue: std::collections::VecDeque<IncomingBlock>,
}

#[derive(Debug)]
enum Wire {
    Announce(Vec<u8>),
    Request {
        id: RequestId,
        bytes: Vec<u8>,
    },
    Response {
        id: RequestId,
        bytes: Vec<u8>,
    },
    Failed {
        id: RequestId,
        failure: RequestFailure,
    },
}

#[derive(Debug)]
enum Event {
    Tick(usize),
    Reconnect,
    Connect(usize, usize),
    Disconnect(usize, usize),
    Deliver {
        to: usize,
        from: usize,
        wire: Wire,
    },
    Import {
        node: usize,
        blocks: Vec<IncomingBlock>,
    },
    ImportNext(usize),
    Produce(usize),
}

#[derive(Debug, Default)]
pub struct Log {
    /// (time, by, banned).
    pub bans: Vec<(u64, usize, usize)>,
    /// (time, by, about, reason).
    pub reports: Vec<(u64, usize, usize, Reason)>,
    /// (time, by, whom): disconnections a node asked for (expulsions and bans).
    pub expulsions: Vec<(u64, usize, usize)>,
    pub events: u64,
    pub trace: u64,
    /// The most requests one sync machine had in flight to one peer.
    pub max_in_flight: u32,
    /// The most blocks one sync machine held (downloaded + queued + fetched requests).
    pub max_held: usize,
    /// The most blocks one sync machine had handed to import unanswered.
    pub max_queued: usize,
    /// The most blocks waiting in one node's import queue.
    pub max_import_backlog: usize,
}

pub struct Sim {
    pub cfg: SimConfig,
    pub now: u64,
    pub nodes: Vec<Node>,
    pub log: Log,
    rng: StdRng,
    seq: u64,
    queue: BTreeMap<(u64, u64), Event>,
    links: BTreeSet<(usize, usize)>,
    wants: BTreeSet<(usize, usize)>,
    /// The last delivery time per directed link: links are FIFO, like a substream.
    last_delivery: BTreeMap<(usize, usize), u64>,
    /// Authored blocks with their time, oldest first.
    authored: Vec<(u64, H256)>,
}

fn pair(a: usize, b: usize) -> (usize, usize) {
    (a.min(b), a.max(b))
}

impl Sim {
    pub fn new(cfg: SimConfig) -> Self {
        let rng = StdRng::seed_from_u64(cfg.seed);
        let mut sim = Sim {
            cfg,
            now: 0,
            nodes: Vec::new(),
            log: Log::default(),
            rng,
            seq: 0,
            queue: BTreeMap::new(),
            links: BTreeSet::new(),
            wants: BTreeSet::new(),
            last_delivery: BTreeMap::new(),
            authored: Vec::new(),
        };
        let every = sim.cfg.reconnect_millis;
        sim.at(every, Event::Reconnect);
        sim
    }

    pub fn add_node(&mut self, chain: MemChain, behavior: Behavior) -> usize {
        let index = self.nodes.len();
        let sync =
            (behavior == Behavior::Honest).then(|| ChainSync::new(self.cfg.sync.clone(), &chain));
        self.nodes.push(Node {
            id: PeerId::from_bytes(vec![0x4e, index as u8]).unwrap(),
            chain,
            sync,
            book: PeerReputation::new(self.cfg.reputation),
            behavior,
            served: 0,
            produce_every: None,
            import_queue: Default::default(),
        });
        self.at(self.now + self.cfg.tick_millis, Event::Tick(index));
        index
    }

    /// Keeps `a` and `b` connected (reconnecting unless one bans the other).
    pub fn link(&mut self, a: usize, b: usize) {
        self.wants.insert(pair(a, b));
        self.at(self.now, Event::Connect(a, b));
    }

    /// Disconnects `a` and `b` for good.
    pub fn unlink(&mut self, a: usize, b: usize) {
        self.wants.remove(&pair(a, b));
        self.at(self.now, Event::Disconnect(a, b));
    }

    /// Makes `node` author a block every `every` milliseconds.
    pub fn produce(&mut self, node: usize, every: u64) {
        self.nodes[node].produce_every = Some(every);
        self.at(self.now + every, Event::Produce(node));
    }

    pub fn best(&self, node: usize) -> (u32, H256) {
        self.nodes[node].chain.best()
    }

    /// How far below the lowest best block of `nodes` their best chains
    /// first agree (0: they share the lowest best block).
    pub fn fork_depth(&self, nodes: &[usize]) -> u32 {
        let low = nodes.iter().map(|&n| self.best(n).0).min().unwrap_or(0);
        (0..=low)
            .find(|back| {
                let hash = self.nodes[nodes[0]].chain.canonical_hash(low - back);
                nodes
                    .iter()
                    .all(|&n| self.nodes[n].chain.canonical_hash(low - back) == hash)
            })
            .unwrap_or(low)
    }

    /// The age of the oldest block authored at or after `since` that some
    /// of `nodes` lack.
    pub fn oldest_unspread(&self, nodes: &[usize], since: u64) -> Option<u64> {
        self.authored
            .iter()
            .filter(|(time, _)| *time >= since)
            .find(|(_, hash)| {
                nodes
                    .iter()
                    .any(|&n| self.nodes[n].chain.block(hash).is_none())
            })
            .map(|(time, _)| self.now - time)
    }

    pub fn connected(&self, a: usize, b: usize) -> bool {
        self.links.contains(&pair(a, b))
    }

    pub fn banned(&self, by: usize, who: usize) -> bool {
        self.log.bans.iter().any(|&(_, b, w)| b == by && w == who)
    }

    pub fn expelled(&self, by: usize, who: usize) -> bool {
        self.log
            .expulsions
            .iter()
            .any(|&(_, b, w)| b == by && w == who)
    }

    pub fn reported(&self, by: usize, who: usize, reason: Reason) -> usize {
        self.log
            .reports
            .iter()
            .filter(|&&(_, b, w, r)| b == by && w == who && r == reason)
            .count()
    }

    /// Runs events until `done` holds (true, at that event's time) or the
    /// time reaches `deadline` (false, with the clock at `deadline`).
    pub fn run_until(&mut self, deadline: u64, done: impl Fn(&Sim) -> bool) -> bool {
        while let Some((&(time, seq), _)) = self.queue.first_key_value() {
            if time > deadline {
                break;
            }
            let event = self.queue.remove(&(time, seq)).unwrap();
            self.now = time;
            self.log.events += 1;
            self.handle(event);
            if done(self) {
                return true;
            }
        }
        self.now = self.now.max(deadline);
        done(self)
    }

    /// Runs every event up to `time`.
    pub fn run_to(&mut self, time: u64) {
        self.run_until(time, |_| false);
    }

    fn at(&mut self, time: u64, event: Event) {
        self.seq += 1;
        self.queue.insert((time, self.seq), event);
    }

    /// When a message sent now from `from` reaches `to`: a random delay,
    /// but never before an earlier message on the same link.
    fn arrival(&mut self, from: usize, to: usize) -> u64 {
        let delay = self.rng.gen_range(self.cfg.min_delay..=self.cfg.max_delay);
        let last = self.last_delivery.entry((from, to)).or_insert(0);
        *last = (*last).max(self.now + delay);
        *last
    }

    fn dropped(&mut self) -> bool {
        self.rng.gen_range(0..1_000) < self.cfg.drop_per_mille
    }

    fn index(&self, peer: &PeerId) -> usize {
        self.nodes
            .iter()
            .position(|n| n.id == *peer)
            .expect("a simulated peer")
    }

    fn trace(&mut self, values: &[u64]) {
        for value in values {
            self.log.trace = (self.log.trace ^ value).wrapping_mul(0x100_0000_01b3);
        }
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Tick(n) => self.tick(n),
            Event::Reconnect => self.reconnect(),
            Event::Connect(a, b) => self.connect(a, b),
            Event::Disconnect(a, b) => self.disconnect(a, b),
            Event::Deliver { to, from, wire } => self.deliver(to, from, wire),
            Event::Import { node, blocks } => self.import(node, blocks),
            Event::ImportNext(node) => self.import_next(node),
            Event::Produce(n) => self.author(n),
        }
    }

    fn tick(&mut self, n: usize) {
        self.trace(&[1, self.now, n as u64]);
        let now = self.now;
        self.nodes[n].book.tick(now);
        self.feed(n, Input::Tick { now });
        if self.nodes[n].behavior == Behavior::Flood {
            self.flood(n);
        }
        self.at(now + self.cfg.tick_millis, Event::Tick(n));
    }

    fn reconnect(&mut self) {
        for (a, b) in self.wants.clone() {
            self.at(self.now, Event::Connect(a, b));
        }
        self.at(self.now + self.cfg.reconnect_millis, Event::Reconnect);
    }

    fn status(&self, n: usize) -> Status {
        let node = &self.nodes[n];
        let (best_number, best_hash) = node.chain.best();
        Status {
            roles: Roles::FULL,
            best_number,
            best_hash,
            genesis_hash: node.chain.genesis(),
        }
    }

    fn connect(&mut self, a: usize, b: usize) {
        let now = self.now;
        let refused = self.nodes[a].book.is_banned(&self.nodes[b].id, now)
            || self.nodes[b].book.is_banned(&self.nodes[a].id, now);
        if refused || self.connected(a, b) || !self.wants.contains(&pair(a, b)) {
            return;
        }
        self.trace(&[2, now, a as u64, b as u64]);
        self.links.insert(pair(a, b));
        for (me, other) in [(a, b), (b, a)] {
            let bytes = self.status(other).encode();
            let status = Status::decode_bounded(&bytes).unwrap();
            let peer = self.nodes[other].id.clone();
            self.feed(me, Input::PeerConnected { peer, status });
        }
    }

    fn disconnect(&mut self, a: usize, b: usize) {
        if !self.links.remove(&pair(a, b)) {
            return;
        }
        self.trace(&[3, self.now, a as u64, b as u64]);
        for (me, other) in [(a, b), (b, a)] {
            let peer = self.nodes[other].id.clone();
            self.feed(me, Input::PeerDisconnected { peer });
        }
    }

    fn feed(&mut self, n: usize, input: Input) {
        let node = &mut self.nodes[n];
        let Some(sync) = node.sync.as_mut() else {
            return;
        };
        let effects = sync
            .apply(input, &node.chain)
            .expect("the model chain never fails");
        for peer in sync.peers() {
            self.log.max_in_flight = self.log.max_in_flight.max(sync.requests_to(&peer));
        }
        let footprint = sync.footprint();
        self.log.max_held = self
            .log
            .max_held
            .max(footprint.downloaded + footprint.queued);
        self.log.max_queued = self.log.max_queued.max(footprint.queued);
        for effect in effects {
            self.perform(n, effect);
        }
    }

    fn perform(&mut self, n: usize, effect: Effect) {
        match effect {
            Effect::SendRequest { peer, id, request } => self.send_request(n, &peer, id, &request),
            Effect::ImportBlocks(blocks) if self.cfg.import_millis > 0 => {
                let idle = self.nodes[n].import_queue.is_empty();
                self.nodes[n].import_queue.extend(blocks);
                let backlog = self.nodes[n].import_queue.len();
                self.log.max_import_backlog = self.log.max_import_backlog.max(backlog);
                if idle {
                    self.at(self.now + self.cfg.import_millis, Event::ImportNext(n));
                }
            }
            Effect::ImportBlocks(blocks) => {
                self.at(self.now + 1, Event::Import { node: n, blocks })
            }
            Effect::ReportPeer { peer, change } => self.report(n, &peer, change),
            Effect::Disconnect { peer } => {
                let other = self.index(&peer);
                self.log.expulsions.push((self.now, n, other));
                self.at(self.now, Event::Disconnect(n, other));
            }
            Effect::Announce(announce) => self.announce(n, &announce),
            Effect::Justification { .. } => {
                unreachable!("the simulated nodes ask for no justification")
            }
        }
    }

    fn send_request(&mut self, n: usize, peer: &PeerId, id: RequestId, request: &BlockRequest) {
        let to = self.index(peer);
        if !self.connected(n, to) {
            let failure = RequestFailure::ConnectionClosed;
            self.at(
                self.now + 1,
                Event::Deliver {
                    to: n,
                    from: to,
                    wire: Wire::Failed { id, failure },
                },
            );
            return;
        }
        if self.dropped() {
            return;
        }
        let time = self.arrival(n, to);
        let wire = Wire::Request {
            id,
            bytes: request.encode(),
        };
        self.at(time, Event::Deliver { to, from: n, wire });
    }

    fn report(&mut self, n: usize, peer: &PeerId, change: ReputationChange) {
        let who = self.index(peer);
        self.log.reports.push((self.now, n, who, change.reason));
        if let Verdict::Ban { .. } = self.nodes[n].book.report(peer, change, self.now) {
            self.log.bans.push((self.now, n, who));
            self.log.expulsions.push((self.now, n, who));
            self.at(self.now, Event::Disconnect(n, who));
        }
    }

    fn announce(&mut self, n: usize, announce: &BlockAnnounce) {
        let bytes = announce.encode();
        let peers: Vec<usize> = (0..self.nodes.len())
            .filter(|&m| m != n && self.connected(n, m))
            .collect();
        for m in peers {
            let time = self.arrival(n, m);
            let wire = Wire::Announce(bytes.clone());
            self.at(
                time,
                Event::Deliver {
                    to: m,
                    from: n,
                    wire,
                },
            );
        }
    }

    fn deliver(&mut self, to: usize, from: usize, wire: Wire) {
        if !self.connected(to, from) {
            return;
        }
        self.trace(&[4, self.now, to as u64, from as u64]);
        let peer = self.nodes[from].id.clone();
        match wire {
            Wire::Announce(bytes) => match BlockAnnounce::decode_bounded(&bytes) {
                Ok(announce) => self.feed(to, Input::Announce { peer, announce }),
                Err(_) => self.report(to, &peer, ReputationChange::BAD_MESSAGE),
            },
            Wire::Request { id, bytes } => self.respond(to, from, id, &bytes),
            Wire::Response { id, bytes } => {
                let input = match BlockResponse::decode_bounded(&bytes) {
                    Ok(response) => Input::Response { peer, id, response },
                    Err(e) => Input::RequestFailed {
                        peer,
                        id,
                        failure: Failure::Undecodable(e),
                    },
                };
                self.feed(to, input);
            }
            Wire::Failed { id, failure } => {
                let failure = Failure::Network(failure);
                self.feed(to, Input::RequestFailed { peer, id, failure });
            }
        }
    }

    fn respond(&mut self, server: usize, client: usize, id: RequestId, bytes: &[u8]) {
        let Ok(request) = BlockRequest::decode_bounded(bytes) else {
            return;
        };
        let behavior = self.nodes[server].behavior;
        let bytes = match behavior {
            Behavior::Silent => return,
            Behavior::Garbage => {
                let len = self.rng.gen_range(1..200);
                (0..len).map(|_| self.rng.gen()).collect()
            }
            Behavior::Unchained => {
                let mut response = self.serve_from(server, &request);
                if response.blocks.len() >= 2 {
                    response.blocks.remove(1);
                } else if let Some(block) = response.blocks.first_mut() {
                    block.hash = H256([0xee; 32]);
                }
                response.encode()
            }
            Behavior::Honest | Behavior::Flood => {
                let response = self.serve_from(server, &request);
                self.nodes[server].served += response.blocks.len() as u64;
                response.encode()
            }
        };
        if self.dropped() {
            return;
        }
        let time = self.arrival(server, client);
        self.at(
            time,
            Event::Deliver {
                to: client,
                from: server,
                wire: Wire::Response { id, bytes },
            },
        );
    }

    fn serve_from(&self, server: usize, request: &BlockRequest) -> BlockResponse {
        serve(request, &self.nodes[server].chain, ServeLimits::default())
            .expect("the model chain never fails")
    }

    fn import(&mut self, n: usize, blocks: Vec<IncomingBlock>) {
        self.trace(&[5, self.now, n as u64, blocks.len() as u64]);
        for incoming in blocks {
            let hash = incoming.block.header.hash();
            let number = incoming.block.header.number;
            let result = ImportResult::from_import(&self.nodes[n].chain.import(&incoming.block));
            self.feed(
                n,
                Input::Imported {
                    hash,
                    number,
                    result,
                },
            );
        }
    }

    /// Imports the oldest block of a slow import queue.
    fn import_next(&mut self, n: usize) {
        let Some(incoming) = self.nodes[n].import_queue.pop_front() else {
            return;
        };
        self.import(n, vec![incoming]);
        if !self.nodes[n].import_queue.is_empty() {
            self.at(self.now + self.cfg.import_millis, Event::ImportNext(n));
        }
    }

    fn author(&mut self, n: usize) {
        let (_, best) = self.nodes[n].chain.best();
        let tip = self.nodes[n].chain.grow(best, 1, n as u8 + 100, None);
        let header = self.nodes[n].chain.block(&tip).unwrap().header.clone();
        self.authored.push((self.now, tip));
        self.announce(
            n,
            &BlockAnnounce {
                header,
                is_best: true,
            },
        );
        if let Some(every) = self.nodes[n].produce_every {
            self.at(self.now + every, Event::Produce(n));
        }
    }

    fn flood(&mut self, n: usize) {
        let peers: Vec<usize> = (0..self.nodes.len())
            .filter(|&m| m != n && self.connected(n, m))
            .collect();
        for m in peers {
            for _ in 0..40 {
                let header = Header {
                    parent_hash: H256(self.rng.gen()),
                    number: self.rng.gen_range(1..5_000),
                    state_root: H256(self.rng.gen()),
                    extrinsics_root: H256::default(),
                    digest: Digest::default(),
                };
                let bytes = BlockAnnounce {
                    header,
                    is_best: true,
                }
                .encode();
                let time = self.arrival(n, m);
                self.at(
                    time,
                    Event::Deliver {
                        to: m,
                        from: n,
                        wire: Wire::Announce(bytes),
                    },
                );
            }
        }
    }
}
