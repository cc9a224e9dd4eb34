//! blake2-256 as a `hash_db::Hasher`.

use entroos_primitives::hashing::blake2_256;

/// blake2-256 over trie nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Blake2Hasher;

impl hash_db::Hasher for Blake2Hasher {
    type Out = [u8; 32];
    type StdHasher = PrefixStdHasher;
    const LENGTH: usize = 32;
    fn hash(x: &[u8]) -> [u8; 32] {
        blake2_256(x)
    }
}

/// A `std::hash::Hasher` for keys that are already uniform hashes: it keeps
/// their first eight bytes.
#[derive(Default, Clone, Copy)]
pub struct PrefixStdHasher(u64);

impl std::hash::Hasher for PrefixStdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes.iter().take(8) {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
}
