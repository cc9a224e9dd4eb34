//! # Proof-of-execution ledger (pallet `poe`)
//!
//! Compute jobs — wasm modules run by the nodes' deterministic, metered
//! executor — replicated over `k` independently drawn executors, whose
//! receipts are committed, revealed, compared and, when they disagree,
//! checked by the chain itself.
//!
//! ## Model
//!
//! - **Modules** ([`Call::upload_module`]) are stored under
//!   the blake2-256 of their code with a deposit reserved from the uploader
//!   (`base + per_byte × size`). The runtime checks every upload in pure
//!   Rust ([`wasm`]): size bound, well-formed sections, function imports of
//!   the host ABI only (`wasi_snapshot_preview1` `args_sizes_get`,
//!   `args_get`, `fd_read`, `fd_write`, `proc_exit`, all-`i32`), no float
//!   types, no start section, an exported `_start: () -> ()`. Each refusal
//!   is its own [`Error`].
//! - **Providers** register once with a reserved bond (at least
//!   `Params::minimum_provider_bond`) and a declaration (operator, zone,
//!   capacity, labels). Unregistering stops new assignments; the bond
//!   comes back `Params::unbonding_blocks` later, once no assignment of the
//!   provider is open, so it stays slashable for the jobs it holds.
//! - **Jobs** name a module, an input, fuel and page limits, `k`, a reward
//!   (reserved at submission) and a deadline. The next block's hook draws
//!   `k` executors ([`assignment`], [`selection`]): by weight
//!   `R_poe × E × R × bond`, with the epoch randomness, preferring distinct
//!   operators and zones. It fixes the entropy seed `E_s`.
//! - **Receipts** ([`receipt`]): each executor runs the job and commits
//!   `blake2_256(SCALE(receipt) ‖ executor ‖ salt)`; once all `k` have
//!   committed (or the commit phase ends) they reveal. A receipt is job id,
//!   output hash, log hash, exit, fuel used `R_u` and
//!   `P = blake2_256(job_id ‖ E_s ‖ R_u ‖ output_hash)`; the runtime checks
//!   the commitment (binding the receipt to its signer), `P`, the fuel
//!   and the executor's signature of the receipt, stored with it.
//! - **Off-chain worker** ([`offchain`]): each executor node runs its
//!   assigned jobs on its job engine, keeps the run in its local storage
//!   ([`local`]) and hands the runtime the commit and reveal calls to sign
//!   and submit with its executor keys.
//! - **Settlement** ([`settlement`]): at least two thirds of `k` agreeing
//!   on `(output_hash, exit, fuel_used)` ⇒ Verified, the agreeing executors
//!   share the reward, the others are slashed (dissent or no-show) and lose
//!   reliability. Otherwise Disputed: a job within
//!   `Params::reexecution_fuel_bound` is re-executed by the runtime through
//!   the node's job engine (the [`JobExecutor`] host interface, so every
//!   validator checks it as part of block execution) and settled by that
//!   result; a larger one is reassigned once to fresh executors, then
//!   Failed and refunded.
//!
//! ## Lifecycle
//!
//! ```text
//!  submit_job ──► Pending ──(next block: draw k)──► Committing ──(k commits,
//!                    │ fewer than k eligible            │       or phase end)
//!                    ▼                                  ▼
//!                  Failed ◄──────────────┐         Revealing ──(all committed
//!                  (refund)              │              │       revealed, or
//!                                        │              ▼       phase end)
//!    Verified ◄── quorum ──────────── Settling ── no quorum ──► Disputed
//!       ▲                                                  │   │
//!       └──── re-execution (fuel ≤ bound) ◄────────────────┘   │ fuel > bound
//!                                        round 0: reassigned ◄─┤ (Committing)
//!                                        round 1 or late: ─────┘ Failed
//! ```
//!
//! Every transition deposits an [`Event`]; jobs, inputs, commitments,
//! receipts, modules, providers and proof records are storage items.
//!
//! ## Heartbeats
//!
//! Each registered provider's off-chain worker sends one signed, unsigned
//! heartbeat per epoch ([`heartbeat`]); the last epoch each provider was
//! heard from ([`LastHeartbeat`]) is liveness evidence for schedulers.
//!
//! ## Invariants
//!
//! - Every bond, module deposit and reward of a job in flight is reserved
//!   in Balances; a job's reward leaves the reserve exactly once (paid,
//!   refunded, or both in parts).
//! - Each job in flight has exactly one entry in [`DueJobs`], the queue is
//!   sorted and holds at most [`types::MAX_ACTIVE_JOBS`]; a block's hook
//!   moves at most [`types::MAX_DUE_PER_BLOCK`] jobs on and re-executes at
//!   most `Params::reexecution_fuel_bound` fuel.
//! - Executors are drawn from storage-key-ordered candidates with fixed
//!   point weights and hashed draws: every node draws the same ones.
//! - A block that needs a re-execution is refused (not executed
//!   differently) by a node whose job engine is missing or fails.
//! - No floats; no panics on input; bounded decoding (`BoundedVec`) and
//!   storage; checked or saturating arithmetic.

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

pub mod assignment;
mod calls;
mod due;
mod genesis;
pub mod heartbeat;
mod hooks;
pub mod jobs;
mod metadata;
mod modules;
pub mod offchain;
pub mod pallet;
mod params;
mod phases;
mod providers;
pub mod selection;
pub mod settlement;
mod storage;
pub mod wasm;
pub mod weights;

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use entroos_poe_primitives::{local, receipt, types};
pub use genesis::GenesisConfig;
pub use heartbeat::{LastHeartbeat, ProviderHeartbeat};
pub use jobs::JobRequest;
pub use pallet::{Call, Error, Event};
pub use params::Params;
pub use storage::*;
pub use types::*;

use entroos_primitives::dispatch::DispatchError;
use entroos_support::dispatch::PalletError;
use entroos_support::state::Externalities;
use std::marker::PhantomData;

#[doc(no_inline)]
pub use entroos_support::jobs::JobExecutor;

/// The pallet's storage prefix.
pub use entroos_poe_primitives::PALLET;

/// What the runtime provides to the ledger: Entropy (scores and epoch
/// randomness, and through it Balances and System).
pub trait Config:
    pallet_entropy::Config + pallet_system::Config<RuntimeEvent: From<Event>>
{
    /// This pallet's index in the runtime.
    const POE_INDEX: u8;
}

/// The ledger's functions.
pub struct Pallet<T>(PhantomData<T>);

impl<T: Config> Pallet<T> {
    /// `e` as this pallet's dispatch error.
    pub fn error(e: Error) -> DispatchError {
        e.into_module_error(T::POE_INDEX)
    }

    /// The stored parameters.
    pub fn params(ext: &dyn Externalities) -> Params {
        Parameters::get(ext)
    }

    pub(crate) fn deposit_event(ext: &mut dyn Externalities, event: Event) {
        pallet_system::Pallet::<T>::deposit_event(ext, event);
    }
}
