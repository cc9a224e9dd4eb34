//! Block hooks, genesis building, the off-chain worker's context, and the
//! keystore through which the runtime makes session keys.

use crate::state::Externalities;
use entroos_primitives::crypto::{KeyScheme, KeyTypeId};
use entroos_primitives::{BlockNumber, Weight};
use std::convert::Infallible;

/// What a pallet does at the edges of every block.
///
/// `on_initialize` may refuse the block with the pallet's own error `E`
/// (the block is then invalid); pallets that never refuse one keep the
/// default `Infallible`.
pub trait Hooks<E = Infallible> {
    /// Before the block's extrinsics; returns the weight it used, or why the
    /// block is invalid.
    fn on_initialize(_ext: &mut dyn Externalities, _n: BlockNumber) -> Result<Weight, E> {
        Ok(Weight::ZERO)
    }
    /// After the block's extrinsics.
    fn on_finalize(_ext: &mut dyn Externalities, _n: BlockNumber) {}
    /// After the node imported block `n`: reads state (never writes it) and
    /// acts through the node's off-chain context.
    fn offchain_worker(_ext: &dyn Externalities, _n: BlockNumber, _ctx: &mut dyn OffchainContext) {}
}

/// Errors of the off-chain context.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OffchainError {
    /// The node's pool refused a transaction.
    #[error("transaction rejected by the pool: {0}")]
    Rejected(String),
    /// The key is not in the node's keystore.
    #[error("no such key in the keystore")]
    MissingKey,
}

/// The node-side services an off-chain worker may use. The node provides it;
/// the runtime never touches the network, disk or clock directly.
pub trait OffchainContext {
    /// Submits an encoded extrinsic to the local transaction pool.
    fn submit_transaction(&mut self, extrinsic: Vec<u8>) -> Result<(), OffchainError>;
    /// The next nonce of `account` the node's pool expects: the on-chain
    /// nonce at the best block, then past the account's ready pooled
    /// transactions (what `system_accountNextIndex` answers). `None` if the
    /// node could not read it.
    fn account_next_index(&self, account: &[u8; 32]) -> Option<u32>;
    /// Reads the node's persistent local storage.
    fn local_storage_get(&self, key: &[u8]) -> Option<Vec<u8>>;
    /// Writes the node's persistent local storage.
    fn local_storage_set(&mut self, key: &[u8], value: &[u8]);
    /// The sr25519 public keys of a key type (e.g. `*b"entr"`) in the keystore.
    fn sr25519_public_keys(&self, key_type: [u8; 4]) -> Vec<[u8; 32]>;
    /// Signs with a keystore key.
    fn sr25519_sign(
        &self,
        key_type: [u8; 4],
        public: &[u8; 32],
        message: &[u8],
    ) -> Result<[u8; 64], OffchainError>;
}

/// Why the node's keystore could not make a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the keystore could not make a {scheme} key of type {key_type}: {reason}")]
pub struct KeystoreError {
    /// The key type asked for.
    pub key_type: KeyTypeId,
    /// The scheme asked for.
    pub scheme: KeyScheme,
    /// The node's reason.
    pub reason: String,
}

/// The node's keystore as `SessionKeys_generate_session_keys` uses it: the
/// runtime names each key type and scheme, the node makes and keeps the
/// secret and hands back only the public key.
pub trait KeyGenerator {
    /// Makes a key of `key_type` and `scheme` and returns its public key.
    /// Without a `seed` the key is random and stored; with one (a secret
    /// URI, as development nodes pass `//Alice`) it is derived from the seed
    /// and kept in memory only, as Substrate keeps keys made from a seed.
    fn generate(
        &mut self,
        key_type: KeyTypeId,
        scheme: KeyScheme,
        seed: Option<&str>,
    ) -> Result<[u8; 32], KeystoreError>;
}

/// Errors building genesis state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenesisError {
    /// The configuration is inconsistent.
    #[error("invalid genesis configuration: {0}")]
    Invalid(String),
}

/// A pallet's genesis configuration.
pub trait BuildGenesis {
    /// Writes the initial state.
    fn build(&self, ext: &mut dyn Externalities) -> Result<(), GenesisError>;
}
