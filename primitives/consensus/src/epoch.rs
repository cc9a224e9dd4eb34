//! What the runtime reports about epochs and finality voters
//! (`EntropyApi`), in the types both the runtime (which encodes them and
//! describes them in metadata V15) and the node (which decodes them) use.

use codec::{Decode, Encode};
use entroos_arithmetic::FixedU128;
use entroos_primitives::AccountId32;
use scale_info::TypeInfo;

/// One member of an epoch's set, as slot authorship sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct EpochAuthority {
    /// Its stash account.
    pub stash: AccountId32,
    /// Its sr25519 key: slot VRFs and block seals.
    pub vrf_key: [u8; 32],
    /// Its weight (`VoteWeight`), fixed for the epoch.
    pub weight: u128,
}

/// An epoch: its slots, its authorities in set order, its randomness and
/// the primary probability `c`.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct EpochInfo {
    /// The epoch's index (the VRF transcript's epoch).
    pub index: u64,
    /// Its first slot; `None` until the chain's first block, whose slot
    /// starts epoch 0.
    pub start_slot: Option<u64>,
    /// Its length in slots.
    pub length: u64,
    /// The randomness its VRFs and secondary assignments use.
    pub randomness: [u8; 32],
    /// Its authorities, in set order (authority indices point here).
    pub authorities: Vec<EpochAuthority>,
    /// `c`: the chance that a slot has at least one primary author.
    pub primary_probability: FixedU128,
}

/// One finality voter: an authority's ed25519 key and weight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct FinalityVoter {
    /// Its stash account.
    pub stash: AccountId32,
    /// Its ed25519 finality key.
    pub key: [u8; 32],
    /// Its weight (`VoteWeight`).
    pub weight: u128,
}

/// The finality voter set of the current epoch.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct FinalityVoters {
    /// The set id (the epoch index).
    pub set_id: u64,
    /// The voters, in set order.
    pub voters: Vec<FinalityVoter>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_info_round_trips_and_its_layout_is_pinned() {
        let info = EpochInfo {
            index: 3,
            start_slot: Some(7),
            length: 10,
            randomness: [1; 32],
            authorities: vec![EpochAuthority {
                stash: AccountId32([2; 32]),
                vrf_key: [3; 32],
                weight: 5,
            }],
            primary_probability: FixedU128::from_inner(4),
        };
        let bytes = info.encode();
        let mut expected = 3u64.encode();
        expected.extend([1, 7, 0, 0, 0, 0, 0, 0, 0]);
        expected.extend(10u64.encode());
        expected.extend([1; 32]);
        expected.push(4);
        expected.extend([2; 32]);
        expected.extend([3; 32]);
        expected.extend(5u128.encode());
        expected.extend(4u128.encode());
        assert_eq!(bytes, expected);
        assert_eq!(EpochInfo::decode(&mut &bytes[..]).unwrap(), info);
    }
}
