//! The pool over a mock chain: watchers, refusals and bans.

mod mock;

use super::*;
use entroos_client_api::ManualClock;
use entroos_primitives::validity::{InvalidTransaction, UnknownTransaction};
use mock::{valid, valid_for, MockChain};
use std::sync::Barrier;

fn pool_with(limits: Limits) -> (Arc<MockChain>, TxPool) {
    let chain = Arc::new(MockChain::default());
    let pool = TxPool::new(chain.clone(), limits).with_clock(Arc::new(ManualClock::new(0)));
    (chain, pool)
}

fn pool() -> (Arc<MockChain>, TxPool) {
    pool_with(Limits::default())
}

fn hash(xt: &[u8]) -> H256 {
    H256(blake2_256(xt))
}

/// The statuses received so far, and whether the stream is still open.
fn drain(watch: &mut Watcher) -> (Vec<TxStatus>, bool) {
    let mut statuses = Vec::new();
    loop {
        match watch.try_recv() {
            Ok(status) => statuses.push(status),
            Err(TryRecvError::Empty) => return (statuses, true),
            Err(TryRecvError::Ended) => return (statuses, false),
        }
    }
}

fn watchers_held(pool: &TxPool) -> usize {
    pool.watchers.lock().len()
}

#[test]
fn a_refused_replacement_keeps_the_holder_and_its_watcher() {
    let (chain, pool) = pool_with(Limits {
        ready_count: 3,
        ..Limits::default()
    });
    chain.set(b"holder", valid(10, &[], &[b"a"]));
    chain.set(b"next", valid(20, &[b"a"], &[b"b"]));
    chain.set(b"other", valid(50, &[], &[b"c"]));
    chain.set(b"waiting", valid(100, &[b"x"], &[b"d"]));
    chain.set(b"newcomer", valid(11, &[], &[b"a", b"x"]));
    let (_, mut holder) = pool.submit_and_watch(b"holder".to_vec()).unwrap();
    let (_, mut next) = pool.submit_and_watch(b"next".to_vec()).unwrap();
    pool.submit(b"other".to_vec()).unwrap();
    let (_, mut waiting) = pool.submit_and_watch(b"waiting".to_vec()).unwrap();
    let before = pool.pending();

    assert_eq!(pool.submit(b"newcomer".to_vec()), Err(PoolError::PoolFull));
    assert_eq!(pool.pending(), before);
    assert_eq!(drain(&mut holder), (vec![TxStatus::Ready], true));
    assert_eq!(drain(&mut next), (vec![TxStatus::Ready], true));
    assert_eq!(drain(&mut waiting), (vec![TxStatus::Future], true));
}

#[test]
fn evictions_and_usurpations_reach_watchers() {
    let (chain, pool) = pool_with(Limits {
        ready_count: 1,
        ..Limits::default()
    });
    chain.set(b"first", valid(10, &[], &[b"a"]));
    chain.set(b"usurper", valid(20, &[], &[b"a"]));
    chain.set(b"evicter", valid(30, &[], &[b"b"]));
    let (_, mut first) = pool.submit_and_watch(b"first".to_vec()).unwrap();
    let (usurper_hash, mut usurper) = pool.submit_and_watch(b"usurper".to_vec()).unwrap();
    pool.submit(b"evicter".to_vec()).unwrap();
    assert_eq!(
        drain(&mut first),
        (
            vec![TxStatus::Ready, TxStatus::Usurped(usurper_hash)],
            false
        )
    );
    assert_eq!(
        drain(&mut usurper),
        (vec![TxStatus::Ready, TxStatus::Dropped], false)
    );
    assert_eq!(watchers_held(&pool), 0);
}

#[test]
fn every_way_out_of_the_pool_reaches_its_watchers() {
    let (chain, pool) = pool();
    chain.set(b"expiring", valid_for(10, 10, &[], &[b"a"]));
    chain.set(b"turns invalid", valid_for(100, 10, &[], &[b"b"]));
    chain.set(b"turns unknown", valid_for(100, 10, &[], &[b"c"]));
    chain.set(b"removed", valid_for(100, 10, &[], &[b"d"]));
    let watch = |xt: &[u8]| pool.submit_and_watch(xt.to_vec()).unwrap().1;
    let mut expiring = watch(b"expiring");
    let mut invalid = watch(b"turns invalid");
    let mut unknown = watch(b"turns unknown");
    let (removed_hash, mut removed) = pool.submit_and_watch(b"removed".to_vec()).unwrap();
    chain.set(b"turns invalid", Err(InvalidTransaction::Stale.into()));
    chain.set(
        b"turns unknown",
        Err(UnknownTransaction::CannotLookup.into()),
    );
    pool.remove(&[removed_hash]);
    pool.on_block(11, H256([1; 32]), &[]);
    for (watch, last) in [
        (&mut expiring, TxStatus::Dropped),
        (&mut invalid, TxStatus::Invalid),
        (&mut unknown, TxStatus::Dropped),
        (&mut removed, TxStatus::Invalid),
    ] {
        assert_eq!(drain(watch), (vec![TxStatus::Ready, last], false));
    }
    assert_eq!(pool.status().ready, 0);
    assert_eq!(watchers_held(&pool), 0);
}

