//! # EntroOS JSON-RPC
//!
//! Substrate's legacy JSON-RPC surface (`system_*`, `chain_*`, `state_*`,
//! `author_*`), with its aliases, notification names and error codes, and
//! the new API of `paritytech/json-rpc-interface-spec` (`chainHead_v1_*`,
//! `chainSpec_v1_*`, `transaction_v1_*`, `transactionWatch_v1_*`,
//! `archive_v1_*`; see [`SpecV2Config`]), served over WebSocket and HTTP on
//! one port. It depends only on the narrow traits of [`api`] — chain
//! reader, state reader, transaction pool, network status — which the node
//! implements; nothing here knows the node's types. The keystore is one
//! more trait ([`KeystoreApi`]): `author_insertKey`, `author_rotateKeys`,
//! `author_hasKey` and `author_hasSessionKeys` (unsafe, as in Substrate)
//! reach it, and `author_hasSessionKeys` has the runtime decode the keys
//! (`SessionKeys_decode_session_keys`) before asking it. The node's
//! PERSISTENT off-chain storage is another ([`OffchainStorageApi`]):
//! `offchain_localStorageGet` and `offchain_localStorageSet` (unsafe, as in
//! Substrate) read and write it. [`trie`] reads proofs
//! and Merkle values from any store of trie nodes.
//!
//! The consensus methods ([`entropy`]: `entropy_validators`,
//! `entropy_diversity`, `entropy_epoch`, `entropy_proveFinality`,
//! `entropy_subscribeJustifications`, `entropy_roundState`) read the
//! runtime's `EntropyApi` and the stored justifications through the same
//! traits; the round in progress comes from the node's finality voter
//! through [`FinalityStatusApi`].
//!
//! The proof-of-execution methods ([`poe`]: `poe_job`, `poe_jobs`,
//! `poe_receipts`, `poe_output`, `poe_logs`, `poe_verifyReceipt`,
//! `poe_subscribeJob`) read the ledger's storage (`entroos-poe-primitives`) through the same traits,
//! and the runs the node's executors kept through
//! [`OffchainStorageApi`](api::OffchainStorageApi).
//!
//! Parameters are accepted the way clients send them: absent, `[]`, shorter
//! than the arity or `null` for "not given"; block numbers as numbers or hex;
//! bytes and storage keys as Substrate reads them (`0x` optional, `""` for no
//! bytes, an odd digit count as if led by a zero); hashes with or without
//! `0x`.
//!
//! Node reads and runtime calls never run on the async workers: methods that
//! read run on the blocking pool, and so does every read a subscription or
//! a `chainHead_v1` operation makes. Work
//! a client can make large is bounded: storage queries read at most
//! [`MAX_QUERY_KEYS`] keys, `state_queryStorage` (unsafe, as in Substrate)
//! at most [`MAX_QUERY_BLOCKS`] blocks, `state_getKeysPaged` at most
//! [`MAX_KEYS_PAGE`] keys, and a batch at most [`RpcConfig::max_batch_len`]
//! calls. The new API is bounded per subscription and per connection by
//! [`SpecV2Config`] (pinned blocks, queued notifications, operations,
//! storage pages, broadcasts); a follow subscription that would exceed a
//! bound ends with the spec's `stop` event.

pub mod api;
mod archive;
mod author;
mod author_keys;
mod chain;
mod chain_head;
mod chain_spec;
pub mod entropy;
pub mod error;
mod offchain;
mod params;
pub mod poe;
pub mod round_state;
mod server;
mod spec_v2;
mod state;
mod system;
mod tasks;
mod transaction;
pub mod trie;

pub use api::{
    ChainApi, KeystoreApi, NetworkApi, OffchainStorageApi, PoolApi, StateApi, SubmitError,
    SystemInfo, TxStatus,
};
pub use entropy::{FinalityProof, MAX_PROOF_HEADERS};
pub use jsonrpsee::server::ServerHandle;
pub use round_state::{BlockRef, FinalityStatusApi, RoundState, VoterRound};
pub use server::{build_module, start, Cors, Deps, RpcConfig, RpcMethods};
pub use spec_v2::error::{
    DUPLICATE_HASHES, INVALID_BLOCK, INVALID_CONTINUE, NO_RUNTIME, TOO_MANY_FOLLOWS,
};
pub use spec_v2::{
    SpecV2Config, BROADCAST_RETRIES, MAX_BROADCASTS_PER_CONNECTION, MAX_FOLLOWS_PER_CONNECTION,
    MAX_LAGGING_DISTANCE, MAX_ONGOING_OPERATIONS, MAX_PINNED_BLOCKS, MAX_QUEUED_EVENTS,
    STORAGE_ITEMS_PER_PAGE,
};
pub use state::{MAX_KEYS_PAGE, MAX_QUERY_BLOCKS, MAX_QUERY_KEYS};
