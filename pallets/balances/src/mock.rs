//! A minimal runtime for Balances' unit tests.

use crate::AccountData;
use entroos_primitives::{AccountId32, Balance};
use entroos_support::state::{Externalities, TestExternalities};

pallet_system::test_events!(pub TestEvent {
    System(pallet_system::Event),
    Balances(crate::Event),
});

pub struct Test;

pallet_system::impl_test_system_config!(Test, TestEvent, AccountData, "test");

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
