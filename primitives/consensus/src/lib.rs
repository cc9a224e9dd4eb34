//! # EntroOS consensus primitives
//!
//! What the runtime and the node must agree on, byte for byte, about slot
//! authorship. Both sides use these definitions, so they cannot drift:
//!
//! - [`ENGINE_ID`] (`*b"entr"`): the engine of the slot pre-runtime digest
//!   and of the seal.
//! - [`PreDigest`]: how a block claims its slot, carried once per header as
//!   `DigestItem::PreRuntime(ENGINE_ID, SCALE(pre_digest))`. Block import
//!   verifies it (VRF proof, threshold, secondary assignment, seal); the
//!   runtime reads it to account duties and fold VRF outputs into the epoch
//!   randomness.
//! - [`secondary_draw`] and [`secondary_author`]: the one authority of an
//!   epoch that may author a slot as secondary, picked by weight from the
//!   epoch randomness and the slot.
//!
//! ## Encoding of [`PreDigest`]
//!
//! A SCALE enum, fixed length per variant (at most
//! [`PreDigest::MAX_ENCODED_LEN`] = 109 bytes):
//!
//! | variant | index | fields, in order |
//! |---|---|---|
//! | `Primary` | 1 | `authority_index: u32`, `slot: u64`, `vrf_output: [u8; 32]` (the VRF pre-output), `vrf_proof: [u8; 64]` |
//! | `Secondary` | 2 | `authority_index: u32`, `slot: u64` |
//!
//! Decoding accepts exactly one encoded value and nothing after it.
//!
//! ## Secondary assignment
//!
//! `draw = u128::from_le_bytes(blake2_256(randomness ++ SCALE(slot))[0..16])`
//! and the assignee is `weighted_pick(draw, weights)` over the epoch's
//! authorities in set order: entry `i` owns a share `w_i / Σw` of the draw's
//! range (exact to `2^-128`), authorities of zero weight are never picked.
//!
//! ## Runtime API types
//!
//! [`EpochInfo`] and [`FinalityVoters`]: what the runtime's `EntropyApi`
//! reports about the current and next epochs (slots, authorities with their
//! VRF keys and weights, randomness, `c`) and the finality voters; the
//! runtime encodes them (and describes them in metadata V15), the node
//! decodes them. [`ValidatorsReport`] and [`DiversityReport`] are what it
//! reports for people: validators with stake, scores, weights, shares and
//! declarations, and the diversity of the current set.
//!
//! ## Invariants
//!
//! No panics on any input, no floats. Digests decode with a length bound;
//! the runtime API types come from the runtime the node links, and the node
//! checks their bounds when it builds epochs from them.

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

mod digest;
mod epoch;
mod report;
mod secondary;

pub use digest::{find_pre_digest, PreDigest, PreDigestError};
pub use epoch::{EpochAuthority, EpochInfo, FinalityVoter, FinalityVoters};
pub use report::{DiversityReport, ValidatorInfo, ValidatorKeys, ValidatorsReport};
pub use secondary::{secondary_author, secondary_draw};

use entroos_primitives::generic::ConsensusEngineId;

/// The engine id of the slot pre-runtime digest and of block seals.
pub const ENGINE_ID: ConsensusEngineId = *b"entr";
