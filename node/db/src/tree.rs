//! The block tree's moves: a new best block (the canonical lookup is
//! rewritten back to the common ancestor), finality moving forward (sibling
//! branches discarded, old states pruned, pinned blocks kept: see
//! [`crate::pins`]), and reference counts of trie nodes kept right through
//! all of them.

use crate::commit::{journal_key, INSERTED, REMOVED};
use crate::kv::{Column, Transaction};
use crate::pins::{to_detach, Detached, Pins};
use crate::{corrupt, meta, Database, DbError, Pruning};
use codec::{Decode, Encode};
use entroos_primitives::{BlockNumber, Header, H256};
use std::collections::BTreeMap;

/// What finalizing changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FinalizeOutcome {
    /// The new pruning point, if it moved.
    pub pruned_below: Option<BlockNumber>,
    /// Blocks discarded because they are not ancestors of the new finalized block.
    pub discarded: Vec<H256>,
}

/// Pending reference-count changes of trie nodes: node → (change, value
/// to write if the node is new).
#[derive(Default)]
pub(crate) struct RcChanges(BTreeMap<[u8; 32], (i64, Option<Vec<u8>>)>);

impl RcChanges {
    pub(crate) fn insert_all(&mut self, inserted: BTreeMap<[u8; 32], (Vec<u8>, u32)>) {
        for (node, (value, count)) in inserted {
            let entry = self.0.entry(node).or_insert((0, None));
            entry.0 = entry.0.saturating_add(i64::from(count));
            entry.1 = Some(value);
        }
    }

    pub(crate) fn release(&mut self, nodes: Vec<([u8; 32], u32)>) {
        for (node, count) in nodes {
            let entry = self.0.entry(node).or_insert((0, None));
            entry.0 = entry.0.saturating_sub(i64::from(count));
        }
    }
}

impl Database {
    fn read_rc(&self, node: &[u8; 32]) -> Result<u32, DbError> {
        Ok(self
            .get(Column::StateRc, node)?
            .and_then(|b| <[u8; 4]>::try_from(b.as_slice()).ok())
            .map(u32::from_le_bytes)
            .unwrap_or(0))
    }

    pub(crate) fn write_refcounts(
        &self,
        tx: &mut Transaction,
        changes: RcChanges,
    ) -> Result<(), DbError> {
        for (node, (delta, value)) in changes.0 {
            if delta == 0 {
                continue;
            }
            let old = i64::from(self.read_rc(&node)?);
            let new = old.saturating_add(delta).max(0);
            if new == 0 {
                tx.delete(Column::State, node);
                tx.delete(Column::StateRc, node);
                continue;
            }
            if let (0, Some(value)) = (old, value) {
                tx.put(Column::State, node, value);
            }
            let count = u32::try_from(new).unwrap_or(u32::MAX);
            tx.put(Column::StateRc, node, count.to_le_bytes());
        }
        Ok(())
    }

    /// Makes `header` (already stored) the best block, rewriting the
    /// canonical lookup; refuses a block below the finalized one.
    pub fn set_best(&self, hash: &H256) -> Result<(), DbError> {
        let header = self.expect_header(hash)?;
        let mut tx = Transaction::default();
        self.set_best_in(&mut tx, &header)?;
        self.kv.write(tx, false)
    }

    /// Adds to `tx` the lookup entries and best pointer that make `header`
    /// the best block.
    pub(crate) fn set_best_in(&self, tx: &mut Transaction, header: &Header) -> Result<(), DbError> {
        let hash = header.hash();
        let old_best = self.heads()?.map(|h| h.best.0).unwrap_or(0);
        let mut stale = header.number.saturating_add(1);
        while stale <= old_best {
            tx.delete(Column::Lookup, stale.to_be_bytes());
            stale = stale.saturating_add(1);
        }
        let (mut number, mut cursor, mut parent) = (header.number, hash, header.parent_hash);
        loop {
            if self.hash_of(number)? == Some(cursor) {
                break;
            }
            tx.put(Column::Lookup, number.to_be_bytes(), cursor.encode());
            let Some(up) = number.checked_sub(1) else {
                break;
            };
            let parent_header = self.expect_header(&parent)?;
            (number, cursor, parent) = (up, parent, parent_header.parent_hash);
        }
        tx.put(Column::Meta, meta::BEST, hash.encode());
        Ok(())
    }

    /// Finalizes the canonical block `hash` and its ancestors in one synced
    /// write: non-ancestor blocks at or below its height are discarded (or
    /// detached, if pinned or above a pinned block), and states that left
    /// the pruning window are removed, up to the first one a pin holds.
    pub fn finalize(
        &self,
        hash: &H256,
        justification: Option<Vec<u8>>,
    ) -> Result<FinalizeOutcome, DbError> {
        let header = self.expect_header(hash)?;
        let heads = self.heads()?.ok_or(DbError::Corrupt {
            what: "meta",
            reason: "no genesis".into(),
        })?;
        let (finalized, _) = heads.finalized;
        let mut tx = Transaction::default();
        if let Some(justification) = justification {
            tx.put(Column::Justifications, hash, justification);
        }
        if header.number <= finalized {
            if heads.finalized.1 != *hash {
                return Err(DbError::CannotFinalize {
                    hash: *hash,
                    reason: "it is not a descendant of the finalized block",
                });
            }
            self.kv.write(tx, true)?;
            return Ok(FinalizeOutcome::default());
        }
        if self.hash_of(header.number)? != Some(*hash) {
            return Err(DbError::CannotFinalize {
                hash: *hash,
                reason: "it is not on the best chain",
            });
        }
        let pins = self.pins.lock();
        let mut discard = Discard {
            tx,
            rc: RcChanges::default(),
            leaves: self.leaves()?,
            detached: self.detached()?,
            outcome: FinalizeOutcome::default(),
        };
        self.discard_off_chain(finalized, header.number, &pins, &mut discard)?;
        let Discard {
            mut tx,
            mut rc,
            leaves,
            detached,
            mut outcome,
        } = discard;
        tx.put(Column::Meta, meta::LEAVES, leaves.encode());
        tx.put(Column::Meta, meta::FINALIZED, hash.encode());
        let detached = self.sweep_detached(&mut tx, &mut rc, &pins, detached)?;
        outcome.pruned_below = self.prune(&mut tx, &mut rc, header.number, &pins, &detached)?;
        self.write_refcounts(&mut tx, rc)?;
        self.kv.write(tx, true)?;
        drop(pins);
        self.after_finalize(header.number, *hash)?;
        Ok(outcome)
    }

