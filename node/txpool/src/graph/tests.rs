use super::*;

fn tag(who: u8, nonce: u32) -> Tag {
    let mut t = vec![who; 32];
    t.extend(nonce.to_le_bytes());
    t
}

/// A transfer-like transaction of `who` at `nonce`, where `first` is the
/// account's nonce on chain.
fn tx(who: u8, nonce: u32, first: u32, priority: u64) -> Tx {
    let mut data = vec![who, 0xee];
    data.extend(nonce.to_le_bytes());
    data.extend(priority.to_le_bytes());
    Tx {
        hash: H256(entroos_primitives::hashing::blake2_256(&data)),
        data: Arc::new(data),
        priority,
        requires: if nonce > first {
            vec![tag(who, nonce - 1)]
        } else {
            vec![]
        },
        provides: vec![tag(who, nonce)],
        valid_till: u64::MAX,
        sender: Some([who; 32]),
    }
}

fn order(graph: &Graph) -> Vec<H256> {
    graph.ready_order().iter().map(|t| t.hash).collect()
}

#[test]
fn gaps_wait_in_future_until_filled() {
    let mut g = Graph::new(Limits::default());
    let (t0, t1, t2) = (tx(1, 0, 0, 10), tx(1, 1, 0, 10), tx(1, 2, 0, 10));
    assert!(!g.import(t2.clone(), 0).unwrap().ready);
    assert!(!g.import(t1.clone(), 0).unwrap().ready);
    assert_eq!(g.counts(), (0, 2));
    let imported = g.import(t0.clone(), 0).unwrap();
    assert!(imported.ready);
    assert_eq!(imported.promoted.len(), 2);
    assert_eq!(order(&g), vec![t0.hash, t1.hash, t2.hash]);
}

#[test]
fn priority_orders_senders_but_never_breaks_nonce_order() {
    let mut g = Graph::new(Limits::default());
    let low = tx(1, 0, 0, 1);
    let low_next = tx(1, 1, 0, 100);
    let mid = tx(2, 0, 0, 50);
    for t in [&low_next, &low, &mid] {
        g.import(t.clone(), 0).unwrap();
    }
    assert_eq!(order(&g), vec![mid.hash, low.hash, low_next.hash]);
}

#[test]
fn same_tag_needs_a_higher_priority() {
    let mut g = Graph::new(Limits::default());
    let first = tx(1, 0, 0, 10);
    g.import(first.clone(), 0).unwrap();
    assert_eq!(g.import(first.clone(), 0), Err(GraphError::AlreadyImported));
    assert_eq!(
        g.import(tx(1, 0, 0, 10), 0).unwrap_err(),
        GraphError::AlreadyImported
    );
    let mut same = tx(1, 0, 0, 9);
    same.data = Arc::new(vec![9]);
    same.hash = H256([9; 32]);
    assert_eq!(
        g.import(same, 0),
        Err(GraphError::TooLowPriority { old: 10, new: 9 })
    );
    let better = tx(1, 0, 0, 11);
    assert_eq!(
        g.import(better.clone(), 0).unwrap().usurped,
        vec![first.hash]
    );
    assert_eq!(order(&g), vec![better.hash]);
}

#[test]
fn inclusion_keeps_successors_ready_and_removal_demotes_them() {
    let mut g = Graph::new(Limits::default());
    let (t0, t1, t2) = (tx(1, 0, 0, 1), tx(1, 1, 0, 1), tx(1, 2, 0, 1));
    for t in [&t0, &t1, &t2] {
        g.import(t.clone(), 0).unwrap();
    }
    let (included, expired) = g.prune(&[t0.hash], 1);
    assert_eq!((included, expired), (vec![t0.hash], vec![]));
    assert_eq!(order(&g), vec![t1.hash, t2.hash]);
    g.remove(&t1.hash);
    assert_eq!(g.counts(), (0, 1));
    assert!(order(&g).is_empty());
}

#[test]
fn expired_transactions_are_dropped() {
    let mut g = Graph::new(Limits::default());
    let mut short = tx(1, 0, 0, 1);
    short.valid_till = 5;
    g.import(short.clone(), 0).unwrap();
    assert_eq!(g.prune(&[], 5).1, vec![]);
    assert_eq!(g.prune(&[], 6).1, vec![short.hash]);
    assert_eq!(g.counts(), (0, 0));
}

#[test]
fn limits_evict_the_lowest_priority_and_refuse_the_worst_newcomer() {
    let limits = Limits {
        ready_count: 3,
        ready_bytes: usize::MAX,
        future_count: 1,
        future_bytes: usize::MAX,
        per_sender: 1,
    };
    let mut g = Graph::new(limits);
    for who in 1..=3 {
        g.import(tx(who, 0, 0, u64::from(who) * 10), 0).unwrap();
    }
    // Better than the worst: the worst goes.
    let better = g.import(tx(4, 0, 0, 25), 0).unwrap();
    assert_eq!(better.evicted, vec![tx(1, 0, 0, 10).hash]);
    // Worse than all: refused.
    assert_eq!(g.import(tx(5, 0, 0, 1), 0), Err(GraphError::Full));
    // Per sender.
    g.import(tx(3, 1, 0, 30), 0).unwrap_err();
    assert_eq!(g.counts().0, 3);
    // Future has its own limit.
    g.import(tx(6, 5, 0, 100), 0).unwrap();
    assert_eq!(g.import(tx(7, 5, 0, 1), 0), Err(GraphError::Full));
    assert_eq!(g.counts(), (3, 1));
    let (ready_bytes, future_bytes) = g.bytes();
    assert_eq!(ready_bytes, 3 * 14);
    assert_eq!(future_bytes, 14);
}

#[test]
fn many_senders_stay_consistent() {
    let mut g = Graph::new(Limits::default());
    for who in 0..50u8 {
        for nonce in (0..20u32).rev() {
            g.import(tx(who, nonce, 0, u64::from(who)), 0).unwrap();
        }
    }
    assert_eq!(g.counts(), (1000, 0));
    let ordered = g.ready_order();
    assert_eq!(ordered.len(), 1000);
    let mut seen = HashSet::new();
    for t in &ordered {
        assert!(t.requires.iter().all(|r| ordered
            .iter()
            .take_while(|o| o.hash != t.hash)
            .any(|o| o.provides.contains(r))));
        assert!(seen.insert(t.hash));
    }
}

#[test]
fn refresh_keeps_dependents_ready_and_can_promote() {
    let mut g = Graph::new(Limits::default());
    let (t0, t1) = (tx(1, 0, 0, 1), tx(1, 1, 0, 1));
    g.import(t0.clone(), 0).unwrap();
    g.import(t1.clone(), 0).unwrap();
    // Revalidating t0 with the same tags changes nothing.
    assert!(g.refresh(&t0.hash, vec![], 1).is_empty());
    assert_eq!(order(&g), vec![t0.hash, t1.hash]);
    // A future transaction whose predecessor landed elsewhere is promoted
    // once revalidation says it needs nothing.
    let gap = tx(2, 5, 0, 1);
    g.import(gap.clone(), 0).unwrap();
    assert!(!g.is_ready(&gap.hash));
    assert_eq!(g.refresh(&gap.hash, vec![], 2), vec![gap.hash]);
    assert!(g.is_ready(&gap.hash));
    assert_eq!(g.stalest(1)[0].hash, t1.hash);
}
