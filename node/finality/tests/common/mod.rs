//! Shared test support: an in-memory block tree, a simulated network of
//! finality voters, and the measurements taken from it.
#![allow(dead_code)]

pub mod report;
pub mod rng;
pub mod scenarios;
pub mod sim;
pub mod tree;
