//! Finality in the node: the task that drives the `entroos-finality`
//! machine, and the batched finality of single-authority chains
//! ([`BatchFinality`]).
//!
//! ## The finality task
//!
//! Every node runs the machine: a node holding the `gran` (ed25519) key of
//! a member of the current set votes; any other node observes, following
//! the rounds from the votes it receives and finalizing from their
//! precommits and from justifications. The task runs on a thread of its
//! own and takes, in batches, what [`FinalityLink`] carries to it:
//!
//! - finality messages from peers (`finality/1`, forwarded by the network
//!   driver), decoded within the machine's bounds; a message that does not
//!   decode, or that the machine refuses as misbehaviour, costs its sender
//!   reputation. A new vote the machine accepts is relayed once to the
//!   other peers, so that voters not connected to each other still hear
//!   each other;
//! - imported blocks: each one is first checked for a set change (see
//!   [`sets`]), which the machine hears before the block itself;
//! - justifications that came with blocks from sync, or that a peer sent
//!   when asked: when the block that hands the current set over stays
//!   unfinalized, the task asks peers for its justification (see
//!   [`hand_over`]).
//!
//! Above the finalized block the machine sees only the blocks checked for
//! set changes (see [`chain`]), and a justification's target is checked
//! before the justification is applied.
//!
//! It performs the machine's effects in order ([`worker`]): the voter state
//! is written durably (see [`store`]) before anything after it, so a vote
//! is on disk before it is sent and a restarted voter never contradicts
//! itself; blocks are finalized with their justification stored (several
//! finalizations of one batch collapse into the last, but a set's last
//! block is always stored with its justification, which hands over to the
//! next set); vote equivocations become unsigned `report_vote_equivocation`
//! transactions in the pool; timers are kept until due ([`timers`]).
//! A refusal leaves the machine as it was; a failure to read the chain
//! rebuilds it from the persisted state. Nothing waits for an operator: a
//! stalled round resumes by itself once enough weight is back.

mod batch;
pub mod chain;
pub mod hand_over;
pub mod sets;
pub mod status;
pub mod store;
pub mod timers;
mod worker;

pub use batch::BatchFinality;
pub use worker::{start, FinalityParts, FinalityTask};

use entroos_client_api::ClientError;
use entroos_db::DbError;
use entroos_finality::{BlockId, FinalityError};
use entroos_network::PeerId;
use entroos_network_api::ReputationChange;
use entroos_primitives::Header;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};

/// Inputs waiting for the task at most; more are dropped (and logged): a
/// lost vote is sent again by its voter.
pub const INPUT_QUEUE: usize = 4_096;

/// What the finality task can fail with.
#[derive(Debug, thiserror::Error)]
pub enum FinalityTaskError {
    /// The chain could not be read.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// The database could not be read or written.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The machine refused a set or a state.
    #[error(transparent)]
    Finality(#[from] FinalityError),
    /// The runtime answered something unreadable.
    #[error("runtime: {0}")]
    Runtime(String),
    /// The persisted voter state is unreadable.
    #[error("the persisted finality voter state is unreadable: {0}")]
    Corrupt(String),
}

/// What the finality task is told.
#[derive(Debug)]
pub enum ToFinality {
    /// A message of the finality protocol from a peer.
    Message {
        /// The sender.
        peer: PeerId,
        /// Its bytes, not yet decoded.
        bytes: Vec<u8>,
    },
    /// A block was imported.
    Imported(Header),
    /// Import notifications were missed: look at every leaf again.
    Rescan,
    /// A justification that came with a block from sync, after the block
    /// was imported, or that a peer sent when asked for it.
    Justification {
        /// The peer that served it.
        peer: Option<PeerId>,
        /// Its stored form (engine id, then SCALE).
        bytes: Vec<u8>,
    },
}

/// What the finality task asks of the network driver.
#[derive(Debug)]
pub enum FromFinality {
    /// Send a message to every peer with `finality/1` open but `except`.
    Send {
        /// The encoded message.
        bytes: Vec<u8>,
        /// The peer it came from, when relayed.
        except: Option<PeerId>,
    },
    /// A peer misbehaved.
    Report(PeerId, ReputationChange),
    /// Ask a peer for the justification of this block (see
    /// [`entroos_sync::Input::WantJustification`]).
    WantJustification(BlockId),
}

/// The sending side of the task's input queue; cheap to clone.
#[derive(Clone, Debug)]
pub struct FinalityLink {
    to: mpsc::SyncSender<ToFinality>,
    /// Set when an import notification is dropped; the task then checks
    /// every leaf again, as for [`ToFinality::Rescan`].
    missed_imports: Arc<AtomicBool>,
}

impl FinalityLink {
    /// A link and the queue it feeds.
    pub fn new() -> (Self, mpsc::Receiver<ToFinality>) {
        let (to, from) = mpsc::sync_channel(INPUT_QUEUE);
        let missed_imports = Arc::default();
        (FinalityLink { to, missed_imports }, from)
    }

    /// Gives the task an input without waiting; dropped if the queue is
    /// full or the task has stopped. A dropped import notification is
    /// remembered, so that no block goes unchecked for set changes (the
    /// machine would not see it); a dropped vote is sent again by its voter.
    pub fn send(&self, input: ToFinality) {
        let notification = matches!(input, ToFinality::Imported(_) | ToFinality::Rescan);
        if let Err(e) = self.to.try_send(input) {
            tracing::debug!(target: "finality", "an input is dropped: {e}");
            if notification {
                self.missed_imports.store(true, Ordering::SeqCst);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_import_notification_is_remembered_and_other_inputs_are_not() {
        let (link, inputs) = FinalityLink::new();
        for _ in 0..INPUT_QUEUE {
            link.send(ToFinality::Rescan);
        }
        link.send(ToFinality::Justification {
            peer: None,
            bytes: Vec::new(),
        });
        assert!(!link.missed_imports.load(Ordering::SeqCst));
        link.send(ToFinality::Imported(Header::default()));
        assert!(link.missed_imports.load(Ordering::SeqCst));
        assert_eq!(inputs.try_iter().count(), INPUT_QUEUE);
    }
}
