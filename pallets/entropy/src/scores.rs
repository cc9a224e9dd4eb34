//! The score updates, as pure functions of one epoch's evidence.
//!
//! With `λ` the decay and `κ` the anti-correlation factor:
//!
//! - reliability: `R ← λ·R + (1 − λ)·done/assigned`; unchanged when
//!   nothing was assigned (no evidence).
//! - entropy: `E ← λ·E + (1 − λ)·(1 − min(1, κ·m))`, `m = Σ f / periods`,
//!   where `f` is the share of the epoch's total weight that missed a duty
//!   in a period the validator also missed one in; `E` never drops below
//!   [`MIN_ENTROPY`] (the design keeps it in `(0, 1]`).
//! - weight: `⌊E × R × stake⌋`.
//!
//! Fixed point (`FixedU128`, `10^-18`), every product rounded down, so
//! scores stay in `[0, 1]`: each update is a convex combination of values
//! in `[0, 1]` rounded down. A validator whose evidence is perfect from now
//! on recovers as `1 − S_n = λ^n·(1 − S_0)` (to within two units per epoch):
//! its distance to one shrinks by the factor λ each epoch.

use crate::params::Params;
use crate::types::{DutyRecord, ValidatorScores};
use entroos_arithmetic::FixedU128;
use entroos_primitives::Balance;

/// The lowest entropy score, `10^-6`: entropy stays positive, so a
/// validator's weight can recover once its failures stop correlating.
pub const MIN_ENTROPY: FixedU128 = FixedU128::from_inner(1_000_000_000_000);

/// The scores a validator starts with.
pub fn initial(params: &Params) -> ValidatorScores {
    ValidatorScores {
        reliability: params.initial_reliability,
        entropy: params.initial_entropy.max(MIN_ENTROPY),
    }
}

/// `done / assigned`, capped at one; `None` when nothing was assigned.
pub fn fulfilled(duties: &DutyRecord) -> Option<FixedU128> {
    let done = u128::from(duties.done.min(duties.assigned));
    FixedU128::checked_from_rational(done, u128::from(duties.assigned))
}

/// `m = Σ f / periods` (zero when no period closed).
pub fn correlated_miss_load(duties: &DutyRecord, periods: u32) -> FixedU128 {
    duties
        .miss_load
        .checked_div_int(u128::from(periods))
        .unwrap_or_default()
}

/// The independence target `1 − min(1, κ·m)`.
pub fn independence(kappa: FixedU128, miss_load: FixedU128) -> FixedU128 {
    let load = kappa.saturating_mul(miss_load).min(FixedU128::one());
    FixedU128::one().saturating_sub(load)
}

/// The scores after an epoch with these duties over `periods` periods.
pub fn update(
    scores: ValidatorScores,
    duties: &DutyRecord,
    periods: u32,
    params: &Params,
) -> ValidatorScores {
    let reliability = match fulfilled(duties) {
        Some(ratio) => scores.reliability.decay_toward(ratio, params.decay),
        None => scores.reliability,
    };
    let target = independence(params.kappa, correlated_miss_load(duties, periods));
    let entropy = scores
        .entropy
        .decay_toward(target, params.decay)
        .max(MIN_ENTROPY);
    ValidatorScores {
        reliability: reliability.min(FixedU128::one()),
        entropy: entropy.min(FixedU128::one()),
    }
}

