//! Every way the import pipeline refuses a block: each refusal carries its
//! typed reason and leaves the database exactly as it was.

use entroos_authorship::{build_block, Built, Proposal};
use entroos_client::testing::{dev_client_on, TEST_SLOT_MILLIS};
use entroos_client::verify::seal;
use entroos_client::Client;
use entroos_client_api::{
    BlockImport, BlockOrigin, Clock, ImportError, ImportOutcome, ManualClock, SealError,
};
use entroos_db::{Column, Database, Pruning};
use entroos_primitives::crypto::sr25519;
use entroos_primitives::{DigestItem, Header, OpaqueExtrinsic, H256};
use entroos_support::trie::ordered_trie_root;
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Chain {
    _dir: tempfile::TempDir,
    db: Database,
    client: Arc<Client>,
    clock: Arc<ManualClock>,
    alice: sr25519::Pair,
}

impl Chain {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("db"), Pruning::Keep(4)).unwrap();
        let (client, clock) = dev_client_on(db.clone()).unwrap();
        Chain {
            _dir: dir,
            db,
            client,
            clock,
            alice: sr25519::Pair::from_uri("//Alice").unwrap(),
        }
    }

    fn now_slot(&self) -> u64 {
        self.clock.now_millis() / TEST_SLOT_MILLIS
    }

    /// A valid block on `parent` at `slot` with timestamp `timestamp`.
    fn build(&self, parent: &Header, slot: u64, timestamp: u64, key: &sr25519::Pair) -> Built {
        build_block(
            &self.client,
            parent,
            Proposal {
                slot,
                timestamp,
                candidates: &[],
                deadline: Instant::now() + Duration::from_secs(5),
                key,
            },
        )
        .unwrap()
    }

    fn valid_on_best(&self) -> Built {
        let best = self
            .client
            .expect_header(&self.client.heads().best.1)
            .unwrap();
        let slot = self.now_slot();
        self.build(&best, slot, slot * TEST_SLOT_MILLIS, &self.alice)
    }

    /// Every entry of every column.
    fn snapshot(&self) -> Vec<(Column, Vec<u8>, Option<Vec<u8>>)> {
        let store = self.db.store();
        Column::ALL
            .iter()
            .flat_map(|column| {
                store
                    .keys_with_prefix(*column, b"")
                    .unwrap()
                    .into_iter()
                    .map(|key| {
                        let value = store.get(*column, &key).unwrap();
                        (*column, key, value)
                    })
            })
            .collect()
    }

    /// Imports `block` expecting a refusal; the database must not change.
    fn refuse(&self, block: entroos_primitives::Block) -> ImportError {
        let before = self.snapshot();
        let heads = self.client.heads();
        let error = self
            .client
            .import_block(block, BlockOrigin::Network)
            .expect_err("the block must be refused");
        assert_eq!(
            self.snapshot(),
            before,
            "a refused block changed the database ({error})"
        );
        assert_eq!(self.client.heads(), heads);
        error
    }
}

fn resealed(mut header: Header, key: &sr25519::Pair) -> Header {
    if matches!(header.digest.logs.last(), Some(DigestItem::Seal(..))) {
        header.digest.logs.pop();
    }
    seal(&mut header, key);
    header
}

#[test]
fn a_valid_block_from_outside_is_imported_and_becomes_best() {
    let chain = Chain::new();
    chain.clock.advance(TEST_SLOT_MILLIS);
    let built = chain.valid_on_best();
    let hash = built.block.header.hash();
    let outcome = chain
        .client
        .import_block(built.block.clone(), BlockOrigin::Network)
        .unwrap();
    assert_eq!(outcome, ImportOutcome::Imported { hash, best: true });
    assert_eq!(chain.client.heads().best, (1, hash));
    let again = chain
        .client
        .import_block(built.block, BlockOrigin::Network)
        .unwrap();
    assert_eq!(again, ImportOutcome::AlreadyKnown(hash));
}

#[test]
fn header_refusals_name_their_reason() {
    let chain = Chain::new();
    chain.clock.advance(TEST_SLOT_MILLIS);
    let valid = chain.valid_on_best().block;

    let mut block = valid.clone();
    block.header.parent_hash = H256([7; 32]);
    block.header = resealed(block.header, &chain.alice);
    assert!(matches!(chain.refuse(block), ImportError::UnknownParent(h) if h == H256([7; 32])));

    let mut block = valid.clone();
    block.header.number = 5;
    block.header = resealed(block.header, &chain.alice);
    assert!(matches!(
        chain.refuse(block),
        ImportError::WrongNumber {
            parent: 0,
            number: 5
        }
    ));

    let mut block = valid.clone();
    if let Some(DigestItem::Seal(_, signature)) = block.header.digest.logs.last_mut() {
        signature.truncate(10);
    }
    assert!(matches!(
        chain.refuse(block),
        ImportError::BadSeal(SealError::Malformed)
    ));

    let mut block = valid.clone();
    if let Some(DigestItem::Seal(_, signature)) = block.header.digest.logs.last_mut() {
        signature[0] ^= 1;
    }
    assert!(matches!(
        chain.refuse(block),
        ImportError::BadSeal(SealError::NotAnAuthority { .. })
    ));

    let bob = sr25519::Pair::from_uri("//Bob").unwrap();
    let block = entroos_primitives::Block {
        header: resealed(valid.header.clone(), &bob),
        extrinsics: valid.extrinsics.clone(),
    };
    let error = chain.refuse(block);
    assert!(
        matches!(
            error,
            ImportError::BadSeal(SealError::NotAnAuthority { .. })
        ),
        "{error}"
    );
    assert!(
        error.to_string().contains("not signed by any authority"),
        "{error}"
    );
}

