//! Equivocation proofs and their verification, as pure functions over the
//! primitives' sr25519 and ed25519 verification.
//!
//! What is signed (the formats the node's authoring and finality code use):
//!
//! - **Blocks.** The seal is the last digest item, `Seal(SEAL_ENGINE_ID,
//!   sig)`: an sr25519 signature (context `substrate`) by the author's VRF
//!   key over the blake2-256 hash of the SCALE header *without* the seal.
//!   Two blocks equivocate when both seals verify under the same key, both
//!   unsealed headers state the same slot (read by
//!   [`BlockAuthorship::slot_of`](crate::BlockAuthorship::slot_of)) and the
//!   unsealed headers differ.
//! - **Votes.** A vote is signed with ed25519 over [`vote_payload`]:
//!   `SCALE((round: u64, set_id: u64, target_hash: H256, target_number: u32,
//!   kind: VoteKind))`. Two votes equivocate when both verify under the same
//!   key for the same round, set and kind, with different targets.
//!
//! The header or vote formats can grow (more digest items, other vote
//! fields) without changing this: a proof carries whole headers, and the
//! slot is read through the runtime's own digest reader.

use crate::Error;
use codec::{Decode, Encode};
use entroos_primitives::crypto::{ed25519, sr25519};
use entroos_primitives::{DigestItem, Header, H256};
use scale_info::TypeInfo;

/// Which finality vote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum VoteKind {
    /// The first vote of a round.
    Prevote,
    /// The second vote of a round; justifications carry these.
    Precommit,
}

/// A vote's target and signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct SignedVote {
    /// The block voted for.
    pub target_hash: H256,
    /// Its number.
    pub target_number: u32,
    /// The ed25519 signature over [`vote_payload`].
    pub signature: [u8; 64],
}

/// Two signed votes by one finality key in one round.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct VoteEquivocationProof {
    /// The voter's ed25519 finality key.
    pub offender: [u8; 32],
    /// The finality set (the epoch index).
    pub set_id: u64,
    /// The round.
    pub round: u64,
    /// Which vote.
    pub kind: VoteKind,
    /// One vote.
    pub first: SignedVote,
    /// A different one.
    pub second: SignedVote,
}

/// Two sealed headers by one author for one slot.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct BlockEquivocationProof {
    /// The author's sr25519 VRF (sealing) key.
    pub offender: [u8; 32],
    /// The slot both headers state.
    pub slot: u64,
    /// One sealed header.
    pub first: Header,
    /// A different one.
    pub second: Header,
}

/// The context every finality vote signature starts with.
pub const VOTE_SIGNING_CONTEXT: &[u8; 16] = b"entroos/finality";

/// The bytes a finality vote signs, as the node's finality gadget signs
/// them: [`VOTE_SIGNING_CONTEXT`] then
/// `SCALE(kind, round, set_id, target_hash, target_number)`.
pub fn vote_payload(
    round: u64,
    set_id: u64,
    target_hash: H256,
    target_number: u32,
    kind: VoteKind,
) -> Vec<u8> {
    let mut payload = VOTE_SIGNING_CONTEXT.to_vec();
    (kind, round, set_id, target_hash, target_number).encode_to(&mut payload);
    payload
}

/// Checks that the two votes of `proof` are signed by its offender for its
/// round, set and kind, and have different targets.
pub fn verify_vote_equivocation(proof: &VoteEquivocationProof) -> Result<(), Error> {
    let (a, b) = (&proof.first, &proof.second);
    if (a.target_hash, a.target_number) == (b.target_hash, b.target_number) {
        return Err(Error::NotConflicting);
    }
    for vote in [a, b] {
        let payload = vote_payload(
            proof.round,
            proof.set_id,
            vote.target_hash,
            vote.target_number,
            proof.kind,
        );
        if !ed25519::verify(&vote.signature, &payload, &proof.offender) {
            return Err(Error::InvalidSignature);
        }
    }
    Ok(())
}

/// The header without its seal, and the seal's signature.
pub fn unseal(header: &Header) -> Result<(Header, [u8; 64]), Error> {
    let mut unsealed = header.clone();
    let Some(DigestItem::Seal(engine, signature)) = unsealed.digest.logs.pop() else {
        return Err(Error::InvalidSeal);
    };
    if engine != crate::SEAL_ENGINE_ID {
        return Err(Error::InvalidSeal);
    }
    let signature = <[u8; 64]>::try_from(signature.as_slice()).map_err(|_| Error::InvalidSeal)?;
    Ok((unsealed, signature))
}

/// Checks that both headers of `proof` are sealed by its offender, state
/// its slot (as `slot_of` reads it) and differ.
pub fn verify_block_equivocation(
    proof: &BlockEquivocationProof,
    slot_of: impl Fn(&Header) -> Option<u64>,
) -> Result<(), Error> {
    let mut hashes = Vec::with_capacity(2);
    for header in [&proof.first, &proof.second] {
        let (unsealed, signature) = unseal(header)?;
        if slot_of(&unsealed) != Some(proof.slot) {
            return Err(Error::ProofMismatch);
        }
        let hash = unsealed.hash();
        if !sr25519::verify(&signature, hash.as_ref(), &proof.offender) {
            return Err(Error::InvalidSignature);
        }
        hashes.push(hash);
    }
    match hashes.as_slice() {
        [first, second] if first != second => Ok(()),
        _ => Err(Error::NotConflicting),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vote_payload_is_pinned() {
        let payload = vote_payload(1, 2, H256([3; 32]), 4, VoteKind::Precommit);
        let mut expected = b"entroos/finality".to_vec();
        expected.push(1);
        expected.extend([1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]);
        expected.extend([3; 32]);
        expected.extend([4, 0, 0, 0]);
        assert_eq!(payload, expected, "the finality gadget's signing payload");
    }

    #[test]
    fn votes_by_another_key_or_for_another_round_do_not_verify() {
        let pair = ed25519::Pair::from_seed(&[5; 32]);
        let vote = |target: u8, round: u64| {
            let target_hash = H256([target; 32]);
            let payload = vote_payload(round, 0, target_hash, 1, VoteKind::Prevote);
            SignedVote {
                target_hash,
                target_number: 1,
                signature: pair.sign(&payload),
            }
        };
        let proof = VoteEquivocationProof {
            offender: pair.public(),
            set_id: 0,
            round: 3,
            kind: VoteKind::Prevote,
            first: vote(1, 3),
            second: vote(2, 3),
        };
        assert_eq!(verify_vote_equivocation(&proof), Ok(()));
        let other_round = VoteEquivocationProof {
            second: vote(2, 4),
            ..proof.clone()
        };
        assert_eq!(
            verify_vote_equivocation(&other_round),
            Err(Error::InvalidSignature)
        );
        let other_key = VoteEquivocationProof {
            offender: [1; 32],
            ..proof
        };
        assert_eq!(
            verify_vote_equivocation(&other_key),
            Err(Error::InvalidSignature)
        );
    }
}
