//! The pool over a real chain: validation through the runtime, statuses,
//! inclusion by the author, nonces, and bans.

use entroos_authorship::{AuthorStats, SlotOutcome, SlotWorker};
use entroos_client::testing::{dev_client, TEST_SLOT_MILLIS};
use entroos_client::Client;
use entroos_client_api::{Clock, ManualClock};
use entroos_db::Pruning;
use entroos_executor::testing::{sign, transfer_keep_alive, SigningContext};
use entroos_primitives::crypto::sr25519;
use entroos_primitives::{AccountId32, H256};
use entroos_txpool::graph::Limits;
use entroos_txpool::{PoolError, TryRecvError, TxPool, TxStatus, Watcher};
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Chain {
    client: Arc<Client>,
    clock: Arc<ManualClock>,
    pool: Arc<TxPool>,
    worker: SlotWorker,
    alice: sr25519::Pair,
    slot: u64,
}

impl Chain {
    fn new() -> Self {
        let (client, clock) = dev_client(Pruning::Archive).unwrap();
        let pool =
            Arc::new(TxPool::new(client.clone(), Limits::default()).with_clock(clock.clone()));
        let alice = sr25519::Pair::from_uri("//Alice").unwrap();
        let worker = SlotWorker::new(
            client.clone(),
            pool.clone(),
            Arc::new(alice.clone()),
            Arc::new(AuthorStats::default()),
        );
        Chain {
            client,
            clock,
            pool,
            worker,
            alice,
            slot: 0,
        }
    }

    fn transfer(&self, nonce: u32, value: u128) -> Vec<u8> {
        let genesis = self.client.heads().genesis;
        let ctx = SigningContext::immortal_on(genesis, nonce);
        sign(
            transfer_keep_alive(AccountId32([9; 32]), value),
            &self.alice,
            ctx,
        )
    }

    fn author(&mut self) {
        self.clock.advance(TEST_SLOT_MILLIS);
        self.slot = self.clock.now_millis() / TEST_SLOT_MILLIS;
        let deadline = Instant::now() + Duration::from_secs(5);
        let outcome = self.worker.author_slot(self.slot, deadline).unwrap();
        assert!(matches!(outcome, SlotOutcome::Authored { .. }));
    }
}

fn drain(watcher: &mut Watcher) -> Vec<TxStatus> {
    std::iter::from_fn(|| watcher.try_recv().ok()).collect()
}

#[test]
fn watched_transactions_go_ready_in_block_finalized_and_gaps_wait() {
    let mut chain = Chain::new();
    let alice = chain.alice.public();
    let (hash0, mut watch0) = chain
        .pool
        .submit_and_watch(chain.transfer(0, 1_000_000_000_000))
        .unwrap();
    let (hash2, mut watch2) = chain
        .pool
        .submit_and_watch(chain.transfer(2, 1_000_000_000_000))
        .unwrap();
    assert_eq!(drain(&mut watch0), vec![TxStatus::Ready]);
    assert_eq!(drain(&mut watch2), vec![TxStatus::Future]);
    assert_eq!(
        chain.pool.next_nonce(alice).unwrap(),
        1,
        "the gap at nonce 1 is the next nonce"
    );
    let hash1 = chain
        .pool
        .submit(chain.transfer(1, 1_000_000_000_000))
        .unwrap();
    assert_eq!(drain(&mut watch2), vec![TxStatus::Ready]);
    assert_eq!(chain.pool.next_nonce(alice).unwrap(), 3);
    assert_eq!(chain.pool.status().ready, 3);

    chain.author();
    let head = chain.client.heads().best;
    assert_eq!(head.0, 1);
    assert_eq!(
        chain.client.body(&head.1).unwrap().unwrap().len(),
        4,
        "timestamp and the three transfers"
    );
    assert_eq!(
        drain(&mut watch0),
        vec![TxStatus::InBlock(head.1), TxStatus::Finalized(head.1)]
    );
    assert_eq!(
        drain(&mut watch2),
        vec![TxStatus::InBlock(head.1), TxStatus::Finalized(head.1)]
    );
    assert_eq!(chain.pool.status().ready, 0);
    assert_ne!(hash0, hash1);
    assert_ne!(hash1, hash2);
}

