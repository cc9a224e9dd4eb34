//! # EntroOS finality
//!
//! A weighted BFT finality gadget in the GRANDPA family, written as a pure
//! state machine in the style of Malachite: [`FinalityVoter::apply`] takes
//! the time and one [`Input`] (a peer's message, a justification, a block
//! imported, a set change, a timer) and returns [`Effect`]s as data
//! (persist the voter state, broadcast a message, finalize a block, report
//! an equivocation, fetch a block, schedule a timer, switch sets). It reads
//! the chain through [`ChainView`] and never writes it; it has no clock, no
//! randomness and no I/O, so the same inputs give the same effects.
//!
//! ## Voters and weights
//!
//! A [`VoterSet`] holds ed25519 keys with their `VoteWeight` (`u128`) for
//! one epoch. With `W` the total, `t` = [`VoterSet::threshold`] is the
//! smallest weight strictly above `2W/3` (checked integer math, no floats)
//! and `W - t` is the most faulty weight tolerated. "A supermajority" below
//! means weight ≥ `t`. Votes are signed over
//! `b"entroos/finality" ++ SCALE(kind, round, set_id, target_hash,
//! target_number)` (see [`Vote::signing_payload`]).
//!
//! ## The protocol
//!
//! Voting goes in rounds `0, 1, 2, …` within a set. Every round has a
//! *base*: the finalized block when the round started; votes are counted
//! on the tree of blocks above it, and a vote for a block supports all its
//! ancestors. In round `r` a voter:
//!
//! 1. **prevotes** for the head of the best chain containing `E(r-1)`, the
//!    estimate of the previous round (for round 0 the block that enacted
//!    the set) — as soon as that head is above the finalized block, or once
//!    the prevote timer fires, or once the round is already completable;
//! 2. **precommits** for the prevote-GHOST `g(r)` (the highest block with
//!    a supermajority of prevotes) once `g(r)` descends from `E(r-1)` and
//!    either `g(r)` reached its own prevote, everyone prevoted, the round is
//!    completable, or the precommit timer fired;
//! 3. **moves to round `r+1`** once round `r` is *completable* — its
//!    estimate `E(r)`, the highest block at or below `g(r)` that the
//!    precommits can still give a supermajority, can no longer rise (see
//!    `round.rs` for the exact rules) — and it has precommitted or its
//!    precommit timer fired. Round `r` stays in the background, still
//!    counting votes.
//!
//! A block is **final** when precommits of one round carrying a
//! supermajority support it (the precommit-GHOST); the machine then emits
//! [`Effect::Finalize`] with a [`Justification`]: those precommits and the
//! headers linking them to the block, stored with the block as
//! [`Justification::to_stored`] (engine id [`FINALITY_ENGINE_ID`], the form
//! sync serves and `chain_getBlock` returns). [`verify_justification`]
//! checks one against a set. An equivocator (two different votes of one kind in one
//! round) is reported once with both signed votes
//! ([`Effect::ReportEquivocation`]); from then on its weight counts as
//! supporting every block when looking for a supermajority and as opposing
//! every block when asking whether one is still possible, the cautious
//! side of each rule. A vote for a block the node does not have yet counts
//! as not seen until the block is imported ([`Effect::FetchBlock`] asks
//! for it). Voters send no primary proposals: honest prevotes converge
//! because blocks spread faster than rounds end.
//!
//! Observers (no key, or a key outside the set) follow the same rounds and
//! finalize from the precommits they receive and from justifications, but
//! never sign.
//!
//! ## Safety
//!
//! While the faulty weight is at most `W - t` (below a third), no two
//! conflicting blocks are finalized. The argument is GRANDPA's:
//!
//! - Two supermajorities overlap in at least `2t - W` weight, which
//!   exceeds `W - t` and so the faulty weight: they share an honest voter.
//! - "Possible" counts, for block `B`, its support, the voters not seen,
//!   and up to `W - t` equivocating weight hidden among the voters seen
//!   against it. So if any view holds a supermajority of precommits for
//!   `B`, `B` stays possible in every other view, and an honest voter that
//!   sees round `r` completable has `E(r) ≥ B` for every `B` finalized in
//!   round `r`.
//! - Honest voters prevote in round `r+1` only for descendants of their
//!   `E(r)`; so every block with a supermajority of prevotes in `r+1` is on
//!   `B`'s chain, and honest precommits wait for `g(r+1) ≥ E(r) ≥ B`. By
//!   induction every later honest vote is for a descendant of `B`, and so
//!   is every later finalized block.
//!
//! A justification received with a block finalizes it but does not move
//! the voter's rounds: knowing that `B` is final says nothing about later
//! estimates, so the voter catches up only through round votes (below).
//!
//! ## Liveness: a stalled round recovers by itself
//!
//! Nothing waits for an operator. While a round lasts the voter re-sends
//! its own votes of the current and previous round every
//! [`FinalityConfig::rebroadcast_millis`] (also right after a restart), so
//! lost messages are replaced. A voter two or more rounds behind, or one
//! repeating votes of a round others have left, is answered with a
//! [`CatchUp`] — every vote of the round its peers completed — and moves
//! past that round once those votes make it completable in its own view
//! (it never votes in the rounds it skips). A voter of an older set is
//! answered with the justification that enacted the new set
//! ([`Message::Commit`]). Hence, once more than `t` of the weight is
//! honest, running and connected: every such voter reaches the highest
//! round any of them is in; there the timers make all of them prevote and,
//! the previous round's votes being re-sent so that their estimates agree,
//! precommit; with every honest precommit seen, no child of the
//! prevote-GHOST can still gain a supermajority, so the round completes,
//! and rounds go on finalizing the blocks all of them have. With more than
//! `W - t` of the weight down, rounds wait (re-sending, nothing else) and
//! resume when it returns. The simulation in `tests/` checks all of this.
//!
//! ## Persistence: no double vote across restarts
//!
//! The machine signs only in its current round and only once per kind;
//! each signature is followed by [`Effect::Persist`] of the new
//! [`VoterState`] and only then by the [`Effect::Broadcast`] of the vote.
//! The node completes every `Persist` before performing the effects after
//! it. [`FinalityVoter::restore`] rebuilds the machine from the last
//! persisted state: same round, same own votes (re-sent, never re-signed
//! differently), rounds never lower. A crash between persisting and sending
//! loses nothing but a message, which the rebroadcast replaces.
//!
//! ## Set changes
//!
//! [`Input::SetChange`] tells the machine that block `B` enacts set `S+1`.
//! When finality would pass `B`, the machine finalizes exactly `B` with a
//! justification by set `S`, emits [`Effect::NewSet`], and votes from round
//! 0 of set `S+1` on base `B`. Peers still in `S` get that justification
//! when their old-set votes arrive.
//!
//! ## What the node provides
//!
//! - Effects performed in order, `Persist` durably before anything after it.
//! - Every [`Effect::ScheduleTimeout`] answered by [`Input::Timeout`] at or
//!   after its time (stale ones are ignored).
//! - [`Input::SetChange`] for every imported block that enacts a new set,
//!   before [`Input::BlockImported`] for it; pending changes are not
//!   persisted, so after a restart it gives them again for the blocks above
//!   the finalized one.
//! - [`Effect::FetchBlock`] answered by fetching the block from the peers
//!   (then [`Input::BlockImported`]); votes for blocks never fetched stay
//!   uncounted.
//! - Messages decoded with [`Message::decode_bounded`]; an input refused
//!   with [`FinalityError::is_misbehaviour`] names a peer to report. Any
//!   other error but [`FinalityError::UnknownBlock`] means the chain could
//!   not be read: rebuild the machine from the persisted state.
//!
//! ## Invariants
//!
//! - **Bounded memory**: two rounds of at most two votes per voter and
//!   kind; [`FUTURE_ROUNDS`] rounds of held votes with the same bound;
//!   [`MAX_PENDING_CHANGES`] pending set changes; decoding bounded by
//!   [`MAX_VOTERS`], [`MAX_PRECOMMITS`], [`MAX_ANCESTRY`] and
//!   [`MAX_MESSAGE_BYTES`].
//! - **Determinism**: ordered maps only; ties broken by hash.
//! - **No panics on input**: checked or saturating arithmetic (sums of
//!   distinct voters' weights never exceed the total), no indexing,
//!   enforced by lints outside tests.
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

mod catch_up;
mod chain;
mod codec_bounds;
mod config;
mod effect;
mod error;
mod finalize;
mod future;
mod graph;
mod input;
mod justification;
mod machine;
mod message;
mod round;
mod state;
mod steps;
#[cfg(test)]
mod testing;
mod tracker;
mod vote;
mod voters;
mod votes;

pub use chain::{BlockId, BlockInfo, ChainView};
pub use codec_bounds::MAX_MESSAGE_BYTES;
pub use config::FinalityConfig;
pub use effect::{Effect, Step};
pub use error::{ChainError, FinalityError};
pub use future::FUTURE_ROUNDS;
pub use input::Input;
pub use justification::{
    verify_justification, verify_with, Justification, FINALITY_ENGINE_ID, MAX_ANCESTRY,
    MAX_PRECOMMITS,
};
pub use machine::{FinalityVoter, VoterParams, MAX_PENDING_CHANGES};
pub use message::{CatchUp, Message};
pub use state::{RoundVotes, VoterState};
pub use vote::{
    Ed25519, Equivocation, SignatureCheck, SignedVote, Vote, VoteKind, SIGNING_CONTEXT,
};
pub use voters::{supermajority, VoteWeight, VoterId, VoterSet, MAX_VOTERS};
