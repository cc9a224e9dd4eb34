//! The finality round in progress, as the node's finality voter reports it
//! (`entropy_roundState`).
//!
//! The RPC layer does not run finality: the node hands it whatever its
//! voter last published through [`FinalityStatusApi`], or nothing while no
//! voter runs. Weights are `u128` and are served as decimal strings, which
//! JavaScript clients read without losing precision.

use entroos_primitives::{BlockNumber, H256};
use serde::{Serialize, Serializer};

/// A block, by number and hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct BlockRef {
    /// Its number.
    pub number: BlockNumber,
    /// Its hash.
    pub hash: H256,
}

/// One voter's part in the round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VoterRound {
    /// Its ed25519 finality key.
    #[serde(serialize_with = "hex32")]
    pub id: [u8; 32],
    /// Its weight.
    #[serde(serialize_with = "decimal")]
    pub weight: u128,
    /// The block it prevoted for, if its prevote was seen.
    pub prevote: Option<BlockRef>,
    /// The block it precommitted to, if its precommit was seen.
    pub precommit: Option<BlockRef>,
}

/// The round in progress and the votes seen so far.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoundState {
    /// The voter set (the epoch index).
    pub set_id: u64,
    /// The round, from 0 in each set.
    pub round: u64,
    /// The round's base: the finalized block when it started.
    pub base: BlockRef,
    /// The set's total weight.
    #[serde(serialize_with = "decimal")]
    pub total_weight: u128,
    /// The weight a supermajority needs (strictly above two thirds).
    #[serde(serialize_with = "decimal")]
    pub threshold: u128,
    /// The weight of the prevotes seen.
    #[serde(serialize_with = "decimal")]
    pub prevote_weight: u128,
    /// The weight of the precommits seen.
    #[serde(serialize_with = "decimal")]
    pub precommit_weight: u128,
    /// Every voter of the set, in set order.
    pub voters: Vec<VoterRound>,
}

/// Where `entropy_roundState` reads the round from.
pub trait FinalityStatusApi: Send + Sync + 'static {
    /// The round in progress; `None` while no finality voter runs.
    fn round_state(&self) -> Option<RoundState>;
}

fn decimal<S: Serializer>(value: &u128, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&value.to_string())
}

fn hex32<S: Serializer>(value: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::params::to_hex(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn weights_are_strings_and_votes_name_their_blocks() {
        let block = BlockRef {
            number: 3,
            hash: H256([1; 32]),
        };
        let state = RoundState {
            set_id: 1,
            round: 2,
            base: block,
            total_weight: u128::MAX,
            threshold: 7,
            prevote_weight: 7,
            precommit_weight: 0,
            voters: vec![VoterRound {
                id: [2; 32],
                weight: 7,
                prevote: Some(block),
                precommit: None,
            }],
        };
        let value = serde_json::to_value(&state).unwrap();
        assert_eq!(value["totalWeight"], json!(u128::MAX.to_string()));
        assert_eq!(value["voters"][0]["prevote"]["number"], json!(3));
        assert_eq!(value["voters"][0]["precommit"], json!(null));
        assert_eq!(
            value["voters"][0]["id"],
            json!(format!("0x{}", "02".repeat(32)))
        );
    }
}
