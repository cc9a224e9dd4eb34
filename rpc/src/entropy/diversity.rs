//! `entropy_diversity`: the runtime's `EntropyApi_diversity` as JSON —
//! each entropy as `{ ppb, decimal }` (normalized: 1 is an even spread),
//! each Nakamoto coefficient as a number.

use super::format::{fixed_decimal, fixed_ppb};
use super::runtime_call;
use crate::error::EntropyError;
use crate::server::Deps;
use entroos_consensus_primitives::DiversityReport;
use entroos_primitives::arithmetic::FixedU128;
use entroos_primitives::H256;
use serde_json::{json, Value};

fn entropy_json(value: FixedU128) -> Value {
    json!({ "ppb": fixed_ppb(value), "decimal": fixed_decimal(value) })
}

pub(super) fn diversity(deps: &Deps, at: H256) -> Result<Value, EntropyError> {
    let report: DiversityReport = runtime_call(deps, at, "EntropyApi_diversity")?;
    Ok(json!({
        "at": at,
        "epoch": report.epoch,
        "validators": report.validators,
        "validatorEntropy": entropy_json(report.validator_entropy),
        "operatorEntropy": entropy_json(report.operator_entropy),
        "zoneEntropy": entropy_json(report.zone_entropy),
        "nakamoto": report.nakamoto,
        "operatorNakamoto": report.operator_nakamoto,
        "zoneNakamoto": report.zone_nakamoto,
    }))
}
