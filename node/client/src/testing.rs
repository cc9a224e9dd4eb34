//! Chains for tests and simulations: the development genesis in an
//! in-memory (or any) database, driven by a manual clock, and blocks built
//! and sealed by the dev authority without a pool.

use crate::{Client, ClientConfig, LongestChain, OneBatch};
use entroos_client_api::{ClientError, ManualClock};
use entroos_db::{Database, Pruning};
use entroos_executor::genesis;
use std::sync::Arc;

/// The slot length of test chains.
pub const TEST_SLOT_MILLIS: u64 = 1_000;
/// The time test chains start at (slot 1,800,000,000).
pub const TEST_START_MILLIS: u64 = 1_800_000_000_000;

/// A development chain (authority `//Alice`) over `db`, with its clock.
pub fn dev_client_on(db: Database) -> Result<(Arc<Client>, Arc<ManualClock>), ClientError> {
    let clock = Arc::new(ManualClock::new(TEST_START_MILLIS));
    let storage =
        genesis::preset_storage(genesis::DEV_PRESET).map_err(|e| ClientError::Execution {
            method: "GenesisBuilder_build_state".into(),
            source: Box::new(e),
        })?;
    let config = ClientConfig {
        slot_millis: Some(TEST_SLOT_MILLIS),
        clock: clock.clone(),
        fork_choice: Box::new(LongestChain),
        signatures: Arc::new(OneBatch),
    };
    Ok((Arc::new(Client::open(db, &storage, config)?), clock))
}

/// A development chain in memory.
pub fn dev_client(pruning: Pruning) -> Result<(Arc<Client>, Arc<ManualClock>), ClientError> {
    dev_client_on(Database::in_memory(pruning))
}
