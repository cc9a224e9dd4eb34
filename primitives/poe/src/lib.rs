//! # Proof-of-execution primitives
//!
//! What the proof-of-execution ledger (`pallet-poe`), the node's off-chain
//! workers and its `poe_*` RPC must agree on, defined once for all of them:
//!
//! - [`types`]: jobs, providers, receipts and signed receipts, verdicts,
//!   proof records, statuses and the ledger's bounds, described under the
//!   pallet's metadata paths (`pallet_poe::types::…`) so clients see one
//!   set of names;
//! - [`receipt`]: the receipt scheme as pure functions — the execution
//!   proof `P = blake2_256(job_id ‖ E_s ‖ R_u ‖ output_hash)`, the
//!   commitment `blake2_256(SCALE(receipt) ‖ executor ‖ salt)`, and the
//!   executor's receipt signature;
//! - [`storage`]: the ledger's storage items, keyed like FRAME's under the
//!   prefix `Poe`, so the node reads exactly what the pallet writes;
//! - [`local`]: the executor key type and the run records an executor's
//!   node keeps in its persistent off-chain storage.
//!
//! Pure code: no I/O, no floats, no panics on input; every type that
//! crosses the chain is SCALE with a bounded length.

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

pub mod local;
pub mod receipt;
pub mod storage;
pub mod types;

pub use storage::*;
pub use types::*;

/// The ledger's storage prefix (the pallet's name in the runtime).
pub const PALLET: &str = "Poe";