/// `VoteWeight = ⌊E × R × stake⌋` (never overflows: both scores are at most one).
pub fn vote_weight(scores: &ValidatorScores, stake: Balance) -> u128 {
    let product = scores.entropy.saturating_mul(scores.reliability);
    product.min(FixedU128::one()).saturating_mul_int(stake)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fixed(text: &str) -> FixedU128 {
        text.parse().unwrap()
    }

    fn params() -> Params {
        Params {
            decay: fixed("0.9"),
            kappa: fixed("2"),
            ..Params::default()
        }
    }

    fn perfect() -> ValidatorScores {
        ValidatorScores {
            reliability: FixedU128::one(),
            entropy: FixedU128::one(),
        }
    }

    #[test]
    fn reliability_follows_the_share_of_duties_done() {
        let duties = DutyRecord {
            assigned: 10,
            done: 5,
            miss_load: FixedU128::zero(),
        };
        let next = update(perfect(), &duties, 5, &params());
        assert_eq!(next.reliability, fixed("0.95"));
        assert_eq!(
            next.entropy,
            FixedU128::one(),
            "no periods missed with others"
        );
        let idle = update(perfect(), &DutyRecord::default(), 5, &params());
        assert_eq!(idle.reliability, FixedU128::one(), "no evidence, no change");
    }

    #[test]
    fn entropy_follows_the_correlated_miss_load() {
        // Missed in 2 of 4 periods, 30% of the weight missing each time:
        // m = 0.6 / 4 = 0.15, target 1 − 2·0.15 = 0.7, E = 0.9 + 0.1·0.7.
        let duties = DutyRecord {
            assigned: 8,
            done: 6,
            miss_load: fixed("0.6"),
        };
        let next = update(perfect(), &duties, 4, &params());
        assert_eq!(next.entropy, fixed("0.97"));
        // κ·m above one: the target is zero.
        let heavy = DutyRecord {
            assigned: 8,
            done: 0,
            miss_load: fixed("4"),
        };
        let next = update(perfect(), &heavy, 4, &params());
        assert_eq!(next.entropy, fixed("0.9"));
        assert_eq!(next.reliability, fixed("0.9"));
    }

    #[test]
    fn entropy_never_reaches_zero() {
        let mut scores = perfect();
        let heavy = DutyRecord {
            assigned: 1,
            done: 0,
            miss_load: fixed("1"),
        };
        for _ in 0..1_000 {
            scores = update(scores, &heavy, 1, &params());
        }
        assert_eq!(scores.entropy, MIN_ENTROPY);
        assert_eq!(scores.reliability, FixedU128::zero());
    }

    #[test]
    fn weights_are_the_product_rounded_down() {
        let scores = ValidatorScores {
            reliability: fixed("0.5"),
            entropy: fixed("0.5"),
        };
        assert_eq!(vote_weight(&scores, 1_000), 250);
        assert_eq!(vote_weight(&scores, 3), 0);
        assert_eq!(vote_weight(&perfect(), u128::MAX), u128::MAX);
        assert_eq!(vote_weight(&scores, u128::MAX), u128::MAX / 4);
    }

    proptest! {
        #[test]
        fn scores_stay_in_range(
            r in 0u128..=FixedU128::DIV, e in 0u128..=FixedU128::DIV,
            assigned in 0u32..1_000, done in 0u32..2_000, load in any::<u64>(), periods in 0u32..100,
            decay in 0u128..FixedU128::DIV, kappa in 0u128..=1_000 * FixedU128::DIV,
        ) {
            let params = Params { decay: FixedU128(decay), kappa: FixedU128(kappa), ..Params::default() };
            let scores = ValidatorScores { reliability: FixedU128(r), entropy: FixedU128(e).max(MIN_ENTROPY) };
            let duties = DutyRecord { assigned, done, miss_load: FixedU128(u128::from(load)) };
            let next = update(scores, &duties, periods, &params);
            prop_assert!(next.reliability <= FixedU128::one());
            prop_assert!(next.entropy <= FixedU128::one());
            prop_assert!(next.entropy >= MIN_ENTROPY);
        }

        #[test]
        fn more_correlated_misses_never_raise_entropy(
            e in 0u128..=FixedU128::DIV, l1 in 0u64..4_000_000_000_000_000_000, l2 in 0u64..4_000_000_000_000_000_000,
        ) {
            let scores = ValidatorScores { reliability: FixedU128::one(), entropy: FixedU128(e).max(MIN_ENTROPY) };
            let light = DutyRecord { assigned: 1, done: 1, miss_load: FixedU128(u128::from(l1.min(l2))) };
            let heavy = DutyRecord { miss_load: FixedU128(u128::from(l1.max(l2))), ..light };
            let params = params();
            prop_assert!(update(scores, &heavy, 4, &params).entropy <= update(scores, &light, 4, &params).entropy);
        }
    }
}
