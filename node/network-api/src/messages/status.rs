//! The handshake of the block-announces protocol: Substrate's
//! `BlockAnnouncesHandshake` (`roles: u8, best_number: u32, best_hash,
//! genesis_hash`).

use crate::bounded::{decode_whole, DecodeError, MAX_STATUS_BYTES};
use codec::{Decode, Encode};
use entroos_primitives::{BlockNumber, H256};

/// What a node does, as Substrate's role bits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode)]
pub struct Roles(pub u8);

impl Roles {
    /// A full node.
    pub const FULL: Roles = Roles(0b0001);
    /// A light client.
    pub const LIGHT: Roles = Roles(0b0010);
    /// A full node that authors blocks.
    pub const AUTHORITY: Roles = Roles(0b0100);

    /// Whether all bits of `other` are set.
    pub fn contains(self, other: Roles) -> bool {
        self.0 & other.0 == other.0
    }
}

/// A node's status, exchanged when the announcement substream opens.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Status {
    /// Its roles.
    pub roles: Roles,
    /// Its best block's number.
    pub best_number: BlockNumber,
    /// Its best block's hash.
    pub best_hash: H256,
    /// Its genesis hash: peers of another chain are refused.
    pub genesis_hash: H256,
}

/// Why a handshake is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HandshakeError {
    /// The peer follows another chain.
    #[error("peer's genesis {theirs} differs from ours {ours}")]
    GenesisMismatch {
        /// Our genesis.
        ours: H256,
        /// Theirs.
        theirs: H256,
    },
}

impl Status {
    /// Decodes a handshake from untrusted bytes.
    pub fn decode_bounded(bytes: &[u8]) -> Result<Self, DecodeError> {
        decode_whole("status", bytes, MAX_STATUS_BYTES)
    }

    /// Refuses a peer of another chain.
    pub fn check_genesis(&self, ours: &H256) -> Result<(), HandshakeError> {
        if self.genesis_hash != *ours {
            return Err(HandshakeError::GenesisMismatch {
                ours: *ours,
                theirs: self.genesis_hash,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_encoding() {
        let status = Status {
            roles: Roles::FULL,
            best_number: 0x0102_0304,
            best_hash: H256([0xbb; 32]),
            genesis_hash: H256([0x99; 32]),
        };
        let bytes = status.encode();
        let mut expected = vec![1, 4, 3, 2, 1];
        expected.extend([0xbb; 32]);
        expected.extend([0x99; 32]);
        assert_eq!(bytes, expected);
        assert_eq!(Status::decode_bounded(&bytes), Ok(status.clone()));
        assert!(status.check_genesis(&H256([0x99; 32])).is_ok());
        assert_eq!(
            status.check_genesis(&H256([1; 32])),
            Err(HandshakeError::GenesisMismatch {
                ours: H256([1; 32]),
                theirs: H256([0x99; 32])
            })
        );
        assert!(Roles(0b101).contains(Roles::AUTHORITY));
    }
}
