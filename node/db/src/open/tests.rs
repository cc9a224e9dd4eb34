use super::walk::sample_heights;
use super::*;
use crate::{BlockCommit, KeyValue, Transaction};
use codec::Encode;
use entroos_primitives::Header;
use std::collections::BTreeMap;

/// A database of genesis and `blocks` finalized blocks in `<tmp>/db`.
struct Chain {
    _tmp: tempfile::TempDir,
    path: PathBuf,
    headers: Vec<Header>,
    /// The newest write-ahead log's size after each block.
    wal_sizes: Vec<u64>,
}

fn chain(pruning: Pruning, blocks: u8) -> Chain {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("db");
    let db = Database::open(&path, pruning).unwrap();
    let mut headers: Vec<Header> = Vec::new();
    let mut wal_sizes = Vec::new();
    for n in 0..=blocks {
        let parent = headers.last();
        let value = [n; 40];
        let changes = [(b"k".to_vec(), Some(value.to_vec()))]
            .into_iter()
            .collect();
        let delta = db
            .state()
            .delta(parent.map(|p| p.state_root), &changes)
            .unwrap();
        let header = Header {
            parent_hash: parent.map(|p| p.hash()).unwrap_or_default(),
            number: n.into(),
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
        headers.push(header);
        wal_sizes.push(newest_wal(&path).metadata().unwrap().len());
    }
    Chain {
        _tmp: tmp,
        path,
        headers,
        wal_sizes,
    }
}

impl Chain {
    fn head(&self) -> &Header {
        self.headers.last().unwrap()
    }

    fn record(&self) -> PathBuf {
        let mut name = self.path.as_os_str().to_os_string();
        name.push(FINALITY_RECORD_SUFFIX);
        PathBuf::from(name)
    }

    /// Applies `tx` to the database directly, bypassing the open checks.
    fn damage(&self, tx: Transaction) {
        let kv = RocksKv::open(
            &self.path,
            RocksOptions {
                create_if_missing: false,
            },
        )
        .unwrap();
        kv.write(tx, true).unwrap();
    }

    fn refusal(&self, pruning: Pruning) -> DbError {
        let before = files(&self.path);
        let error = Database::open(&self.path, pruning)
            .err()
            .unwrap_or_else(|| panic!("opened with {pruning}"));
        assert_eq!(files(&self.path), before, "the refusal changed files");
        error
    }
}

fn newest_wal(dir: &Path) -> PathBuf {
    let mut logs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .collect();
    logs.sort();
    logs.pop().expect("a write-ahead log")
}

/// Every file of `dir` with its contents.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap())
                .map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    (name, std::fs::read(e.path()).unwrap())
                })
                .collect()
        })
        .unwrap_or_default()
}

fn manifest(dir: &Path) -> PathBuf {
    let current = std::fs::read_to_string(dir.join("CURRENT")).unwrap();
    dir.join(current.trim())
}

#[test]
fn finality_is_recorded_and_a_sound_database_reopens_as_it_was() {
    let chain = chain(Pruning::Keep(2), 5);
    let head = chain.head().hash();
    assert_eq!(
        std::fs::read_to_string(chain.record()).unwrap(),
        format!("5 {head}\n")
    );
    let db = Database::open(&chain.path, Pruning::Keep(2)).unwrap();
    let heads = db.heads().unwrap().unwrap();
    assert_eq!((heads.best, heads.finalized), ((5, head), (5, head)));
    assert_eq!(db.finality_record(), Some(chain.record()));
}

#[test]
fn files_without_current_are_refused_until_it_is_restored() {
    let chain = chain(Pruning::Archive, 3);
    let current = std::fs::read(chain.path.join("CURRENT")).unwrap();
    std::fs::remove_file(chain.path.join("CURRENT")).unwrap();
    for _ in 0..2 {
        let refusal = chain.refusal(Pruning::Archive);
        assert!(matches!(refusal, DbError::CurrentMissing { .. }));
        assert_eq!(
            refusal.to_string(),
            format!("database files present in {} but CURRENT missing: the database is damaged; restore it from a backup, or run purge-chain to start over / re-sync", chain.path.display())
        );
    }
    std::fs::write(chain.path.join("CURRENT"), current).unwrap();
    let heads = Database::open(&chain.path, Pruning::Archive)
        .unwrap()
        .heads()
        .unwrap()
        .unwrap();
    assert_eq!(heads.finalized, (3, chain.head().hash()));
}

