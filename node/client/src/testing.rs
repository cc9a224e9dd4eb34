//! Chains for tests and simulations: a preset's genesis in an in-memory
//! (or any) database, driven by a manual clock.

use crate::{Client, ClientConfig, OneBatch};
use entroos_client_api::{ClientError, ManualClock};
use entroos_db::{Database, Pruning};
use entroos_executor::genesis;
use std::sync::Arc;

/// The slot length of development test chains (the dev preset's).
pub const TEST_SLOT_MILLIS: u64 = 1_000;
/// The time test chains start at (slot 1,800,000,000 of one-second slots).
pub const TEST_START_MILLIS: u64 = 1_800_000_000_000;

/// A chain of genesis preset `preset` over `db`, with its clock at
/// [`TEST_START_MILLIS`]; the slot length is the preset's.
pub fn preset_client_on(
    preset: &str,
    db: Database,
) -> Result<(Arc<Client>, Arc<ManualClock>), ClientError> {
    let clock = Arc::new(ManualClock::new(TEST_START_MILLIS));
    let storage = genesis::preset_storage(preset).map_err(|e| ClientError::Execution {
        method: "GenesisBuilder_build_state".into(),
        source: Box::new(e),
    })?;
    let config = ClientConfig {
        slot_millis: None,
        clock: clock.clone(),
        signatures: Arc::new(OneBatch),
    };
    Ok((Arc::new(Client::open(db, &storage, config)?), clock))
}

/// A development chain (validator `//Alice`, one-second slots) over `db`.
pub fn dev_client_on(db: Database) -> Result<(Arc<Client>, Arc<ManualClock>), ClientError> {
    preset_client_on(genesis::DEV_PRESET, db)
}

/// A development chain in memory.
pub fn dev_client(pruning: Pruning) -> Result<(Arc<Client>, Arc<ManualClock>), ClientError> {
    dev_client_on(Database::in_memory(pruning))
}

/// A local testnet chain (validators `//Alice` … `//Dave`, two-second
/// slots) in memory.
pub fn local_client(pruning: Pruning) -> Result<(Arc<Client>, Arc<ManualClock>), ClientError> {
    preset_client_on(genesis::LOCAL_PRESET, Database::in_memory(pruning))
}
