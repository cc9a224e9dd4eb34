//! Table tests: one input to a machine in a known state, and the exact
//! effects it must produce.

mod common;

use common::chain::MemChain;
use entroos_network_api::{
    BlockAnnounce, BlockAttributes, BlockRequest, BlockResponse, DecodeError, Direction, FromBlock,
    PeerId, Reason, RequestFailure, RequestId, Roles, Status,
};
use entroos_primitives::{Block, BlockNumber, H256};
use entroos_sync::{
    serve, ChainSync, Effect, Failure, ImportResult, Input, ServeLimits, SyncConfig,
};
use std::collections::{BTreeMap, VecDeque};

/// An effect, summarized.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Out {
    /// One header at this number.
    Probe {
        peer: u8,
        number: BlockNumber,
    },
    /// Whole blocks ascending from this number.
    Range {
        peer: u8,
        start: BlockNumber,
        len: u32,
    },
    /// Whole blocks descending from this hash.
    Fetch {
        peer: u8,
        hash: H256,
        len: u32,
    },
    /// The header and justification of this block.
    AskJustification {
        peer: u8,
        hash: H256,
    },
    /// A justification for finality, of this block, from this peer.
    Justification {
        peer: u8,
        number: BlockNumber,
        bytes: Vec<u8>,
    },
    Import(Vec<BlockNumber>),
    Report(u8, Reason),
    Disconnect(u8),
    Announce(BlockNumber, bool),
}

fn peer(n: u8) -> PeerId {
    PeerId::from_bytes(vec![n]).unwrap()
}

fn config() -> SyncConfig {
    SyncConfig {
        max_requests_per_peer: 2,
        blocks_per_request: 4,
        max_blocks_ahead: 16,
        request_timeout_millis: 1_000,
        failure_backoff_millis: 500,
        max_timeouts_in_row: 3,
        max_fetch_blocks: 8,
        max_announces_per_window: 3,
        ..SyncConfig::default()
    }
}

fn chain(len: u32) -> MemChain {
    let mut chain = MemChain::new();
    let genesis = chain.genesis();
    chain.grow(genesis, len, 1, None);
    chain
}

/// `chain(shared)` continued by `extra` blocks of another branch.
fn fork(shared: u32, extra: u32) -> MemChain {
    let mut chain = chain(shared);
    let tip = chain.best().1;
    chain.grow(tip, extra, 2, None);
    chain
}

struct Driver {
    local: MemChain,
    sync: ChainSync,
    remotes: BTreeMap<u8, MemChain>,
    sent: BTreeMap<RequestId, (u8, BlockRequest)>,
    imports: VecDeque<Block>,
    now: u64,
}

impl Driver {
    fn new(local: MemChain) -> Self {
        Self::with_config(local, config())
    }

    fn with_config(local: MemChain, config: SyncConfig) -> Self {
        let sync = ChainSync::new(config, &local);
        Driver {
            local,
            sync,
            remotes: BTreeMap::new(),
            sent: BTreeMap::new(),
            imports: VecDeque::new(),
            now: 0,
        }
    }

    fn run(&mut self, input: Input) -> Vec<Out> {
        let effects = self.sync.apply(input, &self.local).unwrap();
        effects.into_iter().map(|e| self.summarize(e)).collect()
    }

