use super::*;
use entroos_support::state::Changes;
use entroos_support::trie::{trie_root, Layout};
use trie_db::{Trie, TrieDBBuilder};

fn changes(pairs: &[(&[u8], Option<&[u8]>)]) -> Changes {
    pairs
        .iter()
        .map(|(k, v)| (k.to_vec(), v.map(|v| v.to_vec())))
        .collect()
}

fn commit_block(db: &Database, parent: Option<&Header>, delta: StateDelta) -> Header {
    let header = Header {
        parent_hash: parent.map(|p| p.hash()).unwrap_or_default(),
        number: parent.map(|p| p.number + 1).unwrap_or(0),
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

fn read(db: &Database, root: H256, key: &[u8]) -> Option<Vec<u8>> {
    let state = db.state();
    let source = NodeSource::new(&state);
    let trie = TrieDBBuilder::<Layout>::new(&source, &root.0).build();
    trie.get(key).unwrap()
}

#[test]
fn roots_match_the_in_memory_trie_and_old_states_stay_readable_in_archive() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path(), Pruning::Archive).unwrap();
    let big = vec![7u8; 100];
    let c0 = changes(&[(b"a", Some(b"1")), (b"b", Some(&big))]);
    let d0 = db.state().delta(None, &c0).unwrap();
    assert_eq!(
        d0.root.0,
        trie_root(vec![
            (b"a".to_vec(), b"1".to_vec()),
            (b"b".to_vec(), big.clone())
        ])
    );
    let g = commit_block(&db, None, d0);
    let d1 = db
        .state()
        .delta(
            Some(g.state_root),
            &changes(&[(b"a", Some(b"2")), (b"b", None)]),
        )
        .unwrap();
    let b1 = commit_block(&db, Some(&g), d1);
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
    let db = Database::open(dir.path(), Pruning::Keep(2)).unwrap();
    let mut head = commit_block(
        &db,
        None,
        db.state()
            .delta(None, &changes(&[(b"k", Some(b"0"))]))
            .unwrap(),
    );
    let mut roots = vec![head.state_root];
    for i in 1..6u8 {
        let value = [i; 40];
        let delta = db
            .state()
            .delta(
                Some(head.state_root),
                &changes(&[(b"k", Some(&value)), (b"same", Some(b"x"))]),
            )
            .unwrap();
        head = commit_block(&db, Some(&head), delta);
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
    let state = db.state();
    assert!(
        state.node(&roots[1].0).unwrap().is_none(),
        "state 1's root node was freed"
    );
}

#[test]
fn reopening_with_another_genesis_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path(), Pruning::Archive).unwrap();
    let g = commit_block(
        &db,
        None,
        db.state()
            .delta(None, &changes(&[(b"a", Some(b"1"))]))
            .unwrap(),
    );
    drop(db);
    let db = Database::open(dir.path(), Pruning::Archive).unwrap();
    assert!(db.check_genesis(g.hash()).unwrap());
    assert!(matches!(
        db.check_genesis(H256([9; 32])),
        Err(DbError::WrongGenesis { .. })
    ));
}
