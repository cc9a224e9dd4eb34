//! `state_getReadProof`: the trie nodes it returns prove each key's value,
//! or its absence, against the block's state root, checked with `trie-db`
//! over nothing but those nodes.

use crate::support::events::call;
use crate::support::memory::Nodes;
use crate::support::{module, Memory};
use entroos_primitives::H256;
use entroos_rpc::ChainApi;
use entroos_support::trie::Layout;
use hash_db::{HashDB, EMPTY_PREFIX};
use serde_json::json;
use std::sync::Arc;
use trie_db::{Trie, TrieDBBuilder};

fn hex(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// The proof's nodes as a trie-node store.
fn store(proof: &serde_json::Value) -> Nodes {
    let mut nodes = Nodes::default();
    for node in proof.as_array().expect("a list of nodes") {
        let text = node.as_str().expect("hex");
        nodes.insert(EMPTY_PREFIX, &hex::decode(&text[2..]).expect("hex"));
    }
    nodes
}

#[tokio::test]
async fn read_proofs_prove_values_and_absence_against_the_state_root() {
    let memory = Arc::new(Memory::new());
    let long = [9u8; 100];
    // Non-empty values: the trie layout drops a key set to an empty value.
    let changes: Vec<(Vec<u8>, Option<&[u8]>)> = (0u8..40)
        .map(|i| (vec![b'k', i], Some(&long[..usize::from(i) * 2 + 1])))
        .collect();
    let changes: Vec<(&[u8], Option<&[u8]>)> = changes.iter().map(|(k, v)| (&k[..], *v)).collect();
    let block = memory.push(&changes, None);
    let root = memory
        .header(block)
        .expect("read")
        .expect("kept")
        .state_root;
    let module = module(&memory, true);

    let keys = [vec![b'k', 3], vec![b'k', 39], b"absent".to_vec()];
    let hex_keys: Vec<String> = keys.iter().map(|k| hex(k)).collect();
    let answer = call(&module, "state_getReadProof", json!([hex_keys, block])).await;
    assert_eq!(answer["result"]["at"], json!(block), "{answer}");
    let proof = &answer["result"]["proof"];
    let nodes = store(proof);
    let trie = TrieDBBuilder::<Layout>::new(&nodes, &root.0).build();
    assert_eq!(
        trie.get(&keys[0]).expect("proven"),
        Some(long[..7].to_vec())
    );
    assert_eq!(
        trie.get(&keys[1]).expect("proven"),
        Some(long[..79].to_vec()),
        "a value kept in its own node"
    );
    assert_eq!(
        trie.get(&keys[2]).expect("proven"),
        None,
        "absence is proven too"
    );
    assert!(
        trie.get(&[b'k', 20]).is_err(),
        "a key off the proven paths cannot be read"
    );

    let proof_nodes: Vec<Vec<u8>> = proof
        .as_array()
        .expect("nodes")
        .iter()
        .filter_map(|n| n.as_str().and_then(|t| hex::decode(&t[2..]).ok()))
        .collect();
    assert_eq!(
        entroos_rpc::trie::read_from_proof(root, &proof_nodes, &keys[0]),
        Ok(Some(long[..7].to_vec()))
    );
    assert!(entroos_rpc::trie::read_from_proof(H256([1; 32]), &proof_nodes, &keys[0]).is_err());

    let at_best = call(&module, "state_getReadProof", json!([[hex_keys[0]]])).await;
    assert_eq!(
        at_best["result"]["at"],
        json!(block),
        "the best block by default"
    );
    let unknown = call(
        &module,
        "state_getReadProof",
        json!([[hex_keys[0]], H256([2; 32])]),
    )
    .await;
    assert_eq!(unknown["error"]["code"], 4003, "{unknown}");
}
