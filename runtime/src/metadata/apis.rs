//! The runtime APIs as metadata V15 describes them: Substrate's trait and
//! method names, each input's name and type, and the output type (`()` for
//! none), in the order of [`crate::api::METHODS`]. The types are those
//! [`crate::api::call`] decodes and encodes, or Substrate types with the same
//! encoding (a block is described with its typed extrinsics).

use crate::api::types::{OpaqueMetadata, PresetId, SlotDuration};
use crate::inherents::{CheckInherentsResult, InherentDataType};
use crate::UncheckedExtrinsic;
use entroos_consensus_primitives::{DiversityReport, EpochInfo, FinalityVoters, ValidatorsReport};
use entroos_primitives::crypto::KeyTypeId;
use entroos_primitives::dispatch::{FeeDetails, RuntimeDispatchInfo};
use entroos_primitives::validity::{ApplyExtrinsicResult, TransactionSource, TransactionValidity};
use entroos_primitives::version::RuntimeVersion;
use entroos_primitives::{
    AccountId32, Balance, ExtrinsicInclusionMode, Header, Nonce, Weight, H256,
};
use frame_metadata::v15::{
    RuntimeApiMetadata, RuntimeApiMethodMetadata, RuntimeApiMethodParamMetadata,
};
use scale_info::{meta_type, TypeInfo};

/// A block with its extrinsics typed, as Substrate's runtime APIs take it.
type Block = entroos_primitives::Block<UncheckedExtrinsic>;

/// Every runtime API, in `RuntimeVersion.apis` order.
pub fn runtime_apis() -> Vec<RuntimeApiMetadata> {
    vec![
        core(),
        metadata(),
        block_builder(),
        tagged_transaction_queue(),
        account_nonce_api(),
        transaction_payment_api(),
        offchain_worker_api(),
        genesis_builder(),
        entropy_api(),
        session_keys(),
    ]
}

fn api(
    name: &'static str,
    docs: &[&'static str],
    methods: Vec<RuntimeApiMethodMetadata>,
) -> RuntimeApiMetadata {
    RuntimeApiMetadata {
        name,
        methods,
        docs: docs.to_vec(),
    }
}

fn method<Output: TypeInfo + 'static>(
    name: &'static str,
    inputs: Vec<RuntimeApiMethodParamMetadata>,
    docs: &[&'static str],
) -> RuntimeApiMethodMetadata {
    RuntimeApiMethodMetadata {
        name,
        inputs,
        output: meta_type::<Output>(),
        docs: docs.to_vec(),
    }
}

fn input<T: TypeInfo + 'static>(name: &'static str) -> RuntimeApiMethodParamMetadata {
    RuntimeApiMethodParamMetadata {
        name,
        ty: meta_type::<T>(),
    }
}

fn core() -> RuntimeApiMetadata {
    api(
        "Core",
        &["What every runtime implements: its version and block execution."],
        vec![
            method::<RuntimeVersion>("version", vec![], &["The runtime's version."]),
            method::<()>(
                "execute_block",
                vec![input::<Block>("block")],
                &["Executes a block and checks it against its header."],
            ),
            method::<ExtrinsicInclusionMode>(
                "initialize_block",
                vec![input::<Header>("header")],
                &["Starts a block; answers which extrinsics it may contain."],
            ),
        ],
    )
}

fn metadata() -> RuntimeApiMetadata {
    api(
        "Metadata",
        &["The runtime's metadata."],
        vec![
            method::<OpaqueMetadata>("metadata", vec![], &["Metadata V14."]),
            method::<Option<OpaqueMetadata>>(
                "metadata_at_version",
                vec![input::<u32>("version")],
                &["The metadata of `version`, or `None` if it is not served."],
            ),
            method::<Vec<u32>>(
                "metadata_versions",
                vec![],
                &["The metadata versions `metadata_at_version` serves."],
            ),
        ],
    )
}

fn block_builder() -> RuntimeApiMetadata {
    api(
        "BlockBuilder",
        &["Building a block one extrinsic at a time."],
        vec![
            method::<ApplyExtrinsicResult>(
                "apply_extrinsic",
                vec![input::<UncheckedExtrinsic>("extrinsic")],
                &["Applies an extrinsic to the block being built."],
            ),
            method::<Header>("finalize_block", vec![], &["Ends the block; its header."]),
            method::<Vec<UncheckedExtrinsic>>(
                "inherent_extrinsics",
                vec![input::<InherentDataType>("inherent")],
                &["The inherent extrinsics for the given inherent data."],
            ),
            method::<CheckInherentsResult>(
                "check_inherents",
                vec![input::<Block>("block"), input::<InherentDataType>("data")],
                &["Checks a block's inherents against the given inherent data."],
            ),
        ],
    )
}

