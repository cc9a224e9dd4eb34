//! Keys: the node key file Substrate keeps at
//! `<base>/chains/<id>/network/secret_ed25519` (or `--node-key-file`), and
//! `key generate|inspect`. The keystore itself is `entroos-keystore`; the
//! `key insert`, `generate-node-key` and `inspect-node-key` commands are in
//! [`crate::key_commands`].

use entroos_primitives::crypto::{ed25519, sr25519};
use entroos_primitives::ss58;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Key errors.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// A secret URI, seed or address that does not parse.
    #[error(transparent)]
    Crypto(#[from] entroos_primitives::Error),
    /// Input that looks like an SS58 address, but is not a valid one.
    #[error("{input:?} is neither a secret URI nor a valid SS58 address")]
    Address {
        /// What was given.
        input: String,
        /// Why it is not an address.
        #[source]
        source: entroos_primitives::Error,
    },
    /// The keystore.
    #[error(transparent)]
    Keystore(#[from] entroos_keystore::KeystoreError),
    /// `key insert` without `--suri`.
    #[error("--suri is required: give the secret URI, or the path of a file holding it")]
    SuriMissing,
    /// The `--suri` file cannot be read.
    #[error("cannot read the secret URI from {}", path.display())]
    SuriFile {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// `generate-node-key` would replace a stored node key.
    #[error("A network key already exists in path {}", .0.display())]
    NodeKeyExists(PathBuf),
    /// A node key that is not an ed25519 secret.
    #[error("bad node key")]
    NodeKey(#[from] entroos_network::NodeKeyError),
    /// The node key cannot be read from stdin or written to stdout.
    #[error("cannot {what} the node key")]
    NodeKeyStream {
        /// `read` or `write`.
        what: &'static str,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The scheme is not known.
    #[error("unknown scheme {0:?}: use sr25519 or ed25519")]
    Scheme(String),
    /// A phrase length BIP-39 does not have.
    #[error("a phrase has 12, 15, 18, 21 or 24 words, not {0}")]
    WordCount(usize),
    /// An SS58 network prefix above the largest one.
    #[error("SS58 network prefix {0} is out of range: valid prefixes are 0..={max} except the reserved 46 and 47", max = MAX_SS58_PREFIX)]
    NetworkRange(u64),
    /// One of the two prefixes Substrate refuses in addresses.
    #[error("SS58 network prefix {0} is reserved (Substrate refuses addresses with it): valid prefixes are 0..={max} except 46 and 47", max = MAX_SS58_PREFIX)]
    NetworkReserved(u16),
    /// Neither a number nor a known network name.
    #[error("unknown SS58 network {0:?}: give a prefix 0..={max} (except the reserved 46 and 47) or one of polkadot, kusama, substrate", max = MAX_SS58_PREFIX)]
    NetworkUnknown(String),
    /// The node key file exists but cannot be read.
    #[error("cannot read the node key {}", path.display())]
    NodeKeyRead {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A new node key cannot be stored.
    #[error("cannot store a new node key at {}", path.display())]
    NodeKeyWrite {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The node key file holds neither 32 raw bytes nor 64 hex characters.
    #[error("node key file {} holds {len} bytes, not an ed25519 secret (32 raw bytes or 64 hex characters): fix or remove it", path.display())]
    NodeKeyMalformed {
        /// The file.
        path: PathBuf,
        /// Its length.
        len: usize,
    },
}

/// The largest SS58 network prefix (14 bits).
pub const MAX_SS58_PREFIX: u16 = 16383;

/// The network names `--network` takes besides numbers, as Substrate's
/// registry spells them.
const NETWORK_NAMES: [(&str, u16); 3] = [("polkadot", 0), ("kusama", 2), ("substrate", 42)];

/// The file, under `<base>/chains/<id>/network/`, that holds the node key.
pub const NODE_KEY_FILE: &str = "secret_ed25519";

/// `--network`: a prefix in `0..=16383` other than 46 and 47, or a name.
pub fn parse_network(text: &str) -> Result<u16, KeyError> {
    if let Some((_, prefix)) = NETWORK_NAMES.iter().find(|(name, _)| *name == text) {
        return Ok(*prefix);
    }
    let number: u64 = text
        .parse()
        .map_err(|_| KeyError::NetworkUnknown(text.into()))?;
    let prefix = u16::try_from(number).map_err(|_| KeyError::NetworkRange(number))?;
    check_network(prefix)
}

/// `prefix` if addresses may carry it.
pub fn check_network(prefix: u16) -> Result<u16, KeyError> {
    match prefix {
        46 | 47 => Err(KeyError::NetworkReserved(prefix)),
        p if p > MAX_SS58_PREFIX => Err(KeyError::NetworkRange(u64::from(p))),
        p => Ok(p),
    }
}

/// The network id `key inspect` prints: the registry name or the number.
fn network_id(prefix: u16) -> String {
    NETWORK_NAMES
        .iter()
        .find(|(_, p)| *p == prefix)
        .map_or_else(|| prefix.to_string(), |(name, _)| (*name).to_string())
}

/// Where Substrate keeps a chain's node key under a base path.
pub fn node_key_path(base: &Path, chain_id: &str) -> PathBuf {
    base.join("chains")
        .join(chain_id)
        .join("network")
        .join(NODE_KEY_FILE)
}

/// The node key (hex) to run with: `--node-key` if given, else the one in
/// `--node-key-file`, else the one stored under the base path (a missing
/// file is made on first use, as Substrate does).
pub fn node_key_hex(
    flag: Option<&str>,
    file: Option<&Path>,
    base: &Path,
    chain_id: &str,
) -> Result<String, KeyError> {
    match (flag, file) {
        (Some(key), _) => Ok(key.to_string()),
        (None, Some(file)) => load_or_create_node_key(file, random_secret).map(hex::encode),
        (None, None) => load_or_generate_node_key(base, chain_id).map(hex::encode),
    }
}

/// The ed25519 node key secret at `<base>/chains/<id>/network/secret_ed25519`,
/// made from the operating system's randomness and stored (mode 0600, raw
/// 32 bytes, as Substrate writes it) when there is none. A file that cannot
/// be read or holds no key is an error; it is never replaced.
pub fn load_or_generate_node_key(base: &Path, chain_id: &str) -> Result<[u8; 32], KeyError> {
    load_or_create_node_key(&node_key_path(base, chain_id), random_secret)
}

/// 32 bytes from the operating system's randomness.
pub fn random_secret() -> [u8; 32] {
    use rand::RngCore;
    let mut secret = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    secret
}

/// The node key at `path`, or a new one from `generate` stored there.
pub fn load_or_create_node_key(
    path: &Path,
    generate: impl FnOnce() -> [u8; 32],
) -> Result<[u8; 32], KeyError> {
    match std::fs::read(path) {
        Ok(bytes) => parse_node_key(path, &bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => store_node_key(path, generate()),
        Err(source) => Err(KeyError::NodeKeyRead {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// A node key file's secret: 32 raw bytes, or 64 hex characters (both of
/// which Substrate reads).
fn parse_node_key(path: &Path, bytes: &[u8]) -> Result<[u8; 32], KeyError> {
    let malformed = || KeyError::NodeKeyMalformed {
        path: path.to_path_buf(),
        len: bytes.len(),
    };
    if bytes.len() == 64 {
        let mut secret = [0u8; 32];
        hex::decode_to_slice(bytes, &mut secret).map_err(|_| malformed())?;
        return Ok(secret);
    }
    bytes.try_into().map_err(|_| malformed())
}

/// Stores `secret` at `path` unless a key is already there; if another
/// process stored a key first, that key is the one used.
fn store_node_key(path: &Path, secret: [u8; 32]) -> Result<[u8; 32], KeyError> {
    match write_private(path, &secret, false) {
        Ok(()) => Ok(secret),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            load_or_create_node_key(path, || secret)
        }
        Err(source) => Err(KeyError::NodeKeyWrite {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Writes `data` to a private (0600) temporary file beside `path`, synced,
/// then moves it into place whole: replacing what is there if `replace`,
/// otherwise only if `path` is absent (else `AlreadyExists`, and the file
/// there is untouched). The directory is created if missing.
pub fn write_private(path: &Path, data: &[u8], replace: bool) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    set_private(file.path())?;
    file.write_all(data)?;
    file.as_file().sync_all()?;
    let placed = match replace {
        true => file.persist(path).map(drop),
        false => file.persist_noclobber(path).map(drop),
    };
    placed.map_err(|e| e.error)
}

#[cfg(unix)]
fn set_private(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn set_private(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// The text `key inspect` prints for `uri`: a secret URI (phrase, seed or
/// derivation path), or an SS58 address, whose own network is used unless
/// `network` is given.
pub fn inspect(
    uri: &str,
    scheme: &str,
    network: Option<u16>,
    json: bool,
) -> Result<String, KeyError> {
    let network = network.map(check_network).transpose()?;
    let public = match scheme {
        "sr25519" => sr25519::Pair::from_uri(uri).map(|p| p.public()),
        "ed25519" => ed25519::Pair::from_uri(uri).map(|p| p.public()),
        other => return Err(KeyError::Scheme(other.into())),
    };
    match public {
        Ok(public) => {
            let network = network.unwrap_or(ss58::DEFAULT_PREFIX);
            Ok(describe_secret(uri, scheme, &public, network, json))
        }
        Err(uri_error) => inspect_address(uri, network, json, uri_error),
    }
}

/// `key inspect` of an SS58 address, as Substrate prints a public key URI.
fn inspect_address(
    input: &str,
    network: Option<u16>,
    json: bool,
    uri_error: entroos_primitives::Error,
) -> Result<String, KeyError> {
    let (own, public) = match ss58::decode(input) {
        Ok(decoded) => decoded,
        Err(source) if looks_like_address(input) => {
            return Err(KeyError::Address {
                input: input.into(),
                source,
            })
        }
        Err(_) => return Err(uri_error.into()),
    };
    let network = network.unwrap_or(own);
    let hex_public = format!("0x{}", hex::encode(public));
    let address = ss58::encode(network, &public);
    let network_id = network_id(network);
    if json {
        let value = serde_json::json!({
            "publicKeyUri": input,
            "networkId": network_id,
            "publicKey": hex_public,
            "accountId": hex_public,
            "ss58PublicKey": address,
            "ss58Address": address,
        });
        return Ok(value.to_string());
    }
    Ok(format!(
        "Public Key URI `{input}` is account:\n  Network ID/Version: {network_id}\n  Public key (hex):   {hex_public}\n  Account ID:         {hex_public}\n  Public key (SS58):  {address}\n  SS58 Address:       {address}\n"
    ))
}

/// One base58 word of an address's length: an address, not a phrase.
fn looks_like_address(input: &str) -> bool {
    const BASE58: &str = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    input.len() >= 40 && input.chars().all(|c| BASE58.contains(c))
}

fn describe_secret(uri: &str, scheme: &str, public: &[u8; 32], network: u16, json: bool) -> String {
    let hex_public = format!("0x{}", hex::encode(public));
    let address = ss58::encode(network, public);
    let network_id = network_id(network);
    if json {
        let value = serde_json::json!({
            "secretPhrase": uri,
            "networkId": network_id,
            "publicKey": hex_public,
            "accountId": hex_public,
            "ss58PublicKey": address,
            "ss58Address": address,
        });
        return value.to_string();
    }
    format!(
        "Secret Key URI `{uri}` is account:\n  Network ID:        {network_id}\n  Scheme:            {scheme}\n  Public key (hex):  {hex_public}\n  Account ID:        {hex_public}\n  Public key (SS58): {address}\n  SS58 Address:      {address}\n"
    )
}

/// A new random phrase of `words` words.
pub fn generate_phrase(words: usize) -> Result<String, KeyError> {
    bip39::Mnemonic::generate(words)
        .map(|m| m.to_string())
        .map_err(|_| KeyError::WordCount(words))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

    #[test]
    fn alice_inspects_to_her_well_known_address() {
        let text = inspect("//Alice", "sr25519", Some(42), false).unwrap();
        assert!(text.contains(ALICE), "{text}");
        let ed = inspect("//Alice", "ed25519", None, true).unwrap();
        assert!(
            ed.contains("5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTpu"),
            "{ed}"
        );
        assert!(inspect("//Alice", "ecdsa", None, false).is_err());
        let polkadot = inspect("//Alice", "sr25519", Some(0), true).unwrap();
        assert!(polkadot.contains("15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5"));
        assert!(
            polkadot.contains("\"networkId\":\"polkadot\""),
            "{polkadot}"
        );
    }

    #[test]
    fn networks_beyond_14_bits_and_the_reserved_ones_are_refused() {
        assert_eq!(parse_network("0").unwrap(), 0);
        assert_eq!(parse_network("16383").unwrap(), 16383);
        assert_eq!(parse_network("kusama").unwrap(), 2);
        assert!(matches!(
            parse_network("16384"),
            Err(KeyError::NetworkRange(16384))
        ));
        assert!(matches!(
            parse_network("65535"),
            Err(KeyError::NetworkRange(65535))
        ));
        assert!(matches!(
            parse_network("70000"),
            Err(KeyError::NetworkRange(70000))
        ));
        assert!(matches!(
            parse_network("46"),
            Err(KeyError::NetworkReserved(46))
        ));
        assert!(matches!(
            parse_network("47"),
            Err(KeyError::NetworkReserved(47))
        ));
        assert!(matches!(
            parse_network("-1"),
            Err(KeyError::NetworkUnknown(_))
        ));
        let message = parse_network("16384").unwrap_err().to_string();
        assert!(message.contains("0..=16383"), "{message}");
        assert!(matches!(
            inspect("//Alice", "sr25519", Some(16384), false),
            Err(KeyError::NetworkRange(16384))
        ));
    }

    #[test]
    fn an_address_inspects_to_its_key_and_network() {
        let text = inspect(ALICE, "sr25519", None, false).unwrap();
        assert!(
            text.starts_with(&format!("Public Key URI `{ALICE}` is account:")),
            "{text}"
        );
        assert!(text.contains("Network ID/Version: substrate"), "{text}");
        assert!(text.contains("0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"));
        let polkadot = "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5";
        let json: serde_json::Value =
            serde_json::from_str(&inspect(polkadot, "sr25519", None, true).unwrap()).unwrap();
        assert_eq!(json["networkId"], "polkadot");
        assert_eq!(json["ss58Address"], polkadot);
        let moved = inspect(polkadot, "sr25519", Some(42), true).unwrap();
        assert!(moved.contains(ALICE), "{moved}");
        let typo = format!("{}Z", &ALICE[..ALICE.len() - 1]);
        assert!(matches!(
            inspect(&typo, "sr25519", None, false),
            Err(KeyError::Address { .. })
        ));
        assert!(matches!(
            inspect("not a phrase at all", "sr25519", None, false),
            Err(KeyError::Crypto(_))
        ));
    }

    #[test]
    fn generated_phrases_derive_keys() {
        let phrase = generate_phrase(12).unwrap();
        assert_eq!(phrase.split(' ').count(), 12);
        assert!(inspect(&phrase, "sr25519", None, false).is_ok());
        assert!(matches!(generate_phrase(13), Err(KeyError::WordCount(13))));
    }

    #[test]
    fn a_node_key_is_made_once_in_substrates_place_and_kept() {
        let base = tempfile::tempdir().unwrap();
        let path = base
            .path()
            .join("chains/local_testnet/network/secret_ed25519");
        assert_eq!(node_key_path(base.path(), "local_testnet"), path);
        let first = load_or_generate_node_key(base.path(), "local_testnet").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), first.to_vec());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{mode:o}");
        }
        assert_eq!(
            load_or_generate_node_key(base.path(), "local_testnet").unwrap(),
            first
        );
        assert_ne!(
            load_or_generate_node_key(base.path(), "dev").unwrap(),
            first,
            "each chain has its own key"
        );
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [NODE_KEY_FILE], "no temporary file is left behind");
        assert_eq!(
            node_key_hex(None, None, base.path(), "local_testnet").unwrap(),
            hex::encode(first)
        );
        assert_eq!(
            node_key_hex(Some("ab"), Some(&path), base.path(), "local_testnet").unwrap(),
            "ab"
        );
        let file = base.path().join("elsewhere/node-key");
        let made = node_key_hex(None, Some(&file), base.path(), "local_testnet").unwrap();
        assert_ne!(made, hex::encode(first), "a new key in the file given");
        assert_eq!(std::fs::read(&file).unwrap(), hex::decode(&made).unwrap());
        assert_eq!(
            node_key_hex(None, Some(&file), base.path(), "local_testnet").unwrap(),
            made
        );
    }

    #[test]
    fn node_key_files_in_substrates_hex_form_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(NODE_KEY_FILE);
        std::fs::write(&path, "11".repeat(32)).unwrap();
        let key = load_or_create_node_key(&path, || unreachable!()).unwrap();
        assert_eq!(key, [0x11; 32]);
    }

    #[test]
    fn a_malformed_or_unreadable_node_key_is_an_error_and_stays() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(NODE_KEY_FILE);
        for bad in [
            &b""[..],
            &[7u8; 31][..],
            &[7u8; 33][..],
            "zz".repeat(32).as_bytes(),
        ] {
            std::fs::write(&path, bad).unwrap();
            let error = load_or_create_node_key(&path, || [1; 32]).unwrap_err();
            assert!(
                matches!(&error, KeyError::NodeKeyMalformed { len, .. } if *len == bad.len()),
                "{error:?}"
            );
            assert_eq!(std::fs::read(&path).unwrap(), bad, "never replaced");
        }
        let a_dir = dir.path().join("is-a-dir");
        std::fs::create_dir(&a_dir).unwrap();
        assert!(matches!(
            load_or_create_node_key(&a_dir, || [1; 32]),
            Err(KeyError::NodeKeyRead { .. })
        ));
        let under_a_file = path.join("secret_ed25519");
        assert!(matches!(
            load_or_create_node_key(&under_a_file, || [1; 32]),
            Err(KeyError::NodeKeyRead { .. } | KeyError::NodeKeyWrite { .. })
        ));
    }

    #[test]
    fn a_key_stored_by_another_process_first_wins() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(NODE_KEY_FILE);
        std::fs::write(&path, [9u8; 32]).unwrap();
        assert_eq!(store_node_key(&path, [1; 32]).unwrap(), [9; 32]);
        assert_eq!(std::fs::read(&path).unwrap(), [9u8; 32]);
    }
}
