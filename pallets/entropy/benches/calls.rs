#![allow(missing_docs)] // criterion_group! generates an undocumented function
//! The computation behind the pallet's weights, on in-memory state with a
//! full set of `MAX_VALIDATORS` validators:
//!
//! - `call/*`: each call dispatched on a fresh copy of the state (a
//!   heartbeat from the last member of the set);
//! - `hook/block`: a block's `on_slot` in mid-epoch (a secondary claim);
//! - `hook/rotation`: the block that ends an epoch (heartbeat duties and
//!   scores for every member, selection among every candidate, the next
//!   set written);
//! - `hook/gap_100`: a block after 100 empty slots (each charged);
//! - `justification`: noting the precommits of every member.
//!
//! `cargo bench -p pallet-entropy --bench calls`

use codec::Encode;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use entroos_primitives::crypto::{ed25519, sr25519};
use entroos_primitives::{AccountId32, Balance, DigestItem, Header, H256};
use entroos_support::dispatch::RawOrigin;
use entroos_support::state::{Externalities, TestExternalities};
use pallet_entropy::{
    AuthorClaim, BlockAuthorship, BlockEquivocationProof, Call, ClaimKind, GenesisConfig,
    GenesisValidator, Params, SessionConfig, SessionKeys, SignedVote, ValidatorPrefs,
    VoteEquivocationProof, VoteKind,
};
use std::collections::BTreeMap;

pallet_system::test_events!(BenchEvent {
    System(pallet_system::Event),
    Balances(pallet_balances::Event),
    Entropy(pallet_entropy::Event),
});

struct Bench;

pallet_system::impl_test_system_config!(Bench, BenchEvent, pallet_balances::AccountData, "bench");

impl pallet_balances::Config for Bench {
    const PALLET_INDEX: u8 = 4;
    const EXISTENTIAL_DEPOSIT: Balance = 1;
    const MAX_LOCKS: u32 = 2;
}

/// Blocks state their slot in the `bnch` pre-runtime digest.
struct SlotDigest;

impl BlockAuthorship for SlotDigest {
    fn current_slot(_: &dyn Externalities) -> Option<u64> {
        None
    }
    fn claim(_: &dyn Externalities) -> Option<AuthorClaim> {
        None
    }
    fn slot_of(header: &Header) -> Option<u64> {
        let raw = header.digest.pre_runtime(*b"bnch")?;
        codec::Decode::decode(&mut &raw[..]).ok()
    }
}

const VALIDATORS: u8 = 100;
const BOND: Balance = 1_000_000;

impl pallet_entropy::Config for Bench {
    const INDEX: u8 = 9;
    const MAX_VALIDATORS: u32 = VALIDATORS as u32;
    const MAX_CANDIDATES: u32 = 2 * VALIDATORS as u32;
    type Authorship = SlotDigest;
}

type Entropy = pallet_entropy::Pallet<Bench>;

struct Keys {
    vrf: sr25519::Pair,
    finality: ed25519::Pair,
}

fn keys(n: u8) -> Keys {
    Keys {
        vrf: sr25519::Pair::from_seed(&[n; 32]).expect("seed"),
        finality: ed25519::Pair::from_seed(&[n; 32]),
    }
}

fn session_keys(k: &Keys) -> SessionKeys {
    SessionKeys {
        vrf: k.vrf.public(),
        finality: k.finality.public(),
    }
}

fn stash(n: u8) -> AccountId32 {
    AccountId32([n; 32])
}

fn params() -> Params {
    Params {
        epoch_length: 600,
        duty_period: 60,
        minimum_bond: 1_000,
        unbonding_epochs: 3,
        ..Params::default()
    }
}

