//! Synthetic chains for the database tests: blocks whose bodies are empty
//! and whose state changes are given, committed straight to the database.

#![allow(dead_code)]

use entroos_db::{BlockCommit, Database};
use entroos_primitives::{Header, H256};
use entroos_support::state::Changes;
use entroos_support::trie::Layout;
use trie_db::{Trie, TrieDBBuilder};

/// Changes from `(key, value)` pairs; `None` deletes.
pub fn changes(pairs: &[(&[u8], Option<&[u8]>)]) -> Changes {
    pairs
        .iter()
        .map(|(k, v)| (k.to_vec(), v.map(|v| v.to_vec())))
        .collect()
}

/// Commits genesis with `state`.
pub fn genesis(db: &Database, state: &Changes) -> Header {
    let delta = db.state().delta(None, state).unwrap();
    let header = Header {
        state_root: delta.root,
        ..Default::default()
    };
    db.commit(BlockCommit {
        header: header.clone(),
        body: vec![],
        justification: None,
        delta,
        set_best: true,
        finalize: true,
    })
    .unwrap();
    header
}

/// Commits a child of `parent` with `state` changes; `salt` tells siblings apart.
pub fn child(db: &Database, parent: &Header, state: &Changes, salt: u8, set_best: bool) -> Header {
    let delta = db.state().delta(Some(parent.state_root), state).unwrap();
    let header = Header {
        parent_hash: parent.hash(),
        number: parent.number + 1,
        state_root: delta.root,
        extrinsics_root: H256([salt; 32]),
        ..Default::default()
    };
    db.commit(BlockCommit {
        header: header.clone(),
        body: vec![],
        justification: None,
        delta,
        set_best,
        finalize: false,
    })
    .unwrap();
    header
}

/// Every key and value of the state at `root`, in order.
pub fn dump(db: &Database, root: H256) -> Vec<(Vec<u8>, Vec<u8>)> {
    let state = db.state();
    let source = entroos_db::NodeSource::new(&state);
    let trie = TrieDBBuilder::<Layout>::new(&source, &root.0).build();
    let entries = trie.iter().unwrap().map(|item| item.unwrap()).collect();
    assert!(source.failure().is_none());
    entries
}

/// The value of `key` at `root`.
pub fn read(db: &Database, root: H256, key: &[u8]) -> Option<Vec<u8>> {
    let state = db.state();
    let source = entroos_db::NodeSource::new(&state);
    let trie = TrieDBBuilder::<Layout>::new(&source, &root.0).build();
    trie.get(key).unwrap()
}

/// Commits a child of `parent` with `state` changes as the new best and finalized block.
pub fn finalized_child(db: &Database, parent: &Header, state: &Changes) -> Header {
    let header = child(db, parent, state, 0, true);
    db.finalize(&header.hash(), None).unwrap();
    header
}
