//! sr25519 (Schnorr over ristretto255) with the signing context `substrate`.

use super::suri::{Junction, SecretUri};
use crate::Error;
use schnorrkel::derive::Derivation;
use schnorrkel::{ExpansionMode, Keypair, MiniSecretKey, PublicKey, SecretKey};

/// The signing context Substrate uses for every sr25519 signature.
pub const SIGNING_CONTEXT: &[u8] = b"substrate";

/// An sr25519 key pair.
#[derive(Clone)]
pub struct Pair(Keypair);

impl Pair {
    /// The pair whose mini secret is `seed`.
    pub fn from_seed(seed: &[u8; 32]) -> Result<Self, Error> {
        let mini = MiniSecretKey::from_bytes(seed).map_err(|_| Error::Key("bad sr25519 seed"))?;
        Ok(Pair(mini.expand_to_keypair(ExpansionMode::Ed25519)))
    }

    /// The pair a secret URI stands for (`//Alice`, `<phrase>//stash`, `0x<seed>`).
    pub fn from_uri(uri: &str) -> Result<Self, Error> {
        let uri: SecretUri = uri.parse()?;
        let mut secret = Self::from_seed(&*uri.seed()?)?.0.secret.clone();
        for junction in &uri.junctions {
            secret = derive(&secret, junction);
        }
        Ok(Pair(secret.to_keypair()))
    }

    /// The public key.
    pub fn public(&self) -> [u8; 32] {
        self.0.public.to_bytes()
    }

    /// The schnorrkel key pair, for uses beyond signing (slot VRFs).
    pub fn as_schnorrkel(&self) -> &Keypair {
        &self.0
    }

    /// Signs `message` (randomized: two signatures of one message differ).
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign_simple(SIGNING_CONTEXT, message).to_bytes()
    }
}

fn derive(secret: &SecretKey, junction: &Junction) -> SecretKey {
    let chain_code = schnorrkel::derive::ChainCode(*junction.chain_code());
    match junction {
        Junction::Soft(_) => secret.derived_key_simple(chain_code, []).0,
        Junction::Hard(_) => secret
            .hard_derive_mini_secret_key(Some(chain_code), b"")
            .0
            .expand(ExpansionMode::Ed25519),
    }
}

/// Verifies one signature; malformed keys or signatures verify as false.
pub fn verify(signature: &[u8; 64], message: &[u8], public: &[u8; 32]) -> bool {
    let (Ok(public), Ok(signature)) = (
        PublicKey::from_bytes(public),
        schnorrkel::Signature::from_bytes(signature),
    ) else {
        return false;
    };
    public
        .verify_simple(SIGNING_CONTEXT, message, &signature)
        .is_ok()
}

/// Verifies many signatures at once (about twice as fast per signature);
/// true only if every one is valid. Empty input verifies.
pub fn verify_batch(items: &[(&[u8], [u8; 64], [u8; 32])]) -> bool {
    let mut transcripts = Vec::with_capacity(items.len());
    let mut signatures = Vec::with_capacity(items.len());
    let mut publics = Vec::with_capacity(items.len());
    let context = schnorrkel::signing_context(SIGNING_CONTEXT);
    for (message, signature, public) in items {
        let (Ok(public), Ok(signature)) = (
            PublicKey::from_bytes(public),
            schnorrkel::Signature::from_bytes(signature),
        ) else {
            return false;
        };
        transcripts.push(context.bytes(message));
        signatures.push(signature);
        publics.push(public);
    }
    schnorrkel::verify_batch(transcripts, &signatures, &publics, false).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public_hex(uri: &str) -> String {
        hex::encode(Pair::from_uri(uri).unwrap().public())
    }

    #[test]
    fn dev_accounts_match_substrate() {
        let cases = [
            (
                "//Alice",
                "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d",
            ),
            (
                "//Bob",
                "8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48",
            ),
            (
                "//Charlie",
                "90b5ab205c6974c9ea841be688864633dc9ca8a357843eeacf2314649965fe22",
            ),
            (
                "//Dave",
                "306721211d5404bd9da88e0204360a1a9ab8b87c66c1bc2fcdd37f3c2222cc20",
            ),
            (
                "//Eve",
                "e659a7a1628cdd93febc04a4e0646ea20e9f5f0ce097d9a05290d4a9e054df4e",
            ),
            (
                "//Ferdie",
                "1cbd2d43530a44705ad088af313e18f80b53ef16b36177cd4b77b846f2a5f07c",
            ),
            (
                "//Alice//stash",
                "be5ddb1579b72e84524fc29e78609e3caf42e85aa118ebfe0b0ad404b5bdd25f",
            ),
            (
                "//Bob//stash",
                "fe65717dad0447d715f660a0a58411de509b42e6efb8375f562f58a554d5860e",
            ),
            (
                "",
                "46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a",
            ),
        ];
        for (uri, expected) in cases {
            assert_eq!(public_hex(uri), expected, "{uri}");
        }
    }

    #[test]
    fn soft_derivation_is_deterministic_and_distinct() {
        let a = public_hex("//Alice/soft");
        assert_eq!(a, public_hex("//Alice/soft"));
        assert_ne!(a, public_hex("//Alice"));
    }

    #[test]
    fn sign_and_verify() {
        let pair = Pair::from_uri("//Alice").unwrap();
        let sig = pair.sign(b"hello");
        assert!(verify(&sig, b"hello", &pair.public()));
        assert!(!verify(&sig, b"hellp", &pair.public()));
        assert!(!verify(&[0u8; 64], b"hello", &pair.public()));
        let items = [
            (&b"hello"[..], sig, pair.public()),
            (&b"x"[..], pair.sign(b"x"), pair.public()),
        ];
        assert!(verify_batch(&items));
        let bad = [
            (&b"hello"[..], sig, pair.public()),
            (&b"y"[..], pair.sign(b"x"), pair.public()),
        ];
        assert!(!verify_batch(&bad));
    }
}