    fn canonical(&self, number: BlockNumber) -> Result<H256, DbError> {
        self.hash_of(number)?.ok_or(DbError::Corrupt {
            what: "lookup",
            reason: format!("no canonical block #{number}"),
        })
    }

    pub(crate) fn journal(&self, kind: u8, hash: &H256) -> Result<Vec<([u8; 32], u32)>, DbError> {
        Ok(self
            .get(Column::Journal, &journal_key(kind, hash))?
            .map(|bytes| {
                Vec::<([u8; 32], u32)>::decode(&mut &bytes[..]).map_err(corrupt("journal"))
            })
            .transpose()?
            .unwrap_or_default())
    }

    /// Discards the blocks above `finalized` up to `to` that are not
    /// canonical, with their subtrees; the canonical ones no longer need
    /// the journal of the nodes they inserted.
    fn discard_off_chain(
        &self,
        finalized: BlockNumber,
        to: BlockNumber,
        pins: &Pins,
        discard: &mut Discard,
    ) -> Result<(), DbError> {
        let mut number = finalized.saturating_add(1);
        while number <= to {
            let kept = self.canonical(number)?;
            let base = number.saturating_sub(1);
            let parent = self.canonical(base)?;
            for root in self.children(&parent)? {
                if root != kept {
                    let branch = Branch { root, parent, base };
                    self.discard_subtree(branch, pins, discard)?;
                }
            }
            discard
                .tx
                .put(Column::Children, parent, vec![kept].encode());
            discard
                .tx
                .delete(Column::Journal, journal_key(INSERTED, &kept));
            number = number.saturating_add(1);
        }
        Ok(())
    }

    /// Removes `branch.root` and every block under it; their inserted trie
    /// nodes are released. Pinned blocks, and those above them, are
    /// detached instead: out of the tree, their data kept.
    fn discard_subtree(
        &self,
        branch: Branch,
        pins: &Pins,
        discard: &mut Discard,
    ) -> Result<(), DbError> {
        let mut blocks = Vec::new();
        let mut pending = vec![(branch.root, branch.parent)];
        while let Some((hash, parent)) = pending.pop() {
            pending.extend(self.children(&hash)?.into_iter().map(|c| (c, hash)));
            blocks.push((hash, parent));
        }
        let detach = to_detach(&blocks, pins);
        for (hash, parent) in blocks {
            discard.tx.delete(Column::Children, hash);
            discard
                .tx
                .delete(Column::Journal, journal_key(REMOVED, &hash));
            discard.leaves.retain(|leaf| *leaf != hash);
            discard.outcome.discarded.push(hash);
            if detach.contains(&hash) {
                let base = branch.base;
                discard.detached.push(Detached { hash, parent, base });
                continue;
            }
            discard.rc.release(self.journal(INSERTED, &hash)?);
            for column in [Column::Headers, Column::Bodies, Column::Justifications] {
                discard.tx.delete(column, hash);
            }
            discard
                .tx
                .delete(Column::Journal, journal_key(INSERTED, &hash));
        }
        Ok(())
    }

    /// Discards canonical states that left the window: the state of block
    /// `d` goes by applying the removals journaled by canonical block
    /// `d + 1`. It stops at the first state that must stay: a pinned
    /// block's, or a detached branch's fork point.
    pub(crate) fn prune(
        &self,
        tx: &mut Transaction,
        rc: &mut RcChanges,
        finalized: BlockNumber,
        pins: &Pins,
        detached: &[Detached],
    ) -> Result<Option<BlockNumber>, DbError> {
        let Pruning::Keep(keep) = self.pruning() else {
            return Ok(None);
        };
        let Some(last_discarded) = finalized.checked_sub(keep) else {
            return Ok(None);
        };
        let mut next = self.pruned_below()?;
        while next <= last_discarded {
            let held =
                detached.iter().any(|d| d.base == next) || pins.contains(&self.canonical(next)?);
            if held {
                break;
            }
            let remover = self.canonical(next.saturating_add(1))?;
            rc.release(self.journal(REMOVED, &remover)?);
            tx.delete(Column::Journal, journal_key(REMOVED, &remover));
            next = next.saturating_add(1);
        }
        tx.put(Column::Meta, meta::PRUNED, next.encode());
        Ok(Some(next))
    }
}

/// A branch finality discards: its first block, that block's parent (the
/// fork point, canonical) and the fork point's number.
struct Branch {
    root: H256,
    parent: H256,
    base: BlockNumber,
}

/// What discarding branches changes: the write, reference counts, the
/// leaf set, the detached blocks and the outcome reported.
struct Discard {
    tx: Transaction,
    rc: RcChanges,
    leaves: Vec<H256>,
    detached: Vec<Detached>,
    outcome: FinalizeOutcome,
}
