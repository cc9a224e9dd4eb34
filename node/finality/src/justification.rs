//! Justifications: the precommits that finalized a block, with the headers
//! that prove each precommit's target descends from it.
//!
//! SCALE: `round: u64 ++ set_id: u64 ++ target (number: u32 ++ hash) ++
//! Vec<SignedVote> (at most [`MAX_PRECOMMITS`]) ++ Vec<Header> (at most
//! [`MAX_ANCESTRY`])`. A voter appears once, or twice with two different
//! precommits (an equivocation, whose weight counts as supporting every
//! block, as in the rounds). Every single precommit must descend from the
//! target through the ancestry, and every ancestry header must be needed.

use crate::codec_bounds::{decode_bounded, decode_vec};
use crate::{
    BlockId, ChainView, Ed25519, FinalityError, SignatureCheck, SignedVote, VoteKind, VoteWeight,
    VoterSet, MAX_VOTERS,
};
use codec::{Decode, Encode, Input};
use entroos_primitives::{Header, H256};
use std::collections::{BTreeMap, BTreeSet};

/// The engine id a stored justification starts with (the chain database
/// and `chain_getBlock` keep `engine id ++ SCALE(justification)`).
pub const FINALITY_ENGINE_ID: [u8; 4] = *b"efin";

/// The most ancestry headers a justification carries.
pub const MAX_ANCESTRY: u32 = 4_096;
/// The most precommits a justification carries (two per voter at most).
pub const MAX_PRECOMMITS: u32 = 2 * MAX_VOTERS;

/// Proof that a block is final: precommits of one round carrying more
/// than two thirds of the set's weight for it or its descendants.
#[derive(Clone, Debug, PartialEq, Eq, Encode)]
pub struct Justification {
    /// The round the precommits are from.
    pub round: u64,
    /// The voter set that signed them.
    pub set_id: u64,
    /// The finalized block.
    pub target: BlockId,
    /// The precommits.
    pub precommits: Vec<SignedVote>,
    /// The headers between the precommits' targets and the target.
    pub ancestry: Vec<Header>,
}

impl Decode for Justification {
    fn decode<I: Input>(input: &mut I) -> Result<Self, codec::Error> {
        Ok(Justification {
            round: u64::decode(input)?,
            set_id: u64::decode(input)?,
            target: BlockId::decode(input)?,
            precommits: decode_vec(input, MAX_PRECOMMITS)?,
            ancestry: decode_vec(input, MAX_ANCESTRY)?,
        })
    }
}

impl Justification {
    /// Decodes untrusted bytes within the crate's bounds.
    pub fn decode_bounded(bytes: &[u8]) -> Result<Self, FinalityError> {
        Ok(decode_bounded(bytes)?)
    }

    /// The bytes to store with the block: [`FINALITY_ENGINE_ID`] then SCALE.
    pub fn to_stored(&self) -> Vec<u8> {
        let mut bytes = FINALITY_ENGINE_ID.to_vec();
        self.encode_to(&mut bytes);
        bytes
    }

    /// Reads stored (or served) bytes of [`Self::to_stored`].
    pub fn from_stored(bytes: &[u8]) -> Result<Self, FinalityError> {
        match bytes.split_first_chunk::<4>() {
            Some((engine, rest)) if *engine == FINALITY_ENGINE_ID => Self::decode_bounded(rest),
            _ => Err(codec::Error::from("not a finality justification").into()),
        }
    }
}

/// Verifies that `justification` finalizes `block` under `set`.
pub fn verify_justification(
    set: &VoterSet,
    justification: &Justification,
    block: &BlockId,
) -> Result<(), FinalityError> {
    verify_with(set, justification, block, &Ed25519)
}

/// [`verify_justification`] with a given signature verifier.
pub fn verify_with<V: SignatureCheck + ?Sized>(
    set: &VoterSet,
    justification: &Justification,
    block: &BlockId,
    verifier: &V,
) -> Result<(), FinalityError> {
    if justification.target != *block {
        return Err(FinalityError::WrongTarget {
            got: justification.target,
            expected: *block,
        });
    }
    if justification.set_id != set.set_id() {
        return Err(FinalityError::WrongSet {
            got: justification.set_id,
            expected: set.set_id(),
        });
    }
    let by_voter = group_precommits(set, justification, verifier)?;
    let mut ancestry = Ancestry::new(&justification.ancestry)?;
    let mut weight: VoteWeight = 0;
    for (index, votes) in &by_voter {
        if let [single] = votes.as_slice() {
            ancestry.check(single.vote.target(), justification.target)?;
        }
        weight = weight.saturating_add(set.weight(*index));
    }
    ancestry.all_used()?;
    if weight < set.threshold() {
        return Err(FinalityError::NotEnoughWeight {
            got: weight,
            threshold: set.threshold(),
        });
    }
    Ok(())
}

