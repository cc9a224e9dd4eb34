//! The lottery's statistics. Keys and randomness are seeded, so every run
//! draws the same VRF outputs and prints the same figures. Tolerance: a
//! count passes when its two-sided binomial tail probability under the
//! expected rate is at least [`MIN_P_VALUE`] (about ±3.9σ where the normal
//! approximation holds; exact for the small counts of light validators).

mod common;

use common::*;
use entroos_arithmetic::{pow_ratio, FixedU128};
use entroos_consensus_slots::{claim_primary, Epoch};
use entroos_primitives::crypto::sr25519::Pair;

/// The least two-sided tail probability a count may have.
const MIN_P_VALUE: f64 = 1e-4;

/// The chance a slot has a primary author.
fn c() -> FixedU128 {
    fixed("0.25")
}

/// `1 − (1 − c)^(w/Σw)` as a float, for the report and the tolerance only
/// (the lottery itself is fixed point).
fn expected_rate(weight: u128, total: u128) -> f64 {
    let miss = FixedU128::one().saturating_sub(c());
    let no_win = pow_ratio(miss, weight, total).unwrap();
    1.0 - no_win.into_inner() as f64 / FixedU128::DIV as f64
}

/// `2 × min(P(X ≤ k), P(X ≥ k))` for `X ~ Binomial(n, p)`, `0 < p < 1`.
fn two_sided_p_value(k: u64, n: u64, p: f64) -> f64 {
    let (ln_p, ln_q) = (p.ln(), (1.0 - p).ln());
    let mut ln_pmf = n as f64 * ln_q;
    let (mut below, mut above) = (0.0, 0.0);
    for i in 0..=n {
        let pmf = ln_pmf.exp();
        if i <= k {
            below += pmf;
        }
        if i >= k {
            above += pmf;
        }
        ln_pmf += ((n - i) as f64).ln() - ((i + 1) as f64).ln() + ln_p - ln_q;
    }
    (2.0 * f64::min(below, above)).min(1.0)
}

/// Whether `count` successes in `trials` is plausible at rate `p`, and
/// its distance from the expectation in standard deviations.
fn within(count: u64, trials: u64, p: f64) -> (bool, f64) {
    let expected = p * trials as f64;
    let sigma = (trials as f64 * p * (1.0 - p)).sqrt();
    let z = (count as f64 - expected) / sigma;
    (two_sided_p_value(count, trials, p) >= MIN_P_VALUE, z)
}

/// Per slot of `epoch`'s first `slots`, which authorities win a primary claim.
fn draw(epoch: &Epoch, slots: u64) -> (u64, Vec<u64>) {
    let mut slots_won = 0;
    let mut wins = vec![0u64; epoch.authorities().len()];
    let keys: Vec<Pair> = (0..epoch.len()).map(pair).collect();
    for slot in epoch.start_slot()..epoch.start_slot() + slots {
        let mut any = false;
        for ((index, count), key) in (0u32..).zip(wins.iter_mut()).zip(&keys) {
            if claim_primary(key, epoch, slot, index).is_some() {
                *count += 1;
                any = true;
            }
        }
        slots_won += u64::from(any);
    }
    (slots_won, wins)
}

