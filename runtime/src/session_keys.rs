//! Session keys: the keys a validator's node must hold for this runtime.
//!
//! [`SESSION_KEYS`] is the one list: each entry names a key type and its
//! scheme; the runtime APIs, `author_rotateKeys` and `author_hasSessionKeys`
//! follow it. EntroOS's validators hold two keys, under the names and key
//! types Substrate tools (`key insert --key-type`, zombienet's keystores
//! and `session.keys`) already use:
//!
//! | name | key type | scheme | what for |
//! |---|---|---|---|
//! | `babe` | `babe` | sr25519 | slot VRFs and block seals |
//! | `grandpa` | `gran` | ed25519 | finality votes |
//!
//! They are the `vrf` and `finality` keys of the entropy pallet's
//! `SessionKeys` (`set_keys`), in the same order.
//!
//! The encoding is Substrate's `SessionKeys` struct of one public key per
//! entry: the 32-byte public keys concatenated in list order.
//! `SessionKeys_generate_session_keys` asks the node's keystore (a
//! [`KeyGenerator`]) for one new key per entry and answers that encoding;
//! `SessionKeys_decode_session_keys` turns it back into `(public key, key
//! type)` pairs, or `None` if it is not exactly one key per entry.

use crate::RuntimeError;
use entroos_primitives::crypto::key_types::known;
use entroos_primitives::crypto::{KeyScheme, KeyTypeId};
use entroos_support::hooks::KeyGenerator;

/// The length of every session public key.
pub const PUBLIC_LEN: usize = 32;

/// One session key the runtime asks validators to hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionKey {
    /// Its field name in Substrate's `SessionKeys` struct.
    pub name: &'static str,
    /// What it is for.
    pub key_type: KeyTypeId,
    /// How it signs.
    pub scheme: KeyScheme,
}

/// The session keys, in encoding order.
pub const SESSION_KEYS: [SessionKey; 2] = [
    SessionKey {
        name: "babe",
        key_type: known::BABE,
        scheme: KeyScheme::Sr25519,
    },
    SessionKey {
        name: "grandpa",
        key_type: known::GRANDPA,
        scheme: KeyScheme::Ed25519,
    },
];

/// The length of encoded session keys.
pub const ENCODED_LEN: usize = PUBLIC_LEN * SESSION_KEYS.len();

/// Makes one key per [`SESSION_KEYS`] entry in `keystore` and returns their
/// encoding. `seed`, if given, must be UTF-8: it is a secret URI.
pub fn generate(
    keystore: &mut dyn KeyGenerator,
    seed: Option<Vec<u8>>,
) -> Result<Vec<u8>, RuntimeError> {
    let seed = seed
        .map(String::from_utf8)
        .transpose()
        .map_err(|e| RuntimeError::BadArguments {
            method: "SessionKeys_generate_session_keys".into(),
            reason: format!("the seed is not UTF-8: {e}"),
        })?;
    let mut encoded = Vec::with_capacity(ENCODED_LEN);
    for key in SESSION_KEYS {
        let public = keystore.generate(key.key_type, key.scheme, seed.as_deref())?;
        encoded.extend_from_slice(&public);
    }
    Ok(encoded)
}

/// The `(public key, key type)` pairs of encoded session keys, or `None`
/// unless `encoded` is exactly one public key per entry.
pub fn decode(encoded: &[u8]) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
    if encoded.len() != ENCODED_LEN {
        return None;
    }
    Some(
        encoded
            .chunks_exact(PUBLIC_LEN)
            .zip(SESSION_KEYS)
            .map(|(public, key)| (public.to_vec(), key.key_type))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use entroos_primitives::crypto::{ed25519, sr25519};
    use entroos_support::hooks::KeystoreError;

    /// Derives each key from its seed, or from its key type without one.
    struct Derive(Vec<(KeyTypeId, KeyScheme, Option<String>)>);

    impl KeyGenerator for Derive {
        fn generate(
            &mut self,
            key_type: KeyTypeId,
            scheme: KeyScheme,
            seed: Option<&str>,
        ) -> Result<[u8; 32], KeystoreError> {
            self.0.push((key_type, scheme, seed.map(String::from)));
            let uri = seed.map_or_else(|| format!("//{key_type}"), String::from);
            scheme.public_from_uri(&uri).map_err(|e| KeystoreError {
                key_type,
                scheme,
                reason: e.to_string(),
            })
        }
    }

    #[test]
    fn generation_asks_for_every_key_in_order_and_decoding_names_them() {
        let mut keystore = Derive(Vec::new());
        let encoded = generate(&mut keystore, Some(b"//Alice".to_vec())).unwrap();
        assert_eq!(encoded.len(), ENCODED_LEN);
        let asked: Vec<_> = SESSION_KEYS
            .iter()
            .map(|k| (k.key_type, k.scheme, Some("//Alice".to_string())))
            .collect();
        assert_eq!(keystore.0, asked);
        let alice = sr25519::Pair::from_uri("//Alice").unwrap().public();
        let alice_ed = ed25519::Pair::from_uri("//Alice").unwrap().public();
        assert_eq!(&encoded[..PUBLIC_LEN], alice);
        assert_eq!(&encoded[PUBLIC_LEN..], alice_ed);
        let pairs = decode(&encoded).unwrap();
        assert_eq!(
            pairs,
            [
                (alice.to_vec(), known::BABE),
                (alice_ed.to_vec(), known::GRANDPA)
            ]
        );
    }

    #[test]
    fn only_one_key_per_entry_decodes() {
        for len in [0, 1, ENCODED_LEN - 1, ENCODED_LEN + 1, 2 * ENCODED_LEN] {
            assert_eq!(decode(&vec![7; len]), None, "{len} bytes");
        }
    }

    #[test]
    fn a_seed_that_is_not_utf8_or_a_keystore_failure_is_an_error() {
        let mut keystore = Derive(Vec::new());
        assert!(matches!(
            generate(&mut keystore, Some(vec![0xff])),
            Err(RuntimeError::BadArguments { .. })
        ));
        let error = generate(&mut keystore, Some(b"not a uri //".to_vec())).unwrap_err();
        assert!(matches!(error, RuntimeError::Keystore(_)), "{error:?}");
    }
}
