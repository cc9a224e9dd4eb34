//! A development chain authored in the past, written as a block file for
//! `import-blocks`: each block is built and sealed by the dev authority
//! (Alice) at consecutive slots ending a little before now, exactly as the
//! slot timer would have built it then, so every node imports it through
//! the verified import path and can author on top of it at once.

use entroos_authorship::{build_block, Proposal};
use entroos_client::{Client, ClientConfig, OneBatch};
use entroos_client_api::{Finalizer, SystemClock};
use entroos_consensus_slots::{claim_slot, HeldKeys};
use entroos_db::{Database, Pruning};
use entroos_node::chain_spec::ChainSpec;
use entroos_primitives::crypto::sr25519;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The dev chain's slot length.
const SLOT_MILLIS: u64 = 1_000;
/// Slots left empty between the last written block and now.
const SLOTS_BEFORE_NOW: u64 = 5;

/// Builds `count` empty blocks of the dev chain ending a few slots before
/// now and writes them to `path` in the binary block-file form.
pub fn write_dev_chain(count: u32, path: &Path) {
    let spec = ChainSpec::load("dev").expect("the dev chain spec");
    let config = ClientConfig {
        slot_millis: Some(SLOT_MILLIS),
        clock: Arc::new(SystemClock),
        signatures: Arc::new(OneBatch),
    };
    let db = Database::in_memory(Pruning::Keep(16));
    let client = Client::open(db, spec.genesis_storage(), config).expect("the dev chain");
    let alice = sr25519::Pair::from_uri("//Alice").expect("Alice's key");
    let now_slot = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("time after 1970")
        .as_millis() as u64
        / SLOT_MILLIS;
    let first_slot = now_slot - SLOTS_BEFORE_NOW - u64::from(count);
    for index in 0..u64::from(count) {
        author_at(&client, &alice, first_slot + index);
    }
    let mut file = std::fs::File::create(path).expect("the block file");
    entroos_node::blocks::export(&client, 1, None, false, &mut file).expect("export");
}

fn author_at(client: &Client, key: &sr25519::Pair, slot: u64) {
    let parent = client
        .expect_header(&client.heads().best.1)
        .expect("the best header");
    let epoch = client
        .epoch_for(&parent.hash(), slot)
        .expect("the epoch of the slot");
    let held: HeldKeys = std::iter::once(key.clone()).collect();
    let claim = claim_slot(&held, &epoch, slot).expect("the only validator claims every slot");
    let proposal = Proposal {
        pre_digest: claim.pre_digest,
        timestamp: slot * SLOT_MILLIS,
        candidates: &[],
        deadline: Instant::now() + Duration::from_secs(60),
        key,
    };
    let built = build_block(client, &parent, proposal).expect("a block");
    let outcome = client
        .import_own(built.block, &built.parent_state, &built.changes)
        .expect("the block imports");
    let hash = match outcome {
        entroos_client_api::ImportOutcome::Imported { hash, .. } => hash,
        other => panic!("not imported: {other:?}"),
    };
    client.finalize(&hash, None).expect("finalized");
}
