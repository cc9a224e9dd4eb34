//! Hash functions with Substrate's exact outputs.
//!
//! `twox_*` are xxHash64 concatenated over seeds 0, 1, 2, 3 (little endian);
//! `blake2_*` are BLAKE2b with the given output length and no key.

use blake2::digest::{Update, VariableOutput};
use blake2::Blake2bVar;
use twox_hash::XxHash64;

fn blake2<const N: usize>(data: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    // Output lengths 8, 16, 32 and 64 are valid for BLAKE2b, so neither call can fail.
    if let Ok(mut hasher) = Blake2bVar::new(N) {
        hasher.update(data);
        let _ = hasher.finalize_variable(&mut out);
    }
    out
}

/// BLAKE2b-64.
pub fn blake2_64(data: &[u8]) -> [u8; 8] {
    blake2::<8>(data)
}

/// BLAKE2b-128.
pub fn blake2_128(data: &[u8]) -> [u8; 16] {
    blake2::<16>(data)
}

/// BLAKE2b-256, the block, extrinsic and trie hasher.
pub fn blake2_256(data: &[u8]) -> [u8; 32] {
    blake2::<32>(data)
}

/// BLAKE2b-512.
pub fn blake2_512(data: &[u8]) -> [u8; 64] {
    blake2::<64>(data)
}

fn twox<const N: usize>(data: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    for (seed, chunk) in out.chunks_exact_mut(8).enumerate() {
        let hash = XxHash64::oneshot(seed as u64, data);
        chunk.copy_from_slice(&hash.to_le_bytes());
    }
    out
}

/// xxHash64 with seed 0.
pub fn twox_64(data: &[u8]) -> [u8; 8] {
    twox::<8>(data)
}

/// xxHash64 over seeds 0 and 1: the pallet and item prefix hasher.
pub fn twox_128(data: &[u8]) -> [u8; 16] {
    twox::<16>(data)
}

/// xxHash64 over seeds 0 to 3.
pub fn twox_256(data: &[u8]) -> [u8; 32] {
    twox::<32>(data)
}

/// A storage-key hasher, in the order of the metadata's `StorageHasher` enum.
pub trait StorageHasher {
    /// The metadata variant of this hasher.
    const METADATA: StorageHasherKind;
    /// How many bytes of hash precede the key itself (the key is recoverable).
    const HASH_PREFIX_LEN: usize;
    /// Hashes (and for `*Concat`/`Identity`, appends) the encoded key.
    fn hash(encoded_key: &[u8]) -> Vec<u8>;
}

/// The hashers as the metadata names them (`Blake2_128 = 0 … Identity = 6`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageHasherKind {
    /// BLAKE2b-128, not reversible.
    Blake2_128,
    /// BLAKE2b-256, not reversible.
    Blake2_256,
    /// BLAKE2b-128 followed by the key.
    Blake2_128Concat,
    /// twox-128, not reversible.
    Twox128,
    /// twox-256, not reversible.
    Twox256,
    /// twox-64 followed by the key.
    Twox64Concat,
    /// The key itself.
    Identity,
}

/// `blake2_128(k) ++ k`: safe against chosen keys and reversible.
pub struct Blake2_128Concat;
/// `twox_64(k) ++ k`: fast, for keys a user cannot choose.
pub struct Twox64Concat;
/// `k`: for keys that are already hashes.
pub struct Identity;

impl StorageHasher for Blake2_128Concat {
    const METADATA: StorageHasherKind = StorageHasherKind::Blake2_128Concat;
    const HASH_PREFIX_LEN: usize = 16;
    fn hash(encoded_key: &[u8]) -> Vec<u8> {
        let mut out = blake2_128(encoded_key).to_vec();
        out.extend_from_slice(encoded_key);
        out
    }
}

impl StorageHasher for Twox64Concat {
    const METADATA: StorageHasherKind = StorageHasherKind::Twox64Concat;
    const HASH_PREFIX_LEN: usize = 8;
    fn hash(encoded_key: &[u8]) -> Vec<u8> {
        let mut out = twox_64(encoded_key).to_vec();
        out.extend_from_slice(encoded_key);
        out
    }
}

impl StorageHasher for Identity {
    const METADATA: StorageHasherKind = StorageHasherKind::Identity;
    const HASH_PREFIX_LEN: usize = 0;
    fn hash(encoded_key: &[u8]) -> Vec<u8> {
        encoded_key.to_vec()
    }
}

/// The key of a plain storage value: `twox128(pallet) ++ twox128(item)`.
pub fn storage_prefix(pallet: &str, item: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    out[..16].copy_from_slice(&twox_128(pallet.as_bytes()));
    out[16..].copy_from_slice(&twox_128(item.as_bytes()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        hex::encode(b)
    }

    #[test]
    fn twox_128_matches_substrate_prefixes() {
        let cases = [
            ("System", "26aa394eea5630e07c48ae0c9558cef7"),
            ("Account", "b99d880ec681799c0cf30e8886371da9"),
            ("Events", "80d41e5e16056765bc8461851072c9d7"),
            ("Number", "02a5c1b19ab7a04f536c519aca4983ac"),
            ("BlockHash", "a44704b568d21667356a5a050c118746"),
            ("ParentHash", "8a42f33323cb5ced3b44dd825fda9fcc"),
            ("EventCount", "0a98fdbe9ce6c55837576c60c7af3850"),
            ("Balances", "c2261276cc9d1f8598ea4b6a74b15c2f"),
            ("Locks", "218f26c73add634897550b4003b26bc6"),
            ("TotalIssuance", "57c875e4cff74148e4628f264b974c80"),
            ("Timestamp", "f0c365c3cf59d671eb72da0e7a4113c4"),
            ("Now", "9f1f0515f462cdcf84e0f1d6045dfcbb"),
            ("TransactionPayment", "3f1467a096bcd71a5b6a0c8155e20810"),
            ("NextFeeMultiplier", "3f2edf3bdf381debe331ab7446addfdc"),
        ];
        for (input, expected) in cases {
            assert_eq!(
                hex(&twox_128(input.as_bytes())),
                expected,
                "twox128({input})"
            );
        }
    }

    #[test]
    fn twox_64_of_block_zero() {
        assert_eq!(hex(&twox_64(&0u32.to_le_bytes())), "b4def25cfda6ef3a");
    }

    #[test]
    fn events_key() {
        assert_eq!(
            hex(&storage_prefix("System", "Events")),
            "26aa394eea5630e07c48ae0c9558cef780d41e5e16056765bc8461851072c9d7"
        );
    }

    #[test]
    fn api_ids_are_blake2_64_of_trait_names() {
        assert_eq!(hex(&blake2_64(b"Core")), "df6acb689907609b");
        assert_eq!(hex(&blake2_64(b"Metadata")), "37e397fc7c91f5e4");
        assert_eq!(hex(&blake2_64(b"AccountNonceApi")), "bc9d89904f5b923f");
    }
}