fn tagged_transaction_queue() -> RuntimeApiMetadata {
    api(
        "TaggedTransactionQueue",
        &["Transaction validation for the pool."],
        vec![method::<TransactionValidity>(
            "validate_transaction",
            vec![
                input::<TransactionSource>("source"),
                input::<UncheckedExtrinsic>("tx"),
                input::<H256>("block_hash"),
            ],
            &["Validates a transaction on the state of `block_hash`."],
        )],
    )
}

fn account_nonce_api() -> RuntimeApiMetadata {
    api(
        "AccountNonceApi",
        &["Account nonces."],
        vec![method::<Nonce>(
            "account_nonce",
            vec![input::<AccountId32>("account")],
            &["The nonce of `account`."],
        )],
    )
}

fn transaction_payment_api() -> RuntimeApiMetadata {
    api(
        "TransactionPaymentApi",
        &["Transaction fees."],
        vec![
            method::<RuntimeDispatchInfo>(
                "query_info",
                vec![input::<UncheckedExtrinsic>("uxt"), input::<u32>("len")],
                &["The weight, class and fee (without tip) of an extrinsic `len` bytes long."],
            ),
            method::<FeeDetails>(
                "query_fee_details",
                vec![input::<UncheckedExtrinsic>("uxt"), input::<u32>("len")],
                &["The parts of an extrinsic's fee."],
            ),
            method::<Balance>(
                "query_weight_to_fee",
                vec![input::<Weight>("weight")],
                &["The fee of `weight`."],
            ),
            method::<Balance>(
                "query_length_to_fee",
                vec![input::<u32>("length")],
                &["The fee of `length` bytes."],
            ),
        ],
    )
}

fn offchain_worker_api() -> RuntimeApiMetadata {
    api(
        "OffchainWorkerApi",
        &["Off-chain workers."],
        vec![method::<()>(
            "offchain_worker",
            vec![input::<Header>("header")],
            &["Runs the off-chain workers for an imported block."],
        )],
    )
}

fn genesis_builder() -> RuntimeApiMetadata {
    api(
        "GenesisBuilder",
        &["The genesis configuration as JSON, and its named presets."],
        vec![
            method::<Result<(), String>>(
                "build_state",
                vec![input::<Vec<u8>>("json")],
                &["Builds the genesis state from a full JSON configuration."],
            ),
            method::<Option<Vec<u8>>>(
                "get_preset",
                vec![input::<Option<PresetId>>("id")],
                &["The JSON of a named preset, or of the default configuration for `None`."],
            ),
            method::<Vec<PresetId>>("preset_names", vec![], &["The names of the presets."]),
        ],
    )
}

fn entropy_api() -> RuntimeApiMetadata {
    api(
        "EntropyApi",
        &["Entropy-weighted slot authorship and finality: slots, epochs, voters, validators and diversity."],
        vec![
            method::<SlotDuration>(
                "slot_duration",
                vec![],
                &["The slot duration in milliseconds, set by the chain spec."],
            ),
            method::<EpochInfo>(
                "current_epoch",
                vec![],
                &[
                    "The current epoch: index, first slot (`None` before the first block),",
                    "length, randomness, authorities (stash, sr25519 VRF key, weight) and the",
                    "primary probability `c`.",
                ],
            ),
            method::<EpochInfo>(
                "next_epoch",
                vec![],
                &["The next epoch, whose set was fixed one epoch ahead."],
            ),
            method::<FinalityVoters>(
                "finality_voters",
                vec![],
                &["The current epoch's finality voters (ed25519 keys, weights); the set id is the epoch index."],
            ),
            method::<ValidatorsReport>(
                "validators",
                vec![],
                &[
                    "The current set's members (set order), then the other candidates (heaviest",
                    "first): stash, bond, reliability and entropy scores, weight, share of the",
                    "set's weight, commission, declared operator and zone, session keys.",
                ],
            ),
            method::<DiversityReport>(
                "diversity",
                vec![],
                &[
                    "The current set's diversity: normalized Shannon entropy of its weights over",
                    "validators, declared operators and zones, and the Nakamoto coefficients.",
                ],
            ),
        ],
    )
}

fn session_keys() -> RuntimeApiMetadata {
    api(
        "SessionKeys",
        &["The keys a validator's node holds for this runtime."],
        vec![
            method::<Vec<u8>>(
                "generate_session_keys",
                vec![input::<Option<Vec<u8>>>("seed")],
                &[
                    "Makes new session keys in the node's keystore (from `seed`, a secret URI, if given) and returns their encoding.",
                ],
            ),
            method::<Option<Vec<(Vec<u8>, KeyTypeId)>>>(
                "decode_session_keys",
                vec![input::<Vec<u8>>("encoded")],
                &["The public keys and key types of encoded session keys, or `None` if they do not decode."],
            ),
        ],
    )
}
