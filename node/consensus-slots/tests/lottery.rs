//! The lottery's statistics. Keys and randomness are seeded, so every run
//! draws the same VRF outputs and prints the same figures. Rates are
//! integers in parts per billion and every check is integer arithmetic.
//! Tolerance: a count passes when it lies within [`Z_BOUND`] standard
//! deviations of its expectation, plus one count for the discreteness of
//! the small counts of light validators.

mod common;

use common::*;
use entroos_arithmetic::{pow_ratio, FixedU128};
use entroos_consensus_slots::{claim_primary, Epoch};
use entroos_primitives::crypto::sr25519::Pair;

/// The denominator of rates: parts per billion.
const PPB: u128 = 1_000_000_000;
/// How many standard deviations a count may stray.
const Z_BOUND: u128 = 4;

/// The chance a slot has a primary author.
fn c() -> FixedU128 {
    fixed("0.25")
}

/// A `FixedU128` probability in parts per billion (rounded down).
fn ppb(probability: FixedU128) -> u128 {
    probability.into_inner() / (FixedU128::DIV / PPB)
}

/// `1 − (1 − c)^(w/Σw)`, the rate a validator of weight `w` wins at.
fn expected_rate(weight: u128, total: u128) -> FixedU128 {
    let miss = FixedU128::one().saturating_sub(c());
    let no_win = pow_ratio(miss, weight, total).unwrap();
    FixedU128::one().saturating_sub(no_win)
}

/// The integer square root (floor).
fn isqrt(n: u128) -> u128 {
    if n < 2 {
        return n;
    }
    let mut x = n;
    let mut y = x.div_ceil(2);
    while y < x {
        x = y;
        y = (x + n / x) / 2;
    }
    x
}

/// A count's distance from its expectation: whether it is within the
/// tolerance, and z × 100 (signed) for the report.
fn within(count: u64, trials: u64, rate_ppb: u128) -> (bool, i128) {
    let (count, trials) = (u128::from(count), u128::from(trials));
    let observed = count * PPB;
    let expected = trials * rate_ppb;
    let deviation = observed.abs_diff(expected);
    let sigma = isqrt(trials * rate_ppb * (PPB - rate_ppb)).max(1);
    let ok = deviation <= Z_BOUND * sigma + PPB;
    let z = i128::try_from(deviation * 100 / sigma).unwrap();
    (ok, if observed < expected { -z } else { z })
}

/// `z × 100` as `±z.zz`.
fn show_z(z100: i128) -> String {
    let sign = if z100 < 0 { '-' } else { '+' };
    format!(
        "{sign}{}.{:02}",
        z100.unsigned_abs() / 100,
        z100.unsigned_abs() % 100
    )
}

/// `numerator / denominator` to six decimals.
fn show_ratio(numerator: u128, denominator: u128) -> String {
    let millionths = numerator * 1_000_000 / denominator;
    format!("{}.{:06}", millionths / 1_000_000, millionths % 1_000_000)
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
    let (ok, z) = within(slots_won, slots, ppb(c()));
    println!(
        "{n} validators, {slots} slots: {slots_won} with a primary claim ({}, expected 0.250000, z = {})",
        show_ratio(u128::from(slots_won), u128::from(slots)),
        show_z(z)
    );
    assert!(ok, "slots with a primary claim: z = {}", show_z(z));
    let mut worst = 0;
    for ((weight, count), index) in weights.iter().zip(&wins).zip(0..) {
        let rate = ppb(expected_rate(*weight, total));
        let (ok, z) = within(*count, slots, rate);
        worst = worst.max(z.unsigned_abs());
        if index < 3 || index + 1 == weights.len() {
            println!(
                "  validator {index} (weight {weight}/{total}): {count} wins, rate {}, expected {}, z = {}",
                show_ratio(u128::from(*count), u128::from(slots)),
                show_ratio(rate, PPB),
                show_z(z)
            );
        }
        assert!(
            ok,
            "validator {index}: {count} wins in {slots}, expected rate {rate} ppb"
        );
    }
    println!(
        "  over the {n} validators: largest |z| {}",
        show_z(i128::try_from(worst).unwrap())
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
/// their thresholds (exact up to the thresholds' and the product's rounding).
fn group_chance(epoch: &Epoch, indices: &[u32]) -> FixedU128 {
    let none = indices.iter().fold(FixedU128::one(), |acc, i| {
        let below = (u128::MAX - epoch.threshold(*i)) >> 64;
        let miss = FixedU128::from_inner((below * FixedU128::DIV) >> 64);
        acc.saturating_mul(miss)
    });
    FixedU128::one().saturating_sub(none)
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
    let expected_tenths = u128::from(SLOTS) * ppb(expected_rate(stake, 480)) * 10 / PPB;
    println!(
        "a quarter of the weight, {SLOTS} slots: one key wins {won_single} (chance {}), \
         four keys win {won_split} (chance {}); expected {}.{}",
        show_ratio(ppb(p_single), PPB),
        show_ratio(ppb(p_split), PPB),
        expected_tenths / 10,
        expected_tenths % 10
    );
    // 10^-12 of slack for the rounding of the thresholds and the product.
    let slack = FixedU128::from_inner(1_000_000);
    assert!(
        p_split <= p_single.saturating_add(slack),
        "the thresholds favour the split"
    );
    let rate = ppb(p_single);
    let (ok_single, z_single) = within(won_single, SLOTS, rate);
    let (ok_split, z_split) = within(won_split, SLOTS, rate);
    println!(
        "  z single = {}, z split = {}",
        show_z(z_single),
        show_z(z_split)
    );
    assert!(ok_single && ok_split);
    let sigma = isqrt(u128::from(SLOTS) * rate * (PPB - rate));
    assert!(u128::from(won_split) * PPB <= u128::from(won_single) * PPB + 8 * sigma);
}
