//! Pinned blocks: a pinned state survives pruning and goes at its last
//! unpin; a pinned branch that finality discards keeps its header, body and
//! state until unpinned; pins are counted and bounded and do not outlive
//! the process; and once every pin is gone the database is, entry for
//! entry, the one it would be had nothing been pinned.

mod support;

use entroos_db::{BlockCommit, Column, Database, DbError, Pruning};
use entroos_primitives::{Header, OpaqueExtrinsic, H256};
use entroos_support::state::Changes;
use support::*;

/// Every entry of every column.
fn entries(db: &Database) -> Vec<(Column, Vec<u8>, Option<Vec<u8>>)> {
    let mut all = Vec::new();
    for column in Column::ALL {
        for key in db.store().keys_with_prefix(column, b"").unwrap() {
            let value = db.store().get(column, &key).unwrap();
            all.push((column, key, value));
        }
    }
    all
}

/// A chain `head` → `head + n`, each block finalized at once.
fn extend(db: &Database, mut head: Header, n: u8) -> Header {
    for i in 0..n {
        let value = [head.number as u8, i, 7, 7];
        head = finalized_child(db, &head, &changes(&[(b"k", Some(&value))]));
    }
    head
}

/// A child of `parent` with a body, off the best chain.
fn fork_child(db: &Database, parent: &Header, state: &Changes, body: &[u8]) -> Header {
    let delta = db.state().delta(Some(parent.state_root), state).unwrap();
    let header = Header {
        parent_hash: parent.hash(),
        number: parent.number + 1,
        state_root: delta.root,
        extrinsics_root: H256([0xf0; 32]),
        ..Default::default()
    };
    db.commit(BlockCommit {
        header: header.clone(),
        body: vec![OpaqueExtrinsic(body.to_vec())],
        justification: None,
        delta,
        set_best: false,
        finalize: false,
    })
    .unwrap();
    header
}

#[test]
fn a_pinned_state_survives_pruning_and_goes_at_its_last_unpin() {
    let db = Database::in_memory(Pruning::Keep(2));
    let twin = Database::in_memory(Pruning::Keep(2));
    let mut heads = Vec::new();
    for db in [&db, &twin] {
        let g = genesis(db, &changes(&[(b"k", Some(b"genesis"))]));
        let one = finalized_child(db, &g, &changes(&[(b"k", Some(b"one"))]));
        heads.push(one);
    }
    let one = heads[0].clone();
    db.pin(&one.hash()).unwrap();
    db.pin(&one.hash()).unwrap();
    let (tip, _) = (extend(&db, one.clone(), 8), extend(&twin, one.clone(), 8));
    assert_eq!(tip.number, 9);
    assert_eq!(twin.heads().unwrap().unwrap().pruned_below, 8);
    assert_eq!(
        db.heads().unwrap().unwrap().pruned_below,
        1,
        "pruning stops at the pinned block"
    );
    assert_eq!(read(&db, one.state_root, b"k"), Some(b"one".to_vec()));

    db.unpin(&one.hash()).unwrap();
    assert_eq!(db.pin_count(&one.hash()), 1);
    assert_eq!(read(&db, one.state_root, b"k"), Some(b"one".to_vec()));
    db.unpin(&one.hash()).unwrap();
    assert_eq!(db.pin_count(&one.hash()), 0);
    assert_eq!(
        db.heads().unwrap().unwrap().pruned_below,
        8,
        "the last unpin prunes what is due"
    );
    assert_eq!(
        db.state().node(&one.state_root.0).unwrap(),
        None,
        "its state is gone"
    );
    assert_eq!(entries(&db), entries(&twin), "as if never pinned");
    assert!(matches!(
        db.unpin(&one.hash()),
        Err(DbError::NotPinned(hash)) if hash == one.hash()
    ));
}

