//! Pinned blocks: kept whole — header, body and state — while something
//! reads them (a `chainHead_v1_follow` subscription), whatever finality and
//! state pruning do meanwhile.
//!
//! - Pins are counted per block and live in memory only: a restart starts
//!   with none. At most [`MAX_PINNED_BLOCKS`] distinct blocks are pinned at
//!   once (Substrate's backend keeps as many); one more is refused with
//!   [`DbError::TooManyPins`].
//! - State pruning stops below the first canonical block whose state must
//!   stay: a pinned one, or the fork point of a detached block (below). A
//!   state is pruned by releasing the nodes its successor removed, so no
//!   later state may be pruned before it either.
//! - A block that finality discards while it, or a block under it, is
//!   pinned is *detached* instead of deleted: its header, body,
//!   justification and the journal of trie nodes it inserted stay, it
//!   leaves the tree (children, leaves), and it is recorded in the meta
//!   column (`detached`) with its parent and the fork point's number.
//! - When a block's last pin goes, what it held back goes in one write:
//!   detached blocks no pinned block needs are deleted and their nodes
//!   released, and pruning catches up with the window. Opening a database
//!   does the same (no pins survive a restart).
//!
//! The pin set's lock is held from a finalization's or an unpin's decision
//! to its write, so a block pinned concurrently is either seen by it or
//! pinned after it.

use crate::commit::{journal_key, INSERTED};
use crate::kv::{Column, Transaction};
use crate::tree::RcChanges;
use crate::{meta, Database, DbError};
use codec::{Decode, Encode};
use entroos_primitives::{BlockNumber, H256};
use parking_lot::{Mutex, MutexGuard};
use std::collections::{HashMap, HashSet};

/// The most blocks pinned at once, as Substrate's backend keeps.
pub const MAX_PINNED_BLOCKS: usize = 1024;

/// The pin counts of a database, shared by all its handles.
pub(crate) struct PinSet {
    counts: Mutex<Pins>,
    limit: usize,
}

/// Pinned blocks and how many times each is pinned.
#[derive(Default)]
pub(crate) struct Pins(HashMap<H256, u32>);

impl Pins {
    pub(crate) fn contains(&self, hash: &H256) -> bool {
        self.0.contains_key(hash)
    }
}

impl PinSet {
    pub(crate) fn new(limit: usize) -> Self {
        PinSet {
            counts: Mutex::default(),
            limit,
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Pins> {
        self.counts.lock()
    }
}

/// A block finality discarded while it or a block under it was pinned.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub(crate) struct Detached {
    /// The block.
    pub hash: H256,
    /// Its parent (detached too, or the fork point).
    pub parent: H256,
    /// The number of the canonical block its branch forked from.
    pub base: BlockNumber,
}

impl Database {
    /// Pins block `hash`: its header, body and state stay until as many
    /// [`Database::unpin`]s. Refused for an unknown block and, for a block
    /// not pinned yet, when [`MAX_PINNED_BLOCKS`] (or the limit given to
    /// [`Database::with_pin_limit`]) are pinned. A canonical block whose
    /// state was already pruned is pinned without it.
    pub fn pin(&self, hash: &H256) -> Result<(), DbError> {
        let mut pins = self.pins.lock();
        if let Some(count) = pins.0.get_mut(hash) {
            *count = count.checked_add(1).ok_or(DbError::TooManyPins {
                limit: self.pins.limit,
            })?;
            return Ok(());
        }
        if pins.0.len() >= self.pins.limit {
            return Err(DbError::TooManyPins {
                limit: self.pins.limit,
            });
        }
        self.expect_header(hash)?;
        pins.0.insert(*hash, 1);
        Ok(())
    }

    /// Releases one pin of block `hash`. When its last pin goes, what it
    /// held back is done in one write: detached blocks no pin needs are
    /// deleted, and states that left the window are pruned. Like every
    /// write, the caller serializes it with imports and finalization.
    pub fn unpin(&self, hash: &H256) -> Result<(), DbError> {
        let mut pins = self.pins.lock();
        let count = pins.0.get_mut(hash).ok_or(DbError::NotPinned(*hash))?;
        *count = count.saturating_sub(1);
        if *count > 0 {
            return Ok(());
        }
        pins.0.remove(hash);
        self.release_held(&pins)
    }

