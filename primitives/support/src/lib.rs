//! # EntroOS runtime framework
//!
//! A small FRAME-like framework: what a pallet is made of and how the runtime
//! reaches state.
//!
//! - [`state`]: the [`Externalities`](state::Externalities) trait (the only way
//!   runtime code touches state), a transactional overlay that records a
//!   failed read of committed state as a typed error, and in-memory state.
//! - [`storage`]: typed values, maps and double maps keyed like FRAME, so
//!   clients compute the same keys, and their metadata.
//! - [`bounded`]: a `Vec` whose length bound is part of its type, for storage.
//! - [`trie`]: the Merkle-Patricia trie (Substrate's node format, blake2-256)
//!   that yields state and extrinsics roots.
//! - [`dispatch`]: origins, typed pallet errors, dispatch information.
//! - [`hooks`]: block hooks (`on_initialize` may refuse a block with a typed
//!   error), genesis building, the off-chain worker's context.
//! - [`metadata`]: how a pallet describes itself in the runtime metadata.
//! - [`jobs`]: the one host service block execution may call, the node's
//!   deterministic, metered job engine, lent through the externalities.
//!
//! Invariants: runtime code is deterministic — it receives state, time and
//! randomness as inputs and never performs I/O; state changes inside a
//! rolled-back storage transaction leave no trace; a state read that fails is
//! an error, never an absent value; nothing here panics on input.
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

pub mod bounded;
pub mod decimal;
pub mod dispatch;
pub mod hooks;
pub mod jobs;
pub mod metadata;
pub mod offchain;
pub mod state;
pub mod storage;
pub mod trie;

pub use state::{Externalities, TestExternalities};
