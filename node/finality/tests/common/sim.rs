//! A deterministic network of finality voters: simulated time advanced by
//! the event queue alone (no sleeps, no wall clock), seeded delays and
//! losses, partitions, crashes and restarts from the persisted voter state,
//! an equivocating voter. Blocks: one per slot, by an author picked from
//! the slot by weight; a node missing a block's parent asks the sender
//! for its ancestry. Every finality message goes through the real encoder
//! and the bounded decoder; every justification is verified against its
//! set; every equivocation report is checked as a proof.

use super::rng::{mix, Rng};
use super::tree::{id_of, make_header, BlockTree};
use codec::Encode;
use entroos_finality::{
    verify_with, BlockId, Effect, Equivocation, FinalityConfig, FinalityError, FinalityVoter,
    Input, Justification, Message, SignatureCheck, SignedVote, Step, Vote, VoterParams, VoterSet,
    VoterState,
};
use entroos_primitives::crypto::ed25519::{self, Pair};
use entroos_primitives::{Header, H256};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

/// Real ed25519 verification, remembered across the simulation's nodes so
/// that each distinct (key, message, signature) is checked once.
#[derive(Clone, Default)]
pub struct SharedCheck(Rc<RefCell<Memo>>);

type Memo = HashMap<[u8; 64], Vec<([u8; 32], Vec<u8>, bool)>, BuildHasherDefault<FirstBytes>>;

impl SignatureCheck for SharedCheck {
    fn verify(&self, public: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
        let mut memo = self.0.borrow_mut();
        if memo.len() > 200_000 {
            memo.clear();
        }
        let seen = memo.entry(*signature).or_default();
        if let Some((_, _, valid)) = seen.iter().find(|(p, m, _)| p == public && m == message) {
            return *valid;
        }
        let valid = ed25519::verify(signature, message, public);
        seen.push((*public, message.to_vec(), valid));
        valid
    }
}

/// Hashes a signature by its first eight bytes (signatures are random).
#[derive(Default)]
pub struct FirstBytes(u64);

impl Hasher for FirstBytes {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes.iter().take(8) {
            self.0 = (self.0 << 8) | u64::from(*byte);
        }
    }
}

#[derive(Clone, Debug)]
pub struct NetConfig {
    pub min_delay: u64,
    pub max_delay: u64,
    pub drop_per_mille: u32,
}

#[derive(Clone, Debug)]
pub struct SimConfig {
    pub seed: u64,
    pub weights: Vec<u128>,
    pub slot_ms: u64,
    pub net: NetConfig,
    pub finality: FinalityConfig,
    /// A set change at every block number divisible by this.
    pub epoch_len: Option<u32>,
    /// This voter signs two different votes of every kind in every round,
    /// and makes two blocks in each of its slots.
    pub equivocator: Option<usize>,
    /// The equivocator sends each peer one of its two votes (half get one,
    /// half the other) instead of both in a random order.
    pub split_votes: bool,
}

impl SimConfig {
    /// `n` voters of unequal weights (10 to 22), 1 s slots, 20–200 ms delays.
    pub fn new(n: usize, seed: u64) -> Self {
        SimConfig {
            seed,
            weights: (0..n).map(|i| 10 + ((i * 7) % 13) as u128).collect(),
            slot_ms: 1_000,
            net: NetConfig {
                min_delay: 20,
                max_delay: 200,
                drop_per_mille: 0,
            },
            finality: FinalityConfig::for_slot(1_000),
            epoch_len: None,
            equivocator: None,
            split_votes: false,
        }
    }
}

#[derive(Debug)]
enum Wire {
    Blocks(Vec<Header>),
    Ask(H256),
    Finality(Vec<u8>),
}

#[derive(Debug)]
enum Event {
    Slot(u64),
    Deliver {
        to: usize,
        from: usize,
        wire: Wire,
    },
    Timer {
        node: usize,
        set_id: u64,
        round: u64,
        step: Step,
    },
    Crash(Vec<usize>),
    Restart(Vec<usize>),
    Partition(Vec<u8>),
    Heal,
}

