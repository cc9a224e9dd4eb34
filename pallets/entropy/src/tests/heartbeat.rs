//! Heartbeats: what the check accepts, how the epoch's end counts them as
//! duties, and what the off-chain worker submits.

use crate::heartbeat::{heartbeat_payload, local_key, Heartbeat, RESUBMIT_AFTER};
use crate::mock::*;
use crate::{AuthorClaim, Call, ClaimKind, CurrentEpoch, Error, Event, Scores};
use codec::Encode;
use entroos_primitives::dispatch::DispatchError;
use entroos_support::dispatch::RawOrigin;
use entroos_support::hooks::Hooks;
use entroos_support::offchain::testing::TestOffchain;
use entroos_support::state::{Externalities, TestExternalities};

fn four_validators() -> TestExternalities {
    new_test_ext(&[(1, BOND), (2, BOND), (3, BOND), (4, BOND)], test_params())
}

fn index_of(ext: &dyn Externalities, n: u8) -> u32 {
    let set = Entropy::current_set(ext);
    (0..set.len())
        .find(|i| set.get(*i).unwrap().stash == stash(n))
        .unwrap()
}

/// Validator `n`'s heartbeat for the current epoch, made at block 1.
fn heartbeat_of(ext: &dyn Externalities, n: u8) -> Heartbeat {
    Heartbeat {
        epoch: CurrentEpoch::get(ext),
        validator_index: index_of(ext, n),
        block_number: 1,
    }
}

fn signed_by(n: u8, heartbeat: Heartbeat) -> Call {
    let signature = Validator::new(n).vrf.sign(&heartbeat_payload(&heartbeat));
    Call::heartbeat {
        heartbeat,
        signature,
    }
}

fn send(ext: &mut dyn Externalities, call: Call) -> Result<(), DispatchError> {
    Entropy::dispatch(ext, RawOrigin::None, call)
}

fn refused(error: Error) -> Result<(), DispatchError> {
    Err(Entropy::error(error))
}

#[test]
fn a_member_is_heard_from_once_per_epoch() {
    let mut t = four_validators();
    t.execute_with(|ext| {
        next_block(ext, GENESIS_SLOT, None).unwrap();
        let heartbeat = heartbeat_of(ext, 2);
        assert!(!Entropy::heartbeat_received(ext, heartbeat.validator_index));
        send(ext, signed_by(2, heartbeat)).unwrap();
        assert!(Entropy::heartbeat_received(ext, heartbeat.validator_index));
        assert_eq!(
            entropy_events(ext).last(),
            Some(&Event::HeartbeatReceived {
                epoch: 0,
                validator_index: heartbeat.validator_index,
                stash: stash(2),
            })
        );
        let again = Heartbeat {
            block_number: 0,
            ..heartbeat
        };
        assert_eq!(
            send(ext, signed_by(2, again)),
            refused(Error::DuplicateHeartbeat)
        );
        // In the next epoch it is heard from again.
        block_in_epoch(ext, 1);
        assert!(!Entropy::heartbeat_received(ext, heartbeat.validator_index));
        let next = heartbeat_of(ext, 2);
        assert_eq!(next.epoch, 1);
        send(ext, signed_by(2, next)).unwrap();
    });
}

#[test]
fn a_heartbeat_for_another_epoch_or_a_later_block_is_refused() {
    let mut t = four_validators();
    t.execute_with(|ext| {
        next_block(ext, GENESIS_SLOT, None).unwrap();
        block_in_epoch(ext, 1);
        let current = heartbeat_of(ext, 1);
        for epoch in [0, 2] {
            let other = Heartbeat { epoch, ..current };
            assert_eq!(
                send(ext, signed_by(1, other)),
                refused(Error::StaleHeartbeat)
            );
        }
        let later = Heartbeat {
            block_number: pallet_system::Number::get(ext) + 1,
            ..current
        };
        assert_eq!(
            send(ext, signed_by(1, later)),
            refused(Error::FutureHeartbeat)
        );
        assert!(!Entropy::heartbeat_received(ext, current.validator_index));
        assert!(entropy_events(ext)
            .iter()
            .all(|e| !matches!(e, Event::HeartbeatReceived { .. })));
    });
}

#[test]
fn only_the_members_slot_key_over_the_heartbeat_signs_it() {
    let mut t = four_validators();
    t.execute_with(|ext| {
        next_block(ext, GENESIS_SLOT, None).unwrap();
        let heartbeat = heartbeat_of(ext, 3);
        // Another member's key.
        assert_eq!(
            send(ext, signed_by(4, heartbeat)),
            refused(Error::InvalidSignature)
        );
        // The member's finality key is not its slot key.
        let Call::heartbeat { signature, .. } = signed_by(3, heartbeat) else {
            unreachable!()
        };
        let mut tampered = signature;
        tampered[0] ^= 1;
        let call = Call::heartbeat {
            heartbeat,
            signature: tampered,
        };
        assert_eq!(send(ext, call), refused(Error::InvalidSignature));
        // The right key over the heartbeat without its domain prefix.
        let undomained = Validator::new(3).vrf.sign(&heartbeat.encode());
        let call = Call::heartbeat {
            heartbeat,
            signature: undomained,
        };
        assert_eq!(send(ext, call), refused(Error::InvalidSignature));
        // A signature for another index does not carry over.
        let other = Heartbeat {
            validator_index: index_of(ext, 4),
            ..heartbeat
        };
        let Call::heartbeat { signature, .. } = signed_by(3, other) else {
            unreachable!()
        };
        let call = Call::heartbeat {
            heartbeat,
            signature,
        };
        assert_eq!(send(ext, call), refused(Error::InvalidSignature));
        assert!(!Entropy::heartbeat_received(ext, heartbeat.validator_index));
        send(ext, signed_by(3, heartbeat)).unwrap();
    });
}