#[test]
fn refusals_carry_substrates_reasons_and_invalid_hashes_are_banned() {
    let mut chain = Chain::new();
    let first = chain.transfer(0, 1_000_000_000_000);
    chain.pool.submit(first.clone()).unwrap();
    assert!(matches!(
        chain.pool.submit(first.clone()),
        Err(PoolError::AlreadyImported)
    ));
    assert!(matches!(
        chain.pool.submit(chain.transfer(0, 1_000_000_000_000 + 1)),
        Err(PoolError::TooLowPriority(..))
    ));
    chain.author();
    let stale = chain.transfer(0, 5);
    match chain.pool.submit(stale.clone()) {
        Err(PoolError::Invalid(reason)) => assert_eq!(reason, "Transaction is outdated"),
        other => panic!("expected a stale refusal, got {other:?}"),
    }
    assert!(matches!(
        chain.pool.submit(stale),
        Err(PoolError::TemporarilyBanned)
    ));
    assert!(matches!(
        chain.pool.submit(vec![1, 2, 3]),
        Err(PoolError::BadFormat(_))
    ));
    let broke = sr25519::Pair::from_uri("//Nobody").unwrap();
    let genesis = chain.client.heads().genesis;
    let ctx = SigningContext::immortal_on(genesis, 0);
    match chain.pool.submit(sign(
        transfer_keep_alive(AccountId32([1; 32]), 1),
        &broke,
        ctx,
    )) {
        Err(PoolError::Invalid(reason)) => {
            assert!(reason.contains("Inability to pay"), "{reason}")
        }
        other => panic!("expected a payment refusal, got {other:?}"),
    }
}

#[test]
fn removed_transactions_are_banned_and_their_watchers_told() {
    let chain = Chain::new();
    let transfer = chain.transfer(0, 1_000_000_000_000);
    let (hash, mut watch) = chain.pool.submit_and_watch(transfer.clone()).unwrap();
    assert_eq!(chain.pool.remove(&[hash, H256([7; 32])]), vec![hash]);
    assert_eq!(drain(&mut watch), vec![TxStatus::Ready, TxStatus::Invalid]);
    assert!(chain.pool.pending().is_empty());
    assert!(matches!(
        chain.pool.submit(transfer),
        Err(PoolError::TemporarilyBanned)
    ));
}

#[test]
fn a_second_watch_of_a_pooled_transfer_is_refused_and_the_first_goes_on() {
    let mut chain = Chain::new();
    let transfer = chain.transfer(0, 1_000_000_000_000);
    let (hash, mut first) = chain.pool.submit_and_watch(transfer.clone()).unwrap();
    assert!(matches!(
        chain.pool.submit_and_watch(transfer.clone()),
        Err(PoolError::AlreadyImported)
    ));
    let (_, other) = chain
        .pool
        .submit_and_watch(chain.transfer(1, 1_000_000_000_000))
        .unwrap();
    drop(other);
    assert_eq!(drain(&mut first), vec![TxStatus::Ready]);

    chain.author();
    let head = chain.client.heads().best.1;
    assert_eq!(
        drain(&mut first),
        vec![TxStatus::InBlock(head), TxStatus::Finalized(head)]
    );
    assert_eq!(first.try_recv(), Err(TryRecvError::Ended));
    assert_eq!(first.hash(), hash);
    assert!(
        matches!(
            chain.pool.submit(transfer),
            Err(PoolError::Invalid(reason)) if reason == "Transaction is outdated"
        ),
        "once included, the same transfer is stale"
    );
}