#[test]
fn a_pinned_branch_discarded_by_finality_keeps_its_body_and_state_until_unpinned() {
    let db = Database::in_memory(Pruning::Keep(2));
    let twin = Database::in_memory(Pruning::Keep(2));
    let mut made = Vec::new();
    for db in [&db, &twin] {
        let g = genesis(
            db,
            &changes(&[(b"k", Some(b"genesis")), (b"s", Some(b"x"))]),
        );
        let one = child(db, &g, &changes(&[(b"k", Some(b"one"))]), 1, true);
        let f1 = fork_child(db, &g, &changes(&[(b"f", Some(&[1; 40]))]), b"f1");
        let f2 = fork_child(db, &f1, &changes(&[(b"f", Some(&[2; 40]))]), b"f2");
        made.push((g, one, f1, f2));
    }
    let (g, one, f1, f2) = made[0].clone();
    db.pin(&f2.hash()).unwrap();
    for db in [&db, &twin] {
        let outcome = db.finalize(&one.hash(), None).unwrap();
        assert_eq!(outcome.discarded.len(), 2);
        assert_eq!(db.leaves().unwrap(), vec![one.hash()]);
        assert_eq!(db.children(&g.hash()).unwrap(), vec![one.hash()]);
        extend(db, one.clone(), 6);
    }
    assert_eq!(db.header(&f2.hash()).unwrap(), Some(f2.clone()));
    assert_eq!(
        db.body(&f2.hash()).unwrap(),
        Some(vec![OpaqueExtrinsic(b"f2".to_vec())])
    );
    assert_eq!(read(&db, f2.state_root, b"f"), Some(vec![2; 40]));
    assert_eq!(read(&db, f2.state_root, b"s"), Some(b"x".to_vec()));
    assert_eq!(
        db.heads().unwrap().unwrap().pruned_below,
        0,
        "the fork point's state stays"
    );
    assert_eq!(twin.header(&f2.hash()).unwrap(), None);
    assert_eq!(twin.heads().unwrap().unwrap().pruned_below, 6);

    db.unpin(&f2.hash()).unwrap();
    for gone in [&f1, &f2] {
        assert_eq!(db.header(&gone.hash()).unwrap(), None);
        assert_eq!(db.body(&gone.hash()).unwrap(), None);
    }
    assert_eq!(db.heads().unwrap().unwrap().pruned_below, 6);
    assert_eq!(entries(&db), entries(&twin), "as if never pinned");
}

#[test]
fn pins_are_bounded_and_only_known_blocks_are_pinned() {
    let db = Database::in_memory(Pruning::Keep(2)).with_pin_limit(2);
    let g = genesis(&db, &changes(&[(b"k", Some(b"0"))]));
    let one = finalized_child(&db, &g, &changes(&[(b"k", Some(b"1"))]));
    let two = finalized_child(&db, &one, &changes(&[(b"k", Some(b"2"))]));
    assert!(matches!(
        db.pin(&H256([9; 32])),
        Err(DbError::UnknownBlock(_))
    ));
    db.pin(&g.hash()).unwrap();
    db.pin(&one.hash()).unwrap();
    assert!(matches!(
        db.pin(&two.hash()),
        Err(DbError::TooManyPins { limit: 2 })
    ));
    db.pin(&one.hash()).unwrap();
    assert_eq!(
        db.pin_count(&one.hash()),
        2,
        "a pinned block is pinned again"
    );
    assert_eq!(db.pinned_blocks(), 2);
    db.unpin(&g.hash()).unwrap();
    db.pin(&two.hash()).unwrap();
}

#[test]
fn blocks_kept_for_pins_are_deleted_when_the_database_is_reopened() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db");
    let (fork, one) = {
        let db = Database::open(&path, Pruning::Keep(2)).unwrap();
        let g = genesis(&db, &changes(&[(b"k", Some(b"0"))]));
        let one = child(&db, &g, &changes(&[(b"k", Some(b"1"))]), 1, true);
        let fork = fork_child(&db, &g, &changes(&[(b"f", Some(&[3; 40]))]), b"fork");
        db.pin(&fork.hash()).unwrap();
        db.finalize(&one.hash(), None).unwrap();
        assert!(db.header(&fork.hash()).unwrap().is_some());
        (fork, one)
    };
    let db = Database::open(&path, Pruning::Keep(2)).unwrap();
    assert_eq!(db.pinned_blocks(), 0, "pins do not outlive the process");
    assert_eq!(db.header(&fork.hash()).unwrap(), None);
    assert_eq!(db.state().node(&fork.state_root.0).unwrap(), None);
    assert_eq!(db.leaves().unwrap(), vec![one.hash()]);
}
