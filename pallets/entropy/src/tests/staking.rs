use crate::mock::*;
use crate::{
    Call, CandidateCount, Candidates, Error, Event, Keys, Ledger, Scores, UnlockChunk,
    ValidatorPrefs,
};
use entroos_primitives::dispatch::DispatchError;
use entroos_support::dispatch::RawOrigin;
use entroos_support::state::Externalities;

fn call(ext: &mut dyn Externalities, n: u8, call: Call) -> Result<(), DispatchError> {
    Entropy::dispatch(ext, RawOrigin::Signed(stash(n)), call)
}

fn err(e: Error) -> Result<(), DispatchError> {
    Err(Entropy::error(e))
}

fn reserved(ext: &dyn Externalities, n: u8) -> u128 {
    pallet_balances::Pallet::<Test>::account(ext, &stash(n)).reserved
}

#[test]
fn bonding_reserves_the_stake() {
    let mut t = new_test_ext(&[], test_params());
    t.execute_with(|ext| {
        pallet_system::Number::put(ext, &1);
        assert_eq!(
            call(ext, 1, Call::bond { value: 999 }),
            err(Error::InsufficientBond)
        );
        call(ext, 1, Call::bond { value: 5_000 }).unwrap();
        assert_eq!(
            call(ext, 1, Call::bond { value: 5_000 }),
            err(Error::AlreadyBonded)
        );
        assert_eq!(reserved(ext, 1), 5_000);
        assert_eq!(Ledger::get(ext, &stash(1)).unwrap().active, 5_000);
        call(
            ext,
            1,
            Call::bond_extra {
                max_additional: u128::MAX,
            },
        )
        .unwrap();
        assert_eq!(reserved(ext, 1), ENDOWMENT, "capped at what is free");
        assert_eq!(Ledger::get(ext, &stash(1)).unwrap().active, ENDOWMENT);
        assert_eq!(
            call(ext, 2, Call::bond_extra { max_additional: 1 }),
            err(Error::NotBonded)
        );
        assert!(
            call(ext, 101, Call::bond { value: 5_000 }).is_err(),
            "no balance"
        );
        assert!(entropy_events(ext).contains(&Event::Bonded {
            stash: stash(1),
            amount: 5_000
        }));
        let none = Entropy::dispatch(ext, RawOrigin::None, Call::bond { value: 5_000 });
        assert_eq!(none, Err(DispatchError::BadOrigin));
    });
}

#[test]
fn unbonding_keeps_the_minimum_and_unlocks_after_the_period() {
    let mut t = new_test_ext(&[], test_params());
    t.execute_with(|ext| {
        next_block(ext, GENESIS_SLOT, None).unwrap();
        call(ext, 1, Call::bond { value: 5_000 }).unwrap();
        assert_eq!(
            call(ext, 1, Call::unbond { value: 4_500 }),
            err(Error::InsufficientBond)
        );
        call(ext, 1, Call::unbond { value: 1_000 }).unwrap();
        call(ext, 1, Call::unbond { value: 500 }).unwrap();
        let ledger = Ledger::get(ext, &stash(1)).unwrap();
        assert_eq!(ledger.active, 3_500);
        assert_eq!(
            ledger.unlocking.as_slice(),
            &[UnlockChunk {
                value: 1_500,
                epoch: 3
            }],
            "merged"
        );
        assert_eq!(ledger.total(), 5_000);
        assert_eq!(reserved(ext, 1), 5_000, "unbonding stake stays reserved");
        assert_eq!(
            call(ext, 1, Call::withdraw_unbonded {}),
            err(Error::NothingToWithdraw)
        );
        block_in_epoch(ext, 2);
        assert_eq!(
            call(ext, 1, Call::withdraw_unbonded {}),
            err(Error::NothingToWithdraw)
        );
        block_in_epoch(ext, 3);
        call(ext, 1, Call::withdraw_unbonded {}).unwrap();
        assert_eq!(reserved(ext, 1), 3_500);
        assert!(entropy_events(ext).contains(&Event::Withdrawn {
            stash: stash(1),
            amount: 1_500
        }));
        assert_eq!(
            call(ext, 2, Call::unbond { value: 1 }),
            err(Error::NotBonded)
        );
    });
}

