//! Lenient positional parameters.

use crate::error::invalid_params;
use entroos_primitives::{BlockNumber, H256};
use jsonrpsee::types::{ErrorObjectOwned, Params};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Positional parameters; missing and `null` mean "not given".
pub struct Args(Vec<Value>);

impl Args {
    /// Parses the request's parameters (absent, an array, or a lone value).
    pub fn parse(params: &Params) -> Result<Self, ErrorObjectOwned> {
        let Some(raw) = params.as_str() else {
            return Ok(Args(Vec::new()));
        };
        match serde_json::from_str::<Value>(raw) {
            Ok(Value::Array(values)) => Ok(Args(values)),
            Ok(Value::Null) => Ok(Args(Vec::new())),
            Ok(_) => Err(invalid_params("parameters must be a JSON array")),
            Err(e) => Err(invalid_params(format!("invalid JSON parameters: {e}"))),
        }
    }

    fn value(&self, index: usize) -> Option<&Value> {
        self.0.get(index).filter(|v| !v.is_null())
    }

    /// The parameter at `index`, if given.
    pub fn opt<T: DeserializeOwned>(&self, index: usize) -> Result<Option<T>, ErrorObjectOwned> {
        self.value(index)
            .map(|v| {
                serde_json::from_value(v.clone())
                    .map_err(|e| invalid_params(format!("parameter {index}: {e}")))
            })
            .transpose()
    }

    /// The parameter at `index`, required.
    pub fn req<T: DeserializeOwned>(
        &self,
        index: usize,
        name: &str,
    ) -> Result<T, ErrorObjectOwned> {
        self.opt(index)?
            .ok_or_else(|| invalid_params(format!("missing parameter {index} ({name})")))
    }

    /// `0x` hex bytes at `index`, required.
    pub fn bytes(&self, index: usize, name: &str) -> Result<Vec<u8>, ErrorObjectOwned> {
        let text: String = self.req(index, name)?;
        hex_bytes(&text).map_err(|e| invalid_params(format!("parameter {index} ({name}): {e}")))
    }

    /// A block hash at `index`, if given.
    pub fn hash(&self, index: usize) -> Result<Option<H256>, ErrorObjectOwned> {
        let Some(text) = self.opt::<String>(index)? else {
            return Ok(None);
        };
        text.parse()
            .map(Some)
            .map_err(|e| invalid_params(format!("parameter {index} (block hash): {e}")))
    }

    /// A block number (a number or hex string) at `index`, if given.
    pub fn number(&self, index: usize) -> Result<Option<BlockNumber>, ErrorObjectOwned> {
        let Some(value) = self.value(index) else {
            return Ok(None);
        };
        parse_number(value)
            .map(Some)
            .map_err(|e| invalid_params(format!("parameter {index} (block number): {e}")))
    }

    /// All parameters.
    pub fn values(&self) -> &[Value] {
        &self.0
    }
}

/// Decodes `0x`-prefixed hex.
pub fn hex_bytes(text: &str) -> Result<Vec<u8>, String> {
    let raw = text
        .strip_prefix("0x")
        .ok_or_else(|| "expected 0x-prefixed hex".to_string())?;
    hex::decode(raw).map_err(|e| format!("invalid hex: {e}"))
}

/// `0x`-prefixed lower-case hex.
pub fn to_hex(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// A block number given as a JSON number or a hex/decimal string.
pub fn parse_number(value: &Value) -> Result<BlockNumber, String> {
    match value {
        Value::Number(n) => n
            .as_u64()
            .and_then(|n| BlockNumber::try_from(n).ok())
            .ok_or_else(|| format!("{n} is not a block number")),
        Value::String(s) => match s.strip_prefix("0x") {
            Some(h) => BlockNumber::from_str_radix(h, 16).map_err(|e| format!("{s}: {e}")),
            None => s.parse().map_err(|e| format!("{s}: {e}")),
        },
        other => Err(format!("{other} is not a block number")),
    }
}
