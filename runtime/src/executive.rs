//! Block execution and transaction validation.
//!
//! A block is: [`initialize_block`], [`apply_extrinsic`] for each extrinsic
//! (inherents first), [`finalize_block`]. [`execute_block`] runs all three on
//! a received block and checks its roots and digest; the block author calls
//! them one by one through the `BlockBuilder` API. A block whose
//! initialization a pallet refuses (Entropy: a slot that does not follow
//! the parent's, or a claim that contradicts the epoch's set; Poe: a
//! disputed job to re-execute without a working job engine) is invalid.
//!
//! Unsigned extrinsics are either inherents (the timestamp) or the entropy
//! pallet's equivocation reports, admitted by [`crate::unsigned`] in the
//! pool and again when a block applies them.

use crate::checks::{self, Signed};
use crate::error::BlockError;
use crate::unsigned;
use crate::{
    Balances, Block, Entropy, Poe, Runtime, System, Timestamp, TransactionPayment,
    UncheckedExtrinsic,
};
use codec::Encode;
use entroos_primitives::dispatch::{DispatchClass, DispatchInfo};
use entroos_primitives::validity::{
    ApplyExtrinsicResult, InvalidTransaction, TransactionSource, TransactionValidity,
    ValidTransaction,
};
use entroos_primitives::{BlockNumber, Digest, DigestItem, Header, Weight, H256};
use entroos_support::dispatch::{GetDispatchInfo, RawOrigin};
use entroos_support::hooks::Hooks;
use entroos_support::state::Externalities;
use entroos_support::trie::ordered_trie_root;
use pallet_system::{BlockWeight, Config as _};

/// Starts a block: sets number, parent hash and the header's pre-runtime
/// digest items (the runtime deposits the others itself, as in Substrate),
/// runs `on_initialize` (in pallet index order). Fails if a pallet refuses
/// the block.
pub fn initialize_block(ext: &mut dyn Externalities, header: &Header) -> Result<(), BlockError> {
    System::initialize(
        ext,
        header.number,
        header.parent_hash,
        &pre_runtime_digest(&header.digest),
    );
    let hooks_weight = all_pallets_on_initialize(ext, header.number)?;
    let base = Runtime::block_weights()
        .base_block
        .saturating_add(hooks_weight);
    BlockWeight::mutate(ext, |w| w.mandatory = w.mandatory.saturating_add(base));
    System::note_finished_initialize(ext);
    Ok(())
}

fn pre_runtime_digest(digest: &Digest) -> Digest {
    Digest {
        logs: digest
            .logs
            .iter()
            .filter(|item| matches!(item, DigestItem::PreRuntime(..)))
            .cloned()
            .collect(),
    }
}

fn all_pallets_on_initialize(
    ext: &mut dyn Externalities,
    n: BlockNumber,
) -> Result<Weight, BlockError> {
    let Ok(system) = System::on_initialize(ext, n);
    let Ok(timestamp) = Timestamp::on_initialize(ext, n);
    let entropy = Entropy::on_initialize(ext, n)?;
    let Ok(balances) = Balances::on_initialize(ext, n);
    let Ok(payment) = TransactionPayment::on_initialize(ext, n);
    let poe = Poe::on_initialize(ext, n)?;
    Ok([timestamp, entropy, balances, payment, poe]
        .into_iter()
        .fold(system, Weight::saturating_add))
}

fn all_pallets_on_finalize(ext: &mut dyn Externalities, n: BlockNumber) {
    System::on_finalize(ext, n);
    Timestamp::on_finalize(ext, n);
    Entropy::on_finalize(ext, n);
    Balances::on_finalize(ext, n);
    TransactionPayment::on_finalize(ext, n);
    Poe::on_finalize(ext, n);
}

/// Applies one extrinsic. `Err` means it cannot be included (and changed
/// nothing); `Ok(Err(_))` means it was included, paid, and its call failed.
pub fn apply_extrinsic(
    ext: &mut dyn Externalities,
    xt: UncheckedExtrinsic,
) -> ApplyExtrinsicResult {
    let encoded = xt.encode();
    if ext.start_transaction().is_err() {
        return Err(InvalidTransaction::ExhaustsResources.into());
    }
    let result = apply_in_transaction(ext, xt, encoded);
    let _ = match result {
        Ok(_) => ext.commit_transaction(),
        Err(_) => ext.rollback_transaction(),
    };
    result
}

fn apply_in_transaction(
    ext: &mut dyn Externalities,
    xt: UncheckedExtrinsic,
    encoded: Vec<u8>,
) -> ApplyExtrinsicResult {
    let len = u32::try_from(encoded.len()).map_err(|_| InvalidTransaction::ExhaustsResources)?;
    let info = xt.function.get_dispatch_info();
    let signed = checks::check_signature(ext, &xt)?;
    let mut fee = 0;
    let origin = match &signed {
        Some(signed) => {
            checks::check_nonce_for_block(ext, signed)?;
            checks::consume_block_resources(ext, &info, len)?;
            fee = charge_fee(ext, signed, &info, len)?;
            System::inc_account_nonce(ext, &signed.who);
            RawOrigin::Signed(signed.who)
        }
        None if checks::is_inherent(&xt.function, &info) => {
            checks::consume_block_resources(ext, &info, len)?;
            RawOrigin::None
        }
        None => {
            unsigned::check(ext, &xt.function)?;
            checks::consume_block_resources(ext, &info, len)?;
            RawOrigin::None
        }
    };
    System::note_extrinsic(ext, encoded);
    let result = dispatch_transactional(ext, xt, origin);
    if let Some(signed) = &signed {
        TransactionPayment::note_fee_paid(ext, &signed.who, fee, signed.extra.tip);
    }
    if info.class == DispatchClass::Mandatory && result.is_err() {
        return Err(InvalidTransaction::BadMandatory.into());
    }
    System::note_applied_extrinsic(ext, &result, info);
    Ok(result)
}

