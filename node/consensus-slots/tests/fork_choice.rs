//! Fork choice over real verified headers: two branches from one parent,
//! the one with more primary blocks wins even when shorter, and nothing
//! off the finalized branch is ever chosen.

mod common;

use common::*;
use entroos_consensus_slots::{
    best_block, claim_slot, seal_header, verify_header, Candidate, Epoch, ForkChoiceWeight,
    HeldKeys, ParentInfo, PreDigest,
};
use entroos_primitives::{Digest, Header, H256};

/// Extends `parent` with blocks at `slots`, each claimed by whichever of
/// the epoch's keys claims it; returns each block's hash and weight.
fn branch(epoch: &Epoch, parent: (H256, u64, ForkChoiceWeight), slots: &[u64]) -> Vec<Candidate> {
    let keys: HeldKeys = (0..epoch.len()).map(pair).collect();
    let (mut hash, mut parent_slot, mut weight) = parent;
    let mut blocks = Vec::new();
    for slot in slots {
        let claim = claim_slot(&keys, epoch, *slot).unwrap();
        let mut header = Header {
            parent_hash: hash,
            number: weight.number + 1,
            digest: Digest {
                logs: vec![claim.pre_digest.to_digest_item()],
            },
            ..Default::default()
        };
        seal_header(&mut header, keys.get(&claim.author).unwrap());
        let parent = ParentInfo {
            hash,
            slot: parent_slot,
        };
        let verified = verify_header(&header, &parent, epoch, *slot).unwrap();
        weight = weight.child(verified.primary);
        (hash, parent_slot) = (verified.hash, *slot);
        blocks.push(Candidate { hash, weight });
    }
    blocks
}

fn is_primary(epoch: &Epoch, slot: u64) -> bool {
    let keys: HeldKeys = (0..epoch.len()).map(pair).collect();
    matches!(
        claim_slot(&keys, epoch, slot).map(|c| c.pre_digest),
        Some(PreDigest::Primary { .. })
    )
}

#[test]
fn more_primary_blocks_beat_a_longer_branch() {
    let epoch = epoch_with(0, 0, 1_000, fixed("0.25"), &[1, 1, 1, 1]);
    let primary: Vec<u64> = (1..200)
        .filter(|s| is_primary(&epoch, *s))
        .take(2)
        .collect();
    let secondary: Vec<u64> = (1..200)
        .filter(|s| !is_primary(&epoch, *s))
        .take(5)
        .collect();
    let genesis = Candidate {
        hash: H256([0; 32]),
        weight: ForkChoiceWeight::GENESIS,
    };
    let root = (genesis.hash, 0, genesis.weight);
    let long = branch(&epoch, root, &secondary);
    let short = branch(&epoch, root, &primary);
    let (long_tip, short_tip) = (*long.last().unwrap(), *short.last().unwrap());
    assert_eq!(
        long_tip.weight,
        ForkChoiceWeight {
            primary_blocks: 0,
            number: 5
        }
    );
    assert_eq!(
        short_tip.weight,
        ForkChoiceWeight {
            primary_blocks: 2,
            number: 2
        }
    );

    let everywhere = |_: &H256| true;
    assert_eq!(
        best_block(long_tip, genesis, &[short_tip], everywhere),
        short_tip.hash
    );
    assert_eq!(
        best_block(short_tip, genesis, &[long_tip], everywhere),
        short_tip.hash
    );

    // Once the long branch's first block is final, the short one is out.
    let on_long = |h: &H256| long.iter().any(|b| b.hash == *h);
    assert_eq!(
        best_block(short_tip, long[0], &[short_tip, long_tip], on_long),
        long_tip.hash
    );
}
