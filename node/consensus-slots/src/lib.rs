//! # EntroOS slot authorship
//!
//! Who may author a block in a slot, how a header proves it, and which
//! chain is best — as pure functions and one pure state machine. No clock,
//! no I/O, no threads: time comes in as slot numbers, chain data as
//! [`Epoch`]s and verified headers, and decisions go out as [`Effect`]s
//! that the node performs (build and seal a block, submit a report).
//!
//! ## The lottery
//!
//! Each authority `v` of an epoch evaluates a schnorrkel VRF (sr25519 key)
//! on a merlin transcript built by [`slot_transcript`]:
//!
//! ```text
//! Transcript::new(b"entroos-slot")
//! append_message(b"randomness", epoch randomness: 32 bytes)
//! append_u64(b"slot", slot)            (merlin: 8 bytes little-endian)
//! append_u64(b"epoch", epoch index)
//! ```
//!
//! The lottery value is `u128::from_le_bytes(inout.make_bytes::<[u8; 16]>(
//! b"entroos-vrf-out"))` ([`lottery_value`]). `v` wins a **primary** claim
//! when the value is strictly below `praos_threshold(c, w_v, Σw)`
//! (`⌊(1 − (1 − c)^(w_v/Σw)) × (2^128 − 1)⌋`, fixed point, from
//! `entroos-arithmetic`), so a slot has at least one primary author with
//! probability `1 − Π_v (1 − c)^(w_v/Σw) = c`, and splitting a weight over
//! several keys leaves the chance of the group unchanged. Every slot also
//! has one **secondary** assignee, `secondary_author(randomness, slot,
//! weights)` from `entroos-consensus-primitives` — the very function the
//! runtime charges missed slots with — which authors when it does not win
//! a primary claim, so the chain never stalls; fork choice prefers primary
//! blocks. [`claim_slot`] tries every held key for a primary claim (lowest
//! authority index first), then the secondary assignment.
//!
//! ## The header
//!
//! A claim is carried as `PreRuntime(b"entr", SCALE(PreDigest))` (see
//! [`PreDigest`]; the 32-byte `vrf_output` is the VRF pre-output, which the
//! runtime folds into the epoch randomness). The seal is the last digest
//! item, `Seal(b"entr", sr25519 signature (context "substrate") over the
//! blake2-256 hash of the header without the seal)` by the claiming
//! authority's key. [`verify_header`] checks, in order: the seal's form,
//! exactly one pre-digest decoding whole, the parent, a slot above the
//! parent's and at most [`MAX_SLOT_DRIFT`] slots ahead of the clock and
//! inside the epoch given (the epoch the parent's chain assigns the slot
//! to), the authority index, the claim (VRF proof under that authority's
//! key and value below its threshold, or the secondary assignee), and the
//! seal's signature. Each refusal is a [`SlotsError`] variant.
//!
//! ## Fork choice
//!
//! Each block carries a [`ForkChoiceWeight`]: its parent's, plus one
//! primary block if it is primary, plus one in number. The best block
//! is the one of greatest `(primary_blocks, number)` among blocks that
//! descend from the last finalized block; a tie keeps the current best
//! ([`best_block`]).
//!
//! ## The state machine
//!
//! [`SlotMachine::apply`] takes an [`Input`]:
//!
//! - `SlotTick { slot, now }` — claim `slot` if it is not stale (at most
//!   [`MAX_SLOT_DRIFT`] ahead of `now` and not behind it), above the best
//!   block's slot, above every slot already claimed, and some held key
//!   wins it in the epoch that holds it → [`Effect::Claim`];
//! - `Imported { header, verified, best }` — track the best block's slot
//!   and the first header of each (slot, author); a second header with a
//!   different unsealed hash → [`Effect::Equivocation`] with both headers,
//!   once per (slot, author);
//! - `EpochChanged { epoch }` — the best chain's current or next epoch;
//! - `KeysChanged { keys }` — the keys the node now holds.
//!
//! ## Invariants
//!
//! - **One claim per slot**, never for a slot at or below the best block's
//!   or a slot already claimed.
//! - **The node and the runtime agree**: the pre-digest type, the engine
//!   id and the secondary assignment come from one crate both use.
//! - **Bounded memory**: epochs hold at most [`MAX_AUTHORITIES`]
//!   authorities; the machine keeps at most [`MAX_KNOWN_EPOCHS`] epochs
//!   and [`SlotsConfig::max_tracked_headers`] headers within
//!   [`SlotsConfig::equivocation_window`] slots.
//! - **Determinism**: state lives in ordered maps; the claim decision, the
//!   VRF outputs and every verification verdict depend only on the inputs
//!   (VRF proofs carry schnorrkel's own randomness, but any valid proof of
//!   an output verifies alike).
//! - **No panics on input**: arithmetic is checked or saturating, nothing
//!   indexes untrusted data (enforced by lints outside tests), and
//!   verification refuses any malformed header with a typed error.

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

mod claim;
mod epoch;
mod equivocation;
mod error;
mod fork_choice;
mod machine;
mod verify;
mod vrf;

pub use claim::{claim_primary, claim_secondary, claim_slot, HeldKeys, SlotClaim};
pub use entroos_consensus_primitives::{find_pre_digest, PreDigest, PreDigestError, ENGINE_ID};
pub use epoch::{Authority, Epoch, MAX_AUTHORITIES};
pub use equivocation::BlockEquivocation;
pub use error::SlotsError;
pub use fork_choice::{best_block, prefers, Candidate, ForkChoiceWeight};
pub use machine::{Effect, Input, SlotMachine, SlotsConfig, MAX_KNOWN_EPOCHS};
pub use verify::{seal_header, unseal, verify_header, ParentInfo, VerifiedHeader, MAX_SLOT_DRIFT};
pub use vrf::{lottery_value, slot_transcript, VRF_OUTPUT_CONTEXT, VRF_TRANSCRIPT_LABEL};
