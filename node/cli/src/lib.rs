//! # EntroOS node
//!
//! The `entroos-node` binary's library: the command line ([`cli`]), chain
//! specs ([`chain_spec`]), keys ([`keys`], [`key_commands`]; the keystore
//! seen by the runtime and RPC in [`session_keys`]), block files ([`blocks`]),
//! batched finality of imported blocks ([`finality`]), the finality round
//! shared with RPC and metrics ([`finality_status`]), block signatures
//! verified on every core ([`signatures`]), metrics ([`metrics`],
//! [`consensus_metrics`]), the
//! JSON-RPC bridge ([`rpc_bridge`]), the slot timer ([`authoring`]), the
//! network and sync driver ([`network`]), the off-chain workers
//! ([`offchain`]) and the service that wires the node's crates together
//! ([`service`]). This is the only crate that starts tasks and threads
//! (the off-chain worker's, too, through its `Spawner`); the parts it
//! wires are `entroos-db`, `entroos-client`, `entroos-txpool`,
//! `entroos-authorship`, `entroos-network`, `entroos-sync`,
//! `entroos-offchain` and `entroos-rpc`, and it reaches
//! the runtime only through `entroos-executor`.
//!
//! Invariants: every imported block is committed in one atomic database
//! write; the best and finalized pointers only ever name committed blocks;
//! nothing the network or RPC sends can stop the node — bad input is
//! refused with a typed error and the reason.
#![allow(clippy::result_large_err)]

pub mod authoring;
pub mod blocks;
pub mod chain_spec;
pub mod cli;
pub mod consensus_metrics;
pub mod finality;
pub mod finality_status;
pub mod key_commands;
pub mod keys;
pub mod metrics;
pub mod network;
pub mod offchain;
pub mod pool_maintenance;
pub mod rpc_bridge;
pub mod service;
pub mod session_keys;
pub mod signatures;
pub mod tasks;
