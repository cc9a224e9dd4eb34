//! Table tests: one machine in a known state, one input, and the exact
//! effects it must produce.

mod common;

use codec::Encode;
use common::tree::{id_of, make_header, BlockTree};
use entroos_finality::{
    verify_justification, BlockId, CatchUp, Ed25519, Effect, FinalityConfig, FinalityError,
    FinalityVoter, Input, Justification, Message, SignedVote, Step, Vote, VoteKind, VoterParams,
    VoterSet, VoterState, FUTURE_ROUNDS,
};
use entroos_primitives::crypto::ed25519::Pair;
use entroos_primitives::Header;

const NOW: u64 = 1_000;

/// Four voters of weight 1 (threshold 3); the machine under test is
/// voter 0 (or an observer); a chain `#1 ← #2 ← #3` when grown.
struct Net {
    pairs: Vec<Pair>,
    set: VoterSet,
    tree: BlockTree,
    blocks: Vec<BlockId>,
}

impl Net {
    fn new(set_id: u64) -> Self {
        let pairs: Vec<Pair> = (0..4).map(|i| Pair::from_seed(&[i + 1; 32])).collect();
        Net {
            set: set_of(&pairs, set_id),
            pairs,
            tree: BlockTree::new(Header::default()),
            blocks: vec![id_of(&Header::default())],
        }
    }

    fn grow(&mut self, count: usize) {
        for _ in 0..count {
            let parent = self.tree.best_header().clone();
            let header = make_header(&parent, parent.number as u64 + 1, 0, 0);
            self.blocks.push(id_of(&header));
            self.tree.import(header);
        }
    }

    fn params(&self, voter: Option<usize>) -> VoterParams {
        VoterParams {
            config: FinalityConfig::for_slot(1_000),
            set: self.set.clone(),
            signer: voter.map(|i| self.pairs[i].clone()),
            verifier: Ed25519,
        }
    }

    fn start(&self, voter: Option<usize>) -> (FinalityVoter, Vec<Effect>) {
        FinalityVoter::new(self.params(voter), self.blocks[0], NOW)
    }

    fn vote(&self, voter: usize, kind: VoteKind, round: u64, block: usize) -> SignedVote {
        let target = self.blocks[block];
        let vote = Vote {
            kind,
            round,
            set_id: self.set.set_id(),
            target_hash: target.hash,
            target_number: target.number,
        };
        SignedVote::sign(vote, &self.pairs[voter])
    }

    fn feed(&self, machine: &mut FinalityVoter, input: Input) -> Vec<Effect> {
        machine.apply(NOW, input, &self.tree).unwrap()
    }

    fn feed_vote(&self, machine: &mut FinalityVoter, vote: SignedVote) -> Vec<Effect> {
        self.feed(machine, Input::Message(Message::Vote(vote)))
    }

    /// Prevotes and precommits of voters 1, 2 and 3 for `block` in `round`.
    fn complete(&self, machine: &mut FinalityVoter, round: u64, block: usize) -> Vec<Effect> {
        let mut effects = Vec::new();
        for kind in [VoteKind::Prevote, VoteKind::Precommit] {
            for voter in 1..4 {
                effects.extend(self.feed_vote(machine, self.vote(voter, kind, round, block)));
            }
        }
        effects
    }
}

fn set_of(pairs: &[Pair], set_id: u64) -> VoterSet {
    VoterSet::new(set_id, pairs.iter().map(|p| (p.public(), 1)).collect()).unwrap()
}

fn sent_votes(effects: &[Effect]) -> Vec<Vote> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Broadcast(Message::Vote(v)) => Some(v.vote),
            _ => None,
        })
        .collect()
}

fn finalized(effects: &[Effect]) -> Vec<(BlockId, Justification)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Finalize {
                block,
                justification,
            } => Some((*block, justification.clone())),
            _ => None,
        })
        .collect()
}

fn persisted(effects: &[Effect]) -> Option<VoterState> {
    effects.iter().rev().find_map(|e| match e {
        Effect::Persist(state) => Some((**state).clone()),
        _ => None,
    })
}

