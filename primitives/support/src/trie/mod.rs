//! The state trie: a base-16 Merkle-Patricia trie without extension nodes,
//! hashed with blake2-256, in Substrate's node format (state version 1:
//! values of 33 bytes or more are stored as their hash in a separate node).
//!
//! [`Layout`] plugs the format into `trie-db`; [`trie_root`] and
//! [`ordered_trie_root`] compute roots from sorted key-value pairs without a
//! database, as the runtime needs for state and extrinsics roots.

mod codec;
mod hasher;
mod header;

pub use self::codec::{NodeCodec, TrieCodecError};
pub use hasher::Blake2Hasher;

use ::codec::{Compact, Encode};

/// Substrate's trie layout, state version 1: no extension nodes, values of
/// 33 bytes or more hashed into their own node, and empty values kept (only a
/// removal removes a key), as `sp_trie::LayoutV1`.
pub struct Layout;

impl trie_db::TrieLayout for Layout {
    const USE_EXTENSION: bool = false;
    const ALLOW_EMPTY: bool = true;
    const MAX_INLINE_VALUE: Option<u32> = Some(33);
    type Hash = Blake2Hasher;
    type Codec = NodeCodec;
}

impl trie_db::TrieConfiguration for Layout {}

/// The root of the trie holding `entries` (any order; keys must be unique).
pub fn trie_root<I, K, V>(entries: I) -> [u8; 32]
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<[u8]> + Ord,
    V: AsRef<[u8]>,
{
    let mut sorted: Vec<(K, V)> = entries.into_iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut root = trie_db::TrieRoot::<Layout>::default();
    trie_db::trie_visit::<Layout, _, _, _, _>(sorted, &mut root);
    root.root
        .unwrap_or_else(<NodeCodec as trie_db::NodeCodec>::hashed_null_node)
}

/// The root of the trie mapping `Compact(i)` to the i-th item: the extrinsics root.
pub fn ordered_trie_root<V: AsRef<[u8]>>(items: &[V]) -> [u8; 32] {
    trie_root(items.iter().enumerate().map(|(i, v)| {
        (
            Compact(u32::try_from(i).unwrap_or(u32::MAX)).encode(),
            v.as_ref(),
        )
    }))
}

#[cfg(test)]
mod tests;
