//! A chain of a genesis preset on RocksDB with a manual clock, and the
//! pieces to build valid and forged blocks on it.
#![allow(dead_code)]

use entroos_authorship::{build_block, Built, Proposal};
use entroos_client::testing::preset_client_on;
use entroos_client::verify::seal_header;
use entroos_client::Client;
use entroos_client_api::{BlockOrigin, Clock, ImportError, ManualClock};
use entroos_consensus_slots::{claim_slot, HeldKeys, PreDigest, ENGINE_ID};
use entroos_db::{Column, Database, Pruning};
use entroos_primitives::crypto::sr25519;
use entroos_primitives::{Block, DigestItem, Header};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The development validators' names, in preset order.
pub const NAMES: [&str; 4] = ["Alice", "Bob", "Charlie", "Dave"];

/// The sr25519 slot key of `//<name>`.
pub fn key(name: &str) -> sr25519::Pair {
    sr25519::Pair::from_uri(&format!("//{name}")).unwrap()
}

pub struct Chain {
    _dir: tempfile::TempDir,
    pub db: Database,
    pub client: Arc<Client>,
    pub clock: Arc<ManualClock>,
}

impl Chain {
    pub fn new(preset: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("db"), Pruning::Keep(4)).unwrap();
        let (client, clock) = preset_client_on(preset, db.clone()).unwrap();
        Chain {
            _dir: dir,
            db,
            client,
            clock,
        }
    }

    pub fn slot_millis(&self) -> u64 {
        self.client.slot_millis()
    }

    pub fn now_slot(&self) -> u64 {
        self.clock.now_millis() / self.slot_millis()
    }

    /// Moves the clock one slot on; returns the new slot.
    pub fn tick(&self) -> u64 {
        self.clock.advance(self.slot_millis());
        self.now_slot()
    }

    pub fn best(&self) -> Header {
        self.client
            .expect_header(&self.client.heads().best.1)
            .unwrap()
    }

    /// The claim `keys` win on `slot` over `parent`, if any.
    pub fn claim(&self, parent: &Header, slot: u64, keys: &[sr25519::Pair]) -> Option<PreDigest> {
        let epoch = self.client.epoch_for(&parent.hash(), slot).unwrap();
        let held: HeldKeys = keys.iter().cloned().collect();
        claim_slot(&held, &epoch, slot).map(|claim| claim.pre_digest)
    }

    /// Whoever of Alice … Dave wins `slot` over `parent`, with its claim.
    pub fn winner(
        &self,
        parent: &Header,
        slot: u64,
        primary: bool,
    ) -> Option<(PreDigest, sr25519::Pair)> {
        NAMES.iter().map(|n| key(n)).find_map(|k| {
            let claim = self.claim(parent, slot, std::slice::from_ref(&k))?;
            (claim.is_primary() == primary).then_some((claim, k))
        })
    }

    /// A block on `parent` with `pre_digest`, sealed by `key`, timed at
    /// its slot.
    pub fn build(&self, parent: &Header, pre_digest: PreDigest, key: &sr25519::Pair) -> Built {
        let timestamp = pre_digest.slot() * self.slot_millis();
        self.build_at(parent, pre_digest, key, timestamp)
    }

    pub fn build_at(
        &self,
        parent: &Header,
        pre_digest: PreDigest,
        key: &sr25519::Pair,
        timestamp: u64,
    ) -> Built {
        build_block(
            &self.client,
            parent,
            Proposal {
                pre_digest,
                timestamp,
                candidates: &[],
                deadline: Instant::now() + Duration::from_secs(5),
                key,
            },
        )
        .unwrap()
    }

    /// A valid block on the best block at the current slot: the first of
    /// Alice … Dave that wins it (primary or secondary).
    pub fn valid_on_best(&self) -> Block {
        let best = self.best();
        let slot = self.now_slot();
        let (claim, key) = self
            .winner(&best, slot, true)
            .or_else(|| self.winner(&best, slot, false))
            .expect("a secondary assignee always exists");
        self.build(&best, claim, &key).block
    }

    /// Imports `block` from the network.
    pub fn import(&self, block: Block) -> Result<entroos_client_api::ImportOutcome, ImportError> {
        use entroos_client_api::BlockImport;
        self.client.import_block(block, BlockOrigin::Network)
    }

    /// Every entry of every column.
    pub fn snapshot(&self) -> Vec<(Column, Vec<u8>, Option<Vec<u8>>)> {
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
    pub fn refuse(&self, block: Block) -> ImportError {
        let before = self.snapshot();
        let heads = self.client.heads();
        let error = self.import(block).expect_err("the block must be refused");
        assert_eq!(
            self.snapshot(),
            before,
            "a refused block changed the database ({error})"
        );
        assert_eq!(self.client.heads(), heads);
        error
    }
}

/// `header` with its seal replaced by `key`'s.
pub fn resealed(mut header: Header, key: &sr25519::Pair) -> Header {
    if matches!(header.digest.logs.last(), Some(DigestItem::Seal(..))) {
        header.digest.logs.pop();
    }
    seal_header(&mut header, key);
    header
}

/// `block` claiming `pre_digest` instead, sealed by `key`.
pub fn with_claim(mut block: Block, pre_digest: PreDigest, key: &sr25519::Pair) -> Block {
    for item in block.header.digest.logs.iter_mut() {
        if let DigestItem::PreRuntime(engine, _) = item {
            if *engine == ENGINE_ID {
                *item = pre_digest.to_digest_item();
            }
        }
    }
    block.header = resealed(block.header, key);
    block
}

impl Chain {
    /// The secondary claim of `slot` over `parent` by its assignee, with
    /// the assignee's key.
    pub fn secondary(&self, parent: &Header, slot: u64) -> (PreDigest, sr25519::Pair) {
        let epoch = self.client.epoch_for(&parent.hash(), slot).unwrap();
        let authority_index = epoch.secondary_author(slot).unwrap();
        let vrf_key = epoch.authority(authority_index).unwrap().vrf_key;
        let key = NAMES
            .iter()
            .map(|n| key(n))
            .find(|k| k.public() == vrf_key)
            .unwrap();
        let claim = PreDigest::Secondary {
            authority_index,
            slot,
        };
        (claim, key)
    }
}
