use crate::mock::*;
use crate::{Call, Error, Event, Existence, Pallet, Reasons, TotalIssuance};
use entroos_primitives::dispatch::{DispatchError, ModuleError};
use entroos_primitives::MultiAddress;
use entroos_support::dispatch::{PalletError, RawOrigin};
use proptest::prelude::*;

type Balances = Pallet<Test>;

fn module_error(e: Error) -> DispatchError {
    e.into_module_error(4)
}

#[test]
fn transfer_moves_balance_and_emits_events() {
    let mut t = new_test_ext(&[(1, 100)]);
    t.execute_with(|ext| {
        let call = Call::transfer_keep_alive {
            dest: MultiAddress::Id(account(2)),
            value: 30,
        };
        Balances::dispatch(ext, RawOrigin::Signed(account(1)), call).unwrap();
        assert_eq!(Balances::free_balance(ext, &account(1)), 70);
        assert_eq!(Balances::free_balance(ext, &account(2)), 30);
        let events = balances_events(ext);
        assert!(events.contains(&Event::Endowed {
            account: account(2),
            free_balance: 30
        }));
        assert!(events.contains(&Event::Transfer {
            from: account(1),
            to: account(2),
            amount: 30
        }));
        assert_eq!(sum_of_balances(ext), TotalIssuance::get(ext));
    });
}

#[test]
fn existential_deposit_rules() {
    let mut t = new_test_ext(&[(1, 100)]);
    t.execute_with(|ext| {
        let err = Balances::transfer(ext, &account(1), &account(2), ED - 1, Existence::AllowDeath);
        assert_eq!(err, Err(module_error(Error::ExistentialDeposit)));
        let err = Balances::transfer(ext, &account(1), &account(2), 95, Existence::KeepAlive);
        assert_eq!(
            err,
            Err(DispatchError::Module(ModuleError {
                index: 4,
                error: [4, 0, 0, 0],
                message: Some("Expendability")
            }))
        );
        let err = Balances::transfer(ext, &account(1), &account(2), 101, Existence::AllowDeath);
        assert_eq!(err, Err(module_error(Error::InsufficientBalance)));
    });
}

#[test]
fn reaping_burns_dust() {
    let mut t = new_test_ext(&[(1, 100), (2, 100)]);
    t.execute_with(|ext| {
        Balances::transfer(ext, &account(1), &account(2), 95, Existence::AllowDeath).unwrap();
        assert!(!pallet_system::Pallet::<Test>::account_exists(
            ext,
            &account(1)
        ));
        assert!(balances_events(ext).contains(&Event::DustLost {
            account: account(1),
            amount: 5
        }));
        assert_eq!(TotalIssuance::get(ext), 195);
        assert_eq!(sum_of_balances(ext), 195);
    });
}

#[test]
fn locks_restrict_and_keep_alive() {
    let mut t = new_test_ext(&[(1, 100)]);
    t.execute_with(|ext| {
        Balances::set_lock(ext, *b"staking ", &account(1), 60, Reasons::All).unwrap();
        let err = Balances::transfer(ext, &account(1), &account(2), 50, Existence::AllowDeath);
        assert_eq!(err, Err(module_error(Error::LiquidityRestrictions)));
        Balances::transfer(ext, &account(1), &account(2), 40, Existence::AllowDeath).unwrap();
        Balances::set_lock(ext, *b"other   ", &account(1), 1, Reasons::Fee).unwrap();
        let too_many = Balances::set_lock(ext, *b"third   ", &account(1), 1, Reasons::Fee);
        assert_eq!(too_many, Err(module_error(Error::TooManyFreezes)));
        Balances::remove_lock(ext, *b"staking ", &account(1)).unwrap();
        Balances::remove_lock(ext, *b"other   ", &account(1)).unwrap();
        assert_eq!(
            pallet_system::Pallet::<Test>::account(ext, &account(1)).consumers,
            0
        );
        Balances::transfer(ext, &account(1), &account(2), 60, Existence::AllowDeath).unwrap();
    });
}

