//! Keys: the file keystore Substrate and zombienet write
//! (`<base>/chains/<id>/keystore/<hex key type><hex public>`, holding the
//! secret URI as a JSON string), `key generate|inspect`, and the libp2p
//! peer id of a node key.

use entroos_primitives::crypto::{ed25519, sr25519};
use entroos_primitives::ss58;
use std::path::Path;

/// Key errors.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The secret URI is not valid.
    #[error("invalid secret URI: {0}")]
    Uri(String),
    /// A keystore file could not be read or does not match its name.
    #[error("keystore file {file}: {reason}")]
    Keystore {
        /// The file.
        file: String,
        /// Why.
        reason: String,
    },
    /// The scheme is not known.
    #[error("unknown scheme {0:?}: use sr25519 or ed25519")]
    Scheme(String),
    /// The node key is not 32 bytes of hex.
    #[error("--node-key must be 64 hex characters: {0}")]
    NodeKey(String),
}

/// The aura (block authoring) key type.
pub const AURA: &[u8; 4] = b"aura";

/// The sr25519 key of `key_type` in `dir`, if there is one.
pub fn keystore_sr25519(dir: &Path, key_type: &[u8; 4]) -> Result<Option<sr25519::Pair>, KeyError> {
    let prefix = hex::encode(key_type);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(None);
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix))
        .collect();
    names.sort();
    let Some(name) = names.first() else {
        return Ok(None);
    };
    let file = dir.join(name);
    let bad = |reason: String| KeyError::Keystore {
        file: file.display().to_string(),
        reason,
    };
    let text = std::fs::read_to_string(&file).map_err(|e| bad(e.to_string()))?;
    let uri: String =
        serde_json::from_str(&text).map_err(|e| bad(format!("expected a JSON string: {e}")))?;
    let pair = sr25519::Pair::from_uri(&uri).map_err(|e| bad(e.to_string()))?;
    let public = hex::encode(pair.public());
    if name.get(prefix.len()..) != Some(public.as_str()) {
        return Err(bad(format!(
            "the secret's public key {public} is not the one in the file name"
        )));
    }
    Ok(Some(pair))
}

/// The libp2p peer id of an ed25519 node key (hex seed): the identity
/// multihash of the protobuf-encoded public key, in base58.
pub fn peer_id(node_key_hex: &str) -> Result<String, KeyError> {
    let bytes = hex::decode(node_key_hex.trim_start_matches("0x"))
        .map_err(|e| KeyError::NodeKey(e.to_string()))?;
    let seed: [u8; 32] = bytes
        .try_into()
        .map_err(|_| KeyError::NodeKey("not 32 bytes".into()))?;
    Ok(peer_id_of_public(&ed25519::Pair::from_seed(&seed).public()))
}

/// The peer id of an ed25519 public key.
pub fn peer_id_of_public(public: &[u8; 32]) -> String {
    // identity multihash (0x00, length 36) of protobuf { KeyType Ed25519 = 1, Data = key }.
    let mut multihash = vec![0x00, 36, 0x08, 0x01, 0x12, 0x20];
    multihash.extend_from_slice(public);
    bs58::encode(multihash).into_string()
}

/// The text `key inspect` prints for `uri`.
pub fn inspect(uri: &str, scheme: &str, network: u16, json: bool) -> Result<String, KeyError> {
    let public = match scheme {
        "sr25519" => sr25519::Pair::from_uri(uri)
            .map_err(|e| KeyError::Uri(e.to_string()))?
            .public(),
        "ed25519" => ed25519::Pair::from_uri(uri)
            .map_err(|e| KeyError::Uri(e.to_string()))?
            .public(),
        other => return Err(KeyError::Scheme(other.into())),
    };
    let hex_public = format!("0x{}", hex::encode(public));
    let address = ss58::encode(network, &public);
    let network_id = if network == 42 {
        "substrate".to_string()
    } else {
        network.to_string()
    };
    if json {
        let value = serde_json::json!({
            "secretPhrase": uri,
            "networkId": network_id,
            "publicKey": hex_public,
            "accountId": hex_public,
            "ss58PublicKey": address,
            "ss58Address": address,
        });
        return Ok(value.to_string());
    }
    Ok(format!(
        "Secret Key URI `{uri}` is account:\n  Network ID:        {network_id}\n  Scheme:            {scheme}\n  Public key (hex):  {hex_public}\n  Account ID:        {hex_public}\n  Public key (SS58): {address}\n  SS58 Address:      {address}\n"
    ))
}

/// A new random phrase of `words` words.
pub fn generate_phrase(words: usize) -> Result<String, KeyError> {
    bip39::Mnemonic::generate(words)
        .map(|m| m.to_string())
        .map_err(|e| KeyError::Uri(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alice_inspects_to_her_well_known_address() {
        let text = inspect("//Alice", "sr25519", 42, false).unwrap();
        assert!(
            text.contains("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"),
            "{text}"
        );
        let ed = inspect("//Alice", "ed25519", 42, true).unwrap();
        assert!(
            ed.contains("5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTpu"),
            "{ed}"
        );
        assert!(inspect("//Alice", "ecdsa", 42, false).is_err());
    }

    #[test]
    fn generated_phrases_derive_keys() {
        let phrase = generate_phrase(12).unwrap();
        assert_eq!(phrase.split(' ').count(), 12);
        assert!(inspect(&phrase, "sr25519", 42, false).is_ok());
        assert!(generate_phrase(13).is_err());
    }

    #[test]
    fn peer_ids_are_libp2p_ed25519_ids() {
        let id = peer_id(&"00".repeat(32)).unwrap();
        assert!(id.starts_with("12D3KooW"), "{id}");
        assert!(peer_id("zz").is_err());
        assert!(peer_id("00").is_err());
    }

    #[test]
    fn keystore_reads_zombienet_files_and_checks_their_names() {
        let dir = tempfile::tempdir().unwrap();
        assert!(keystore_sr25519(dir.path(), AURA).unwrap().is_none());
        let alice = sr25519::Pair::from_uri("//Alice").unwrap();
        let name = format!("{}{}", hex::encode(AURA), hex::encode(alice.public()));
        std::fs::write(dir.path().join(&name), "\"//Alice\"").unwrap();
        assert_eq!(
            keystore_sr25519(dir.path(), AURA)
                .unwrap()
                .unwrap()
                .public(),
            alice.public()
        );
        std::fs::write(dir.path().join(&name), "\"//Bob\"").unwrap();
        assert!(keystore_sr25519(dir.path(), AURA).is_err());
    }
}