/// Validators 1..=VALIDATORS at genesis, every account up to 250 endowed,
/// and the first block run at slot 0.
fn genesis() -> TestExternalities {
    let mut t = TestExternalities::default();
    let balances = pallet_balances::GenesisConfig {
        balances: (1..=250u8).map(|n| (stash(n), 1_000 * BOND)).collect(),
    };
    let entropy = GenesisConfig {
        params: params(),
        validators: (1..=VALIDATORS)
            .map(|n| GenesisValidator {
                stash: stash(n),
                bond: BOND,
                commission: 0,
                operator: String::new(),
                zone: String::new(),
            })
            .collect(),
        ..Default::default()
    };
    let session = SessionConfig {
        keys: (1..=VALIDATORS)
            .map(|n| {
                let k = session_keys(&keys(n));
                let names = BTreeMap::from([
                    ("babe".to_string(), format!("0x{}", hex::encode(k.vrf))),
                    (
                        "grandpa".to_string(),
                        format!("0x{}", hex::encode(k.finality)),
                    ),
                ]);
                (stash(n), stash(n), names)
            })
            .collect(),
    };
    t.execute_with(|ext| {
        balances.build::<Bench>(ext).expect("balances");
        entropy.build::<Bench>(&session, ext).expect("entropy");
        start_block(ext, 1, 0);
        Entropy::on_slot(ext, 0, None).expect("first block");
    });
    t
}

fn start_block(ext: &mut dyn Externalities, n: u32, slot: u64) {
    let digest = entroos_primitives::Digest {
        logs: vec![DigestItem::PreRuntime(*b"bnch", slot.encode())],
    };
    pallet_system::Pallet::<Bench>::initialize(ext, n, H256::default(), &digest);
}

fn copy(t: &TestExternalities) -> TestExternalities {
    TestExternalities {
        backend: t.backend.clone(),
    }
}

fn dispatch(t: &mut TestExternalities, origin: RawOrigin, call: Call) {
    t.execute_with(|ext| Entropy::dispatch(ext, origin, call))
        .expect("dispatched");
}

fn bench_call(
    c: &mut Criterion,
    name: &str,
    base: &TestExternalities,
    origin: RawOrigin,
    call: Call,
) {
    c.bench_function(&format!("call/{name}"), |b| {
        b.iter_batched(
            || copy(base),
            |mut t| dispatch(&mut t, origin.clone(), call.clone()),
            BatchSize::SmallInput,
        )
    });
}

fn sealed(k: &Keys, slot: u64, salt: u8) -> Header {
    let mut header = Header {
        parent_hash: H256([salt; 32]),
        number: 1,
        digest: entroos_primitives::Digest {
            logs: vec![DigestItem::PreRuntime(*b"bnch", slot.encode())],
        },
        ..Default::default()
    };
    let seal = k.vrf.sign(header.hash().as_ref());
    header.digest.logs.push(DigestItem::Seal(
        pallet_entropy::SEAL_ENGINE_ID,
        seal.to_vec(),
    ));
    header
}

fn vote(k: &Keys, target: u8) -> SignedVote {
    let target_hash = H256([target; 32]);
    let payload = pallet_entropy::vote_payload(1, 0, target_hash, 1, VoteKind::Precommit);
    SignedVote {
        target_hash,
        target_number: 1,
        signature: k.finality.sign(&payload),
    }
}