#[test]
fn reserve_withdraw_deposit_and_force() {
    let mut t = new_test_ext(&[(1, 100)]);
    t.execute_with(|ext| {
        Balances::reserve(ext, &account(1), 30).unwrap();
        assert_eq!(Balances::unreserve(ext, &account(1), 50), Ok(30));
        Balances::withdraw(ext, &account(1), 20, Existence::KeepAlive).unwrap();
        Balances::deposit(ext, &account(3), 15).unwrap();
        assert_eq!(TotalIssuance::get(ext), 95);
        let force = Call::force_set_balance {
            who: MultiAddress::Id(account(1)),
            new_free: 500,
        };
        assert_eq!(
            Balances::dispatch(ext, RawOrigin::Signed(account(1)), force.clone()),
            Err(DispatchError::BadOrigin)
        );
        Balances::dispatch(ext, RawOrigin::Root, force).unwrap();
        assert_eq!(TotalIssuance::get(ext), 515);
        assert_eq!(sum_of_balances(ext), 515);
    });
}

#[test]
fn repatriating_moves_reserved_into_the_receivers_free_balance() {
    let mut t = new_test_ext(&[(1, 100), (2, 50)]);
    t.execute_with(|ext| {
        Balances::reserve(ext, &account(1), 40).unwrap();
        assert_eq!(
            Balances::repatriate_reserved(ext, &account(1), &account(2), 25),
            Ok(25)
        );
        assert_eq!(Balances::account(ext, &account(1)).reserved, 15);
        assert_eq!(Balances::free_balance(ext, &account(2)), 75);
        assert_eq!(
            Balances::repatriate_reserved(ext, &account(1), &account(2), 99),
            Ok(15),
            "capped at what is reserved"
        );
        assert_eq!(
            Balances::repatriate_reserved(ext, &account(1), &account(2), 5),
            Ok(0)
        );
        Balances::reserve(ext, &account(2), 5).unwrap();
        assert_eq!(
            Balances::repatriate_reserved(ext, &account(2), &account(9), 5),
            Err(module_error(Error::ExistentialDeposit)),
            "too little to create the receiver"
        );
        assert!(balances_events(ext).contains(&Event::ReserveRepatriated {
            from: account(1),
            to: account(2),
            amount: 25,
            destination_status: crate::BalanceStatus::Free,
        }));
        assert_eq!(TotalIssuance::get(ext), 150);
        assert_eq!(sum_of_balances(ext), 150);
    });
}

#[test]
fn force_set_balance_below_the_deposit_burns_the_dust_from_issuance() {
    let mut t = new_test_ext(&[(1, 100), (2, 100)]);
    t.execute_with(|ext| {
        let force = Call::force_set_balance {
            who: MultiAddress::Id(account(1)),
            new_free: ED - 1,
        };
        Balances::dispatch(ext, RawOrigin::Root, force).unwrap();
        assert!(!pallet_system::Pallet::<Test>::account_exists(
            ext,
            &account(1)
        ));
        assert!(balances_events(ext).contains(&Event::DustLost {
            account: account(1),
            amount: ED - 1
        }));
        assert_eq!(TotalIssuance::get(ext), 100);
        assert_eq!(sum_of_balances(ext), 100);
    });
}

#[test]
fn force_set_balance_reaping_with_reserved_burns_free_and_reserved() {
    let mut t = new_test_ext(&[(1, 100), (2, 100)]);
    t.execute_with(|ext| {
        Balances::reserve(ext, &account(1), 5).unwrap();
        Balances::set_free_balance(ext, &account(1), 2).unwrap();
        assert!(!pallet_system::Pallet::<Test>::account_exists(
            ext,
            &account(1)
        ));
        assert!(balances_events(ext).contains(&Event::DustLost {
            account: account(1),
            amount: 7
        }));
        assert_eq!(TotalIssuance::get(ext), 100);
        assert_eq!(sum_of_balances(ext), 100);
    });
}

#[test]
fn withdraw_and_slash_reaping_keep_issuance_equal_to_balances() {
    let mut t = new_test_ext(&[(1, 100), (2, 100), (3, 100)]);
    t.execute_with(|ext| {
        Balances::withdraw(ext, &account(1), 95, Existence::AllowDeath).unwrap();
        assert!(!pallet_system::Pallet::<Test>::account_exists(
            ext,
            &account(1)
        ));
        Balances::reserve(ext, &account(2), 95).unwrap();
        assert_eq!(Balances::slash_reserved(ext, &account(2), 95), Ok(95));
        assert!(!pallet_system::Pallet::<Test>::account_exists(
            ext,
            &account(2)
        ));
        assert_eq!(TotalIssuance::get(ext), 100);
        assert_eq!(sum_of_balances(ext), 100);
    });
}