#[test]
fn a_new_voter_persists_its_state_and_schedules_the_round() {
    let net = Net::new(0);
    let (_, effects) = net.start(Some(0));
    let state = persisted(&effects).unwrap();
    assert_eq!(
        (state.set_id, state.round, state.votes.prevote),
        (0, 0, None)
    );
    let timers: Vec<(Step, u64)> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::ScheduleTimeout { step, at, .. } => Some((*step, *at)),
            _ => None,
        })
        .collect();
    assert_eq!(
        timers,
        vec![
            (Step::Prevote, NOW + 1_000),
            (Step::Precommit, NOW + 2_000),
            (Step::Rebroadcast, NOW + 2_000)
        ]
    );
}

#[test]
fn a_vote_is_persisted_before_it_is_sent() {
    let mut net = Net::new(0);
    let (mut machine, _) = net.start(Some(0));
    net.grow(1);
    let effects = net.feed(&mut machine, Input::BlockImported);
    let [Effect::Persist(state), Effect::Broadcast(Message::Vote(vote))] = effects.as_slice()
    else {
        panic!("expected persist then broadcast, got {effects:?}");
    };
    assert_eq!(state.votes.prevote.as_ref(), Some(vote));
    assert_eq!(vote.vote.kind, VoteKind::Prevote);
    assert_eq!(vote.vote.target(), net.blocks[1]);
}

#[test]
fn a_full_round_finalizes_with_a_justification_that_verifies() {
    let mut net = Net::new(0);
    let (mut machine, _) = net.start(Some(0));
    net.grow(2);
    net.feed(&mut machine, Input::BlockImported);
    let effects = net.complete(&mut machine, 0, 2);
    assert_eq!(
        sent_votes(&effects),
        vec![Vote {
            kind: VoteKind::Precommit,
            round: 0,
            set_id: 0,
            target_hash: net.blocks[2].hash,
            target_number: 2,
        }]
    );
    let done = finalized(&effects);
    assert_eq!(done.len(), 1);
    let (block, justification) = &done[0];
    assert_eq!(*block, net.blocks[2]);
    verify_justification(&net.set, justification, block).unwrap();
    assert_eq!(machine.finalized(), net.blocks[2]);
    assert_eq!(
        machine.round(),
        1,
        "the completed round hands over to the next"
    );
    assert_eq!(
        persisted(&effects).unwrap().previous_estimate,
        net.blocks[2]
    );
}

#[test]
fn a_restarted_voter_resends_its_votes_and_never_signs_others() {
    let mut net = Net::new(0);
    let (mut machine, _) = net.start(Some(0));
    net.grow(1);
    let effects = net.feed(&mut machine, Input::BlockImported);
    let state = persisted(&effects).unwrap();
    let prevote = state.votes.prevote.clone().unwrap();
    drop(machine);
    // A longer chain appears while the node is down.
    net.grow(2);
    let (mut restored, effects) =
        FinalityVoter::restore(net.params(Some(0)), state, net.blocks[0], NOW, &net.tree).unwrap();
    assert_eq!(
        sent_votes(&effects),
        vec![prevote.vote],
        "the persisted vote, again"
    );
    assert!(persisted(&effects).is_none(), "nothing new to persist");
    let mut sent = sent_votes(&net.feed(&mut restored, Input::BlockImported));
    let timeout = Input::Timeout {
        set_id: 0,
        round: 0,
        step: Step::Rebroadcast,
    };
    sent.extend(sent_votes(&net.feed(&mut restored, timeout)));
    let prevotes: Vec<&Vote> = sent
        .iter()
        .filter(|v| v.kind == VoteKind::Prevote)
        .collect();
    assert!(!prevotes.is_empty());
    assert!(prevotes.iter().all(|v| **v == prevote.vote), "{prevotes:?}");
}

