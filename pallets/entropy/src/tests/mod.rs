//! The pallet's tests on the mock runtime.

mod api;
mod authorship;
mod diversity;
mod duties;
mod epochs;
mod genesis;
mod heartbeat;
mod keys;
mod metadata;
mod rounds;
mod sim;
mod slashing;
mod staking;
mod weight_properties;
