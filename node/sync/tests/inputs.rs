//! Random sequences of inputs — peers on three different chains (one with
//! bad blocks), announcements of real and invented headers, answers that
//! are honest, cut, reordered or stale, failures, time and import verdicts
//! — never make the machine fail or panic, and never take it past its
//! bounds.

mod common;

use common::chain::MemChain;
use entroos_network_api::{
    BlockAnnounce, BlockRequest, BlockResponse, DecodeError, PeerId, RequestFailure, RequestId,
    Roles, Status,
};
use entroos_primitives::{Block, Digest, Header, H256};
use entroos_sync::{
    serve, ChainSync, Effect, Failure, ImportResult, Input, ServeLimits, SyncConfig,
};
use proptest::prelude::*;
use std::collections::{BTreeMap, VecDeque};

#[derive(Clone, Debug)]
enum Action {
    Connect(u8),
    Disconnect(u8),
    Announce {
        peer: u8,
        number: u32,
        invented: bool,
        is_best: bool,
    },
    Answer {
        pick: usize,
        mangle: u8,
    },
    Fail {
        pick: usize,
        kind: u8,
    },
    Tick(u16),
    WantJustification {
        number: u32,
        invented: bool,
    },
    Import {
        count: u8,
        verdict: u8,
    },
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        1 => (0u8..5).prop_map(Action::Connect),
        1 => (0u8..5).prop_map(Action::Disconnect),
        1 => (0u8..5, 0u32..80, any::<bool>(), any::<bool>())
            .prop_map(|(peer, number, invented, is_best)| Action::Announce { peer, number, invented, is_best }),
        4 => (any::<usize>(), 0u8..8).prop_map(|(pick, mangle)| Action::Answer { pick, mangle }),
        1 => (any::<usize>(), 0u8..5).prop_map(|(pick, kind)| Action::Fail { pick, kind }),
        1 => (0u16..3_000).prop_map(Action::Tick),
        1 => (0u32..80, any::<bool>())
            .prop_map(|(number, invented)| Action::WantJustification { number, invented }),
        3 => (1u8..40, 0u8..10).prop_map(|(count, verdict)| Action::Import { count, verdict }),
    ]
}

struct World {
    local: MemChain,
    sync: ChainSync,
    chains: Vec<MemChain>,
    sent: BTreeMap<RequestId, (u8, BlockRequest)>,
    imports: VecDeque<Block>,
    now: u64,
    config: SyncConfig,
    wanted: Vec<(u32, H256)>,
}

fn peer(n: u8) -> PeerId {
    PeerId::from_bytes(vec![n]).unwrap()
}

impl World {
    fn new() -> Self {
        let config = SyncConfig {
            blocks_per_request: 8,
            max_blocks_ahead: 32,
            max_fetches: 4,
            max_fetch_blocks: 16,
            request_timeout_millis: 500,
            ..SyncConfig::default()
        };
        let mut honest = MemChain::new();
        let genesis = honest.genesis();
        honest.grow(genesis, 60, 1, None);
        for number in (10..=60).step_by(10) {
            honest.justify(number, vec![number as u8]);
        }
        let mut forked = honest.clone();
        let point = forked.canonical_hash(30).unwrap();
        forked.grow(point, 45, 2, None);
        let mut bad = honest.clone();
        let point = bad.canonical_hash(20).unwrap();
        bad.grow(point, 50, 3, Some(25));
        let mut local = MemChain::new();
        let genesis = local.genesis();
        local.grow(genesis, 10, 1, None);
        let sync = ChainSync::new(config.clone(), &local);
        World {
            local,
            sync,
            chains: vec![honest, forked, bad],
            sent: BTreeMap::new(),
            imports: VecDeque::new(),
            now: 0,
            config,
            wanted: Vec::new(),
        }
    }

    fn chain_of(&self, n: u8) -> &MemChain {
        &self.chains[n as usize % self.chains.len()]
    }

    fn apply(&mut self, input: Input) {
        let effects = self
            .sync
            .apply(input, &self.local)
            .expect("the model chain never fails");
        for effect in effects {
            match effect {
                Effect::SendRequest { peer, id, request } => {
                    assert!(
                        self.sent
                            .insert(id, (peer.as_bytes()[0], request))
                            .is_none(),
                        "request ids are unique"
                    );
                }
                Effect::ImportBlocks(blocks) => {
                    self.imports.extend(blocks.into_iter().map(|b| b.block))
                }
                Effect::Justification { hash, number, .. } => {
                    assert!(
                        self.wanted.contains(&(number, hash)),
                        "only wanted ones come back"
                    )
                }
                Effect::ReportPeer { .. } | Effect::Disconnect { .. } | Effect::Announce(_) => {}
            }
        }
        self.check_bounds();
    }

