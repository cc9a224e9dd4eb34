use crate::mock::*;
use crate::{AuthorClaim, ClaimKind, EpochSets};
use entroos_consensus_primitives::secondary_author;

#[test]
fn before_the_first_block_epoch_zero_has_no_start_and_sets_both_epochs() {
    let mut t = new_test_ext(&[(1, 3 * BOND), (2, BOND)], test_params());
    t.execute_with(|ext| {
        let current = Entropy::current_epoch(ext);
        assert_eq!(
            (current.index, current.start_slot, current.length),
            (0, None, 20)
        );
        assert_eq!(current.randomness, [7; 32]);
        assert_eq!(
            current.primary_probability,
            test_params().primary_probability
        );
        let members: Vec<_> = current
            .authorities
            .iter()
            .map(|a| (a.stash, a.vrf_key, a.weight))
            .collect();
        let keys = |n| Validator::new(n).keys().vrf;
        assert_eq!(
            members,
            [(stash(1), keys(1), 3 * BOND), (stash(2), keys(2), BOND)]
        );
        let next = Entropy::next_epoch(ext);
        assert_eq!((next.index, next.start_slot), (1, None));
        assert_eq!(next.authorities, current.authorities);
        assert_eq!(
            Entropy::authorship_set(ext, 12_345).map(|(i, s)| (i, s.len())),
            Some((0, 2)),
            "any slot may start the chain"
        );
    });
}

#[test]
fn epochs_report_their_slots_and_the_set_of_each_slot_follows_rotation() {
    let mut t = new_test_ext(&[(1, BOND), (2, BOND)], test_params());
    t.execute_with(|ext| {
        next_block(ext, GENESIS_SLOT, None).unwrap();
        let current = Entropy::current_epoch(ext);
        assert_eq!(current.start_slot, Some(GENESIS_SLOT));
        assert_eq!(Entropy::next_epoch(ext).start_slot, Some(GENESIS_SLOT + 20));
        assert_eq!(Entropy::authorship_set(ext, GENESIS_SLOT - 1), None);
        assert_eq!(
            Entropy::authorship_set(ext, GENESIS_SLOT + 19).unwrap().0,
            0
        );
        let (index, set) = Entropy::authorship_set(ext, GENESIS_SLOT + 45).unwrap();
        assert_eq!(index, 2, "a slot two epochs on");
        assert_eq!(
            set,
            EpochSets::<Test>::get(ext, &1).unwrap(),
            "the next set"
        );
        next_block(ext, GENESIS_SLOT + 45, None).unwrap();
        let current = Entropy::current_epoch(ext);
        assert_eq!(
            (current.index, current.start_slot),
            (2, Some(GENESIS_SLOT + 40))
        );
        assert_eq!(
            current.randomness, set.randomness,
            "skipped epochs keep the set"
        );
        let next = Entropy::next_epoch(ext);
        assert_eq!((next.index, next.start_slot), (3, Some(GENESIS_SLOT + 60)));
        assert_ne!(next.randomness, current.randomness);
    });
}

#[test]
fn the_secondary_assignee_of_the_reported_epoch_is_the_one_the_pallet_accepts() {
    let mut t = new_test_ext(&[(1, BOND), (2, 2 * BOND), (3, BOND)], test_params());
    t.execute_with(|ext| {
        next_block(ext, GENESIS_SLOT, None).unwrap();
        for slot in GENESIS_SLOT + 1..GENESIS_SLOT + 30 {
            let next = Entropy::next_epoch(ext);
            let epoch = if slot >= next.start_slot.unwrap() {
                next
            } else {
                Entropy::current_epoch(ext)
            };
            let weights: Vec<u128> = epoch.authorities.iter().map(|a| a.weight).collect();
            let assignee = secondary_author(&epoch.randomness, slot, &weights).unwrap();
            let claim = AuthorClaim {
                authority_index: assignee,
                kind: ClaimKind::Secondary,
            };
            next_block(ext, slot, Some(claim)).unwrap();
        }
    });
}

#[test]
fn finality_voters_are_the_current_set_with_its_finality_keys() {
    let mut t = new_test_ext(&[(1, 2 * BOND), (2, BOND)], test_params());
    t.execute_with(|ext| {
        let voters = Entropy::finality_voters(ext);
        assert_eq!(voters.set_id, 0);
        let keys: Vec<_> = voters.voters.iter().map(|v| (v.key, v.weight)).collect();
        assert_eq!(
            keys,
            [
                (Validator::new(1).keys().finality, 2 * BOND),
                (Validator::new(2).keys().finality, BOND)
            ]
        );
    });
}