#[test]
fn restore_refuses_a_state_of_a_later_set_and_starts_afresh_after_an_older_one() {
    let mut net = Net::new(1);
    net.grow(1);
    let (machine, _) = net.start(Some(0));
    let mut ahead = machine.state();
    ahead.set_id = 2;
    let refused = FinalityVoter::restore(net.params(Some(0)), ahead, net.blocks[0], NOW, &net.tree);
    assert!(matches!(
        refused,
        Err(FinalityError::StateAhead { state: 2, given: 1 })
    ));
    let mut older = machine.state();
    older.set_id = 0;
    older.round = 9;
    let (fresh, _) =
        FinalityVoter::restore(net.params(Some(0)), older, net.blocks[1], NOW, &net.tree).unwrap();
    assert_eq!((fresh.round(), fresh.finalized()), (0, net.blocks[1]));
}

#[test]
fn an_equivocation_is_reported_once_with_both_votes() {
    let mut net = Net::new(0);
    let (mut machine, _) = net.start(None);
    net.grow(2);
    let first = net.vote(1, VoteKind::Prevote, 0, 1);
    let second = net.vote(1, VoteKind::Prevote, 0, 2);
    assert!(net.feed_vote(&mut machine, first.clone()).is_empty());
    let effects = net.feed_vote(&mut machine, second.clone());
    let [Effect::ReportEquivocation(proof)] = effects.as_slice() else {
        panic!("expected one report, got {effects:?}");
    };
    assert_eq!((&proof.first, &proof.second), (&first, &second));
    proof.check(&net.set, &Ed25519).unwrap();
    let third = net.vote(1, VoteKind::Prevote, 0, 0);
    assert!(net.feed_vote(&mut machine, third).is_empty());
    assert!(net.feed_vote(&mut machine, second).is_empty());
}

#[test]
fn bad_votes_are_refused_and_change_nothing() {
    let mut net = Net::new(0);
    let (mut machine, _) = net.start(Some(0));
    net.grow(1);
    let mut forged = net.vote(1, VoteKind::Prevote, 0, 1);
    forged.signature[5] ^= 0x40;
    let error = machine
        .apply(NOW, Input::Message(Message::Vote(forged)), &net.tree)
        .unwrap_err();
    assert!(matches!(error, FinalityError::BadSignature) && error.is_misbehaviour());
    let stranger = Pair::from_seed(&[99; 32]);
    let vote = Vote {
        kind: VoteKind::Prevote,
        round: 0,
        set_id: 0,
        target_hash: net.blocks[1].hash,
        target_number: 1,
    };
    let outsider = SignedVote::sign(vote, &stranger);
    let error = machine
        .apply(NOW, Input::Message(Message::Vote(outsider)), &net.tree)
        .unwrap_err();
    assert!(matches!(error, FinalityError::NotAVoter { .. }) && error.is_misbehaviour());
    assert_eq!(
        machine.state(),
        net.start(Some(0)).0.state(),
        "no vote was counted"
    );
}

#[test]
fn votes_for_the_next_rounds_are_held_and_farther_ones_dropped() {
    let net = Net::new(0);
    let (mut machine, _) = net.start(None);
    net.feed_vote(&mut machine, net.vote(1, VoteKind::Prevote, 1, 0));
    net.feed_vote(
        &mut machine,
        net.vote(1, VoteKind::Prevote, FUTURE_ROUNDS, 0),
    );
    net.feed_vote(
        &mut machine,
        net.vote(1, VoteKind::Prevote, FUTURE_ROUNDS + 1, 0),
    );
    net.feed_vote(&mut machine, net.vote(2, VoteKind::Prevote, u64::MAX, 0));
    assert_eq!(machine.future_votes(), 2);
}

#[test]
fn held_votes_count_once_the_round_starts() {
    let mut net = Net::new(0);
    let (mut machine, _) = net.start(None);
    net.grow(2);
    net.feed(&mut machine, Input::BlockImported);
    for voter in 1..4 {
        for kind in [VoteKind::Prevote, VoteKind::Precommit] {
            net.feed_vote(&mut machine, net.vote(voter, kind, 1, 2));
        }
    }
    assert_eq!(machine.future_votes(), 6);
    let effects = net.complete(&mut machine, 0, 1);
    let blocks: Vec<BlockId> = finalized(&effects).iter().map(|(b, _)| *b).collect();
    assert_eq!(blocks, vec![net.blocks[1], net.blocks[2]]);
    assert_eq!((machine.round(), machine.future_votes()), (2, 0));
}

