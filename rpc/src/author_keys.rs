//! `author_*` key methods: inserting keys, rotating the session keys and
//! asking whether keys are held. All are unsafe: a node serving safe
//! methods only refuses them (-32601) after reading their parameters, as
//! Substrate does. Key errors carry Substrate's author code 1040.

use crate::error::{bad_key_type, invalid_session_keys, unsafe_call};
use crate::params::{to_hex, Args};
use crate::server::Deps;
use codec::{Decode, Encode};
use entroos_primitives::crypto::KeyTypeId;
use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::RpcModule;

/// The runtime API that turns session keys into `(public key, key type)`.
const DECODE_SESSION_KEYS: &str = "SessionKeys_decode_session_keys";

fn key_type(text: &str) -> Result<KeyTypeId, ErrorObjectOwned> {
    KeyTypeId::from_text(text).map_err(|_| bad_key_type())
}

fn refuse_if_unsafe(deps: &Deps) -> Result<(), ErrorObjectOwned> {
    match deps.deny_unsafe {
        true => Err(unsafe_call()),
        false => Ok(()),
    }
}

/// Whether the keystore holds every key of `session_keys`, which the
/// runtime at the best block decodes.
fn has_session_keys(deps: &Deps, session_keys: Vec<u8>) -> Result<bool, ErrorObjectOwned> {
    let best = deps.chain.best().1;
    let answer = deps
        .state
        .call(best, DECODE_SESSION_KEYS, &session_keys.encode())?;
    let keys = Option::<Vec<(Vec<u8>, KeyTypeId)>>::decode(&mut &answer[..])
        .map_err(|e| crate::error::author_other(format!("Client error: {e}")))?
        .ok_or_else(invalid_session_keys)?;
    for (public, key_type) in keys {
        if !deps.keystore.has_key(&public, key_type)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Registers the key methods.
pub(crate) fn register(
    module: &mut RpcModule<Deps>,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    module.register_blocking_method(
        "author_insertKey",
        |p, d, _| -> Result<(), ErrorObjectOwned> {
            let args = Args::parse(&p)?;
            let key_type_text: String = args.req(0, "key_type")?;
            let suri: String = args.req(1, "suri")?;
            let public = args.bytes(2, "public")?;
            refuse_if_unsafe(&d)?;
            let key_type = key_type(&key_type_text)?;
            Ok(d.keystore.insert_key(key_type, &suri, &public)?)
        },
    )?;
    module.register_blocking_method(
        "author_rotateKeys",
        |_, d, _| -> Result<String, ErrorObjectOwned> {
            refuse_if_unsafe(&d)?;
            let keys = d.keystore.rotate_keys(d.chain.best().1)?;
            Ok(to_hex(&keys))
        },
    )?;
    module.register_blocking_method(
        "author_hasSessionKeys",
        |p, d, _| -> Result<bool, ErrorObjectOwned> {
            let session_keys = Args::parse(&p)?.bytes(0, "session_keys")?;
            refuse_if_unsafe(&d)?;
            has_session_keys(&d, session_keys)
        },
    )?;
    module.register_blocking_method(
        "author_hasKey",
        |p, d, _| -> Result<bool, ErrorObjectOwned> {
            let args = Args::parse(&p)?;
            let public = args.bytes(0, "public_key")?;
            let key_type_text: String = args.req(1, "key_type")?;
            refuse_if_unsafe(&d)?;
            let key_type = key_type(&key_type_text)?;
            Ok(d.keystore.has_key(&public, key_type)?)
        },
    )?;
    Ok(())
}
