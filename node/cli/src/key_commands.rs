//! The `key` subcommands that read and write key files, as Substrate's:
//!
//! - `key insert --key-type <4 chars> --scheme <sr25519|ed25519> --suri
//!   <uri or file>`: stores the key in the keystore directory the node
//!   reads (`--keystore-path`, else `<base>/chains/<chain id>/keystore`,
//!   the chain resolved as `run` resolves it). Without `--suri` it stops
//!   with an error rather than prompting.
//! - `key generate-node-key [--file F | --base-path P | --default-base-path]
//!   [--chain C] [--bin]`: a new random node key, hex (or 32 raw bytes with
//!   `--bin`) to the file, to `<P>/chains/<id>/network/secret_ed25519`
//!   (refused if a key is there already), or to stdout; its peer id to
//!   stderr. Files are written whole, mode 0600.
//! - `key inspect-node-key [--file F] [--bin]`: the peer id of a node key
//!   read from the file or stdin (hex, surrounding white space allowed).

use crate::chain_spec::ChainSpec;
use crate::cli::{default_base_path, GenerateNodeKeyArgs, InsertArgs, InspectNodeKeyArgs};
use crate::keys::{self, KeyError};
use crate::service::{self, ServiceError};
use entroos_keystore::Keystore;
use entroos_network::NodeKey;
use entroos_primitives::crypto::KeyTypeId;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// A key `key insert` stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inserted {
    /// The keystore directory.
    pub dir: PathBuf,
    /// The key's public key.
    pub public: [u8; 32],
}

