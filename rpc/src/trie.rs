//! Reads of the state trie that need its nodes rather than its values:
//! read proofs (`state_getReadProof`), closest-descendant Merkle values
//! (`chainHead_v1_storage` and `archive_v1_storage`), and the check a
//! client makes of a read proof. They work over any store of trie nodes
//! keyed by hash, in Substrate's node format ([`Layout`]), so the node's
//! database and an in-memory trie serve them alike.

use entroos_primitives::H256;
use entroos_support::trie::{Blake2Hasher, Layout};
use hash_db::{HashDB, HashDBRef, EMPTY_PREFIX};
use memory_db::{HashKey, MemoryDB};
use std::collections::BTreeSet;
use trie_db::{MerkleValue, Recorder, Trie, TrieDBBuilder};

/// A store of trie nodes by hash.
pub type NodeStore<'a> = dyn HashDBRef<Blake2Hasher, Vec<u8>> + 'a;

/// A trie read that failed: a node is missing from the store or does not
/// decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("trie read under root {root}: {reason}")]
pub struct TrieReadError {
    /// The root read under.
    pub root: H256,
    /// What failed, as `trie-db` reports it.
    pub reason: String,
}

type Failure = Box<trie_db::TrieError<trie_db::TrieHash<Layout>, trie_db::CError<Layout>>>;

fn failed(root: H256) -> impl Fn(Failure) -> TrieReadError {
    move |e| TrieReadError {
        root,
        reason: format!("{e:?}"),
    }
}

/// The nodes read while looking up every key of `keys` under `root`: the
/// trie nodes on each key's path and the value nodes of values kept
/// outside their leaf. They prove each value, or its absence, against the
/// root. Each node appears once; the order is the nodes' byte order.
pub fn read_proof(
    store: &NodeStore<'_>,
    root: H256,
    keys: &[Vec<u8>],
) -> Result<Vec<Vec<u8>>, TrieReadError> {
    let mut recorder = Recorder::<Layout>::new();
    {
        let trie = TrieDBBuilder::<Layout>::new(store, &root.0)
            .with_recorder(&mut recorder)
            .build();
        for key in keys {
            trie.get(key).map_err(failed(root))?;
        }
    }
    let nodes: BTreeSet<Vec<u8>> = recorder.drain().into_iter().map(|r| r.data).collect();
    Ok(nodes.into_iter().collect())
}

/// The Merkle value of the node at `key` or, if there is none, of its
/// closest descendant (branch nodes included): the node's encoding when it
/// is inlined in its parent, its hash otherwise. `None` when nothing in the
/// trie is at or under `key`.
pub fn closest_merkle_value(
    store: &NodeStore<'_>,
    root: H256,
    key: &[u8],
) -> Result<Option<Vec<u8>>, TrieReadError> {
    let trie = TrieDBBuilder::<Layout>::new(store, &root.0).build();
    let value = trie.lookup_first_descendant(key).map_err(failed(root))?;
    Ok(value.map(|value| match value {
        MerkleValue::Node(node) => node,
        MerkleValue::Hash(hash) => hash.to_vec(),
    }))
}

/// Reads `key` from a read proof against `root`, as a client checks one:
/// the value, `None` if the proof shows the key absent, or an error if the
/// proof lacks a node the lookup needs (or does not match the root).
pub fn read_from_proof(
    root: H256,
    proof: &[Vec<u8>],
    key: &[u8],
) -> Result<Option<Vec<u8>>, TrieReadError> {
    let mut store = MemoryDB::<Blake2Hasher, HashKey<Blake2Hasher>, Vec<u8>>::default();
    for node in proof {
        store.insert(EMPTY_PREFIX, node);
    }
    let trie = TrieDBBuilder::<Layout>::new(&store, &root.0).build();
    trie.get(key).map_err(failed(root))
}
