use crate::mock::*;
use crate::{
    vote_payload, BlockEquivocationProof, Call, Candidates, Error, Event, OffenceTime, Offences,
    OffencesByEpoch, Scores, SignedVote, SlashedOffences, VoteEquivocationProof, VoteKind,
    SEAL_ENGINE_ID,
};
use entroos_primitives::dispatch::DispatchError;
use entroos_primitives::{DigestItem, Header, H256};
use entroos_support::dispatch::RawOrigin;
use entroos_support::state::{Externalities, TestExternalities};

/// A header at `slot`, sealed by `v`'s VRF key; `salt` makes it distinct.
fn sealed_header(v: &Validator, slot: u64, salt: u8) -> Header {
    let mut header = Header {
        parent_hash: H256([salt; 32]),
        number: 1,
        state_root: H256::default(),
        extrinsics_root: H256::default(),
        digest: slot_digest(slot, None),
    };
    let signature = v.vrf.sign(header.hash().as_ref());
    header
        .digest
        .logs
        .push(DigestItem::Seal(SEAL_ENGINE_ID, signature.to_vec()));
    header
}

fn block_proof(v: &Validator, slot: u64) -> BlockEquivocationProof {
    BlockEquivocationProof {
        offender: v.keys().vrf,
        slot,
        first: sealed_header(v, slot, 1),
        second: sealed_header(v, slot, 2),
    }
}

fn signed_vote(v: &Validator, set_id: u64, round: u64, kind: VoteKind, target: u8) -> SignedVote {
    let target_hash = H256([target; 32]);
    let payload = vote_payload(round, set_id, target_hash, 7, kind);
    SignedVote {
        target_hash,
        target_number: 7,
        signature: v.finality.sign(&payload),
    }
}

fn vote_proof(v: &Validator, set_id: u64, round: u64) -> VoteEquivocationProof {
    VoteEquivocationProof {
        offender: v.keys().finality,
        set_id,
        round,
        kind: VoteKind::Precommit,
        first: signed_vote(v, set_id, round, VoteKind::Precommit, 1),
        second: signed_vote(v, set_id, round, VoteKind::Precommit, 2),
    }
}

fn report(ext: &mut dyn Externalities, call: Call) -> Result<(), DispatchError> {
    Entropy::dispatch(ext, RawOrigin::None, call)
}

fn report_block(
    ext: &mut dyn Externalities,
    proof: BlockEquivocationProof,
) -> Result<(), DispatchError> {
    report(
        ext,
        Call::report_block_equivocation {
            proof: Box::new(proof),
        },
    )
}

fn err(e: Error) -> Result<(), DispatchError> {
    Err(Entropy::error(e))
}

/// Three validators, the first block at the genesis slot, R₀ = ½ and every
/// score at 0.9.
fn chain() -> TestExternalities {
    let params = crate::Params {
        initial_reliability: fixed("0.5"),
        ..test_params()
    };
    let mut t = new_test_ext(&[(1, BOND), (2, BOND), (3, BOND)], params);
    t.execute_with(|ext| {
        next_block(ext, GENESIS_SLOT, None).unwrap();
        for n in 1..=3 {
            let scores = crate::ValidatorScores {
                reliability: fixed("0.9"),
                entropy: fixed("0.9"),
            };
            Scores::insert(ext, &stash(n), &scores);
        }
    });
    t
}

#[test]
fn a_block_equivocation_slashes_resets_and_removes_the_offender() {
    let mut t = chain();
    t.execute_with(|ext| {
        let v = Validator::new(1);
        let issuance = pallet_balances::Pallet::<Test>::total_issuance(ext);
        report_block(ext, block_proof(&v, GENESIS_SLOT + 3)).unwrap();
        let account = pallet_balances::Pallet::<Test>::account(ext, &stash(1));
        assert_eq!(
            account.reserved,
            BOND - BOND / 10,
            "a tenth of the bond burned"
        );
        assert_eq!(
            pallet_balances::Pallet::<Test>::total_issuance(ext),
            issuance - BOND / 10
        );
        assert_eq!(
            crate::Ledger::get(ext, &stash(1)).unwrap().active,
            BOND - BOND / 10
        );
        assert_eq!(
            Scores::get(ext, &stash(1)).unwrap().reliability,
            fixed("0.5"),
            "reset"
        );
        assert_eq!(Scores::get(ext, &stash(1)).unwrap().entropy, fixed("0.9"));
        assert!(!Candidates::contains_key(ext, &stash(1)), "chilled");
        let next = Entropy::next_set(ext);
        assert_eq!(next.len(), 2);
        assert!(next
            .authorities
            .as_slice()
            .iter()
            .all(|a| a.stash != stash(1)));
        assert_eq!(next.total_weight, next.weights().iter().sum::<u128>());
        assert_eq!(
            Entropy::current_set(ext).len(),
            3,
            "the current set is not changed"
        );
        assert!(entropy_events(ext).contains(&Event::Slashed {
            stash: stash(1),
            amount: BOND / 10,
            time: OffenceTime::Slot(GENESIS_SLOT + 3)
        }));
        assert_eq!(
            report_block(ext, block_proof(&v, GENESIS_SLOT + 3)),
            err(Error::DuplicateReport)
        );
        // Another slot is another offence.
        report_block(ext, block_proof(&v, GENESIS_SLOT + 4)).unwrap();
        // The offender stays out of the following selections until it validates again.
        block_in_epoch(ext, 1);
        assert!(Entropy::next_set(ext)
            .authorities
            .as_slice()
            .iter()
            .all(|a| a.stash != stash(1)));
    });
}

