//! Fork choice: the best chain has the most primary blocks, then is the
//! longest, and always descends from the last finalized block
//! (`entroos-consensus-slots`' [`ForkChoiceWeight`] and [`prefers`]).
//!
//! Weights are recomputed from headers, never stored: a block's weight is
//! its parent's plus one primary block if its pre-digest is primary, plus
//! one in number. Primary blocks are counted from the block that was
//! finalized when this node started (its weight is `(0, its number)`);
//! every block fork choice compares descends from the finalized block,
//! which descends from that one, so the comparison is the one from
//! genesis. Weights are memoized by block hash: a block's weight is found
//! by walking back to a memoized ancestor. The finalized block is always
//! memoized; at most [`MAX_MEMOIZED`] other blocks are, the lowest numbers
//! forgotten first (a walk then goes back further, to the finalized block
//! at worst).

use entroos_client_api::ClientError;
use entroos_consensus_slots::{find_pre_digest, prefers, ForkChoiceWeight};
use entroos_primitives::{BlockNumber, Header, H256};
use parking_lot::Mutex;
use std::collections::{BTreeSet, HashMap};

/// How many block weights are memoized besides the finalized block's.
pub const MAX_MEMOIZED: usize = 16_384;

/// Whether a header's claim is primary (a header without a decodable
/// pre-digest — the genesis block — counts as not primary).
pub fn is_primary(header: &Header) -> bool {
    find_pre_digest(&header.digest).is_ok_and(|pre| pre.is_primary())
}

/// Primary blocks, then length, over memoized per-block weights.
pub struct ForkChoice {
    memo: Mutex<Memo>,
}

#[derive(Default)]
struct Memo {
    weights: HashMap<H256, ForkChoiceWeight>,
    by_number: BTreeSet<(BlockNumber, H256)>,
    finalized: H256,
}

impl Memo {
    fn insert(&mut self, hash: H256, weight: ForkChoiceWeight) {
        if self.weights.insert(hash, weight).is_none() {
            self.by_number.insert((weight.number, hash));
        }
        while self.by_number.len() > MAX_MEMOIZED.saturating_add(1) {
            let Some(lowest) = self
                .by_number
                .iter()
                .find(|(_, h)| *h != self.finalized)
                .copied()
            else {
                break;
            };
            self.by_number.remove(&lowest);
            self.weights.remove(&lowest.1);
        }
    }
}

impl ForkChoice {
    /// Fork choice counting primary blocks from `finalized` (the last
    /// finalized block when the node starts).
    pub fn new(finalized: &Header) -> Self {
        let mut memo = Memo {
            finalized: finalized.hash(),
            ..Memo::default()
        };
        let base = ForkChoiceWeight {
            primary_blocks: 0,
            number: finalized.number,
        };
        memo.insert(finalized.hash(), base);
        ForkChoice {
            memo: Mutex::new(memo),
        }
    }

    /// The weight of `header`, walking back through `parent_of` to the
    /// nearest memoized ancestor; every block on the way is memoized.
    pub fn weight(
        &self,
        header: &Header,
        parent_of: &dyn Fn(&H256) -> Result<Header, ClientError>,
    ) -> Result<ForkChoiceWeight, ClientError> {
        let mut pending = Vec::new();
        let mut cursor = header.clone();
        let mut base = loop {
            if let Some(weight) = self.memo.lock().weights.get(&cursor.hash()) {
                break *weight;
            }
            if cursor.number == 0 {
                break ForkChoiceWeight::GENESIS;
            }
            let parent = parent_of(&cursor.parent_hash)?;
            pending.push(cursor);
            cursor = parent;
        };
        let mut memo = self.memo.lock();
        for block in pending.into_iter().rev() {
            base = ForkChoiceWeight {
                primary_blocks: base
                    .primary_blocks
                    .saturating_add(u32::from(is_primary(&block))),
                number: block.number,
            };
            memo.insert(block.hash(), base);
        }
        Ok(base)
    }

    /// Whether a block of weight `candidate` replaces the best block of
    /// weight `best`: more primary blocks, or as many and longer.
    pub fn prefers(&self, candidate: ForkChoiceWeight, best: ForkChoiceWeight) -> bool {
        prefers(candidate, best)
    }

