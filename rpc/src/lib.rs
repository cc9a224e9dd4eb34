//! # EntroOS JSON-RPC
//!
//! Substrate's legacy JSON-RPC surface (`system_*`, `chain_*`, `state_*`,
//! `author_*`), with its aliases, notification names and error codes, served
//! over WebSocket and HTTP on one port. It depends only on the narrow traits
//! of [`api`] — chain reader, state reader, transaction pool, network status —
//! which the node implements; nothing here knows the node's types.
//!
//! Parameters are accepted the way clients send them: absent, `[]`, shorter
//! than the arity or `null` for "not given"; block numbers as numbers or hex;
//! bytes and storage keys as Substrate reads them (`0x` optional, `""` for no
//! bytes, an odd digit count as if led by a zero); hashes with or without
//! `0x`.
//!
//! Node reads and runtime calls never run on the async workers: methods run
//! on the blocking pool, and so does every read a subscription makes. Work
//! a client can make large is bounded: storage queries read at most
//! [`MAX_QUERY_KEYS`] keys, `state_queryStorage` (unsafe, as in Substrate)
//! at most [`MAX_QUERY_BLOCKS`] blocks, `state_getKeysPaged` at most
//! [`MAX_KEYS_PAGE`] keys, and a batch at most [`RpcConfig::max_batch_len`]
//! calls.

pub mod api;
mod author;
mod chain;
pub mod error;
mod params;
mod server;
mod state;
mod system;
mod tasks;

pub use api::{ChainApi, NetworkApi, PoolApi, StateApi, SubmitError, SystemInfo, TxStatus};
pub use jsonrpsee::server::ServerHandle;
pub use server::{build_module, start, Cors, Deps, RpcConfig, RpcMethods};
pub use state::{MAX_KEYS_PAGE, MAX_QUERY_BLOCKS, MAX_QUERY_KEYS};
