//! # EntroOS JSON-RPC
//!
//! Substrate's legacy JSON-RPC surface (`system_*`, `chain_*`, `state_*`,
//! `author_*`), with its aliases, notification names and error codes, served
//! over WebSocket and HTTP on one port. It depends only on the narrow traits
//! of [`api`] — chain reader, state reader, transaction pool, network status —
//! which the node implements; nothing here knows the node's types.
//!
//! Parameters are accepted the way clients send them: absent, `[]`, shorter
//! than the arity or `null` for "not given"; block numbers as numbers or hex.

pub mod api;
mod author;
mod chain;
pub mod error;
mod params;
mod server;
mod state;
mod system;

pub use api::{ChainApi, NetworkApi, PoolApi, StateApi, SubmitError, SystemInfo, TxStatus};
pub use jsonrpsee::server::ServerHandle;
pub use server::{build_module, start, Cors, Deps, RpcConfig, RpcMethods};