/// `--suri`: the URI itself, or the content of the file it names (without
/// trailing white space).
fn read_suri(suri: Option<&str>) -> Result<Zeroizing<String>, KeyError> {
    let suri = suri.ok_or(KeyError::SuriMissing)?;
    let path = Path::new(suri);
    if !path.is_file() {
        return Ok(Zeroizing::new(suri.to_string()));
    }
    let text = std::fs::read_to_string(path).map_err(|source| KeyError::SuriFile {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(Zeroizing::new(Zeroizing::new(text).trim_end().to_string()))
}

/// `key insert`.
pub fn insert(args: &InsertArgs) -> Result<Inserted, ServiceError> {
    let suri = read_suri(args.suri.as_deref())?;
    let key_type = KeyTypeId::from_text(&args.key_type).map_err(KeyError::from)?;
    let public = args.scheme.public_from_uri(&suri).map_err(KeyError::from)?;
    let spec = ChainSpec::load(&args.shared.chain_name())?;
    let dir = service::keystore_dir(
        args.keystore_path.as_deref(),
        &args.shared.base_path(),
        &spec,
    );
    Keystore::open(&dir)
        .insert(key_type, &suri, &public)
        .map_err(KeyError::from)?;
    Ok(Inserted { dir, public })
}

/// `key generate-node-key`: writes the key where the arguments say (or to
/// `out`), then its peer id to `err`. Returns the peer id.
pub fn generate_node_key(
    args: &GenerateNodeKeyArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<String, ServiceError> {
    let key = NodeKey::generate();
    let data = Zeroizing::new(match args.bin {
        true => key.to_bytes().to_vec(),
        false => hex::encode(key.to_bytes()).into_bytes(),
    });
    let stored_in = match (&args.file, &args.base_path, args.default_base_path) {
        (Some(file), _, _) => Some(write_file(file, &data, true)?),
        (None, Some(base), _) => Some(write_in_base(base, args.chain.as_deref(), &data, err)?),
        (None, None, true) => Some(write_in_base(
            &default_base_path(),
            args.chain.as_deref(),
            &data,
            err,
        )?),
        (None, None, false) => None,
    };
    if stored_in.is_none() {
        out.write_all(&data).map_err(stream("write"))?;
        out.flush().map_err(stream("write"))?;
    }
    let peer_id = key.peer_id().to_base58();
    writeln!(err, "{peer_id}").map_err(stream("write"))?;
    Ok(peer_id)
}

fn stream(what: &'static str) -> impl Fn(std::io::Error) -> KeyError {
    move |source| KeyError::NodeKeyStream { what, source }
}

/// Writes the key to `<base>/chains/<id>/network/secret_ed25519`, which
/// must not hold a key yet.
fn write_in_base(
    base: &Path,
    chain: Option<&str>,
    data: &[u8],
    err: &mut dyn Write,
) -> Result<PathBuf, ServiceError> {
    let spec = ChainSpec::load(chain.unwrap_or("local"))?;
    let path = keys::node_key_path(base, &spec.info.id);
    if path.exists() {
        let _ = writeln!(err, "Skip generation, a key already exists in {path:?}");
        return Err(KeyError::NodeKeyExists(path).into());
    }
    let _ = writeln!(err, "Generating key in {path:?}");
    write_file(&path, data, false)
}

fn write_file(path: &Path, data: &[u8], replace: bool) -> Result<PathBuf, ServiceError> {
    keys::write_private(path, data, replace).map_err(|source| match source.kind() {
        std::io::ErrorKind::AlreadyExists => KeyError::NodeKeyExists(path.to_path_buf()),
        _ => KeyError::NodeKeyWrite {
            path: path.to_path_buf(),
            source,
        },
    })?;
    Ok(path.to_path_buf())
}

/// `key inspect-node-key`: the peer id of the key in the file, or in
/// `stdin` without one.
pub fn inspect_node_key(
    args: &InspectNodeKeyArgs,
    stdin: &mut dyn Read,
) -> Result<String, KeyError> {
    let data = Zeroizing::new(match &args.file {
        Some(path) => std::fs::read(path).map_err(|source| KeyError::NodeKeyRead {
            path: path.clone(),
            source,
        })?,
        None => {
            let mut data = Vec::with_capacity(64);
            stdin.read_to_end(&mut data).map_err(stream("read"))?;
            data
        }
    });
    let key = match args.bin {
        true => NodeKey::from_bytes(&data)?,
        false => NodeKey::from_hex(&String::from_utf8_lossy(&data))?,
    };
    Ok(key.peer_id().to_base58())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn generate_args(extra: &[&str]) -> GenerateNodeKeyArgs {
        #[derive(Parser)]
        struct Wrapper {
            #[command(flatten)]
            args: GenerateNodeKeyArgs,
        }
        let argv = std::iter::once("generate-node-key").chain(extra.iter().copied());
        Wrapper::parse_from(argv).args
    }

    fn inspect(file: Option<&Path>, bin: bool, stdin: &[u8]) -> Result<String, KeyError> {
        let args = InspectNodeKeyArgs {
            file: file.map(Path::to_path_buf),
            bin,
        };
        inspect_node_key(&args, &mut &stdin[..])
    }

    #[test]
    fn a_key_on_stdout_is_hex_and_inspects_to_the_peer_id_on_stderr() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let peer_id = generate_node_key(&generate_args(&[]), &mut out, &mut err).unwrap();
        assert_eq!(out.len(), 64, "hex, no newline");
        assert_eq!(String::from_utf8(err).unwrap(), format!("{peer_id}\n"));
        assert!(peer_id.starts_with("12D3KooW"), "{peer_id}");
        assert_eq!(inspect(None, false, &out).unwrap(), peer_id);
        let spaced = [b"  0x".as_slice(), &out, b"\n"].concat();
        assert_eq!(inspect(None, false, &spaced).unwrap(), peer_id);
    }

    #[test]
    fn a_binary_key_file_is_private_and_replaced_when_named_again() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("node.key");
        let text = file.to_str().unwrap();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let args = generate_args(&["--file", text, "--bin"]);
        let first = generate_node_key(&args, &mut out, &mut err).unwrap();
        assert!(out.is_empty());
        assert_eq!(std::fs::read(&file).unwrap().len(), 32);
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(inspect(Some(&file), true, b"").unwrap(), first);
        let second = generate_node_key(&args, &mut out, &mut err).unwrap();
        assert_ne!(
            first, second,
            "--file replaces the key, as Substrate's does"
        );
        assert_eq!(inspect(Some(&file), true, b"").unwrap(), second);
    }

    #[test]
    fn a_base_path_key_goes_to_the_chains_network_dir_once() {
        let base = tempfile::tempdir().unwrap();
        let text = base.path().to_str().unwrap();
        let args = generate_args(&["--base-path", text, "--chain", "dev"]);
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let peer_id = generate_node_key(&args, &mut out, &mut err).unwrap();
        let path = base.path().join("chains/dev/network/secret_ed25519");
        let stored = std::fs::read(&path).unwrap();
        assert_eq!(stored.len(), 64);
        assert_eq!(inspect(Some(&path), false, b"").unwrap(), peer_id);
        assert_eq!(
            keys::load_or_create_node_key(&path, || unreachable!())
                .unwrap()
                .to_vec(),
            hex::decode(&stored).unwrap(),
            "the node reads the key the command wrote"
        );
        let error = generate_node_key(&args, &mut out, &mut err).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("A network key already exists in path"),
            "{error}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), stored, "kept");
    }

    #[test]
    fn bad_node_keys_are_refused() {
        for (bin, data) in [
            (false, &b"zz"[..]),
            (false, &b"abcd"[..]),
            (true, &[1u8; 31][..]),
        ] {
            assert!(
                matches!(inspect(None, bin, data), Err(KeyError::NodeKey(_))),
                "{data:?}"
            );
        }
        let missing = Path::new("/nonexistent/node.key");
        assert!(matches!(
            inspect(Some(missing), false, b""),
            Err(KeyError::NodeKeyRead { .. })
        ));
    }

    #[test]
    fn a_suri_may_be_a_file_and_is_required() {
        assert!(matches!(read_suri(None), Err(KeyError::SuriMissing)));
        assert_eq!(read_suri(Some("//Alice")).unwrap().as_str(), "//Alice");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("suri");
        std::fs::write(&file, "//Bob\n").unwrap();
        assert_eq!(read_suri(file.to_str()).unwrap().as_str(), "//Bob");
    }
}
