//! # EntroOS block sync
//!
//! Block sync as a pure state machine in the style of Malachite and
//! openraft: [`ChainSync::apply`] takes one [`Input`] (a peer arrived or
//! left, an announcement, a response or a failed request, the time, an
//! import verdict) and returns [`Effect`]s as data (send a request, import
//! blocks, report or disconnect a peer, announce a block). It reads the
//! local chain through [`HeaderBackend`] and never writes it; it has no
//! clock, no randomness and no I/O, so the same inputs give the same
//! effects. [`serve`] answers other peers' block requests from the chain.
//!
//! ## Protocol
//!
//! Peers speak the block-announces and sync protocols of
//! `entroos-network-api`. A peer is placed when it connects:
//!
//! - **aligned** — its best block is on our chain, or an ancestor search
//!   (probing one header at a time: its top, then 1, 2, 4, … back, then a
//!   binary search) found that it has the block we are building on. Aligned
//!   peers serve the **main download**: ranges of up to
//!   [`SyncConfig::blocks_per_request`] blocks above the *anchor* (the last
//!   block handed to import), asked by number, round-robin over peers, at
//!   most [`SyncConfig::max_requests_per_peer`] each, never more than
//!   [`SyncConfig::max_blocks_ahead`] above the local best block.
//! - **branch** — the search found that it leaves our chain at block `F`
//!   and its best block is higher than our anchor: its blocks from `F + 1`
//!   are downloaded from it alone, each answer attached to the previous one
//!   (a reorg to a longer fork of any depth).
//! - **forked** — on another branch that is not longer: nothing is asked.
//!
//! At the tip, an unknown announced block is **fetched** by hash, walking
//! back through parents until a known block (at most
//! [`SyncConfig::max_fetch_blocks`], after which the peer is searched);
//! the first request asks for as many blocks as the announced number is
//! above our best. A hash names one chain, so fetches work on any branch.
//! Only a peer's new best block that a download under way covers is left
//! to it: the peer's branch, or the main download when the block is more
//! than one request above the anchor. A failed fetch request is asked
//! again, up to three times. Blocks imported while following the tip are
//! announced on, except during a major sync; of a chain of blocks handed
//! over together only the top one is.
//!
//! Finality can ask for the **justification** of a block it has
//! ([`Input::WantJustification`]): one header-and-justification request
//! by hash goes to one peer whose best block is that high, turn by turn
//! over such peers, and a justification that comes back goes out as
//! [`Effect::Justification`] for finality to check. A peer that has none
//! yet is not blamed; finality asks again later.
//!
//! ## Invariants
//!
//! - **Responses are checked before use** against their request: count at
//!   most `max`, each hash the hash of its header, the first block the one
//!   asked for, each block chained to the one before, only the parts asked
//!   for. A failing response ([`ReputationChange::BAD_RESPONSE`]) or
//!   undecodable bytes ([`ReputationChange::BAD_MESSAGE`]) expel the peer:
//!   honest peers never send them. A timeout costs
//!   [`ReputationChange::TIMEOUT`], and [`SyncConfig::max_timeouts_in_row`]
//!   of them without an answer in between disconnect the peer. In every
//!   case the request's range is released and asked of another peer while
//!   the failing one backs off.
//! - **Import order.** Blocks are handed to import parent first: a main
//!   range only once it continues the anchor, a branch answer only once it
//!   continues the previous one, a fetch only once it reaches a known
//!   block. A range that does not continue the anchor is dropped and its
//!   peer searched again ([`ReputationChange::UNCONNECTED_BLOCKS`]).
//! - **Blame.** A block refused as bad ([`ImportResult::BadBlock`]) expels
//!   its sender ([`ReputationChange::BAD_BLOCK`] and [`Effect::Disconnect`]);
//!   a peer of another genesis is refused at once. Any failure in the main
//!   download restarts it from the local best block once every queued block
//!   is answered. An announcement rate above
//!   [`SyncConfig::max_announces_per_window`] costs [`ReputationChange::FLOOD`]
//!   per announcement and is ignored.
//! - **Bounded memory.** At most [`SyncConfig::max_peers`] peers, their
//!   requests, [`SyncConfig::max_blocks_ahead`] downloaded or queued
//!   blocks of the main download, and [`SyncConfig::max_fetches`] fetches
//!   of at most [`SyncConfig::max_fetch_blocks`] blocks
//!   ([`ChainSync::footprint`]).
//! - **Bounded import queue.** Blocks handed to import and not yet
//!   answered, plus the blocks fetches hold and those that branch and
//!   fetch requests in flight may bring, never exceed
//!   [`SyncConfig::import_queue`]: downloaded main ranges wait (and are
//!   handed over in parts that fit), and branch and fetch requests are
//!   sent only when their answers fit.
//! - **Determinism.** State lives in ordered maps; effects come out in
//!   input order and then peer-id order. Time enters only as
//!   [`Input::Tick`].
//! - **No panics on input.** Arithmetic is checked or saturating and
//!   nothing indexes untrusted data (enforced by lints outside tests).
//!
//! ## What the node provides
//!
//! - Every block of [`Effect::ImportBlocks`] is imported in the order given
//!   and answered with exactly one [`Input::Imported`]
//!   ([`ImportResult::from_import`] classifies the import path's result);
//!   the node's import queue holds [`SyncConfig::import_queue`] blocks.
//! - Every [`Effect::SendRequest`] is answered with exactly one
//!   [`Input::Response`] or [`Input::RequestFailed`] (a late answer after a
//!   timeout is ignored).
//! - [`Input::Tick`] arrives regularly (every 100 ms to 1 s).
//! - Announcements travel on an ordered, reliable substream, as libp2p
//!   notifications do: a block is announced once, and an announcement that
//!   is lost is not asked for again.
//!
//! The status ([`ChainSync::status`]) compares the local best block with
//! the peers' *median* best, so one peer lying about its height does not
//! put the node into major sync.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects
    )
)]

mod announce;
mod config;
mod connect;
mod effect;
mod error;
mod fetch;
mod import;
mod input;
mod justifications;
mod machine;
mod peers;
mod ranges;
mod requests;
mod responses;
mod schedule;
mod search;
mod serve;
mod status;
mod validate;

pub use config::SyncConfig;
pub use effect::{Effect, IncomingBlock};
pub use error::SyncError;
pub use input::{Failure, ImportResult, Input};
pub use machine::{ChainSync, Footprint};
pub use serve::{serve, ServeError, ServeLimits};
pub use status::{SyncState, SyncStatus};

#[cfg(doc)]
use entroos_client_api::HeaderBackend;
#[cfg(doc)]
use entroos_network_api::ReputationChange;