pub struct Node {
    pub pair: Pair,
    pub tree: BlockTree,
    pub voter: Option<FinalityVoter<SharedCheck>>,
    pub persisted: Option<VoterState>,
    pub crashed: bool,
    /// Every finalization: the block and when.
    pub finalized: Vec<(BlockId, u64)>,
    pub reports: Vec<Equivocation>,
    /// Crash right after the next persisted state, before any later effect.
    pub crash_after_persist: bool,
    orphans: BTreeMap<H256, Vec<Header>>,
}

#[derive(Debug, Default)]
pub struct Stats {
    pub events: u64,
    pub messages: u64,
    pub refused: u64,
    pub early: u64,
    pub set_changes: u64,
    pub restarts: u64,
    pub fetches: u64,
}

pub struct Sim {
    pub cfg: SimConfig,
    pub now: u64,
    seq: u64,
    queue: BTreeMap<(u64, u64), Event>,
    rng: Rng,
    pub nodes: Vec<Node>,
    pub genesis: Header,
    /// Every block made, on every branch.
    pub headers: BTreeMap<H256, Header>,
    pub sets: BTreeMap<u64, VoterSet>,
    groups: Option<Vec<u8>>,
    /// The sender of the message being handled.
    origin: Option<usize>,
    check: SharedCheck,
    pub stats: Stats,
}

fn pair_of(index: usize, seed: u64) -> Pair {
    let mut secret = [0u8; 32];
    secret[..8].copy_from_slice(&(index as u64).to_le_bytes());
    secret[8..16].copy_from_slice(&seed.to_le_bytes());
    secret[16] = 0xf1;
    Pair::from_seed(&secret)
}

impl Sim {
    pub fn new(cfg: SimConfig) -> Self {
        let pairs: Vec<Pair> = (0..cfg.weights.len())
            .map(|i| pair_of(i, cfg.seed))
            .collect();
        let genesis = Header::default();
        let mut sim = Sim {
            rng: Rng::new(cfg.seed),
            now: 0,
            seq: 0,
            queue: BTreeMap::new(),
            nodes: Vec::new(),
            headers: BTreeMap::from([(genesis.hash(), genesis.clone())]),
            genesis: genesis.clone(),
            sets: BTreeMap::new(),
            groups: None,
            origin: None,
            check: SharedCheck::default(),
            stats: Stats::default(),
            cfg,
        };
        let set = sim.set_for(0, &pairs);
        sim.sets.insert(0, set.clone());
        for pair in pairs {
            sim.nodes.push(Node {
                pair,
                tree: BlockTree::new(genesis.clone()),
                voter: None,
                persisted: None,
                crashed: false,
                finalized: Vec::new(),
                reports: Vec::new(),
                crash_after_persist: false,
                orphans: BTreeMap::new(),
            });
        }
        for node in 0..sim.nodes.len() {
            let params = sim.params(node, set.clone());
            let (voter, effects) = FinalityVoter::new(params, id_of(&genesis), 0);
            sim.nodes[node].voter = Some(voter);
            sim.perform(node, effects);
        }
        let first_slot = sim.cfg.slot_ms;
        sim.schedule(first_slot, Event::Slot(1));
        sim
    }

    /// Set `k`: the weights rotated by `k` places.
    fn set_for(&self, k: u64, pairs: &[Pair]) -> VoterSet {
        let n = pairs.len();
        let voters = (0..n)
            .map(|i| (pairs[i].public(), self.cfg.weights[(i + k as usize) % n]))
            .collect();
        VoterSet::new(k, voters).unwrap()
    }

    fn params(&self, node: usize, set: VoterSet) -> VoterParams<SharedCheck> {
        VoterParams {
            config: self.cfg.finality.clone(),
            set,
            signer: Some(self.nodes[node].pair.clone()),
            verifier: self.check.clone(),
        }
    }

    fn schedule(&mut self, at: u64, event: Event) {
        self.seq += 1;
        self.queue.insert((at.max(self.now), self.seq), event);
    }

    pub fn total_weight(&self) -> u128 {
        self.cfg.weights.iter().sum()
    }

