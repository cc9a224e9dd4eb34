#![allow(missing_docs)] // criterion_group! generates an undocumented function
//! The computation behind the ledger's weights, on in-memory state with
//! `MAX_PROVIDERS` registered providers and jobs of `MAX_REPLICAS`:
//!
//! - `call/*`: each call dispatched on a fresh copy of the state
//!   (`upload_module_256k`: a 256 KiB module, hashed and checked);
//! - `hook/assign`: the hook drawing 16 executors among 256 providers;
//! - `hook/settle_quorum`: the hook settling a job whose 16 receipts agree.
//!
//! Re-execution itself is measured in `node/executor/benches/reexecution.rs`.
//!
//! `cargo bench -p pallet-poe --bench calls`

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use entroos_primitives::crypto::sr25519;
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::{AccountId32, Balance, Digest, H256};
use entroos_support::dispatch::RawOrigin;
use entroos_support::hooks::Hooks;
use entroos_support::jobs::{JobExit, JobOutcome};
use entroos_support::state::{Externalities, TestExternalities};
use pallet_poe::{
    receipt, Call, Capacity, GenesisConfig, JobInput, ModuleCode, Params, ProviderInfo,
    MAX_PROVIDERS, MAX_REPLICAS,
};
use std::cell::RefCell;
use std::collections::BTreeMap;

pallet_system::test_events!(BenchEvent {
    System(pallet_system::Event),
    Balances(pallet_balances::Event),
    Entropy(pallet_entropy::Event),
    Poe(pallet_poe::Event),
});

struct Bench;

pallet_system::impl_test_system_config!(Bench, BenchEvent, pallet_balances::AccountData, "bench");

impl pallet_balances::Config for Bench {
    const PALLET_INDEX: u8 = 4;
    const EXISTENTIAL_DEPOSIT: Balance = 1;
    const MAX_LOCKS: u32 = 2;
}

impl pallet_entropy::Config for Bench {
    const INDEX: u8 = 2;
    const MAX_VALIDATORS: u32 = 8;
    const MAX_CANDIDATES: u32 = 8;
    type Authorship = pallet_entropy::PreDigestAuthorship;
}

impl pallet_poe::Config for Bench {
    const POE_INDEX: u8 = 6;
}

type Poe = pallet_poe::Pallet<Bench>;

const BOND: Balance = 1_000_000_000_000;
const OWNER: u16 = 0;

thread_local! {
    static PAIRS: RefCell<BTreeMap<u16, sr25519::Pair>> = Default::default();
    static INDICES: RefCell<BTreeMap<AccountId32, u16>> = Default::default();
}

/// Bench account `n`'s sr25519 key.
fn pair(n: u16) -> sr25519::Pair {
    PAIRS.with(|pairs| {
        pairs
            .borrow_mut()
            .entry(n)
            .or_insert_with(|| {
                let mut seed = [0u8; 32];
                seed[..2].copy_from_slice(&n.to_le_bytes());
                seed[31] = 1;
                let pair = sr25519::Pair::from_seed(&seed).unwrap();
                INDICES.with(|i| i.borrow_mut().insert(AccountId32(pair.public()), n));
                pair
            })
            .clone()
    })
}

fn account(n: u16) -> AccountId32 {
    AccountId32(pair(n).public())
}

fn dispatch(ext: &mut dyn Externalities, who: u16, call: Call) {
    Poe::dispatch(ext, RawOrigin::Signed(account(who)), call).unwrap();
}

fn start_block(ext: &mut dyn Externalities, n: u32) {
    let parent = H256(blake2_256(&n.to_le_bytes()));
    pallet_system::Pallet::<Bench>::initialize(ext, n, parent, &Digest::default());
}