#[test]
fn invalid_block_equivocation_proofs_are_refused() {
    let mut t = chain();
    t.execute_with(|ext| {
        let v = Validator::new(2);
        let slot = GENESIS_SLOT + 3;
        let mut same = block_proof(&v, slot);
        same.second = same.first.clone();
        assert_eq!(report_block(ext, same), err(Error::NotConflicting));
        let mut forged = block_proof(&v, slot);
        forged.second.parent_hash = H256([9; 32]);
        assert_eq!(report_block(ext, forged), err(Error::InvalidSignature));
        let mut other_slot = block_proof(&v, slot);
        other_slot.second = sealed_header(&v, slot + 1, 2);
        assert_eq!(report_block(ext, other_slot), err(Error::ProofMismatch));
        let mut unsealed = block_proof(&v, slot);
        unsealed.first.digest.logs.pop();
        assert_eq!(report_block(ext, unsealed), err(Error::InvalidSeal));
        let mut short_seal = block_proof(&v, slot);
        short_seal.first.digest.logs.pop();
        short_seal
            .first
            .digest
            .logs
            .push(DigestItem::Seal(SEAL_ENGINE_ID, vec![0; 63]));
        assert_eq!(report_block(ext, short_seal), err(Error::InvalidSeal));
        let stranger = Validator::new(60);
        assert_eq!(
            report_block(ext, block_proof(&stranger, slot)),
            err(Error::UnknownOffender)
        );
        assert_eq!(
            report_block(ext, block_proof(&v, GENESIS_SLOT + 20)),
            err(Error::OffenceOutOfWindow)
        );
        assert_eq!(
            report_block(ext, block_proof(&v, GENESIS_SLOT - 1)),
            err(Error::OffenceOutOfWindow)
        );
        let signed = Entropy::dispatch(
            ext,
            RawOrigin::Signed(stash(3)),
            Call::report_block_equivocation {
                proof: Box::new(block_proof(&v, slot)),
            },
        );
        assert_eq!(signed, Err(DispatchError::BadOrigin));
        assert_eq!(
            pallet_balances::Pallet::<Test>::account(ext, &stash(2)).reserved,
            BOND
        );
    });
}

#[test]
fn a_vote_equivocation_is_punished_once_per_round() {
    let mut t = chain();
    t.execute_with(|ext| {
        let v = Validator::new(3);
        let call = |proof: VoteEquivocationProof| Call::report_vote_equivocation {
            proof: Box::new(proof),
        };
        let mut same = vote_proof(&v, 0, 5);
        same.second = same.first;
        assert_eq!(report(ext, call(same)), err(Error::NotConflicting));
        let mut wrong_kind = vote_proof(&v, 0, 5);
        wrong_kind.second = signed_vote(&v, 0, 5, VoteKind::Prevote, 2);
        assert_eq!(report(ext, call(wrong_kind)), err(Error::InvalidSignature));
        assert_eq!(
            report(ext, call(vote_proof(&v, 2, 5))),
            err(Error::OffenceOutOfWindow)
        );
        report(ext, call(vote_proof(&v, 0, 5))).unwrap();
        assert_eq!(
            report(ext, call(vote_proof(&v, 0, 5))),
            err(Error::DuplicateReport)
        );
        report(ext, call(vote_proof(&v, 0, 6))).unwrap();
        let reserved = pallet_balances::Pallet::<Test>::account(ext, &stash(3)).reserved;
        assert_eq!(
            reserved,
            BOND - BOND / 10 - (BOND - BOND / 10) / 10,
            "a tenth, twice"
        );
    });
}

#[test]
fn offences_are_remembered_while_reportable_and_then_forgotten() {
    let mut t = chain();
    t.execute_with(|ext| {
        let v = Validator::new(2);
        report_block(ext, block_proof(&v, GENESIS_SLOT + 3)).unwrap();
        assert_eq!(OffencesByEpoch::get(ext, &0).len(), 1);
        block_in_epoch(ext, 1);
        assert_eq!(
            report_block(ext, block_proof(&v, GENESIS_SLOT + 3)),
            err(Error::DuplicateReport)
        );
        block_in_epoch(ext, 2);
        assert!(OffencesByEpoch::get(ext, &0).is_empty());
        assert_eq!(Offences::iter(ext).len(), 0);
        assert_eq!(
            SlashedOffences::get(ext),
            1,
            "the count outlives the records"
        );
        assert_eq!(
            report_block(ext, block_proof(&v, GENESIS_SLOT + 3)),
            err(Error::OffenceOutOfWindow)
        );
    });
}

#[test]
fn the_last_member_of_the_next_set_stays() {
    let mut t = new_test_ext(&[(1, BOND)], test_params());
    t.execute_with(|ext| {
        next_block(ext, GENESIS_SLOT, None).unwrap();
        report_block(ext, block_proof(&Validator::new(1), GENESIS_SLOT)).unwrap();
        assert_eq!(Entropy::next_set(ext).len(), 1);
        assert!(!Candidates::contains_key(ext, &stash(1)));
    });
}
