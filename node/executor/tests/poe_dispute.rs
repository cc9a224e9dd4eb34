//! A proof-of-execution dispute settled by the real job engine running a
//! real workload: on the development chain, Alice uploads the hash kernel
//! and submits a job of three replicas; of the three executors drawn, one
//! runs it honestly on `entroos-executor-wasm` and two lie. No quorum, so
//! the block hook re-executes the job through the node's job engine; the
//! honest executor is paid, the liars are slashed. The settling block is
//! then imported through `entroos_executor::execute_block` (the node's own
//! path, with its own engine instance and backend) to the same state root,
//! and refused by a runtime call that lends no engine.

use codec::Encode;
use entroos_executor::jobs::{job_outcome, WasmJobExecutor};
use entroos_executor::testing::{account, dev_pair, sign, SigningContext, TestChain};
use entroos_executor_wasm::{Backend, Executor, ExecutorConfig, Limits};
use entroos_primitives::crypto::sr25519;
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::{AccountId32, Block, H256};
use entroos_runtime::{api, genesis, Runtime, RuntimeCall, RuntimeError, RuntimeEvent};
use entroos_support::jobs::{JobExit, JobOutcome};
use entroos_support::state::{InMemoryBackend, Overlay};
use pallet_poe::{receipt, Call, Event, JobStatus, Settlement, MAX_LOG_BYTES, MAX_OUTPUT_BYTES};
use std::collections::BTreeMap;

const FUEL: u64 = 20_000_000;
const PAGES: u32 = 64;
const BOND: u128 = 1_000_000_000_000;
const REWARD: u128 = 3_000_000_000;

fn workload(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../workloads/wasm/{name}.wasm",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// FNV-1a 64 over `data`, `rounds` times: what the hash kernel computes.
fn fnv1a64(data: &[u8], rounds: u32) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for _ in 0..rounds {
        for byte in data {
            h ^= u64::from(*byte);
            h = h.wrapping_mul(0x100_0000_01b3);
        }
    }
    h
}

/// The dev accounts and their nonces, signing the ledger's calls.
struct Signers {
    pairs: BTreeMap<AccountId32, sr25519::Pair>,
    nonces: BTreeMap<AccountId32, u32>,
}

impl Signers {
    fn new(names: &[&str]) -> Self {
        let pairs: BTreeMap<_, _> = names
            .iter()
            .map(|name| {
                let pair = dev_pair(name).unwrap();
                (account(&pair), pair)
            })
            .collect();
        Signers {
            nonces: pairs.keys().map(|who| (*who, 0)).collect(),
            pairs,
        }
    }

    fn sign(&mut self, chain: &TestChain, who: &AccountId32, call: Call) -> Vec<u8> {
        let nonce = self.nonces.get_mut(who).unwrap();
        let xt = sign(
            RuntimeCall::Poe(call),
            &self.pairs[who],
            SigningContext::immortal(chain, *nonce),
        );
        *nonce += 1;
        xt
    }
}

fn build(chain: &mut TestChain, extrinsics: &[Vec<u8>]) -> Block {
    let (block, results) = chain.build_block(extrinsics).unwrap();
    for (i, result) in results.iter().enumerate() {
        assert_eq!(result, &Ok(Ok(())), "extrinsic {i}");
    }
    block
}

fn poe_events(chain: &TestChain) -> Vec<Event> {
    chain
        .read(|ext| Runtime::events(ext))
        .into_iter()
        .filter_map(|record| match record.event {
            RuntimeEvent::Poe(event) => Some(event),
            _ => None,
        })
        .collect()
}

fn lie(tag: u8) -> JobOutcome {
    JobOutcome {
        exit: JobExit::Exited(0),
        output: format!("fnv1a64 rounds=3 bytes=4096 hash={:016x}\n", tag).into_bytes(),
        log: Vec::new(),
        fuel_used: 1_000,
    }
}

