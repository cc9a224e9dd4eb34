//! Node keys and peer ids as Substrate and zombienet compute them.

use entroos_network::{generate_node_key, peer_id_from_secret, NodeKey, NodeKeyError, PeerId};

/// zombienet's `--node-key` (sha256 of the node name) and the peer id it
/// writes into the other nodes' `--bootnodes`.
const VECTORS: [(&str, &str); 5] = [
    (
        "2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db186d6e90",
        "12D3KooWQCkBm1BYtkHpocxCwMgR8yjitEeHGx8spzcDLGt2gkBm",
    ),
    (
        "81b637d8fcd2c6da6359e6963113a1170de795e4b725b84d1e0b4cfd9ec58ce9",
        "12D3KooWRkZhiRhsqmrQ28rt73K7V3aCBpqKrLGSXmZ99PTcTZby",
    ),
    (
        "b9dd960c1753459a78115d3cb845a57d924b6877e805b08bd01086ccdf34433c",
        "12D3KooWPKzmmE2uYgF3z13xjpbFTp63g9dZFag8pG6MgnpSLF4S",
    ),
    (
        "61ea0803f8853523b777d414ace3130cd4d3f92de2cd7ff8695c337d79c2eeee",
        "12D3KooWKM1HeSv61ryZwAiBTZnqmass5pYM48k9Z7obzhTbnphm",
    ),
    (
        "0000000000000000000000000000000000000000000000000000000000000001",
        "12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp",
    ),
];

#[test]
fn zombienet_vectors() {
    for (key, peer) in VECTORS {
        assert_eq!(
            peer_id_from_secret(key).expect("valid key").to_string(),
            peer,
            "{key}"
        );
        assert_eq!(
            peer_id_from_secret(&format!("0x{key}"))
                .expect("0x accepted")
                .to_string(),
            peer
        );
    }
}

#[test]
fn raw_bytes_give_the_same_peer_id() {
    let (key, peer) = VECTORS[0];
    let bytes = hex_bytes(key);
    assert_eq!(
        NodeKey::from_bytes(&bytes)
            .expect("32 bytes")
            .peer_id()
            .to_string(),
        peer
    );
    assert_eq!(
        NodeKey::from_hex(key).expect("valid").to_bytes().to_vec(),
        bytes
    );
}

#[test]
fn peer_ids_round_trip_as_text_and_bytes() {
    let (_, peer) = VECTORS[1];
    let parsed: PeerId = peer.parse().expect("base58 peer id");
    assert_eq!(parsed.to_base58(), peer);
    assert_eq!(
        PeerId::from_bytes(&parsed.to_bytes()).expect("multihash"),
        parsed
    );
    assert!("not-a-peer-id".parse::<PeerId>().is_err());
    assert!(PeerId::from_bytes(&[1, 2, 3]).is_err());
}

#[test]
fn bad_keys_are_refused() {
    assert_eq!(
        peer_id_from_secret("zz").unwrap_err(),
        NodeKeyError::InvalidHex
    );
    assert_eq!(
        peer_id_from_secret("00ff").unwrap_err(),
        NodeKeyError::InvalidLength(2)
    );
    assert_eq!(
        NodeKey::from_bytes(&[0; 33]).unwrap_err(),
        NodeKeyError::InvalidLength(33)
    );
}

#[test]
fn generated_keys_differ_and_reload() {
    let (a, b) = (generate_node_key(), generate_node_key());
    assert_ne!(a.peer_id(), b.peer_id());
    assert_eq!(
        NodeKey::from_bytes(&a.to_bytes())
            .expect("32 bytes")
            .peer_id(),
        a.peer_id()
    );
    assert!(a.peer_id().to_string().starts_with("12D3KooW"));
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect()
}
