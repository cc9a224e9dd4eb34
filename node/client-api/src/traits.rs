//! The traits between the node's parts.

use crate::error::{ClientError, ImportError};
use entroos_primitives::{Block, BlockNumber, Header, OpaqueExtrinsic, H256};
use std::future::Future;
use std::pin::Pin;

/// The head pointers of the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainHeads {
    /// The genesis hash.
    pub genesis: H256,
    /// The best block.
    pub best: (BlockNumber, H256),
    /// The last finalized block.
    pub finalized: (BlockNumber, H256),
    /// States of canonical blocks below this number are discarded.
    pub pruned_below: BlockNumber,
}

/// Where a block comes from; it decides nothing about how it is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockOrigin {
    /// Authored by this node.
    Own,
    /// Read from a block file.
    File,
    /// Received from a peer.
    Network,
}

/// What an import did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportOutcome {
    /// Newly imported; `best` tells whether it became the best block.
    Imported {
        /// The block's hash.
        hash: H256,
        /// Whether fork choice made it the best block.
        best: bool,
    },
    /// It was already in the chain; nothing changed.
    AlreadyKnown(H256),
}

/// Reading the stored chain.
pub trait HeaderBackend: Send + Sync {
    /// The head pointers.
    fn heads(&self) -> ChainHeads;
    /// The header of any known block.
    fn header(&self, hash: &H256) -> Result<Option<Header>, ClientError>;
    /// The body of any known block.
    fn body(&self, hash: &H256) -> Result<Option<Vec<OpaqueExtrinsic>>, ClientError>;
    /// The justification of a finalized block, if one was stored.
    fn justification(&self, hash: &H256) -> Result<Option<Vec<u8>>, ClientError>;
    /// The hash of block `number` on the best chain.
    fn hash_of(&self, number: BlockNumber) -> Result<Option<H256>, ClientError>;
}

/// Keeping blocks whole while they are read: a pinned block's header,
/// body and state stay, whatever finality and state pruning do, until its
/// last pin goes; then what the pin held back is done.
pub trait BlockPins: Send + Sync {
    /// Pins `hash` once more; refused for an unknown block, and for a new
    /// one when as many blocks as the node keeps pinned are.
    fn pin(&self, hash: &H256) -> Result<(), ClientError>;
    /// Releases one pin of `hash`.
    fn unpin(&self, hash: &H256) -> Result<(), ClientError>;
}

/// Calling the runtime on the state of a block.
pub trait CallExecutor: Send + Sync {
    /// Calls runtime API `method` with SCALE `input` on the state of block
    /// `at`; state changes are discarded.
    fn call_at(&self, at: &H256, method: &str, input: &[u8]) -> Result<Vec<u8>, ClientError>;
}

/// The one way blocks enter the chain.
pub trait BlockImport: Send + Sync {
    /// Verifies, executes and commits `block`, or refuses it with the reason
    /// and no change to the database.
    fn import_block(&self, block: Block, origin: BlockOrigin)
        -> Result<ImportOutcome, ImportError>;
}

/// Moving finality forward.
pub trait Finalizer: Send + Sync {
    /// Finalizes `hash` (and its ancestors) with an optional justification;
    /// `hash` must descend from the current finalized block.
    fn finalize(&self, hash: &H256, justification: Option<Vec<u8>>) -> Result<(), ClientError>;
}

/// A future the node runs until it ends.
pub type Task = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// Where long-running work starts. Only the binary implements it.
pub trait Spawner: Send + Sync {
    /// Runs `task` on the async runtime, named for logs and metrics.
    fn spawn(&self, name: &'static str, task: Task);
    /// Runs `work` on a thread of its own, named.
    fn spawn_blocking(&self, name: &'static str, work: Box<dyn FnOnce() + Send + 'static>);
}
