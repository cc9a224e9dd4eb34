//! # EntroOS block authoring
//!
//! Building a block on a parent ([`build_block`]): the slot claim's
//! pre-runtime digest, the timestamp inherent, the pool's ready
//! transactions up to the runtime's weight and length limits (or a
//! deadline, whichever comes first), and the claiming authority's sr25519
//! seal.
//!
//! Authoring a slot ([`SlotWorker::author_slot`]): the `entroos-consensus-
//! slots` slot machine is given the best chain's epoch for the slot (read
//! from the runtime at the best block) and the keys this node holds among
//! that epoch's authorities ([`SlotKeys`], asked every slot, so a key
//! inserted while the node runs is used from the next slot); it claims
//! the slot with a primary VRF claim below the key's threshold, else a
//! secondary claim if a held key is the slot's assignee, never twice and
//! never at or below the best block's slot. The block is built on the best
//! block, imported through the client's one import path and, when the
//! epoch's set has a single authority, finalized at once.
//!
//! Watching for equivocations ([`SlotWorker::on_imported`]): every verified
//! import goes to the same machine; a second header by one author for one
//! slot is reported to the pool as the runtime's unsigned
//! `report_block_equivocation` extrinsic.
//!
//! The slot timer and the import subscription around the worker live in
//! the node binary, on threads of its own.

mod build;
mod keys;
mod one_key;
mod stats;
mod worker;

pub use build::{build_block, Built, Proposal};
pub use keys::SlotKeys;
pub use one_key::author_with_key;
pub use stats::{AuthorStats, ProposerTotals};
pub use worker::{SlotOutcome, SlotWorker};

use entroos_client_api::{ClientError, ImportError, SlotsError};
use entroos_primitives::validity::TransactionValidityError;
use entroos_txpool::PoolError;

/// Authoring errors.
#[derive(Debug, thiserror::Error)]
pub enum AuthorError {
    /// Reading the chain or calling the runtime failed.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// An inherent was refused by the runtime.
    #[error("the runtime refused inherent {index}: {error:?}")]
    InherentRefused {
        /// Its position.
        index: usize,
        /// The runtime's reason.
        error: TransactionValidityError,
    },
    /// The built block was refused by the import pipeline.
    #[error("the built block was refused: {0}")]
    Import(#[from] ImportError),
    /// The best block's claim does not read (it was verified on import, so
    /// the database is damaged).
    #[error("the best block's slot claim: {0}")]
    Slots(#[from] SlotsError),
    /// The pool refused an equivocation report.
    #[error("the pool refused the equivocation report: {0}")]
    Report(#[from] PoolError),
    /// The key has no claim on the slot (not in the epoch's set, or the
    /// slot is outside the epoch).
    #[error("the key has no claim on slot {slot}")]
    NoClaim {
        /// The slot.
        slot: u64,
    },
}
