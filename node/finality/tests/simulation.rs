//! Deterministic simulations of networks of finality voters (seeded
//! delays, losses, partitions, crashes, an equivocator; no sleeps, no wall
//! clock), at 4, 16 and 64 voters. The default runs are short; the full
//! sweep over thousands of slots and several seeds is ignored by default:
//!
//! ```sh
//! cargo test -p entroos-finality --release --test simulation -- --ignored --nocapture
//! ```

mod common;

use common::scenarios::{
    epochs, equivocator_of_four, majority_crashed, minority_crashed, partitioned, restarts,
    synchronous,
};

#[test]
fn synchronous_finality_lags_at_most_two_slots() {
    synchronous(4, 300, 1);
    synchronous(16, 60, 2);
    synchronous(64, 20, 3);
}

#[test]
fn finality_continues_with_under_a_third_crashed() {
    minority_crashed(4, 200, 4);
    minority_crashed(16, 60, 5);
    minority_crashed(64, 20, 6);
}

#[test]
fn finality_halts_with_over_a_third_crashed_and_resumes_after_restart() {
    majority_crashed(4, 120, 7);
    majority_crashed(16, 50, 8);
    majority_crashed(64, 30, 9);
}

#[test]
fn one_equivocating_voter_of_four_is_reported_and_finalizes_nothing_conflicting() {
    equivocator_of_four(300, 10, false);
    equivocator_of_four(300, 11, true);
}

#[test]
fn a_partition_without_a_supermajority_halts_finality_until_it_heals() {
    partitioned(4, 200, 12);
    partitioned(16, 60, 13);
}

#[test]
fn set_changes_hand_over_at_epoch_boundaries() {
    epochs(4, 200, 25, 14);
    epochs(16, 60, 20, 15);
}

#[test]
fn restarted_voters_never_double_vote() {
    restarts(4, 200, 16);
    restarts(16, 60, 17);
}

/// Every scenario over 2,000 slots (the equivocator over 4,000).
fn sweep(n: usize, seed: u64) {
    synchronous(n, 2_000, seed);
    minority_crashed(n, 2_000, seed);
    majority_crashed(n, 2_000, seed);
    partitioned(n, 2_000, seed);
    epochs(n, 2_000, 100, seed);
    restarts(n, 2_000, seed);
    if n == 4 {
        equivocator_of_four(4_000, seed, false);
        equivocator_of_four(4_000, seed, true);
    }
}

/// The acceptance sweep at 4 voters, three seeds.
#[test]
#[ignore = "long: run in release with --ignored"]
fn sweep_4_voters_over_thousands_of_slots() {
    (100..103).for_each(|seed| sweep(4, seed));
}

/// The acceptance sweep at 16 voters, three seeds.
#[test]
#[ignore = "long: run in release with --ignored"]
fn sweep_16_voters_over_thousands_of_slots() {
    (100..103).for_each(|seed| sweep(16, seed));
}

/// The acceptance sweep at 64 voters, one seed.
#[test]
#[ignore = "long: run in release with --ignored"]
fn sweep_64_voters_over_thousands_of_slots() {
    sweep(64, 100);
}
