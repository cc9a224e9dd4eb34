//! The new JSON-RPC API of `paritytech/json-rpc-interface-spec`: the
//! groups `chainHead_v1`, `chainSpec_v1`, `transaction_v1`,
//! `transactionWatch_v1` and (on a node that keeps every state)
//! `archive_v1`. polkadot-api and subxt switch to these groups as soon as
//! `rpc_methods` lists them, so each group is registered whole or not at
//! all, and [`SpecV2Config`] (absent: none of them) decides which.

pub(crate) mod error;
pub(crate) mod keys;
pub(crate) mod storage;

use crate::params::Args;
use crate::server::Deps;
use error::SpecError;
use jsonrpsee::core::RegisterMethodError;
use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::RpcModule;
use keys::{connection, id_param, Cancels, Key};
use std::sync::Arc;

/// Substrate's cap on the blocks one follow subscription keeps pinned.
pub const MAX_PINNED_BLOCKS: usize = 512;
/// Substrate's cap on the operations of one follow subscription (the spec's
/// minimum): each `chainHead_v1_body` or `_call` counts one, each
/// `chainHead_v1_storage` item one.
pub const MAX_ONGOING_OPERATIONS: usize = 16;
/// Substrate's cap on the follow subscriptions of one connection (the spec
/// guarantees 2).
pub const MAX_FOLLOWS_PER_CONNECTION: usize = 4;
/// Substrate's limit on how far the chain may reach above the finalized
/// block when a follow subscription starts (Substrate measures to the
/// leaves, this node to the best block); beyond it the subscription stops
/// at once, as it would have too many blocks to report and pin.
pub const MAX_LAGGING_DISTANCE: u32 = 128;
/// Substrate's cap on the notifications of one follow subscription waiting
/// for the client to read them; beyond it the subscription stops.
pub const MAX_QUEUED_EVENTS: usize = 512;
/// Items one `chainHead_v1_storage` operation reports before it waits for
/// `chainHead_v1_continue`.
pub const STORAGE_ITEMS_PER_PAGE: usize = 64;
/// The broadcasts one connection may run at once (the spec guarantees 4).
pub const MAX_BROADCASTS_PER_CONNECTION: usize = 16;
/// How many times a refused broadcast is submitted again, once per new best
/// block, before it is dropped.
pub const BROADCAST_RETRIES: u32 = 4;

/// Which groups of the new API are served, and their limits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecV2Config {
    /// Serve `archive_v1_*`. Its guarantees (any finalized block's state,
    /// forever) hold only when no state is pruned, so Substrate serves it
    /// on archive nodes only, and so does this node.
    pub archive: bool,
    /// Blocks one follow subscription may keep pinned ([`MAX_PINNED_BLOCKS`]).
    pub max_pinned_blocks: usize,
    /// Operations one follow subscription may run ([`MAX_ONGOING_OPERATIONS`]).
    pub max_ongoing_operations: usize,
    /// Follow subscriptions per connection ([`MAX_FOLLOWS_PER_CONNECTION`]).
    pub max_follows_per_connection: usize,
    /// Best-to-finalized distance a follow may start with ([`MAX_LAGGING_DISTANCE`]).
    pub max_lagging_distance: u32,
    /// Unread notifications a follow may queue ([`MAX_QUEUED_EVENTS`]).
    pub max_queued_events: usize,
    /// Storage items per page ([`STORAGE_ITEMS_PER_PAGE`]).
    pub storage_items_per_page: usize,
    /// Broadcasts per connection ([`MAX_BROADCASTS_PER_CONNECTION`]).
    pub max_broadcasts_per_connection: usize,
    /// Resubmissions of a refused broadcast ([`BROADCAST_RETRIES`]).
    pub broadcast_retries: u32,
}

impl SpecV2Config {
    /// Substrate's limits; `archive_v1_*` only if `archive`.
    pub fn new(archive: bool) -> Self {
        SpecV2Config {
            archive,
            max_pinned_blocks: MAX_PINNED_BLOCKS,
            max_ongoing_operations: MAX_ONGOING_OPERATIONS,
            max_follows_per_connection: MAX_FOLLOWS_PER_CONNECTION,
            max_lagging_distance: MAX_LAGGING_DISTANCE,
            max_queued_events: MAX_QUEUED_EVENTS,
            storage_items_per_page: STORAGE_ITEMS_PER_PAGE,
            max_broadcasts_per_connection: MAX_BROADCASTS_PER_CONNECTION,
            broadcast_retries: BROADCAST_RETRIES,
        }
    }
}

/// Registers every group `config` asks for.
pub(crate) fn register(
    module: &mut RpcModule<Deps>,
    config: &SpecV2Config,
) -> Result<(), RegisterMethodError> {
    crate::chain_spec::register(module)?;
    crate::chain_head::register(module, config)?;
    crate::transaction::register(module, config)?;
    if config.archive {
        crate::archive::register(module)?;
    }
    Ok(())
}

/// What an `…_unwatch`/`…_stop…` call answers for an id that is not
/// running.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum IfUnknown {
    /// `null`, as for a running one.
    Ignore,
    /// An invalid-params error.
    Refuse,
}

/// Replaces jsonrpsee's unsubscribe method `name` (which answers `true` or
/// `false`) with one that answers `null`, as the spec says, and cancels
/// through `cancels`.
pub(crate) fn unsubscribe(
    module: &mut RpcModule<Deps>,
    name: &'static str,
    cancels: Arc<Cancels>,
    unknown: IfUnknown,
) -> Result<(), RegisterMethodError> {
    module.remove_method(name);
    module.register_method(name, move |p, _, ext| -> Result<(), ErrorObjectOwned> {
        let id = id_param(&Args::parse(&p)?, 0, "subscription")?;
        let cancelled = cancels.cancel(&Key::named(connection(ext), id));
        match (cancelled, unknown) {
            (false, IfUnknown::Refuse) => Err(SpecError::InvalidSubscriptionId.into()),
            _ => Ok(()),
        }
    })?;
    Ok(())
}
