//! The block tree on both stores: branches, reorgs, finality discarding
//! the other branches, and pruning that keeps exactly the window.

mod support;

use entroos_db::{Column, Database, DbError, KeyValue, MemoryKv, Pruning, RocksKv, RocksOptions};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;
use support::*;

/// Runs `test` on a RocksDB database and on an in-memory one.
fn on_both(pruning: Pruning, test: impl Fn(&Database)) {
    let dir = tempfile::tempdir().unwrap();
    let rocks = RocksKv::open(
        dir.path(),
        RocksOptions {
            create_if_missing: true,
        },
    )
    .unwrap();
    test(&Database::with_store(Arc::new(rocks), pruning));
    test(&Database::with_store(
        Arc::new(MemoryKv::default()),
        pruning,
    ));
}

#[test]
fn a_reorg_to_the_longer_branch_rewrites_the_canonical_lookup() {
    on_both(Pruning::Archive, |db| {
        let g = genesis(db, &changes(&[(b"k", Some(b"0"))]));
        let a1 = child(db, &g, &changes(&[(b"k", Some(b"a1"))]), 1, true);
        let a2 = child(db, &a1, &changes(&[(b"k", Some(b"a2"))]), 1, true);
        let b1 = child(db, &g, &changes(&[(b"k", Some(b"b1"))]), 2, false);
        let b2 = child(db, &b1, &changes(&[(b"k", Some(b"b2"))]), 2, false);
        assert_eq!(db.heads().unwrap().unwrap().best.1, a2.hash());
        assert_eq!(db.leaves().unwrap(), vec![a2.hash(), b2.hash()]);
        let b3 = child(db, &b2, &changes(&[(b"k", Some(b"b3"))]), 2, true);
        let heads = db.heads().unwrap().unwrap();
        assert_eq!(heads.best, (3, b3.hash()));
        for header in [&g, &b1, &b2, &b3] {
            assert_eq!(db.hash_of(header.number).unwrap(), Some(header.hash()));
        }
        assert_eq!(db.children(&g.hash()).unwrap(), vec![a1.hash(), b1.hash()]);
        assert_eq!(
            read(db, a2.state_root, b"k"),
            Some(b"a2".to_vec()),
            "the other branch stays readable"
        );
        db.set_best(&a2.hash()).unwrap();
        assert_eq!(
            db.hash_of(3).unwrap(),
            None,
            "a shorter best chain drops the lookup above it"
        );
        assert_eq!(db.hash_of(1).unwrap(), Some(a1.hash()));
    });
}

#[test]
fn finalizing_one_branch_discards_the_other_with_its_state() {
    on_both(Pruning::Archive, |db| {
        let g = genesis(db, &changes(&[(b"k", Some(b"0"))]));
        let a1 = child(db, &g, &changes(&[(b"a", Some(b"only on a"))]), 1, true);
        let b1 = child(db, &g, &changes(&[(b"b", Some(b"only on b"))]), 2, false);
        let b2 = child(db, &b1, &changes(&[(b"b", Some(b"b2"))]), 2, false);
        let refused = db.finalize(&b1.hash(), None).unwrap_err();
        assert!(
            matches!(refused, DbError::CannotFinalize { .. }),
            "{refused}"
        );
        let outcome = db.finalize(&a1.hash(), Some(b"proof".to_vec())).unwrap();
        let mut discarded = outcome.discarded.clone();
        discarded.sort();
        let mut expected = vec![b1.hash(), b2.hash()];
        expected.sort();
        assert_eq!(discarded, expected);
        assert_eq!(db.header(&b1.hash()).unwrap(), None);
        assert_eq!(db.header(&b2.hash()).unwrap(), None);
        assert_eq!(db.leaves().unwrap(), vec![a1.hash()]);
        assert_eq!(
            db.justification(&a1.hash()).unwrap(),
            Some(b"proof".to_vec())
        );
        assert_eq!(db.heads().unwrap().unwrap().finalized, (1, a1.hash()));
        assert_eq!(read(db, a1.state_root, b"a"), Some(b"only on a".to_vec()));
        let b_only = db.state().node(&b2.state_root.0).unwrap();
        assert_eq!(
            b_only, None,
            "the discarded branch's state nodes are released"
        );
        let g_again = db.finalize(&g.hash(), None).unwrap_err();
        assert!(
            matches!(g_again, DbError::CannotFinalize { .. }),
            "finality never moves back"
        );
    });
}

