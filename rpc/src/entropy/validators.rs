//! `entropy_validators`: the runtime's `EntropyApi_validators` as JSON.
//!
//! Each entry: `stash` (SS58 in the chain's format) and `stashHex`,
//! `member` and `candidate`, `stake` and `weight` (decimal strings),
//! `reliability` and `entropy` (`{ ppb, decimal }`), `share` of the
//! current set's weight and `commission` (`{ ppb, decimal }`), `operator`
//! and `zone` (text, `null` if undeclared) and `sessionKeys`
//! (`{ vrf, finality }` hex, `null` if none).

use super::format::{declared, fixed_decimal, fixed_ppb, perbill_decimal};
use super::runtime_call;
use crate::error::EntropyError;
use crate::params::to_hex;
use crate::server::Deps;
use entroos_consensus_primitives::{ValidatorInfo, ValidatorsReport};
use entroos_primitives::arithmetic::{FixedU128, Perbill};
use entroos_primitives::H256;
use serde_json::{json, Value};

/// Substrate's generic SS58 format, used when the chain names none.
const GENERIC_SS58: u16 = 42;

/// The chain's SS58 format (its `ss58Format` property).
pub(crate) fn ss58_format(deps: &Deps) -> u16 {
    deps.info.properties["ss58Format"]
        .as_u64()
        .and_then(|f| u16::try_from(f).ok())
        .unwrap_or(GENERIC_SS58)
}

pub(super) fn validators(deps: &Deps, at: H256) -> Result<Value, EntropyError> {
    let report: ValidatorsReport = runtime_call(deps, at, "EntropyApi_validators")?;
    let format = ss58_format(deps);
    let validators: Vec<Value> = report
        .validators
        .iter()
        .map(|v| validator_json(v, format))
        .collect();
    Ok(json!({
        "at": at,
        "epoch": report.epoch,
        "totalWeight": report.total_weight.to_string(),
        "validators": validators,
    }))
}

fn fixed_json(value: FixedU128) -> Value {
    json!({ "ppb": fixed_ppb(value), "decimal": fixed_decimal(value) })
}

fn perbill_json(value: Perbill) -> Value {
    json!({ "ppb": value.deconstruct(), "decimal": perbill_decimal(value) })
}

fn validator_json(v: &ValidatorInfo, format: u16) -> Value {
    let keys = v
        .keys
        .map(|k| json!({ "vrf": to_hex(&k.vrf), "finality": to_hex(&k.finality) }));
    json!({
        "stash": entroos_primitives::ss58::encode(format, &v.stash.0),
        "stashHex": to_hex(&v.stash.0),
        "member": v.member,
        "candidate": v.candidate,
        "stake": v.stake.to_string(),
        "reliability": fixed_json(v.reliability),
        "entropy": fixed_json(v.entropy),
        "weight": v.weight.to_string(),
        "share": perbill_json(v.share),
        "commission": perbill_json(v.commission),
        "operator": declared(&v.operator),
        "zone": declared(&v.zone),
        "sessionKeys": keys,
    })
}
