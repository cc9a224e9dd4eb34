use crate::mock::*;
use crate::{AuthorClaim, ClaimKind, Duties, DutyRecord, Error, Period, Scores};
use entroos_arithmetic::FixedU128;
use entroos_support::state::Externalities;

fn four_validators() -> entroos_support::state::TestExternalities {
    new_test_ext(&[(1, BOND), (2, BOND), (3, BOND), (4, BOND)], test_params())
}

fn duties(ext: &dyn Externalities) -> Vec<DutyRecord> {
    (0..Entropy::current_set(ext).len())
        .map(|i| Duties::get(ext, &i))
        .collect()
}

fn secondary(ext: &dyn Externalities, slot: u64) -> AuthorClaim {
    let index = Entropy::secondary_author(ext, slot).unwrap();
    AuthorClaim {
        authority_index: index,
        kind: ClaimKind::Secondary,
    }
}

#[test]
fn empty_slots_are_charged_to_their_assignees_and_authored_ones_credited() {
    let mut t = four_validators();
    t.execute_with(|ext| {
        let first = secondary(ext, GENESIS_SLOT);
        next_block(ext, GENESIS_SLOT, Some(first)).unwrap();
        let mut expected = vec![DutyRecord::default(); 4];
        let credit = |expected: &mut Vec<DutyRecord>, index: u32, done: bool| {
            let record = &mut expected[index as usize];
            record.assigned += 1;
            record.done += u32::from(done);
        };
        credit(&mut expected, first.authority_index, true);
        let skipped: Vec<u32> = (1..3)
            .map(|o| Entropy::secondary_author(ext, GENESIS_SLOT + o).unwrap())
            .collect();
        let third = secondary(ext, GENESIS_SLOT + 3);
        next_block(ext, GENESIS_SLOT + 3, Some(third)).unwrap();
        for index in skipped {
            credit(&mut expected, index, false);
        }
        credit(&mut expected, third.authority_index, true);
        assert_eq!(duties(ext), expected);
    });
}

#[test]
fn a_primary_block_relieves_the_assignee() {
    let mut t = four_validators();
    t.execute_with(|ext| {
        let claim = AuthorClaim {
            authority_index: 3,
            kind: ClaimKind::Primary {
                vrf_output: [9; 32],
            },
        };
        next_block(ext, GENESIS_SLOT, Some(claim)).unwrap();
        assert_eq!(duties(ext), vec![DutyRecord::default(); 4]);
    });
}

#[test]
fn precommits_are_duties_of_every_member() {
    let mut t = four_validators();
    t.execute_with(|ext| {
        next_block(ext, GENESIS_SLOT, None).unwrap();
        let keys: Vec<[u8; 32]> = (1..=4).map(|n| Validator::new(n).keys().finality).collect();
        let set = Entropy::current_set(ext);
        let index_of = |n: u8| {
            (0..4u32)
                .find(|i| set.get(*i).unwrap().stash == stash(n))
                .unwrap()
        };
        Entropy::note_precommits(ext, &[keys[0], keys[1], keys[1]]).unwrap();
        let records = duties(ext);
        assert_eq!(records[index_of(1) as usize].done, 1);
        assert_eq!(
            records[index_of(2) as usize].done,
            1,
            "a duplicate counts once"
        );
        assert_eq!(
            records[index_of(3) as usize],
            DutyRecord {
                assigned: 1,
                done: 0,
                miss_load: FixedU128::zero()
            }
        );
        let mut missed = Period::<Test>::get(ext).missed.into_inner();
        missed.sort();
        let mut expected = vec![index_of(3), index_of(4)];
        expected.sort();
        assert_eq!(missed, expected);
        let outsider = Validator::new(77).keys().finality;
        assert_eq!(
            Entropy::note_precommits(ext, &[keys[0], outsider]),
            Err(Entropy::error(Error::UnknownVoter))
        );
        assert_eq!(
            duties(ext),
            records,
            "nothing recorded for a refused justification"
        );
    });
}

