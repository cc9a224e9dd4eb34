//! Weight v2: computation time (picoseconds) and proof size (bytes).

use codec::{Decode, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};

pub use crate::RuntimeDbWeight;

/// `sp_weights::weight_v2::Weight`, both parts compact-encoded.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Encode,
    Decode,
    MaxEncodedLen,
    TypeInfo,
    Serialize,
    Deserialize,
)]
#[scale_info(
    replace_segment("entroos_primitives", "sp_weights"),
    replace_segment("weights", "weight_v2")
)]
#[serde(rename_all = "camelCase")]
pub struct Weight {
    /// Computation time, in picoseconds.
    #[codec(compact)]
    pub ref_time: u64,
    /// Proof size, in bytes.
    #[codec(compact)]
    pub proof_size: u64,
}

impl Weight {
    /// No weight.
    pub const ZERO: Weight = Weight {
        ref_time: 0,
        proof_size: 0,
    };

    /// A weight of `ref_time` picoseconds and `proof_size` bytes.
    pub const fn from_parts(ref_time: u64, proof_size: u64) -> Self {
        Weight {
            ref_time,
            proof_size,
        }
    }

    /// Component-wise saturating sum.
    pub const fn saturating_add(self, other: Weight) -> Weight {
        Weight {
            ref_time: self.ref_time.saturating_add(other.ref_time),
            proof_size: self.proof_size.saturating_add(other.proof_size),
        }
    }

    /// Component-wise checked sum.
    pub fn checked_add(self, other: Weight) -> Option<Weight> {
        Some(Weight {
            ref_time: self.ref_time.checked_add(other.ref_time)?,
            proof_size: self.proof_size.checked_add(other.proof_size)?,
        })
    }

    /// Whether either component exceeds `limit`'s.
    pub fn any_gt(self, limit: Weight) -> bool {
        self.ref_time > limit.ref_time || self.proof_size > limit.proof_size
    }
}

/// The database weights calls are weighed with: 25 µs a read, 100 µs a
/// write (RocksDB on the reference 2-core machine), in picoseconds.
pub const REFERENCE_DB_WEIGHT: RuntimeDbWeight = RuntimeDbWeight {
    read: 25_000_000,
    write: 100_000_000,
};

/// `compute_us` microseconds of computation plus `reads` reads and
/// `writes` writes at [`REFERENCE_DB_WEIGHT`]: how pallets write their
/// call weights from their benches' figures.
pub const fn reference_weight(compute_us: u64, reads: u64, writes: u64) -> Weight {
    let compute = compute_us.saturating_mul(1_000_000);
    let db = REFERENCE_DB_WEIGHT.reads_writes(reads, writes);
    Weight::from_parts(compute.saturating_add(db.ref_time), 0)
}

impl RuntimeDbWeight {
    /// The weight of `reads` reads and `writes` writes.
    pub const fn reads_writes(&self, reads: u64, writes: u64) -> Weight {
        Weight::from_parts(
            self.read
                .saturating_mul(reads)
                .saturating_add(self.write.saturating_mul(writes)),
            0,
        )
    }
}
