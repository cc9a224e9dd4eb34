use crate::equivocation::verify_block_equivocation;
use crate::mock::*;
use crate::{
    AuthorClaim, BlockAuthorship, BlockEquivocationProof, ClaimKind, EpochSets,
    PreDigestAuthorship, SEAL_ENGINE_ID,
};
use codec::Encode;
use entroos_consensus_primitives::{secondary_author, PreDigest, ENGINE_ID};
use entroos_primitives::{Digest, DigestItem, Header, H256};

fn primary(slot: u64) -> PreDigest {
    PreDigest::Primary {
        authority_index: 1,
        slot,
        vrf_output: [4; 32],
        vrf_proof: [5; 64],
    }
}

fn header_with(logs: Vec<DigestItem>) -> Header {
    Header {
        number: 1,
        digest: Digest { logs },
        ..Default::default()
    }
}

#[test]
fn the_node_pre_digest_states_the_slot_and_claim() {
    let mut t = new_test_ext(&[(1, BOND), (2, BOND)], test_params());
    t.execute_with(|ext| {
        let digest = Digest {
            logs: vec![primary(GENESIS_SLOT).to_digest_item()],
        };
        pallet_system::Pallet::<Test>::initialize(ext, 1, H256::default(), &digest);
        assert_eq!(PreDigestAuthorship::current_slot(ext), Some(GENESIS_SLOT));
        assert_eq!(
            PreDigestAuthorship::claim(ext),
            Some(AuthorClaim {
                authority_index: 1,
                kind: ClaimKind::Primary {
                    vrf_output: [4; 32]
                },
            })
        );
        let secondary = PreDigest::Secondary {
            authority_index: 0,
            slot: 7,
        };
        assert_eq!(
            AuthorClaim::from(&secondary),
            AuthorClaim {
                authority_index: 0,
                kind: ClaimKind::Secondary
            }
        );
    });
}

#[test]
fn a_missing_repeated_or_malformed_pre_digest_states_nothing() {
    let item = primary(3).to_digest_item();
    let none = header_with(vec![]);
    let twice = header_with(vec![item.clone(), item]);
    let slot_only = header_with(vec![DigestItem::PreRuntime(ENGINE_ID, 3u64.encode())]);
    for header in [none, twice, slot_only] {
        assert_eq!(PreDigestAuthorship::slot_of(&header), None);
    }
    assert_eq!(
        PreDigestAuthorship::slot_of(&header_with(vec![primary(3).to_digest_item()])),
        Some(3)
    );
}

#[test]
fn block_equivocations_are_proven_with_the_node_pre_digest() {
    let v = Validator::new(1);
    let sealed = |salt: u8| {
        let mut header = header_with(vec![primary(12).to_digest_item()]);
        header.state_root = H256([salt; 32]);
        let signature = v.vrf.sign(header.hash().as_ref());
        header
            .digest
            .logs
            .push(DigestItem::Seal(SEAL_ENGINE_ID, signature.to_vec()));
        header
    };
    let proof = BlockEquivocationProof {
        offender: v.keys().vrf,
        slot: 12,
        first: sealed(1),
        second: sealed(2),
    };
    assert_eq!(
        verify_block_equivocation(&proof, PreDigestAuthorship::slot_of),
        Ok(())
    );
}

#[test]
fn the_secondary_assignee_is_the_shared_function_of_the_stored_set() {
    let mut t = new_test_ext(&[(1, 3 * BOND), (2, BOND), (3, 2 * BOND)], test_params());
    t.execute_with(|ext| {
        next_block(ext, GENESIS_SLOT, None).unwrap();
        let set = EpochSets::<Test>::get(ext, &0).unwrap();
        for slot in GENESIS_SLOT..GENESIS_SLOT + 50 {
            assert_eq!(
                Entropy::secondary_author(ext, slot),
                secondary_author(&set.randomness, slot, &set.weights())
            );
        }
    });
}
