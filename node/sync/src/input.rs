//! What the sync machine is told.

use entroos_client_api::{ImportError, ImportOutcome};
use entroos_network_api::{
    BlockAnnounce, BlockResponse, DecodeError, PeerId, RequestFailure, RequestId, Status,
};
use entroos_primitives::{BlockNumber, H256};

/// One input to [`crate::ChainSync::apply`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// A peer opened the announcement substream with this handshake.
    PeerConnected {
        /// The peer.
        peer: PeerId,
        /// Its handshake.
        status: Status,
    },
    /// A peer left.
    PeerDisconnected {
        /// The peer.
        peer: PeerId,
    },
    /// A peer announced a block.
    Announce {
        /// The sender.
        peer: PeerId,
        /// The announcement.
        announce: BlockAnnounce,
    },
    /// The decoded answer to one of the machine's requests.
    Response {
        /// The peer asked.
        peer: PeerId,
        /// The request's id.
        id: RequestId,
        /// Its answer.
        response: BlockResponse,
    },
    /// One of the machine's requests got no usable answer.
    RequestFailed {
        /// The peer asked.
        peer: PeerId,
        /// The request's id.
        id: RequestId,
        /// Why.
        failure: Failure,
    },
    /// The time (milliseconds); expires requests.
    Tick {
        /// Now.
        now: u64,
    },
    /// Finality wants the justification of block `number` (`hash`): one
    /// peer whose best block is at least that high is asked for it, turn
    /// by turn over such peers.
    WantJustification {
        /// The block's number.
        number: BlockNumber,
        /// Its hash.
        hash: H256,
    },
    /// The import path's verdict on a block handed over by
    /// [`crate::Effect::ImportBlocks`]; every such block gets exactly one.
    Imported {
        /// The block's hash.
        hash: H256,
        /// Its number.
        number: BlockNumber,
        /// The verdict.
        result: ImportResult,
    },
}

/// Why a request got no usable answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The transport failed.
    Network(RequestFailure),
    /// The answer's bytes did not decode.
    Undecodable(DecodeError),
}

/// What import did with a block, as sync needs to know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportResult {
    /// Imported; `best` if fork choice made it the best block.
    Imported {
        /// Whether it became the best block.
        best: bool,
    },
    /// It was already in the chain.
    AlreadyKnown,
    /// The block is invalid: the peer that sent it is to blame.
    BadBlock,
    /// Its parent is not in the chain.
    UnknownParent,
    /// The node failed (storage); the block may be fine.
    NodeFailure,
}

impl ImportResult {
    /// Classifies the import path's answer ([`ImportError::is_bad_block`]).
    pub fn from_import(result: &Result<ImportOutcome, ImportError>) -> Self {
        match result {
            Ok(ImportOutcome::Imported { best, .. }) => ImportResult::Imported { best: *best },
            Ok(ImportOutcome::AlreadyKnown(_)) => ImportResult::AlreadyKnown,
            Err(ImportError::UnknownParent(_)) => ImportResult::UnknownParent,
            Err(e) if e.is_bad_block() => ImportResult::BadBlock,
            Err(_) => ImportResult::NodeFailure,
        }
    }
}
