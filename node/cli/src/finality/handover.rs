//! Hand-overs for voters left more than one set behind.
//!
//! A voter still in set `s` can follow the chain again only with a
//! justification signed by set `s`: the one of the last block that set
//! finalized, which enacted set `s + 1` and is always stored (see the
//! module docs of [`super`]). The machine answers old-set votes with the
//! justification that enacted its own current set, which serves a voter
//! one set behind; a voter two or more sets behind (one that was down
//! while finality crossed several epochs) needs the older ones, one set at
//! a time. [`justification_of_set`] finds them in the database and
//! [`HandOvers`] rate-limits the answers.

use entroos_client_api::{ClientError, HeaderBackend};
use entroos_finality::Justification;
use std::collections::BTreeMap;

/// The most finalized blocks walked back looking for a set's justification.
pub const MAX_WALK: u32 = 16_384;
/// The most sets remembered as recently answered.
const MAX_REMEMBERED: usize = 16;

/// The stored justification signed by set `set_id` for the highest block,
/// walking back from the finalized head at most [`MAX_WALK`] blocks.
pub fn justification_of_set<B: HeaderBackend + ?Sized>(
    chain: &B,
    set_id: u64,
) -> Result<Option<Justification>, ClientError> {
    let heads = chain.heads();
    let (mut number, mut hash) = heads.finalized;
    for _ in 0..MAX_WALK {
        if let Some(stored) = chain.justification(&hash)? {
            if let Ok(justification) = Justification::from_stored(&stored) {
                if justification.set_id == set_id {
                    return Ok(Some(justification));
                }
                if justification.set_id < set_id {
                    return Ok(None);
                }
            }
        }
        let Some(parent) = number.checked_sub(1) else {
            return Ok(None);
        };
        let Some(header) = chain.header(&hash)? else {
            return Ok(None);
        };
        (number, hash) = (parent, header.parent_hash);
    }
    Ok(None)
}

/// When each old set was last answered, so that a lagging voter's
/// repeated votes get one answer per period.
#[derive(Debug, Default)]
pub struct HandOvers {
    answered: BTreeMap<u64, u64>,
}

impl HandOvers {
    /// Whether set `set_id` may be answered at `now` (milliseconds), given
    /// `period`; if so, it counts as answered now.
    pub fn may_answer(&mut self, set_id: u64, now: u64, period: u64) -> bool {
        if let Some(at) = self.answered.get(&set_id) {
            if now < at.saturating_add(period) {
                return false;
            }
        }
        if self.answered.len() >= MAX_REMEMBERED && !self.answered.contains_key(&set_id) {
            self.answered.clear();
        }
        self.answered.insert(set_id, now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entroos_client_api::ChainHeads;
    use entroos_finality::BlockId;
    use entroos_primitives::{BlockNumber, Digest, Header, OpaqueExtrinsic, H256};
    use std::collections::HashMap;

    /// A finalized chain `0..=top` with justifications stored at some
    /// blocks, each signed by the given set.
    struct Chain {
        headers: Vec<Header>,
        justifications: HashMap<H256, Vec<u8>>,
    }

    impl Chain {
        fn new(top: BlockNumber, signed: &[(BlockNumber, u64)]) -> Chain {
            let mut headers: Vec<Header> = Vec::new();
            for number in 0..=top {
                let parent_hash = headers.last().map(Header::hash).unwrap_or_default();
                headers.push(Header {
                    parent_hash,
                    number,
                    state_root: H256::default(),
                    extrinsics_root: H256::default(),
                    digest: Digest::default(),
                });
            }
            let justifications = signed
                .iter()
                .map(|(number, set_id)| {
                    let header = &headers[*number as usize];
                    let justification = Justification {
                        round: 1,
                        set_id: *set_id,
                        target: BlockId::new(*number, header.hash()),
                        precommits: Vec::new(),
                        ancestry: Vec::new(),
                    };
                    (header.hash(), justification.to_stored())
                })
                .collect();
            Chain {
                headers,
                justifications,
            }
        }
    }

    impl HeaderBackend for Chain {
        fn heads(&self) -> ChainHeads {
            let top = self.headers.last().expect("a chain");
            ChainHeads {
                best: (top.number, top.hash()),
                finalized: (top.number, top.hash()),
                genesis: self.headers[0].hash(),
                pruned_below: 0,
            }
        }

        fn header(&self, hash: &H256) -> Result<Option<Header>, ClientError> {
            Ok(self.headers.iter().find(|h| h.hash() == *hash).cloned())
        }

        fn body(&self, _: &H256) -> Result<Option<Vec<OpaqueExtrinsic>>, ClientError> {
            Ok(None)
        }

        fn justification(&self, hash: &H256) -> Result<Option<Vec<u8>>, ClientError> {
            Ok(self.justifications.get(hash).cloned())
        }

        fn hash_of(&self, number: BlockNumber) -> Result<Option<H256>, ClientError> {
            Ok(self.headers.get(number as usize).map(Header::hash))
        }
    }

    fn found(chain: &Chain, set_id: u64) -> Option<BlockNumber> {
        justification_of_set(chain, set_id)
            .expect("reads")
            .map(|j| j.target.number)
    }

    #[test]
    fn each_older_set_is_answered_with_its_last_justification() {
        // Sets 0, 1 and 2 handed over at #10, #20 and #30; #35 is the last
        // finalized block, signed by set 3; #5 was covered by #10.
        let chain = Chain::new(35, &[(5, 0), (10, 0), (20, 1), (30, 2), (35, 3)]);
        assert_eq!(found(&chain, 3), Some(35));
        assert_eq!(found(&chain, 2), Some(30));
        assert_eq!(found(&chain, 1), Some(20));
        assert_eq!(found(&chain, 0), Some(10));
        assert_eq!(found(&chain, 4), None, "a set not reached yet");
    }

    #[test]
    fn a_set_with_no_stored_justification_is_not_answered() {
        let chain = Chain::new(12, &[(12, 2)]);
        assert_eq!(found(&chain, 1), None);
        assert_eq!(found(&chain, 0), None);
    }

    #[test]
    fn answers_are_rate_limited_per_set() {
        let mut hand_overs = HandOvers::default();
        assert!(hand_overs.may_answer(1, 1_000, 2_000));
        assert!(!hand_overs.may_answer(1, 2_999, 2_000));
        assert!(hand_overs.may_answer(2, 2_999, 2_000));
        assert!(hand_overs.may_answer(1, 3_000, 2_000));
    }
}
