//! Finalizing: from a round's precommits or from a justification, clamped
//! at a block that enacts a new voter set; then the hand-over to that set.

use crate::chain::{relation, Relation};
use crate::justification::{build, verify_with, Evidence};
use crate::machine::{own_index, MAX_PENDING_CHANGES};
use crate::round::Round;
use crate::{
    BlockId, ChainView, Effect, FinalityError, FinalityVoter, Justification, SignatureCheck,
    VoteKind, VoterSet,
};

impl<V: SignatureCheck> FinalityVoter<V> {
    /// Finalizes the precommit-GHOST of the background and current rounds
    /// when it is above the finalized block.
    pub(crate) fn finalize_rounds<C: ChainView + ?Sized>(
        &mut self,
        chain: &C,
        out: &mut Vec<Effect>,
    ) -> Result<(), FinalityError> {
        let set_id = self.set.set_id();
        for background in [true, false] {
            let round = match background {
                true => self.background.as_ref(),
                false => Some(&self.current),
            };
            let Some((number, target, evidence)) = self.finality_in(round, chain)? else {
                continue;
            };
            self.finalize(number, target, evidence, None, chain, out)?;
            if self.set.set_id() != set_id {
                break;
            }
        }
        Ok(())
    }

    /// The block `round` newly finalizes, with the precommits for it.
    fn finality_in<C: ChainView + ?Sized>(
        &self,
        round: Option<&Round>,
        chain: &C,
    ) -> Result<Option<(u64, BlockId, Evidence)>, FinalityError> {
        let Some(round) = round else {
            return Ok(None);
        };
        let Some(ghost) = round.precommit_ghost(&self.set) else {
            return Ok(None);
        };
        if ghost.number <= self.finalized.number {
            return Ok(None);
        }
        match relation(chain, ghost, self.finalized)? {
            Relation::Descends => {
                let evidence = round.tracker(VoteKind::Precommit).evidence_for(&ghost);
                Ok(Some((round.number, ghost, evidence)))
            }
            Relation::Unknown => Ok(None),
            Relation::Unrelated => Err(FinalityError::ConflictingFinality {
                finalized: self.finalized,
                other: ghost,
            }),
        }
    }

    pub(crate) fn on_justification<C: ChainView + ?Sized>(
        &mut self,
        justification: Justification,
        chain: &C,
        out: &mut Vec<Effect>,
    ) -> Result<(), FinalityError> {
        let target = justification.target;
        if justification.set_id != self.set.set_id() || target.number <= self.finalized.number {
            return Ok(());
        }
        verify_with(&self.set, &justification, &target, &self.verifier)?;
        match relation(chain, target, self.finalized)? {
            Relation::Descends => {}
            Relation::Unknown => return Err(FinalityError::UnknownBlock(target.hash)),
            Relation::Unrelated => {
                return Err(FinalityError::ConflictingFinality {
                    finalized: self.finalized,
                    other: target,
                })
            }
        }
        let evidence = Evidence::from_precommits(&justification.precommits);
        let round = justification.round;
        self.finalize(round, target, evidence, Some(justification), chain, out)
    }

    /// Finalizes `target`, or the first block below it that enacts a set
    /// change, which then takes effect.
    fn finalize<C: ChainView + ?Sized>(
        &mut self,
        round: u64,
        target: BlockId,
        evidence: Evidence,
        given: Option<Justification>,
        chain: &C,
        out: &mut Vec<Effect>,
    ) -> Result<(), FinalityError> {
        let change = self.change_within(target, chain)?;
        if let Some((_, next)) = &change {
            if next.set_id() <= self.set.set_id() {
                return Err(FinalityError::SetIdGap {
                    got: next.set_id(),
                    expected: self.set.set_id().saturating_add(1),
                });
            }
        }
        let block = change.as_ref().map_or(target, |(block, _)| *block);
        let justification = match given {
            Some(justification) if block == target => justification,
            _ => build(chain, &self.set, round, block, evidence)?,
        };
        self.finalized = block;
        out.push(Effect::Finalize {
            block,
            justification: justification.clone(),
        });
        match change {
            Some((block, next)) => self.enact(block, next, justification, out),
            None => self.prune_changes(chain),
        }
    }

    /// The lowest pending change above the finalized block on `target`'s
    /// chain, at or below `target`.
    fn change_within<C: ChainView + ?Sized>(
        &self,
        target: BlockId,
        chain: &C,
    ) -> Result<Option<(BlockId, VoterSet)>, FinalityError> {
        for (block, next) in &self.pending_changes {
            if block.number <= self.finalized.number || block.number > target.number {
                continue;
            }
            if relation(chain, target, *block)? == Relation::Descends {
                return Ok(Some((*block, next.clone())));
            }
        }
        Ok(None)
    }

    /// Switches to `next` on `block`, finalized with `justification`.
    fn enact(
        &mut self,
        block: BlockId,
        next: VoterSet,
        justification: Justification,
        out: &mut Vec<Effect>,
    ) -> Result<(), FinalityError> {
        self.own_index = own_index(&next, self.signer.as_ref());
        self.set = next;
        self.current = Round::new(0, block, self.now);
        self.background = None;
        self.previous_estimate = block;
        self.future.clear();
        self.reported.clear();
        self.handover = Some(justification);
        self.last_handover_at = None;
        self.last_catch_up_at = None;
        self.pending_changes
            .retain(|pending, _| pending.number > block.number);
        out.push(Effect::NewSet {
            set_id: self.set.set_id(),
            base: block,
        });
        self.persist(out);
        self.schedule_timers(out);
        Ok(())
    }

    /// Drops changes at or below the finalized block, or off its chain.
    fn prune_changes<C: ChainView + ?Sized>(&mut self, chain: &C) -> Result<(), FinalityError> {
        let finalized = self.finalized;
        let mut dead = Vec::new();
        for block in self.pending_changes.keys() {
            let off_chain = block.number <= finalized.number
                || relation(chain, *block, finalized)? == Relation::Unrelated;
            if off_chain {
                dead.push(*block);
            }
        }
        for block in dead {
            self.pending_changes.remove(&block);
        }
        Ok(())
    }

    pub(crate) fn on_set_change(
        &mut self,
        block: BlockId,
        next: VoterSet,
    ) -> Result<(), FinalityError> {
        if block.number <= self.finalized.number {
            return Ok(());
        }
        if next.set_id() <= self.set.set_id() {
            return Err(FinalityError::SetIdGap {
                got: next.set_id(),
                expected: self.set.set_id().saturating_add(1),
            });
        }
        let full = self.pending_changes.len() >= MAX_PENDING_CHANGES;
        if full && !self.pending_changes.contains_key(&block) {
            return Err(FinalityError::TooManyPendingChanges);
        }
        self.pending_changes.insert(block, next);
        Ok(())
    }
}