#[test]
fn a_catch_up_moves_a_voter_past_a_round_it_missed() {
    let mut net = Net::new(0);
    let (mut machine, _) = net.start(Some(0));
    net.grow(1);
    let catch_up = CatchUp {
        set_id: 0,
        round: 5,
        prevotes: (1..4)
            .map(|v| net.vote(v, VoteKind::Prevote, 5, 1))
            .collect(),
        precommits: (1..4)
            .map(|v| net.vote(v, VoteKind::Precommit, 5, 1))
            .collect(),
    };
    let effects = net.feed(
        &mut machine,
        Input::Message(Message::CatchUp(catch_up.clone())),
    );
    assert_eq!(machine.round(), 6);
    assert_eq!(finalized(&effects)[0].0, net.blocks[1]);
    assert!(sent_votes(&effects).iter().all(|v| v.round == 6));
    let mut forged = catch_up;
    forged.round = 8;
    forged.precommits[0] = net.vote(1, VoteKind::Prevote, 8, 1);
    let error = machine
        .apply(NOW, Input::Message(Message::CatchUp(forged)), &net.tree)
        .unwrap_err();
    assert!(matches!(error, FinalityError::MisplacedVote(_)));
}

#[test]
fn a_voter_two_rounds_behind_is_sent_a_catch_up() {
    let mut net = Net::new(0);
    let (mut machine, _) = net.start(Some(0));
    net.grow(2);
    net.feed(&mut machine, Input::BlockImported);
    net.complete(&mut machine, 0, 1);
    net.complete(&mut machine, 1, 2);
    assert_eq!(machine.round(), 2);
    let effects = net.feed_vote(&mut machine, net.vote(3, VoteKind::Prevote, 0, 1));
    let [Effect::Broadcast(Message::CatchUp(catch_up))] = effects.as_slice() else {
        panic!("expected a catch-up, got {effects:?}");
    };
    assert_eq!(
        (
            catch_up.round,
            catch_up.prevotes.len(),
            catch_up.precommits.len()
        ),
        (1, 4, 4)
    );
    let again = net.feed_vote(&mut machine, net.vote(2, VoteKind::Prevote, 0, 1));
    assert!(
        again.is_empty(),
        "at most one catch-up per rebroadcast period"
    );
}

#[test]
fn a_set_change_finalizes_the_boundary_block_and_hands_over() {
    let mut net = Net::new(0);
    let (mut machine, _) = net.start(Some(0));
    net.grow(3);
    let next = set_of(&net.pairs, 1);
    let change = Input::SetChange {
        block: net.blocks[2],
        next: next.clone(),
    };
    net.feed(&mut machine, change);
    let effects = net.complete(&mut machine, 0, 3);
    let done = finalized(&effects);
    assert_eq!(done.len(), 1);
    let (block, justification) = &done[0];
    assert_eq!(*block, net.blocks[2], "finality stops at the boundary");
    verify_justification(&net.set, justification, block).unwrap();
    assert!(effects.contains(&Effect::NewSet {
        set_id: 1,
        base: net.blocks[2]
    }));
    let state = persisted(&effects).unwrap();
    assert_eq!(
        (state.set_id, state.round, state.base),
        (1, 0, net.blocks[2])
    );
    assert_eq!(machine.set(), &next);
    // Voter 3's precommit came after the switch: as a vote of set 0, it
    // was answered with the hand-over justification, at most once per
    // rebroadcast period.
    let handover = Effect::Broadcast(Message::Commit(justification.clone()));
    assert!(effects.contains(&handover));
    let stale = Input::Message(Message::Vote(net.vote(1, VoteKind::Prevote, 1, 3)));
    assert!(net.feed(&mut machine, stale.clone()).is_empty());
    let later = machine.apply(NOW + 2_000, stale, &net.tree).unwrap();
    assert_eq!(later, vec![handover]);
    // The new set finalizes the rest.
    net.set = next;
    let effects = net.complete(&mut machine, 0, 3);
    assert_eq!(finalized(&effects)[0].0, net.blocks[3]);
}

