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
    let pruned = g.prune(&[t0.hash], 1);
    assert_eq!((pruned.included, pruned.expired), (vec![t0.hash], vec![]));
    assert_eq!(order(&g), vec![t1.hash, t2.hash]);
    g.remove(&t1.hash);
    assert_eq!(g.counts(), (0, 1));
    assert!(order(&g).is_empty());
}

#[test]
fn a_block_names_what_its_transactions_unlocked() {
    let mut g = Graph::new(Limits::default());
    let first = tagged(1, 1, 1, vec![b"elsewhere".to_vec()], vec![b"a".to_vec()]);
    let second = tagged(2, 2, 1, vec![b"a".to_vec()], vec![]);
    g.import(first.clone(), 0).unwrap();
    g.import(second.clone(), 0).unwrap();
    assert_eq!(g.counts(), (0, 2));
    let pruned = g.prune(&[first.hash], 1);
    assert_eq!(pruned.included, vec![first.hash]);
    assert_eq!(pruned.promoted, vec![second.hash]);
    assert_eq!(order(&g), vec![second.hash]);
}

#[test]
fn expired_transactions_are_dropped() {
    let mut g = Graph::new(Limits::default());
    let mut short = tx(1, 0, 0, 1);
    short.valid_till = 5;
    g.import(short.clone(), 0).unwrap();
    assert_eq!(g.prune(&[], 5).expired, vec![]);
    assert_eq!(g.prune(&[], 6).expired, vec![short.hash]);
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

/// Everything observable about a graph except the next sequence number.
#[derive(Debug, PartialEq, Eq)]
struct Snapshot {
    entries: Vec<(H256, bool, u64, u64)>,
    providers: Vec<(Tag, H256)>,
    requirers: Vec<(Tag, Vec<H256>)>,
    per_sender: Vec<([u8; 32], usize)>,
    ranks: [Vec<Rank>; 2],
    bytes: [usize; 2],
    order: Vec<H256>,
}

fn snapshot(g: &Graph) -> Snapshot {
    let mut entries: Vec<_> = g
        .entries
        .iter()
        .map(|(h, e)| (*h, e.ready, e.seq, e.validated_at))
        .collect();
    entries.sort();
    let mut providers: Vec<_> = g.providers.iter().map(|(t, h)| (t.clone(), *h)).collect();
    providers.sort();
    let mut requirers: Vec<_> = g
        .requirers
        .iter()
        .map(|(t, set)| {
            let mut hashes: Vec<H256> = set.iter().copied().collect();
            hashes.sort();
            (t.clone(), hashes)
        })
        .collect();
    requirers.sort();
    let mut per_sender: Vec<_> = g.per_sender.iter().map(|(s, n)| (*s, *n)).collect();
    per_sender.sort();
    Snapshot {
        entries,
        providers,
        requirers,
        per_sender,
        ranks: [
            g.ranks[FUTURE].iter().copied().collect(),
            g.ranks[READY].iter().copied().collect(),
        ],
        bytes: g.bytes,
        order: order(g),
    }
}

/// A transaction `id` of sender `who` with the given tags.
fn tagged(id: u8, who: u8, priority: u64, requires: Vec<Tag>, provides: Vec<Tag>) -> Tx {
    let data = vec![id, 0xaa, who];
    Tx {
        hash: H256(entroos_primitives::hashing::blake2_256(&data)),
        data: Arc::new(data),
        priority,
        requires,
        provides,
        valid_till: u64::MAX,
        sender: Some([who; 32]),
    }
}

#[test]
fn a_refused_replacement_leaves_the_graph_as_it_was() {
    let x = b"x".to_vec();
    let holder = tx(1, 0, 0, 10);
    let holders_next = tx(1, 1, 0, 20);
    let other = tx(2, 0, 0, 50);
    let waiting = tagged(3, 3, 100, vec![x.clone()], vec![tag(3, 0)]);
    let cases = [
        // Usurps the holder (demoting its successor), unlocks `waiting`, and
        // is then the lowest of four ready transactions where three fit.
        (
            Limits {
                ready_count: 3,
                ..Limits::default()
            },
            vec![&holder, &holders_next, &other, &waiting],
            tagged(4, 4, 11, vec![], vec![tag(1, 0), x]),
        ),
        // Usurps the holder, but its sender already has all it may.
        (
            Limits {
                per_sender: 1,
                ..Limits::default()
            },
            vec![&holder, &other],
            tagged(4, 2, 11, vec![], vec![tag(1, 0)]),
        ),
    ];
    for (limits, pool, newcomer) in cases {
        let mut g = Graph::new(limits);
        for t in pool {
            g.import(t.clone(), 0).unwrap();
        }
        let before = snapshot(&g);
        assert_eq!(g.import(newcomer, 7), Err(GraphError::Full));
        assert_eq!(snapshot(&g), before);
    }
}

/// The graph's own bookkeeping agrees with its entries, and its limits hold.
fn assert_consistent(g: &Graph) {
    for (hash, entry) in &g.entries {
        let needs_met = entry.tx.requires.iter().all(|t| g.satisfied(t));
        assert_eq!(entry.ready, needs_met, "readiness of {hash:?}");
        for tag in &entry.tx.provides {
            assert_eq!(g.providers.get(tag), Some(hash));
        }
    }
    for slot in [FUTURE, READY] {
        let in_slot = g.entries.values().filter(|e| usize::from(e.ready) == slot);
        let bytes: usize = in_slot.clone().map(|e| e.tx.data.len()).sum();
        assert_eq!(
            (in_slot.count(), bytes),
            (g.ranks[slot].len(), g.bytes[slot])
        );
    }
    let (ready, future) = g.counts();
    let (ready_bytes, future_bytes) = g.bytes();
    assert!(ready <= g.limits.ready_count && ready_bytes <= g.limits.ready_bytes);
    assert!(future <= g.limits.future_count && future_bytes <= g.limits.future_bytes);
    assert!(g.per_sender.values().all(|n| *n <= g.limits.per_sender));
}

proptest::proptest! {
    /// Whatever is imported, a refused import changes nothing, and an
    /// accepted one names every transaction it pushed out.
    #[test]
    fn no_import_loses_a_transaction_silently(
        imports in proptest::collection::vec((0u8..4, 0u32..4, 0u64..8, 0usize..12), 1..40)
    ) {
        let limits = Limits {
            ready_count: 4,
            ready_bytes: 90,
            future_count: 2,
            future_bytes: 40,
            per_sender: 3,
        };
        let mut g = Graph::new(limits);
        for (who, nonce, priority, padding) in imports {
            let mut t = tx(who, nonce, 0, priority);
            let mut data = t.data.to_vec();
            data.resize(data.len() + padding, 0);
            t.hash = H256(entroos_primitives::hashing::blake2_256(&data));
            t.data = Arc::new(data);
            let before = snapshot(&g);
            let present: HashSet<H256> = g.entries.keys().copied().collect();
            match g.import(t.clone(), 0) {
                Err(_) => proptest::prop_assert_eq!(snapshot(&g), before),
                Ok(imported) => {
                    let after: HashSet<H256> = g.entries.keys().copied().collect();
                    let gone: HashSet<H256> = present.difference(&after).copied().collect();
                    let told: HashSet<H256> =
                        imported.usurped.iter().chain(&imported.evicted).copied().collect();
                    proptest::prop_assert_eq!(gone, told);
                    proptest::prop_assert!(after.contains(&t.hash));
                    proptest::prop_assert_eq!(imported.ready, g.is_ready(&t.hash));
                }
            }
            assert_consistent(&g);
        }
    }
}
