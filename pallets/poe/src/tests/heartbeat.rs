//! Provider heartbeats: what the check accepts, what is recorded, and what
//! the off-chain worker submits.

use crate::heartbeat::{heartbeat_payload, local_key, ProviderHeartbeat, RESUBMIT_AFTER};
use crate::local::EXECUTOR_KEY_TYPE;
use crate::mock::*;
use crate::types::{Capacity, ProviderInfo};
use crate::{Call, Error, Event, LastHeartbeat};
use codec::Encode;
use entroos_primitives::crypto::sr25519;
use entroos_primitives::dispatch::DispatchError;
use entroos_primitives::AccountId32;
use entroos_support::dispatch::RawOrigin;
use entroos_support::hooks::Hooks;
use entroos_support::offchain::testing::TestOffchain;
use entroos_support::state::Externalities;

/// Executor `n`'s key: an sr25519 pair from the seed `[n; 32]`.
fn executor(n: u8) -> sr25519::Pair {
    sr25519::Pair::from_seed(&[n; 32]).unwrap()
}

fn provider(n: u8) -> AccountId32 {
    AccountId32(executor(n).public())
}

/// Registers executor `n`'s account as a provider (funding it first).
fn register_executor(ext: &mut dyn Externalities, n: u8) {
    let who = provider(n);
    Balances::set_free_balance(ext, &who, ENDOWMENT).unwrap();
    let call = Call::register_provider {
        bond: BOND,
        info: ProviderInfo {
            capacity: Capacity {
                cpu_millis: 1_000,
                memory_mib: 64,
            },
            ..Default::default()
        },
    };
    Poe::dispatch(ext, RawOrigin::Signed(who), call).unwrap();
}

fn set_epoch(ext: &mut dyn Externalities, epoch: u64) {
    pallet_entropy::CurrentEpoch::put(ext, &epoch);
}

fn heartbeat(n: u8, epoch: u64) -> ProviderHeartbeat {
    ProviderHeartbeat {
        epoch,
        provider: provider(n),
        block_number: 1,
    }
}

fn signed_by(n: u8, heartbeat: ProviderHeartbeat) -> Call {
    Call::heartbeat {
        heartbeat,
        signature: executor(n).sign(&heartbeat_payload(&heartbeat)),
    }
}

fn send(ext: &mut dyn Externalities, call: Call) -> Result<(), DispatchError> {
    Poe::dispatch(ext, RawOrigin::None, call)
}

#[test]
fn a_provider_is_heard_from_once_per_epoch() {
    let mut t = new_test_ext(test_params());
    t.execute_with(|ext| {
        register_executor(ext, 41);
        set_epoch(ext, 3);
        assert!(!Poe::heard_recently(ext, &provider(41)));
        send(ext, signed_by(41, heartbeat(41, 3))).unwrap();
        assert_eq!(LastHeartbeat::get(ext, &provider(41)), Some(3));
        assert_eq!(
            poe_events(ext).last(),
            Some(&Event::ProviderHeartbeat {
                provider: provider(41),
                epoch: 3
            })
        );
        let again = ProviderHeartbeat {
            block_number: 0,
            ..heartbeat(41, 3)
        };
        assert_eq!(
            send(ext, signed_by(41, again)),
            err(Error::DuplicateHeartbeat)
        );
        assert!(Poe::heard_recently(ext, &provider(41)));
        set_epoch(ext, 4);
        assert!(
            Poe::heard_recently(ext, &provider(41)),
            "the previous epoch counts"
        );
        set_epoch(ext, 5);
        assert!(!Poe::heard_recently(ext, &provider(41)));
        send(ext, signed_by(41, heartbeat(41, 5))).unwrap();
        assert_eq!(LastHeartbeat::get(ext, &provider(41)), Some(5));
    });
}