/// The precommits by voter index, each checked: kind, round, set,
/// membership, at most two different ones per voter, signature.
fn group_precommits<'a, V: SignatureCheck + ?Sized>(
    set: &VoterSet,
    justification: &'a Justification,
    verifier: &V,
) -> Result<BTreeMap<usize, Vec<&'a SignedVote>>, FinalityError> {
    let mut by_voter: BTreeMap<usize, Vec<&SignedVote>> = BTreeMap::new();
    for signed in &justification.precommits {
        let vote = &signed.vote;
        if vote.kind != VoteKind::Precommit
            || vote.round != justification.round
            || vote.set_id != justification.set_id
        {
            return Err(FinalityError::MisplacedVote(Box::new(*vote)));
        }
        let index = set
            .index_of(&signed.voter)
            .ok_or(FinalityError::NotAVoter {
                voter: signed.voter,
                set_id: set.set_id(),
            })?;
        let votes = by_voter.entry(index).or_default();
        if votes.len() >= 2 || votes.iter().any(|v| v.vote == *vote) {
            return Err(FinalityError::TooManyVotes(signed.voter));
        }
        if !signed.verify(verifier) {
            return Err(FinalityError::BadSignature);
        }
        votes.push(signed);
    }
    Ok(by_voter)
}

/// A justification's headers by hash, and which of them were needed.
struct Ancestry<'a> {
    headers: BTreeMap<H256, &'a Header>,
    /// Headers known to lead down to the target.
    leading: BTreeSet<H256>,
}

impl<'a> Ancestry<'a> {
    fn new(headers: &'a [Header]) -> Result<Self, FinalityError> {
        let mut by_hash = BTreeMap::new();
        for header in headers {
            let hash = header.hash();
            if by_hash.insert(hash, header).is_some() {
                return Err(FinalityError::UselessAncestry(hash));
            }
        }
        Ok(Ancestry {
            headers: by_hash,
            leading: BTreeSet::new(),
        })
    }

    /// Checks that `from` is `target` or descends from it.
    fn check(&mut self, from: BlockId, target: BlockId) -> Result<(), FinalityError> {
        let mut path = Vec::new();
        let mut current = from;
        while current != target && !self.leading.contains(&current.hash) {
            let header = self
                .headers
                .get(&current.hash)
                .filter(|h| h.number == current.number && current.number > target.number)
                .ok_or(FinalityError::NotDescendant(from))?;
            path.push(current.hash);
            current = BlockId::new(current.number.saturating_sub(1), header.parent_hash);
        }
        self.leading.extend(path);
        Ok(())
    }

    fn all_used(&self) -> Result<(), FinalityError> {
        match self.headers.keys().find(|h| !self.leading.contains(h)) {
            Some(unused) => Err(FinalityError::UselessAncestry(*unused)),
            None => Ok(()),
        }
    }
}

/// The precommits a justification can be built from.
#[derive(Clone, Debug, Default)]
pub(crate) struct Evidence {
    /// Voters with one precommit.
    pub singles: Vec<SignedVote>,
    /// Voters with two different precommits.
    pub pairs: Vec<(SignedVote, SignedVote)>,
}

impl Evidence {
    /// Sorts a justification's precommits back into singles and pairs.
    pub fn from_precommits(precommits: &[SignedVote]) -> Self {
        let mut by_voter: BTreeMap<[u8; 32], Vec<SignedVote>> = BTreeMap::new();
        for vote in precommits {
            by_voter.entry(vote.voter).or_default().push(vote.clone());
        }
        let mut evidence = Evidence::default();
        for (_, mut votes) in by_voter {
            match (votes.pop(), votes.pop()) {
                (Some(second), Some(first)) => evidence.pairs.push((first, second)),
                (Some(single), None) => evidence.singles.push(single),
                _ => {}
            }
        }
        evidence
    }
}