#[test]
fn an_observer_finalizes_from_a_justification_and_refuses_a_bad_one() {
    let mut net = Net::new(0);
    let (mut voter, _) = net.start(Some(0));
    net.grow(2);
    net.feed(&mut voter, Input::BlockImported);
    let effects = net.complete(&mut voter, 0, 2);
    let (block, justification) = finalized(&effects).remove(0);

    let (mut observer, start) = net.start(None);
    assert!(
        start.is_empty(),
        "an observer persists nothing and has no timers"
    );
    let mut tampered = justification.clone();
    tampered.precommits.truncate(2);
    let error = observer
        .apply(NOW, Input::Justification(tampered), &net.tree)
        .unwrap_err();
    assert!(matches!(error, FinalityError::NotEnoughWeight { .. }));
    let effects = net.feed(&mut observer, Input::Justification(justification.clone()));
    assert_eq!(
        effects,
        vec![Effect::Finalize {
            block,
            justification
        }]
    );
    let empty = BlockTree::new(Header::default());
    let (mut behind, _) = net.start(None);
    let error = behind
        .apply(
            NOW,
            Input::Justification(finalized(&effects)[0].1.clone()),
            &empty,
        )
        .unwrap_err();
    assert!(matches!(error, FinalityError::UnknownBlock(_)) && !error.is_misbehaviour());
}

#[test]
fn the_prevote_timer_makes_a_voter_vote_without_a_new_block() {
    let net = Net::new(0);
    let (mut machine, _) = net.start(Some(0));
    assert!(net.feed(&mut machine, Input::BlockImported).is_empty());
    let timeout = Input::Timeout {
        set_id: 0,
        round: 0,
        step: Step::Prevote,
    };
    let effects = net.feed(&mut machine, timeout);
    assert_eq!(sent_votes(&effects).len(), 1);
    assert_eq!(sent_votes(&effects)[0].target(), net.blocks[0]);
    let stale = Input::Timeout {
        set_id: 0,
        round: 7,
        step: Step::Rebroadcast,
    };
    assert!(net.feed(&mut machine, stale).is_empty());
}

#[test]
fn a_vote_for_an_unknown_block_asks_for_the_block() {
    let mut net = Net::new(0);
    let (mut machine, _) = net.start(None);
    let mut elsewhere = Net::new(0);
    elsewhere.grow(1);
    let vote = elsewhere.vote(1, VoteKind::Prevote, 0, 1);
    let effects = net.feed_vote(&mut machine, vote);
    assert_eq!(effects, vec![Effect::FetchBlock(elsewhere.blocks[1])]);
    net.grow(1);
    assert!(net.feed(&mut machine, Input::BlockImported).is_empty());
}

#[test]
fn messages_decode_within_bounds_only() {
    let net = Net::new(0);
    let vote = Message::Vote(net.vote(1, VoteKind::Precommit, 3, 0));
    let bytes = vote.encode();
    assert_eq!(Message::decode_bounded(&bytes).unwrap(), vote);
    assert!(Message::decode_bounded(&bytes[..bytes.len() - 1]).is_err());
    let mut trailing = bytes.clone();
    trailing.push(7);
    assert!(Message::decode_bounded(&trailing).is_err());
    let mut many = vec![2u8];
    many.extend((0u64, 0u64).encode());
    many.extend(codec::Compact(u32::MAX).encode());
    assert!(Message::decode_bounded(&many).is_err());
    assert!(Message::decode_bounded(&[9, 9, 9]).is_err());
    let state = net.start(Some(0)).0.state();
    assert_eq!(VoterState::decode_bounded(&state.encode()).unwrap(), state);
}