#[test]
fn a_wrong_epoch_a_later_block_a_bad_signature_or_a_stranger_is_refused() {
    let mut t = new_test_ext(test_params());
    t.execute_with(|ext| {
        register_executor(ext, 41);
        register_executor(ext, 42);
        set_epoch(ext, 2);
        for epoch in [1, 3] {
            assert_eq!(
                send(ext, signed_by(41, heartbeat(41, epoch))),
                err(Error::StaleHeartbeat)
            );
        }
        let later = ProviderHeartbeat {
            block_number: 2,
            ..heartbeat(41, 2)
        };
        assert_eq!(send(ext, signed_by(41, later)), err(Error::FutureHeartbeat));
        // Another provider's key, or the right key without the domain prefix.
        assert_eq!(
            send(ext, signed_by(42, heartbeat(41, 2))),
            err(Error::InvalidHeartbeatSignature)
        );
        let undomained = Call::heartbeat {
            heartbeat: heartbeat(41, 2),
            signature: executor(41).sign(&heartbeat(41, 2).encode()),
        };
        assert_eq!(send(ext, undomained), err(Error::InvalidHeartbeatSignature));
        // A key that is no provider.
        assert_eq!(
            send(ext, signed_by(43, heartbeat(43, 2))),
            err(Error::NotProvider)
        );
        // Heartbeats are unsigned extrinsics.
        assert_eq!(
            Poe::dispatch(
                ext,
                RawOrigin::Signed(provider(41)),
                signed_by(41, heartbeat(41, 2))
            ),
            Err(DispatchError::BadOrigin)
        );
        assert_eq!(LastHeartbeat::get(ext, &provider(41)), None);
        assert!(poe_events(ext)
            .iter()
            .all(|e| !matches!(e, Event::ProviderHeartbeat { .. })));
    });
}

#[test]
fn the_record_goes_with_the_provider() {
    let mut params = test_params();
    params.unbonding_blocks = 1;
    let mut t = new_test_ext(params);
    t.execute_with(|ext| {
        register_executor(ext, 41);
        send(ext, signed_by(41, heartbeat(41, 0))).unwrap();
        let origin = RawOrigin::Signed(provider(41));
        Poe::dispatch(ext, origin.clone(), Call::unregister_provider {}).unwrap();
        next_block(ext, None).unwrap();
        Poe::dispatch(ext, origin, Call::withdraw_bond {}).unwrap();
        assert_eq!(LastHeartbeat::get(ext, &provider(41)), None);
    });
}

#[test]
fn the_worker_sends_each_local_providers_heartbeat_and_waits_before_resending() {
    let mut t = new_test_ext(test_params());
    t.execute_with(|ext| {
        register_executor(ext, 41);
        register_executor(ext, 42);
        // 41 runs here, and 44, which is no provider; 42 runs elsewhere.
        let mut node = TestOffchain::with_keys(EXECUTOR_KEY_TYPE, [executor(41), executor(44)]);
        Poe::offchain_worker(ext, 1, &mut node);
        let calls = node.take_unsigned_calls::<Call>(INDEX);
        assert_eq!(calls.len(), 1);
        let Call::heartbeat { heartbeat, .. } = &calls[0] else {
            panic!("unexpected {:?}", calls[0]);
        };
        assert_eq!(*heartbeat, super::heartbeat::heartbeat(41, 0));
        assert_eq!(
            node.storage.get(&local_key(0, &provider(41))),
            Some(&1u32.encode())
        );
        for n in 2..=RESUBMIT_AFTER {
            next_block(ext, None).unwrap();
            Poe::offchain_worker(ext, n, &mut node);
            assert!(
                node.take_unsigned_calls::<Call>(INDEX).is_empty(),
                "block {n}"
            );
        }
        next_block(ext, None).unwrap();
        Poe::offchain_worker(ext, 1 + RESUBMIT_AFTER, &mut node);
        let resent = node.take_unsigned_calls::<Call>(INDEX);
        assert_eq!(resent.len(), 1);
        send(ext, resent[0].clone()).unwrap();
        next_block(ext, None).unwrap();
        Poe::offchain_worker(ext, 2 + RESUBMIT_AFTER, &mut node);
        assert!(
            node.take_unsigned_calls::<Call>(INDEX).is_empty(),
            "heard from this epoch"
        );
        // A new epoch: a new heartbeat.
        set_epoch(ext, 1);
        Poe::offchain_worker(ext, 2 + RESUBMIT_AFTER, &mut node);
        assert_eq!(node.take_unsigned_calls::<Call>(INDEX).len(), 1);
    });
}
