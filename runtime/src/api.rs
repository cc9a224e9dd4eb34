//! The runtime APIs, by Substrate name: SCALE-encoded arguments in, SCALE
//! result out. The node calls blocks, pools and `state_call` through [`call`]
//! only. Arguments must decode exactly (depth-limited, no trailing bytes).
//!
//! A call whose state could not be read (the externalities report a
//! backend error afterwards) fails with [`RuntimeError::Storage`], whatever
//! it computed: a block being built or imported is then abandoned rather
//! than built on reads that answered "absent".
//!
//! `EntropyApi` is what slot authorship and finality read:
//! `slot_duration` (milliseconds, a SCALE `u64`, Substrate's
//! `SlotDuration`; set by the chain spec), `current_epoch` and `next_epoch`
//! (an `EpochInfo`: index, first slot — `None` before the first block —,
//! length, randomness, authorities with their sr25519 VRF keys and weights,
//! and `c`) and `finality_voters` (ed25519 keys and weights, the epoch
//! index as set id); since version 2 also what people read: `validators`
//! (a `ValidatorsReport`: the current set's members, then the other
//! candidates, with bonds, scores, weights, shares, declarations and keys)
//! and `diversity` (a `DiversityReport`: Shannon entropy of the current
//! set's weights over validators, declared operators and zones, in
//! `FixedU128`, and the Nakamoto coefficients).
//!
//! Block execution may need the node's job engine (the proof-of-execution
//! ledger re-executes disputed jobs in its block hook): the node lends it
//! through [`Extensions::jobs`] and the runtime reaches it only as
//! `entroos_support::jobs::JobExecutor`.
//!
//! `SessionKeys_generate_session_keys` makes keys in the node's keystore
//! (see [`crate::session_keys`]), so it answers only through [`call_with`]
//! given a [`KeyGenerator`]; `SessionKeys_decode_session_keys` needs nothing.
//!
//! Metadata V15 describes every method of [`METHODS`] (its inputs' names and
//! types, its output type) under the same API and method names.

pub mod types;

use crate::executive;
use crate::genesis;
use crate::inherents::{self, InherentData};
use crate::metadata;
use crate::session_keys;
use crate::{
    Block, Entropy, Runtime, RuntimeError, System, TransactionPayment, UncheckedExtrinsic,
};
use codec::{Decode, DecodeLimit, Encode};
use entroos_primitives::dispatch::RuntimeDispatchInfo;
use entroos_primitives::validity::TransactionSource;
use entroos_primitives::{AccountId32, ExtrinsicInclusionMode, Header, H256, MAX_DECODE_DEPTH};
use entroos_support::dispatch::GetDispatchInfo;
use entroos_support::hooks::{KeyGenerator, OffchainContext};
use entroos_support::jobs::{JobExecutor, WithJobExecutor};
use entroos_support::state::Externalities;
use types::{OpaqueMetadata, PresetId, SlotDuration};

/// Every method [`call`] answers (it refuses any other), in the order of
/// Substrate's API traits.
pub const METHODS: [&str; 28] = [
    "Core_version",
    "Core_execute_block",
    "Core_initialize_block",
    "Metadata_metadata",
    "Metadata_metadata_at_version",
    "Metadata_metadata_versions",
    "BlockBuilder_apply_extrinsic",
    "BlockBuilder_finalize_block",
    "BlockBuilder_inherent_extrinsics",
    "BlockBuilder_check_inherents",
    "TaggedTransactionQueue_validate_transaction",
    "AccountNonceApi_account_nonce",
    "TransactionPaymentApi_query_info",
    "TransactionPaymentApi_query_fee_details",
    "TransactionPaymentApi_query_weight_to_fee",
    "TransactionPaymentApi_query_length_to_fee",
    "OffchainWorkerApi_offchain_worker",
    "GenesisBuilder_build_state",
    "GenesisBuilder_get_preset",
    "GenesisBuilder_preset_names",
    "EntropyApi_slot_duration",
    "EntropyApi_current_epoch",
    "EntropyApi_next_epoch",
    "EntropyApi_finality_voters",
    "EntropyApi_validators",
    "EntropyApi_diversity",
    "SessionKeys_generate_session_keys",
    "SessionKeys_decode_session_keys",
];