#[test]
fn unbonding_everything_chills_and_withdrawing_everything_leaves() {
    let mut t = new_test_ext(&[(1, BOND)], test_params());
    t.execute_with(|ext| {
        next_block(ext, GENESIS_SLOT, None).unwrap();
        assert!(Candidates::contains_key(ext, &stash(1)));
        call(ext, 1, Call::unbond { value: u128::MAX }).unwrap();
        assert!(!Candidates::contains_key(ext, &stash(1)));
        assert_eq!(CandidateCount::get(ext), 0);
        assert!(entropy_events(ext).contains(&Event::Chilled { stash: stash(1) }));
        assert_eq!(
            call(ext, 1, Call::unbond { value: 1 }),
            err(Error::NoActiveBond)
        );
        block_in_epoch(ext, 3);
        call(ext, 1, Call::withdraw_unbonded {}).unwrap();
        assert!(Ledger::get(ext, &stash(1)).is_none());
        assert!(Keys::get(ext, &stash(1)).is_none());
        assert!(Scores::get(ext, &stash(1)).is_none());
        assert_eq!(reserved(ext, 1), 0);
        // Its keys are free for another stash.
        let v = Validator::new(1);
        call(ext, 2, Call::bond { value: BOND }).unwrap();
        call(
            ext,
            2,
            Call::set_keys {
                keys: v.keys(),
                proof: v.key_proof(&stash(2)),
            },
        )
        .unwrap();
    });
}

#[test]
fn unlocking_chunks_are_bounded() {
    let mut t = new_test_ext(&[], test_params());
    t.execute_with(|ext| {
        next_block(ext, GENESIS_SLOT, None).unwrap();
        call(ext, 1, Call::bond { value: 100_000 }).unwrap();
        for epoch in 0..u64::from(crate::MAX_UNLOCKING_CHUNKS) {
            if epoch > 0 {
                block_in_epoch(ext, epoch);
            }
            call(ext, 1, Call::unbond { value: 1_000 }).unwrap();
        }
        block_in_epoch(ext, u64::from(crate::MAX_UNLOCKING_CHUNKS));
        assert_eq!(
            call(ext, 1, Call::unbond { value: 1_000 }),
            err(Error::NoMoreChunks)
        );
        call(ext, 1, Call::withdraw_unbonded {}).unwrap();
        call(ext, 1, Call::unbond { value: 1_000 }).unwrap();
    });
}

#[test]
fn validating_needs_a_bond_and_keys_and_is_bounded() {
    let mut t = new_test_ext(&[], test_params());
    t.execute_with(|ext| {
        pallet_system::Number::put(ext, &1);
        let prefs = ValidatorPrefs::default();
        assert_eq!(
            call(
                ext,
                1,
                Call::validate {
                    prefs: prefs.clone()
                }
            ),
            err(Error::NotBonded)
        );
        call(ext, 1, Call::bond { value: BOND }).unwrap();
        assert_eq!(
            call(
                ext,
                1,
                Call::validate {
                    prefs: prefs.clone()
                }
            ),
            err(Error::NoSessionKeys)
        );
        assert_eq!(call(ext, 1, Call::chill {}), err(Error::NotCandidate));
        for n in 1..=MAX_CANDIDATES as u8 {
            if n > 1 {
                call(ext, n, Call::bond { value: BOND }).unwrap();
            }
            let v = Validator::new(n);
            call(
                ext,
                n,
                Call::set_keys {
                    keys: v.keys(),
                    proof: v.key_proof(&stash(n)),
                },
            )
            .unwrap();
            call(
                ext,
                n,
                Call::validate {
                    prefs: prefs.clone(),
                },
            )
            .unwrap();
        }
        assert_eq!(CandidateCount::get(ext), MAX_CANDIDATES);
        call(
            ext,
            1,
            Call::validate {
                prefs: prefs.clone(),
            },
        )
        .unwrap();
        assert_eq!(
            CandidateCount::get(ext),
            MAX_CANDIDATES,
            "updating is not joining"
        );
        let extra = MAX_CANDIDATES as u8 + 1;
        let v = Validator::new(extra);
        call(ext, extra, Call::bond { value: BOND }).unwrap();
        call(
            ext,
            extra,
            Call::set_keys {
                keys: v.keys(),
                proof: v.key_proof(&stash(extra)),
            },
        )
        .unwrap();
        assert_eq!(
            call(
                ext,
                extra,
                Call::validate {
                    prefs: prefs.clone()
                }
            ),
            err(Error::TooManyCandidates)
        );
        call(ext, 1, Call::chill {}).unwrap();
        call(ext, extra, Call::validate { prefs }).unwrap();
        assert_eq!(CandidateCount::get(ext), MAX_CANDIDATES);
        assert_eq!(
            Scores::get(ext, &stash(extra)),
            Some(crate::scores::initial(&test_params()))
        );
    });
}
