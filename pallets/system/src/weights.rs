//! Call weights. Times are in picoseconds (1 µs = 1_000_000), from the
//! runtime's criterion benches on the reference 2-core machine, rounded up;
//! database access is charged separately through `RuntimeDbWeight`.

use entroos_primitives::Weight;

/// `remark` and `remark_with_event`: hashing cost per byte on top of a base.
pub fn remark(len: u32) -> Weight {
    Weight::from_parts(
        2_000_000u64.saturating_add(u64::from(len).saturating_mul(1_000)),
        0,
    )
}

/// `set_storage`, `kill_storage`: per item.
pub fn storage_items(items: u32) -> Weight {
    Weight::from_parts(
        u64::from(items).saturating_mul(entroos_primitives::weights::REFERENCE_DB_WEIGHT.read),
        0,
    )
}
