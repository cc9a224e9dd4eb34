//! The slot state machine, step by step: when it claims, that its claims
//! verify, and how it detects equivocations within its bounds.

mod common;

use common::*;
use entroos_consensus_slots::{
    verify_header, BlockEquivocation, Effect, Epoch, HeldKeys, Input, ParentInfo, PreDigest,
    SlotClaim, SlotMachine, SlotsConfig, VerifiedHeader, MAX_KNOWN_EPOCHS,
};
use entroos_primitives::{Header, H256};

const WEIGHTS: [u128; 3] = [1, 2, 3];

fn machine_with(keys: &[u32], config: SlotsConfig) -> SlotMachine {
    SlotMachine::new(config, keys.iter().copied().map(pair).collect())
}

fn always_primary(index: u64, start: u64) -> Epoch {
    epoch_with(index, start, 100, fixed("1"), &WEIGHTS)
}

fn tick(slot: u64) -> Input {
    Input::SlotTick { slot, now: slot }
}

fn claim_of(effects: &[Effect]) -> Option<SlotClaim> {
    match effects {
        [Effect::Claim { claim, .. }] => Some(*claim),
        [] => None,
        other => panic!("unexpected effects {other:?}"),
    }
}

/// Builds, seals and verifies the block of `claim` on a parent at `parent_slot`.
fn author(claim: &SlotClaim, epoch: &Epoch, parent_slot: u64) -> (Header, VerifiedHeader) {
    let header = sealed(&claim.pre_digest, &key_of(&claim.author));
    let parent = ParentInfo {
        hash: PARENT,
        slot: parent_slot,
    };
    let verified = verify_header(&header, &parent, epoch, claim.pre_digest.slot()).unwrap();
    (header, verified)
}

fn key_of(public: &[u8; 32]) -> entroos_primitives::crypto::sr25519::Pair {
    (0..8).map(pair).find(|p| p.public() == *public).unwrap()
}

#[test]
fn claims_once_per_slot_above_the_best_block_and_on_time() {
    let mut m = machine_with(&[1], SlotsConfig::default());
    assert_eq!(m.apply(tick(10)), vec![], "no epoch yet");
    let epoch = always_primary(0, 0);
    m.apply(Input::EpochChanged {
        epoch: epoch.clone(),
    });
    let claim = claim_of(&m.apply(tick(10))).expect("c = 1: every key wins");
    assert_eq!(claim.author, pair(1).public());
    assert_eq!(claim.pre_digest.authority_index(), 1);
    assert_eq!(m.last_claimed(), Some(10));
    assert_eq!(m.apply(tick(10)), vec![], "already claimed");
    assert_eq!(m.apply(tick(9)), vec![], "below a claimed slot");
    let stale = Input::SlotTick { slot: 11, now: 12 };
    assert_eq!(m.apply(stale), vec![], "the tick came late");
    let early = Input::SlotTick { slot: 15, now: 12 };
    assert_eq!(m.apply(early), vec![], "too far ahead of the clock");

    let (header, verified) = author(&claim, &epoch, 9);
    let imported = Input::Imported {
        header,
        verified,
        best: true,
    };
    assert_eq!(m.apply(imported), vec![]);
    assert_eq!(m.best_slot(), 10);
    assert!(claim_of(&m.apply(tick(11))).is_some());
}

#[test]
fn a_better_block_from_elsewhere_moves_the_best_slot() {
    let epoch = always_primary(0, 0);
    let mut m = machine_with(&[1], SlotsConfig::default());
    m.apply(Input::EpochChanged {
        epoch: epoch.clone(),
    });
    let mut other = machine_with(&[2], SlotsConfig::default());
    other.apply(Input::EpochChanged {
        epoch: epoch.clone(),
    });
    let claim = claim_of(&other.apply(tick(20))).unwrap();
    let (header, verified) = author(&claim, &epoch, 19);
    m.apply(Input::Imported {
        header,
        verified,
        best: true,
    });
    assert_eq!(
        m.apply(tick(20)),
        vec![],
        "slot 20 already has the best block"
    );
    assert!(claim_of(&m.apply(tick(21))).is_some());
}

#[test]
fn only_the_assignee_claims_when_nobody_can_win() {
    let epoch = epoch_with(0, 0, 100, fixed("0"), &WEIGHTS);
    let mut machines: Vec<SlotMachine> = (0..3)
        .map(|n| machine_with(&[n], SlotsConfig::default()))
        .collect();
    for m in &mut machines {
        m.apply(Input::EpochChanged {
            epoch: epoch.clone(),
        });
    }
    for slot in 1..60 {
        let claims: Vec<SlotClaim> = machines
            .iter_mut()
            .filter_map(|m| claim_of(&m.apply(tick(slot))))
            .collect();
        assert_eq!(claims.len(), 1, "slot {slot}: {claims:?}");
        let assignee = epoch.secondary_author(slot).unwrap();
        assert_eq!(
            claims[0].pre_digest,
            PreDigest::Secondary {
                authority_index: assignee,
                slot
            }
        );
        author(&claims[0], &epoch, slot - 1);
    }
}

