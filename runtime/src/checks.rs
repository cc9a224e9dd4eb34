//! The standard signed extensions' checks, in their metadata order:
//! non-zero sender, spec and transaction versions, genesis and mortality
//! (through the signature's additional data), nonce, weight and fee.

use crate::{Runtime, RuntimeCall, System, UncheckedExtrinsic};
use codec::Encode;
use entroos_primitives::dispatch::{DispatchClass, DispatchInfo};
use entroos_primitives::generic::extensions::AdditionalSigned;
use entroos_primitives::generic::signing_payload;
use entroos_primitives::generic::SignedExtra;
use entroos_primitives::validity::{
    InvalidTransaction, TransactionValidityError, UnknownTransaction,
};
use entroos_primitives::{AccountId32, BlockNumber};
use entroos_support::state::Externalities;
use pallet_system::{AllExtrinsicsLen, BlockHash, BlockWeight, Config as _};

/// A signed extrinsic whose signature verified.
pub(crate) struct Signed {
    pub who: AccountId32,
    pub extra: SignedExtra,
}

/// The block being built: extrinsics are checked as of its number.
pub(crate) fn current_block(ext: &dyn Externalities) -> BlockNumber {
    pallet_system::Number::get(ext)
}

/// Checks sender, versions, genesis, mortality and signature.
pub(crate) fn check_signature(
    ext: &dyn Externalities,
    xt: &UncheckedExtrinsic,
) -> Result<Option<Signed>, TransactionValidityError> {
    let Some((address, signature, extra)) = &xt.signature else {
        return Ok(None);
    };
    let who = *address.account().ok_or(UnknownTransaction::CannotLookup)?;
    if who == AccountId32([0; 32]) {
        return Err(InvalidTransaction::BadSigner.into());
    }
    let birth = extra.era.birth(u64::from(current_block(ext)));
    let birth = BlockNumber::try_from(birth).map_err(|_| InvalidTransaction::AncientBirthBlock)?;
    if !BlockHash::contains_key(ext, &birth) {
        return Err(InvalidTransaction::AncientBirthBlock.into());
    }
    let additional = AdditionalSigned {
        spec_version: crate::SPEC_VERSION,
        transaction_version: crate::TRANSACTION_VERSION,
        genesis_hash: BlockHash::get(ext, &0),
        birth_hash: BlockHash::get(ext, &birth),
    };
    let payload = signing_payload(&xt.function.encode(), extra, &additional);
    // A bad signature rejects the extrinsic, and in a block the whole
    // block: an importer may check them all at once afterwards.
    if !signature.verify_deferrable(&payload, &who) {
        return Err(InvalidTransaction::BadProof.into());
    }
    Ok(Some(Signed { who, extra: *extra }))
}

/// In a block the nonce must be exactly the account's.
pub(crate) fn check_nonce_for_block(
    ext: &dyn Externalities,
    signed: &Signed,
) -> Result<(), InvalidTransaction> {
    let expected = System::account_nonce(ext, &signed.who);
    match signed.extra.nonce.cmp(&expected) {
        std::cmp::Ordering::Less => Err(InvalidTransaction::Stale),
        std::cmp::Ordering::Greater => Err(InvalidTransaction::Future),
        std::cmp::Ordering::Equal => Ok(()),
    }
}

/// Pool tags.
pub(crate) type Tags = Vec<Vec<u8>>;

/// For the pool: stale nonces are invalid, future ones wait for their predecessor.
/// Returns `(requires, provides)` tags: `SCALE((who, nonce))`.
pub(crate) fn nonce_tags(
    ext: &dyn Externalities,
    signed: &Signed,
) -> Result<(Tags, Tags), InvalidTransaction> {
    let expected = System::account_nonce(ext, &signed.who);
    let nonce = signed.extra.nonce;
    if nonce < expected {
        return Err(InvalidTransaction::Stale);
    }
    let requires = match nonce.checked_sub(1) {
        Some(previous) if nonce > expected => vec![(signed.who, previous).encode()],
        _ => Vec::new(),
    };
    Ok((requires, vec![(signed.who, nonce).encode()]))
}

/// The weight an extrinsic adds to the block: its call and the class's base.
pub(crate) fn extrinsic_weight(info: &DispatchInfo) -> entroos_primitives::Weight {
    let base = Runtime::block_weights()
        .per_class
        .get(info.class)
        .base_extrinsic;
    info.weight.saturating_add(base)
}

/// Whether one extrinsic could ever fit a block.
pub(crate) fn check_extrinsic_limits(
    info: &DispatchInfo,
    len: u32,
) -> Result<(), InvalidTransaction> {
    let per_class = *Runtime::block_weights().per_class.get(info.class);
    if per_class
        .max_extrinsic
        .is_some_and(|max| extrinsic_weight(info).any_gt(max))
    {
        return Err(InvalidTransaction::ExhaustsResources);
    }
    if info.class != DispatchClass::Mandatory && len > *Runtime::block_length().max.get(info.class)
    {
        return Err(InvalidTransaction::ExhaustsResources);
    }
    Ok(())
}

/// Adds the extrinsic to the block's weight and length, if it fits.
pub(crate) fn consume_block_resources(
    ext: &mut dyn Externalities,
    info: &DispatchInfo,
    len: u32,
) -> Result<(), InvalidTransaction> {
    check_extrinsic_limits(info, len)?;
    let per_class = *Runtime::block_weights().per_class.get(info.class);
    let mut consumed = BlockWeight::get(ext);
    let class_total = consumed
        .get(info.class)
        .saturating_add(extrinsic_weight(info));
    if per_class
        .max_total
        .is_some_and(|max| class_total.any_gt(max))
    {
        return Err(InvalidTransaction::ExhaustsResources);
    }
    let total_len = AllExtrinsicsLen::get(ext).unwrap_or(0).saturating_add(len);
    if info.class != DispatchClass::Mandatory
        && total_len > *Runtime::block_length().max.get(info.class)
    {
        return Err(InvalidTransaction::ExhaustsResources);
    }
    *consumed.get_mut(info.class) = class_total;
    BlockWeight::put(ext, &consumed);
    AllExtrinsicsLen::put(ext, &total_len);
    Ok(())
}

/// Whether a call may be an unsigned extrinsic: only mandatory inherents may.
pub(crate) fn is_inherent(call: &RuntimeCall, info: &DispatchInfo) -> bool {
    matches!(call, RuntimeCall::Timestamp(_)) && info.class == DispatchClass::Mandatory
}