#[test]
fn slot_refusals_name_their_reason() {
    let chain = Chain::new();
    chain.clock.advance(TEST_SLOT_MILLIS);
    let first = chain.valid_on_best().block;
    let slot = chain.now_slot();
    chain
        .client
        .import_block(first.clone(), BlockOrigin::Network)
        .unwrap();

    chain.clock.advance(TEST_SLOT_MILLIS);
    let mut same_slot = chain
        .build(
            &first.header,
            slot + 1,
            (slot + 1) * TEST_SLOT_MILLIS,
            &chain.alice,
        )
        .block;
    for item in same_slot.header.digest.logs.iter_mut() {
        if let DigestItem::PreRuntime(_, data) = item {
            *data = codec::Encode::encode(&slot);
        }
    }
    same_slot.header = resealed(same_slot.header, &chain.alice);
    let error = chain.refuse(same_slot);
    assert!(
        matches!(error, ImportError::SlotNotIncreasing { parent, slot: s } if parent == slot && s == slot),
        "{error}"
    );

    let ahead = chain.now_slot() + 10;
    let future = chain.build(&first.header, ahead, ahead * TEST_SLOT_MILLIS, &chain.alice);
    let error = chain.refuse(future.block);
    assert!(
        matches!(error, ImportError::SlotInFuture { slot: s, .. } if s == ahead),
        "{error}"
    );
}

#[test]
fn body_and_execution_refusals_name_their_reason() {
    let chain = Chain::new();
    chain.clock.advance(TEST_SLOT_MILLIS);
    let slot = chain.now_slot();
    let genesis = chain
        .client
        .expect_header(&chain.client.heads().genesis)
        .unwrap();
    let valid = chain.valid_on_best().block;

    let drifting = chain.build(
        &genesis,
        slot,
        slot * TEST_SLOT_MILLIS + 60_000,
        &chain.alice,
    );
    let error = chain.refuse(drifting.block);
    assert!(
        matches!(error, ImportError::Inherents(ref why) if why.contains("timestamp")),
        "{error}"
    );

    let mut block = valid.clone();
    block.header.extrinsics_root = H256([3; 32]);
    block.header = resealed(block.header, &chain.alice);
    let error = chain.refuse(block);
    assert!(
        matches!(error, ImportError::ExtrinsicsRootMismatch { .. }),
        "{error}"
    );

    let mut block = valid.clone();
    block.header.state_root = H256([4; 32]);
    block.header = resealed(block.header, &chain.alice);
    let error = chain.refuse(block);
    assert!(
        matches!(error, ImportError::StateRootMismatch { .. }),
        "{error}"
    );

    let mut block = valid.clone();
    block
        .extrinsics
        .push(OpaqueExtrinsic(vec![0x0c, 0xff, 0xff, 0xff]));
    let leaves: Vec<Vec<u8>> = block.extrinsics.iter().map(codec::Encode::encode).collect();
    block.header.extrinsics_root = H256(ordered_trie_root(&leaves));
    block.header = resealed(block.header, &chain.alice);
    let error = chain.refuse(block);
    assert!(
        matches!(error, ImportError::UndecodableBody { index: 1, .. }),
        "{error}"
    );
}

#[test]
fn a_forged_signature_in_a_block_is_refused() {
    use entroos_executor::testing::{account, sign, transfer_keep_alive, SigningContext};
    let chain = Chain::new();
    chain.clock.advance(TEST_SLOT_MILLIS);
    let bob = sr25519::Pair::from_uri("//Bob").unwrap();
    let genesis = chain.client.heads().genesis;
    let transfer = sign(
        transfer_keep_alive(account(&bob), 1_000_000_000_000),
        &chain.alice,
        SigningContext::immortal_on(genesis, 0),
    );
    let hash = H256(entroos_primitives::hashing::blake2_256(&transfer));
    let best = chain
        .client
        .expect_header(&chain.client.heads().best.1)
        .unwrap();
    let slot = chain.now_slot();
    let built = build_block(
        &chain.client,
        &best,
        Proposal {
            slot,
            timestamp: slot * TEST_SLOT_MILLIS,
            candidates: &[(hash, Arc::new(transfer))],
            deadline: Instant::now() + Duration::from_secs(5),
            key: &chain.alice,
        },
    )
    .unwrap();
    assert_eq!(built.included, [hash]);
    let mut block = built.block;
    // The signature starts after the version byte, the address (variant
    // and account) and the signature's variant byte.
    block.extrinsics[1].0[1 + 33 + 1 + 7] ^= 0x55;
    let leaves: Vec<Vec<u8>> = block.extrinsics.iter().map(codec::Encode::encode).collect();
    block.header.extrinsics_root = H256(ordered_trie_root(&leaves));
    block.header = resealed(block.header, &chain.alice);
    let error = chain.refuse(block);
    assert!(
        matches!(error, ImportError::Invalid(ref why) if why.contains("signature")),
        "{error}"
    );
    assert!(error.is_bad_block());
}