/// `n` validators weighing 1, 2, …, n over `slots` slots: the share of
/// slots with a primary claim is c, and each validator wins at its rate.
fn check_rates(n: u128, slots: u64) {
    let weights: Vec<u128> = (1..=n).collect();
    let total: u128 = weights.iter().sum();
    let epoch = epoch_with(3, 1_000, slots, c(), &weights);
    let (slots_won, wins) = draw(&epoch, slots);
    let (ok, z) = within(slots_won, slots, 0.25);
    println!(
        "{n} validators, {slots} slots: {slots_won} with a primary claim ({:.4}, expected 0.2500, z = {z:+.2})",
        slots_won as f64 / slots as f64
    );
    assert!(ok, "slots with a primary claim: z = {z}");
    let (mut worst, mut least_p_value): (f64, f64) = (0.0, 1.0);
    for ((weight, count), index) in weights.iter().zip(&wins).zip(0..) {
        let p = expected_rate(*weight, total);
        let (ok, z) = within(*count, slots, p);
        worst = worst.max(z.abs());
        least_p_value = least_p_value.min(two_sided_p_value(*count, slots, p));
        if index < 3 || index + 1 == weights.len() {
            println!(
                "  validator {index} (weight {weight}/{total}): {count} wins, rate {:.5}, expected {p:.5}, z = {z:+.2}",
                *count as f64 / slots as f64
            );
        }
        assert!(
            ok,
            "validator {index}: {count} wins in {slots}, expected rate {p}"
        );
    }
    println!(
        "  over the {n} validators: largest |z| {worst:.2}, least two-sided p-value {least_p_value:.2e}"
    );
}

#[test]
fn four_unequal_validators_win_at_their_rates() {
    check_rates(4, 4_000);
}

#[test]
fn sixteen_unequal_validators_win_at_their_rates() {
    check_rates(16, 2_000);
}

#[test]
fn sixty_four_unequal_validators_win_at_their_rates() {
    check_rates(64, 800);
}

/// The chance that at least one of the keys at `indices` may author, from
/// their thresholds (exact up to the thresholds' rounding).
fn group_chance(epoch: &Epoch, indices: &[u32]) -> f64 {
    let none = indices.iter().fold(1.0, |acc, i| {
        acc * (1.0 - epoch.threshold(*i) as f64 / u128::MAX as f64)
    });
    1.0 - none
}

/// How many of `slots` slots at least one of the keys at `indices` wins.
fn group_wins(epoch: &Epoch, indices: &[u32], slots: u64) -> u64 {
    let keys: Vec<(u32, Pair)> = indices.iter().map(|i| (*i, pair(*i))).collect();
    (epoch.start_slot()..epoch.start_slot() + slots)
        .filter(|slot| {
            keys.iter()
                .any(|(i, key)| claim_primary(key, epoch, *slot, *i).is_some())
        })
        .count() as u64
}

#[test]
fn splitting_a_weight_over_keys_does_not_raise_the_chance_of_claiming() {
    const SLOTS: u64 = 5_000;
    let others = [10u128, 20, 30, 40, 50, 60, 70, 80];
    let stake = 120u128; // a quarter of the total, 480
    let mut single = others.to_vec();
    single.push(stake);
    let mut split = others.to_vec();
    split.extend([stake / 4; 4]);
    let (single, split) = (
        epoch_with(0, 0, SLOTS, c(), &single),
        epoch_with(0, 0, SLOTS, c(), &split),
    );
    let single_keys = [8u32];
    let split_keys = [8u32, 9, 10, 11];
    let p_single = group_chance(&single, &single_keys);
    let p_split = group_chance(&split, &split_keys);
    let won_single = group_wins(&single, &single_keys, SLOTS);
    let won_split = group_wins(&split, &split_keys, SLOTS);
    println!(
        "a quarter of the weight, {SLOTS} slots: one key wins {won_single} (chance {p_single:.6}), \
         four keys win {won_split} (chance {p_split:.6}); expected {:.1}",
        expected_rate(stake, 480) * SLOTS as f64
    );
    assert!(
        p_split <= p_single + 1e-12,
        "the thresholds favour the split"
    );
    let (ok_single, z_single) = within(won_single, SLOTS, p_single);
    let (ok_split, z_split) = within(won_split, SLOTS, p_single);
    println!("  z single = {z_single:+.2}, z split = {z_split:+.2}");
    assert!(ok_single && ok_split);
    let sigma = (SLOTS as f64 * p_single * (1.0 - p_single)).sqrt();
    assert!((won_split as f64) <= won_single as f64 + 8.0 * sigma);
}