#[test]
fn the_key_value_stores_keep_the_same_contract() {
    let dir = tempfile::tempdir().unwrap();
    let rocks = RocksKv::open(
        dir.path(),
        RocksOptions {
            create_if_missing: true,
        },
    )
    .unwrap();
    let stores: [Arc<dyn KeyValue>; 2] = [Arc::new(rocks), Arc::new(MemoryKv::default())];
    for kv in stores {
        let mut tx = entroos_db::Transaction::default();
        tx.put(Column::Meta, b"a1", b"x".to_vec());
        tx.put(Column::Meta, b"a2", b"y".to_vec());
        tx.put(Column::Headers, b"a3", b"other column".to_vec());
        tx.put(Column::Meta, b"b1", b"z".to_vec());
        tx.delete(Column::Meta, b"a2");
        tx.put(Column::Meta, b"a2", b"last wins".to_vec());
        kv.write(tx, true).unwrap();
        assert_eq!(
            kv.get(Column::Meta, b"a2").unwrap(),
            Some(b"last wins".to_vec())
        );
        assert_eq!(
            kv.get(Column::Meta, b"a3").unwrap(),
            None,
            "columns are separate"
        );
        assert_eq!(
            kv.keys_with_prefix(Column::Meta, b"a").unwrap(),
            vec![b"a1".to_vec(), b"a2".to_vec()]
        );
        let mut tx = entroos_db::Transaction::default();
        tx.delete(Column::Meta, b"a1");
        kv.write(tx, false).unwrap();
        assert_eq!(kv.get(Column::Meta, b"a1").unwrap(), None);
    }
}

/// One random history applied to an archive and a pruned database alike.
struct Twin {
    archive: Database,
    pruned: Database,
    keep: u32,
}

impl Twin {
    fn child(
        &self,
        parent: &entroos_primitives::Header,
        rng: &mut StdRng,
        salt: u8,
        best: bool,
    ) -> entroos_primitives::Header {
        let mut state = entroos_support::state::Changes::new();
        for _ in 0..rng.gen_range(1..6) {
            let key = vec![rng.gen_range(0u8..24)];
            let value =
                (rng.gen_range(0u8..4) > 0).then(|| vec![rng.gen::<u8>(); rng.gen_range(1..64)]);
            state.insert(key, value);
        }
        let a = child(&self.archive, parent, &state, salt, best);
        let p = child(&self.pruned, parent, &state, salt, best);
        assert_eq!(a, p);
        a
    }
}

#[test]
fn a_pruned_database_reads_every_state_in_its_window_like_an_archive() {
    let mut rng = StdRng::seed_from_u64(0x5eed_f0c5);
    let twin = Twin {
        archive: Database::in_memory(Pruning::Archive),
        pruned: Database::in_memory(Pruning::Keep(4)),
        keep: 4,
    };
    let initial = changes(&[(b"\x00", Some(b"genesis")), (b"\x01", Some(b"one"))]);
    let g = genesis(&twin.archive, &initial);
    genesis(&twin.pruned, &initial);
    let mut best = g.clone();
    let mut salt = 0u8;
    let mut finalized_at = 0;
    while best.number < 200 {
        salt = salt.wrapping_add(1);
        let next = twin.child(&best, &mut rng, salt, false);
        if rng.gen_range(0..4) == 0 {
            salt = salt.wrapping_add(1);
            let fork = twin.child(&best, &mut rng, salt, false);
            let _ = twin.child(&fork, &mut rng, salt, false);
        }
        for db in [&twin.archive, &twin.pruned] {
            db.set_best(&next.hash()).unwrap();
        }
        best = next;
        if best.number >= finalized_at + rng.gen_range(1..5) {
            let target = twin.archive.hash_of(best.number - 1).unwrap().unwrap();
            for db in [&twin.archive, &twin.pruned] {
                db.finalize(&target, None).unwrap();
            }
            finalized_at = best.number - 1;
        }
        check_window(&twin);
    }
    let heads = twin.pruned.heads().unwrap().unwrap();
    assert!(heads.finalized.0 >= 190, "finality followed: {heads:?}");
    assert_eq!(heads.pruned_below, heads.finalized.0 + 1 - twin.keep);
    let nodes = |db: &Database| db_nodes(db);
    assert!(
        nodes(&twin.pruned) * 3 < nodes(&twin.archive),
        "pruning frees old states: {} nodes kept of {}",
        nodes(&twin.pruned),
        nodes(&twin.archive)
    );
}

fn db_nodes(db: &Database) -> usize {
    db.store()
        .keys_with_prefix(Column::State, b"")
        .unwrap()
        .len()
}

/// Every canonical state in the window (and every later one) equals the
/// archive's; states below the window are gone from the pruned database.
fn check_window(twin: &Twin) {
    let heads = twin.pruned.heads().unwrap().unwrap();
    let archive_heads = twin.archive.heads().unwrap().unwrap();
    assert_eq!(
        (heads.best, heads.finalized),
        (archive_heads.best, archive_heads.finalized)
    );
    for number in heads.pruned_below..=heads.best.0 {
        let hash = twin.archive.hash_of(number).unwrap().unwrap();
        let root = twin.archive.header(&hash).unwrap().unwrap().state_root;
        assert_eq!(
            dump(&twin.pruned, root),
            dump(&twin.archive, root),
            "state of #{number}"
        );
    }
    for leaf in twin.pruned.leaves().unwrap() {
        let root = twin.pruned.header(&leaf).unwrap().unwrap().state_root;
        assert_eq!(
            dump(&twin.pruned, root),
            dump(&twin.archive, root),
            "leaf {leaf}"
        );
    }
}
