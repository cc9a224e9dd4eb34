//! Handing blocks to import, and what its verdicts change: a bad block
//! expels its sender; any failure in the main download restarts it from
//! the local best block once the queue is answered; while following the
//! tip, imported blocks are announced on (of a chain of blocks handed over
//! together, only the top one).

use crate::machine::{ChainSync, Queued, Source};
use crate::peers::PeerState;
use crate::validate::Downloaded;
use crate::{Effect, ImportResult, IncomingBlock, SyncError};
use entroos_client_api::HeaderBackend;
use entroos_network_api::{BlockAnnounce, PeerId, ReputationChange};
use entroos_primitives::H256;

impl ChainSync {
    /// Hands `blocks` (parent first) to import, skipping known ones; joins
    /// the batch of the effect just before if there is one.
    pub(crate) fn queue<C: HeaderBackend + ?Sized>(
        &mut self,
        origin: &PeerId,
        source: Source,
        blocks: Vec<Downloaded>,
        chain: &C,
        out: &mut Vec<Effect>,
    ) -> Result<(), SyncError> {
        let mut incoming = Vec::new();
        for downloaded in blocks {
            let (hash, number, parent) =
                (downloaded.hash, downloaded.number(), downloaded.parent());
            if self.known(chain, &hash)? {
                continue;
            }
            let Some((block, justification)) = downloaded.into_block() else {
                continue;
            };
            self.queued.insert(
                hash,
                Queued {
                    number,
                    parent,
                    origin: origin.clone(),
                    source,
                },
            );
            if source == Source::Main {
                self.main.pending.insert(number, hash);
            }
            incoming.push(IncomingBlock {
                origin: origin.clone(),
                block,
                justification,
            });
        }
        match out.last_mut() {
            _ if incoming.is_empty() => {}
            Some(Effect::ImportBlocks(batch)) => batch.extend(incoming),
            _ => out.push(Effect::ImportBlocks(incoming)),
        }
        Ok(())
    }

    pub(crate) fn on_imported<C: HeaderBackend + ?Sized>(
        &mut self,
        hash: H256,
        result: ImportResult,
        chain: &C,
        out: &mut Vec<Effect>,
    ) -> Result<(), SyncError> {
        let Some(queued) = self.queued.remove(&hash) else {
            return Ok(());
        };
        if queued.source == Source::Main && self.main.pending.get(&queued.number) == Some(&hash) {
            self.main.pending.remove(&queued.number);
        }
        match result {
            ImportResult::Imported { best } => self.announce_imported(hash, best, chain, out)?,
            ImportResult::AlreadyKnown => {}
            ImportResult::BadBlock => {
                self.expel(&queued.origin, ReputationChange::BAD_BLOCK, out);
                self.after_failure(&queued, chain)?;
            }
            ImportResult::UnknownParent | ImportResult::NodeFailure => {
                self.after_failure(&queued, chain)?
            }
        }
        if self.main.restart && self.main.pending.is_empty() {
            self.restart(chain)?;
        }
        Ok(())
    }

    fn after_failure<C: HeaderBackend + ?Sized>(
        &mut self,
        queued: &Queued,
        chain: &C,
    ) -> Result<(), SyncError> {
        match queued.source {
            Source::Main => {
                self.main.restart = true;
                Ok(())
            }
            Source::Branch => match self.peers.get(&queued.origin).map(|p| &p.state) {
                Some(PeerState::Branch(_)) => self.start_search(&queued.origin, chain),
                _ => Ok(()),
            },
            Source::Fetch => Ok(()),
        }
    }

    /// Announces a block imported while following the tip, unless its
    /// child waits for import too: blocks handed over together land as one
    /// announcement of their top block, not one per block.
    fn announce_imported<C: HeaderBackend + ?Sized>(
        &self,
        hash: H256,
        best: bool,
        chain: &C,
        out: &mut Vec<Effect>,
    ) -> Result<(), SyncError> {
        let covered = self.queued.values().any(|queued| queued.parent == hash);
        if covered || self.is_major_syncing(chain) {
            return Ok(());
        }
        if let Some(header) = chain.header(&hash)? {
            out.push(Effect::Announce(BlockAnnounce {
                header,
                is_best: best,
            }));
        }
        Ok(())
    }

    /// Starts the main download again from the local best block and places
    /// every peer anew.
    pub(crate) fn restart<C: HeaderBackend + ?Sized>(
        &mut self,
        chain: &C,
    ) -> Result<(), SyncError> {
        self.main.restart = false;
        self.main.ranges.clear();
        self.main.anchor = chain.heads().best;
        for peer in self.peers() {
            self.place(&peer, chain)?;
        }
        Ok(())
    }

    /// When the main download is idle, moves its anchor to the local best
    /// block: forward if the best block descends from it, else by a restart.
    pub(crate) fn follow_chain<C: HeaderBackend + ?Sized>(
        &mut self,
        chain: &C,
    ) -> Result<(), SyncError> {
        let idle = self.main.pending.is_empty() && self.main.ranges.is_empty();
        let best = chain.heads().best;
        if self.main.restart || !idle || best == self.main.anchor {
            return Ok(());
        }
        let (number, hash) = self.main.anchor;
        if best.0 > number && chain.hash_of(number)? == Some(hash) {
            self.main.anchor = best;
            return Ok(());
        }
        self.restart(chain)
    }
}
