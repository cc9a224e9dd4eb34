//! The voter's own votes on disk: the machine's [`VoterState`] in the
//! database's auxiliary space, written durably before any vote it records
//! is sent, read back at start-up so that a restarted voter resumes its
//! round and never signs a vote contradicting one it sent.

use super::FinalityTaskError;
use codec::Encode;
use entroos_db::Database;
use entroos_finality::VoterState;

/// The auxiliary key of the voter state.
pub const VOTER_STATE_KEY: &[u8] = b"finality/voter-state";

/// The persisted state, if the node ever voted.
pub fn load(db: &Database) -> Result<Option<VoterState>, FinalityTaskError> {
    let Some(bytes) = db.aux(VOTER_STATE_KEY)? else {
        return Ok(None);
    };
    VoterState::decode_bounded(&bytes)
        .map(Some)
        .map_err(|e| FinalityTaskError::Corrupt(e.to_string()))
}

/// Writes `state`; it is on disk when this returns.
pub fn save(db: &Database, state: &VoterState) -> Result<(), FinalityTaskError> {
    Ok(db.put_aux(VOTER_STATE_KEY, state.encode())?)
}