    pub fn honest(&self) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|i| Some(*i) != self.cfg.equivocator)
            .collect()
    }

    // ---- the scenario's controls ----

    pub fn crash_at(&mut self, at: u64, nodes: Vec<usize>) {
        self.schedule(at, Event::Crash(nodes));
    }

    pub fn restart_at(&mut self, at: u64, nodes: Vec<usize>) {
        self.schedule(at, Event::Restart(nodes));
    }

    /// Splits the network by group id per node.
    pub fn partition_at(&mut self, at: u64, groups: Vec<u8>) {
        self.schedule(at, Event::Partition(groups));
    }

    pub fn heal_at(&mut self, at: u64) {
        self.schedule(at, Event::Heal);
    }

    /// Runs every event up to time `until`.
    pub fn run_until(&mut self, until: u64) {
        while let Some(entry) = self.queue.first_entry() {
            if entry.key().0 > until {
                break;
            }
            let ((at, _), event) = entry.remove_entry();
            self.now = at;
            self.stats.events += 1;
            self.handle(event);
        }
        self.now = until;
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Slot(slot) => {
                self.produce(slot);
                let next = (slot + 1) * self.cfg.slot_ms;
                self.schedule(next, Event::Slot(slot + 1));
            }
            Event::Deliver { to, from, wire } => {
                let cut = self.groups.as_ref().is_some_and(|g| g[to] != g[from]);
                if !self.nodes[to].crashed && !cut {
                    self.deliver(to, from, wire);
                }
            }
            Event::Timer {
                node,
                set_id,
                round,
                step,
            } => {
                if !self.nodes[node].crashed {
                    self.feed(
                        node,
                        Input::Timeout {
                            set_id,
                            round,
                            step,
                        },
                    );
                }
            }
            Event::Crash(nodes) => nodes.into_iter().for_each(|n| self.crash(n)),
            Event::Restart(nodes) => nodes.into_iter().for_each(|n| self.restart(n)),
            Event::Partition(groups) => self.groups = Some(groups),
            Event::Heal => self.groups = None,
        }
    }

    // ---- blocks ----

    /// The author of `slot`: picked by weight from a hash of the slot.
    pub fn author_of(&self, slot: u64) -> usize {
        let x = mix(slot ^ self.cfg.seed.rotate_left(17));
        let mut point = (x as u128) % self.total_weight();
        for (i, weight) in self.cfg.weights.iter().enumerate() {
            if point < *weight {
                return i;
            }
            point -= weight;
        }
        0
    }

    fn produce(&mut self, slot: u64) {
        let author = self.author_of(slot);
        if self.nodes[author].crashed {
            return;
        }
        let parent = self.nodes[author].tree.best_header().clone();
        let variants = if Some(author) == self.cfg.equivocator {
            2
        } else {
            1
        };
        let headers: Vec<Header> = (0..variants)
            .map(|v| make_header(&parent, slot, author as u16, v))
            .collect();
        for header in &headers {
            self.headers.insert(header.hash(), header.clone());
        }
        self.import(author, headers.clone());
        for peer in 0..self.nodes.len() {
            let header = headers[peer % headers.len()].clone();
            self.send(author, peer, Wire::Blocks(vec![header]));
        }
    }

    /// Imports headers (and any orphans they complete), then tells the
    /// voter: set changes first, then one `BlockImported`.
    fn import(&mut self, node: usize, headers: Vec<Header>) -> Vec<Header> {
        let mut imported = Vec::new();
        let mut queue = headers;
        while let Some(header) = queue.pop() {
            let hash = header.hash();
            if self.nodes[node].tree.import(header.clone()) {
                if let Some(children) = self.nodes[node].orphans.remove(&hash) {
                    queue.extend(children);
                }
                imported.push(header);
            }
        }
        for header in &imported {
            self.signal_set_change(node, header);
        }
        if !imported.is_empty() {
            self.feed(node, Input::BlockImported);
        }
        imported
    }

    fn signal_set_change(&mut self, node: usize, header: &Header) {
        let Some(epoch) = self.cfg.epoch_len else {
            return;
        };
        if !header.number.is_multiple_of(epoch) {
            return;
        }
        let k = (header.number / epoch) as u64;
        let pairs: Vec<Pair> = self.nodes.iter().map(|n| n.pair.clone()).collect();
        let next = self.set_for(k, &pairs);
        self.sets.entry(k).or_insert_with(|| next.clone());
        let block = id_of(header);
        self.feed(node, Input::SetChange { block, next });
    }

    // ---- the network ----

    fn send(&mut self, from: usize, to: usize, wire: Wire) {
        if from == to {
            return;
        }
        self.stats.messages += 1;
        if self.rng.chance(self.cfg.net.drop_per_mille) {
            return;
        }
        let delay = self
            .rng
            .between(self.cfg.net.min_delay, self.cfg.net.max_delay);
        self.schedule(self.now + delay, Event::Deliver { to, from, wire });
    }

    fn broadcast(&mut self, from: usize, message: &Message) {
        let bytes = message.encode();
        for peer in 0..self.nodes.len() {
            self.send(from, peer, Wire::Finality(bytes.clone()));
        }
    }

    fn deliver(&mut self, to: usize, from: usize, wire: Wire) {
        match wire {
            Wire::Blocks(headers) => self.receive_blocks(to, from, headers),
            Wire::Ask(hash) => {
                let ancestry = self.nodes[to].tree.ancestry(&hash, 64);
                if !ancestry.is_empty() {
                    self.send(to, from, Wire::Blocks(ancestry));
                }
            }
            Wire::Finality(bytes) => match Message::decode_bounded(&bytes) {
                Ok(message) => {
                    self.origin = Some(from);
                    self.feed(to, Input::Message(message));
                    self.origin = None;
                }
                Err(_) => self.stats.refused += 1,
            },
        }
    }

    fn receive_blocks(&mut self, to: usize, from: usize, headers: Vec<Header>) {
        let mut ask = None;
        let mut ready = Vec::new();
        for header in headers {
            let tree = &self.nodes[to].tree;
            if tree.contains(&header.hash()) {
                continue;
            }
            let parent_known = tree.contains(&header.parent_hash)
                || ready
                    .iter()
                    .any(|h: &Header| h.hash() == header.parent_hash);
            if parent_known {
                ready.push(header);
            } else {
                // Ask for what lies below the lowest header missing a parent.
                ask = ask.or(Some(header.parent_hash));
                let orphans = &mut self.nodes[to].orphans;
                if orphans.len() < 4_096 {
                    orphans.entry(header.parent_hash).or_default().push(header);
                }
            }
        }
        ready.reverse();
        self.import(to, ready);
        if let Some(parent) = ask {
            self.send(to, from, Wire::Ask(parent));
        }
    }

    // ---- the voters ----

    fn feed(&mut self, node: usize, input: Input) {
        let now = self.now;
        let n = &mut self.nodes[node];
        let Some(voter) = n.voter.as_mut() else {
            return;
        };
        match voter.apply(now, input, &n.tree) {
            Ok(effects) => self.perform(node, effects),
            Err(e) if e.is_misbehaviour() => self.stats.refused += 1,
            Err(FinalityError::UnknownBlock(_)) => self.stats.early += 1,
            Err(e) => panic!("node {node} at {now} ms: {e}"),
        }
    }

    fn perform(&mut self, node: usize, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Persist(state) => {
                    self.nodes[node].persisted = Some(*state);
                    if self.nodes[node].crash_after_persist {
                        self.nodes[node].crash_after_persist = false;
                        self.crash(node);
                        return;
                    }
                }
                Effect::Broadcast(message) => self.send_out(node, message),
                Effect::Finalize {
                    block,
                    justification,
                } => {
                    // Stored and served as bytes: check what a peer would read.
                    let stored = Justification::from_stored(&justification.to_stored()).unwrap();
                    let set = &self.sets[&stored.set_id];
                    verify_with(set, &stored, &block, &self.check)
                        .unwrap_or_else(|e| panic!("node {node}: bad justification: {e}"));
                    self.nodes[node].tree.finalize(block);
                    self.nodes[node].finalized.push((block, self.now));
                }
                Effect::ReportEquivocation(proof) => {
                    let set = &self.sets[&proof.first.vote.set_id];
                    proof
                        .check(set, &self.check)
                        .expect("a valid equivocation proof");
                    self.nodes[node].reports.push(proof);
                }
                Effect::ScheduleTimeout {
                    set_id,
                    round,
                    step,
                    at,
                } => self.schedule(
                    at,
                    Event::Timer {
                        node,
                        set_id,
                        round,
                        step,
                    },
                ),
                Effect::NewSet { .. } => self.stats.set_changes += 1,
                Effect::FetchBlock(block) => {
                    self.stats.fetches += 1;
                    let peers = match self.origin {
                        Some(peer) => vec![peer],
                        None => (0..self.nodes.len()).collect(),
                    };
                    for peer in peers {
                        self.send(node, peer, Wire::Ask(block.hash));
                    }
                }
            }
        }
    }

    fn send_out(&mut self, node: usize, message: Message) {
        match message {
            Message::Vote(vote) if Some(node) == self.cfg.equivocator => {
                self.equivocate(node, vote)
            }
            message => self.broadcast(node, &message),
        }
    }

    /// Sends `vote` and a second vote of the same kind and round for
    /// another block: a fork at the same height if one is known, else the
    /// parent.
    fn equivocate(&mut self, node: usize, vote: SignedVote) {
        let tree = &self.nodes[node].tree;
        let target = vote.vote.target();
        let other = tree.sibling_branch(target).or_else(|| {
            let header = tree.get(&target.hash)?;
            (target.number > 0).then(|| BlockId::new(target.number - 1, header.parent_hash))
        });
        let Some(other) = other else {
            return self.broadcast(node, &Message::Vote(vote));
        };
        let second = SignedVote::sign(
            Vote {
                target_hash: other.hash,
                target_number: other.number,
                ..vote.vote
            },
            &self.nodes[node].pair,
        );
        let first = Message::Vote(vote).encode();
        let second = Message::Vote(second).encode();
        for peer in 0..self.nodes.len() {
            let mut both = [first.clone(), second.clone()];
            if self.cfg.split_votes {
                let one = both[peer % 2].clone();
                self.send(node, peer, Wire::Finality(one));
                continue;
            }
            if self.rng.chance(500) {
                both.swap(0, 1);
            }
            for bytes in both {
                self.send(node, peer, Wire::Finality(bytes));
            }
        }
    }

    fn crash(&mut self, node: usize) {
        let n = &mut self.nodes[node];
        n.crashed = true;
        n.voter = None;
        n.orphans.clear();
    }

    fn restart(&mut self, node: usize) {
        if !self.nodes[node].crashed {
            return;
        }
        self.stats.restarts += 1;
        let n = &self.nodes[node];
        let finalized = n.tree.finalized();
        let set = self.current_set_of(node);
        let params = self.params(node, set);
        let n = &self.nodes[node];
        let (voter, effects) = match n.persisted.clone() {
            Some(state) => FinalityVoter::restore(params, state, finalized, self.now, &n.tree)
                .unwrap_or_else(|e| panic!("node {node} cannot restore: {e}")),
            None => FinalityVoter::new(params, finalized, self.now),
        };
        self.nodes[node].voter = Some(voter);
        self.nodes[node].crashed = false;
        self.perform(node, effects);
        // The voter's pending set changes are not persisted: signal them again.
        let finalized = self.nodes[node].tree.finalized().number;
        let above: Vec<Header> = self.nodes[node].tree.headers_above(finalized).collect();
        for header in &above {
            self.signal_set_change(node, header);
        }
        self.feed(node, Input::BlockImported);
    }

    /// The set a node's chain is in: the last one enacted at or below its
    /// finalized block.
    fn current_set_of(&self, node: usize) -> VoterSet {
        let finalized = self.nodes[node].tree.finalized().number;
        let k = match self.cfg.epoch_len {
            Some(epoch) => (finalized / epoch) as u64,
            None => 0,
        };
        self.sets[&k].clone()
    }
}