#[test]
fn a_non_member_or_a_signed_origin_is_refused() {
    let mut t = four_validators();
    t.execute_with(|ext| {
        next_block(ext, GENESIS_SLOT, None).unwrap();
        let outsider = Heartbeat {
            validator_index: 4,
            ..heartbeat_of(ext, 1)
        };
        assert_eq!(
            send(ext, signed_by(9, outsider)),
            refused(Error::UnknownValidator)
        );
        let heartbeat = heartbeat_of(ext, 1);
        assert_eq!(
            Entropy::dispatch(ext, RawOrigin::Signed(stash(1)), signed_by(1, heartbeat)),
            Err(DispatchError::BadOrigin)
        );
        assert!(!Entropy::heartbeat_received(ext, heartbeat.validator_index));
    });
}

#[test]
fn a_member_without_a_heartbeat_loses_reliability_and_one_with_it_does_not() {
    // Epochs of one four-slot period; every block is primary, so no slot
    // duty is assigned and the heartbeats are the only duties.
    let params = crate::Params {
        epoch_length: 4,
        duty_period: 4,
        ..test_params()
    };
    let mut t = new_test_ext(&[(1, BOND), (2, BOND), (3, BOND), (4, BOND)], params);
    t.execute_with(|ext| {
        for offset in 0..4 {
            let claim = AuthorClaim {
                authority_index: 0,
                kind: ClaimKind::Primary {
                    vrf_output: [offset as u8; 32],
                },
            };
            next_block(ext, GENESIS_SLOT + offset, Some(claim)).unwrap();
            if offset == 1 {
                for n in 1..=3 {
                    let call = signed_by(n, heartbeat_of(ext, n));
                    send(ext, call).unwrap();
                }
            }
        }
        let claim = AuthorClaim {
            authority_index: 0,
            kind: ClaimKind::Primary {
                vrf_output: [9; 32],
            },
        };
        next_block(ext, GENESIS_SLOT + 4, Some(claim)).unwrap();
        assert_eq!(CurrentEpoch::get(ext), 1);
        for n in 1..=3 {
            let scores = Scores::get(ext, &stash(n)).unwrap();
            assert_eq!(scores.reliability, fixed("1"), "validator {n}");
            assert_eq!(scores.entropy, fixed("1"), "validator {n}");
        }
        // 4 did none of its one duty: R = 0.9·1 + 0.1·0. It missed alone,
        // a quarter of the weight, in one of two periods (the slot period
        // and the heartbeat period): m = 0.125, E = 0.9 + 0.1·(1 − 2m).
        let silent = Scores::get(ext, &stash(4)).unwrap();
        assert_eq!(silent.reliability, fixed("0.9"));
        assert_eq!(silent.entropy, fixed("0.975"));
    });
}

/// A node's off-chain context holding some slot keys.
type LocalNode = TestOffchain;

fn holding(validators: &[u8]) -> LocalNode {
    TestOffchain::with_keys(*b"babe", validators.iter().map(|n| Validator::new(*n).vrf))
}

#[test]
fn the_worker_sends_each_local_members_heartbeat_and_waits_before_resending() {
    let mut t = four_validators();
    t.execute_with(|ext| {
        next_block(ext, GENESIS_SLOT, None).unwrap();
        // Validators 1 and 2 run here; 9 holds no seat.
        let mut node = holding(&[1, 2, 9]);
        Entropy::offchain_worker(ext, 1, &mut node);
        let calls = node.take_unsigned_calls::<Call>(INDEX);
        let mut heard: Vec<u32> = calls
            .iter()
            .map(|call| match call {
                Call::heartbeat { heartbeat, .. } => {
                    assert_eq!((heartbeat.epoch, heartbeat.block_number), (0, 1));
                    heartbeat.validator_index
                }
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        heard.sort();
        let mut expected = vec![index_of(ext, 1), index_of(ext, 2)];
        expected.sort();
        assert_eq!(heard, expected);
        for index in &expected {
            assert_eq!(
                node.storage.get(&local_key(0, *index)),
                Some(&1u32.encode())
            );
        }
        // Not included yet: nothing until RESUBMIT_AFTER blocks have passed.
        for n in 2..=RESUBMIT_AFTER {
            next_block(ext, GENESIS_SLOT + u64::from(n), None).unwrap();
            Entropy::offchain_worker(ext, n, &mut node);
            assert!(
                node.take_unsigned_calls::<Call>(INDEX).is_empty(),
                "block {n}"
            );
        }
        let resend_at = 1 + RESUBMIT_AFTER;
        next_block(ext, GENESIS_SLOT + u64::from(resend_at), None).unwrap();
        Entropy::offchain_worker(ext, resend_at, &mut node);
        let resent = node.take_unsigned_calls::<Call>(INDEX);
        assert_eq!(resent.len(), 2);
        // Included: never again this epoch.
        for call in resent {
            send(ext, call).unwrap();
        }
        next_block(ext, GENESIS_SLOT + u64::from(2 * resend_at), None).unwrap();
        Entropy::offchain_worker(ext, resend_at + 1, &mut node);
        assert!(node.take_unsigned_calls::<Call>(INDEX).is_empty());
        assert_eq!(CurrentEpoch::get(ext), 0);
        // A node without slot keys sends nothing.
        let mut empty = LocalNode::default();
        Entropy::offchain_worker(ext, 2, &mut empty);
        assert!(empty.submitted.is_empty() && empty.storage.is_empty());
    });
}