/// The node's services a call may use; each method that needs one says so.
#[derive(Default)]
pub struct Extensions<'a> {
    /// For `OffchainWorkerApi_offchain_worker`.
    pub offchain: Option<&'a mut dyn OffchainContext>,
    /// For `SessionKeys_generate_session_keys`.
    pub keystore: Option<&'a mut dyn KeyGenerator>,
    /// The job engine block execution re-executes disputed jobs on
    /// (`Core_execute_block`, `Core_initialize_block` and whatever runs
    /// the ledger's block hook): without it such a block is refused.
    pub jobs: Option<&'a dyn JobExecutor>,
}

fn args<T: Decode>(method: &str, input: &[u8]) -> Result<T, RuntimeError> {
    T::decode_all_with_depth_limit(MAX_DECODE_DEPTH, &mut &input[..]).map_err(|e| {
        RuntimeError::BadArguments {
            method: method.into(),
            reason: e.to_string(),
        }
    })
}

/// Calls the runtime API `method` with SCALE `input` on `ext`.
/// `offchain` is needed only by `OffchainWorkerApi_offchain_worker`.
/// Fails with [`RuntimeError::Storage`] if `ext` met a backend error.
pub fn call(
    ext: &mut dyn Externalities,
    method: &str,
    input: &[u8],
    offchain: Option<&mut dyn OffchainContext>,
) -> Result<Vec<u8>, RuntimeError> {
    let extensions = Extensions {
        offchain,
        ..Extensions::default()
    };
    call_with(ext, method, input, extensions)
}

/// [`call`] with every service the node provides.
pub fn call_with(
    ext: &mut dyn Externalities,
    method: &str,
    input: &[u8],
    extensions: Extensions<'_>,
) -> Result<Vec<u8>, RuntimeError> {
    let result = match extensions.jobs {
        Some(jobs) => dispatch(
            &mut WithJobExecutor::new(ext, jobs),
            method,
            input,
            extensions,
        ),
        None => dispatch(ext, method, input, extensions),
    };
    match ext.backend_error() {
        Some(error) => Err(RuntimeError::Storage(error.clone())),
        None => result,
    }
}