#[test]
fn a_second_submission_is_refused_and_leaves_the_first_watcher_alone() {
    let (chain, pool) = pool();
    chain.set(b"tx", valid(10, &[], &[b"a"]));
    chain.set(b"lower", valid(5, &[], &[b"a"]));
    chain.set(b"unrelated", valid(5, &[], &[b"b"]));
    let (hash, mut first) = pool.submit_and_watch(b"tx".to_vec()).unwrap();
    assert_eq!(
        pool.submit_and_watch(b"tx".to_vec()).map(|(h, _)| h),
        Err(PoolError::AlreadyImported)
    );
    assert_eq!(pool.submit(b"tx".to_vec()), Err(PoolError::AlreadyImported));
    assert_eq!(
        pool.submit_and_watch(b"lower".to_vec()).map(|(h, _)| h),
        Err(PoolError::TooLowPriority(10, 5))
    );
    let (_, unrelated) = pool.submit_and_watch(b"unrelated".to_vec()).unwrap();
    drop(unrelated);
    assert_eq!(drain(&mut first), (vec![TxStatus::Ready], true));

    let block = H256([1; 32]);
    pool.on_block(1, block, &[hash]);
    pool.on_finalized(1);
    assert_eq!(
        drain(&mut first),
        (
            vec![TxStatus::InBlock(block), TxStatus::Finalized(block)],
            false
        )
    );
}

#[test]
fn concurrent_watchers_of_one_transaction_never_close_each_other() {
    let (chain, pool) = pool();
    chain.set(b"tx", valid(10, &[], &[b"a"]));
    // Both submissions pass the "already imported" check before either imports.
    chain.gate(Arc::new(Barrier::new(2)));
    let results = std::thread::scope(|s| {
        let submit = || pool.submit_and_watch(b"tx".to_vec());
        let (a, b) = (s.spawn(submit), s.spawn(submit));
        [a.join(), b.join()]
    });
    let (mut accepted, mut refused) = (Vec::new(), Vec::new());
    for result in results {
        match result.unwrap() {
            Ok((_, watch)) => accepted.push(watch),
            Err(e) => refused.push(e),
        }
    }
    assert_eq!(refused, vec![PoolError::AlreadyImported]);
    let [mut watch] = <[Watcher; 1]>::try_from(accepted).unwrap();
    assert_eq!(drain(&mut watch), (vec![TxStatus::Ready], true));
    assert_eq!(watchers_held(&pool), 1);
}

/// A transaction that is valid again after inclusion (as an unsigned one
/// can be) is watched a second time while the first watcher waits for
/// finality.
fn included_then_resubmitted() -> (TxPool, Watcher, Watcher, H256) {
    let (chain, pool) = pool();
    chain.set(b"tx", valid(10, &[], &[b"a"]));
    let (hash, mut first) = pool.submit_and_watch(b"tx".to_vec()).unwrap();
    let block1 = H256([1; 32]);
    pool.on_block(1, block1, &[hash]);
    assert_eq!(
        drain(&mut first),
        (vec![TxStatus::Ready, TxStatus::InBlock(block1)], true)
    );
    let (_, mut second) = pool.submit_and_watch(b"tx".to_vec()).unwrap();
    assert_eq!(drain(&mut second), (vec![TxStatus::Ready], true));
    assert_eq!(drain(&mut first), (vec![], true));
    (pool, first, second, hash)
}

