//! Lenient positional parameters, and hex read the way Substrate reads it.

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

    /// Hex bytes at `index` (see [`hex_bytes`]), required.
    pub fn bytes(&self, index: usize, name: &str) -> Result<Vec<u8>, ErrorObjectOwned> {
        let text: String = self.req(index, name)?;
        hex_param(&text, index, name)
    }

    /// Hex bytes at `index` (see [`hex_bytes`]), if given.
    pub fn opt_bytes(&self, index: usize, name: &str) -> Result<Option<Vec<u8>>, ErrorObjectOwned> {
        self.opt::<String>(index)?
            .map(|text| hex_param(&text, index, name))
            .transpose()
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

/// Why a parameter is not hex.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HexError {
    /// A character that is not a hex digit, at its byte index in the text.
    #[error("invalid hex character: {character}, at {index}")]
    InvalidCharacter {
        /// The character.
        character: char,
        /// Where it is, counting the `0x` prefix.
        index: usize,
    },
}

/// Decodes hex the way Substrate decodes its `Bytes` and `StorageKey`
/// parameters: the `0x` prefix is optional, `""` and `"0x"` are no bytes,
/// and an odd number of digits reads as if led by a zero (`"0x123"` is
/// `[0x01, 0x23]`). Any other character, whitespace included, is refused.
pub fn hex_bytes(text: &str) -> Result<Vec<u8>, HexError> {
    let (digits, offset) = match text.strip_prefix("0x") {
        Some(rest) => (rest, 2),
        None => (text, 0),
    };
    let nibbles = digits
        .char_indices()
        .map(|(index, character)| {
            character
                .to_digit(16)
                .and_then(|d| u8::try_from(d).ok())
                .ok_or(HexError::InvalidCharacter {
                    character,
                    index: index + offset,
                })
        })
        .collect::<Result<Vec<u8>, _>>()?;
    let lead = (nibbles.len() % 2 == 1).then_some(0);
    let nibbles: Vec<u8> = lead.into_iter().chain(nibbles).collect();
    Ok(nibbles
        .chunks_exact(2)
        .map(|pair| pair.iter().fold(0, |byte, nibble| byte << 4 | nibble))
        .collect())
}

/// Hex bytes of the parameter at `index`, or the -32602 naming it.
pub fn hex_param(text: &str, index: usize, name: &str) -> Result<Vec<u8>, ErrorObjectOwned> {
    hex_bytes(text).map_err(|e| invalid_params(format!("parameter {index} ({name}): {e}")))
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

#[cfg(test)]
mod tests {
    use super::{hex_bytes, HexError};

    #[test]
    fn hex_reads_like_substrates_bytes() {
        let table: &[(&str, Result<Vec<u8>, HexError>)] = &[
            ("0x0102", Ok(vec![1, 2])),
            ("0102", Ok(vec![1, 2])),
            ("0xABcd", Ok(vec![0xab, 0xcd])),
            ("", Ok(vec![])),
            ("0x", Ok(vec![])),
            ("0x1", Ok(vec![1])),
            ("0x123", Ok(vec![0x01, 0x23])),
            ("123", Ok(vec![0x01, 0x23])),
            ("0xzz", Err(bad('z', 2))),
            ("zz", Err(bad('z', 0))),
            ("0x01 02", Err(bad(' ', 4))),
            ("0X01", Err(bad('X', 1))),
            ("0x0\u{e9}", Err(bad('\u{e9}', 3))),
        ];
        for (text, expected) in table {
            assert_eq!(&hex_bytes(text), expected, "{text:?}");
        }
    }

    fn bad(character: char, index: usize) -> HexError {
        HexError::InvalidCharacter { character, index }
    }
}
