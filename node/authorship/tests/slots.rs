//! Slot authorship end to end on in-memory chains: the slot worker claims
//! with the keys it holds (primary by VRF, else secondary), never twice;
//! fork choice prefers more primary blocks over length; and a second block
//! by one author for one slot is detected on import and reported to the
//! pool, whose report the next block includes.

mod support;

use entroos_authorship::{AuthorStats, SlotOutcome, SlotWorker};
use entroos_client::testing::{dev_client, TEST_SLOT_MILLIS};
use entroos_client_api::{Clock, ImportOutcome};
use entroos_db::Pruning;
use entroos_executor::genesis::LOCAL_PRESET;
use entroos_primitives::crypto::sr25519;
use entroos_txpool::graph::Limits;
use entroos_txpool::{PoolError, TxPool};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{key, Chain};

fn deadline() -> Instant {
    Instant::now() + Duration::from_secs(5)
}

#[test]
fn a_single_validator_authors_every_slot_once_and_finalizes_it() {
    let (client, clock) = dev_client(Pruning::Archive).unwrap();
    let pool = Arc::new(TxPool::new(client.clone(), Limits::default()));
    let stats = Arc::new(AuthorStats::default());
    let worker = SlotWorker::new(client.clone(), pool, Arc::new(key("Alice")), stats.clone());
    let mut primary = 0;
    for n in 1..=40u32 {
        clock.advance(TEST_SLOT_MILLIS);
        let slot = clock.now_millis() / TEST_SLOT_MILLIS;
        let outcome = worker.author_slot(slot, deadline()).unwrap();
        let SlotOutcome::Authored {
            number,
            hash,
            primary: p,
        } = outcome
        else {
            panic!("slot {slot} not authored: {outcome:?}");
        };
        assert_eq!(number, n);
        assert_eq!(
            client.heads().finalized,
            (n, hash),
            "one authority finalizes at once"
        );
        primary += u32::from(p);
        assert_eq!(
            worker.author_slot(slot, deadline()).unwrap(),
            SlotOutcome::NotOurs,
            "a slot is claimed once"
        );
    }
    println!("40 slots: {primary} primary claims (expected 10 at c = 1/4)");
    assert!((2..=20).contains(&primary), "{primary}");
    let totals = stats.totals();
    assert_eq!(
        (totals.blocks, totals.primary_blocks),
        (40, u64::from(primary))
    );
}

#[test]
fn a_key_outside_the_set_authors_nothing() {
    let (client, clock) = dev_client(Pruning::Archive).unwrap();
    let pool = Arc::new(TxPool::new(client.clone(), Limits::default()));
    let worker = SlotWorker::new(client, pool, Arc::new(key("Bob")), Arc::default());
    for _ in 0..10 {
        clock.advance(TEST_SLOT_MILLIS);
        let slot = clock.now_millis() / TEST_SLOT_MILLIS;
        assert_eq!(
            worker.author_slot(slot, deadline()).unwrap(),
            SlotOutcome::NotOurs
        );
    }
}

#[test]
fn fork_choice_prefers_more_primary_blocks_over_length() {
    let chain = Chain::new(LOCAL_PRESET);
    let genesis = chain.best();
    let start = chain.now_slot() + 2;
    let (primary, winner) = (start..start + 200)
        .find_map(|s| chain.winner(&genesis, s, true))
        .expect("c = 1/4: a primary slot comes within 200");
    let p = primary.slot();
    while chain.now_slot() < p {
        chain.tick();
    }
    let (a1_claim, a1_key) = chain.secondary(&genesis, p - 2);
    let a1 = chain.build(&genesis, a1_claim, &a1_key).block;
    chain.import(a1.clone()).unwrap();
    let (a2_claim, a2_key) = chain.secondary(&a1.header, p - 1);
    let a2 = chain.build(&a1.header, a2_claim, &a2_key).block;
    chain.import(a2.clone()).unwrap();
    assert_eq!(chain.client.heads().best, (2, a2.header.hash()), "longest");

    let b1 = chain.build(&genesis, primary, &winner).block;
    let outcome = chain.import(b1.clone()).unwrap();
    assert_eq!(
        outcome,
        ImportOutcome::Imported {
            hash: b1.header.hash(),
            best: true
        },
        "one primary block beats two secondary ones"
    );
    let (a3_claim, a3_key) = chain.secondary(&a2.header, p);
    let a3 = chain.build(&a2.header, a3_claim, &a3_key).block;
    let outcome = chain.import(a3.clone()).unwrap();
    assert!(matches!(
        outcome,
        ImportOutcome::Imported { best: false, .. }
    ));
    assert_eq!(chain.client.heads().best, (1, b1.header.hash()));
    chain.tick();
    let (b2_claim, b2_key) = chain.secondary(&b1.header, p + 1);
    let b2 = chain.build(&b1.header, b2_claim, &b2_key).block;
    assert!(matches!(
        chain.import(b2.clone()).unwrap(),
        ImportOutcome::Imported { best: true, .. }
    ));
    let weight = chain.client.fork_choice_weight(&b2.header).unwrap();
    assert_eq!((weight.primary_blocks, weight.number), (1, 2));
}

#[test]
fn a_second_block_for_one_slot_is_reported_and_the_report_included() {
    let chain = Chain::new(entroos_executor::genesis::DEV_PRESET);
    let pool = Arc::new(TxPool::new(chain.client.clone(), Limits::default()));
    let alice = key("Alice");
    let worker = SlotWorker::new(
        chain.client.clone(),
        pool.clone(),
        Arc::new(alice.clone()),
        Arc::default(),
    );
    let mut imports = chain.client.subscribe_verified();
    let first_slot = chain.tick();
    worker.author_slot(first_slot, deadline()).unwrap();

    let slot = chain.tick();
    let parent = chain.best();
    let claim = chain
        .claim(&parent, slot, std::slice::from_ref(&alice))
        .unwrap();
    let one = chain.build(&parent, claim, &alice).block;
    let other = chain
        .build_at(&parent, claim, &alice, slot * chain.slot_millis() + 1)
        .block;
    assert_ne!(one.header.hash(), other.header.hash());
    chain.import(one).unwrap();
    chain.import(other).unwrap();

    let mut reports = Vec::new();
    while let Ok(imported) = imports.try_recv() {
        reports.extend(worker.on_imported(&imported).unwrap());
    }
    assert_eq!(reports.len(), 1, "one report for the pair");
    let ready = pool.ready();
    assert_eq!(ready.len(), 1);
    let report = ready[0].data.as_ref().clone();

    let next = chain.tick();
    let SlotOutcome::Authored { hash, .. } = worker.author_slot(next, deadline()).unwrap() else {
        panic!("the next slot is authored");
    };
    let body = chain.client.body(&hash).unwrap().unwrap();
    assert!(
        body.iter().any(|xt| xt.to_wire() == report),
        "the report is in the next block"
    );
    assert!(pool.ready().is_empty());
    match pool.submit(report) {
        Err(PoolError::Invalid(reason)) => assert!(reason.contains("outdated"), "{reason}"),
        other => panic!("a punished offence is refused: {other:?}"),
    }
}

#[test]
fn held_keys_follow_the_epochs_authorities() {
    use entroos_authorship::SlotKeys;
    let alice = key("Alice");
    let keys: Vec<sr25519::Pair> = vec![alice.clone(), key("Eve")];
    let held = keys.held(&[alice.public()]);
    assert_eq!(held.len(), 1);
}
