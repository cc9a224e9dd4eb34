//! The weight properties of the model, on the pallet driven slot by slot.

use super::sim::{all_online, Sim};
use crate::mock::*;
use crate::{CurrentEpoch, Params, ValidatorScores};
use entroos_arithmetic::{mul_div, pow_ratio, praos_threshold, FixedU128};
use entroos_primitives::{AccountId32, Balance};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeSet;

fn loss(score: FixedU128) -> FixedU128 {
    FixedU128::one().saturating_sub(score)
}

/// Runs epoch 0 of a 20-validator chain with `down` offline throughout,
/// and returns everyone's scores after it.
fn one_epoch_with(down: &[u8]) -> Vec<ValidatorScores> {
    let validators: Vec<(u8, Balance)> = (1..=20).map(|n| (n, BOND)).collect();
    let mut sim = Sim::new(&validators, test_params());
    let down: BTreeSet<AccountId32> = down.iter().map(|n| stash(*n)).collect();
    sim.run_to_epoch(1, &|who, _| down.contains(who));
    (1..=20).map(|n| sim.scores(n)).collect()
}

#[test]
fn a_validator_failing_alone_loses_reliability_and_barely_any_entropy() {
    let scores = one_epoch_with(&[1]);
    let failed = scores[0];
    println!(
        "alone: R {} (loss {}), E {} (loss {})",
        failed.reliability,
        loss(failed.reliability),
        failed.entropy,
        loss(failed.entropy)
    );
    // Nothing done: R = λ·1 + (1 − λ)·0.
    assert_eq!(failed.reliability, fixed("0.9"));
    // It alone (1/20 of the weight) missed: m ≤ 0.05, E ≥ 1 − 0.1·κ·0.05.
    assert!(failed.entropy >= fixed("0.99") && failed.entropy < FixedU128::one());
    assert!(
        loss(failed.entropy).saturating_mul(FixedU128::from_u32(5)) < loss(failed.reliability),
        "the entropy loss is under a fifth of the reliability loss"
    );
    for healthy in &scores[1..] {
        assert_eq!(
            *healthy,
            ValidatorScores {
                reliability: FixedU128::one(),
                entropy: FixedU128::one()
            }
        );
    }
}

#[test]
fn validators_failing_together_lose_more_entropy_than_one_failing_alone() {
    let alone = one_epoch_with(&[1])[0];
    let together = one_epoch_with(&[1, 2, 3]);
    println!(
        "alone: E loss {}; together: E losses {} {} {}",
        loss(alone.entropy),
        loss(together[0].entropy),
        loss(together[1].entropy),
        loss(together[2].entropy)
    );
    assert_eq!(together[0], together[1]);
    assert_eq!(together[1], together[2]);
    assert_eq!(
        together[0].reliability, alone.reliability,
        "the same duties were missed"
    );
    // Three times the weight missed in the same periods: about three times the loss.
    let twice_alone = loss(alone.entropy).saturating_mul(FixedU128::from_u32(2));
    assert!(loss(together[0].entropy) > twice_alone);
    for healthy in &together[3..] {
        assert_eq!(healthy.entropy, FixedU128::one());
    }
}

/// What one scenario of the splitting test measured.
#[derive(Debug, Default)]
struct Measured {
    /// Σ over epochs of the group's share of the total weight.
    weight_share: FixedU128,
    /// Σ over simulated slots of P(some key of the group wins the primary
    /// slot), from the epoch's thresholds.
    expected_slots: FixedU128,
    /// Σ over simulated slots of P·(1 − P): the variance of the count.
    variance: FixedU128,
    /// Simulated slots in which some key's seeded draw was below its threshold.
    simulated_slots: u64,
}

/// `1 − Π(1 − t_i / 2^128)` as a fixed-point probability.
fn any_key_wins(thresholds: &[u128]) -> FixedU128 {
    let none = thresholds.iter().fold(u128::MAX, |acc, t| {
        mul_div(acc, u128::MAX - t, u128::MAX).unwrap()
    });
    FixedU128::checked_from_rational(u128::MAX - none, u128::MAX).unwrap()
}

