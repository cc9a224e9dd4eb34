use super::*;
use hash_db::Hasher;
use memory_db::{HashKey, MemoryDB};
use proptest::prelude::*;
use trie_db::{NodeCodec as _, Trie, TrieDBBuilder, TrieDBMutBuilder, TrieMut};

type Reference = reference_trie::SubstrateV1<Blake2Hasher>;

fn reference_root(entries: &[(Vec<u8>, Vec<u8>)]) -> [u8; 32] {
    let mut db = MemoryDB::<Blake2Hasher, HashKey<_>, Vec<u8>>::default();
    let mut root = Default::default();
    {
        let mut trie = TrieDBMutBuilder::<Reference>::new(&mut db, &mut root).build();
        for (k, v) in entries {
            trie.insert(k, v).unwrap();
        }
    }
    root
}

#[test]
fn empty_root_is_hash_of_zero_byte() {
    assert_eq!(
        trie_root(Vec::<(Vec<u8>, Vec<u8>)>::new()),
        Blake2Hasher::hash(&[0])
    );
    assert_eq!(NodeCodec::hashed_null_node(), Blake2Hasher::hash(&[0]));
}

#[test]
fn ordered_root_keys_are_compact_indices() {
    let items = vec![vec![1u8, 2], vec![3u8; 40]];
    let expected = trie_root(vec![
        (Compact(0u32).encode(), items[0].clone()),
        (Compact(1u32).encode(), items[1].clone()),
    ]);
    assert_eq!(ordered_trie_root(&items), expected);
}

#[test]
fn trie_db_reads_back_what_it_wrote() {
    let entries: Vec<(Vec<u8>, Vec<u8>)> = (0u32..300)
        .map(|i| {
            (
                i.to_le_bytes().to_vec(),
                vec![i as u8; (i % 70) as usize + 1],
            )
        })
        .collect();
    let mut db = MemoryDB::<Blake2Hasher, HashKey<_>, Vec<u8>>::default();
    let mut root = Default::default();
    {
        let mut trie = TrieDBMutBuilder::<Layout>::new(&mut db, &mut root).build();
        for (k, v) in &entries {
            trie.insert(k, v).unwrap();
        }
    }
    assert_eq!(root, trie_root(entries.clone()));
    let trie = TrieDBBuilder::<Layout>::new(&db, &root).build();
    for (k, v) in &entries {
        assert_eq!(trie.get(k).unwrap().as_ref(), Some(v));
    }
}

proptest! {
    #[test]
    fn roots_match_the_reference_layout(
        entries in proptest::collection::btree_map(
            proptest::collection::vec(any::<u8>(), 0..40),
            proptest::collection::vec(any::<u8>(), 1..80),
            0..60,
        )
    ) {
        let entries: Vec<(Vec<u8>, Vec<u8>)> = entries.into_iter().collect();
        prop_assert_eq!(trie_root(entries.clone()), reference_root(&entries));
    }

    #[test]
    fn decoding_random_nodes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = NodeCodec::decode_plan(&bytes);
    }
}
