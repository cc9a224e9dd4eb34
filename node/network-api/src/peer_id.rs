//! Peer identities, opaque to everything above the transport.

use std::fmt;
use std::str::FromStr;

/// The longest peer id accepted, in bytes (a libp2p multihash of an
/// Ed25519 key is 38 bytes; a SHA-256 multihash 34).
pub const MAX_PEER_ID_BYTES: usize = 128;

/// A peer's identity: the transport's bytes (a libp2p multihash), shown in
/// base58 like libp2p shows it (`12D3KooW…`).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PeerId(Vec<u8>);

/// Why bytes or text are not a peer id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeerIdError {
    /// No bytes at all.
    #[error("empty peer id")]
    Empty,
    /// Longer than [`MAX_PEER_ID_BYTES`].
    #[error("peer id of {0} bytes exceeds {MAX_PEER_ID_BYTES}")]
    TooLong(usize),
    /// The text is not base58.
    #[error("peer id is not base58: {0}")]
    NotBase58(String),
}

impl PeerId {
    /// A peer id from the transport's bytes.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, PeerIdError> {
        match bytes.len() {
            0 => Err(PeerIdError::Empty),
            n if n > MAX_PEER_ID_BYTES => Err(PeerIdError::TooLong(n)),
            _ => Ok(PeerId(bytes)),
        }
    }

    /// The transport's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The base58 text.
    pub fn to_base58(&self) -> String {
        bs58::encode(&self.0).into_string()
    }
}

impl fmt::Display for PeerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base58())
    }
}

impl fmt::Debug for PeerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PeerId({})", self.to_base58())
    }
}

impl FromStr for PeerId {
    type Err = PeerIdError;

    fn from_str(s: &str) -> Result<Self, PeerIdError> {
        let bytes = bs58::decode(s)
            .into_vec()
            .map_err(|e| PeerIdError::NotBase58(e.to_string()))?;
        PeerId::from_bytes(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base58_round_trip() {
        let id = PeerId::from_bytes(vec![0, 36, 8, 1, 18, 32, 7]).unwrap();
        let text = id.to_string();
        assert_eq!(text.parse::<PeerId>().unwrap(), id);
        assert_eq!(format!("{id:?}"), format!("PeerId({text})"));
    }

    #[test]
    fn refuses_empty_long_and_non_base58() {
        assert_eq!(PeerId::from_bytes(vec![]), Err(PeerIdError::Empty));
        assert_eq!(
            PeerId::from_bytes(vec![1; MAX_PEER_ID_BYTES + 1]),
            Err(PeerIdError::TooLong(MAX_PEER_ID_BYTES + 1))
        );
        assert!(matches!(
            "0OIl".parse::<PeerId>(),
            Err(PeerIdError::NotBase58(_))
        ));
        assert_eq!("".parse::<PeerId>(), Err(PeerIdError::Empty));
    }
}
