//! Call weights, in picoseconds of reference time (1 µs = 1_000_000), from the
//! runtime's transfer bench on the reference 2-core machine, rounded up.
//! Signature checks are part of the extrinsic base weight, not of these.

use entroos_primitives::Weight;

/// `transfer_allow_death`, `transfer_keep_alive`, `force_transfer`.
pub const TRANSFER: Weight = Weight::from_parts(60_000_000, 3_593);
/// `transfer_all`.
pub const TRANSFER_ALL: Weight = Weight::from_parts(70_000_000, 3_593);
/// `force_set_balance`.
pub const FORCE_SET_BALANCE: Weight = Weight::from_parts(30_000_000, 3_593);
