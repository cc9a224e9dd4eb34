//! Executor choice: distinct failure domains first, by weight, the same on
//! every node.

use crate::mock::*;
use crate::selection::{draw, Candidate};
use crate::{Jobs, Providers};
use entroos_arithmetic::FixedU128;
use entroos_primitives::H256;
use pallet_entropy::ValidatorScores;

fn candidate(n: u8, operator: &str, zone: &str, weight: u128) -> Candidate {
    Candidate {
        who: account(n),
        operator: declared(operator),
        zone: declared(zone),
        weight,
    }
}

#[test]
fn distinct_operators_and_zones_are_drawn_before_heavier_duplicates() {
    let candidates = vec![
        candidate(1, "big", "eu", 1_000_000),
        candidate(2, "big", "eu", 1_000_000),
        candidate(3, "big", "eu", 1_000_000),
        candidate(4, "small", "us", 1),
        candidate(5, "tiny", "ap", 1),
    ];
    for seed in 0..50u8 {
        let picks = draw(&candidates, 3, &H256([seed; 32])).unwrap();
        let mut zones: Vec<_> = picks.iter().map(|i| candidates[*i].zone.clone()).collect();
        zones.sort_by(|a, b| a.as_slice().cmp(b.as_slice()));
        zones.dedup();
        assert_eq!(zones.len(), 3, "seed {seed}: {picks:?}");
    }
    // A fourth executor must repeat a zone: then any zone will do.
    let picks = draw(&candidates, 4, &H256([1; 32])).unwrap();
    assert_eq!(picks.len(), 4);
    let mut sorted = picks.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 4, "distinct accounts");
}

#[test]
fn a_new_zone_is_preferred_to_a_new_operator() {
    let candidates = vec![
        candidate(1, "a", "eu", 10),
        candidate(2, "b", "eu", 1_000_000),
        candidate(3, "a", "us", 1),
    ];
    for seed in 0..20u8 {
        let picks = draw(&candidates, 2, &H256([seed; 32])).unwrap();
        if picks[0] == 0 {
            assert_eq!(picks[1], 2, "seed {seed}: same operator but another zone");
        }
    }
}

#[test]
fn draws_follow_weight_skip_zero_weight_and_need_k_candidates() {
    let candidates = vec![
        candidate(1, "a", "x", 3),
        candidate(2, "b", "y", 1),
        candidate(3, "c", "z", 0),
    ];
    let firsts: Vec<usize> = (0..=255u8)
        .map(|s| draw(&candidates, 1, &H256([s; 32])).unwrap()[0])
        .collect();
    let heavy = firsts.iter().filter(|i| **i == 0).count();
    assert!(
        (150..=230).contains(&heavy),
        "about 3/4 of 256, got {heavy}"
    );
    assert!(!firsts.contains(&2));
    assert_eq!(
        draw(&candidates, 3, &H256::default()),
        None,
        "only two of positive weight"
    );
    assert_eq!(
        draw(&candidates, 2, &H256([9; 32])),
        draw(&candidates, 2, &H256([9; 32]))
    );
}

/// Providers 10..=14: three of one operator in one zone with large bonds,
/// two alone in their zones.
fn crowded_registry(ext: &mut dyn entroos_support::Externalities) {
    for n in 10..13 {
        register(ext, n, "big", "eu-1", 100 * BOND);
    }
    register(ext, 13, "small", "us-1", BOND);
    register(ext, 14, "tiny", "ap-1", BOND);
}

#[test]
fn assignment_is_deterministic_and_spreads_replicas_over_zones() {
    let assign = || {
        let mut t = new_test_ext(test_params());
        t.execute_with(|ext| {
            let module = upload(ext, OWNER);
            crowded_registry(ext);
            let job = submit(ext, module, b"in", 3, 1_000);
            next_block(ext, None).unwrap();
            let job = Jobs::get(ext, &job).unwrap();
            let zones: Vec<Vec<u8>> = job
                .executors
                .as_slice()
                .iter()
                .map(|who| Providers::get(ext, who).unwrap().info.zone.into_inner())
                .collect();
            (job.executors.into_inner(), job.entropy_seed, zones)
        })
    };
    let (executors, seed, mut zones) = assign();
    assert_eq!(
        assign(),
        (executors.clone(), seed, zones.clone()),
        "same state, same draw"
    );
    assert_ne!(seed, H256::default());
    zones.sort();
    assert_eq!(
        zones,
        vec![b"ap-1".to_vec(), b"eu-1".to_vec(), b"us-1".to_vec()]
    );
    assert!(!executors.contains(&account(OWNER)));
}

#[test]
fn weight_is_bond_times_entropy_scores_times_execution_reliability() {
    let mut t = new_test_ext(test_params());
    t.execute_with(|ext| {
        register(ext, 10, "op", "z", BOND);
        register(ext, 11, "op", "z", BOND);
        let provider = Providers::get(ext, &account(10)).unwrap();
        // Not a validator: Entropy's initial scores (½, ½) and R_poe = ½.
        assert_eq!(Poe::provider_weight(ext, &account(10), &provider), BOND / 8);
        // A validator: its own scores.
        let scores = ValidatorScores {
            reliability: FixedU128::one(),
            entropy: fixed("0.8"),
        };
        pallet_entropy::Scores::insert(ext, &account(11), &scores);
        let provider = Providers::get(ext, &account(11)).unwrap();
        assert_eq!(
            Poe::provider_weight(ext, &account(11), &provider),
            BOND * 4 / 10
        );
    });
}
