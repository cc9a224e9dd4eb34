//! Every way the import pipeline refuses a block: each refusal carries its
//! typed reason and leaves the database exactly as it was. Slot claims are
//! checked before execution: the pre-digest, the slot, the epoch's set, a
//! primary claim's VRF proof and threshold, a secondary claim's assignee,
//! and the seal.

mod support;

use entroos_client_api::{ImportError, ImportOutcome, SlotsError};
use entroos_consensus_slots::{lottery_value, slot_transcript, PreDigest, PreDigestError};
use entroos_executor::genesis::{DEV_PRESET, LOCAL_PRESET};
use entroos_primitives::{DigestItem, OpaqueExtrinsic, H256};
use entroos_support::trie::ordered_trie_root;
use support::{key, resealed, with_claim, Chain, NAMES};

fn consensus(error: ImportError) -> SlotsError {
    match error {
        ImportError::Consensus(e) => e,
        other => panic!("expected a slot claim refusal, got {other}"),
    }
}

#[test]
fn a_valid_block_from_outside_is_imported_and_becomes_best() {
    let chain = Chain::new(DEV_PRESET);
    chain.tick();
    let block = chain.valid_on_best();
    let hash = block.header.hash();
    let outcome = chain.import(block.clone()).unwrap();
    assert_eq!(outcome, ImportOutcome::Imported { hash, best: true });
    assert_eq!(chain.client.heads().best, (1, hash));
    assert_eq!(
        chain.import(block).unwrap(),
        ImportOutcome::AlreadyKnown(hash)
    );
}

#[test]
fn header_refusals_name_their_reason() {
    let chain = Chain::new(DEV_PRESET);
    chain.tick();
    let valid = chain.valid_on_best();
    let alice = key("Alice");

    let mut block = valid.clone();
    block.header.parent_hash = H256([7; 32]);
    block.header = resealed(block.header, &alice);
    assert!(matches!(chain.refuse(block), ImportError::UnknownParent(h) if h == H256([7; 32])));

    let mut block = valid.clone();
    block.header.number = 5;
    block.header = resealed(block.header, &alice);
    assert!(matches!(
        chain.refuse(block),
        ImportError::WrongNumber {
            parent: 0,
            number: 5
        }
    ));

    let mut block = valid.clone();
    if let Some(DigestItem::Seal(_, signature)) = block.header.digest.logs.last_mut() {
        signature.truncate(10);
    }
    assert_eq!(consensus(chain.refuse(block)), SlotsError::MalformedSeal);

    let mut block = valid.clone();
    if let Some(DigestItem::Seal(_, signature)) = block.header.digest.logs.last_mut() {
        signature[0] ^= 1;
    }
    assert_eq!(
        consensus(chain.refuse(block)),
        SlotsError::BadSeal { authority_index: 0 }
    );

    let mut block = valid.clone();
    block.header = resealed(block.header, &key("Bob"));
    let error = chain.refuse(block);
    assert!(
        error.to_string().contains("seal is not authority 0's"),
        "{error}"
    );

    let mut block = valid.clone();
    block.header.digest.logs.pop();
    assert_eq!(consensus(chain.refuse(block)), SlotsError::MissingSeal);

    let mut block = valid;
    block
        .header
        .digest
        .logs
        .retain(|item| !matches!(item, DigestItem::PreRuntime(..)));
    block.header = resealed(block.header, &alice);
    assert_eq!(
        consensus(chain.refuse(block)),
        SlotsError::PreDigest(PreDigestError::Missing)
    );
}

#[test]
fn slot_refusals_name_their_reason() {
    let chain = Chain::new(DEV_PRESET);
    let slot = chain.tick();
    let first = chain.valid_on_best();
    chain.import(first.clone()).unwrap();

    chain.tick();
    let next = chain.valid_on_best();
    let parents_slot = chain.claim(&first.header, slot, &[key("Alice")]).unwrap();
    let same_slot = with_claim(next, parents_slot, &key("Alice"));
    let error = consensus(chain.refuse(same_slot));
    assert_eq!(error, SlotsError::SlotNotIncreasing { parent: slot, slot });

    let ahead = chain.now_slot() + 10;
    let claim = chain.claim(&first.header, ahead, &[key("Alice")]).unwrap();
    let future = chain.build(&first.header, claim, &key("Alice"));
    let error = consensus(chain.refuse(future.block));
    assert!(
        matches!(error, SlotsError::SlotInFuture { slot: s, .. } if s == ahead),
        "{error}"
    );
}

