//! The follow core against a chain in a map: what is reported, in which
//! order, for notifications in any order.

use super::*;
use entroos_primitives::Digest;

#[derive(Default)]
struct Chain {
    headers: HashMap<H256, Header>,
    versions: HashMap<H256, u32>,
    best: H256,
}

impl Chain {
    /// Adds a child of `parent` (`None`: genesis) with spec version `spec`.
    fn add(&mut self, parent: Option<H256>, salt: u8, spec: u32) -> H256 {
        let number = parent
            .and_then(|p| self.headers.get(&p))
            .map_or(0, |h| h.number + 1);
        let header = Header {
            parent_hash: parent.unwrap_or_default(),
            number,
            state_root: H256([salt; 32]),
            extrinsics_root: H256::default(),
            digest: Digest::default(),
        };
        let hash = header.hash();
        self.headers.insert(hash, header);
        self.versions.insert(hash, spec);
        hash
    }

    fn header_of(&self, hash: H256) -> Header {
        self.headers[&hash].clone()
    }
}

impl Source for Chain {
    fn header(&self, hash: H256) -> Result<Option<Header>, ReadError> {
        Ok(self.headers.get(&hash).cloned())
    }
    fn runtime(&self, hash: H256) -> Result<RuntimeVersion, ReadError> {
        let spec_version = *self
            .versions
            .get(&hash)
            .ok_or(ReadError::UnknownBlock(hash))?;
        Ok(RuntimeVersion {
            spec_name: "test".into(),
            impl_name: "test".into(),
            authoring_version: 1,
            spec_version,
            impl_version: 1,
            apis: Vec::new(),
            transaction_version: 1,
            system_version: 1,
        })
    }
    fn best(&self) -> (BlockNumber, H256) {
        (self.headers[&self.best].number, self.best)
    }
}

fn new_block(block: H256, parent: H256) -> FollowEvent {
    FollowEvent::NewBlock {
        block_hash: block,
        parent_block_hash: parent,
        new_runtime: None,
    }
}

fn best(block: H256) -> FollowEvent {
    FollowEvent::BestBlockChanged {
        best_block_hash: block,
    }
}

#[test]
fn start_reports_every_branch_parents_first_then_the_best_block() {
    let mut chain = Chain::default();
    let genesis = chain.add(None, 0, 1);
    let a1 = chain.add(Some(genesis), 1, 1);
    let a2 = chain.add(Some(a1), 2, 1);
    let b1 = chain.add(Some(genesis), 3, 1);
    chain.best = a2;
    let (tree, update) = Tree::start(&chain, false, genesis, &[b1, a2]).expect("starts");
    assert_eq!(
        update.events,
        vec![
            FollowEvent::Initialized {
                finalized_block_hashes: vec![genesis],
                finalized_block_runtime: None,
            },
            new_block(b1, genesis),
            new_block(a1, genesis),
            new_block(a2, a1),
            best(a2),
        ]
    );
    let pinned: Vec<H256> = update.pins.iter().map(|(h, _)| *h).collect();
    assert_eq!(
        pinned,
        vec![genesis, b1, a1, a2],
        "every reported block is pinned"
    );
    assert_eq!(tree.len(), 3);
}

#[test]
fn a_block_announced_before_its_parent_comes_after_it() {
    let mut chain = Chain::default();
    let genesis = chain.add(None, 0, 1);
    chain.best = genesis;
    let (mut tree, _) = Tree::start(&chain, false, genesis, &[genesis]).expect("starts");
    let one = chain.add(Some(genesis), 1, 1);
    let two = chain.add(Some(one), 2, 1);
    let update = tree
        .on_best(&chain, &chain.header_of(two))
        .expect("reconciles");
    assert_eq!(
        update.events,
        vec![new_block(one, genesis), new_block(two, one), best(two)]
    );
    let again = tree
        .on_imported(&chain, &chain.header_of(one))
        .expect("known");
    assert!(again.events.is_empty(), "a block is reported once");
}