/// Builds the justification of `target` from `evidence`, with the headers
/// read from `chain`: equivocation pairs first, then single precommits
/// nearest the target first, while the ancestry stays within
/// [`MAX_ANCESTRY`]. Fails if the included weight is below the threshold.
pub(crate) fn build<C: ChainView + ?Sized>(
    chain: &C,
    set: &VoterSet,
    round: u64,
    target: BlockId,
    evidence: Evidence,
) -> Result<Justification, FinalityError> {
    let mut justification = Justification {
        round,
        set_id: set.set_id(),
        target,
        precommits: Vec::new(),
        ancestry: Vec::new(),
    };
    let mut weight: VoteWeight = 0;
    for (first, second) in evidence.pairs {
        weight = weight.saturating_add(weight_of(set, &first));
        justification.precommits.extend([first, second]);
    }
    let mut singles = evidence.singles;
    singles.sort_by_key(|v| (v.vote.target(), v.voter));
    let mut included: BTreeSet<H256> = BTreeSet::new();
    for vote in singles {
        let Some(headers) = headers_down_to(chain, vote.vote.target(), target, &included)? else {
            continue;
        };
        let total = justification.ancestry.len().saturating_add(headers.len());
        if total > MAX_ANCESTRY as usize {
            continue;
        }
        included.extend(headers.iter().map(Header::hash));
        justification.ancestry.extend(headers);
        weight = weight.saturating_add(weight_of(set, &vote));
        justification.precommits.push(vote);
    }
    if weight < set.threshold() {
        return Err(FinalityError::NotEnoughWeight {
            got: weight,
            threshold: set.threshold(),
        });
    }
    Ok(justification)
}

fn weight_of(set: &VoterSet, vote: &SignedVote) -> VoteWeight {
    set.index_of(&vote.voter).map_or(0, |i| set.weight(i))
}

