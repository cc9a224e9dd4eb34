//! The slot state machine: slot ticks, imported headers, epochs and keys
//! in; claims and equivocations out.

use crate::equivocation::{BlockEquivocation, RecentClaims};
use crate::{claim_slot, Epoch, HeldKeys, SlotClaim, VerifiedHeader, MAX_SLOT_DRIFT};
use entroos_primitives::Header;
use std::collections::BTreeMap;

/// How many epochs the machine keeps (previous, current, next).
pub const MAX_KNOWN_EPOCHS: usize = 3;

/// The machine's bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlotsConfig {
    /// How many slots back from the newest seen headers are kept for
    /// equivocation detection.
    pub equivocation_window: u64,
    /// The most (slot, author) entries kept for it.
    pub max_tracked_headers: usize,
}

impl Default for SlotsConfig {
    /// Two epochs of the default 600 slots, at most 4 096 headers.
    fn default() -> Self {
        SlotsConfig {
            equivocation_window: 1_200,
            max_tracked_headers: 4_096,
        }
    }
}

/// What the machine is told.
#[derive(Clone, Debug)]
pub enum Input {
    /// The slot timer fired for `slot`; the clock is at slot `now`.
    SlotTick {
        /// The slot to author in.
        slot: u64,
        /// The clock's slot when the tick is handled.
        now: u64,
    },
    /// A header passed verification (and, for `best`, became the best block).
    Imported {
        /// The sealed header.
        header: Header,
        /// What verification found.
        verified: VerifiedHeader,
        /// Whether it is now the best block.
        best: bool,
    },
    /// The best chain's epoch data: its current or next epoch.
    EpochChanged {
        /// The epoch.
        epoch: Epoch,
    },
    /// The node's keys changed (a key was inserted or removed).
    KeysChanged {
        /// The keys now held.
        keys: HeldKeys,
    },
}

/// What the node should do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Build a block for `slot` on the best block with this pre-digest and
    /// seal it with the claim's author key.
    Claim {
        /// The slot.
        slot: u64,
        /// The claim.
        claim: SlotClaim,
    },
    /// Report this equivocation.
    Equivocation(BlockEquivocation),
}

/// Slot authorship as a pure state machine (see the crate docs).
#[derive(Clone, Debug)]
pub struct SlotMachine {
    keys: HeldKeys,
    epochs: BTreeMap<u64, Epoch>,
    best_slot: u64,
    last_claimed: Option<u64>,
    recent: RecentClaims,
}

impl SlotMachine {
    /// A machine holding `keys`, with no epoch yet.
    pub fn new(config: SlotsConfig, keys: HeldKeys) -> Self {
        SlotMachine {
            keys,
            epochs: BTreeMap::new(),
            best_slot: 0,
            last_claimed: None,
            recent: RecentClaims::new(config.equivocation_window, config.max_tracked_headers),
        }
    }

    /// Applies one input; returns the effects to perform, in order.
    pub fn apply(&mut self, input: Input) -> Vec<Effect> {
        let effect = match input {
            Input::SlotTick { slot, now } => self.on_tick(slot, now),
            Input::Imported {
                header,
                verified,
                best,
            } => self.on_imported(&header, &verified, best),
            Input::EpochChanged { epoch } => {
                self.on_epoch(epoch);
                None
            }
            Input::KeysChanged { keys } => {
                self.keys = keys;
                None
            }
        };
        effect.into_iter().collect()
    }

    /// The slot of the best block.
    pub fn best_slot(&self) -> u64 {
        self.best_slot
    }

    /// The last slot claimed.
    pub fn last_claimed(&self) -> Option<u64> {
        self.last_claimed
    }

    /// How many epochs are known (at most [`MAX_KNOWN_EPOCHS`]).
    pub fn known_epochs(&self) -> usize {
        self.epochs.len()
    }

    /// How many (slot, author) entries equivocation detection holds.
    pub fn tracked_headers(&self) -> usize {
        self.recent.len()
    }

    /// The epoch `slot` falls in, from the newest known epoch that starts
    /// at or before it (advanced over skipped epochs as the runtime does).
    pub fn epoch_for(&self, slot: u64) -> Option<Epoch> {
        self.epochs.values().rev().find_map(|e| e.skipped_to(slot))
    }

    fn on_tick(&mut self, slot: u64, now: u64) -> Option<Effect> {
        let stale = slot < now || slot > now.saturating_add(MAX_SLOT_DRIFT);
        let claimed = self.last_claimed.is_some_and(|last| slot <= last);
        if stale || claimed || slot <= self.best_slot {
            return None;
        }
        let epoch = self.epoch_for(slot)?;
        let claim = claim_slot(&self.keys, &epoch, slot)?;
        self.last_claimed = Some(slot);
        Some(Effect::Claim { slot, claim })
    }

    fn on_imported(
        &mut self,
        header: &Header,
        verified: &VerifiedHeader,
        best: bool,
    ) -> Option<Effect> {
        if best {
            self.best_slot = verified.slot;
        }
        self.recent.note(header, verified).map(Effect::Equivocation)
    }

    fn on_epoch(&mut self, epoch: Epoch) {
        self.epochs.insert(epoch.index(), epoch);
        while self.epochs.len() > MAX_KNOWN_EPOCHS {
            self.epochs.pop_first();
        }
    }
}
