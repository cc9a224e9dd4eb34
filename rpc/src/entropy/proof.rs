//! `entropy_proveFinality`: proof that a block is final.
//!
//! A [`FinalityProof`] of block `n` holds the justification of the first
//! block `m ≥ n` of the finalized chain that has one, and the headers of
//! blocks `n..=m`, each the parent of the next. Anyone holding the voter
//! set of the justification's set id checks it with
//! [`FinalityProof::verify`]: the headers link `n` to `m`, and
//! `entroos_finality::verify_justification` accepts the justification for
//! `m`. A proof holds at most [`MAX_PROOF_HEADERS`] headers; its SCALE is
//! `block (number: u32 ++ hash) ++ Justification ++ Vec<Header>`.
//!
//! The answer is `null` for a block above the finalized one; error 7002
//! when block `n` is final but no justification is stored from it up to
//! the finalized block (blocks finalized without votes), 7003 when the
//! first one is more than [`MAX_PROOF_HEADERS`] blocks away.

use crate::error::EntropyError;
use crate::params::to_hex;
use crate::server::Deps;
use codec::{Compact, Decode, Encode, Input};
use entroos_finality::{
    verify_justification, BlockId, FinalityError, Justification, VoterSet, FINALITY_ENGINE_ID,
};
use entroos_primitives::{BlockNumber, Header};
use serde_json::{json, Value};

/// The most headers a proof holds (the proven block's through the justified one's).
pub const MAX_PROOF_HEADERS: u32 = 4_096;

/// Proof that [`FinalityProof::block`] is final.
#[derive(Clone, Debug, PartialEq, Eq, Encode)]
pub struct FinalityProof {
    /// The block proven final.
    pub block: BlockId,
    /// The justification of the first justified block at or above it.
    pub justification: Justification,
    /// The headers from `block` up to the justified block, in order.
    pub headers: Vec<Header>,
}

impl Decode for FinalityProof {
    fn decode<I: Input>(input: &mut I) -> Result<Self, codec::Error> {
        let block = BlockId::decode(input)?;
        let justification = Justification::decode(input)?;
        let Compact(count) = Compact::<u32>::decode(input)?;
        if count > MAX_PROOF_HEADERS {
            return Err("a finality proof holds too many headers".into());
        }
        let headers = (0..count)
            .map(|_| Header::decode(input))
            .collect::<Result<_, _>>()?;
        Ok(FinalityProof {
            block,
            justification,
            headers,
        })
    }
}

/// Why a proof does not prove its block final.
#[derive(Debug, thiserror::Error)]
pub enum ProofError {
    /// The bytes are not one whole proof.
    #[error("the proof does not decode: {0}")]
    Decode(#[from] codec::Error),
    /// The headers do not lead from the block to the justified block.
    #[error("the headers do not link block #{0} to the justified block")]
    BrokenHeaders(BlockNumber),
    /// The justification does not finalize the last header under the set.
    #[error(transparent)]
    Justification(#[from] FinalityError),
}

impl FinalityProof {
    /// Decodes a proof from exactly `bytes`.
    pub fn decode_exact(bytes: &[u8]) -> Result<Self, ProofError> {
        Ok(<Self as codec::DecodeAll>::decode_all(&mut &bytes[..])?)
    }

    /// Checks that the proof finalizes its block under `set`; the justified block.
    pub fn verify(&self, set: &VoterSet) -> Result<BlockId, ProofError> {
        let broken = || ProofError::BrokenHeaders(self.block.number);
        let first = self.headers.first().ok_or_else(broken)?;
        if first.number != self.block.number || first.hash() != self.block.hash {
            return Err(broken());
        }
        for pair in self.headers.windows(2) {
            if let [parent, child] = pair {
                let next = parent.number.checked_add(1).ok_or_else(broken)?;
                if child.parent_hash != parent.hash() || child.number != next {
                    return Err(broken());
                }
            }
        }
        let last = self.headers.last().ok_or_else(broken)?;
        let justified = BlockId::new(last.number, last.hash());
        verify_justification(set, &self.justification, &justified)?;
        Ok(justified)
    }
}

/// The proof of block `number` as JSON, `null` if it is not final.
pub(super) fn prove_finality(deps: &Deps, number: BlockNumber) -> Result<Value, EntropyError> {
    let Some(proof) = build(deps, number)? else {
        return Ok(Value::Null);
    };
    Ok(proof_json(&proof))
}

/// Builds the proof of block `number` from the finalized chain.
pub(crate) fn build(
    deps: &Deps,
    number: BlockNumber,
) -> Result<Option<FinalityProof>, EntropyError> {
    let finalized = deps.chain.finalized().0;
    if number > finalized {
        return Ok(None);
    }
    let mut headers = Vec::new();
    for current in number..=finalized {
        if headers.len() >= MAX_PROOF_HEADERS as usize {
            return Err(EntropyError::ProofTooLong {
                number,
                max: MAX_PROOF_HEADERS,
            });
        }
        let Some(header) = canonical_header(deps, current)? else {
            return Ok(None);
        };
        let hash = header.hash();
        headers.push(header);
        if let Some(justification) = stored_justification(deps, current, hash)? {
            let block = headers.first().map_or(BlockId::new(current, hash), |h| {
                BlockId::new(h.number, h.hash())
            });
            return Ok(Some(FinalityProof {
                block,
                justification,
                headers,
            }));
        }
    }
    Err(EntropyError::NoJustification { number, finalized })
}

/// The header of the canonical block `number`, if there is one.
fn canonical_header(deps: &Deps, number: BlockNumber) -> Result<Option<Header>, EntropyError> {
    let Some(hash) = deps.chain.hash_of(number)? else {
        return Ok(None);
    };
    Ok(deps.chain.header(hash)?)
}

/// The finality justification stored with block `hash`, if any.
pub(crate) fn stored_justification(
    deps: &Deps,
    number: BlockNumber,
    hash: entroos_primitives::H256,
) -> Result<Option<Justification>, EntropyError> {
    let Some(stored) = deps.chain.justification(hash)? else {
        return Ok(None);
    };
    if stored.get(..4) != Some(FINALITY_ENGINE_ID.as_slice()) {
        return Ok(None);
    }
    Justification::from_stored(&stored)
        .map(Some)
        .map_err(|e| EntropyError::BadJustification {
            number,
            reason: e.to_string(),
        })
}

fn block_json(block: BlockId) -> Value {
    json!({ "number": block.number, "hash": block.hash })
}

/// The justification's parts, each as JSON.
pub(crate) fn justification_json(j: &Justification) -> Value {
    let precommits: Vec<Value> = j
        .precommits
        .iter()
        .map(|p| {
            json!({
                "voter": to_hex(&p.voter),
                "target": block_json(p.vote.target()),
                "signature": to_hex(&p.signature),
            })
        })
        .collect();
    let ancestry: Vec<Value> = j.ancestry.iter().map(|h| json!(h.hash())).collect();
    json!({
        "setId": j.set_id,
        "round": j.round,
        "target": block_json(j.target),
        "precommits": precommits,
        "ancestry": ancestry,
    })
}

fn proof_json(proof: &FinalityProof) -> Value {
    json!({
        "block": block_json(proof.block),
        "justified": block_json(proof.justification.target),
        "proof": to_hex(&proof.encode()),
        "justification": to_hex(&proof.justification.encode()),
        "decoded": justification_json(&proof.justification),
        "headers": proof.headers,
    })
}
