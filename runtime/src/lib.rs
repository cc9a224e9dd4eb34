//! # EntroOS runtime
//!
//! The pallets composed into one state-transition function, reached by the
//! node only through [`api::call`]: SCALE in, SCALE out, under Substrate's
//! runtime API names (`Core_version`, `BlockBuilder_apply_extrinsic`, …), so
//! that the node and `state_call` use one path. Clients read it through
//! [`metadata`]: V14 by default, V15 (which adds the runtime APIs and the
//! outer enums) on request.
//!
//! | index | pallet |
//! |---|---|
//! | 0 | System |
//! | 1 | Timestamp |
//! | 2 | Entropy |
//! | 4 | Balances |
//! | 5 | TransactionPayment |
//! | 6 | Poe |
//!
//! Index 3 is kept for a finality pallet. Poe is the proof-of-execution
//! ledger; when a disputed job must be re-executed, its block hook calls
//! the node's job engine, which the node lends to every runtime call
//! ([`api::Extensions::jobs`]). Its off-chain worker runs the jobs
//! assigned to the node's executor keys on the same engine and submits
//! their commitments and signed receipts ([`offchain`]). Entropy holds the validators,
//! their bonds, keys and weights, and the epochs: it reads each block's
//! slot and claim from the `entr` pre-runtime digest (`PreDigest`), which
//! block import has verified (VRF proof, threshold or secondary
//! assignment, seal) before executing the block.
//!
//! Invariants: execution is deterministic (state, block and inherent data in;
//! state changes and a header out); a block's state and extrinsics roots are
//! checked against its header; a block whose slot does not follow its
//! parent's, or whose claim names an authority outside the epoch's set or
//! a secondary author other than the slot's assignee, is invalid; a failed read of the state underneath is a
//! [`RuntimeError::Storage`], never a missing value; an extrinsic that fails validity changes no
//! state; one whose call fails pays its fee and has its call's changes
//! rolled back.

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

pub mod api;
mod checks;
mod config;
pub mod constants;
mod error;
pub mod executive;
pub mod genesis;
pub mod inherents;
pub mod metadata;
pub mod offchain;
mod outer;
pub mod session_keys;
pub mod testing;
pub mod unsigned;

pub use config::{version, SPEC_VERSION, TRANSACTION_VERSION};
pub use error::{BlockError, RuntimeError};

use codec::{Decode, Encode};
use scale_info::TypeInfo;

/// Every call of every pallet; the variant index is the pallet index.
/// (Defined here so that its metadata path is `entroos_runtime::RuntimeCall`.)
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum RuntimeCall {
    /// System's calls.
    #[codec(index = 0)]
    System(pallet_system::Call),
    /// Timestamp's calls.
    #[codec(index = 1)]
    Timestamp(pallet_timestamp::Call),
    /// Entropy's calls.
    #[codec(index = 2)]
    Entropy(pallet_entropy::Call),
    /// Balances' calls.
    #[codec(index = 4)]
    Balances(pallet_balances::Call),
    /// Poe's calls.
    #[codec(index = 6)]
    Poe(pallet_poe::Call),
}

/// Every event of every pallet; the variant index is the pallet index.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum RuntimeEvent {
    /// System's events.
    #[codec(index = 0)]
    System(pallet_system::Event),
    /// Entropy's events.
    #[codec(index = 2)]
    Entropy(pallet_entropy::Event),
    /// Balances' events.
    #[codec(index = 4)]
    Balances(pallet_balances::Event),
    /// TransactionPayment's events.
    #[codec(index = 5)]
    TransactionPayment(pallet_transaction_payment::Event),
    /// Poe's events.
    #[codec(index = 6)]
    Poe(pallet_poe::Event),
}

/// The runtime: every pallet's `Config` is implemented for it.
#[derive(Clone, Copy, Debug, TypeInfo)]
pub struct Runtime;

/// An extrinsic of this runtime.
pub type UncheckedExtrinsic = entroos_primitives::UncheckedExtrinsic<RuntimeCall>;
/// A block as the node stores it.
pub type Block = entroos_primitives::Block;

/// System of this runtime.
pub type System = pallet_system::Pallet<Runtime>;
/// Timestamp of this runtime.
pub type Timestamp = pallet_timestamp::Pallet<Runtime>;
/// Entropy of this runtime.
pub type Entropy = pallet_entropy::Pallet<Runtime>;
/// Balances of this runtime.
pub type Balances = pallet_balances::Pallet<Runtime>;
/// TransactionPayment of this runtime.
pub type TransactionPayment = pallet_transaction_payment::Pallet<Runtime>;
/// Poe of this runtime.
pub type Poe = pallet_poe::Pallet<Runtime>;

/// Runs every pallet's off-chain worker for the block `header` (already
/// imported), submitting their transactions through `ctx` (see
/// [`offchain`]; what was refused is dropped here: the runtime has no log).
pub fn offchain_worker(
    ext: &dyn entroos_support::state::Externalities,
    header: &entroos_primitives::Header,
    ctx: &mut dyn entroos_support::hooks::OffchainContext,
) {
    let _report = offchain::run(ext, header, ctx);
}