#[test]
fn finality_reports_the_path_and_prunes_other_branches_moving_the_best_block_off_them() {
    let mut chain = Chain::default();
    let genesis = chain.add(None, 0, 1);
    let a1 = chain.add(Some(genesis), 1, 1);
    let a2 = chain.add(Some(a1), 2, 1);
    let b1 = chain.add(Some(genesis), 3, 1);
    let b2 = chain.add(Some(b1), 4, 1);
    let c2 = chain.add(Some(a1), 5, 1);
    chain.best = b2;
    let (mut tree, _) = Tree::start(&chain, false, genesis, &[a2, b2, c2]).expect("starts");
    chain.best = a2;
    let update = tree
        .on_finalized(&chain, &chain.header_of(a1))
        .expect("finalizes");
    let (last, first) = update.events.split_last().expect("events");
    assert_eq!(
        first,
        &[best(a2)],
        "the best block leaves the pruned branch first"
    );
    let FollowEvent::Finalized {
        finalized_block_hashes,
        mut pruned_block_hashes,
    } = last.clone()
    else {
        panic!("a finalized event last: {last:?}");
    };
    pruned_block_hashes.sort();
    let mut expected = vec![b1, b2];
    expected.sort();
    assert_eq!(finalized_block_hashes, vec![a1]);
    assert_eq!(pruned_block_hashes, expected);
    assert!(tree.has(a2) && tree.has(c2), "descendants of a1 stay");
    assert_eq!(tree.finalized(), (1, a1));
}

#[test]
fn finality_of_an_unreported_block_reports_it_first() {
    let mut chain = Chain::default();
    let genesis = chain.add(None, 0, 1);
    chain.best = genesis;
    let (mut tree, _) = Tree::start(&chain, false, genesis, &[genesis]).expect("starts");
    let one = chain.add(Some(genesis), 1, 1);
    let two = chain.add(Some(one), 2, 1);
    chain.best = two;
    let update = tree
        .on_finalized(&chain, &chain.header_of(two))
        .expect("finalizes");
    assert_eq!(
        update.events,
        vec![
            new_block(one, genesis),
            new_block(two, one),
            best(two),
            FollowEvent::Finalized {
                finalized_block_hashes: vec![one, two],
                pruned_block_hashes: vec![],
            },
        ]
    );
    assert_eq!(tree.len(), 0);
}

#[test]
fn new_runtimes_are_reported_only_where_the_version_changes() {
    let mut chain = Chain::default();
    let genesis = chain.add(None, 0, 1);
    chain.best = genesis;
    let (mut tree, start) = Tree::start(&chain, true, genesis, &[genesis]).expect("starts");
    let FollowEvent::Initialized {
        finalized_block_runtime: Some(RuntimeEvent::Valid { .. }),
        ..
    } = &start.events[0]
    else {
        panic!("the finalized runtime: {:?}", start.events[0]);
    };
    let same = chain.add(Some(genesis), 1, 1);
    let upgraded = chain.add(Some(same), 2, 2);
    let update = tree
        .on_imported(&chain, &chain.header_of(upgraded))
        .expect("reported");
    let runtimes: Vec<_> = update
        .events
        .iter()
        .map(|e| match e {
            FollowEvent::NewBlock { new_runtime, .. } => new_runtime.clone(),
            other => panic!("only new blocks: {other:?}"),
        })
        .collect();
    assert_eq!(runtimes[0], Some(None), "unchanged: null");
    assert!(
        matches!(&runtimes[1], Some(Some(RuntimeEvent::Valid { spec })) if serde_json::to_value(spec).is_ok_and(|v| v["specVersion"] == 2)),
        "changed: the new spec, {:?}",
        runtimes[1]
    );
}

#[test]
fn finality_outside_the_reported_chain_is_a_gap() {
    let mut chain = Chain::default();
    let genesis = chain.add(None, 0, 1);
    let a1 = chain.add(Some(genesis), 1, 1);
    chain.best = a1;
    let (mut tree, _) = Tree::start(&chain, false, genesis, &[a1]).expect("starts");
    tree.on_finalized(&chain, &chain.header_of(a1))
        .expect("finalizes");
    let b1 = chain.add(Some(genesis), 2, 1);
    let b2 = chain.add(Some(b1), 3, 1);
    assert!(matches!(
        tree.on_finalized(&chain, &chain.header_of(b2)),
        Err(TreeError::Gap(hash)) if hash == b2
    ));
    let update = tree
        .on_imported(&chain, &chain.header_of(b2))
        .expect("ignored");
    assert!(
        update.events.is_empty(),
        "a block off the finalized chain is not reported"
    );
}