/// A valid module of `size` bytes: the supply-chain verifier with a custom
/// section of padding.
fn module_of(size: usize) -> Vec<u8> {
    let path = format!(
        "{}/../../workloads/wasm/supply_chain.wasm",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut code = std::fs::read(path).unwrap();
    let padding = size - code.len() - 6;
    code.push(0);
    let len = (padding + 1) as u32;
    code.extend([
        (len & 0x7f) as u8 | 0x80,
        ((len >> 7) & 0x7f) as u8 | 0x80,
        (len >> 14) as u8 & 0x7f,
    ]);
    code.push(0);
    code.extend(std::iter::repeat_n(0u8, padding));
    code
}

/// Genesis with `MAX_PROVIDERS` providers in 16 zones and a stored module.
fn state() -> (TestExternalities, H256) {
    let mut t = TestExternalities::default();
    let accounts = (0..=MAX_PROVIDERS as u16 + 1).map(|n| (account(n), 1u128 << 60));
    let params = Params {
        max_module_bytes: 1 << 20,
        ..Params::default()
    };
    let code = module_of(64 << 10);
    let hash = H256(blake2_256(&code));
    t.execute_with(|ext| {
        pallet_balances::GenesisConfig {
            balances: accounts.collect(),
        }
        .build::<Bench>(ext)
        .unwrap();
        pallet_entropy::GenesisConfig::default()
            .build::<Bench>(&Default::default(), ext)
            .unwrap();
        GenesisConfig { params }.build(ext).unwrap();
        start_block(ext, 1);
        for n in 1..MAX_PROVIDERS as u16 {
            let info = ProviderInfo {
                operator: format!("op{}", n % 32).into_bytes().try_into().unwrap(),
                zone: format!("zone{}", n % 16).into_bytes().try_into().unwrap(),
                capacity: Capacity {
                    cpu_millis: 1_000,
                    memory_mib: 1_024,
                },
                labels: Default::default(),
            };
            dispatch(ext, n, Call::register_provider { bond: BOND, info });
        }
        let code = ModuleCode::try_from(code).unwrap();
        dispatch(ext, OWNER, Call::upload_module { code });
    });
    (t, hash)
}

fn submit(ext: &mut dyn Externalities, module: H256) {
    let call = Call::submit_job {
        module,
        input: JobInput::try_from(vec![7u8; 4096]).unwrap(),
        fuel: 1_000_000,
        memory_pages: 64,
        replicas: MAX_REPLICAS as u8,
        reward: 1_000_000,
        deadline: 1_000,
    };
    dispatch(ext, OWNER, call);
}

fn outcome() -> JobOutcome {
    JobOutcome {
        exit: JobExit::Exited(0),
        output: b"OK".to_vec(),
        log: Vec::new(),
        fuel_used: 1_000,
    }
}

/// State with a job assigned (block 2), and its executors.
fn assigned() -> (TestExternalities, Vec<AccountId32>) {
    let (mut t, module) = state();
    let executors = t.execute_with(|ext| {
        submit(ext, module);
        start_block(ext, 2);
        Poe::on_initialize(ext, 2).unwrap();
        pallet_poe::Jobs::get(ext, &0)
            .unwrap()
            .executors
            .into_inner()
    });
    (t, executors)
}

fn n_of(who: &AccountId32) -> u16 {
    INDICES.with(|i| i.borrow()[who])
}

fn commits(ext: &mut dyn Externalities, executors: &[AccountId32], count: usize) {
    let seed = pallet_poe::Jobs::get(ext, &0).unwrap().entropy_seed;
    let r = receipt::receipt_of(0, &seed, &outcome());
    for who in executors.iter().take(count) {
        let commitment = receipt::commitment(&r, who, &[1; 32]);
        dispatch(
            ext,
            n_of(who),
            Call::commit_receipt {
                job_id: 0,
                commitment,
            },
        );
    }
}

/// The reveals of the first `count` executors, signed.
fn reveal_calls(
    ext: &dyn Externalities,
    executors: &[AccountId32],
    count: usize,
) -> Vec<(u16, Call)> {
    let seed = pallet_poe::Jobs::get(ext, &0).unwrap().entropy_seed;
    let r = receipt::receipt_of(0, &seed, &outcome());
    executors
        .iter()
        .take(count)
        .map(|who| {
            let signature = pair(n_of(who)).sign(&receipt::receipt_signing_payload(&r, who));
            let call = Call::reveal_receipt {
                job_id: 0,
                receipt: r,
                salt: [1; 32],
                signature,
            };
            (n_of(who), call)
        })
        .collect()
}

fn reveals(ext: &mut dyn Externalities, executors: &[AccountId32], count: usize) {
    for (n, call) in reveal_calls(ext, executors, count) {
        dispatch(ext, n, call);
    }
}

fn calls(c: &mut Criterion) {
    let (base, module) = state();
    let fresh = || base.backend.clone();
    let mut group = c.benchmark_group("call");
    let code = ModuleCode::try_from(module_of(256 << 10)).unwrap();
    group.bench_function("upload_module_256k", |b| {
        b.iter_batched(
            fresh,
            |backend| {
                let mut t = TestExternalities { backend };
                t.execute_with(|ext| dispatch(ext, 1, Call::upload_module { code: code.clone() }))
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("register_provider", |b| {
        b.iter_batched(
            fresh,
            |backend| {
                let mut t = TestExternalities { backend };
                let info = ProviderInfo::default();
                let n = MAX_PROVIDERS as u16 + 1;
                t.execute_with(|ext| {
                    Poe::dispatch(
                        ext,
                        RawOrigin::Signed(account(n)),
                        Call::register_provider { bond: BOND, info },
                    )
                })
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("remove_module", |b| {
        b.iter_batched(
            fresh,
            |backend| {
                TestExternalities { backend }
                    .execute_with(|ext| dispatch(ext, OWNER, Call::remove_module { module }))
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("unregister_provider", |b| {
        b.iter_batched(
            fresh,
            |backend| {
                TestExternalities { backend }
                    .execute_with(|ext| dispatch(ext, 1, Call::unregister_provider {}))
            },
            BatchSize::LargeInput,
        )
    });
    let mut t = TestExternalities {
        backend: base.backend.clone(),
    };
    t.execute_with(|ext| {
        dispatch(ext, 1, Call::unregister_provider {});
        start_block(ext, 1_000);
    });
    let leaving = t.backend;
    group.bench_function("withdraw_bond", |b| {
        b.iter_batched(
            || leaving.clone(),
            |backend| {
                TestExternalities { backend }
                    .execute_with(|ext| dispatch(ext, 1, Call::withdraw_bond {}))
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("submit_job", |b| {
        b.iter_batched(
            fresh,
            |backend| TestExternalities { backend }.execute_with(|ext| submit(ext, module)),
            BatchSize::LargeInput,
        )
    });
    let (assigned, executors) = assigned();
    let committing = assigned.backend.clone();
    group.bench_function("commit_receipt_last_of_16", |b| {
        let mut t = TestExternalities {
            backend: committing.clone(),
        };
        t.execute_with(|ext| commits(ext, &executors, 15));
        let ready = t.backend;
        b.iter_batched(
            || ready.clone(),
            |backend| {
                let mut t = TestExternalities { backend };
                t.execute_with(|ext| commits(ext, &executors[15..], 1))
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("reveal_receipt_last_of_16", |b| {
        let mut t = TestExternalities {
            backend: committing.clone(),
        };
        t.execute_with(|ext| {
            commits(ext, &executors, 16);
            reveals(ext, &executors, 15);
        });
        let last = t.execute_with(|ext| reveal_calls(ext, &executors[15..], 1));
        let ready = t.backend;
        b.iter_batched(
            || (ready.clone(), last.clone()),
            |(backend, last)| {
                let mut t = TestExternalities { backend };
                t.execute_with(|ext| {
                    for (n, call) in last {
                        dispatch(ext, n, call);
                    }
                })
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

fn hooks(c: &mut Criterion) {
    let (base, module) = state();
    let mut group = c.benchmark_group("hook");
    let mut t = TestExternalities {
        backend: base.backend.clone(),
    };
    t.execute_with(|ext| submit(ext, module));
    let pending = t.backend;
    group.bench_function("assign_16_of_256", |b| {
        b.iter_batched(
            || pending.clone(),
            |backend| {
                TestExternalities { backend }.execute_with(|ext| {
                    start_block(ext, 2);
                    Poe::on_initialize(ext, 2).unwrap()
                })
            },
            BatchSize::LargeInput,
        )
    });
    let (assigned, executors) = assigned();
    let mut t = assigned;
    t.execute_with(|ext| {
        commits(ext, &executors, 16);
        reveals(ext, &executors, 16);
    });
    let settling = t.backend;
    group.bench_function("settle_quorum_of_16", |b| {
        b.iter_batched(
            || settling.clone(),
            |backend| {
                TestExternalities { backend }.execute_with(|ext| {
                    start_block(ext, 3);
                    Poe::on_initialize(ext, 3).unwrap()
                })
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, calls, hooks);
criterion_main!(benches);
