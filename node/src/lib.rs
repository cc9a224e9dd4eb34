//! # EntroOS node
//!
//! The services around the runtime: the database ([`db`]), state access
//! ([`state`]), block import and queries ([`client`]), the transaction pool
//! ([`pool`]), block authoring ([`author`]), chain specs ([`chain_spec`]),
//! keys ([`keys`]), the CLI ([`cli`]), metrics ([`metrics`]), block files
//! ([`blocks`]) and the service that wires them ([`service`]). The node
//! reaches the runtime only through `entroos_runtime::api::call`.
//!
//! Invariants: every imported block is committed in one atomic database
//! write; the best and finalized pointers only ever name committed blocks;
//! nothing the network or RPC sends can stop the node — bad input is
//! refused with a typed error and the reason.
#![allow(clippy::result_large_err)]

pub mod author;
pub mod blocks;
pub mod chain_spec;
pub mod cli;
pub mod client;
pub mod db;
pub mod keys;
pub mod metrics;
pub mod pool;
pub mod rpc_bridge;
pub mod service;
pub mod state;

/// The sr25519 keys whose seals a chain accepts until on-chain authority
/// sets exist: the development accounts `//Alice` … `//Ferdie`.
pub fn dev_authorities() -> Vec<[u8; 32]> {
    entroos_primitives::crypto::DEV_ACCOUNT_NAMES
        .iter()
        .filter_map(|name| {
            entroos_primitives::crypto::sr25519::Pair::from_uri(&format!("//{name}")).ok()
        })
        .map(|pair| pair.public())
        .collect()
}
