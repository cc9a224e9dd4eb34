//! Keys, epochs and headers for the tests.
#![allow(dead_code)]

use entroos_arithmetic::FixedU128;
use entroos_consensus_slots::{seal_header, Authority, Epoch, PreDigest};
use entroos_primitives::crypto::sr25519::Pair;
use entroos_primitives::{Digest, DigestItem, Header, H256};

/// The key of test authority `n` (seeded, so every run sees the same keys).
pub fn pair(n: u32) -> Pair {
    let mut seed = [0x5a; 32];
    seed[..4].copy_from_slice(&n.to_le_bytes());
    Pair::from_seed(&seed).unwrap()
}

/// `c` as a decimal string.
pub fn fixed(text: &str) -> FixedU128 {
    text.parse().unwrap()
}

/// Epoch `index` of `length` slots from `start`, with authorities `0..`
/// of the given weights.
pub fn epoch_with(index: u64, start: u64, length: u64, c: FixedU128, weights: &[u128]) -> Epoch {
    let authorities = (0u32..)
        .zip(weights)
        .map(|(n, weight)| Authority {
            vrf_key: pair(n).public(),
            weight: *weight,
        })
        .collect();
    Epoch::new(index, start, length, [index as u8 + 1; 32], authorities, c).unwrap()
}

/// The parent every test header builds on.
pub const PARENT: H256 = H256([9; 32]);

/// An unsealed header on [`PARENT`] carrying `pre_digest`.
pub fn unsealed(pre_digest: &PreDigest) -> Header {
    Header {
        parent_hash: PARENT,
        number: 8,
        state_root: H256([1; 32]),
        extrinsics_root: H256([2; 32]),
        digest: Digest {
            logs: vec![pre_digest.to_digest_item()],
        },
    }
}

/// A header on [`PARENT`] carrying `pre_digest`, sealed by `key`.
pub fn sealed(pre_digest: &PreDigest, key: &Pair) -> Header {
    let mut header = unsealed(pre_digest);
    seal_header(&mut header, key);
    header
}

/// Re-seals `header` (whose seal is its last item) with `key`.
pub fn reseal(mut header: Header, key: &Pair) -> Header {
    if matches!(header.digest.logs.last(), Some(DigestItem::Seal(..))) {
        header.digest.logs.pop();
    }
    seal_header(&mut header, key);
    header
}