#[test]
fn keys_can_arrive_and_leave() {
    let mut m = machine_with(&[], SlotsConfig::default());
    m.apply(Input::EpochChanged {
        epoch: always_primary(0, 0),
    });
    assert_eq!(m.apply(tick(5)), vec![]);
    m.apply(Input::KeysChanged {
        keys: [pair(0)].into_iter().collect(),
    });
    assert!(claim_of(&m.apply(tick(6))).is_some());
    m.apply(Input::KeysChanged {
        keys: HeldKeys::default(),
    });
    assert_eq!(m.apply(tick(7)), vec![]);
}

#[test]
fn slots_after_skipped_epochs_use_the_newest_set_advanced() {
    let mut m = machine_with(&[2], SlotsConfig::default());
    for index in 0..5 {
        m.apply(Input::EpochChanged {
            epoch: always_primary(index, index * 100),
        });
    }
    assert_eq!(m.known_epochs(), MAX_KNOWN_EPOCHS);
    let claim = claim_of(&m.apply(tick(750))).unwrap();
    let skipped = always_primary(4, 400).skipped_to(750).unwrap();
    assert_eq!(skipped.index(), 7);
    author(&claim, &skipped, 749);
    let unskipped = always_primary(4, 400);
    let parent = ParentInfo {
        hash: PARENT,
        slot: 749,
    };
    let header = sealed(&claim.pre_digest, &pair(2));
    assert!(verify_header(&header, &parent, &unskipped, 750).is_err());
}

/// A verified header by `author` for `slot`, distinct per `salt`.
fn claimed(author_index: u32, slot: u64, salt: u8) -> (Header, VerifiedHeader) {
    let epoch = always_primary(0, 0);
    let pre =
        entroos_consensus_slots::claim_primary(&pair(author_index), &epoch, slot, author_index)
            .unwrap();
    let mut header = unsealed(&pre);
    header.state_root = H256([salt; 32]);
    let header = reseal(header, &pair(author_index));
    let parent = ParentInfo {
        hash: PARENT,
        slot: slot - 1,
    };
    let verified = verify_header(&header, &parent, &epoch, slot).unwrap();
    (header, verified)
}

fn imported((header, verified): (Header, VerifiedHeader)) -> Input {
    Input::Imported {
        header,
        verified,
        best: false,
    }
}

#[test]
fn a_second_header_for_a_slot_and_author_is_reported_once() {
    let mut m = machine_with(&[], SlotsConfig::default());
    let first = claimed(1, 30, 1);
    let second = claimed(1, 30, 2);
    assert_eq!(m.apply(imported(first.clone())), vec![]);
    assert_eq!(
        m.apply(imported(first.clone())),
        vec![],
        "the same block again"
    );
    let resealed = reseal(first.0.clone(), &pair(1));
    assert_ne!(resealed.hash(), first.0.hash());
    let verified = VerifiedHeader {
        hash: resealed.hash(),
        ..first.1
    };
    assert_eq!(
        m.apply(imported((resealed, verified))),
        vec![],
        "a new seal on the same block is not a second block"
    );
    assert_eq!(
        m.apply(imported(claimed(2, 30, 3))),
        vec![],
        "another author"
    );
    assert_eq!(m.apply(imported(claimed(1, 31, 4))), vec![], "another slot");
    let effects = m.apply(imported(second.clone()));
    assert_eq!(
        effects,
        vec![Effect::Equivocation(BlockEquivocation {
            slot: 30,
            offender: pair(1).public(),
            first: first.0,
            second: second.0,
        })]
    );
    assert_eq!(
        m.apply(imported(claimed(1, 30, 5))),
        vec![],
        "reported once"
    );
}

#[test]
fn detection_is_bounded_to_recent_slots_and_entries() {
    let config = SlotsConfig {
        equivocation_window: 10,
        max_tracked_headers: 4,
    };
    let mut m = machine_with(&[], config);
    m.apply(imported(claimed(0, 5, 1)));
    m.apply(imported(claimed(0, 20, 1)));
    assert_eq!(m.tracked_headers(), 1, "slot 5 fell out of the window");
    assert_eq!(
        m.apply(imported(claimed(0, 5, 2))),
        vec![],
        "too old to judge"
    );
    for slot in 11..=19 {
        m.apply(imported(claimed(1, slot, 1)));
    }
    assert_eq!(m.tracked_headers(), 4);
    assert_eq!(
        m.apply(imported(claimed(1, 19, 2))).len(),
        1,
        "recent ones are kept"
    );
}
