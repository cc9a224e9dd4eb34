//! `entropy_epoch`: the current epoch (`EntropyApi_current_epoch`), the
//! slot duration (`EntropyApi_slot_duration`), the size of the next
//! epoch's set (`EntropyApi_next_epoch`) and the finality set id
//! (`EntropyApi_finality_voters`), all at one block.

use super::runtime_call;
use crate::error::EntropyError;
use crate::params::to_hex;
use crate::server::Deps;
use entroos_consensus_primitives::{EpochInfo, FinalityVoters};
use entroos_primitives::H256;
use serde_json::{json, Value};

pub(super) fn epoch(deps: &Deps, at: H256) -> Result<Value, EntropyError> {
    let current: EpochInfo = runtime_call(deps, at, "EntropyApi_current_epoch")?;
    let next: EpochInfo = runtime_call(deps, at, "EntropyApi_next_epoch")?;
    let slot_duration: u64 = runtime_call(deps, at, "EntropyApi_slot_duration")?;
    let voters: FinalityVoters = runtime_call(deps, at, "EntropyApi_finality_voters")?;
    Ok(json!({
        "at": at,
        "index": current.index,
        "startSlot": current.start_slot,
        "length": current.length,
        "slotDuration": slot_duration,
        "randomness": to_hex(&current.randomness),
        "setSize": current.authorities.len(),
        "nextSetSize": next.authorities.len(),
        "setId": voters.set_id,
    }))
}
