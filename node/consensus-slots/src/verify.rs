//! Verifying a header's slot claim and seal in the import path, before
//! execution, against the epoch the parent says the slot belongs to.

use crate::vrf::{self, slot_transcript};
use crate::{Authority, Epoch, SlotsError};
use entroos_consensus_primitives::{find_pre_digest, PreDigest, ENGINE_ID};
use entroos_primitives::crypto::sr25519;
use entroos_primitives::{DigestItem, Header, H256};

/// How many slots a header may be ahead of the local clock.
pub const MAX_SLOT_DRIFT: u64 = 2;

/// What verification needs to know about the parent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParentInfo {
    /// Its hash.
    pub hash: H256,
    /// Its slot (zero for the genesis block).
    pub slot: u64,
}

/// What a verified header claims, for import, fork choice and
/// equivocation detection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifiedHeader {
    /// The hash of the sealed header.
    pub hash: H256,
    /// The hash of the header without its seal (what the seal signs).
    pub pre_hash: H256,
    /// The slot.
    pub slot: u64,
    /// The author's index in the epoch's set.
    pub authority_index: u32,
    /// The author's sr25519 key.
    pub author: [u8; 32],
    /// Whether the claim is primary.
    pub primary: bool,
    /// The VRF pre-output of a primary claim.
    pub vrf_output: Option<[u8; 32]>,
}

/// Verifies `header`'s slot claim and seal: one pre-digest; the parent
/// named; a slot above the parent's, at most [`MAX_SLOT_DRIFT`] ahead of
/// `now_slot` and inside `epoch`; an authority index in the set; for a
/// primary claim a VRF proof under that authority's key with a lottery
/// value below its threshold, for a secondary claim the slot's assignee;
/// and the seal, that authority's signature over the unsealed header.
pub fn verify_header(
    header: &Header,
    parent: &ParentInfo,
    epoch: &Epoch,
    now_slot: u64,
) -> Result<VerifiedHeader, SlotsError> {
    let (unsealed, seal) = unseal(header)?;
    let pre_digest = find_pre_digest(&unsealed.digest)?;
    if header.parent_hash != parent.hash {
        return Err(SlotsError::WrongParent);
    }
    let slot = pre_digest.slot();
    check_slot(slot, parent.slot, now_slot)?;
    check_in_epoch(slot, epoch)?;
    let authority_index = pre_digest.authority_index();
    let authority = authority_at(epoch, authority_index)?;
    check_claim(&pre_digest, epoch, authority)?;
    let pre_hash = unsealed.hash();
    if !sr25519::verify(&seal, pre_hash.as_ref(), &authority.vrf_key) {
        return Err(SlotsError::BadSeal { authority_index });
    }
    Ok(VerifiedHeader {
        hash: header.hash(),
        pre_hash,
        slot,
        authority_index,
        author: authority.vrf_key,
        primary: pre_digest.is_primary(),
        vrf_output: pre_digest.vrf_output(),
    })
}

/// The header without its seal (the last digest item, engine
/// [`ENGINE_ID`], 64 bytes), and the seal's signature.
pub fn unseal(header: &Header) -> Result<(Header, [u8; 64]), SlotsError> {
    let mut unsealed = header.clone();
    let Some(DigestItem::Seal(engine, signature)) = unsealed.digest.logs.pop() else {
        return Err(SlotsError::MissingSeal);
    };
    if engine != ENGINE_ID {
        return Err(SlotsError::SealEngine(engine));
    }
    let signature =
        <[u8; 64]>::try_from(signature.as_slice()).map_err(|_| SlotsError::MalformedSeal)?;
    Ok((unsealed, signature))
}

/// Seals `header` with `pair`: appends its signature over the header's
/// hash as the last digest item (the author's side of [`unseal`]).
pub fn seal_header(header: &mut Header, pair: &sr25519::Pair) {
    let signature = pair.sign(header.hash().as_ref());
    header
        .digest
        .logs
        .push(DigestItem::Seal(ENGINE_ID, signature.to_vec()));
}

fn check_slot(slot: u64, parent: u64, now: u64) -> Result<(), SlotsError> {
    if slot <= parent {
        return Err(SlotsError::SlotNotIncreasing { parent, slot });
    }
    if slot > now.saturating_add(MAX_SLOT_DRIFT) {
        return Err(SlotsError::SlotInFuture {
            slot,
            now,
            max_drift: MAX_SLOT_DRIFT,
        });
    }
    Ok(())
}

fn check_in_epoch(slot: u64, epoch: &Epoch) -> Result<(), SlotsError> {
    if epoch.contains(slot) {
        return Ok(());
    }
    Err(SlotsError::SlotOutsideEpoch {
        slot,
        epoch: epoch.index(),
        start: epoch.start_slot(),
        end: epoch.end_slot(),
    })
}

fn authority_at(epoch: &Epoch, index: u32) -> Result<&Authority, SlotsError> {
    epoch
        .authority(index)
        .ok_or(SlotsError::AuthorityIndexOutOfRange {
            index,
            authorities: epoch.len(),
        })
}

fn check_claim(
    pre_digest: &PreDigest,
    epoch: &Epoch,
    authority: &Authority,
) -> Result<(), SlotsError> {
    match pre_digest {
        PreDigest::Primary {
            authority_index,
            slot,
            vrf_output,
            vrf_proof,
        } => {
            let transcript = slot_transcript(epoch.randomness(), *slot, epoch.index());
            let value = vrf::verify(&authority.vrf_key, transcript, vrf_output, vrf_proof)
                .map_err(|failure| failure.into_error(*authority_index))?;
            let threshold = epoch.threshold(*authority_index);
            if value >= threshold {
                return Err(SlotsError::VrfAboveThreshold {
                    authority_index: *authority_index,
                    value,
                    threshold,
                });
            }
            Ok(())
        }
        PreDigest::Secondary {
            authority_index,
            slot,
        } => {
            let expected = epoch.secondary_author(*slot);
            if expected != Some(*authority_index) {
                return Err(SlotsError::WrongSecondaryAuthor {
                    claimed: *authority_index,
                    expected,
                });
            }
            Ok(())
        }
    }
}
