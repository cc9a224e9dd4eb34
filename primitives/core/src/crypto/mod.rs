//! Accounts, hashes and key pairs.
//!
//! sr25519 (schnorrkel, signing context `substrate`) is the account scheme;
//! ed25519 is offered for finality keys. Both derive from secret URIs the way
//! Substrate does, so `//Alice` is the same account everywhere.

pub mod deferral;
pub mod ed25519;
mod ids;
pub mod key_types;
pub mod sr25519;
pub mod suri;

pub use ids::{AccountId32, H256};
pub use key_types::{KeyScheme, KeyTypeId};

/// The development mnemonic behind `//Alice`, `//Bob`, …
pub const DEV_PHRASE: &str =
    "bottom drive obey lake curtain smoke basket hold race lonely fit walk";

/// The names of the well-known development accounts, in order.
pub const DEV_ACCOUNT_NAMES: [&str; 6] = ["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie"];
