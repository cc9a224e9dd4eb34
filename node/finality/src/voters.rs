//! The voter set of one epoch: ed25519 keys with their `VoteWeight`.

use crate::codec_bounds::decode_vec;
use crate::FinalityError;
use codec::{Decode, Encode, Input};

/// A voter: its ed25519 public key.
pub type VoterId = [u8; 32];
/// A voter's weight (`VoteWeight` of the epoch).
pub type VoteWeight = u128;

/// The most voters a set may have.
pub const MAX_VOTERS: u32 = 1_024;

/// The voters of one set, sorted by key, with their weights, the total and
/// the threshold. Invariants: 1 to [`MAX_VOTERS`] voters, no key twice, no
/// zero weight, the total fits in `u128`; so any sum of distinct voters'
/// weights fits too.
///
/// SCALE: `set_id: u64 ++ Vec<(key, weight: u128)>` (sorted by key);
/// decoding checks the bounds and invariants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VoterSet {
    set_id: u64,
    voters: Vec<(VoterId, VoteWeight)>,
    total: VoteWeight,
    threshold: VoteWeight,
}

impl VoterSet {
    /// The set `set_id` of `voters`, in any order.
    pub fn new(set_id: u64, mut voters: Vec<(VoterId, VoteWeight)>) -> Result<Self, FinalityError> {
        if voters.is_empty() {
            return Err(FinalityError::InvalidVoterSet("no voters"));
        }
        if voters.len() > MAX_VOTERS as usize {
            return Err(FinalityError::InvalidVoterSet("too many voters"));
        }
        voters.sort_by_key(|voter| voter.0);
        if voters
            .windows(2)
            .any(|pair| pair.first().map(|a| a.0) == pair.get(1).map(|b| b.0))
        {
            return Err(FinalityError::InvalidVoterSet("a voter appears twice"));
        }
        let mut total: VoteWeight = 0;
        for (_, weight) in &voters {
            if *weight == 0 {
                return Err(FinalityError::InvalidVoterSet("a voter has no weight"));
            }
            total = total
                .checked_add(*weight)
                .ok_or(FinalityError::InvalidVoterSet("total weight overflows"))?;
        }
        Ok(VoterSet {
            set_id,
            voters,
            total,
            threshold: supermajority(total),
        })
    }

    /// The set's id (0 at genesis, +1 at each change).
    pub fn set_id(&self) -> u64 {
        self.set_id
    }

    /// The sum of all weights.
    pub fn total(&self) -> VoteWeight {
        self.total
    }

    /// The smallest weight strictly above two thirds of the total.
    pub fn threshold(&self) -> VoteWeight {
        self.threshold
    }

    /// The number of voters.
    pub fn len(&self) -> usize {
        self.voters.len()
    }

    /// Never true: a set has at least one voter.
    pub fn is_empty(&self) -> bool {
        self.voters.is_empty()
    }

    /// The voters and weights, sorted by key.
    pub fn voters(&self) -> &[(VoterId, VoteWeight)] {
        &self.voters
    }

    /// The index of `voter` in [`Self::voters`].
    pub fn index_of(&self, voter: &VoterId) -> Option<usize> {
        self.voters.binary_search_by(|(id, _)| id.cmp(voter)).ok()
    }

    /// The weight of voter `index` (0 for none).
    pub fn weight(&self, index: usize) -> VoteWeight {
        self.voters.get(index).map_or(0, |(_, weight)| *weight)
    }
}

/// The weight a supermajority needs: strictly above two thirds.
pub use entroos_primitives::arithmetic::supermajority;

impl Encode for VoterSet {
    fn encode_to<T: codec::Output + ?Sized>(&self, dest: &mut T) {
        self.set_id.encode_to(dest);
        self.voters.encode_to(dest);
    }
}

impl Decode for VoterSet {
    fn decode<I: Input>(input: &mut I) -> Result<Self, codec::Error> {
        let set_id = u64::decode(input)?;
        let voters = decode_vec(input, MAX_VOTERS)?;
        VoterSet::new(set_id, voters).map_err(|_| "invalid voter set".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> VoterId {
        [n; 32]
    }

    #[test]
    fn sets_are_sorted_and_checked() {
        let set = VoterSet::new(3, vec![(key(2), 25), (key(1), 30), (key(3), 45)]).unwrap();
        assert_eq!(set.total(), 100);
        assert_eq!(set.threshold(), 67);
        assert_eq!(set.index_of(&key(1)), Some(0));
        assert_eq!(set.weight(2), 45);
        assert_eq!(set.weight(9), 0);
        let bytes = set.encode();
        assert_eq!(VoterSet::decode(&mut &bytes[..]).unwrap(), set);
        assert!(VoterSet::new(0, vec![]).is_err());
        assert!(VoterSet::new(0, vec![(key(1), 1), (key(1), 2)]).is_err());
        assert!(VoterSet::new(0, vec![(key(1), 0)]).is_err());
        assert!(VoterSet::new(0, vec![(key(1), u128::MAX), (key(2), 1)]).is_err());
        let many: Vec<_> = (0..=MAX_VOTERS)
            .map(|i| {
                let mut id = [0u8; 32];
                id[..4].copy_from_slice(&i.to_le_bytes());
                (id, 1)
            })
            .collect();
        assert!(VoterSet::new(0, many).is_err());
    }

    #[test]
    fn decoding_refuses_an_invalid_or_oversized_set() {
        let dup = (7u64, vec![(key(1), 1u128), (key(1), 1u128)]).encode();
        assert!(VoterSet::decode(&mut &dup[..]).is_err());
        let mut huge = 7u64.encode();
        codec::Compact(MAX_VOTERS + 1).encode_to(&mut huge);
        assert!(VoterSet::decode(&mut &huge[..]).is_err());
    }
}