#[test]
fn a_resubmitted_transaction_gets_a_stream_of_its_own() {
    let (pool, mut first, mut second, hash) = included_then_resubmitted();
    let (block1, block2) = (H256([1; 32]), H256([2; 32]));
    pool.on_block(2, block2, &[hash]);
    assert_eq!(drain(&mut first), (vec![], true));
    assert_eq!(drain(&mut second), (vec![TxStatus::InBlock(block2)], true));
    pool.on_finalized(1);
    assert_eq!(
        drain(&mut first),
        (vec![TxStatus::Finalized(block1)], false)
    );
    assert_eq!(drain(&mut second), (vec![], true));
    pool.on_finalized(2);
    assert_eq!(
        drain(&mut second),
        (vec![TxStatus::Finalized(block2)], false)
    );
    assert_eq!(watchers_held(&pool), 0);
}

#[test]
fn dropping_one_watcher_leaves_the_other_streaming() {
    let (pool, first, mut second, hash) = included_then_resubmitted();
    drop(first);
    assert_eq!(watchers_held(&pool), 1);
    let block2 = H256([2; 32]);
    pool.on_block(2, block2, &[hash]);
    pool.on_finalized(2);
    assert_eq!(
        drain(&mut second),
        (
            vec![TxStatus::InBlock(block2), TxStatus::Finalized(block2)],
            false
        )
    );

    let (pool, mut first, second, _) = included_then_resubmitted();
    drop(second);
    assert_eq!(watchers_held(&pool), 1);
    pool.on_finalized(1);
    assert_eq!(
        drain(&mut first),
        (vec![TxStatus::Finalized(H256([1; 32]))], false)
    );
    assert_eq!(watchers_held(&pool), 0);
}

#[test]
fn a_dropped_watcher_is_forgotten_at_once() {
    let (chain, pool) = pool();
    chain.set(b"pooled", valid(10, &[], &[b"a"]));
    chain.set(b"included", valid(10, &[], &[b"b"]));
    let (_, pooled) = pool.submit_and_watch(b"pooled".to_vec()).unwrap();
    let (included_hash, included) = pool.submit_and_watch(b"included".to_vec()).unwrap();
    pool.on_block(1, H256([1; 32]), &[included_hash]);
    assert_eq!(watchers_held(&pool), 2);
    drop(pooled);
    drop(included);
    assert_eq!(watchers_held(&pool), 0);
    assert_eq!(pool.status().ready, 1, "the transaction stays pooled");
}

#[test]
fn a_full_ban_list_forgets_only_its_oldest_entry() {
    let (_, pool) = pool();
    let banned = |i: usize| H256(blake2_256(&i.to_le_bytes()));
    pool.ban((0..MAX_BANNED).map(banned));
    pool.ban([banned(MAX_BANNED)]);
    assert!(!pool.is_banned(&banned(0)), "the oldest ban is dropped");
    for i in [1, MAX_BANNED / 2, MAX_BANNED - 1, MAX_BANNED] {
        assert!(pool.is_banned(&banned(i)), "ban {i} is kept");
    }
}

#[test]
fn invalid_transactions_are_banned_and_their_watchers_told() {
    let (chain, pool) = pool();
    chain.set(b"bad", Err(InvalidTransaction::Stale.into()));
    assert_eq!(
        pool.submit(b"bad".to_vec()),
        Err(PoolError::Invalid("Transaction is outdated".into()))
    );
    chain.set(b"bad", valid(10, &[], &[b"a"]));
    assert_eq!(
        pool.submit(b"bad".to_vec()),
        Err(PoolError::TemporarilyBanned)
    );
    chain.set(b"removed", valid(10, &[], &[b"b"]));
    let (removed, mut watch) = pool.submit_and_watch(b"removed".to_vec()).unwrap();
    assert_eq!(pool.remove(&[removed, hash(b"absent")]), vec![removed]);
    assert_eq!(
        drain(&mut watch),
        (vec![TxStatus::Ready, TxStatus::Invalid], false)
    );
}

#[test]
fn bans_end_by_the_injected_clock() {
    let chain = Arc::new(MockChain::default());
    let clock = Arc::new(ManualClock::new(1_000));
    let pool = TxPool::new(chain.clone(), Limits::default()).with_clock(clock.clone());
    chain.set(b"tx", Err(InvalidTransaction::Payment.into()));
    assert!(matches!(
        pool.submit(b"tx".to_vec()),
        Err(PoolError::Invalid(_))
    ));
    chain.set(b"tx", valid(10, &[], &[b"a"]));
    let ban_millis = u64::try_from(BAN_TIME.as_millis()).unwrap();
    clock.advance(ban_millis - 1);
    assert_eq!(
        pool.submit(b"tx".to_vec()),
        Err(PoolError::TemporarilyBanned)
    );
    clock.advance(1);
    assert_eq!(pool.submit(b"tx".to_vec()), Ok(hash(b"tx")));
}