#[test]
fn two_liars_lose_to_re_execution_by_the_real_engine() {
    let mut chain = TestChain::new(genesis::DEV_PRESET).unwrap();
    chain.job_executor = Some(Box::new(WasmJobExecutor::new(Backend::Cranelift)));
    let names = ["Alice", "Bob", "Charlie", "Dave", "Eve"];
    let mut signers = Signers::new(&names);
    let who = |name: &str| account(&dev_pair(name).unwrap());
    let alice = who("Alice");

    // Alice uploads the hash kernel; four providers register.
    let code = workload("hash_kernel");
    let module = H256(blake2_256(&code));
    let mut xts = vec![signers.sign(
        &chain,
        &alice,
        Call::upload_module {
            code: code.clone().try_into().unwrap(),
        },
    )];
    for name in &names[1..] {
        let info = pallet_poe::ProviderInfo {
            capacity: pallet_poe::Capacity {
                cpu_millis: 1_000,
                memory_mib: 64,
            },
            ..Default::default()
        };
        let register = Call::register_provider { bond: BOND, info };
        xts.push(signers.sign(&chain, &who(name), register));
    }
    build(&mut chain, &xts);

    // She submits a job of three replicas; the next block draws them.
    let data: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 251) as u8).collect();
    let input = [&3u32.to_le_bytes()[..], &data].concat();
    let deadline = chain.head.number + 100;
    let submit = Call::submit_job {
        module,
        input: input.clone().try_into().unwrap(),
        fuel: FUEL,
        memory_pages: PAGES,
        replicas: 3,
        reward: REWARD,
        deadline,
    };
    let submit = signers.sign(&chain, &alice, submit);
    build(&mut chain, &[submit]);
    build(&mut chain, &[]);
    assert!(poe_events(&chain)
        .iter()
        .any(|e| matches!(e, Event::JobAssigned { job_id: 0, .. })));
    let job = chain.read(|ext| pallet_poe::Jobs::get(ext, &0)).unwrap();
    assert!(matches!(job.status, JobStatus::Committing { .. }));
    let executors = job.executors.clone().into_inner();
    assert_eq!(executors.len(), 3);
    assert!(!executors.contains(&alice));

    // The first executor runs the job on the engine; the other two lie.
    let engine = Executor::new(ExecutorConfig::default());
    let limits = Limits {
        fuel: FUEL,
        memory_pages: PAGES,
        max_output: MAX_OUTPUT_BYTES as usize,
        max_log: MAX_LOG_BYTES as usize,
    };
    let honest = job_outcome(engine.run(&code, &input, &limits).unwrap());
    let expected = format!(
        "fnv1a64 rounds=3 bytes=4096 hash={:016x}\n",
        fnv1a64(&data, 3)
    );
    assert_eq!(honest.output, expected.as_bytes(), "the real workload ran");
    assert_eq!(honest.exit, JobExit::Exited(0));
    let outcomes = [honest.clone(), lie(1), lie(2)];
    let receipts: Vec<_> = outcomes
        .iter()
        .map(|o| receipt::receipt_of(0, &job.entropy_seed, o))
        .collect();
    let salt = |who: &AccountId32| blake2_256(&(b"salt", who).encode());
    let commits: Vec<_> = executors
        .iter()
        .zip(&receipts)
        .map(|(who, r)| {
            let commitment = receipt::commitment(r, who, &salt(who));
            signers.sign(
                &chain,
                who,
                Call::commit_receipt {
                    job_id: 0,
                    commitment,
                },
            )
        })
        .collect();
    build(&mut chain, &commits);
    assert!(poe_events(&chain)
        .iter()
        .any(|e| matches!(e, Event::RevealStarted { committed: 3, .. })));
    let reveals: Vec<_> = executors
        .iter()
        .zip(&receipts)
        .map(|(who, r)| {
            let signature = signers.pairs[who].sign(&receipt::receipt_signing_payload(r, who));
            let reveal = Call::reveal_receipt {
                job_id: 0,
                receipt: *r,
                salt: salt(who),
                signature,
            };
            signers.sign(&chain, who, reveal)
        })
        .collect();
    build(&mut chain, &reveals);

    // The settling block: disputed, re-executed, settled.
    let before: InMemoryBackend = chain.state.clone();
    let reserved_before: Vec<u128> = chain.read(|ext| {
        executors
            .iter()
            .map(|w| pallet_balances::Pallet::<Runtime>::account(ext, w).reserved)
            .collect()
    });
    let settling = build(&mut chain, &[]);
    let events = poe_events(&chain);
    assert!(events.contains(&Event::JobDisputed {
        job_id: 0,
        round: 0
    }));
    assert!(events.contains(&Event::JobReExecuted {
        job_id: 0,
        output_hash: honest.output_hash(),
        exit: honest.exit,
        fuel_used: honest.fuel_used,
    }));
    assert!(events.contains(&Event::JobVerified {
        job_id: 0,
        output_hash: honest.output_hash(),
        exit: honest.exit,
        fuel_used: honest.fuel_used,
        settlement: Settlement::ReExecution,
    }));
    assert!(events.contains(&Event::ExecutorRewarded {
        job_id: 0,
        executor: executors[0],
        amount: REWARD,
    }));
    for liar in &executors[1..] {
        assert!(events.contains(&Event::ExecutorSlashed {
            job_id: 0,
            executor: *liar,
            amount: BOND / 10,
            offence: pallet_poe::Offence::Dissent,
        }));
    }
    let reserved_after: Vec<u128> = chain.read(|ext| {
        executors
            .iter()
            .map(|w| pallet_balances::Pallet::<Runtime>::account(ext, w).reserved)
            .collect()
    });
    assert_eq!(reserved_after[0], reserved_before[0]);
    assert_eq!(reserved_after[1], reserved_before[1] - BOND / 10);
    assert_eq!(reserved_after[2], reserved_before[2] - BOND / 10);
    let record = chain
        .read(|ext| pallet_poe::ProofRecords::get(ext, &0))
        .unwrap();
    assert_eq!(record.settlement, Settlement::ReExecution);
    assert_eq!(record.agreeing.into_inner(), vec![executors[0]]);

    // Importing the block the node's way re-executes on the node's own engine.
    let changes = entroos_executor::execute_block(&before, &settling, |_| true).unwrap();
    let mut imported = before.clone();
    imported.apply(changes);
    assert_eq!(imported.root(), chain.state.root());
    assert_eq!(imported.root(), settling.header.state_root);

    // Without an engine the block cannot be executed (it is not executed differently).
    let mut overlay = Overlay::new(&before);
    let refused = api::call(&mut overlay, "Core_execute_block", &settling.encode(), None);
    assert!(
        matches!(
            refused,
            Err(RuntimeError::InvalidBlock(
                entroos_runtime::BlockError::JobEngine(pallet_poe::Error::NoJobExecutor)
            ))
        ),
        "{refused:?}"
    );
}
