//! Generic chain types: headers, digests, blocks, eras and extrinsics.

mod block;
mod digest;
mod era;
pub mod extensions;
mod extrinsic;
mod header;

pub use block::{Block, Justifications, OpaqueExtrinsic, SignedBlock};
pub use digest::{ConsensusEngineId, Digest, DigestItem};
pub use era::Era;
pub use extrinsic::{signing_payload, SignedExtra, UncheckedExtrinsic, EXTRINSIC_FORMAT_VERSION};
pub use header::Header;

/// Serde for types that travel in JSON as the hex of their SCALE encoding.
pub(crate) mod scale_hex {
    use codec::{Decode, DecodeAll, Encode};
    use serde::{Deserialize, Deserializer, Serializer};

    /// `"0x" ++ hex(SCALE(value))`.
    pub fn serialize<T: Encode, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("0x{}", hex::encode(value.encode())))
    }

    /// The inverse of [`serialize`]; the whole input must decode.
    pub fn deserialize<'de, T: Decode, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
        let text = String::deserialize(d)?;
        let bytes = hex::decode(text.strip_prefix("0x").unwrap_or(&text))
            .map_err(serde::de::Error::custom)?;
        T::decode_all(&mut &bytes[..]).map_err(|e| serde::de::Error::custom(e.to_string()))
    }
}
