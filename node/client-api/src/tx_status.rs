//! What the pool tells a watched transaction's subscribers, in Substrate's
//! order and JSON shape; the pool produces it and the RPC sends it as is.

use entroos_primitives::H256;
use serde::Serialize;

/// A transaction's status, in Substrate's JSON shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum TxStatus {
    /// Waiting for an earlier nonce.
    Future,
    /// Ready for a block.
    Ready,
    /// Gossiped to peers.
    Broadcast(Vec<String>),
    /// Included in a block.
    InBlock(H256),
    /// Its block left the best chain.
    Retracted(H256),
    /// Finality timed out.
    FinalityTimeout(H256),
    /// Its block was finalized.
    Finalized(H256),
    /// Replaced by another transaction.
    Usurped(H256),
    /// Dropped by the pool.
    Dropped,
    /// Found invalid.
    Invalid,
}

impl TxStatus {
    /// Whether no status follows this one.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            TxStatus::Finalized(_)
                | TxStatus::Usurped(_)
                | TxStatus::Dropped
                | TxStatus::Invalid
                | TxStatus::FinalityTimeout(_)
        )
    }
}
