//! # EntroOS primitives
//!
//! The types every other EntroOS crate shares, with SCALE layouts that are
//! byte-exact with Substrate's so that polkadot.js, subxt, sidecar and
//! py-substrate-interface decode them unmodified:
//!
//! - [`hashing`]: blake2 and xxhash (twox) digests, and the storage-key hashers.
//! - [`crypto`]: [`AccountId32`], sr25519 and ed25519 key pairs, secret URIs
//!   (`//Alice`, `<phrase>//hard/soft`) and SS58 addresses.
//! - [`multiaddress`] and [`signature`]: `MultiAddress` and `MultiSignature`.
//! - [`generic`]: headers, digests, blocks, eras and the v4 extrinsic with the
//!   standard signed extensions.
//! - [`dispatch`], [`weights`], [`validity`], [`version`]: dispatch errors and
//!   infos, `Weight` v2, transaction validity and the runtime version.
//! - [`arithmetic`]: fixed point and deterministic math, re-exported from
//!   `entroos-arithmetic`.
//!
//! Invariants: nothing here performs I/O or reads a clock; decoding of
//! untrusted bytes is bounded ([`MAX_DECODE_DEPTH`]) and returns typed errors;
//! type paths in the metadata follow Substrate's, because clients key on them.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::float_arithmetic
    )
)]

pub mod crypto;
pub mod dispatch;
mod error;
pub mod generic;
pub mod hashing;
pub mod multiaddress;
mod scale_paths;
pub mod signature;
pub mod ss58;
pub mod validity;
pub mod version;
pub mod weights;

pub use crypto::{AccountId32, H256};
/// Fixed-point numbers and deterministic math (the `entroos-arithmetic` crate).
pub use entroos_arithmetic as arithmetic;

use codec::{Decode, Encode};
use scale_info::TypeInfo;

include!("root_types.rs");
pub use error::Error;
pub use generic::{Block, Digest, DigestItem, Era, Header, OpaqueExtrinsic, UncheckedExtrinsic};
pub use multiaddress::MultiAddress;
pub use signature::MultiSignature;
pub use weights::Weight;

/// A block number.
pub type BlockNumber = u32;
/// An account's transaction counter.
pub type Nonce = u32;
/// An amount of the native token.
pub type Balance = u128;
/// A moment in milliseconds since the Unix epoch.
pub type Moment = u64;
/// The address form that extrinsics carry (no account indices).
pub type Address = MultiAddress<AccountId32, ()>;

/// The deepest nesting accepted when decoding untrusted SCALE (calls, blocks).
pub const MAX_DECODE_DEPTH: u32 = 256;