fn bench_calls(c: &mut Criterion) {
    let base = genesis();
    let newcomer = VALIDATORS + 1;
    let signed = |n: u8| RawOrigin::Signed(stash(n));
    bench_call(
        c,
        "bond",
        &base,
        signed(newcomer),
        Call::bond { value: BOND },
    );
    let mut bonded = copy(&base);
    dispatch(&mut bonded, signed(newcomer), Call::bond { value: BOND });
    let k = keys(newcomer);
    let message = pallet_entropy::key_ownership_message(&stash(newcomer), &session_keys(&k));
    let proof = pallet_entropy::KeyOwnershipProof {
        vrf_signature: k.vrf.sign(&message),
        finality_signature: k.finality.sign(&message),
    };
    let set_keys = Call::set_keys {
        keys: session_keys(&k),
        proof,
    };
    bench_call(c, "set_keys", &bonded, signed(newcomer), set_keys.clone());
    dispatch(&mut bonded, signed(newcomer), set_keys);
    let validate = Call::validate {
        prefs: ValidatorPrefs::default(),
    };
    bench_call(c, "validate", &bonded, signed(newcomer), validate);
    bench_call(c, "chill", &base, signed(1), Call::chill {});
    bench_call(
        c,
        "unbond",
        &base,
        signed(1),
        Call::unbond { value: BOND / 2 },
    );
    let mut unlocked = copy(&base);
    dispatch(&mut unlocked, signed(1), Call::unbond { value: BOND / 2 });
    unlocked.execute_with(|ext| {
        start_block(ext, 2, 3 * 600);
        Entropy::on_slot(ext, 3 * 600, None).expect("epoch 3");
    });
    bench_call(
        c,
        "withdraw_unbonded",
        &unlocked,
        signed(1),
        Call::withdraw_unbonded {},
    );
    let offender = keys(1);
    let block_proof = BlockEquivocationProof {
        offender: offender.vrf.public(),
        slot: 0,
        first: sealed(&offender, 0, 1),
        second: sealed(&offender, 0, 2),
    };
    let call = Call::report_block_equivocation {
        proof: Box::new(block_proof),
    };
    bench_call(c, "report_block_equivocation", &base, RawOrigin::None, call);
    let vote_proof = VoteEquivocationProof {
        offender: offender.finality.public(),
        set_id: 0,
        round: 1,
        kind: VoteKind::Precommit,
        first: vote(&offender, 1),
        second: vote(&offender, 2),
    };
    let call = Call::report_vote_equivocation {
        proof: Box::new(vote_proof),
    };
    bench_call(c, "report_vote_equivocation", &base, RawOrigin::None, call);
    let heartbeat = pallet_entropy::Heartbeat {
        epoch: 0,
        validator_index: VALIDATORS as u32 - 1,
        block_number: 1,
    };
    let member = copy(&base).execute_with(|ext| {
        Entropy::current_set(ext)
            .get(heartbeat.validator_index)
            .expect("a member")
            .stash
    });
    let signature = keys(member.0[0])
        .vrf
        .sign(&pallet_entropy::heartbeat::heartbeat_payload(&heartbeat));
    let call = Call::heartbeat {
        heartbeat,
        signature,
    };
    bench_call(c, "heartbeat", &base, RawOrigin::None, call);
}

fn bench_hooks(c: &mut Criterion) {
    let base = genesis();
    let claim_at = |t: &mut TestExternalities, slot: u64| {
        t.execute_with(|ext| {
            let index = Entropy::secondary_author(ext, slot).expect("assignee");
            AuthorClaim {
                authority_index: index,
                kind: ClaimKind::Secondary,
            }
        })
    };
    let mut probe = copy(&base);
    let claim = claim_at(&mut probe, 1);
    let gap_claim = claim_at(&mut probe, 101);
    let run = |slot: u64, claim: Option<AuthorClaim>| {
        move |mut t: TestExternalities| {
            t.execute_with(|ext| {
                start_block(ext, 2, slot);
                Entropy::on_slot(ext, slot, claim).expect("block");
            })
        }
    };
    c.bench_function("hook/block", |b| {
        b.iter_batched(|| copy(&base), run(1, Some(claim)), BatchSize::SmallInput)
    });
    c.bench_function("hook/gap_100", |b| {
        b.iter_batched(
            || copy(&base),
            run(101, Some(gap_claim)),
            BatchSize::SmallInput,
        )
    });
    let mut late = copy(&base);
    late.execute_with(|ext| {
        start_block(ext, 2, 599);
        Entropy::on_slot(ext, 599, None).expect("last slot of epoch 0");
    });
    c.bench_function("hook/rotation", |b| {
        b.iter_batched(|| copy(&late), run(600, None), BatchSize::SmallInput)
    });
    let voters: Vec<[u8; 32]> = (1..=VALIDATORS)
        .map(|n| keys(n).finality.public())
        .collect();
    c.bench_function("justification", |b| {
        b.iter_batched(
            || copy(&base),
            |mut t| {
                t.execute_with(|ext| Entropy::note_precommits(ext, &voters))
                    .expect("noted")
            },
            BatchSize::SmallInput,
        )
    });
}

criterion_group!(benches, bench_calls, bench_hooks);
criterion_main!(benches);
