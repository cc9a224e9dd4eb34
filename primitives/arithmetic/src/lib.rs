//! # EntroOS deterministic arithmetic
//!
//! The numbers consensus and the runtime agree on bit for bit: no floats,
//! no platform-dependent rounding, no panics on any input.
//!
//! - [`FixedU128`] (`value × 10^18` in a `u128`) and [`Perbill`] (parts per
//!   billion), with the metadata paths of Substrate's `sp_arithmetic`.
//! - [`mul_div`] and friends: `a × b / c` through a 256-bit intermediate.
//! - [`ln`], [`neg_ln`], [`ln_int`], [`exp_neg`], [`pow_ratio`]: computed at
//!   `10^-27` and rounded down to `10^-18` (error below `10^-24` before the
//!   final rounding, so results are the exact value rounded down, or one
//!   unit off when the exact value lies within `10^-24` of a multiple of
//!   `10^-18`).
//! - [`praos_threshold`]: `⌊(1 − (1 − c)^(w/Σw)) × (2^128 − 1)⌋`, the
//!   primary-slot bound slot authoring compares VRF outputs with.
//! - [`weighted_pick`]: an entry in proportion to its weight from a draw.
//! - [`shannon_entropy`] and [`nakamoto_coefficient`]: how spread out a
//!   weight distribution is.
//!
//! Rounding: every operation rounds toward zero unless its documentation
//! says otherwise; `checked_*` return `None` on overflow or division by
//! zero, `saturating_*` stop at the bounds. Sums of weights beyond
//! `u128::MAX` are scaled down by a common shift rather than overflowing.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::float_arithmetic
    )
)]

mod decimal;
mod diversity;
mod error;
mod exp;
mod fixed;
mod log;
mod per_things;
mod pick;
mod praos;
mod threshold;
mod weights;
mod wide;

pub use diversity::{nakamoto_coefficient, shannon_entropy};
pub use error::Error;
pub use exp::{exp_neg, pow_ratio};
pub use fixed::FixedU128;
pub use log::{ln, ln_int, neg_ln};
pub use per_things::Perbill;
pub use pick::weighted_pick;
pub use praos::praos_threshold;
pub use threshold::supermajority;
pub use wide::{mul_div, product_gt, wide_div, wide_mul};
