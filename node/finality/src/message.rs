//! What voters send each other. SCALE enum: `0` a vote, `1` a commit (a
//! justification), `2` a catch-up; decoding is bounded
//! ([`Message::decode_bounded`]).

use crate::codec_bounds::{decode_bounded, decode_vec};
use crate::{FinalityError, Justification, SignedVote, MAX_PRECOMMITS};
use codec::{Decode, Encode, Input};

/// A finality gossip message.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Message {
    /// One signed vote.
    #[codec(index = 0)]
    Vote(SignedVote),
    /// A justification: sent to voters still in an older set, so that they
    /// finalize the set's last block and switch.
    #[codec(index = 1)]
    Commit(Justification),
    /// The votes of a completed round, sent to voters left behind.
    #[codec(index = 2)]
    CatchUp(CatchUp),
}

impl Message {
    /// Decodes untrusted bytes within the crate's bounds.
    pub fn decode_bounded(bytes: &[u8]) -> Result<Self, FinalityError> {
        Ok(decode_bounded(bytes)?)
    }
}

/// Every vote a voter holds for a round it completed: proof that the round
/// is completable, so a voter behind can move past it. SCALE: `set_id: u64
/// ++ round: u64 ++ Vec<SignedVote> ++ Vec<SignedVote>`, each at most
/// [`MAX_PRECOMMITS`] long.
#[derive(Clone, Debug, PartialEq, Eq, Encode)]
pub struct CatchUp {
    /// The voter set.
    pub set_id: u64,
    /// The completed round.
    pub round: u64,
    /// Its prevotes.
    pub prevotes: Vec<SignedVote>,
    /// Its precommits.
    pub precommits: Vec<SignedVote>,
}

impl Decode for CatchUp {
    fn decode<I: Input>(input: &mut I) -> Result<Self, codec::Error> {
        Ok(CatchUp {
            set_id: u64::decode(input)?,
            round: u64::decode(input)?,
            prevotes: decode_vec(input, MAX_PRECOMMITS)?,
            precommits: decode_vec(input, MAX_PRECOMMITS)?,
        })
    }
}
