//! The pallet's tests on the mock runtime.

mod assignment;
mod disputes;
mod genesis;
mod heartbeat;
mod lifecycle;
mod modules;
mod offchain;
mod providers;
mod reveal;
mod wasm;
