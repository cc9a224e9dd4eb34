//! The ledger in the runtime: its calls through signed extrinsics, its
//! errors as module errors at index 6, its genesis section, and a job
//! verified by quorum (no engine needed: nothing is disputed).

use codec::Encode;
use entroos_primitives::dispatch::{DispatchError, ModuleError};
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::{AccountId32, H256};
use entroos_runtime::testing::{account, dev_pair, sign, SigningContext, TestChain};
use entroos_runtime::{genesis, Runtime, RuntimeCall, RuntimeEvent};
use entroos_support::jobs::{JobExit, JobOutcome};
use pallet_poe::{receipt, Call, Capacity, Event, ProviderInfo, Settlement};
use std::collections::BTreeMap;

/// The smallest valid job module: `_start` doing nothing.
fn noop_module() -> Vec<u8> {
    let mut module = b"\0asm\x01\0\0\0".to_vec();
    for (id, payload) in [
        (1u8, vec![1, 0x60, 0, 0]),
        (3, vec![1, 0]),
        (7, [&[1, 6][..], b"_start", &[0, 0]].concat()),
        (10, vec![1, 2, 0, 0x0b]),
    ] {
        module.push(id);
        module.push(payload.len() as u8);
        module.extend(payload);
    }
    module
}

struct Accounts {
    nonces: BTreeMap<AccountId32, u32>,
}

impl Accounts {
    fn sign(&mut self, chain: &TestChain, name: &str, call: Call) -> Vec<u8> {
        let pair = dev_pair(name).unwrap();
        let nonce = self.nonces.entry(account(&pair)).or_default();
        let xt = sign(
            RuntimeCall::Poe(call),
            &pair,
            SigningContext::immortal(chain, *nonce),
        );
        *nonce += 1;
        xt
    }
}

fn poe_events(chain: &TestChain) -> Vec<Event> {
    chain
        .read(|ext| Runtime::events(ext))
        .into_iter()
        .filter_map(|r| match r.event {
            RuntimeEvent::Poe(e) => Some(e),
            _ => None,
        })
        .collect()
}

#[test]
fn a_job_is_verified_by_quorum_through_signed_extrinsics() {
    let mut chain = TestChain::new(genesis::DEV_PRESET).unwrap();
    let mut accounts = Accounts {
        nonces: BTreeMap::new(),
    };
    let code = noop_module();
    let module = H256(blake2_256(&code));
    let forbidden = Call::upload_module {
        code: b"\0asm\x01\0\0\0\x01".to_vec().try_into().unwrap(),
    };
    let mut xts = vec![
        accounts.sign(&chain, "Alice", forbidden),
        accounts.sign(
            &chain,
            "Alice",
            Call::upload_module {
                code: code.try_into().unwrap(),
            },
        ),
    ];
    let info = ProviderInfo {
        capacity: Capacity {
            cpu_millis: 1_000,
            memory_mib: 16,
        },
        ..Default::default()
    };
    for name in ["Bob", "Charlie", "Dave"] {
        let register = Call::register_provider {
            bond: 1_000_000_000_000,
            info: info.clone(),
        };
        xts.push(accounts.sign(&chain, name, register));
    }
    let (_, results) = chain.build_block(&xts).unwrap();
    let Ok(Err(DispatchError::Module(ModuleError { index, error, .. }))) = &results[0] else {
        panic!("{:?}", results[0]);
    };
    assert_eq!((*index, error[0]), (6, 1));
    assert_eq!(
        entroos_runtime::metadata::error_name(*index, error[0]).as_deref(),
        Some("MalformedModule")
    );
    assert!(results[1..].iter().all(|r| r == &Ok(Ok(()))), "{results:?}");

    let submit = Call::submit_job {
        module,
        input: b"in".to_vec().try_into().unwrap(),
        fuel: 1_000,
        memory_pages: 1,
        replicas: 3,
        reward: 3_000,
        deadline: 100,
    };
    let submit = accounts.sign(&chain, "Alice", submit);
    chain.build_block(&[submit]).unwrap();
    chain.build_block(&[]).unwrap();
    let job = chain.read(|ext| pallet_poe::Jobs::get(ext, &0)).unwrap();
    assert_eq!(job.executors.len(), 3);

    let outcome = JobOutcome {
        exit: JobExit::Exited(0),
        output: Vec::new(),
        log: Vec::new(),
        fuel_used: 3,
    };
    let r = receipt::receipt_of(0, &job.entropy_seed, &outcome);
    let names: BTreeMap<AccountId32, &str> = ["Bob", "Charlie", "Dave"]
        .into_iter()
        .map(|n| (account(&dev_pair(n).unwrap()), n))
        .collect();
    let salt = |who: &AccountId32| blake2_256(&who.encode());
    let commits: Vec<_> = job
        .executors
        .as_slice()
        .iter()
        .map(|who| {
            let commitment = receipt::commitment(&r, who, &salt(who));
            accounts.sign(
                &chain,
                names[who],
                Call::commit_receipt {
                    job_id: 0,
                    commitment,
                },
            )
        })
        .collect();
    chain.build_block(&commits).unwrap();
    let reveals: Vec<_> = job
        .executors
        .as_slice()
        .iter()
        .map(|who| {
            let pair = dev_pair(names[who]).unwrap();
            let reveal = Call::reveal_receipt {
                job_id: 0,
                receipt: r,
                salt: salt(who),
                signature: pair.sign(&receipt::receipt_signing_payload(&r, who)),
            };
            accounts.sign(&chain, names[who], reveal)
        })
        .collect();
    chain.build_block(&reveals).unwrap();
    let events = poe_events(&chain);
    assert!(events.contains(&Event::JobVerified {
        job_id: 0,
        output_hash: outcome.output_hash(),
        exit: JobExit::Exited(0),
        fuel_used: 3,
        settlement: Settlement::Quorum,
    }));
    for who in job.executors.as_slice() {
        assert!(events.contains(&Event::ExecutorRewarded {
            job_id: 0,
            executor: *who,
            amount: 1_000
        }));
    }
}

#[test]
fn the_genesis_section_sets_the_params_and_bad_ones_are_refused() {
    let mut patch = genesis::preset(genesis::DEV_PRESET).unwrap();
    patch["poe"] = serde_json::json!({ "params": { "commitPeriod": 4, "slashFraction": "0.25" } });
    let config = genesis::config_from_patch(patch.clone()).unwrap();
    let chain = TestChain::with_config(&config).unwrap();
    let params = chain.read(|ext| pallet_poe::Pallet::<Runtime>::params(ext));
    assert_eq!(params.commit_period, 4);
    assert_eq!(params.slash_fraction.to_string(), "0.25");
    patch["poe"] = serde_json::json!({ "params": { "revealPeriod": 0 } });
    let config = genesis::config_from_patch(patch).unwrap();
    let error = TestChain::with_config(&config).err().unwrap();
    assert!(error.to_string().contains("revealPeriod"), "{error}");
}
