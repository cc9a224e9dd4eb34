//! Shared test support: an in-memory block tree and a simulated network.
#![allow(dead_code)]

pub mod chain;
pub mod sim;