/// A local chain at its first slot, a valid block for it, and the slot.
fn local_chain() -> (Chain, entroos_primitives::Block, u64) {
    let chain = Chain::new(LOCAL_PRESET);
    let slot = chain.tick();
    let block = chain.valid_on_best();
    (chain, block, slot)
}

#[test]
fn a_secondary_claim_by_anyone_but_the_assignee_is_refused() {
    let (chain, valid, slot) = local_chain();
    let genesis = chain.best();
    let epoch = chain.client.epoch_for(&genesis.hash(), slot).unwrap();
    let assignee = epoch.secondary_author(slot).unwrap();
    let other = (assignee + 1) % 4;
    let other_key = NAMES
        .iter()
        .map(|n| key(n))
        .find(|k| epoch.authority(other).unwrap().vrf_key == k.public())
        .unwrap();
    let forged = PreDigest::Secondary {
        authority_index: other,
        slot,
    };
    assert_eq!(
        consensus(chain.refuse(with_claim(valid.clone(), forged, &other_key))),
        SlotsError::WrongSecondaryAuthor {
            claimed: other,
            expected: Some(assignee)
        }
    );
    let outside = PreDigest::Secondary {
        authority_index: 4,
        slot,
    };
    assert_eq!(
        consensus(chain.refuse(with_claim(valid, outside, &other_key))),
        SlotsError::AuthorityIndexOutOfRange {
            index: 4,
            authorities: 4
        }
    );
}

/// The first slot from the clock's on which some authority wins a primary
/// claim over `parent`, with the claim and the winner's key.
fn primary_slot(
    chain: &Chain,
    parent: &entroos_primitives::Header,
) -> (u64, PreDigest, entroos_primitives::crypto::sr25519::Pair) {
    let slot = chain.now_slot();
    let (claim, key) = (slot..slot + 200)
        .find_map(|s| chain.winner(parent, s, true))
        .expect("c = 1/4: a primary slot comes within 200");
    while chain.now_slot() < claim.slot() {
        chain.tick();
    }
    (claim.slot(), claim, key)
}

#[test]
fn a_primary_claim_with_a_bad_vrf_is_refused() {
    let (chain, _, _) = local_chain();
    let genesis = chain.best();
    let (slot, claim, winner) = primary_slot(&chain, &genesis);
    let valid = chain.build(&genesis, claim, &winner).block;
    let PreDigest::Primary {
        authority_index,
        vrf_output,
        vrf_proof,
        ..
    } = claim
    else {
        unreachable!()
    };

    // The proof of another slot's evaluation.
    let mut bad_proof = vrf_proof;
    bad_proof[5] ^= 1;
    let forged = PreDigest::Primary {
        authority_index,
        slot,
        vrf_output,
        vrf_proof: bad_proof,
    };
    let error = consensus(chain.refuse(with_claim(valid.clone(), forged, &winner)));
    assert!(
        matches!(
            error,
            SlotsError::InvalidVrfProof { .. } | SlotsError::MalformedVrf
        ),
        "{error}"
    );

    // A genuine evaluation of the slot by the same key that loses the lottery.
    let epoch = chain.client.epoch_for(&genesis.hash(), slot).unwrap();
    let evaluate = |k: &entroos_primitives::crypto::sr25519::Pair| {
        let transcript = slot_transcript(epoch.randomness(), slot, epoch.index());
        let (inout, proof, _) = k.as_schnorrkel().vrf_sign(transcript);
        (inout, proof)
    };
    let (inout, proof) = evaluate(&winner);
    assert!(lottery_value(&inout) < epoch.threshold(authority_index));
    let loser = (0..4u32)
        .find_map(|index| {
            let vrf_key = epoch.authority(index)?.vrf_key;
            let k = NAMES
                .iter()
                .map(|n| key(n))
                .find(|k| k.public() == vrf_key)?;
            let (inout, proof) = evaluate(&k);
            (lottery_value(&inout) >= epoch.threshold(index)).then_some((k, index, inout, proof))
        })
        .expect("with c = 1/4 some authority loses the slot");
    let (loser_key, loser_index, loser_inout, loser_proof) = loser;
    let losing = PreDigest::Primary {
        authority_index: loser_index,
        slot,
        vrf_output: loser_inout.to_preout().to_bytes(),
        vrf_proof: loser_proof.to_bytes(),
    };
    let error = consensus(chain.refuse(with_claim(valid.clone(), losing, &loser_key)));
    assert!(
        matches!(error, SlotsError::VrfAboveThreshold { authority_index, .. } if authority_index == loser_index),
        "{error}"
    );

    // The winner's evaluation claimed under another authority's index.
    let stolen = PreDigest::Primary {
        authority_index: loser_index,
        slot,
        vrf_output: inout.to_preout().to_bytes(),
        vrf_proof: proof.to_bytes(),
    };
    let error = consensus(chain.refuse(with_claim(valid.clone(), stolen, &loser_key)));
    assert_eq!(
        error,
        SlotsError::InvalidVrfProof {
            authority_index: loser_index
        }
    );

    assert!(matches!(
        chain.import(valid).unwrap(),
        ImportOutcome::Imported { best: true, .. }
    ));
}