const SPLIT_EPOCHS: u64 = 14;
const MEASURED_FROM: u64 = 2;
/// Seeded primary-slot draws per measured epoch (each slot: one draw per key).
const TRIALS_PER_EPOCH: u32 = 20_000;

/// A chain of 16 single validators and a group holding a fifth of the stake
/// as `keys` validators, offline together in the second period of every
/// epoch; the group's weight and primary slots over the epochs.
fn split_scenario(keys: u8) -> Measured {
    let group: Vec<u8> = (1..=keys).collect();
    let group_bond = 4 * BOND / Balance::from(keys);
    let mut validators: Vec<(u8, Balance)> = group.iter().map(|n| (*n, group_bond)).collect();
    validators.extend((10..26).map(|n| (n, BOND)));
    let params = Params {
        epoch_length: 40,
        duty_period: 8,
        ..test_params()
    };
    let mut sim = Sim::new(&validators, params);
    let members: BTreeSet<AccountId32> = group.iter().map(|n| stash(*n)).collect();
    let offline = move |who: &AccountId32, slot: u64| {
        let offset = (slot - super::sim::FIRST_SLOT) % params.epoch_length;
        members.contains(who) && (8..16).contains(&offset)
    };
    let mut rng = StdRng::seed_from_u64(0x5eed);
    let mut measured = Measured::default();
    for epoch in 1..=SPLIT_EPOCHS {
        sim.run_to_epoch(epoch, &offline);
        if epoch < MEASURED_FROM {
            continue;
        }
        let set = sim.t.execute_with(|ext| {
            assert_eq!(CurrentEpoch::get(ext), epoch);
            Entropy::current_set(ext)
        });
        let in_group: Vec<u128> = set
            .authorities
            .as_slice()
            .iter()
            .filter(|a| group.iter().any(|n| stash(*n) == a.stash))
            .map(|a| a.weight)
            .collect();
        assert_eq!(
            in_group.len(),
            usize::from(keys),
            "every key stays in the set"
        );
        let group_weight: u128 = in_group.iter().sum();
        let share = FixedU128::checked_from_rational(group_weight, set.total_weight).unwrap();
        measured.weight_share = measured.weight_share.saturating_add(share);
        let c = params.primary_probability;
        let thresholds: Vec<u128> = in_group
            .iter()
            .map(|w| praos_threshold(c, *w, set.total_weight))
            .collect();
        let p = any_key_wins(&thresholds);
        let slots = u128::from(TRIALS_PER_EPOCH);
        measured.expected_slots = measured
            .expected_slots
            .saturating_add(FixedU128(p.0 * slots));
        let pq = p.saturating_mul(FixedU128::one().saturating_sub(p));
        measured.variance = measured.variance.saturating_add(FixedU128(pq.0 * slots));
        for _ in 0..TRIALS_PER_EPOCH {
            if thresholds.iter().any(|t| rng.gen::<u128>() < *t) {
                measured.simulated_slots += 1;
            }
        }
    }
    measured
}

