#![allow(missing_docs)] // criterion_group! generates an undocumented function
//! What slot authorship costs per slot, with 64 authorities of unequal
//! weight and c = 0.25:
//!
//! - `lottery/lose`: one key's VRF evaluation in a slot it does not win
//!   (what every authority pays every slot);
//! - `lottery/win`: the same for a won slot (evaluation and proof);
//! - `claim_slot/secondary`: a node holding one key in a slot won by
//!   nobody it holds (lottery, then the secondary assignment);
//! - `verify/primary`, `verify/secondary`: `verify_header` of an honest
//!   header (VRF proof and seal, or assignment and seal).
//!
//! `cargo bench -p entroos-consensus-slots --bench slots`

use criterion::{criterion_group, criterion_main, Criterion};
use entroos_arithmetic::FixedU128;
use entroos_consensus_slots::{
    claim_primary, claim_slot, seal_header, verify_header, Authority, Epoch, HeldKeys, ParentInfo,
    PreDigest,
};
use entroos_primitives::crypto::sr25519::Pair;
use entroos_primitives::{Digest, Header, H256};
use std::hint::black_box;

const AUTHORITIES: u32 = 64;

fn pair(n: u32) -> Pair {
    let mut seed = [0x33; 32];
    seed[..4].copy_from_slice(&n.to_le_bytes());
    Pair::from_seed(&seed).expect("seed")
}

fn epoch() -> Epoch {
    let authorities = (0..AUTHORITIES)
        .map(|n| Authority {
            vrf_key: pair(n).public(),
            weight: u128::from(n) + 1,
        })
        .collect();
    let c = FixedU128::from_inner(FixedU128::DIV / 4);
    Epoch::new(0, 0, 1_000_000, [1; 32], authorities, c).expect("epoch")
}

fn sealed(pre_digest: &PreDigest, key: &Pair) -> Header {
    let mut header = Header {
        parent_hash: H256([9; 32]),
        number: 1,
        digest: Digest {
            logs: vec![pre_digest.to_digest_item()],
        },
        ..Default::default()
    };
    seal_header(&mut header, key);
    header
}

fn bench_lottery(c: &mut Criterion) {
    let epoch = epoch();
    let (index, key) = (AUTHORITIES - 1, pair(AUTHORITIES - 1));
    let won = (0..).find(|s| claim_primary(&key, &epoch, *s, index).is_some());
    let lost = (0..).find(|s| claim_primary(&key, &epoch, *s, index).is_none());
    let (won, lost) = (won.expect("a won slot"), lost.expect("a lost slot"));
    c.bench_function("lottery/lose", |b| {
        b.iter(|| claim_primary(&key, &epoch, black_box(lost), index))
    });
    c.bench_function("lottery/win", |b| {
        b.iter(|| claim_primary(&key, &epoch, black_box(won), index))
    });
    let keys: HeldKeys = [pair(0)].into_iter().collect();
    let secondary = (0..)
        .find(|s| {
            claim_primary(&pair(0), &epoch, *s, 0).is_none()
                && epoch.secondary_author(*s) != Some(0)
        })
        .expect("a slot for someone else");
    c.bench_function("claim_slot/secondary", |b| {
        b.iter(|| claim_slot(&keys, &epoch, black_box(secondary)))
    });
}

fn bench_verify(c: &mut Criterion) {
    let epoch = epoch();
    let key = pair(AUTHORITIES - 1);
    let primary = (1..)
        .find_map(|s| claim_primary(&key, &epoch, s, AUTHORITIES - 1))
        .expect("a primary claim");
    let slot = primary.slot();
    let parent = ParentInfo {
        hash: H256([9; 32]),
        slot: slot - 1,
    };
    let header = sealed(&primary, &key);
    c.bench_function("verify/primary", |b| {
        b.iter(|| verify_header(black_box(&header), &parent, &epoch, slot).expect("valid"))
    });
    let assignee = epoch.secondary_author(slot).expect("an assignee");
    let secondary = PreDigest::Secondary {
        authority_index: assignee,
        slot,
    };
    let header = sealed(&secondary, &pair(assignee));
    c.bench_function("verify/secondary", |b| {
        b.iter(|| verify_header(black_box(&header), &parent, &epoch, slot).expect("valid"))
    });
}

criterion_group!(benches, bench_lottery, bench_verify);
criterion_main!(benches);
