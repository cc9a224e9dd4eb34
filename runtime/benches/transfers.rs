#![allow(missing_docs)] // criterion_group! generates an undocumented function
//! Throughput of the runtime's transfer path, with sr25519 verification
//! measured in the same run for comparison.
//!
//! - `apply/10k_signed_transfers`: 1,000 senders each send 10 signed
//!   `transfer_keep_alive`s to 10,000 new accounts; the blocks are built
//!   through the BlockBuilder path (signature, nonce, weight and fee checks,
//!   dispatch, events, finalization with state and extrinsics roots) on
//!   in-memory state. Throughput is transfers per second.
//! - `sr25519/verify_single` and `sr25519/verify_batch_10k`: signature
//!   checks alone, one at a time and batched.
//!
//! `cargo bench -p entroos-runtime --bench transfers`

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use entroos_primitives::crypto::sr25519;
use entroos_primitives::AccountId32;
use entroos_runtime::constants::UNIT;
use entroos_runtime::genesis::RuntimeGenesisConfig;
use entroos_runtime::testing::{account, sign, transfer_keep_alive, SigningContext, TestChain};
use std::time::Duration;

const SENDERS: u32 = 1_000;
const PER_SENDER: u32 = 10;
const TRANSFERS: u64 = (SENDERS * PER_SENDER) as u64;
const PER_BLOCK: usize = 5_000;

fn sender(i: u32) -> sr25519::Pair {
    sr25519::Pair::from_uri(&format!("//bench//sender//{i}")).expect("derivable")
}

fn setup() -> (TestChain, Vec<Vec<u8>>) {
    let senders: Vec<_> = (0..SENDERS).map(sender).collect();
    let config = RuntimeGenesisConfig {
        balances: pallet_balances::GenesisConfig {
            balances: senders.iter().map(|p| (account(p), 1_000 * UNIT)).collect(),
        },
        ..Default::default()
    };
    let chain = TestChain::with_config(&config).expect("genesis");
    let mut transfers = Vec::with_capacity(TRANSFERS as usize);
    for nonce in 0..PER_SENDER {
        for (i, pair) in senders.iter().enumerate() {
            let mut to = [0u8; 32];
            to[..4].copy_from_slice(&(i as u32).to_le_bytes());
            to[4..8].copy_from_slice(&nonce.to_le_bytes());
            let call = transfer_keep_alive(AccountId32(to), UNIT);
            transfers.push(sign(call, pair, SigningContext::immortal(&chain, nonce)));
        }
    }
    (chain, transfers)
}

fn bench_transfers(c: &mut Criterion) {
    let (chain, transfers) = setup();
    let mut group = c.benchmark_group("apply");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(30))
        .throughput(Throughput::Elements(TRANSFERS));
    group.bench_function("10k_signed_transfers", |b| {
        b.iter_batched(
            || TestChain {
                state: chain.state.clone(),
                head: chain.head.clone(),
                hashes: chain.hashes.clone(),
                now: chain.now,
                job_executor: None,
            },
            |mut chain| {
                for block in transfers.chunks(PER_BLOCK) {
                    let (_, results) = chain.build_block(block).expect("block builds");
                    assert!(
                        results.iter().all(|r| matches!(r, Ok(Ok(())))),
                        "every transfer applies"
                    );
                }
                chain
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn bench_sr25519(c: &mut Criterion) {
    let pairs: Vec<_> = (0..SENDERS).map(sender).collect();
    let messages: Vec<Vec<u8>> = (0..TRANSFERS).map(|i| i.to_le_bytes().repeat(16)).collect();
    let items: Vec<(&[u8], [u8; 64], [u8; 32])> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let pair = &pairs[i % pairs.len()];
            (m.as_slice(), pair.sign(m), pair.public())
        })
        .collect();
    let mut group = c.benchmark_group("sr25519");
    group.throughput(Throughput::Elements(1));
    group.bench_function("verify_single", |b| {
        let (message, signature, public) = items[0];
        b.iter(|| assert!(sr25519::verify(&signature, message, &public)))
    });
    group
        .sample_size(10)
        .throughput(Throughput::Elements(TRANSFERS));
    group.bench_function("verify_batch_10k", |b| {
        b.iter(|| assert!(sr25519::verify_batch(&items)))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default();
    targets = bench_transfers, bench_sr25519
}
criterion_main!(benches);
