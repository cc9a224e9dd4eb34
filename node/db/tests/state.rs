//! State on disk: roots equal to the in-memory trie's, old states readable
//! in archive mode, the pruning window kept and the rest freed, and a
//! database of another chain refused.

mod support;

use entroos_db::{Database, DbError, Pruning};
use entroos_primitives::H256;
use entroos_support::trie::trie_root;
use support::*;

#[test]
fn roots_match_the_in_memory_trie_and_old_states_stay_readable_in_archive() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&dir.path().join("db"), Pruning::Archive).unwrap();
    let big = vec![7u8; 100];
    let g = genesis(&db, &changes(&[(b"a", Some(b"1")), (b"b", Some(&big))]));
    let expected = trie_root(vec![
        (b"a".to_vec(), b"1".to_vec()),
        (b"b".to_vec(), big.clone()),
    ]);
    assert_eq!(g.state_root.0, expected);
    let b1 = finalized_child(&db, &g, &changes(&[(b"a", Some(b"2")), (b"b", None)]));
    assert_eq!(read(&db, g.state_root, b"a"), Some(b"1".to_vec()));
    assert_eq!(read(&db, g.state_root, b"b"), Some(big));
    assert_eq!(read(&db, b1.state_root, b"a"), Some(b"2".to_vec()));
    assert_eq!(read(&db, b1.state_root, b"b"), None);
    let heads = db.heads().unwrap().unwrap();
    assert_eq!(heads.best, (1, b1.hash()));
    assert_eq!(db.hash_of(0).unwrap(), Some(g.hash()));
}

#[test]
fn pruning_keeps_the_window_and_frees_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&dir.path().join("db"), Pruning::Keep(2)).unwrap();
    let mut head = genesis(&db, &changes(&[(b"k", Some(b"0"))]));
    let mut roots = vec![head.state_root];
    for i in 1..6u8 {
        let value = [i; 40];
        head = finalized_child(
            &db,
            &head,
            &changes(&[(b"k", Some(&value)), (b"same", Some(b"x"))]),
        );
        roots.push(head.state_root);
    }
    assert_eq!(db.heads().unwrap().unwrap().pruned_below, 4);
    for (n, root) in roots.iter().enumerate().skip(4) {
        assert_eq!(
            read(&db, *root, b"k"),
            Some(vec![n as u8; 40]),
            "state {n} in the window"
        );
        assert_eq!(read(&db, *root, b"same"), Some(b"x".to_vec()));
    }
    assert!(
        db.state().node(&roots[1].0).unwrap().is_none(),
        "state 1's root node was freed"
    );
}

#[test]
fn reopening_with_another_genesis_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&dir.path().join("db"), Pruning::Archive).unwrap();
    let g = genesis(&db, &changes(&[(b"a", Some(b"1"))]));
    drop(db);
    let db = Database::open(&dir.path().join("db"), Pruning::Archive).unwrap();
    assert!(db.check_genesis(g.hash()).unwrap());
    assert!(matches!(
        db.check_genesis(H256([9; 32])),
        Err(DbError::WrongGenesis { .. })
    ));
}

#[test]
fn an_empty_value_is_kept_as_substrate_keeps_it() {
    let db = Database::in_memory(Pruning::Archive);
    let g = genesis(
        &db,
        &changes(&[(b"empty", Some(b"")), (b"full", Some(b"x"))]),
    );
    let expected = trie_root(vec![
        (b"empty".to_vec(), Vec::new()),
        (b"full".to_vec(), b"x".to_vec()),
    ]);
    assert_eq!(
        g.state_root.0, expected,
        "the database's root equals the in-memory root"
    );
    assert_eq!(read(&db, g.state_root, b"empty"), Some(Vec::new()));
    let b1 = finalized_child(&db, &g, &changes(&[(b"full", Some(b""))]));
    assert_eq!(read(&db, b1.state_root, b"full"), Some(Vec::new()));
    let b2 = finalized_child(&db, &b1, &changes(&[(b"empty", None)]));
    assert_eq!(
        read(&db, b2.state_root, b"empty"),
        None,
        "only a removal removes a key"
    );
}