#[test]
fn genesis_rejects_bad_configs() {
    let mut t = entroos_support::TestExternalities::default();
    let dup = crate::GenesisConfig {
        balances: vec![(account(1), 100), (account(1), 100)],
    };
    assert!(t.execute_with(|ext| dup.build::<Test>(ext)).is_err());
    let low = crate::GenesisConfig {
        balances: vec![(account(1), 1)],
    };
    assert!(t.execute_with(|ext| low.build::<Test>(ext)).is_err());
}

/// One operation of the issuance property test.
#[derive(Clone, Debug)]
enum Op {
    Transfer(u8, u8, u128, bool),
    SetFree(u8, u128),
    Withdraw(u8, u128),
    Deposit(u8, u128),
    Reserve(u8, u128),
    Unreserve(u8, u128),
    SlashReserved(u8, u128),
}

fn op() -> impl Strategy<Value = Op> {
    let who = 1u8..5;
    let value = 0u128..300;
    prop_oneof![
        (who.clone(), who.clone(), value.clone(), any::<bool>())
            .prop_map(|(a, b, v, k)| Op::Transfer(a, b, v, k)),
        (who.clone(), value.clone()).prop_map(|(a, v)| Op::SetFree(a, v)),
        (who.clone(), value.clone()).prop_map(|(a, v)| Op::Withdraw(a, v)),
        (who.clone(), value.clone()).prop_map(|(a, v)| Op::Deposit(a, v)),
        (who.clone(), value.clone()).prop_map(|(a, v)| Op::Reserve(a, v)),
        (who.clone(), value.clone()).prop_map(|(a, v)| Op::Unreserve(a, v)),
        (who, value).prop_map(|(a, v)| Op::SlashReserved(a, v)),
    ]
}

fn apply(ext: &mut dyn entroos_support::Externalities, op: Op) {
    let _ = match op {
        Op::Transfer(from, to, value, keep) => {
            let existence = if keep {
                Existence::KeepAlive
            } else {
                Existence::AllowDeath
            };
            Balances::transfer(ext, &account(from), &account(to), value, existence)
        }
        Op::SetFree(who, value) => Balances::set_free_balance(ext, &account(who), value),
        Op::Withdraw(who, value) => {
            Balances::withdraw(ext, &account(who), value, Existence::AllowDeath)
        }
        Op::Deposit(who, value) => Balances::deposit(ext, &account(who), value),
        Op::Reserve(who, value) => Balances::reserve(ext, &account(who), value),
        Op::Unreserve(who, value) => Balances::unreserve(ext, &account(who), value).map(drop),
        Op::SlashReserved(who, value) => {
            Balances::slash_reserved(ext, &account(who), value).map(drop)
        }
    };
}

proptest! {
    #[test]
    fn issuance_equals_sum_of_balances(ops in proptest::collection::vec((1u8..5, 1u8..5, 0u128..300, any::<bool>()), 1..40)) {
        let mut t = new_test_ext(&[(1, 1000), (2, 500), (3, 50)]);
        t.execute_with(|ext| {
            for (from, to, value, keep) in ops {
                let existence = if keep { Existence::KeepAlive } else { Existence::AllowDeath };
                let _ = Balances::transfer(ext, &account(from), &account(to), value, existence);
            }
            prop_assert_eq!(sum_of_balances(ext), TotalIssuance::get(ext));
            Ok(())
        })?;
    }

    #[test]
    fn issuance_equals_sum_of_balances_under_every_operation(ops in proptest::collection::vec(op(), 1..40)) {
        let mut t = new_test_ext(&[(1, 1000), (2, 500), (3, 50)]);
        t.execute_with(|ext| {
            for op in ops {
                apply(ext, op);
            }
            prop_assert_eq!(sum_of_balances(ext), TotalIssuance::get(ext));
            Ok(())
        })?;
    }
}
