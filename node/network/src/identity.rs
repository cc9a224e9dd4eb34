//! Node identity: the ed25519 node key and the peer ids derived from it.
//!
//! A node key is a 32-byte ed25519 secret seed, given as hex by `--node-key`
//! (zombienet passes `sha256(node name)`). The peer id is the libp2p ed25519
//! peer id of that key: an identity multihash of the protobuf-encoded public
//! key, displayed in base58 (`12D3KooW…`), exactly as Substrate and zombienet
//! compute it.

use crate::error::{NodeKeyError, PeerIdError};
use libp2p::identity::{ed25519, Keypair};
use std::fmt;
use std::str::FromStr;
use zeroize::Zeroize;

/// The ed25519 secret seed that identifies this node on the network.
#[derive(Clone)]
pub struct NodeKey {
    seed: [u8; 32],
    keypair: ed25519::Keypair,
}

impl NodeKey {
    /// A node key from its raw bytes (the stored key file's content), which
    /// must be exactly 32.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, NodeKeyError> {
        let mut seed =
            <[u8; 32]>::try_from(bytes).map_err(|_| NodeKeyError::InvalidLength(bytes.len()))?;
        let secret = ed25519::SecretKey::try_from_bytes(&mut seed)
            .map_err(|_| NodeKeyError::InvalidLength(bytes.len()))?;
        let key = Self::from_secret(secret);
        seed.zeroize();
        Ok(key)
    }

    /// A node key from hex (64 digits, with or without `0x`), as `--node-key` takes it.
    pub fn from_hex(hex_key: &str) -> Result<Self, NodeKeyError> {
        let digits = hex_key.trim();
        let digits = digits.strip_prefix("0x").unwrap_or(digits);
        let mut bytes = hex::decode(digits).map_err(|_| NodeKeyError::InvalidHex)?;
        let key = Self::from_bytes(&bytes);
        bytes.zeroize();
        key
    }

    /// A new random node key.
    pub fn generate() -> Self {
        Self::from_secret(ed25519::SecretKey::generate())
    }

    fn from_secret(secret: ed25519::SecretKey) -> Self {
        let mut seed = [0u8; 32];
        seed.copy_from_slice(secret.as_ref());
        Self {
            seed,
            keypair: ed25519::Keypair::from(secret),
        }
    }

    /// The secret seed, to store it.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.seed
    }

    /// The peer id of this key.
    pub fn peer_id(&self) -> PeerId {
        PeerId(self.keypair().public().to_peer_id())
    }

    pub(crate) fn keypair(&self) -> Keypair {
        Keypair::from(self.keypair.clone())
    }
}

impl Drop for NodeKey {
    fn drop(&mut self) {
        self.seed.zeroize();
    }
}

impl fmt::Debug for NodeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NodeKey({})", self.peer_id())
    }
}

/// The peer id of the node key given as hex, as `--node-key` takes it.
pub fn peer_id_from_secret(hex_key: &str) -> Result<PeerId, NodeKeyError> {
    NodeKey::from_hex(hex_key).map(|key| key.peer_id())
}

/// A new random node key.
pub fn generate_node_key() -> NodeKey {
    NodeKey::generate()
}

/// A peer's identity: the multihash of its public key, shown in base58.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PeerId(libp2p::PeerId);

impl PeerId {
    /// A peer id from its multihash bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, PeerIdError> {
        libp2p::PeerId::from_bytes(bytes)
            .map(Self)
            .map_err(|_| PeerIdError::Invalid)
    }

    /// The multihash bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.to_bytes()
    }

    /// The base58 form (`12D3KooW…`).
    pub fn to_base58(&self) -> String {
        self.0.to_base58()
    }

    pub(crate) fn from_libp2p(peer: libp2p::PeerId) -> Self {
        Self(peer)
    }

    pub(crate) fn libp2p(&self) -> libp2p::PeerId {
        self.0
    }
}

impl FromStr for PeerId {
    type Err = PeerIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        libp2p::PeerId::from_str(s)
            .map(Self)
            .map_err(|_| PeerIdError::Invalid)
    }
}

impl fmt::Display for PeerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base58())
    }
}

impl fmt::Debug for PeerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PeerId({self})")
    }
}