fn dispatch(
    ext: &mut dyn Externalities,
    method: &str,
    input: &[u8],
    extensions: Extensions<'_>,
) -> Result<Vec<u8>, RuntimeError> {
    if !METHODS.contains(&method) {
        return Err(RuntimeError::UnknownApi(method.into()));
    }
    let out = match method {
        "Core_version" => crate::version().encode(),
        "Core_execute_block" => {
            let block: Block = args(method, input)?;
            executive::execute_block(ext, &block)?;
            Vec::new()
        }
        "Core_initialize_block" => {
            let header: Header = args(method, input)?;
            executive::initialize_block(ext, &header)?;
            ExtrinsicInclusionMode::AllExtrinsics.encode()
        }
        "Metadata_metadata" => OpaqueMetadata(metadata::encoded()).encode(),
        "Metadata_metadata_at_version" => {
            let version: u32 = args(method, input)?;
            metadata::at_version(version).map(OpaqueMetadata).encode()
        }
        "Metadata_metadata_versions" => metadata::SUPPORTED_VERSIONS.to_vec().encode(),
        "BlockBuilder_apply_extrinsic" => {
            let xt: UncheckedExtrinsic = args(method, input)?;
            executive::apply_extrinsic(ext, xt).encode()
        }
        "BlockBuilder_finalize_block" => executive::finalize_block(ext)?.encode(),
        "BlockBuilder_inherent_extrinsics" => {
            let data: InherentData = args(method, input)?;
            inherents::create_inherents(&data).encode()
        }
        "BlockBuilder_check_inherents" => {
            let (block, data): (entroos_primitives::Block<UncheckedExtrinsic>, InherentData) =
                args(method, input)?;
            inherents::check_inherents(&block.extrinsics, &data).encode()
        }
        "TaggedTransactionQueue_validate_transaction" => {
            let (source, xt, block_hash): (TransactionSource, UncheckedExtrinsic, H256) =
                args(method, input)?;
            executive::validate_transaction(ext, source, xt, block_hash).encode()
        }
        "AccountNonceApi_account_nonce" => {
            let who: AccountId32 = args(method, input)?;
            System::account_nonce(ext, &who).encode()
        }
        "TransactionPaymentApi_query_info" => query_info(ext, method, input)?.encode(),
        "TransactionPaymentApi_query_fee_details" => {
            let (xt, len): (UncheckedExtrinsic, u32) = args(method, input)?;
            let info = xt.function.get_dispatch_info();
            let tip = xt.signature.as_ref().map_or(0, |(_, _, extra)| extra.tip);
            TransactionPayment::compute_fee_details(ext, len, &info, tip).encode()
        }
        "TransactionPaymentApi_query_weight_to_fee" => {
            let weight: entroos_primitives::Weight = args(method, input)?;
            <Runtime as pallet_transaction_payment::Config>::weight_to_fee(weight).encode()
        }
        "TransactionPaymentApi_query_length_to_fee" => {
            let len: u32 = args(method, input)?;
            let per_byte = <Runtime as pallet_transaction_payment::Config>::LENGTH_FEE_PER_BYTE;
            per_byte.saturating_mul(u128::from(len)).encode()
        }
        "OffchainWorkerApi_offchain_worker" => {
            let header: Header = args(method, input)?;
            let ctx = extensions
                .offchain
                .ok_or(RuntimeError::NeedsOffchainContext(
                    "OffchainWorkerApi_offchain_worker",
                ))?;
            crate::offchain_worker(ext, &header, ctx);
            Vec::new()
        }
        "GenesisBuilder_build_state" => build_state(ext, method, input)?.encode(),
        "GenesisBuilder_get_preset" => {
            let id: Option<PresetId> = args(method, input)?;
            get_preset(id).encode()
        }
        "GenesisBuilder_preset_names" => genesis::preset_names()
            .into_iter()
            .map(|n| PresetId(n.as_bytes().to_vec()))
            .collect::<Vec<_>>()
            .encode(),
        "EntropyApi_slot_duration" => {
            let () = args(method, input)?;
            SlotDuration(Entropy::params(ext).slot_duration).encode()
        }
        "EntropyApi_current_epoch" => {
            let () = args(method, input)?;
            Entropy::current_epoch(ext).encode()
        }
        "EntropyApi_next_epoch" => {
            let () = args(method, input)?;
            Entropy::next_epoch(ext).encode()
        }
        "EntropyApi_finality_voters" => {
            let () = args(method, input)?;
            Entropy::finality_voters(ext).encode()
        }
        "EntropyApi_validators" => {
            let () = args(method, input)?;
            Entropy::validators_report(ext).encode()
        }
        "EntropyApi_diversity" => {
            let () = args(method, input)?;
            Entropy::diversity_report(ext).encode()
        }
        "SessionKeys_generate_session_keys" => {
            let seed: Option<Vec<u8>> = args(method, input)?;
            let keystore = extensions.keystore.ok_or(RuntimeError::NeedsKeystore(
                "SessionKeys_generate_session_keys",
            ))?;
            session_keys::generate(keystore, seed)?.encode()
        }
        "SessionKeys_decode_session_keys" => {
            let encoded: Vec<u8> = args(method, input)?;
            session_keys::decode(&encoded).encode()
        }
        other => return Err(RuntimeError::UnknownApi(other.into())),
    };
    Ok(out)
}

fn query_info(
    ext: &mut dyn Externalities,
    method: &str,
    input: &[u8],
) -> Result<RuntimeDispatchInfo, RuntimeError> {
    let (xt, len): (UncheckedExtrinsic, u32) = args(method, input)?;
    let info = xt.function.get_dispatch_info();
    // The partial fee excludes the tip, as in Substrate.
    let partial_fee = TransactionPayment::compute_fee(ext, len, &info, 0);
    Ok(RuntimeDispatchInfo {
        weight: info.weight,
        class: info.class,
        partial_fee,
    })
}

fn build_state(
    ext: &mut dyn Externalities,
    method: &str,
    input: &[u8],
) -> Result<Result<(), String>, RuntimeError> {
    let json: Vec<u8> = args(method, input)?;
    let result = genesis::config_from_json(&json).and_then(|config| genesis::build(ext, &config));
    Ok(result.map_err(|e| e.to_string()))
}

fn get_preset(id: Option<PresetId>) -> Option<Vec<u8>> {
    let value = match id {
        None => serde_json::to_value(genesis::RuntimeGenesisConfig::default()).ok()?,
        Some(PresetId(id)) => genesis::preset(std::str::from_utf8(&id).ok()?)?,
    };
    serde_json::to_vec(&value).ok()
}