#[test]
fn body_and_execution_refusals_name_their_reason() {
    let chain = Chain::new(DEV_PRESET);
    let slot = chain.tick();
    let genesis = chain.best();
    let alice = key("Alice");
    let valid = chain.valid_on_best();

    let claim = chain
        .claim(&genesis, slot, std::slice::from_ref(&alice))
        .unwrap();
    let drifting = chain.build_at(&genesis, claim, &alice, slot * chain.slot_millis() + 60_000);
    let error = chain.refuse(drifting.block);
    assert!(
        matches!(error, ImportError::Inherents(ref why) if why.contains("timestamp")),
        "{error}"
    );

    let mut block = valid.clone();
    block.header.extrinsics_root = H256([3; 32]);
    block.header = resealed(block.header, &alice);
    let error = chain.refuse(block);
    assert!(
        matches!(error, ImportError::ExtrinsicsRootMismatch { .. }),
        "{error}"
    );

    let mut block = valid.clone();
    block.header.state_root = H256([4; 32]);
    block.header = resealed(block.header, &alice);
    let error = chain.refuse(block);
    assert!(
        matches!(error, ImportError::StateRootMismatch { .. }),
        "{error}"
    );

    let mut block = valid.clone();
    block
        .extrinsics
        .push(OpaqueExtrinsic(vec![0x0c, 0xff, 0xff, 0xff]));
    let leaves: Vec<Vec<u8>> = block.extrinsics.iter().map(codec::Encode::encode).collect();
    block.header.extrinsics_root = H256(ordered_trie_root(&leaves));
    block.header = resealed(block.header, &alice);
    let error = chain.refuse(block);
    assert!(
        matches!(error, ImportError::UndecodableBody { index: 1, .. }),
        "{error}"
    );
}

#[test]
fn a_forged_signature_in_a_block_is_refused() {
    use entroos_authorship::{build_block, Proposal};
    use entroos_executor::testing::{account, sign, transfer_keep_alive, SigningContext};
    use std::sync::Arc;
    use std::time::{Duration, Instant};
    let chain = Chain::new(DEV_PRESET);
    let slot = chain.tick();
    let alice = key("Alice");
    let bob = key("Bob");
    let genesis = chain.client.heads().genesis;
    let transfer = sign(
        transfer_keep_alive(account(&bob), 1_000_000_000_000),
        &alice,
        SigningContext::immortal_on(genesis, 0),
    );
    let hash = H256(entroos_primitives::hashing::blake2_256(&transfer));
    let best = chain.best();
    let (claim, author) = chain.secondary(&best, slot);
    let built = build_block(
        &chain.client,
        &best,
        Proposal {
            pre_digest: claim,
            timestamp: slot * chain.slot_millis(),
            candidates: &[(hash, Arc::new(transfer))],
            deadline: Instant::now() + Duration::from_secs(5),
            key: &author,
        },
    )
    .unwrap();
    assert_eq!(built.included, [hash]);
    let mut block = built.block;
    // The signature starts after the version byte, the address (variant
    // and account) and the signature's variant byte.
    block.extrinsics[1].0[1 + 33 + 1 + 7] ^= 0x55;
    let leaves: Vec<Vec<u8>> = block.extrinsics.iter().map(codec::Encode::encode).collect();
    block.header.extrinsics_root = H256(ordered_trie_root(&leaves));
    block.header = resealed(block.header, &author);
    let error = chain.refuse(block);
    assert!(
        matches!(error, ImportError::Invalid(ref why) if why.contains("signature")),
        "{error}"
    );
    assert!(error.is_bad_block());
}