    fn summarize(&mut self, effect: Effect) -> Out {
        match effect {
            Effect::SendRequest {
                peer: p,
                id,
                request,
            } => {
                let n = p.as_bytes()[0];
                self.sent.insert(id, (n, request.clone()));
                let max = request.max.unwrap();
                match (request.fields, request.from, request.direction) {
                    (BlockAttributes::HEADER, FromBlock::Number(number), Direction::Ascending) => {
                        Out::Probe { peer: n, number }
                    }
                    (BlockAttributes::FULL, FromBlock::Number(start), Direction::Ascending) => {
                        Out::Range {
                            peer: n,
                            start,
                            len: max,
                        }
                    }
                    (BlockAttributes::FULL, FromBlock::Hash(hash), Direction::Descending) => {
                        Out::Fetch {
                            peer: n,
                            hash,
                            len: max,
                        }
                    }
                    (fields, FromBlock::Hash(hash), Direction::Descending)
                        if fields == BlockAttributes::HEADER | BlockAttributes::JUSTIFICATION
                            && max == 1 =>
                    {
                        Out::AskJustification { peer: n, hash }
                    }
                    other => panic!("unexpected request {other:?}"),
                }
            }
            Effect::ImportBlocks(blocks) => {
                let numbers = blocks.iter().map(|b| b.block.header.number).collect();
                self.imports.extend(blocks.into_iter().map(|b| b.block));
                Out::Import(numbers)
            }
            Effect::ReportPeer { peer: p, change } => Out::Report(p.as_bytes()[0], change.reason),
            Effect::Disconnect { peer: p } => Out::Disconnect(p.as_bytes()[0]),
            Effect::Announce(a) => Out::Announce(a.header.number, a.is_best),
            Effect::Justification {
                origin,
                hash,
                number,
                bytes,
            } => {
                assert_eq!(self.local.canonical_hash(number), Some(hash));
                Out::Justification {
                    peer: origin.as_bytes()[0],
                    number,
                    bytes,
                }
            }
        }
    }

    fn status_of(remote: &MemChain) -> Status {
        let (best_number, best_hash) = remote.best();
        Status {
            roles: Roles::FULL,
            best_number,
            best_hash,
            genesis_hash: remote.genesis(),
        }
    }

    fn connect(&mut self, n: u8, remote: MemChain) -> Vec<Out> {
        let status = Self::status_of(&remote);
        self.remotes.insert(n, remote);
        self.run(Input::PeerConnected {
            peer: peer(n),
            status,
        })
    }

    fn request(&self, id: u64) -> (u8, BlockRequest) {
        self.sent[&RequestId(id)].clone()
    }

    fn served(&self, id: u64) -> BlockResponse {
        let (n, request) = self.request(id);
        serve(&request, &self.remotes[&n], ServeLimits::default()).unwrap()
    }

    fn answer(&mut self, id: u64) -> Vec<Out> {
        let response = self.served(id);
        self.answer_with(id, response)
    }

    fn answer_with(&mut self, id: u64, response: BlockResponse) -> Vec<Out> {
        let (n, _) = self.request(id);
        self.run(Input::Response {
            peer: peer(n),
            id: RequestId(id),
            response,
        })
    }

    /// Imports the next handed-over block into the local chain and reports it.
    fn import_next(&mut self) -> Vec<Out> {
        let block = self.imports.pop_front().expect("a block to import");
        let result = ImportResult::from_import(&self.local.import(&block));
        let (hash, number) = (block.header.hash(), block.header.number);
        self.run(Input::Imported {
            hash,
            number,
            result,
        })
    }

    fn import_all(&mut self) -> Vec<Out> {
        let mut outs = Vec::new();
        while !self.imports.is_empty() {
            outs.extend(self.import_next());
        }
        outs
    }

    fn tick(&mut self, now: u64) -> Vec<Out> {
        self.now = now;
        self.run(Input::Tick { now })
    }

    fn want_justification(&mut self, number: BlockNumber) -> Vec<Out> {
        let hash = self.local.canonical_hash(number).unwrap();
        self.run(Input::WantJustification { number, hash })
    }

    fn announce(&mut self, n: u8, number: BlockNumber, is_best: bool) -> Vec<Out> {
        let remote = &self.remotes[&n];
        let hash = remote.canonical_hash(number).unwrap();
        self.announce_hash(n, hash, is_best)
    }

    fn announce_hash(&mut self, n: u8, hash: H256, is_best: bool) -> Vec<Out> {
        let header = self.remotes[&n].block(&hash).unwrap().header.clone();
        self.run(Input::Announce {
            peer: peer(n),
            announce: BlockAnnounce { header, is_best },
        })
    }
}

