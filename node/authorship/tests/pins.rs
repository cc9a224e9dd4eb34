//! Pins through the client on an authored chain with a small pruning
//! window: a pinned block's state stays readable (and callable) while its
//! slot leaves the window, and is discarded at its last unpin.

use entroos_authorship::{SlotOutcome, SlotWorker};
use entroos_client::testing::{dev_client, TEST_SLOT_MILLIS};
use entroos_client::Client;
use entroos_client_api::{BlockPins, ClientError, Clock, ManualClock};
use entroos_db::Pruning;
use entroos_primitives::crypto::sr25519;
use entroos_primitives::H256;
use entroos_txpool::graph::Limits;
use entroos_txpool::TxPool;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn author(worker: &SlotWorker, clock: &ManualClock) -> H256 {
    clock.advance(TEST_SLOT_MILLIS);
    let slot = clock.now_millis() / TEST_SLOT_MILLIS;
    let deadline = Instant::now() + Duration::from_secs(5);
    match worker.author_slot(slot, deadline).unwrap() {
        SlotOutcome::Authored { hash, .. } => hash,
        other => panic!("slot {slot} not authored: {other:?}"),
    }
}

fn worker(client: &Arc<Client>) -> SlotWorker {
    let pool = Arc::new(TxPool::new(client.clone(), Limits::default()));
    let alice = sr25519::Pair::from_uri("//Alice").unwrap();
    SlotWorker::new(client.clone(), pool, Arc::new(alice), Arc::default())
}

#[test]
fn a_pinned_block_keeps_its_state_past_the_window_until_unpinned() {
    let (client, clock) = dev_client(Pruning::Keep(2)).unwrap();
    let worker = worker(&client);
    let one = author(&worker, &clock);
    let two = author(&worker, &clock);
    client.pin(&one).unwrap();
    for _ in 0..6 {
        author(&worker, &clock);
    }
    let heads = client.heads();
    assert_eq!(heads.finalized.0, 8);
    assert_eq!(heads.pruned_below, 1, "pruning stops at the pinned block");
    let version = client.call_at(&one, "Core_version", &[]).unwrap();
    assert!(
        !version.is_empty(),
        "the pinned state answers runtime calls"
    );

    client.unpin(&one).unwrap();
    assert_eq!(
        client.heads().pruned_below,
        7,
        "the unpin pruned what was due"
    );
    for pruned in [one, two] {
        assert!(matches!(
            client.state_at(&pruned),
            Err(ClientError::StateDiscarded(hash)) if hash == pruned
        ));
    }
    assert!(client.body(&one).unwrap().is_some(), "bodies are kept");
    assert!(matches!(
        client.unpin(&one),
        Err(ClientError::NotPinned(hash)) if hash == one
    ));
}