    fn check_bounds(&self) {
        let footprint = self.sync.footprint();
        for peer in self.sync.peers() {
            assert!(self.sync.requests_to(&peer) <= self.config.max_requests_per_peer);
        }
        assert!(footprint.peers <= self.config.max_peers);
        assert!(footprint.fetches <= self.config.max_fetches);
        let held = footprint.downloaded + footprint.queued;
        let window = (self.config.max_blocks_ahead + self.config.blocks_per_request) as usize;
        let fetched = self.config.max_fetches * self.config.max_fetch_blocks as usize;
        assert!(
            held <= window + fetched + 5 * self.config.blocks_per_request as usize,
            "{footprint:?}"
        );
    }

    fn act(&mut self, action: Action) {
        match action {
            Action::Connect(n) => {
                let (best_number, best_hash) = self.chain_of(n).best();
                let status = Status {
                    roles: Roles::FULL,
                    best_number,
                    best_hash,
                    genesis_hash: self.local.genesis(),
                };
                self.apply(Input::PeerConnected {
                    peer: peer(n),
                    status,
                });
            }
            Action::Disconnect(n) => self.apply(Input::PeerDisconnected { peer: peer(n) }),
            Action::Announce {
                peer: n,
                number,
                invented,
                is_best,
            } => {
                let header = match self.chain_of(n).canonical_hash(number) {
                    Some(hash) if !invented => {
                        self.chain_of(n).block(&hash).unwrap().header.clone()
                    }
                    _ => Header {
                        parent_hash: H256([number as u8; 32]),
                        number,
                        digest: Digest::default(),
                        ..Default::default()
                    },
                };
                self.apply(Input::Announce {
                    peer: peer(n),
                    announce: BlockAnnounce { header, is_best },
                });
            }
            Action::Answer { pick, mangle } => self.answer(pick, mangle),
            Action::Fail { pick, kind } => {
                let Some((&id, &(n, _))) = self.pending(pick) else {
                    return;
                };
                self.sent.remove(&id);
                let failure = match kind {
                    0 => Failure::Network(RequestFailure::Timeout),
                    1 => Failure::Network(RequestFailure::Refused),
                    2 => Failure::Network(RequestFailure::ConnectionClosed),
                    3 => Failure::Network(RequestFailure::TooLarge),
                    _ => Failure::Undecodable(DecodeError::TrailingBytes {
                        what: "block response",
                        count: 3,
                    }),
                };
                self.apply(Input::RequestFailed {
                    peer: peer(n),
                    id,
                    failure,
                });
            }
            Action::Tick(step) => {
                self.now += u64::from(step);
                self.apply(Input::Tick { now: self.now });
            }
            Action::WantJustification { number, invented } => {
                let hash = match self.chains[0].canonical_hash(number) {
                    Some(hash) if !invented => hash,
                    _ => H256([number as u8; 32]),
                };
                self.wanted.push((number, hash));
                self.apply(Input::WantJustification { number, hash });
            }
            Action::Import { count, verdict } => {
                for _ in 0..count {
                    let Some(block) = self.imports.pop_front() else {
                        return;
                    };
                    let (hash, number) = (block.header.hash(), block.header.number);
                    let result = match verdict {
                        0 => ImportResult::NodeFailure,
                        1 => ImportResult::BadBlock,
                        _ => ImportResult::from_import(&self.local.import(&block)),
                    };
                    self.apply(Input::Imported {
                        hash,
                        number,
                        result,
                    });
                }
            }
        }
    }

    fn pending(&self, pick: usize) -> Option<(&RequestId, &(u8, BlockRequest))> {
        let len = self.sent.len();
        if len == 0 {
            return None;
        }
        self.sent.iter().nth(pick % len)
    }

    fn answer(&mut self, pick: usize, mangle: u8) {
        let Some((&id, (n, request))) = self.pending(pick) else {
            return;
        };
        let (n, request) = (*n, request.clone());
        self.sent.remove(&id);
        let mut response = serve(&request, self.chain_of(n), ServeLimits::default()).unwrap();
        match mangle {
            0 if response.blocks.len() > 1 => {
                response.blocks.remove(1);
            }
            1 => response.blocks.reverse(),
            2 => response.blocks.truncate(response.blocks.len() / 2),
            3 => response = BlockResponse::default(),
            4 => {
                if let Some(block) = response.blocks.first_mut() {
                    block.body = None;
                }
            }
            _ => {}
        }
        let to = if mangle == 5 { n.wrapping_add(1) } else { n };
        self.apply(Input::Response {
            peer: peer(to),
            id,
            response,
        });
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn random_inputs_never_break_the_machine(actions in prop::collection::vec(action(), 1..200)) {
        let mut world = World::new();
        for action in actions {
            world.act(action);
        }
        assert!(!world.local.holds_bad_blocks());
    }
}
