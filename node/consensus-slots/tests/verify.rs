//! Header verification: what honest claims look like, and that every
//! tampering or misplaced claim is refused with its own error.

mod common;

use common::*;
use entroos_consensus_slots::{
    claim_primary, claim_secondary, claim_slot, verify_header, Epoch, HeldKeys, ParentInfo,
    PreDigest, PreDigestError, SlotsError, VerifiedHeader, ENGINE_ID, MAX_SLOT_DRIFT,
};
use entroos_primitives::{DigestItem, Header};

const WEIGHTS: [u128; 4] = [10, 20, 30, 40];

fn epoch() -> Epoch {
    epoch_with(1, 100, 1_000, fixed("0.25"), &WEIGHTS)
}

fn parent(slot: u64) -> ParentInfo {
    ParentInfo { hash: PARENT, slot }
}

/// Verifies against [`epoch`] with the parent at slot 99 and the clock at
/// the header's slot.
fn check(header: &Header) -> Result<VerifiedHeader, SlotsError> {
    let now = entroos_consensus_slots::find_pre_digest(&header.digest).map_or(100, |p| p.slot());
    verify_header(header, &parent(99), &epoch(), now)
}

/// The first slot (from 100) that authority `index` wins as primary.
fn first_primary(epoch: &Epoch, index: u32) -> PreDigest {
    (epoch.start_slot()..epoch.end_slot())
        .find_map(|slot| claim_primary(&pair(index), epoch, slot, index))
        .expect("a primary slot")
}

/// A slot whose secondary assignee is `index`, with its claim.
fn secondary_for(index: u32) -> PreDigest {
    let e = epoch();
    let slot = (100..1_100)
        .find(|slot| claim_secondary(&e, *slot) == Some(index))
        .expect("an assigned slot");
    PreDigest::Secondary {
        authority_index: index,
        slot,
    }
}

fn with_primary_fields(
    pre: &PreDigest,
    edit: impl FnOnce(&mut u32, &mut [u8; 32], &mut [u8; 64]),
) -> PreDigest {
    let mut pre = *pre;
    if let PreDigest::Primary {
        authority_index,
        vrf_output,
        vrf_proof,
        ..
    } = &mut pre
    {
        edit(authority_index, vrf_output, vrf_proof);
    }
    pre
}

#[test]
fn honest_primary_and_secondary_headers_verify() {
    let pre = first_primary(&epoch(), 2);
    let header = sealed(&pre, &pair(2));
    let verified = check(&header).unwrap();
    assert_eq!(verified.slot, pre.slot());
    assert_eq!(verified.authority_index, 2);
    assert_eq!(verified.author, pair(2).public());
    assert!(verified.primary);
    assert_eq!(verified.vrf_output, pre.vrf_output());
    assert_eq!(verified.hash, header.hash());
    assert_eq!(verified.pre_hash, unsealed(&pre).hash());

    let pre = secondary_for(1);
    let verified = check(&sealed(&pre, &pair(1))).unwrap();
    assert_eq!((verified.primary, verified.vrf_output), (false, None));
    assert_eq!(verified.authority_index, 1);
}

#[test]
fn every_claim_the_lottery_makes_verifies() {
    let e = epoch();
    let keys: HeldKeys = (0..4).map(pair).collect();
    let (mut primary, mut secondary) = (0, 0);
    for slot in 100..300 {
        let claim = claim_slot(&keys, &e, slot).expect("some key always claims");
        let header = sealed(&claim.pre_digest, keys.get(&claim.author).unwrap());
        let verified = check(&header).unwrap();
        assert_eq!(verified.author, claim.author);
        if verified.primary {
            primary += 1;
        } else {
            secondary += 1;
        }
    }
    println!("200 slots: {primary} primary, {secondary} secondary claims");
    assert!(primary > 0 && secondary > 0);
}

#[test]
fn tampered_vrf_output_or_proof_is_refused() {
    let pre = first_primary(&epoch(), 3);
    let output = with_primary_fields(&pre, |_, output, _| output[5] ^= 1);
    let refused = check(&sealed(&output, &pair(3))).unwrap_err();
    assert!(
        matches!(
            refused,
            SlotsError::InvalidVrfProof { authority_index: 3 } | SlotsError::MalformedVrf
        ),
        "{refused:?}"
    );
    let proof = with_primary_fields(&pre, |_, _, proof| proof[7] ^= 1);
    let refused = check(&sealed(&proof, &pair(3))).unwrap_err();
    assert!(
        matches!(
            refused,
            SlotsError::InvalidVrfProof { authority_index: 3 } | SlotsError::MalformedVrf
        ),
        "{refused:?}"
    );
    let garbage = with_primary_fields(&pre, |_, _, proof| *proof = [0xff; 64]);
    assert_eq!(
        check(&sealed(&garbage, &pair(3))),
        Err(SlotsError::MalformedVrf)
    );
}

#[test]
fn a_claim_under_another_authority_index_is_refused() {
    let pre = first_primary(&epoch(), 3);
    // Authority 0 presents 3's winning VRF as its own and seals it.
    let stolen = with_primary_fields(&pre, |index, _, _| *index = 0);
    assert_eq!(
        check(&sealed(&stolen, &pair(0))),
        Err(SlotsError::InvalidVrfProof { authority_index: 0 })
    );
    let outside = with_primary_fields(&pre, |index, _, _| *index = 4);
    assert_eq!(
        check(&sealed(&outside, &pair(3))),
        Err(SlotsError::AuthorityIndexOutOfRange {
            index: 4,
            authorities: 4
        })
    );
}

