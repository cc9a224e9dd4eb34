//! The consistency walk run before a database is opened for writing: the
//! head pointers name stored blocks with their bodies, the best and
//! finalized blocks' state roots are stored (states below the finalized
//! block may be pruned, theirs never are), and
//! the canonical lookup links genesis, block 1, the finalized and best
//! blocks and 16 heights spread between them, each to its parent.

use crate::{meta, Database, DbError};
use entroos_primitives::{BlockNumber, Header, H256};
use std::collections::BTreeSet;
use std::path::Path;

/// Heights sampled between block 1 and the best block, besides the heads.
const SAMPLES: u32 = 16;

/// What the open checks found missing or mismatched.
#[derive(Debug, thiserror::Error)]
pub enum Inconsistency {
    /// A meta entry is missing.
    #[error("the meta column has no `{0}` entry")]
    MissingMeta(&'static str),
    /// A stored entry does not decode.
    #[error("an entry of {what} does not decode: {reason}")]
    Undecodable {
        /// What was read.
        what: &'static str,
        /// Why it does not decode.
        reason: String,
    },
    /// A block's header is missing.
    #[error("the {role} block {hash} has no header")]
    MissingHeader {
        /// `best`, `finalized`, `genesis` or `canonical`.
        role: &'static str,
        /// The block.
        hash: H256,
    },
    /// A block's body is missing.
    #[error("the {role} block #{number} ({hash}) has no body")]
    MissingBody {
        /// `best`, `finalized` or `genesis`.
        role: &'static str,
        /// Its number.
        number: BlockNumber,
        /// The block.
        hash: H256,
    },
    /// A block's state root trie node is missing.
    #[error("the state of the {role} block #{number} ({hash}) is missing: no trie node {root}")]
    MissingState {
        /// `best` or `finalized`.
        role: &'static str,
        /// Its number.
        number: BlockNumber,
        /// The block.
        hash: H256,
        /// Its state root.
        root: H256,
    },
    /// The finalized block is above the best block.
    #[error("the finalized block #{finalized} is above the best block #{best}")]
    FinalizedAboveBest {
        /// The finalized number.
        finalized: BlockNumber,
        /// The best number.
        best: BlockNumber,
    },
    /// The canonical lookup has no entry at a height up to the best block.
    #[error("the canonical lookup has no entry for #{0}")]
    MissingLookup(BlockNumber),
    /// The canonical lookup names the wrong block.
    #[error("the canonical lookup names {found} at #{number} where {expected} belongs")]
    LookupMismatch {
        /// The height.
        number: BlockNumber,
        /// The hash stored there.
        found: H256,
        /// The hash the chain needs there.
        expected: H256,
    },
    /// The canonical lookup names a block of another height.
    #[error("the canonical lookup names {hash} at #{number}, a block numbered #{found}")]
    WrongNumber {
        /// The height.
        number: BlockNumber,
        /// The block named.
        hash: H256,
        /// Its header's number.
        found: BlockNumber,
    },
    /// The canonical lookup has an entry above the best block.
    #[error("the canonical lookup has an entry at #{0}, above the best block")]
    LookupAboveBest(BlockNumber),
}

/// The head pointers, each with its header read.
pub(crate) struct Heads {
    pub genesis: (BlockNumber, H256),
    pub best: (BlockNumber, H256),
    pub finalized: (BlockNumber, H256),
}

/// The walk over one database.
pub(crate) struct Walk<'a> {
    pub db: &'a Database,
    path: &'a Path,
}

impl<'a> Walk<'a> {
    pub fn new(db: &'a Database, path: &'a Path) -> Self {
        Walk { db, path }
    }

    /// The refusal for `problem`.
    pub fn bad(&self, problem: Inconsistency) -> DbError {
        DbError::Inconsistent {
            path: self.path.to_path_buf(),
            problem,
        }
    }

    fn header(&self, role: &'static str, hash: H256) -> Result<Header, DbError> {
        self.db
            .header(&hash)?
            .ok_or_else(|| self.bad(Inconsistency::MissingHeader { role, hash }))
    }

    fn pointer(&self, key: &'static [u8], name: &'static str) -> Result<H256, DbError> {
        self.db
            .meta::<H256>(key)?
            .ok_or_else(|| self.bad(Inconsistency::MissingMeta(name)))
    }