#[test]
fn a_cut_manifest_is_refused() {
    let chain = chain(Pruning::Archive, 3);
    let manifest = manifest(&chain.path);
    let len = manifest.metadata().unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&manifest)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    let refusal = chain.refusal(Pruning::Archive);
    assert!(
        matches!(
            refusal,
            DbError::ColumnsMissing { .. } | DbError::Unopenable { .. }
        ),
        "{refusal}"
    );
    assert!(
        refusal
            .to_string()
            .ends_with("restore it from a backup, or run purge-chain to start over / re-sync"),
        "{refusal}"
    );
}

#[test]
fn another_pruning_mode_is_refused_both_ways() {
    let archive = chain(Pruning::Archive, 2);
    let refusal = archive.refusal(Pruning::Keep(2));
    assert_eq!(
        refusal.to_string(),
        format!("pruning mode mismatch: the database at {} was created with --state-pruning archive, not 2: pass --state-pruning archive, or run purge-chain to start over with 2", archive.path.display())
    );
    let pruned = chain(Pruning::Keep(2), 2);
    assert!(matches!(
        pruned.refusal(Pruning::Archive),
        DbError::PruningMismatch {
            recorded: Pruning::Keep(2),
            requested: Pruning::Archive,
            ..
        }
    ));
    assert!(Database::open(&pruned.path, Pruning::Keep(2)).is_ok());
}

#[test]
fn other_layouts_are_refused() {
    let chain = chain(Pruning::Archive, 1);
    let mut tx = Transaction::default();
    tx.put(Column::Meta, meta::SCHEMA, 1u32.encode());
    chain.damage(tx);
    assert!(matches!(
        chain.refusal(Pruning::Archive),
        DbError::SchemaMismatch {
            found: 1,
            expected: SCHEMA_VERSION,
            ..
        }
    ));
    let mut tx = Transaction::default();
    tx.delete(Column::Meta, meta::SCHEMA);
    chain.damage(tx);
    let refusal = chain.refusal(Pruning::Archive);
    assert!(matches!(refusal, DbError::UnversionedLayout { .. }));
    assert!(refusal.to_string().contains("run purge-chain"));
}

#[test]
fn missing_or_mismatched_entries_are_named() {
    type Damage = fn(&Chain, &mut Transaction);
    type Expected = fn(&Inconsistency) -> bool;
    let cases: [(Damage, Expected); 6] = [
        (
            |c, tx| tx.delete(Column::Bodies, c.head().hash()),
            |p| {
                matches!(
                    p,
                    Inconsistency::MissingBody {
                        role: "finalized",
                        number: 20,
                        ..
                    }
                )
            },
        ),
        (
            |c, tx| tx.delete(Column::State, c.head().state_root),
            |p| matches!(p, Inconsistency::MissingState { number: 20, .. }),
        ),
        (
            |_, tx| tx.delete(Column::Lookup, 1u32.to_be_bytes()),
            |p| matches!(p, Inconsistency::MissingLookup(1)),
        ),
        (
            |c, tx| {
                tx.put(
                    Column::Lookup,
                    2u32.to_be_bytes(),
                    c.headers[3].hash().encode(),
                )
            },
            |p| {
                matches!(
                    p,
                    Inconsistency::WrongNumber {
                        number: 2,
                        found: 3,
                        ..
                    }
                )
            },
        ),
        (
            |c, tx| {
                tx.put(
                    Column::Lookup,
                    21u32.to_be_bytes(),
                    c.headers[3].hash().encode(),
                )
            },
            |p| matches!(p, Inconsistency::LookupAboveBest(21)),
        ),
        (
            |c, tx| tx.delete(Column::Headers, c.headers[11].hash()),
            |p| {
                matches!(
                    p,
                    Inconsistency::MissingHeader {
                        role: "canonical",
                        ..
                    }
                )
            },
        ),
    ];
    for (case, (damage, expected)) in cases.into_iter().enumerate() {
        let chain = chain(Pruning::Archive, 20);
        let mut tx = Transaction::default();
        damage(&chain, &mut tx);
        chain.damage(tx);
        match chain.refusal(Pruning::Archive) {
            DbError::Inconsistent { problem, .. } if expected(&problem) => {}
            other => panic!("case {case}: unexpected refusal: {other}"),
        }
    }
}

