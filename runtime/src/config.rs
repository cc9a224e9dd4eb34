//! Each pallet's configuration for this runtime.

use crate::constants::*;
use crate::{Runtime, RuntimeEvent};
use entroos_primitives::version::{api_id, RuntimeVersion};
use entroos_primitives::weights::RuntimeDbWeight;
use entroos_primitives::{Balance, BlockNumber, Weight};
use pallet_system::{BlockLength, BlockWeights, PerDispatchClass, WeightsPerClass};

/// The runtime APIs and their versions, as `RuntimeVersion.apis` lists them.
pub const RUNTIME_APIS: [(&str, u32); 10] = [
    ("Core", 5),
    ("Metadata", 2),
    ("BlockBuilder", 6),
    ("TaggedTransactionQueue", 3),
    ("AccountNonceApi", 1),
    ("TransactionPaymentApi", 4),
    ("OffchainWorkerApi", 2),
    ("GenesisBuilder", 1),
    ("EntropyApi", 2),
    ("SessionKeys", 1),
];

/// Bumped whenever behaviour changes; `:code` holds the encoded version, and a
/// raw chain spec whose `:code` is another spec is refused at start.
pub const SPEC_VERSION: u32 = 101;
/// Bumped whenever call indices or the extrinsic format change.
pub const TRANSACTION_VERSION: u32 = 1;

/// This runtime's version.
pub fn version() -> RuntimeVersion {
    RuntimeVersion {
        spec_name: "entroos".into(),
        impl_name: "entroos-node".into(),
        authoring_version: 1,
        spec_version: SPEC_VERSION,
        impl_version: 1,
        apis: RUNTIME_APIS
            .iter()
            .map(|(name, v)| (api_id(name), *v))
            .collect(),
        transaction_version: TRANSACTION_VERSION,
        system_version: 1,
    }
}

fn normal_share(w: Weight) -> Weight {
    Weight::from_parts(NORMAL_DISPATCH_RATIO.mul_floor(w.ref_time), w.proof_size)
}

impl pallet_system::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type AccountData = pallet_balances::AccountData;
    const BLOCK_HASH_COUNT: BlockNumber = BLOCK_HASH_COUNT;
    const SS58_PREFIX: u16 = SS58_PREFIX;

    fn version() -> RuntimeVersion {
        version()
    }

    fn block_weights() -> BlockWeights {
        let class = |max_total: Option<Weight>| WeightsPerClass {
            base_extrinsic: EXTRINSIC_BASE_WEIGHT,
            max_extrinsic: max_total,
            max_total,
            reserved: None,
        };
        let available = Weight::from_parts(
            MAXIMUM_BLOCK_WEIGHT
                .ref_time
                .saturating_sub(BLOCK_EXECUTION_WEIGHT.ref_time),
            MAXIMUM_BLOCK_WEIGHT.proof_size,
        );
        BlockWeights {
            base_block: BLOCK_EXECUTION_WEIGHT,
            max_block: MAXIMUM_BLOCK_WEIGHT,
            per_class: PerDispatchClass {
                normal: class(Some(normal_share(available))),
                operational: class(Some(available)),
                mandatory: class(None),
            },
        }
    }

    fn block_length() -> BlockLength {
        let normal =
            u32::try_from(NORMAL_DISPATCH_RATIO.mul_floor(u64::from(MAXIMUM_BLOCK_LENGTH)))
                .unwrap_or(MAXIMUM_BLOCK_LENGTH);
        BlockLength {
            max: PerDispatchClass {
                normal,
                operational: MAXIMUM_BLOCK_LENGTH,
                mandatory: MAXIMUM_BLOCK_LENGTH,
            },
        }
    }

    fn db_weight() -> RuntimeDbWeight {
        entroos_primitives::weights::REFERENCE_DB_WEIGHT
    }
}

impl pallet_timestamp::Config for Runtime {
    const PALLET_INDEX: u8 = pallet_index::TIMESTAMP;
    const MINIMUM_PERIOD: u64 = MINIMUM_PERIOD;
}

impl pallet_entropy::Config for Runtime {
    const INDEX: u8 = pallet_index::ENTROPY;
    const MAX_VALIDATORS: u32 = MAX_VALIDATORS;
    const MAX_CANDIDATES: u32 = MAX_CANDIDATES;
    type Authorship = pallet_entropy::PreDigestAuthorship;
}

impl pallet_poe::Config for Runtime {
    const POE_INDEX: u8 = pallet_index::POE;
}

impl pallet_balances::Config for Runtime {
    const PALLET_INDEX: u8 = pallet_index::BALANCES;
    const EXISTENTIAL_DEPOSIT: Balance = EXISTENTIAL_DEPOSIT;
    const MAX_LOCKS: u32 = 50;
}

impl pallet_transaction_payment::Config for Runtime {
    const LENGTH_FEE_PER_BYTE: Balance = LENGTH_FEE_PER_BYTE;
    const OPERATIONAL_FEE_MULTIPLIER: u8 = OPERATIONAL_FEE_MULTIPLIER;
    fn weight_to_fee(weight: Weight) -> Balance {
        Balance::from(weight.ref_time).saturating_mul(WEIGHT_FEE_PER_PICOSECOND)
    }
}
