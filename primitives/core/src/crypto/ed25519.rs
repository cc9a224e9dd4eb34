//! ed25519 keys, for finality votes. Only hard derivation exists: the seed of
//! `//code` is `blake2_256(SCALE(("Ed25519HDKD", seed, chain_code)))`.

use super::suri::{Junction, SecretUri};
use crate::hashing::blake2_256;
use crate::Error;
use codec::Encode;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};

/// An ed25519 key pair.
#[derive(Clone)]
pub struct Pair(SigningKey);

impl Pair {
    /// The pair with this 32-byte seed.
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Pair(SigningKey::from_bytes(seed))
    }

    /// The pair a secret URI stands for; soft junctions are an error.
    pub fn from_uri(uri: &str) -> Result<Self, Error> {
        let uri: SecretUri = uri.parse()?;
        let mut seed = *uri.seed()?;
        for junction in &uri.junctions {
            match junction {
                Junction::Hard(code) => seed = blake2_256(&("Ed25519HDKD", seed, *code).encode()),
                Junction::Soft(_) => {
                    return Err(Error::SecretUri("ed25519 has no soft derivation".into()))
                }
            }
        }
        Ok(Self::from_seed(&seed))
    }

    /// The public key.
    pub fn public(&self) -> [u8; 32] {
        self.0.verifying_key().to_bytes()
    }

    /// Signs `message` (deterministic).
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }
}

/// Verifies one signature; malformed keys verify as false.
pub fn verify(signature: &[u8; 64], message: &[u8], public: &[u8; 32]) -> bool {
    let Ok(key) = VerifyingKey::from_bytes(public) else {
        return false;
    };
    key.verify_strict(message, &ed25519_dalek::Signature::from_bytes(signature))
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alice_matches_substrate() {
        let alice = Pair::from_uri("//Alice").unwrap();
        assert_eq!(
            hex::encode(alice.public()),
            "88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee"
        );
        assert_eq!(
            crate::ss58::encode(42, &alice.public()),
            "5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTpu"
        );
    }

    #[test]
    fn sign_verify_and_no_soft_paths() {
        let pair = Pair::from_uri("//Bob").unwrap();
        let sig = pair.sign(b"m");
        assert!(verify(&sig, b"m", &pair.public()));
        assert!(!verify(&sig, b"n", &pair.public()));
        assert!(Pair::from_uri("//Alice/soft").is_err());
    }
}