    /// Reads the best and finalized pointers and their headers.
    pub fn heads(&self, genesis: H256) -> Result<Heads, DbError> {
        let best = self.pointer(meta::BEST, "best")?;
        let finalized = self.pointer(meta::FINALIZED, "finalized")?;
        let heads = Heads {
            genesis: (self.header("genesis", genesis)?.number, genesis),
            best: (self.header("best", best)?.number, best),
            finalized: (self.header("finalized", finalized)?.number, finalized),
        };
        if heads.finalized.0 > heads.best.0 {
            return Err(self.bad(Inconsistency::FinalizedAboveBest {
                finalized: heads.finalized.0,
                best: heads.best.0,
            }));
        }
        Ok(heads)
    }

    /// Walks the heads and the canonical lookup.
    pub fn chain(&self, heads: &Heads) -> Result<(), DbError> {
        self.block("genesis", heads.genesis.1, false)?;
        self.block("finalized", heads.finalized.1, true)?;
        self.block("best", heads.best.1, true)?;
        for number in sample_heights(heads.finalized.0, heads.best.0) {
            self.lookup_link(number, heads.genesis.1)?;
        }
        self.expect_lookup(heads.finalized)?;
        self.expect_lookup(heads.best)?;
        let above = heads.best.0.saturating_add(1);
        if above > heads.best.0 && self.db.hash_of(above)?.is_some() {
            return Err(self.bad(Inconsistency::LookupAboveBest(above)));
        }
        Ok(())
    }

    /// A head block's header, body and (`with_state`) state root node.
    fn block(&self, role: &'static str, hash: H256, with_state: bool) -> Result<(), DbError> {
        let header = self.header(role, hash)?;
        let number = header.number;
        if self.db.body(&hash)?.is_none() {
            return Err(self.bad(Inconsistency::MissingBody { role, number, hash }));
        }
        let root = header.state_root;
        if with_state && root.0 != empty_root() && self.db.state().node(&root.0)?.is_none() {
            return Err(self.bad(Inconsistency::MissingState {
                role,
                number,
                hash,
                root,
            }));
        }
        Ok(())
    }

    fn lookup(&self, number: BlockNumber) -> Result<H256, DbError> {
        self.db
            .hash_of(number)?
            .ok_or_else(|| self.bad(Inconsistency::MissingLookup(number)))
    }

    fn expect_lookup(&self, (number, expected): (BlockNumber, H256)) -> Result<(), DbError> {
        let found = self.lookup(number)?;
        if found != expected {
            return Err(self.bad(Inconsistency::LookupMismatch {
                number,
                found,
                expected,
            }));
        }
        Ok(())
    }

    /// The lookup at `number` names a block of that height whose parent
    /// the lookup names one below (genesis at 0).
    fn lookup_link(&self, number: BlockNumber, genesis: H256) -> Result<(), DbError> {
        let hash = self.lookup(number)?;
        let header = self.header("canonical", hash)?;
        if header.number != number {
            return Err(self.bad(Inconsistency::WrongNumber {
                number,
                hash,
                found: header.number,
            }));
        }
        match number.checked_sub(1) {
            None => self.expect_lookup((0, genesis)),
            Some(below) => self.expect_lookup((below, header.parent_hash)),
        }
    }
}

/// The root of the empty trie, which is never stored as a node.
fn empty_root() -> [u8; 32] {
    entroos_support::trie::trie_root(Vec::<(Vec<u8>, Vec<u8>)>::new())
}

/// Genesis, block 1, the finalized and best heights, and [`SAMPLES`]
/// heights spread evenly between 1 and the best block.
pub(crate) fn sample_heights(finalized: BlockNumber, best: BlockNumber) -> BTreeSet<BlockNumber> {
    let mut heights: BTreeSet<BlockNumber> = [0, 1, finalized, best].into_iter().collect();
    let span = u64::from(best.saturating_sub(1));
    for step in 1..=u64::from(SAMPLES) {
        let offset = span * step / (u64::from(SAMPLES) + 1);
        heights.insert(1u32.saturating_add(u32::try_from(offset).unwrap_or(u32::MAX)));
    }
    heights.retain(|h| *h <= best);
    heights
}