    /// How many times block `hash` is pinned.
    pub fn pin_count(&self, hash: &H256) -> u32 {
        self.pins.lock().0.get(hash).copied().unwrap_or(0)
    }

    /// How many distinct blocks are pinned.
    pub fn pinned_blocks(&self) -> usize {
        self.pins.lock().0.len()
    }

    /// The same database, allowing at most `limit` pinned blocks.
    pub fn with_pin_limit(mut self, limit: usize) -> Self {
        self.pins = std::sync::Arc::new(PinSet::new(limit));
        self
    }

    /// The detached blocks.
    pub(crate) fn detached(&self) -> Result<Vec<Detached>, DbError> {
        Ok(self
            .meta::<Vec<Detached>>(meta::DETACHED)?
            .unwrap_or_default())
    }

    /// Deletes the detached blocks `pins` no longer needs and prunes the
    /// states that are due, in one write.
    pub(crate) fn release_held(&self, pins: &Pins) -> Result<(), DbError> {
        let Some(heads) = self.heads()? else {
            return Ok(());
        };
        let mut tx = Transaction::default();
        let mut rc = RcChanges::default();
        let detached = self.sweep_detached(&mut tx, &mut rc, pins, self.detached()?)?;
        self.prune(&mut tx, &mut rc, heads.finalized.0, pins, &detached)?;
        self.write_refcounts(&mut tx, rc)?;
        self.kv.write(tx, false)
    }

    /// Deletes the detached blocks that are neither pinned nor above a
    /// pinned detached block, releasing the trie nodes they inserted, and
    /// records the rest; returns the rest.
    pub(crate) fn sweep_detached(
        &self,
        tx: &mut Transaction,
        rc: &mut RcChanges,
        pins: &Pins,
        detached: Vec<Detached>,
    ) -> Result<Vec<Detached>, DbError> {
        let needed = needed_detached(&detached, pins);
        let (kept, gone): (Vec<Detached>, Vec<Detached>) = detached
            .into_iter()
            .partition(|block| needed.contains(&block.hash));
        for block in gone {
            rc.release(self.journal(INSERTED, &block.hash)?);
            tx.delete(Column::Journal, journal_key(INSERTED, &block.hash));
            for column in [Column::Headers, Column::Bodies, Column::Justifications] {
                tx.delete(column, block.hash);
            }
        }
        match kept.is_empty() {
            true => tx.delete(Column::Meta, meta::DETACHED),
            false => tx.put(Column::Meta, meta::DETACHED, kept.encode()),
        }
        Ok(kept)
    }
}

/// The pinned detached blocks and their detached ancestors.
fn needed_detached(detached: &[Detached], pins: &Pins) -> HashSet<H256> {
    let parents: HashMap<H256, H256> = detached.iter().map(|d| (d.hash, d.parent)).collect();
    pinned_and_above(&parents, pins)
}

/// Of the blocks of a discarded subtree (each with its parent), those to
/// detach: the pinned ones and every block above one of them.
pub(crate) fn to_detach(blocks: &[(H256, H256)], pins: &Pins) -> HashSet<H256> {
    let parents: HashMap<H256, H256> = blocks.iter().copied().collect();
    pinned_and_above(&parents, pins)
}

/// Of the blocks of `parents` (block → parent), the pinned ones and their
/// ancestors among them.
fn pinned_and_above(parents: &HashMap<H256, H256>, pins: &Pins) -> HashSet<H256> {
    let mut marked = HashSet::new();
    for pinned in parents.keys().filter(|hash| pins.contains(hash)) {
        let mut cursor = Some(*pinned);
        while let Some(hash) = cursor.filter(|hash| parents.contains_key(hash)) {
            if !marked.insert(hash) {
                break;
            }
            cursor = parents.get(&hash).copied();
        }
    }
    marked
}
