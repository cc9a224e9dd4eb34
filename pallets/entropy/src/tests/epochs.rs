use crate::mock::*;
use crate::{
    AuthorClaim, Call, ClaimKind, CurrentEpoch, EpochSets, Error, Event, GenesisSlot, LastSlot,
    RandomnessAccumulator,
};
use entroos_support::dispatch::RawOrigin;

#[test]
fn genesis_fixes_the_first_two_epochs() {
    let mut t = new_test_ext(&[(1, 3 * BOND), (2, BOND), (3, BOND)], test_params());
    t.execute_with(|ext| {
        let zero = EpochSets::<Test>::get(ext, &0).unwrap();
        assert_eq!(EpochSets::<Test>::get(ext, &1), Some(zero.clone()));
        let order: Vec<_> = zero
            .authorities
            .as_slice()
            .iter()
            .map(|a| a.stash)
            .collect();
        assert_eq!(
            order,
            [stash(1), stash(2), stash(3)],
            "heaviest first, then by stash"
        );
        assert_eq!(
            zero.weights(),
            [3 * BOND, BOND, BOND],
            "initial scores of one"
        );
        assert_eq!(zero.total_weight, 5 * BOND);
        assert_eq!(zero.randomness, [7; 32]);
        assert_eq!(CurrentEpoch::get(ext), 0);
        assert_eq!(GenesisSlot::get(ext), None);
    });
}

#[test]
fn epochs_rotate_at_the_slot_count_with_the_set_fixed_one_epoch_ahead() {
    let mut t = new_test_ext(&[(1, BOND), (2, BOND)], test_params());
    t.execute_with(|ext| {
        next_block(ext, GENESIS_SLOT, None).unwrap();
        assert_eq!(GenesisSlot::get(ext), Some(GENESIS_SLOT));
        join(ext, &Validator::new(3), 2 * BOND);
        next_block(ext, GENESIS_SLOT + 19, None).unwrap();
        assert_eq!(CurrentEpoch::get(ext), 0, "slot 19 of a 20-slot epoch");
        next_block(ext, GENESIS_SLOT + 20, None).unwrap();
        assert_eq!(CurrentEpoch::get(ext), 1);
        let current = Entropy::current_set(ext);
        let next = Entropy::next_set(ext);
        assert_eq!(current.len(), 2, "epoch 1's set was fixed at genesis");
        assert_eq!(next.len(), 3, "the newcomer is selected for epoch 2");
        assert_eq!(next.get(0).unwrap().stash, stash(3));
        assert!(entropy_events(ext).contains(&Event::NewEpoch {
            epoch: 1,
            next_validators: 3,
            next_total_weight: next.total_weight
        }));
        // The 18 empty slots of epoch 0 were charged to 1 and 2: their
        // weight fell, the newcomer's (no duties yet) did not.
        assert_eq!(next.get(0).unwrap().weight, 2 * BOND);
        assert!(next.total_weight < 4 * BOND);
        next_block(ext, GENESIS_SLOT + 40, None).unwrap();
        assert_eq!(Entropy::current_set(ext).len(), 3);
        assert!(
            EpochSets::<Test>::get(ext, &0).is_none(),
            "only previous, current, next are kept"
        );
        assert!(EpochSets::<Test>::get(ext, &1).is_some());
    });
}

#[test]
fn a_chain_that_skipped_epochs_jumps_to_the_slots_epoch() {
    let mut t = new_test_ext(&[(1, BOND), (2, BOND)], test_params());
    t.execute_with(|ext| {
        next_block(ext, GENESIS_SLOT, None).unwrap();
        let fixed_next = Entropy::next_set(ext);
        next_block(ext, GENESIS_SLOT + 5 * 20 + 3, None).unwrap();
        assert_eq!(CurrentEpoch::get(ext), 5);
        assert_eq!(
            Entropy::current_set(ext),
            fixed_next,
            "the set fixed for epoch 1 serves"
        );
        let kept: Vec<u64> = (0..8)
            .filter(|e| EpochSets::<Test>::get(ext, e).is_some())
            .collect();
        assert_eq!(kept, [5, 6]);
    });
}

