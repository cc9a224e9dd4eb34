//! A minimal runtime for Balances' unit tests.

use crate::AccountData;
use codec::{Decode, Encode};
use entroos_primitives::version::RuntimeVersion;
use entroos_primitives::weights::RuntimeDbWeight;
use entroos_primitives::{AccountId32, Balance};
use entroos_support::state::{Externalities, TestExternalities};
use pallet_system::{BlockLength, BlockWeights};
use scale_info::TypeInfo;

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum TestEvent {
    System(pallet_system::Event),
    Balances(crate::Event),
}

impl From<pallet_system::Event> for TestEvent {
    fn from(e: pallet_system::Event) -> Self {
        TestEvent::System(e)
    }
}

impl From<crate::Event> for TestEvent {
    fn from(e: crate::Event) -> Self {
        TestEvent::Balances(e)
    }
}

pub struct Test;

impl pallet_system::Config for Test {
    type RuntimeEvent = TestEvent;
    type AccountData = AccountData;
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

pub const ED: Balance = 10;

impl crate::Config for Test {
    const PALLET_INDEX: u8 = 4;
    const EXISTENTIAL_DEPOSIT: Balance = ED;
    const MAX_LOCKS: u32 = 2;
}

pub fn account(n: u8) -> AccountId32 {
    AccountId32([n; 32])
}

pub fn new_test_ext(endowed: &[(u8, Balance)]) -> TestExternalities {
    let mut t = TestExternalities::default();
    let config = crate::GenesisConfig {
        balances: endowed.iter().map(|(n, b)| (account(*n), *b)).collect(),
    };
    t.execute_with(|ext| config.build::<Test>(ext)).unwrap();
    // Events are recorded from block 1 on (none at genesis).
    t.execute_with(|ext| pallet_system::Number::put(ext, &1));
    t
}

pub fn balances_events(ext: &dyn Externalities) -> Vec<crate::Event> {
    pallet_system::Events::<Test>::get(ext)
        .into_iter()
        .filter_map(|record| match record.event {
            TestEvent::Balances(e) => Some(e),
            _ => None,
        })
        .collect()
}

/// The sum of every account's total, which must equal total issuance.
pub fn sum_of_balances(ext: &dyn Externalities) -> Balance {
    pallet_system::Account::<Test>::iter(ext)
        .iter()
        .map(|(_, info)| info.data.total())
        .sum()
}