#[test]
fn a_closed_period_charges_the_share_of_weight_that_missed_with_them() {
    let mut t = four_validators();
    t.execute_with(|ext| {
        next_block(ext, GENESIS_SLOT, None).unwrap();
        let keys: Vec<[u8; 32]> = (1..=4).map(|n| Validator::new(n).keys().finality).collect();
        Entropy::note_precommits(ext, &keys[..2]).unwrap();
        // The next period starts at offset 4: the first closes. Slots 1..=3
        // were empty and their assignees missed too.
        let missed_in_gap: std::collections::BTreeSet<u32> = (1..4)
            .map(|o| Entropy::secondary_author(ext, GENESIS_SLOT + o).unwrap())
            .collect();
        next_block(ext, GENESIS_SLOT + 4, None).unwrap();
        let set = Entropy::current_set(ext);
        let mut missed: std::collections::BTreeSet<u32> = missed_in_gap;
        for n in [3u8, 4] {
            missed.insert(
                (0..4u32)
                    .find(|i| set.get(*i).unwrap().stash == stash(n))
                    .unwrap(),
            );
        }
        let share = FixedU128::checked_from_rational(missed.len() as u128, 4).unwrap();
        for (index, record) in (0u32..).zip(duties(ext)) {
            let expected = if missed.contains(&index) {
                share
            } else {
                FixedU128::zero()
            };
            assert_eq!(record.miss_load, expected, "member {index}");
        }
        assert_eq!(Period::<Test>::get(ext).closed, 1);
        assert_eq!(Period::<Test>::get(ext).index, 1);
    });
}

#[test]
fn the_epoch_end_scores_the_duties_and_clears_them() {
    // One four-slot period per epoch, so the whole epoch is one slot
    // period, then the heartbeat period.
    let params = crate::Params {
        epoch_length: 4,
        duty_period: 4,
        ..test_params()
    };
    let mut t = new_test_ext(&[(1, BOND), (2, BOND), (3, BOND), (4, BOND)], params);
    t.execute_with(|ext| {
        next_block(ext, GENESIS_SLOT, None).unwrap();
        let set = Entropy::current_set(ext);
        let index_of = |n: u8| {
            (0..4u32)
                .find(|i| set.get(*i).unwrap().stash == stash(n))
                .unwrap()
        };
        let voters: Vec<[u8; 32]> = (1..=3).map(|n| Validator::new(n).keys().finality).collect();
        Entropy::note_precommits(ext, &voters).unwrap();
        let mut expected = vec![
            DutyRecord {
                assigned: 1,
                done: 1,
                miss_load: FixedU128::zero()
            };
            4
        ];
        expected[index_of(4) as usize].done = 0;
        let mut missed = std::collections::BTreeSet::from([index_of(4)]);
        for offset in 1..4 {
            let assignee = Entropy::secondary_author(ext, GENESIS_SLOT + offset).unwrap();
            expected[assignee as usize].assigned += 1;
            missed.insert(assignee);
        }
        let share = FixedU128::checked_from_rational(missed.len() as u128, 4).unwrap();
        for index in &missed {
            expected[*index as usize].miss_load = share;
        }
        // Members 1 to 3 send their heartbeats; 4 alone misses its own.
        super::sim::send_heartbeats(ext, 1, &|who| *who == stash(4));
        for (index, record) in (0u32..).zip(expected.iter_mut()) {
            record.assigned += 1;
            if index == index_of(4) {
                record.miss_load = record
                    .miss_load
                    .saturating_add(FixedU128::checked_from_rational(1, 4).unwrap());
            } else {
                record.done += 1;
            }
        }
        next_block(ext, GENESIS_SLOT + 4, None).unwrap();
        assert_eq!(crate::CurrentEpoch::get(ext), 1);
        for (index, record) in (0u32..).zip(&expected) {
            let stash = set.get(index).unwrap().stash;
            let scores = Scores::get(ext, &stash).unwrap();
            let initial = crate::scores::initial(&params);
            assert_eq!(
                scores,
                crate::scores::update(initial, record, 2, &params),
                "member {index}"
            );
        }
        assert!(Scores::get(ext, &stash(4)).unwrap().reliability < FixedU128::one());
        assert_eq!(
            duties(ext),
            vec![DutyRecord::default(); 4],
            "cleared for the new epoch"
        );
        assert!(
            (0..4).all(|i| !Entropy::heartbeat_received(ext, i)),
            "heartbeats are forgotten with their epoch"
        );
    });
}
