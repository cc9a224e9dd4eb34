//! What the sync machine asks the node to do.

use entroos_network_api::{BlockAnnounce, BlockRequest, PeerId, ReputationChange, RequestId};
use entroos_primitives::{Block, BlockNumber, H256};

/// One effect of [`crate::ChainSync::apply`], performed by the node in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Send a block request; its outcome comes back as
    /// [`crate::Input::Response`] or [`crate::Input::RequestFailed`] with `id`.
    SendRequest {
        /// The peer asked.
        peer: PeerId,
        /// The request's id.
        id: RequestId,
        /// The request.
        request: BlockRequest,
    },
    /// Import these blocks in this order (each one's parent comes before
    /// it or is already in the chain), answering each with
    /// [`crate::Input::Imported`].
    ImportBlocks(Vec<IncomingBlock>),
    /// Change a peer's reputation.
    ReportPeer {
        /// The peer.
        peer: PeerId,
        /// The change.
        change: ReputationChange,
    },
    /// Close the connection to a peer (the machine has already forgotten it).
    Disconnect {
        /// The peer.
        peer: PeerId,
    },
    /// Announce a block imported while following the tip to all peers.
    Announce(BlockAnnounce),
    /// A peer's justification of a block asked for with
    /// [`crate::Input::WantJustification`], undecoded: finality checks it.
    Justification {
        /// The peer that sent it (blamed if it is bad).
        origin: PeerId,
        /// The block's hash.
        hash: H256,
        /// Its number.
        number: BlockNumber,
        /// The encoded justification.
        bytes: Vec<u8>,
    },
}

/// A downloaded block for import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingBlock {
    /// The peer that sent it (blamed if it is bad).
    pub origin: PeerId,
    /// The block.
    pub block: Block,
    /// Its justification, if the peer had one.
    pub justification: Option<Vec<u8>>,
}