/// The headers from `from` down to `target` (excluded) that are not in
/// `included`, or `None` if `from` does not descend from `target`.
fn headers_down_to<C: ChainView + ?Sized>(
    chain: &C,
    from: BlockId,
    target: BlockId,
    included: &BTreeSet<H256>,
) -> Result<Option<Vec<Header>>, FinalityError> {
    let mut headers = Vec::new();
    let mut current = from;
    while current != target && !included.contains(&current.hash) {
        if current.number <= target.number {
            return Ok(None);
        }
        let Some(header) = chain.header(&current.hash).map_err(FinalityError::Chain)? else {
            return Ok(None);
        };
        if header.number != current.number {
            return Ok(None);
        }
        current = BlockId::new(current.number.saturating_sub(1), header.parent_hash);
        headers.push(header);
    }
    Ok(Some(headers))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{MapChain, Voters};

    struct Setup {
        chain: MapChain,
        voters: Voters,
        blocks: Vec<BlockId>,
    }

    /// Voters of weights 1, 2, 3, 4 (threshold 7); a chain of five blocks.
    fn setup() -> Setup {
        let (mut chain, genesis) = MapChain::new();
        let blocks = chain.extend(genesis, 5, 0);
        Setup {
            chain,
            voters: Voters::new(3, &[1, 2, 3, 4]),
            blocks,
        }
    }

    fn precommits(s: &Setup, targets: &[(usize, usize)]) -> Vec<SignedVote> {
        targets
            .iter()
            .map(|&(voter, block)| {
                s.voters
                    .vote(voter, VoteKind::Precommit, 9, s.blocks[block])
            })
            .collect()
    }

    fn justify(s: &Setup, target: usize, targets: &[(usize, usize)]) -> Justification {
        let evidence = Evidence::from_precommits(&precommits(s, targets));
        build(&s.chain, &s.voters.set, 9, s.blocks[target], evidence).unwrap()
    }

    #[test]
    fn a_built_justification_verifies_and_round_trips() {
        let s = setup();
        let j = justify(&s, 1, &[(3, 4), (2, 1), (1, 2)]);
        assert_eq!(j.ancestry.len(), 3, "blocks 5, 4, 3 lead down to block 2");
        let target = s.blocks[1];
        verify_justification(&s.voters.set, &j, &target).unwrap();
        let bytes = j.encode();
        assert_eq!(Justification::decode_bounded(&bytes).unwrap(), j);
        let stored = j.to_stored();
        assert_eq!(&stored[..4], b"efin");
        assert_eq!(Justification::from_stored(&stored).unwrap(), j);
        assert!(Justification::from_stored(&bytes).is_err());
        let other = s.blocks[2];
        assert!(matches!(
            verify_justification(&s.voters.set, &j, &other),
            Err(FinalityError::WrongTarget { .. })
        ));
    }

    #[test]
    fn too_little_weight_does_not_justify() {
        let s = setup();
        let evidence = Evidence::from_precommits(&precommits(&s, &[(3, 4), (1, 2)]));
        let built = build(&s.chain, &s.voters.set, 9, s.blocks[1], evidence);
        assert!(matches!(
            built,
            Err(FinalityError::NotEnoughWeight {
                got: 6,
                threshold: 7
            })
        ));
    }

    #[test]
    fn tampered_justifications_are_refused() {
        let s = setup();
        let set = &s.voters.set;
        let target = s.blocks[1];
        let good = justify(&s, 1, &[(3, 4), (2, 1), (1, 2)]);
        let refuse = |j: &Justification| verify_justification(set, j, &target).unwrap_err();

        let mut bad_signature = good.clone();
        bad_signature.precommits[0].signature[0] ^= 1;
        assert!(matches!(
            refuse(&bad_signature),
            FinalityError::BadSignature
        ));

        let mut missing_header = good.clone();
        missing_header.ancestry.remove(1);
        assert!(matches!(
            refuse(&missing_header),
            FinalityError::NotDescendant(_)
        ));

        let mut extra_header = good.clone();
        extra_header
            .ancestry
            .push(s.chain.headers[&s.blocks[0].hash].clone());
        assert!(matches!(
            refuse(&extra_header),
            FinalityError::UselessAncestry(_)
        ));

        let mut repeated = good.clone();
        repeated.precommits.push(repeated.precommits[0].clone());
        assert!(matches!(refuse(&repeated), FinalityError::TooManyVotes(_)));

        let mut prevote = good.clone();
        prevote.precommits[1] = s.voters.vote(2, VoteKind::Prevote, 9, s.blocks[1]);
        assert!(matches!(refuse(&prevote), FinalityError::MisplacedVote(_)));

        let stranger = Voters::new(3, &[1, 1, 1, 1, 1, 1]);
        let mut outsider = good.clone();
        outsider.precommits[1] = stranger.vote(5, VoteKind::Precommit, 9, s.blocks[1]);
        assert!(matches!(refuse(&outsider), FinalityError::NotAVoter { .. }));

        let mut other_set = good.clone();
        other_set.set_id = 4;
        assert!(matches!(
            refuse(&other_set),
            FinalityError::WrongSet {
                got: 4,
                expected: 3
            }
        ));

        let mut short = good;
        short.precommits.remove(0);
        assert!(matches!(
            refuse(&short),
            FinalityError::NotEnoughWeight { got: 6, .. }
        ));
    }

    #[test]
    fn an_equivocator_counts_without_ancestry() {
        let s = setup();
        let fork = {
            let mut chain = MapChain::new().0;
            chain.extend(s.blocks[0], 1, 7)[0]
        };
        let mut votes = precommits(&s, &[(3, 1), (1, 1)]);
        votes.push(s.voters.vote(2, VoteKind::Precommit, 9, s.blocks[3]));
        votes.push(s.voters.vote(2, VoteKind::Precommit, 9, fork));
        let evidence = Evidence::from_precommits(&votes);
        assert_eq!(evidence.pairs.len(), 1);
        let j = build(&s.chain, &s.voters.set, 9, s.blocks[1], evidence).unwrap();
        verify_justification(&s.voters.set, &j, &s.blocks[1]).unwrap();
        assert!(j.ancestry.is_empty());
    }

    #[test]
    fn decoding_is_bounded() {
        let mut bytes = (1u64, 2u64, BlockId::default()).encode();
        codec::Compact(MAX_PRECOMMITS + 1).encode_to(&mut bytes);
        assert!(Justification::decode_bounded(&bytes).is_err());
        let s = setup();
        let mut trailing = justify(&s, 1, &[(3, 4), (2, 1), (1, 2)]).encode();
        trailing.push(0);
        assert!(Justification::decode_bounded(&trailing).is_err());
        let huge = vec![0u8; crate::MAX_MESSAGE_BYTES + 1];
        assert!(Justification::decode_bounded(&huge).is_err());
    }
}