#[test]
fn splitting_stake_over_keys_that_fail_together_gains_nothing() {
    let one = split_scenario(1);
    let four = split_scenario(4);
    let epochs = u128::from(SPLIT_EPOCHS - MEASURED_FROM + 1);
    let mean = |sum: FixedU128| sum.checked_div_int(epochs).unwrap();
    // The two differ only through which slots each key happens to be
    // assigned (a few slots per epoch): 2% on the weight share.
    let share_tolerance = mean(one.weight_share).saturating_mul(fixed("0.02"));
    let slots_tolerance = one.expected_slots.saturating_mul(fixed("0.02"));
    // Simulated counts: 4 standard deviations of the difference of two
    // independent counts, and of each count from its expectation.
    let sigma4 = |variance: FixedU128| 4 * (variance.into_inner() / FixedU128::DIV).isqrt().max(1);
    let difference_tolerance = sigma4(one.variance.saturating_add(four.variance));
    println!(
        "finality weight share per epoch: one key {}, four keys {} (tolerance {})",
        mean(one.weight_share),
        mean(four.weight_share),
        share_tolerance
    );
    println!(
        "expected primary slots over {} simulated slots: one key {}, four keys {} (tolerance {})",
        epochs * u128::from(TRIALS_PER_EPOCH),
        one.expected_slots,
        four.expected_slots,
        slots_tolerance
    );
    println!(
        "simulated primary slots (seed 0x5eed): one key {}, four keys {} (tolerance ±{})",
        one.simulated_slots, four.simulated_slots, difference_tolerance
    );
    assert!(mean(four.weight_share) <= mean(one.weight_share).saturating_add(share_tolerance));
    assert!(mean(one.weight_share) <= mean(four.weight_share).saturating_add(share_tolerance));
    assert!(four.expected_slots <= one.expected_slots.saturating_add(slots_tolerance));
    assert!(one.expected_slots <= four.expected_slots.saturating_add(slots_tolerance));
    assert!(u128::from(four.simulated_slots.abs_diff(one.simulated_slots)) <= difference_tolerance);
    for measured in [&one, &four] {
        let expected = measured.expected_slots.into_inner() / FixedU128::DIV;
        let off = u128::from(measured.simulated_slots).abs_diff(expected);
        assert!(
            off <= sigma4(measured.variance),
            "the simulation agrees with the thresholds"
        );
    }
}

#[test]
fn splitting_exactly_equal_scores_never_adds_weight() {
    // With identical behaviour from genesis on, the keys' scores equal the
    // single key's and the sum of rounded-down weights is at most its weight.
    let weight_of = |keys: u8| {
        let bond = 4 * BOND / Balance::from(keys);
        let mut validators: Vec<(u8, Balance)> = (1..=keys).map(|n| (n, bond)).collect();
        validators.extend((10..26).map(|n| (n, BOND)));
        let mut sim = Sim::new(&validators, test_params());
        sim.run_to_epoch(2, &all_online);
        sim.t.execute_with(|ext| {
            (1..=keys)
                .map(|n| Entropy::candidate_weight(ext, &stash(n)))
                .sum::<u128>()
        })
    };
    let (one, three, four) = (weight_of(1), weight_of(3), weight_of(4));
    println!("weight of 4·BOND as one key {one}, three keys {three}, four keys {four}");
    assert!(three <= one && four <= one);
    assert!(
        one - three <= 3 && one - four <= 4,
        "only rounding separates them"
    );
}

#[test]
fn decay_brings_a_recovered_validator_back_at_the_documented_rate() {
    let validators: Vec<(u8, Balance)> = (1..=10).map(|n| (n, BOND)).collect();
    let params = test_params();
    let mut sim = Sim::new(&validators, params);
    let start_of_recovery = sim.epoch_start(2);
    let offline = move |who: &AccountId32, slot: u64| *who == stash(1) && slot < start_of_recovery;
    sim.run_to_epoch(2, &offline);
    let failed = sim.scores(1);
    assert_eq!(
        failed.reliability,
        fixed("0.81"),
        "two epochs with nothing done"
    );
    println!(
        "epoch  R (pallet)            R (1-(1-R0)λ^n)       E (pallet)            E (1-(1-E0)λ^n)"
    );
    for n in 1..=8u64 {
        sim.run_to_epoch(2 + n, &offline);
        let scores = sim.scores(1);
        let factor = pow_ratio(params.decay, u128::from(n), 1).unwrap();
        let expected =
            |start: FixedU128| FixedU128::one().saturating_sub(loss(start).saturating_mul(factor));
        let (r, e) = (expected(failed.reliability), expected(failed.entropy));
        println!(
            "{:>5}  {:<20}  {:<20}  {:<20}  {:<20}",
            2 + n,
            scores.reliability.to_string(),
            r.to_string(),
            scores.entropy.to_string(),
            e.to_string()
        );
        // Each epoch rounds two products down: at most two units per epoch.
        let tolerance = 2 * u128::from(n) + 2;
        assert!(scores.reliability.into_inner().abs_diff(r.into_inner()) <= tolerance);
        assert!(scores.entropy.into_inner().abs_diff(e.into_inner()) <= tolerance);
    }
}
