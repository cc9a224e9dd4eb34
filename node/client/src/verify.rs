//! Header checks that need no execution: the slot and the seal.
//!
//! The slot is the pre-runtime digest of engine [`ENGINE_ID`] (SCALE `u64`);
//! a block's slot must be strictly above its parent's (genesis: 0) and at
//! most [`MAX_SLOT_DRIFT`] slots ahead of the local clock. The seal is the
//! last digest item: an sr25519 signature, by the slot's author, over the
//! hash of the header without it. The slot's author is
//! `authorities[slot mod n]`, with the authority set read from the runtime
//! at the parent (`AuraApi_authorities`).

use codec::Decode;
use entroos_client_api::{slot_at, ImportError, SealError, ENGINE_ID};
use entroos_primitives::crypto::sr25519;
use entroos_primitives::{DigestItem, Header, H256};

/// How many slots a block may be ahead of the local clock.
pub const MAX_SLOT_DRIFT: u64 = 2;

/// The slot a header claims, if it carries one.
pub fn slot_of(header: &Header) -> Option<u64> {
    header.digest.logs.iter().find_map(|item| match item {
        DigestItem::PreRuntime(engine, data) if *engine == ENGINE_ID => {
            u64::decode(&mut &data[..]).ok()
        }
        _ => None,
    })
}

/// Checks the slot of `header` against its parent's and the clock.
pub fn check_slot(
    header: &Header,
    parent: &Header,
    now_millis: u64,
    slot_millis: u64,
) -> Result<u64, ImportError> {
    let slot = slot_of(header).ok_or(ImportError::MissingSlot)?;
    let parent_slot = if parent.number == 0 {
        0
    } else {
        slot_of(parent).ok_or(ImportError::MissingSlot)?
    };
    if slot <= parent_slot {
        return Err(ImportError::SlotNotIncreasing {
            parent: parent_slot,
            slot,
        });
    }
    let now = slot_at(now_millis, slot_millis);
    if slot > now.saturating_add(MAX_SLOT_DRIFT) {
        return Err(ImportError::SlotInFuture {
            slot,
            now,
            max_drift: MAX_SLOT_DRIFT,
        });
    }
    Ok(slot)
}

/// The author of `slot` in `authorities` (round robin).
pub fn slot_author(slot: u64, authorities: &[[u8; 32]]) -> Option<[u8; 32]> {
    let count = u64::try_from(authorities.len()).ok()?;
    let index = usize::try_from(slot.checked_rem(count)?).ok()?;
    authorities.get(index).copied()
}

/// Checks that `header`'s seal is the slot author's signature; returns the
/// header without the seal.
pub fn check_seal(
    header: &Header,
    slot: u64,
    authorities: &[[u8; 32]],
) -> Result<Header, SealError> {
    let mut unsealed = header.clone();
    let Some(DigestItem::Seal(engine, signature)) = unsealed.digest.logs.pop() else {
        return Err(SealError::Missing);
    };
    if engine != ENGINE_ID {
        return Err(SealError::UnknownEngine(engine));
    }
    let signature: [u8; 64] = signature
        .as_slice()
        .try_into()
        .map_err(|_| SealError::Malformed)?;
    let expected = slot_author(slot, authorities).ok_or(SealError::NoAuthorities)?;
    let message = unsealed.hash();
    if sr25519::verify(&signature, message.as_ref(), &expected) {
        return Ok(unsealed);
    }
    match authorities
        .iter()
        .find(|key| sr25519::verify(&signature, message.as_ref(), key))
    {
        Some(other) => Err(SealError::WrongAuthor {
            expected: H256(expected),
            signer: H256(*other),
        }),
        None => Err(SealError::NotAnAuthority {
            expected: H256(expected),
        }),
    }
}

/// Seals `header` for `key` (the author's side of [`check_seal`]).
pub fn seal(header: &mut Header, key: &sr25519::Pair) {
    let signature = key.sign(header.hash().as_ref());
    header
        .digest
        .logs
        .push(DigestItem::Seal(ENGINE_ID, signature.to_vec()));
}
