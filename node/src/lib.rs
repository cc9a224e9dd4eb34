//! # EntroOS node
//!
//! The services around the runtime: the database ([`db`]), state access
//! ([`state`]), block import and queries ([`client`]), the transaction pool
//! ([`pool`]), block authoring ([`author`]), chain specs ([`chain_spec`]),
//! the CLI ([`cli`]), metrics ([`metrics`]) and the service that wires them
//! ([`service`]). The node reaches the runtime only through
//! `entroos_runtime::api::call`.
#![allow(clippy::result_large_err)]

pub mod db;