#[test]
fn a_damaged_log_that_lost_finalized_blocks_is_refused() {
    let chain = chain(Pruning::Archive, 12);
    let wal = newest_wal(&chain.path);
    let mut bytes = std::fs::read(&wal).unwrap();
    let from = usize::try_from(chain.wal_sizes[6]).unwrap();
    for byte in &mut bytes[from..from + 64] {
        *byte ^= 0xa5;
    }
    std::fs::write(&wal, bytes).unwrap();
    let refusal = chain.refusal(Pruning::Archive);
    let DbError::FinalizedLost {
        recorded, found, ..
    } = refusal
    else {
        panic!("unexpected refusal: {refusal}");
    };
    assert_eq!(recorded, 12);
    assert_eq!(found, 6);
    assert!(refusal.to_string().starts_with(&format!(
        "finalized block #12 ({}) recorded in {}, but the database's finalized head is #6: the database lost finalized blocks",
        chain.head().hash(),
        chain.record().display()
    )));
}

#[test]
fn a_record_naming_another_block_is_refused() {
    let chain = chain(Pruning::Archive, 4);
    std::fs::write(chain.record(), format!("3 {}\n", H256([9; 32]))).unwrap();
    assert!(matches!(
        chain.refusal(Pruning::Archive),
        DbError::FinalizedReplaced { number: 3, .. }
    ));
    std::fs::write(chain.record(), "3 0x12\n").unwrap();
    assert!(matches!(
        chain.refusal(Pruning::Archive),
        DbError::RecordUnreadable { .. }
    ));
}

#[test]
fn a_vanished_database_is_refused_while_its_record_exists() {
    let chain = chain(Pruning::Archive, 2);
    std::fs::remove_dir_all(&chain.path).unwrap();
    assert!(matches!(
        Database::open(&chain.path, Pruning::Archive),
        Err(DbError::DatabaseMissing { recorded: 2, .. })
    ));
    assert!(!chain.path.exists());
    std::fs::create_dir(&chain.path).unwrap();
    assert!(matches!(
        Database::open(&chain.path, Pruning::Archive),
        Err(DbError::DatabaseMissing { .. })
    ));
    assert!(files(&chain.path).is_empty());
}

#[test]
fn the_walk_samples_the_heads_and_sixteen_heights_between() {
    assert_eq!(sample_heights(0, 0).into_iter().collect::<Vec<_>>(), [0]);
    assert_eq!(
        sample_heights(2, 3).into_iter().collect::<Vec<_>>(),
        [0, 1, 2, 3]
    );
    let heights = sample_heights(900, 1000);
    assert_eq!(heights.len(), 20);
    assert!([0, 1, 900, 1000].iter().all(|h| heights.contains(h)));
}

#[test]
fn an_auxiliary_value_survives_a_reopen_and_stays_out_of_the_chain_meta() {
    let chain = chain(Pruning::Archive, 2);
    let db = Database::open(&chain.path, Pruning::Archive).unwrap();
    assert_eq!(db.aux(b"voter").unwrap(), None);
    db.put_aux(b"voter", vec![1, 2, 3]).unwrap();
    db.put_aux(b"best", vec![9]).unwrap();
    let heads = db.heads().unwrap();
    drop(db);
    let db = Database::open(&chain.path, Pruning::Archive).unwrap();
    assert_eq!(db.aux(b"voter").unwrap(), Some(vec![1, 2, 3]));
    assert_eq!(
        db.heads().unwrap(),
        heads,
        "an aux key named like a head pointer leaves the head alone"
    );
}
