//! The `SessionKeys` runtime API: generation asks the node's keystore for
//! one key per session key, decoding names them, and without a keystore
//! generation is refused with a typed error.

use codec::{Decode, Encode};
use entroos_primitives::crypto::key_types::known;
use entroos_primitives::crypto::{ed25519, sr25519, KeyScheme, KeyTypeId};
use entroos_runtime::session_keys::{ENCODED_LEN, SESSION_KEYS};
use entroos_runtime::testing::TestChain;
use entroos_runtime::{api, genesis, RuntimeError};
use entroos_support::hooks::{KeyGenerator, KeystoreError};

/// Records what it was asked for; derives the key from the seed.
#[derive(Default)]
struct SeededKeys(Vec<(KeyTypeId, KeyScheme)>);

impl KeyGenerator for SeededKeys {
    fn generate(
        &mut self,
        key_type: KeyTypeId,
        scheme: KeyScheme,
        seed: Option<&str>,
    ) -> Result<[u8; 32], KeystoreError> {
        self.0.push((key_type, scheme));
        let refused = |reason: String| KeystoreError {
            key_type,
            scheme,
            reason,
        };
        let seed = seed.ok_or_else(|| refused("this keystore needs a seed".into()))?;
        scheme
            .public_from_uri(seed)
            .map_err(|e| refused(e.to_string()))
    }
}

fn generate(seed: Option<&str>, keys: &mut SeededKeys) -> Result<Vec<u8>, RuntimeError> {
    let chain = TestChain::new(genesis::DEV_PRESET).unwrap();
    let input = seed.map(|s| s.as_bytes().to_vec()).encode();
    chain.read(|ext| {
        let extensions = api::Extensions {
            keystore: Some(keys),
            ..api::Extensions::default()
        };
        api::call_with(ext, "SessionKeys_generate_session_keys", &input, extensions)
    })
}

fn decode(encoded: &[u8]) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
    let chain = TestChain::new(genesis::DEV_PRESET).unwrap();
    let answer = chain
        .read(|ext| {
            api::call(
                ext,
                "SessionKeys_decode_session_keys",
                &encoded.to_vec().encode(),
                None,
            )
        })
        .unwrap();
    Decode::decode(&mut &answer[..]).unwrap()
}

#[test]
fn generated_keys_decode_to_their_key_types() {
    let mut keys = SeededKeys::default();
    let answer = generate(Some("//Alice"), &mut keys).unwrap();
    let encoded = Vec::<u8>::decode(&mut &answer[..]).unwrap();
    assert_eq!(encoded.len(), ENCODED_LEN);
    let asked: Vec<_> = SESSION_KEYS
        .iter()
        .map(|k| (k.key_type, k.scheme))
        .collect();
    assert_eq!(keys.0, asked, "one key per session key, in order");
    assert_eq!(
        asked,
        [
            (known::BABE, KeyScheme::Sr25519),
            (known::GRANDPA, KeyScheme::Ed25519)
        ]
    );
    let alice = sr25519::Pair::from_uri("//Alice").unwrap().public();
    let alice_ed = ed25519::Pair::from_uri("//Alice").unwrap().public();
    assert_eq!(
        decode(&encoded),
        Some(vec![
            (alice.to_vec(), known::BABE),
            (alice_ed.to_vec(), known::GRANDPA)
        ])
    );
    assert_eq!(decode(&encoded[1..]), None);
    assert_eq!(decode(&[encoded.clone(), vec![0]].concat()), None);
}

#[test]
fn generation_needs_the_keystore_and_reports_its_refusal() {
    let chain = TestChain::new(genesis::DEV_PRESET).unwrap();
    let error = chain
        .read(|ext| api::call(ext, "SessionKeys_generate_session_keys", &[0], None))
        .unwrap_err();
    assert_eq!(
        error,
        RuntimeError::NeedsKeystore("SessionKeys_generate_session_keys")
    );
    let error = generate(None, &mut SeededKeys::default()).unwrap_err();
    assert!(
        matches!(&error, RuntimeError::Keystore(e) if e.key_type == known::BABE),
        "{error:?}"
    );
}
