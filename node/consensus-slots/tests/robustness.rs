//! Verification never panics, whatever the header: random digests, random
//! bytes under the slot engine, random seals, random parents and clocks,
//! and single-byte corruptions of an honest header's encoding.

mod common;

use codec::{Decode, Encode};
use common::*;
use entroos_consensus_slots::{claim_slot, verify_header, Epoch, HeldKeys, ParentInfo, ENGINE_ID};
use entroos_primitives::{Digest, DigestItem, Header, H256};
use proptest::prelude::*;
use std::sync::OnceLock;

fn epoch() -> &'static Epoch {
    static EPOCH: OnceLock<Epoch> = OnceLock::new();
    EPOCH.get_or_init(|| epoch_with(0, 0, 1_000, fixed("0.5"), &[1, 2, 3]))
}

fn engine() -> impl Strategy<Value = [u8; 4]> {
    prop_oneof![Just(ENGINE_ID), Just(*b"BABE"), any::<[u8; 4]>()]
}

fn digest_item() -> impl Strategy<Value = DigestItem> {
    let bytes = || proptest::collection::vec(any::<u8>(), 0..140);
    prop_oneof![
        (engine(), bytes()).prop_map(|(e, b)| DigestItem::PreRuntime(e, b)),
        (engine(), bytes()).prop_map(|(e, b)| DigestItem::Seal(e, b)),
        (engine(), bytes()).prop_map(|(e, b)| DigestItem::Consensus(e, b)),
        bytes().prop_map(DigestItem::Other),
        // Well-formed claims (wrong proofs), to get past decoding.
        (0u32..5, 0u64..1_100, any::<[u8; 32]>(), any::<u8>()).prop_map(|(i, slot, out, p)| {
            entroos_consensus_slots::PreDigest::Primary {
                authority_index: i,
                slot,
                vrf_output: out,
                vrf_proof: [p; 64],
            }
            .to_digest_item()
        }),
        (0u32..5, 0u64..1_100).prop_map(|(i, slot)| {
            entroos_consensus_slots::PreDigest::Secondary {
                authority_index: i,
                slot,
            }
            .to_digest_item()
        }),
    ]
}

fn header() -> impl Strategy<Value = Header> {
    (
        any::<[u8; 32]>(),
        any::<u32>(),
        proptest::collection::vec(digest_item(), 0..5),
    )
        .prop_map(|(parent, number, logs)| Header {
            parent_hash: H256(parent),
            number,
            state_root: H256::default(),
            extrinsics_root: H256::default(),
            digest: Digest { logs },
        })
}

/// An honest header for `slot`, sealed by its claimant.
fn honest(slot: u64) -> Header {
    let keys: HeldKeys = (0..3).map(pair).collect();
    let claim = claim_slot(&keys, epoch(), slot).expect("some key claims");
    sealed(&claim.pre_digest, keys.get(&claim.author).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_headers_are_refused_without_panicking(
        header in header(), parent_slot in any::<u64>(), now in any::<u64>(),
    ) {
        let parent = ParentInfo { hash: header.parent_hash, slot: parent_slot };
        prop_assert!(verify_header(&header, &parent, epoch(), now).is_err());
    }

    #[test]
    fn a_corrupted_honest_header_is_refused_or_unchanged(
        slot in 1u64..1_000, position in any::<prop::sample::Index>(), flip in 1u8..=255,
    ) {
        let original = honest(slot);
        let parent = ParentInfo { hash: PARENT, slot: slot - 1 };
        prop_assert!(verify_header(&original, &parent, epoch(), slot).is_ok());
        let mut bytes = original.encode();
        let i = position.index(bytes.len());
        bytes[i] ^= flip;
        if let Ok(corrupted) = Header::decode(&mut &bytes[..]) {
            if let Ok(verified) = verify_header(&corrupted, &parent, epoch(), slot) {
                prop_assert_eq!(verified.hash, original.hash());
            }
        }
    }
}
