//! A minimal runtime for Aura's unit tests.

use crate::{Slot, ENGINE_ID};
use codec::{Decode, Encode};
use entroos_primitives::version::RuntimeVersion;
use entroos_primitives::weights::RuntimeDbWeight;
use entroos_primitives::{Digest, DigestItem, H256};
use entroos_support::state::{Externalities, TestExternalities};
use pallet_system::{BlockLength, BlockWeights};
use scale_info::TypeInfo;

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum TestEvent {
    System(pallet_system::Event),
}

impl From<pallet_system::Event> for TestEvent {
    fn from(e: pallet_system::Event) -> Self {
        TestEvent::System(e)
    }
}

pub struct Test;

impl pallet_system::Config for Test {
    type RuntimeEvent = TestEvent;
    type AccountData = ();
    const BLOCK_HASH_COUNT: u32 = 250;
    const SS58_PREFIX: u16 = 42;
    fn version() -> RuntimeVersion {
        RuntimeVersion {
            spec_name: "test".into(),
            impl_name: "test".into(),
            authoring_version: 1,
            spec_version: 1,
            impl_version: 1,
            apis: vec![],
            transaction_version: 1,
            system_version: 1,
        }
    }
    fn block_weights() -> BlockWeights {
        BlockWeights::default()
    }
    fn block_length() -> BlockLength {
        BlockLength::default()
    }
    fn db_weight() -> RuntimeDbWeight {
        RuntimeDbWeight { read: 1, write: 1 }
    }
}

pub const MINIMUM_PERIOD: u64 = 3_000;
pub const MAX_AUTHORITIES: u32 = 3;

impl pallet_timestamp::Config for Test {
    const PALLET_INDEX: u8 = 1;
    const MINIMUM_PERIOD: u64 = MINIMUM_PERIOD;
}

impl crate::Config for Test {
    const MAX_AUTHORITIES: u32 = MAX_AUTHORITIES;
}

/// State with these authorities at genesis.
pub fn new_test_ext(authorities: &[u8]) -> TestExternalities {
    let mut t = TestExternalities::default();
    let config = crate::GenesisConfig {
        authorities: authorities.iter().map(|n| authority(*n)).collect(),
    };
    t.execute_with(|ext| config.build::<Test>(ext)).unwrap();
    t
}

pub fn authority(n: u8) -> crate::AuthorityId {
    crate::AuthorityId([n; 32])
}

/// A digest stating `slot` the way the node's author does.
pub fn slot_digest(slot: u64) -> Digest {
    Digest {
        logs: vec![DigestItem::PreRuntime(ENGINE_ID, Slot(slot).encode())],
    }
}

/// Starts block `n` with `digest`, as the executive does before the hooks.
pub fn start_block(ext: &mut dyn Externalities, n: u32, digest: &Digest) {
    pallet_system::Pallet::<Test>::initialize(ext, n, H256::default(), digest);
}
