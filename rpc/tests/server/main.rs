//! The server against an in-memory node: bounds, batches, where node work
//! runs, subscriptions over HTTP, request ids and hex parameters, each
//! compared with what a Substrate node answers.

mod archive;
mod batch;
mod blocking;
mod chain_head;
mod entropy;
mod hex_params;
mod http_subscriptions;
mod keys;
mod offchain;
mod pins;
mod poe;
mod queries;
mod read_proof;
mod request_ids;
mod support;
mod transactions;
