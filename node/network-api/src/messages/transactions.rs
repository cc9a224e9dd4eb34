//! Transaction gossip: `Vec<extrinsic>`, each extrinsic its own
//! length-prefixed bytes, as in Substrate's transactions protocol.

use crate::bounded::{DecodeError, Reader, MAX_TRANSACTIONS_BYTES, MAX_TRANSACTIONS_PER_MESSAGE};
use codec::Encode;

/// Encoded extrinsics gossiped to peers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode)]
pub struct Transactions(pub Vec<Vec<u8>>);

impl Transactions {
    /// Decodes a gossip message from untrusted bytes.
    pub fn decode_bounded(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut reader = Reader::new("transactions", bytes, MAX_TRANSACTIONS_BYTES)?;
        let count = reader.count("transactions", MAX_TRANSACTIONS_PER_MESSAGE)?;
        let mut txs = Vec::new();
        for _ in 0..count {
            txs.push(reader.bytes("transaction", MAX_TRANSACTIONS_BYTES)?);
        }
        reader.finish()?;
        Ok(Transactions(txs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_encoding() {
        let message = Transactions(vec![vec![0xaa], vec![]]);
        let bytes = message.encode();
        assert_eq!(bytes, vec![8, 4, 0xaa, 0]);
        assert_eq!(Transactions::decode_bounded(&bytes), Ok(message));
        assert!(Transactions::decode_bounded(&[4]).is_err());
    }
}