#[test]
fn an_output_above_the_threshold_is_refused() {
    // With c = 1 every output wins; the same output does not win at c = 0.25.
    let everyone = epoch_with(1, 100, 1_000, fixed("1"), &WEIGHTS);
    let strict = epoch();
    let (pre, value_check) = (100..1_100)
        .find_map(|slot| {
            let pre = claim_primary(&pair(0), &everyone, slot, 0)?;
            let header = sealed(&pre, &pair(0));
            match verify_header(&header, &parent(99), &strict, slot) {
                Err(e @ SlotsError::VrfAboveThreshold { .. }) => Some((pre, e)),
                _ => None,
            }
        })
        .expect("a losing slot");
    let SlotsError::VrfAboveThreshold {
        authority_index,
        value,
        threshold,
    } = value_check
    else {
        unreachable!()
    };
    assert_eq!(authority_index, 0);
    assert!(value >= threshold && threshold == strict.threshold(0));
    let header = sealed(&pre, &pair(0));
    assert!(verify_header(&header, &parent(99), &everyone, pre.slot()).is_ok());
}

#[test]
fn a_secondary_claim_by_anyone_but_the_assignee_is_refused() {
    let pre = secondary_for(1);
    let expected = claim_secondary(&epoch(), pre.slot());
    let wrong = PreDigest::Secondary {
        authority_index: 2,
        slot: pre.slot(),
    };
    assert_eq!(
        check(&sealed(&wrong, &pair(2))),
        Err(SlotsError::WrongSecondaryAuthor {
            claimed: 2,
            expected
        })
    );
}

#[test]
fn bad_seals_are_refused() {
    let pre = first_primary(&epoch(), 1);
    assert_eq!(
        check(&sealed(&pre, &pair(2))),
        Err(SlotsError::BadSeal { authority_index: 1 })
    );
    assert_eq!(check(&unsealed(&pre)), Err(SlotsError::MissingSeal));
    let mut changed = sealed(&pre, &pair(1));
    changed.number += 1;
    assert_eq!(
        check(&changed),
        Err(SlotsError::BadSeal { authority_index: 1 })
    );
    let mut other_engine = unsealed(&pre);
    other_engine
        .digest
        .logs
        .push(DigestItem::Seal(*b"aura", vec![0; 64]));
    assert_eq!(check(&other_engine), Err(SlotsError::SealEngine(*b"aura")));
    let mut short = unsealed(&pre);
    short
        .digest
        .logs
        .push(DigestItem::Seal(ENGINE_ID, vec![0; 63]));
    assert_eq!(check(&short), Err(SlotsError::MalformedSeal));
    let mut moved = sealed(&pre, &pair(1));
    moved.digest.logs.rotate_right(1);
    assert_eq!(check(&moved), Err(SlotsError::MissingSeal));
}

#[test]
fn slots_must_increase_stay_near_the_clock_and_inside_the_epoch() {
    let pre = first_primary(&epoch(), 3);
    let slot = pre.slot();
    let header = sealed(&pre, &pair(3));
    let e = epoch();
    assert_eq!(
        verify_header(&header, &parent(slot), &e, slot),
        Err(SlotsError::SlotNotIncreasing { parent: slot, slot })
    );
    assert!(verify_header(&header, &parent(slot - 1), &e, slot - MAX_SLOT_DRIFT).is_ok());
    assert_eq!(
        verify_header(&header, &parent(slot - 1), &e, slot - MAX_SLOT_DRIFT - 1),
        Err(SlotsError::SlotInFuture {
            slot,
            now: slot - MAX_SLOT_DRIFT - 1,
            max_drift: MAX_SLOT_DRIFT
        })
    );
    let later = epoch_with(1, slot + 1, 1_000, fixed("0.25"), &WEIGHTS);
    assert!(matches!(
        verify_header(&header, &parent(99), &later, slot),
        Err(SlotsError::SlotOutsideEpoch { .. })
    ));
    let mut orphan = unsealed(&pre);
    orphan.parent_hash.0[0] ^= 1;
    let orphan = reseal(orphan, &pair(3));
    assert_eq!(check(&orphan), Err(SlotsError::WrongParent));
}

#[test]
fn the_pre_digest_must_be_there_once_and_whole() {
    let pre = secondary_for(0);
    let mut none = unsealed(&pre);
    none.digest.logs.clear();
    let none = reseal(none, &pair(0));
    assert_eq!(
        check(&none),
        Err(SlotsError::PreDigest(PreDigestError::Missing))
    );
    let mut twice = unsealed(&pre);
    twice.digest.logs.push(pre.to_digest_item());
    let twice = reseal(twice, &pair(0));
    assert_eq!(
        check(&twice),
        Err(SlotsError::PreDigest(PreDigestError::Duplicate))
    );
    let mut slot_only = unsealed(&pre);
    slot_only.digest.logs = vec![DigestItem::PreRuntime(
        ENGINE_ID,
        7u64.to_le_bytes().to_vec(),
    )];
    let slot_only = reseal(slot_only, &pair(0));
    assert_eq!(
        check(&slot_only),
        Err(SlotsError::PreDigest(PreDigestError::Malformed))
    );
}

#[test]
fn the_engine_id_is_entr() {
    assert_eq!(ENGINE_ID, *b"entr");
}