#[test]
fn blocks_contradicting_the_slot_or_set_are_refused() {
    let mut t = new_test_ext(&[(1, BOND), (2, BOND)], test_params());
    t.execute_with(|ext| {
        next_block(ext, GENESIS_SLOT + 1, None).unwrap();
        assert_eq!(
            next_block(ext, GENESIS_SLOT + 1, None),
            Err(Error::SlotNotIncreasing)
        );
        assert_eq!(
            next_block(ext, GENESIS_SLOT, None),
            Err(Error::SlotNotIncreasing)
        );
        let slot = GENESIS_SLOT + 2;
        let unknown = AuthorClaim {
            authority_index: 2,
            kind: ClaimKind::Secondary,
        };
        assert_eq!(
            next_block(ext, slot, Some(unknown)),
            Err(Error::UnknownAuthor)
        );
        let assignee = Entropy::secondary_author(ext, slot).unwrap();
        let wrong = AuthorClaim {
            authority_index: 1 - assignee,
            kind: ClaimKind::Secondary,
        };
        assert_eq!(
            next_block(ext, slot, Some(wrong)),
            Err(Error::WrongSecondaryAuthor)
        );
        let right = AuthorClaim {
            authority_index: assignee,
            kind: ClaimKind::Secondary,
        };
        next_block(ext, slot, Some(right)).unwrap();
        assert_eq!(LastSlot::get(ext), Some(slot));
        // A block without a slot digest leaves everything as it is.
        pallet_system::Pallet::<Test>::initialize(ext, 9, Default::default(), &Default::default());
        assert!(<Entropy as entroos_support::hooks::Hooks<Error>>::on_initialize(ext, 9).is_ok());
        assert_eq!(LastSlot::get(ext), Some(slot));
    });
}

fn randomness_after(vrf_outputs: &[[u8; 32]]) -> [u8; 32] {
    let mut t = new_test_ext(&[(1, BOND), (2, BOND)], test_params());
    t.execute_with(|ext| {
        for (offset, output) in (0u64..).zip(vrf_outputs) {
            let claim = AuthorClaim {
                authority_index: 0,
                kind: ClaimKind::Primary {
                    vrf_output: *output,
                },
            };
            next_block(ext, GENESIS_SLOT + offset, Some(claim)).unwrap();
        }
        assert_ne!(RandomnessAccumulator::get(ext), [0; 32]);
        block_in_epoch(ext, 1);
        assert_eq!(RandomnessAccumulator::get(ext), [0; 32], "reset each epoch");
        Entropy::next_set(ext).randomness
    })
}

#[test]
fn epoch_randomness_accumulates_primary_vrf_outputs() {
    let a = randomness_after(&[[1; 32], [2; 32]]);
    assert_eq!(a, randomness_after(&[[1; 32], [2; 32]]), "deterministic");
    assert_ne!(a, randomness_after(&[[1; 32], [3; 32]]));
    assert_ne!(a, randomness_after(&[[2; 32], [1; 32]]), "order matters");
    let expected_acc = {
        let step = |acc: [u8; 32], out: [u8; 32]| {
            entroos_primitives::hashing::blake2_256(&[acc, out].concat())
        };
        step(step([0; 32], [1; 32]), [2; 32])
    };
    assert_eq!(a, crate::randomness::derive(&[7; 32], 2, &expected_acc));
}

#[test]
fn the_set_never_empties_and_keeps_at_most_the_bound() {
    let validators: Vec<(u8, u128)> = (1..=30).map(|n| (n, BOND + u128::from(n))).collect();
    let mut t = new_test_ext(&validators, test_params());
    t.execute_with(|ext| {
        let set = Entropy::current_set(ext);
        assert_eq!(set.len(), MAX_VALIDATORS);
        assert_eq!(set.get(0).unwrap().stash, stash(30), "the heaviest");
        assert!(
            set.authorities
                .as_slice()
                .iter()
                .all(|a| a.stash != stash(1)),
            "the lightest are out"
        );
        next_block(ext, GENESIS_SLOT, None).unwrap();
        for n in 1..=30 {
            Entropy::dispatch(ext, RawOrigin::Signed(stash(n)), Call::chill {}).unwrap();
        }
        block_in_epoch(ext, 1);
        assert_eq!(
            Entropy::next_set(ext).authorities,
            set.authorities,
            "no candidate: kept"
        );
        assert_ne!(
            Entropy::next_set(ext).randomness,
            set.randomness,
            "with new randomness"
        );
    });
}

#[test]
fn secondary_slots_are_assigned_in_proportion_to_weight() {
    let mut t = new_test_ext(&[(1, 3 * BOND), (2, BOND)], test_params());
    t.execute_with(|ext| {
        let heavy = (0..20_000u64)
            .filter(|slot| Entropy::secondary_author(ext, *slot) == Some(0))
            .count() as u64;
        // Expected 15 000 of 20 000; σ = √(20 000 · ¾ · ¼) ≈ 61; 4σ = 245.
        println!(
            "secondary slots of the 3/4-weight validator: {heavy} of 20000 (expected 15000 ± 245)"
        );
        assert!(heavy.abs_diff(15_000) <= 245);
    });
}