    /// Finality moved to `finalized` (whose weight must be known): it stays
    /// memoized, and every block below it is forgotten.
    pub fn finalized(
        &self,
        finalized: &Header,
        parent_of: &dyn Fn(&H256) -> Result<Header, ClientError>,
    ) -> Result<(), ClientError> {
        let weight = self.weight(finalized, parent_of)?;
        let mut memo = self.memo.lock();
        memo.finalized = finalized.hash();
        let below: Vec<(BlockNumber, H256)> = memo
            .by_number
            .range(..(weight.number, H256::default()))
            .copied()
            .collect();
        for entry in below {
            memo.by_number.remove(&entry);
            memo.weights.remove(&entry.1);
        }
        Ok(())
    }

    /// How many weights are memoized.
    pub fn memoized(&self) -> usize {
        self.memo.lock().weights.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entroos_consensus_slots::PreDigest;
    use entroos_primitives::Digest;
    use std::collections::HashMap;

    /// A tree of headers: each child of `parent` claims `slot`.
    #[derive(Default)]
    struct Tree(HashMap<H256, Header>);

    impl Tree {
        fn genesis(&mut self) -> Header {
            let genesis = Header::default();
            self.0.insert(genesis.hash(), genesis.clone());
            genesis
        }

        fn child(&mut self, parent: &Header, slot: u64, primary: bool) -> Header {
            let claim = if primary {
                PreDigest::Primary {
                    authority_index: 0,
                    slot,
                    vrf_output: [0; 32],
                    vrf_proof: [0; 64],
                }
            } else {
                PreDigest::Secondary {
                    authority_index: 0,
                    slot,
                }
            };
            let header = Header {
                parent_hash: parent.hash(),
                number: parent.number + 1,
                digest: Digest {
                    logs: vec![claim.to_digest_item()],
                },
                ..Default::default()
            };
            self.0.insert(header.hash(), header.clone());
            header
        }

        fn parent_of(&self) -> impl Fn(&H256) -> Result<Header, ClientError> + '_ {
            |hash| {
                self.0
                    .get(hash)
                    .cloned()
                    .ok_or(ClientError::UnknownBlock(*hash))
            }
        }
    }

    fn weight(primary_blocks: u32, number: BlockNumber) -> ForkChoiceWeight {
        ForkChoiceWeight {
            primary_blocks,
            number,
        }
    }

    #[test]
    fn a_branch_with_more_primary_blocks_beats_a_longer_one() {
        let mut tree = Tree::default();
        let genesis = tree.genesis();
        let choice = ForkChoice::new(&genesis);
        let a1 = tree.child(&genesis, 1, false);
        let a2 = tree.child(&a1, 2, false);
        let a3 = tree.child(&a2, 3, false);
        let b2 = tree.child(&a1, 2, true);
        let parents = tree.parent_of();
        let long = choice.weight(&a3, &parents).unwrap();
        let primary = choice.weight(&b2, &parents).unwrap();
        assert_eq!((long, primary), (weight(0, 3), weight(1, 2)));
        assert!(choice.prefers(primary, long));
        assert!(!choice.prefers(long, primary));
        assert!(!choice.prefers(primary, primary), "a tie keeps the best");
        assert_eq!(choice.memoized(), 5);
    }

    #[test]
    fn weights_count_from_the_finalized_block_and_finality_forgets_below() {
        let mut tree = Tree::default();
        let genesis = tree.genesis();
        let b1 = tree.child(&genesis, 1, true);
        let b2 = tree.child(&b1, 2, false);
        let b3 = tree.child(&b2, 3, true);
        let b4 = tree.child(&b3, 4, false);
        let choice = ForkChoice::new(&b2);
        let parents = tree.parent_of();
        assert_eq!(
            choice.weight(&b3, &parents).unwrap(),
            weight(1, 3),
            "counted from the block finalized at start"
        );
        choice.finalized(&b3, &parents).unwrap();
        assert_eq!(choice.memoized(), 1, "only the finalized block is left");
        assert_eq!(choice.weight(&b4, &parents).unwrap(), weight(1, 4));
    }

    #[test]
    fn the_memo_is_bounded_and_keeps_the_finalized_block() {
        let mut tree = Tree::default();
        let genesis = tree.genesis();
        let choice = ForkChoice::new(&genesis);
        let mut head = genesis;
        for slot in 1..=(MAX_MEMOIZED as u64 + 10) {
            head = tree.child(&head, slot, slot % 4 == 0);
            choice.weight(&head, &tree.parent_of()).unwrap();
        }
        assert_eq!(choice.memoized(), MAX_MEMOIZED + 1);
        let expected = (MAX_MEMOIZED as u32 + 10) / 4;
        assert_eq!(
            choice
                .weight(&head, &tree.parent_of())
                .unwrap()
                .primary_blocks,
            expected
        );
    }
}
