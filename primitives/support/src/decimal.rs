//! `FixedU128` in JSON as an exact decimal string (`"0.9"`), for
//! `#[serde(with = "entroos_support::decimal")]` on parameter fields: chain
//! specs write ratios as decimals, never as floats.

use entroos_primitives::arithmetic::FixedU128;
use serde::{Deserialize, Deserializer, Serializer};

/// Writes `value` as its exact decimal string.
pub fn serialize<S: Serializer>(value: &FixedU128, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&value.to_string())
}

/// Reads an exact decimal string; the error names the text and why.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<FixedU128, D::Error> {
    let text = String::deserialize(d)?;
    text.parse()
        .map_err(|e| serde::de::Error::custom(format!("{text:?}: {e}")))
}
