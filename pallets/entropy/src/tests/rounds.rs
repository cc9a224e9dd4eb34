use crate::equivocation::{vote_payload, SignedVote, VoteKind};
use crate::mock::*;
use crate::{Call, Error, Event, LastNotedRound, NotedPrecommit, RoundNote};
use entroos_primitives::H256;
use entroos_support::bounded::BoundedVec;
use entroos_support::dispatch::RawOrigin;
use entroos_support::state::Externalities;

fn four_validators() -> entroos_support::state::TestExternalities {
    new_test_ext(&[(1, BOND), (2, BOND), (3, BOND), (4, BOND)], test_params())
}

fn precommit(n: u8, set_id: u64, round: u64) -> NotedPrecommit {
    let v = Validator::new(n);
    let (target_hash, target_number) = (H256([7; 32]), 7);
    let payload = vote_payload(
        round,
        set_id,
        target_hash,
        target_number,
        VoteKind::Precommit,
    );
    NotedPrecommit {
        voter: v.finality.public(),
        vote: SignedVote {
            target_hash,
            target_number,
            signature: v.finality.sign(&payload),
        },
    }
}

fn note(set_id: u64, round: u64, voters: &[u8]) -> RoundNote {
    let precommits: Vec<_> = voters
        .iter()
        .map(|n| precommit(*n, set_id, round))
        .collect();
    RoundNote {
        set_id,
        round,
        precommits: BoundedVec::try_from(precommits).unwrap(),
    }
}

fn submit(ext: &mut dyn Externalities, note: RoundNote) -> Result<(), Error> {
    let call = Call::note_finality_round {
        note: Box::new(note),
    };
    Entropy::dispatch(ext, RawOrigin::None, call).map_err(|e| error_of(&e))
}

fn error_of(e: &entroos_primitives::dispatch::DispatchError) -> Error {
    match e {
        entroos_primitives::dispatch::DispatchError::Module(m) => {
            codec::Decode::decode(&mut &m.error[..]).unwrap()
        }
        other => panic!("not a module error: {other:?}"),
    }
}

fn duties_done(ext: &dyn Externalities) -> Vec<u32> {
    let set = Entropy::current_set(ext);
    (1..=4u8)
        .map(|n| {
            let index = (0..4u32)
                .find(|i| set.get(*i).unwrap().stash == stash(n))
                .unwrap();
            Entropy::duties(ext, index).done
        })
        .collect()
}

#[test]
fn a_noted_round_counts_a_duty_for_every_member_done_by_its_precommitters() {
    let mut t = four_validators();
    t.execute_with(|ext| {
        next_block(ext, GENESIS_SLOT, None).unwrap();
        submit(ext, note(0, 3, &[1, 2, 3])).unwrap();
        assert_eq!(duties_done(ext), [1, 1, 1, 0]);
        assert_eq!(LastNotedRound::get(ext), Some((0, 3)));
        assert!(entropy_events(ext).contains(&Event::FinalityRoundNoted {
            set_id: 0,
            round: 3,
            voters: 3
        }));
        let set = Entropy::current_set(ext);
        for index in 0..4u32 {
            assert_eq!(Entropy::duties(ext, index).assigned, 1, "member {index}");
        }
        assert!(set.len() == 4);
    });
}

#[test]
fn a_round_is_noted_once_and_only_rounds_after_it_later() {
    let mut t = four_validators();
    t.execute_with(|ext| {
        next_block(ext, GENESIS_SLOT, None).unwrap();
        submit(ext, note(0, 5, &[1, 2, 3, 4])).unwrap();
        assert_eq!(
            submit(ext, note(0, 5, &[1, 2, 3])),
            Err(Error::DuplicateReport)
        );
        assert_eq!(
            submit(ext, note(0, 4, &[1, 2, 3])),
            Err(Error::DuplicateReport)
        );
        submit(ext, note(0, 6, &[2, 3, 4])).unwrap();
        assert_eq!(duties_done(ext), [1, 2, 2, 2]);
    });
}

#[test]
fn notes_without_a_supermajority_or_with_bad_precommits_change_nothing() {
    let mut t = four_validators();
    t.execute_with(|ext| {
        next_block(ext, GENESIS_SLOT, None).unwrap();
        assert_eq!(
            submit(ext, note(0, 1, &[1, 2])),
            Err(Error::NotEnoughWeight)
        );
        assert_eq!(
            submit(ext, note(1, 1, &[1, 2, 3])),
            Err(Error::OffenceOutOfWindow)
        );
        assert_eq!(
            submit(ext, note(0, 1, &[1, 2, 2, 3])),
            Err(Error::ProofMismatch)
        );
        let mut outsider = note(0, 1, &[1, 2, 3]);
        outsider.precommits = BoundedVec::try_from(vec![
            precommit(1, 0, 1),
            precommit(2, 0, 1),
            precommit(9, 0, 1),
        ])
        .unwrap();
        assert_eq!(submit(ext, outsider), Err(Error::UnknownVoter));
        let mut forged = note(0, 1, &[1, 2, 3]);
        let mut precommits = forged.precommits.as_slice().to_vec();
        precommits[2].vote.signature[0] ^= 1;
        forged.precommits = BoundedVec::try_from(precommits).unwrap();
        assert_eq!(submit(ext, forged), Err(Error::InvalidSignature));
        let other_round = RoundNote {
            round: 2,
            ..note(0, 1, &[1, 2, 3])
        };
        assert_eq!(submit(ext, other_round), Err(Error::InvalidSignature));
        assert_eq!(duties_done(ext), [0, 0, 0, 0]);
        assert_eq!(LastNotedRound::get(ext), None);
    });
}
