//! Computing a block's state delta and writing a block atomically.

use crate::kv::{Column, Transaction};
use crate::tree::{FinalizeOutcome, RcChanges};
use crate::{meta, Database, DbError, NodeSource, Pruning, StateDb, SCHEMA_VERSION};
use codec::Encode;
use entroos_primitives::{Header, OpaqueExtrinsic, H256};
use entroos_support::state::Changes;
use entroos_support::trie::Layout;
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
        let mut trie_failure = None;
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
                if let Err(e) = result {
                    trie_failure = Some(format!("{e:?}"));
                    break;
                }
            }
            if trie_failure.is_none() {
                trie.commit();
            }
        }
        if let Some(failure) = source.failure() {
            return Err(failure);
        }
        if let Some(reason) = trie_failure {
            return Err(DbError::Corrupt {
                what: "state trie",
                reason,
            });
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
    /// Whether this block becomes the best (the canonical lookup follows).
    pub set_best: bool,
    /// Whether this block becomes finalized (it must then also be best).
    pub finalize: bool,
}

/// Journal keys: the nodes a block inserted (`i`) and removed (`r`).
pub(crate) fn journal_key(kind: u8, hash: &H256) -> Vec<u8> {
    let mut key = Vec::with_capacity(33);
    key.push(kind);
    key.extend_from_slice(hash.as_ref());
    key
}

/// The `kind` byte of the inserted-nodes journal.
pub(crate) const INSERTED: u8 = b'i';
/// The `kind` byte of the removed-nodes journal.
pub(crate) const REMOVED: u8 = b'r';

impl Database {
    /// Writes genesis or an imported block in one atomic write (with the
    /// reorg of the canonical lookup when it becomes best), then, if asked,
    /// finalizes it in a second, synced write.
    pub fn commit(&self, commit: BlockCommit) -> Result<FinalizeOutcome, DbError> {
        let hash = commit.header.hash();
        let finalize = commit.finalize;
        let justification = commit.justification.clone();
        if commit.header.number == 0 {
            self.write_genesis(commit)?;
            return Ok(FinalizeOutcome::default());
        }
        self.write_block(commit)?;
        if finalize {
            return self.finalize(&hash, justification);
        }
        Ok(FinalizeOutcome::default())
    }

    fn write_genesis(&self, commit: BlockCommit) -> Result<(), DbError> {
        let hash = commit.header.hash();
        let mut tx = Transaction::default();
        tx.put(Column::Headers, hash, commit.header.encode());
        tx.put(Column::Bodies, hash, commit.body.encode());
        tx.put(Column::Lookup, 0u32.to_be_bytes(), hash.encode());
        for key in [meta::GENESIS, meta::BEST, meta::FINALIZED] {
            tx.put(Column::Meta, key, hash.encode());
        }
        tx.put(Column::Meta, meta::LEAVES, vec![hash].encode());
        tx.put(Column::Meta, meta::SCHEMA, SCHEMA_VERSION.encode());
        tx.put(Column::Meta, meta::PRUNING, self.pruning().encode());
        let mut rc = RcChanges::default();
        rc.insert_all(commit.delta.inserted);
        self.write_refcounts(&mut tx, rc)?;
        self.kv.write(tx, true)
    }

    fn write_block(&self, commit: BlockCommit) -> Result<(), DbError> {
        let header = &commit.header;
        let hash = header.hash();
        let parent = header.parent_hash;
        if self.header(&hash)?.is_some() {
            return Ok(());
        }
        self.expect_header(&parent)?;
        let mut tx = Transaction::default();
        tx.put(Column::Headers, hash, header.encode());
        tx.put(Column::Bodies, hash, commit.body.encode());
        if let Some(justification) = &commit.justification {
            tx.put(Column::Justifications, hash, justification.clone());
        }
        let mut children = self.children(&parent)?;
        if !children.contains(&hash) {
            children.push(hash);
        }
        tx.put(Column::Children, parent, children.encode());
        let mut leaves = self.leaves()?;
        leaves.retain(|leaf| *leaf != parent && *leaf != hash);
        leaves.push(hash);
        tx.put(Column::Meta, meta::LEAVES, leaves.encode());
        let inserted: Vec<([u8; 32], u32)> = commit
            .delta
            .inserted
            .iter()
            .map(|(node, (_, count))| (*node, *count))
            .collect();
        tx.put(
            Column::Journal,
            journal_key(INSERTED, &hash),
            inserted.encode(),
        );
        let removed: Vec<([u8; 32], u32)> = commit.delta.removed.into_iter().collect();
        if !removed.is_empty() && self.pruning() != Pruning::Archive {
            tx.put(
                Column::Journal,
                journal_key(REMOVED, &hash),
                removed.encode(),
            );
        }
        if commit.set_best {
            self.set_best_in(&mut tx, header)?;
        }
        let mut rc = RcChanges::default();
        rc.insert_all(commit.delta.inserted);
        self.write_refcounts(&mut tx, rc)?;
        self.kv.write(tx, false)
    }
}