type Case = (&'static str, fn() -> (Vec<Out>, Vec<Out>));

/// A node and two peers on one chain of ten blocks, peer 1 holding the
/// justification of #8 and peer 2 none.
fn justification_holders() -> Driver {
    let mut d = Driver::new(chain(10));
    let mut holder = chain(10);
    holder.justify(8, b"j8".to_vec());
    assert_eq!(d.connect(1, holder), []);
    assert_eq!(d.connect(2, chain(10)), []);
    d
}

fn justification_cases() -> Vec<Case> {
    vec![
        (
            "a wanted justification is asked of one peer at a time, turn by turn",
            || {
                let mut d = justification_holders();
                let hash = d.local.canonical_hash(8).unwrap();
                let mut got = d.want_justification(8);
                got.extend(d.want_justification(8));
                got.extend(d.answer(0));
                got.extend(d.want_justification(8));
                (
                    got,
                    vec![
                        Out::AskJustification { peer: 1, hash },
                        Out::Justification {
                            peer: 1,
                            number: 8,
                            bytes: b"j8".to_vec(),
                        },
                        Out::AskJustification { peer: 2, hash },
                    ],
                )
            },
        ),
        ("a peer that has no justification yet is not blamed", || {
            let mut d = justification_holders();
            d.want_justification(8);
            d.answer(0);
            d.want_justification(8);
            (d.answer(1), vec![])
        }),
        ("only peers as high as the block are asked", || {
            let mut d = Driver::new(chain(10));
            d.connect(1, chain(4));
            (d.want_justification(8), vec![])
        }),
        ("an empty answer is no justification and no blame", || {
            let mut d = justification_holders();
            d.want_justification(8);
            let mut empty = d.served(0);
            empty.blocks.clear();
            (d.answer_with(0, empty), vec![])
        }),
        ("an answer with another block expels its sender", || {
            let mut d = justification_holders();
            d.want_justification(8);
            let seven = BlockRequest {
                fields: BlockAttributes::HEADER | BlockAttributes::JUSTIFICATION,
                from: FromBlock::Number(7),
                direction: Direction::Descending,
                max: Some(1),
            };
            let other = serve(&seven, &d.remotes[&1], ServeLimits::default()).unwrap();
            (
                d.answer_with(0, other),
                vec![Out::Report(1, Reason::BadResponse), Out::Disconnect(1)],
            )
        }),
    ]
}

fn cases() -> Vec<Case> {
    vec![
        ("a peer of another genesis is refused", || {
            let mut d = Driver::new(MemChain::new());
            let mut status = Driver::status_of(&chain(5));
            status.genesis_hash = H256([9; 32]);
            let got = d.run(Input::PeerConnected {
                peer: peer(1),
                status,
            });
            (
                got,
                vec![Out::Report(1, Reason::GenesisMismatch), Out::Disconnect(1)],
            )
        }),
        (
            "a peer ahead of a fresh node gets ranges, two at a time",
            || {
                let mut d = Driver::new(MemChain::new());
                let got = d.connect(1, chain(20));
                (
                    got,
                    vec![
                        Out::Range {
                            peer: 1,
                            start: 1,
                            len: 4,
                        },
                        Out::Range {
                            peer: 1,
                            start: 5,
                            len: 4,
                        },
                    ],
                )
            },
        ),
        (
            "a second peer takes the next ranges, up to the download window",
            || {
                let mut d = Driver::new(MemChain::new());
                d.connect(1, chain(20));
                let got = d.connect(2, chain(20));
                (
                    got,
                    vec![
                        Out::Range {
                            peer: 2,
                            start: 9,
                            len: 4,
                        },
                        Out::Range {
                            peer: 2,
                            start: 13,
                            len: 4,
                        },
                    ],
                )
            },
        ),
        (
            "a range continuing the chain is imported, and the peer asked again",
            || {
                let mut d = Driver::new(MemChain::new());
                d.connect(1, chain(20));
                let got = d.answer(0);
                (
                    got,
                    vec![
                        Out::Import(vec![1, 2, 3, 4]),
                        Out::Range {
                            peer: 1,
                            start: 9,
                            len: 4,
                        },
                    ],
                )
            },
        ),
        (
            "downloaded blocks are handed over only as far as the import queue has room",
            || {
                let config = SyncConfig {
                    import_queue: 6,
                    ..config()
                };
                let mut d = Driver::with_config(MemChain::new(), config);
                d.connect(1, chain(20));
                d.answer(1);
                let mut got = d.answer(0);
                got.extend(d.import_next());
                got.extend(d.import_next());
                got.extend(d.import_all());
                (
                    got,
                    vec![
                        Out::Import(vec![1, 2, 3, 4, 5, 6]),
                        Out::Range {
                            peer: 1,
                            start: 13,
                            len: 4,
                        },
                        Out::Import(vec![7]),
                        Out::Import(vec![8]),
                    ],
                )
            },
        ),
        ("a range above a missing one waits", || {
            let mut d = Driver::new(MemChain::new());
            d.connect(1, chain(20));
            let got = d.answer(1);
            (
                got,
                vec![Out::Range {
                    peer: 1,
                    start: 9,
                    len: 4,
                }],
            )
        }),
        (
            "waiting ranges are imported in order once the gap fills",
            || {
                let mut d = Driver::new(MemChain::new());
                d.connect(1, chain(20));
                d.answer(1);
                let got = d.answer(0);
                (
                    got,
                    vec![
                        Out::Import(vec![1, 2, 3, 4, 5, 6, 7, 8]),
                        Out::Range {
                            peer: 1,
                            start: 13,
                            len: 4,
                        },
                    ],
                )
            },
        ),
        ("more blocks than asked for expel the peer", || {
            let mut d = Driver::new(MemChain::new());
            d.connect(1, chain(20));
            let mut response = d.served(0);
            let extra = d.served(1).blocks[0].clone();
            response.blocks.push(extra);
            let got = d.answer_with(0, response);
            (
                got,
                vec![Out::Report(1, Reason::BadResponse), Out::Disconnect(1)],
            )
        }),
        ("blocks that do not chain expel the peer", || {
            let mut d = Driver::new(MemChain::new());
            d.connect(1, chain(20));
            let mut response = d.served(0);
            response.blocks.remove(2);
            let got = d.answer_with(0, response);
            (
                got,
                vec![Out::Report(1, Reason::BadResponse), Out::Disconnect(1)],
            )
        }),
        ("a hash that is not the header's expels the peer", || {
            let mut d = Driver::new(MemChain::new());
            d.connect(1, chain(20));
            let mut response = d.served(0);
            response.blocks[0].hash = H256([7; 32]);
            let got = d.answer_with(0, response);
            (
                got,
                vec![Out::Report(1, Reason::BadResponse), Out::Disconnect(1)],
            )
        }),
        (
            "undecodable bytes expel the peer and free its range for another",
            || {
                let mut d = Driver::new(MemChain::new());
                d.connect(1, chain(20));
                d.connect(2, chain(20));
                d.answer(2);
                let failure = Failure::Undecodable(DecodeError::TrailingBytes {
                    what: "block response",
                    count: 1,
                });
                let got = d.run(Input::RequestFailed {
                    peer: peer(1),
                    id: RequestId(0),
                    failure,
                });
                (
                    got,
                    vec![
                        Out::Report(1, Reason::BadMessage),
                        Out::Disconnect(1),
                        Out::Range {
                            peer: 2,
                            start: 1,
                            len: 4,
                        },
                    ],
                )
            },
        ),
        (
            "an empty answer for claimed blocks costs reputation",
            || {
                let mut d = Driver::new(MemChain::new());
                d.connect(1, chain(20));
                let got = d.answer_with(0, BlockResponse::default());
                (got, vec![Out::Report(1, Reason::UselessResponse)])
            },
        ),
        (
            "timeouts free the ranges for another peer while the slow one backs off",
            || {
                let mut d = Driver::new(MemChain::new());
                d.connect(1, chain(20));
                d.connect(2, chain(20));
                d.answer(2);
                d.answer(3);
                let got = d.tick(1_000);
                (
                    got,
                    vec![
                        Out::Report(1, Reason::Timeout),
                        Out::Report(1, Reason::Timeout),
                        Out::Range {
                            peer: 2,
                            start: 1,
                            len: 4,
                        },
                        Out::Range {
                            peer: 2,
                            start: 5,
                            len: 4,
                        },
                    ],
                )
            },
        ),
        ("three timeouts in a row disconnect the peer", || {
            let mut d = Driver::new(MemChain::new());
            d.connect(1, chain(20));
            d.tick(1_000);
            d.tick(1_500);
            let got = d.tick(2_500);
            (
                got,
                vec![Out::Report(1, Reason::Timeout), Out::Disconnect(1)],
            )
        }),
        ("a connection closing mid-request costs nothing", || {
            let mut d = Driver::new(MemChain::new());
            d.connect(1, chain(20));
            let failure = Failure::Network(RequestFailure::ConnectionClosed);
            let got = d.run(Input::RequestFailed {
                peer: peer(1),
                id: RequestId(0),
                failure,
            });
            (
                got,
                vec![Out::Range {
                    peer: 1,
                    start: 1,
                    len: 4,
                }],
            )
        }),
        ("a departed peer's ranges go to another peer", || {
            let mut d = Driver::new(MemChain::new());
            d.connect(1, chain(20));
            d.connect(2, chain(20));
            d.answer(2);
            d.answer(3);
            let got = d.run(Input::PeerDisconnected { peer: peer(1) });
            (
                got,
                vec![
                    Out::Range {
                        peer: 2,
                        start: 1,
                        len: 4,
                    },
                    Out::Range {
                        peer: 2,
                        start: 5,
                        len: 4,
                    },
                ],
            )
        }),
        (
            "an answer to an unknown id or from another peer is ignored",
            || {
                let mut d = Driver::new(MemChain::new());
                d.connect(1, chain(20));
                d.connect(2, chain(20));
                let response = d.served(0);
                let mut got = d.run(Input::Response {
                    peer: peer(2),
                    id: RequestId(0),
                    response: response.clone(),
                });
                got.extend(d.run(Input::Response {
                    peer: peer(1),
                    id: RequestId(99),
                    response,
                }));
                (got, vec![])
            },
        ),
        ("a bad block expels its sender", || {
            let mut d = Driver::new(MemChain::new());
            let mut remote = MemChain::new();
            let genesis = remote.genesis();
            remote.grow(genesis, 20, 1, Some(3));
            d.connect(1, remote);
            d.answer(0);
            d.import_next();
            d.import_next();
            let got = d.import_next();
            (
                got,
                vec![Out::Report(1, Reason::BadBlock), Out::Disconnect(1)],
            )
        }),
        (
            "after a failed import the download restarts from the local best block",
            || {
                let mut d = Driver::new(MemChain::new());
                let mut remote = MemChain::new();
                let genesis = remote.genesis();
                remote.grow(genesis, 20, 1, Some(3));
                d.connect(1, remote);
                d.connect(2, chain(20));
                d.answer(2);
                d.answer(3);
                d.answer(0);
                d.import_next();
                d.import_next();
                d.import_next();
                let got = d.import_next();
                (got, vec![Out::Probe { peer: 2, number: 2 }])
            },
        ),
        (
            "an aligned peer's next block is fetched by hash, one block",
            || {
                let mut d = Driver::new(chain(10));
                let mut remote = chain(10);
                d.connect(1, remote.clone());
                let tip = remote.best().1;
                let next = remote.grow(tip, 1, 1, None);
                d.remotes.insert(1, remote);
                let got = d.announce(1, 11, true);
                (
                    got,
                    vec![Out::Fetch {
                        peer: 1,
                        hash: next,
                        len: 1,
                    }],
                )
            },
        ),
        (
            "an aligned peer far ahead is left to the main download",
            || {
                let mut d = Driver::new(chain(10));
                let mut remote = chain(10);
                d.connect(1, remote.clone());
                let tip = remote.best().1;
                remote.grow(tip, 10, 1, None);
                d.remotes.insert(1, remote);
                let got = d.announce(1, 20, true);
                (
                    got,
                    vec![
                        Out::Range {
                            peer: 1,
                            start: 11,
                            len: 4,
                        },
                        Out::Range {
                            peer: 1,
                            start: 15,
                            len: 4,
                        },
                    ],
                )
            },
        ),
        (
            "a tip block on an unknown branch is walked back by hash",
            || {
                let mut d = Driver::new(chain(10));
                d.connect(1, chain(10));
                let mut remote = chain(10);
                let point = remote.canonical_hash(8).unwrap();
                let tip = remote.grow(point, 3, 5, None);
                let parent = remote.block(&tip).unwrap().header.parent_hash;
                d.remotes.insert(1, remote);
                d.announce_hash(1, tip, true);
                let got = d.answer(0);
                (
                    got,
                    vec![Out::Fetch {
                        peer: 1,
                        hash: parent,
                        len: 4,
                    }],
                )
            },
        ),
        (
            "a walk back that reaches a known block imports the branch parent first",
            || {
                let mut d = Driver::new(chain(10));
                d.connect(1, chain(10));
                let mut remote = chain(10);
                let point = remote.canonical_hash(8).unwrap();
                let tip = remote.grow(point, 3, 5, None);
                d.remotes.insert(1, remote);
                d.announce_hash(1, tip, true);
                d.answer(0);
                let got = d.answer(1);
                (got, vec![Out::Import(vec![9, 10, 11])])
            },
        ),
        ("a block imported at the tip is announced on", || {
            let mut d = Driver::new(chain(10));
            let mut remote = chain(10);
            d.connect(1, remote.clone());
            let tip = remote.best().1;
            remote.grow(tip, 1, 1, None);
            d.remotes.insert(1, remote);
            d.announce(1, 11, true);
            d.answer(0);
            let got = d.import_all();
            (got, vec![Out::Announce(11, true)])
        }),
        (
            "blocks imported together at the tip are announced once, at the top",
            || {
                let mut d = Driver::new(chain(10));
                let mut remote = chain(10);
                d.connect(1, remote.clone());
                let tip = remote.best().1;
                remote.grow(tip, 3, 1, None);
                d.remotes.insert(1, remote);
                d.announce(1, 13, true);
                d.answer(0);
                let got = d.import_all();
                (got, vec![Out::Announce(13, true)])
            },
        ),
        ("a sibling block is fetched by hash", || {
            let mut d = Driver::new(chain(10));
            let mut remote = chain(10);
            let parent = remote.canonical_hash(9).unwrap();
            let sibling = remote.grow(parent, 1, 7, None);
            d.connect(1, remote);
            let got = d.announce_hash(1, sibling, false);
            (
                got,
                vec![Out::Fetch {
                    peer: 1,
                    hash: sibling,
                    len: 1,
                }],
            )
        }),
        ("a fetched block whose parent is known is imported", || {
            let mut d = Driver::new(chain(10));
            let mut remote = chain(10);
            let parent = remote.canonical_hash(9).unwrap();
            let sibling = remote.grow(parent, 1, 7, None);
            d.connect(1, remote);
            d.announce_hash(1, sibling, false);
            let got = d.answer(0);
            (got, vec![Out::Import(vec![10])])
        }),
        ("announcements past the rate limit cost reputation", || {
            let mut d = Driver::new(chain(10));
            d.connect(1, chain(10));
            for number in [8, 9, 10] {
                d.announce(1, number, true);
            }
            let got = d.announce(1, 10, true);
            (got, vec![Out::Report(1, Reason::Flood)])
        }),
        (
            "a peer on another branch is searched, first one block back",
            || {
                let mut d = Driver::new(chain(30));
                d.connect(1, fork(20, 20));
                let got = d.answer(0);
                (
                    got,
                    vec![Out::Probe {
                        peer: 1,
                        number: 29,
                    }],
                )
            },
        ),
        (
            "a search ending below a longer branch downloads that branch from the fork point",
            || {
                let mut d = Driver::new(chain(30));
                d.connect(1, fork(20, 20));
                let mut id = 0;
                let mut got = d.answer(id);
                while let [Out::Probe { .. }] = got.as_slice() {
                    id += 1;
                    got = d.answer(id);
                }
                (
                    got,
                    vec![Out::Range {
                        peer: 1,
                        start: 21,
                        len: 4,
                    }],
                )
            },
        ),
        ("a shorter branch is left alone", || {
            let mut d = Driver::new(chain(30));
            d.connect(1, fork(20, 5));
            let mut id = 0;
            let mut got = d.answer(id);
            while let [Out::Probe { .. }] = got.as_slice() {
                id += 1;
                got = d.answer(id);
            }
            (got, vec![])
        }),
    ]
}

#[test]
fn single_steps() {
    let mut failures = Vec::new();
    for (name, case) in cases().into_iter().chain(justification_cases()) {
        let (got, expected) = case();
        if got != expected {
            failures.push(format!("{name}:\n   got {got:?}\n  want {expected:?}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
