//! Votes, their signatures, and equivocation proofs.
//!
//! The signed payload of a vote is exactly
//! `b"entroos/finality" ++ SCALE(kind: u8, round: u64, set_id: u64,
//! target_hash: [u8; 32], target_number: u32)` — the 16 context bytes
//! (no length prefix), then 1 + 8 + 8 + 32 + 4 = 53 bytes, integers little
//! endian; `kind` is 0 for a prevote and 1 for a precommit. The signature is
//! ed25519 over those 69 bytes.

use crate::{BlockId, FinalityError, VoterId, VoterSet};
use codec::{Decode, Encode};
use entroos_primitives::crypto::ed25519;
use entroos_primitives::{BlockNumber, H256};

/// The context bytes every vote's signed payload starts with.
pub const SIGNING_CONTEXT: &[u8; 16] = b"entroos/finality";

/// The two votes of a round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, Decode)]
pub enum VoteKind {
    /// The first vote: the best chain the voter sees.
    #[codec(index = 0)]
    Prevote,
    /// The second vote: a block with a supermajority of prevotes.
    #[codec(index = 1)]
    Precommit,
}

/// A vote for a block, in one round of one voter set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Vote {
    /// Prevote or precommit.
    pub kind: VoteKind,
    /// The round, from 0 in each set.
    pub round: u64,
    /// The voter set.
    pub set_id: u64,
    /// The block voted for.
    pub target_hash: H256,
    /// Its number.
    pub target_number: BlockNumber,
}

impl Vote {
    /// The block voted for.
    pub fn target(&self) -> BlockId {
        BlockId::new(self.target_number, self.target_hash)
    }

    /// The bytes a voter signs (see the module docs).
    pub fn signing_payload(&self) -> Vec<u8> {
        let mut payload = SIGNING_CONTEXT.to_vec();
        self.encode_to(&mut payload);
        payload
    }
}

/// A vote with its voter's key and signature.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct SignedVote {
    /// The vote.
    pub vote: Vote,
    /// The voter's ed25519 public key.
    pub voter: VoterId,
    /// ed25519 over [`Vote::signing_payload`].
    pub signature: [u8; 64],
}

impl SignedVote {
    /// Signs `vote` with `pair`.
    pub fn sign(vote: Vote, pair: &ed25519::Pair) -> Self {
        SignedVote {
            vote,
            voter: pair.public(),
            signature: pair.sign(&vote.signing_payload()),
        }
    }

    /// Whether the signature verifies (membership is not checked here).
    pub fn verify<V: SignatureCheck + ?Sized>(&self, verifier: &V) -> bool {
        verifier.verify(&self.voter, &self.vote.signing_payload(), &self.signature)
    }
}

/// Checks one ed25519 signature. The node uses [`Ed25519`]; a simulation
/// may share one verifier between its nodes and remember results.
pub trait SignatureCheck {
    /// Whether `signature` by `public` over `message` verifies.
    fn verify(&self, public: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool;
}

/// Strict ed25519 verification.
#[derive(Clone, Copy, Debug, Default)]
pub struct Ed25519;

impl SignatureCheck for Ed25519 {
    fn verify(&self, public: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
        ed25519::verify(signature, message, public)
    }
}

/// Proof that a voter signed two different votes of one kind in one round.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Equivocation {
    /// The vote seen first.
    pub first: SignedVote,
    /// The other vote.
    pub second: SignedVote,
}

impl Equivocation {
    /// The offender.
    pub fn offender(&self) -> VoterId {
        self.first.voter
    }

    /// Checks the proof against `set`: one voter of the set, one kind, one
    /// round, one set, two different targets, both signatures valid.
    pub fn check<V: SignatureCheck + ?Sized>(
        &self,
        set: &VoterSet,
        verifier: &V,
    ) -> Result<(), FinalityError> {
        let (a, b) = (&self.first, &self.second);
        if a.voter != b.voter || set.index_of(&a.voter).is_none() {
            return Err(FinalityError::NotAVoter {
                voter: b.voter,
                set_id: set.set_id(),
            });
        }
        let same_slot = a.vote.kind == b.vote.kind
            && a.vote.round == b.vote.round
            && a.vote.set_id == set.set_id()
            && b.vote.set_id == set.set_id();
        if !same_slot || a.vote.target() == b.vote.target() {
            return Err(FinalityError::MisplacedVote(Box::new(b.vote)));
        }
        if !a.verify(verifier) || !b.verify(verifier) {
            return Err(FinalityError::BadSignature);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vote() -> Vote {
        Vote {
            kind: VoteKind::Precommit,
            round: 0x0102,
            set_id: 7,
            target_hash: H256([0xab; 32]),
            target_number: 0x0a0b,
        }
    }

    #[test]
    fn the_signed_payload_is_the_context_then_the_scale_vote() {
        let payload = vote().signing_payload();
        let mut expected = b"entroos/finality".to_vec();
        expected.push(1);
        expected.extend_from_slice(&[0x02, 0x01, 0, 0, 0, 0, 0, 0]);
        expected.extend_from_slice(&[7, 0, 0, 0, 0, 0, 0, 0]);
        expected.extend_from_slice(&[0xab; 32]);
        expected.extend_from_slice(&[0x0b, 0x0a, 0, 0]);
        assert_eq!(payload, expected);
        assert_eq!(payload.len(), 69);
    }

    #[test]
    fn a_signed_vote_verifies_and_a_changed_one_does_not() {
        let pair = ed25519::Pair::from_uri("//Alice").unwrap();
        let signed = SignedVote::sign(vote(), &pair);
        assert!(signed.verify(&Ed25519));
        let mut other = signed.clone();
        other.vote.round += 1;
        assert!(!other.verify(&Ed25519));
        let bytes = signed.encode();
        assert_eq!(bytes.len(), 53 + 32 + 64);
        assert_eq!(SignedVote::decode(&mut &bytes[..]).unwrap(), signed);
    }

    #[test]
    fn an_equivocation_proof_is_checked() {
        let pair = ed25519::Pair::from_uri("//Alice").unwrap();
        let set = VoterSet::new(7, vec![(pair.public(), 1)]).unwrap();
        let first = SignedVote::sign(vote(), &pair);
        let mut other = vote();
        other.target_hash = H256([1; 32]);
        let second = SignedVote::sign(other, &pair);
        let proof = Equivocation {
            first: first.clone(),
            second,
        };
        assert!(proof.check(&set, &Ed25519).is_ok());
        let same = Equivocation {
            first: first.clone(),
            second: first,
        };
        assert!(same.check(&set, &Ed25519).is_err());
    }
}