#[test]
fn a_transaction_unlocked_by_a_block_is_announced_ready() {
    let (chain, pool) = pool();
    chain.set(b"first", valid(10, &[b"elsewhere"], &[b"a"]));
    chain.set(b"second", valid(10, &[b"a"], &[b"b"]));
    let first = pool.submit(b"first".to_vec()).unwrap();
    let (_, mut second) = pool.submit_and_watch(b"second".to_vec()).unwrap();
    pool.on_block(1, H256([1; 32]), &[first]);
    assert_eq!(
        drain(&mut second),
        (vec![TxStatus::Future, TxStatus::Ready], true)
    );
}

/// The hashes a listener has received so far.
fn heard(listener: &mut ReadyListener) -> Vec<H256> {
    use futures::{FutureExt, StreamExt};
    let mut hashes = Vec::new();
    while let Some(Some(hash)) = listener.next().now_or_never() {
        hashes.push(hash);
    }
    hashes
}

#[test]
fn ready_listeners_hear_each_transaction_as_it_becomes_ready() {
    let (chain, pool) = pool();
    let mut listener = pool.ready_listener();
    chain.set(b"alone", valid(10, &[], &[b"x"]));
    chain.set(b"child", valid(10, &[b"p"], &[b"c"]));
    chain.set(b"parent", valid(10, &[], &[b"p"]));
    chain.set(b"first", valid(10, &[b"elsewhere"], &[b"a"]));
    chain.set(b"second", valid(10, &[b"a"], &[b"b"]));
    pool.submit(b"alone".to_vec()).unwrap();
    pool.submit(b"child".to_vec()).unwrap();
    assert_eq!(
        heard(&mut listener),
        [hash(b"alone")],
        "a future one is not ready"
    );
    pool.submit(b"parent".to_vec()).unwrap();
    assert_eq!(heard(&mut listener), [hash(b"parent"), hash(b"child")]);
    let first = pool.submit(b"first".to_vec()).unwrap();
    pool.submit(b"second".to_vec()).unwrap();
    assert!(heard(&mut listener).is_empty());
    pool.on_block(1, H256([1; 32]), &[first]);
    assert_eq!(
        heard(&mut listener),
        [hash(b"second")],
        "unlocked by a block"
    );
    assert!(!listener.take_missed());
    assert_eq!(
        pool.ready_of(&[hash(b"second"), hash(b"first"), hash(b"alone")])
            .len(),
        2
    );
    let mut unordered: Vec<H256> = pool.ready_unordered().iter().map(|t| t.hash).collect();
    let mut ordered: Vec<H256> = pool.ready().iter().map(|t| t.hash).collect();
    unordered.sort();
    ordered.sort();
    assert_eq!(unordered, ordered);
}

/// `body` as an extrinsic's wire bytes (length prefix, then the body).
fn wire(body: &[u8]) -> Vec<u8> {
    body.to_vec().encode()
}

#[test]
fn the_pool_follows_the_best_chain_and_gets_back_what_an_abandoned_fork_carried() {
    let (chain, pool) = pool();
    let (a, b) = (wire(b"transfer a"), wire(b"transfer b"));
    chain.set(&a, valid(1, &[], &[b"a"]));
    chain.set(&b, valid(1, &[], &[b"b"]));
    pool.submit(a.clone()).unwrap();
    pool.submit(b.clone()).unwrap();
    let genesis = chain.add_block(None, 0, &[]);
    pool.on_best(&genesis);

    let with_a = chain.add_block(Some(&genesis), 1, std::slice::from_ref(&a));
    pool.on_best(&with_a);
    assert_eq!(pool.pending(), vec![b.clone()], "#1 included a");

    let with_b = chain.add_block(Some(&genesis), 2, std::slice::from_ref(&b));
    let above = chain.add_block(Some(&with_b), 3, &[]);
    pool.on_best(&above);
    assert_eq!(
        pool.pending(),
        vec![a.clone()],
        "the fork that included b wins: b leaves, a is back"
    );

    pool.on_best(&with_b);
    assert_eq!(
        pool.pending(),
        vec![a.clone()],
        "an ancestor of the block followed changes nothing"
    );
    let off_best = chain.add_block(Some(&genesis), 4, std::slice::from_ref(&a));
    assert_eq!(off_best.number, 1);
    assert_eq!(
        pool.pending(),
        vec![a],
        "a block off the best chain changes nothing until it is best"
    );
}
