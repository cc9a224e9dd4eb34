//! Computing a block's state delta and writing a block atomically.

use super::{Database, DbError, NodeSource, Pruning, StateDb};
use codec::{Decode, Encode};
use entroos_primitives::{BlockNumber, Header, OpaqueExtrinsic, H256};
use entroos_support::state::Changes;
use entroos_support::trie::Layout;
use rocksdb::WriteBatch;
use std::collections::BTreeMap;
use trie_db::{TrieDBMutBuilder, TrieMut};

/// The trie nodes a block adds and removes, and the resulting root.
#[derive(Clone, Debug, Default)]
pub struct StateDelta {
    /// The new state root.
    pub root: H256,
    /// Node hash → (node, references added).
    pub inserted: BTreeMap<[u8; 32], (Vec<u8>, u32)>,
    /// Node hash → references removed.
    pub removed: BTreeMap<[u8; 32], u32>,
}

impl StateDb {
    /// Applies `changes` to the state at `parent_root` (`None`: empty state)
    /// and returns the new root with the nodes to write.
    pub fn delta(
        &self,
        parent_root: Option<H256>,
        changes: &Changes,
    ) -> Result<StateDelta, DbError> {
        let mut source = NodeSource::new(self);
        let mut root = parent_root.map(|r| r.0).unwrap_or_default();
        {
            let mut trie = match parent_root {
                Some(_) => {
                    TrieDBMutBuilder::<Layout>::from_existing(&mut source, &mut root).build()
                }
                None => TrieDBMutBuilder::<Layout>::new(&mut source, &mut root).build(),
            };
            for (key, value) in changes {
                let result = match value {
                    Some(v) => trie.insert(key, v).map(|_| ()),
                    None => trie.remove(key).map(|_| ()),
                };
                result.map_err(|e| DbError::Corrupt {
                    what: "state trie",
                    reason: format!("{e:?}"),
                })?;
            }
            trie.commit();
        }
        let mut delta = StateDelta {
            root: H256(root),
            ..Default::default()
        };
        for (hash, (value, rc)) in source.overlay.drain() {
            match rc {
                rc if rc > 0 => {
                    delta.inserted.insert(hash, (value, rc.unsigned_abs()));
                }
                rc if rc < 0 => {
                    delta.removed.insert(hash, rc.unsigned_abs());
                }
                _ => {}
            }
        }
        Ok(delta)
    }
}

/// Everything one imported block writes.
pub struct BlockCommit {
    /// The header.
    pub header: Header,
    /// The body.
    pub body: Vec<OpaqueExtrinsic>,
    /// The justification, if any.
    pub justification: Option<Vec<u8>>,
    /// The state delta from the parent.
    pub delta: StateDelta,
    /// Whether this block becomes the best.
    pub set_best: bool,
    /// Whether this block becomes finalized.
    pub finalize: bool,
}

fn read_rc(db: &Database, hash: &[u8; 32]) -> Result<u32, DbError> {
    Ok(db
        .get("state_rc", hash)?
        .and_then(|b| <[u8; 4]>::try_from(b.as_slice()).ok())
        .map(u32::from_le_bytes)
        .unwrap_or(0))
}

impl Database {
    /// Writes genesis or an imported block in one atomic batch; returns the
    /// new pruning point (states below it are gone) when finalizing moved it.
    pub fn commit(&self, commit: BlockCommit) -> Result<Option<BlockNumber>, DbError> {
        let hash = commit.header.hash();
        let number = commit.header.number;
        let mut batch = WriteBatch::default();
        batch.put_cf(
            self.column("headers")?,
            hash.as_ref(),
            commit.header.encode(),
        );
        batch.put_cf(self.column("bodies")?, hash.as_ref(), commit.body.encode());
        if let Some(justification) = &commit.justification {
            batch.put_cf(self.column("justifications")?, hash.as_ref(), justification);
        }
        let mut rc_changes: BTreeMap<[u8; 32], (i64, Option<Vec<u8>>)> = BTreeMap::new();
        for (node, (value, rc)) in commit.delta.inserted {
            rc_changes.insert(node, (i64::from(rc), Some(value)));
        }
        let removed: Vec<([u8; 32], u32)> = commit.delta.removed.into_iter().collect();
        if !removed.is_empty() && self.pruning() != Pruning::Archive {
            batch.put_cf(
                self.column("journal")?,
                number.to_be_bytes(),
                removed.encode(),
            );
        }
        if number == 0 {
            batch.put_cf(self.column("meta")?, b"genesis", hash.encode());
        }
        if commit.set_best {
            batch.put_cf(self.column("lookup")?, number.to_be_bytes(), hash.encode());
            batch.put_cf(self.column("meta")?, b"best", hash.encode());
        }
        let mut pruned_below = None;
        if commit.finalize {
            batch.put_cf(self.column("meta")?, b"finalized", hash.encode());
            pruned_below = self.prune(&mut batch, number, &mut rc_changes)?;
        }
        self.write_refcounts(&mut batch, rc_changes)?;
        self.db.write(batch)?;
        Ok(pruned_below)
    }

    fn write_refcounts(
        &self,
        batch: &mut WriteBatch,
        changes: BTreeMap<[u8; 32], (i64, Option<Vec<u8>>)>,
    ) -> Result<(), DbError> {
        let (state, state_rc) = (self.column("state")?, self.column("state_rc")?);
        for (node, (delta, value)) in changes {
            let old = i64::from(read_rc(self, &node)?);
            let new = old.saturating_add(delta).max(0);
            if new == 0 {
                batch.delete_cf(state, node);
                batch.delete_cf(state_rc, node);
                continue;
            }
            if let (0, Some(value)) = (old, value) {
                batch.put_cf(state, node, value);
            }
            batch.put_cf(
                state_rc,
                node,
                u32::try_from(new).unwrap_or(u32::MAX).to_le_bytes(),
            );
        }
        Ok(())
    }

    /// Discards states that left the window: the state of block `d` goes by
    /// applying block `d + 1`'s journal of removed nodes. Returns the new
    /// pruning point, if it moved.
    fn prune(
        &self,
        batch: &mut WriteBatch,
        finalized: BlockNumber,
        rc_changes: &mut BTreeMap<[u8; 32], (i64, Option<Vec<u8>>)>,
    ) -> Result<Option<BlockNumber>, DbError> {
        let Pruning::Keep(keep) = self.pruning() else {
            return Ok(None);
        };
        let Some(last_discarded) = finalized.checked_sub(keep) else {
            return Ok(None);
        };
        let mut next = self.pruned_below()?;
        while next <= last_discarded {
            let journal_block = next.saturating_add(1);
            let journal_key = journal_block.to_be_bytes();
            if let Some(bytes) = self.get("journal", &journal_key)? {
                let removed = Vec::<([u8; 32], u32)>::decode(&mut &bytes[..]).map_err(|e| {
                    DbError::Corrupt {
                        what: "journal",
                        reason: e.to_string(),
                    }
                })?;
                for (node, count) in removed {
                    let entry = rc_changes.entry(node).or_insert((0, None));
                    entry.0 = entry.0.saturating_sub(i64::from(count));
                }
                batch.delete_cf(self.column("journal")?, journal_key);
            }
            next = next.saturating_add(1);
        }
        batch.put_cf(self.column("meta")?, b"pruned", next.encode());
        Ok(Some(next))
    }
}
