//! Secret URIs: `<phrase | 0xseed | empty>[//hard | /soft]*[///password]`.
//!
//! An empty phrase means [`DEV_PHRASE`](super::DEV_PHRASE). A phrase is turned
//! into its BIP-39 *entropy*, then into a 32-byte mini secret by
//! PBKDF2-HMAC-SHA512(entropy, "mnemonic" ++ password, 2048) — Substrate's
//! derivation, which differs from BIP-39 seeds. A junction is hard when it is
//! written with `//`; its chain code is the SCALE encoding of the text (or of
//! the number, as u64, when it parses as one), zero-padded to 32 bytes, or
//! hashed with blake2-256 when longer.

use super::DEV_PHRASE;
use crate::hashing::blake2_256;
use crate::Error;
use codec::Encode;
use zeroize::Zeroizing;

/// One step of a derivation path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Junction {
    /// `/code`: derivable from the public key alone (sr25519 only).
    Soft([u8; 32]),
    /// `//code`: needs the secret.
    Hard([u8; 32]),
}

impl Junction {
    fn parse(code: &str, hard: bool) -> Self {
        let encoded = match code.parse::<u64>() {
            Ok(n) => n.encode(),
            Err(_) => code.encode(),
        };
        let mut chain_code = [0u8; 32];
        if encoded.len() > 32 {
            chain_code = blake2_256(&encoded);
        } else if let Some(dst) = chain_code.get_mut(..encoded.len()) {
            dst.copy_from_slice(&encoded);
        }
        if hard {
            Junction::Hard(chain_code)
        } else {
            Junction::Soft(chain_code)
        }
    }

    /// The 32-byte chain code.
    pub fn chain_code(&self) -> &[u8; 32] {
        match self {
            Junction::Soft(c) | Junction::Hard(c) => c,
        }
    }
}

/// A parsed secret URI.
pub struct SecretUri {
    /// The phrase, the `0x` seed, or empty (the dev phrase).
    pub phrase: Zeroizing<String>,
    /// The derivation path, in order.
    pub junctions: Vec<Junction>,
    /// The optional `///password`.
    pub password: Option<Zeroizing<String>>,
}

impl std::str::FromStr for SecretUri {
    type Err = Error;

    fn from_str(uri: &str) -> Result<Self, Error> {
        let (rest, password) = match uri.split_once("///") {
            Some((rest, pw)) => (rest, Some(Zeroizing::new(pw.to_string()))),
            None => (uri, None),
        };
        let path_start = rest.find('/').unwrap_or(rest.len());
        let (phrase, mut path) = rest.split_at(path_start);
        let mut junctions = Vec::new();
        while !path.is_empty() {
            let hard = path.starts_with("//");
            let body = path.trim_start_matches('/');
            let end = body.find('/').unwrap_or(body.len());
            let (code, tail) = body.split_at(end);
            if code.is_empty() {
                return Err(Error::SecretUri("empty junction".into()));
            }
            junctions.push(Junction::parse(code, hard));
            path = tail;
        }
        Ok(SecretUri {
            phrase: Zeroizing::new(phrase.trim().to_string()),
            junctions,
            password,
        })
    }
}

impl SecretUri {
    /// The 32-byte mini secret (seed) the URI's phrase or hex seed stands for.
    pub fn seed(&self) -> Result<Zeroizing<[u8; 32]>, Error> {
        let phrase: &str = if self.phrase.is_empty() {
            DEV_PHRASE
        } else {
            &self.phrase
        };
        if let Some(hex_seed) = phrase.strip_prefix("0x") {
            let bytes = Zeroizing::new(
                hex::decode(hex_seed)
                    .map_err(|e| Error::SecretUri(format!("bad hex seed: {e}")))?,
            );
            let seed: [u8; 32] = bytes
                .as_slice()
                .try_into()
                .map_err(|_| Error::SecretUri("a hex seed must be 32 bytes".into()))?;
            return Ok(Zeroizing::new(seed));
        }
        let password = self.password.as_ref().map(|p| p.as_str()).unwrap_or("");
        mini_secret_from_phrase(phrase, password)
    }
}

/// Substrate's mini secret from a BIP-39 phrase (English word list).
pub fn mini_secret_from_phrase(phrase: &str, password: &str) -> Result<Zeroizing<[u8; 32]>, Error> {
    let mnemonic = bip39::Mnemonic::parse_in(bip39::Language::English, phrase)
        .map_err(|e| Error::SecretUri(format!("invalid phrase: {e}")))?;
    let entropy = Zeroizing::new(mnemonic.to_entropy());
    mini_secret_from_entropy(&entropy, password)
}

/// PBKDF2-HMAC-SHA512(entropy, "mnemonic" ++ password, 2048)[..32].
pub fn mini_secret_from_entropy(
    entropy: &[u8],
    password: &str,
) -> Result<Zeroizing<[u8; 32]>, Error> {
    if entropy.len() < 16 || entropy.len() > 32 || !entropy.len().is_multiple_of(4) {
        return Err(Error::SecretUri(
            "entropy must be 16 to 32 bytes, a multiple of 4".into(),
        ));
    }
    let salt = Zeroizing::new(format!("mnemonic{password}"));
    let mut seed = Zeroizing::new([0u8; 64]);
    pbkdf2::pbkdf2_hmac::<sha2::Sha512>(entropy, salt.as_bytes(), 2048, seed.as_mut());
    let mut mini = Zeroizing::new([0u8; 32]);
    for (dst, src) in mini.iter_mut().zip(seed.iter()) {
        *dst = *src;
    }
    Ok(mini)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_phrase_mini_secret() {
        let mini = mini_secret_from_phrase(DEV_PHRASE, "").unwrap();
        assert_eq!(
            hex::encode(*mini),
            "fac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e"
        );
    }

    #[test]
    fn parses_junctions_and_password() {
        let uri: SecretUri = "//Alice/soft//1///pw".parse().unwrap();
        assert_eq!(uri.junctions.len(), 3);
        assert!(matches!(uri.junctions[0], Junction::Hard(_)));
        assert!(matches!(uri.junctions[1], Junction::Soft(_)));
        let mut alice = [0u8; 32];
        alice[..6].copy_from_slice(&[0x14, b'A', b'l', b'i', b'c', b'e']);
        assert_eq!(uri.junctions[0].chain_code(), &alice);
        let mut one = [0u8; 32];
        one[0] = 1;
        assert_eq!(uri.junctions[2].chain_code(), &one);
        assert_eq!(uri.password.as_deref().map(String::as_str), Some("pw"));
    }

    #[test]
    fn rejects_bad_input() {
        assert!("//Alice//".parse::<SecretUri>().is_err());
        let bad_phrase: SecretUri = "not a valid phrase at all".parse().unwrap();
        assert!(bad_phrase.seed().is_err());
        let short_seed: SecretUri = "0x1234".parse().unwrap();
        assert!(short_seed.seed().is_err());
    }
}
