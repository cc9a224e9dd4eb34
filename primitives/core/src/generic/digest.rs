//! Header digests. Only the five kinds every client decodes exist here:
//! `Other = 0`, `Consensus = 4`, `Seal = 5`, `PreRuntime = 6`,
//! `RuntimeEnvironmentUpdated = 8`. In JSON each item is the hex of its SCALE.

use codec::{Decode, Encode};
use scale_info::TypeInfo;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A consensus engine's four-byte id (e.g. `*b"entr"`).
pub type ConsensusEngineId = [u8; 4];

/// One digest item.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("entroos_primitives", "sp_runtime"))]
pub enum DigestItem {
    /// Arbitrary data.
    #[codec(index = 0)]
    Other(Vec<u8>),
    /// A message from the runtime to the consensus engine.
    #[codec(index = 4)]
    Consensus(ConsensusEngineId, Vec<u8>),
    /// The author's seal, added after execution and excluded from it.
    #[codec(index = 5)]
    Seal(ConsensusEngineId, Vec<u8>),
    /// Data the consensus engine gives the runtime before execution.
    #[codec(index = 6)]
    PreRuntime(ConsensusEngineId, Vec<u8>),
    /// The runtime code or heap pages changed.
    #[codec(index = 8)]
    RuntimeEnvironmentUpdated,
}

/// The digest of a header.
#[derive(
    Clone, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo, Serialize, Deserialize,
)]
#[scale_info(replace_segment("entroos_primitives", "sp_runtime"))]
pub struct Digest {
    /// The items, in order.
    pub logs: Vec<DigestItem>,
}

impl Digest {
    /// The first pre-runtime item of the given engine.
    pub fn pre_runtime(&self, engine: ConsensusEngineId) -> Option<&[u8]> {
        self.logs.iter().find_map(|item| match item {
            DigestItem::PreRuntime(id, data) if *id == engine => Some(data.as_slice()),
            _ => None,
        })
    }

    /// The last item, if it is a seal.
    pub fn seal(&self) -> Option<(&ConsensusEngineId, &[u8])> {
        match self.logs.last() {
            Some(DigestItem::Seal(id, data)) => Some((id, data.as_slice())),
            _ => None,
        }
    }
}

impl Serialize for DigestItem {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        super::scale_hex::serialize(self, s)
    }
}

impl<'de> Deserialize<'de> for DigestItem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        super::scale_hex::deserialize(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_vector() {
        let digest = Digest {
            logs: vec![
                DigestItem::Other(vec![1, 2, 3]),
                DigestItem::Seal(*b"test", vec![1, 2, 3]),
            ],
        };
        let json = serde_json::to_string(&digest).unwrap();
        assert_eq!(json, r#"{"logs":["0x000c010203","0x05746573740c010203"]}"#);
        assert_eq!(serde_json::from_str::<Digest>(&json).unwrap(), digest);
    }

    #[test]
    fn unknown_kinds_are_rejected() {
        for kind in [1u8, 2, 3, 7, 9] {
            assert!(
                DigestItem::decode(&mut &[kind, 0][..]).is_err(),
                "kind {kind}"
            );
        }
    }
}
