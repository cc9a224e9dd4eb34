//! The server against an in-memory node: bounds, batches, where node work
//! runs, subscriptions over HTTP, request ids and hex parameters, each
//! compared with what a Substrate node answers.

mod batch;
mod blocking;
mod hex_params;
mod http_subscriptions;
mod queries;
mod request_ids;
mod support;