fn charge_fee(
    ext: &mut dyn Externalities,
    signed: &Signed,
    info: &DispatchInfo,
    len: u32,
) -> Result<u128, InvalidTransaction> {
    let fee = TransactionPayment::compute_fee(ext, len, info, signed.extra.tip);
    TransactionPayment::withdraw_fee(ext, &signed.who, fee)?;
    Ok(fee)
}

fn dispatch_transactional(
    ext: &mut dyn Externalities,
    xt: UncheckedExtrinsic,
    origin: RawOrigin,
) -> Result<(), entroos_primitives::dispatch::DispatchError> {
    ext.start_transaction()
        .map_err(|_| entroos_primitives::dispatch::DispatchError::Exhausted)?;
    let result = xt.function.dispatch(ext, origin);
    let _ = match result {
        Ok(()) => ext.commit_transaction(),
        Err(_) => ext.rollback_transaction(),
    };
    result
}

/// Ends the block and returns its header (without seal).
pub fn finalize_block(ext: &mut dyn Externalities) -> Result<Header, BlockError> {
    System::note_finished_extrinsics(ext);
    if !Timestamp::did_update(ext) {
        return Err(BlockError::MissingTimestamp);
    }
    let number = pallet_system::Number::get(ext);
    all_pallets_on_finalize(ext, number);
    let (number, parent_hash, digest, extrinsics) = System::finalize(ext);
    let extrinsics_root = H256(ordered_trie_root(&extrinsics));
    let state_root = ext.storage_root();
    Ok(Header {
        parent_hash,
        number,
        state_root,
        extrinsics_root,
        digest,
    })
}

/// Executes a received block and checks it against its header.
pub fn execute_block(ext: &mut dyn Externalities, block: &Block) -> Result<(), BlockError> {
    initialize_block(ext, &block.header)?;
    let mut signed_seen = false;
    for (index, opaque) in block.extrinsics.iter().enumerate() {
        let xt = UncheckedExtrinsic::decode_body(&opaque.0).map_err(|e| {
            BlockError::UndecodableExtrinsic {
                index,
                reason: e.to_string(),
            }
        })?;
        let inherent = xt.signature.is_none();
        if inherent && signed_seen {
            return Err(BlockError::InherentNotFirst(index));
        }
        signed_seen |= !inherent;
        // A failed call is still a valid extrinsic of the block; only validity errors reject it.
        let _dispatch_outcome = apply_extrinsic(ext, xt)
            .map_err(|error| BlockError::InvalidExtrinsic { index, error })?;
    }
    let computed = finalize_block(ext)?;
    check_header(&block.header, &computed)
}

fn check_header(expected: &Header, computed: &Header) -> Result<(), BlockError> {
    if expected.extrinsics_root != computed.extrinsics_root {
        return Err(BlockError::ExtrinsicsRootMismatch {
            expected: expected.extrinsics_root,
            computed: computed.extrinsics_root,
        });
    }
    if expected.state_root != computed.state_root {
        return Err(BlockError::StateRootMismatch {
            expected: expected.state_root,
            computed: computed.state_root,
        });
    }
    if expected.digest != computed.digest {
        return Err(BlockError::DigestMismatch);
    }
    Ok(())
}

/// Checks a transaction for the pool, on the state of block `block_hash`
/// (as if it were included in the next block). The caller discards the
/// state changes this makes.
pub fn validate_transaction(
    ext: &mut dyn Externalities,
    _source: TransactionSource,
    xt: UncheckedExtrinsic,
    block_hash: H256,
) -> TransactionValidity {
    let parent = pallet_system::Number::get(ext);
    let current = parent.saturating_add(1);
    System::initialize(ext, current, block_hash, &Digest::default());
    let len =
        u32::try_from(xt.encode().len()).map_err(|_| InvalidTransaction::ExhaustsResources)?;
    let info = xt.function.get_dispatch_info();
    let Some(signed) = checks::check_signature(ext, &xt)? else {
        if checks::is_inherent(&xt.function, &info) {
            return Err(InvalidTransaction::MandatoryValidation.into());
        }
        checks::check_extrinsic_limits(&info, len)?;
        return unsigned::validate(ext, &xt.function);
    };
    let (requires, provides) = checks::nonce_tags(ext, &signed)?;
    checks::check_extrinsic_limits(&info, len)?;
    let fee = charge_fee(ext, &signed, &info, len)?;
    let current = u64::from(current);
    Ok(ValidTransaction {
        priority: TransactionPayment::priority(fee, signed.extra.tip, info.class),
        requires,
        provides,
        longevity: signed.extra.era.death(current).saturating_sub(current),
        propagate: true,
    })
}
