//! Balances' stored types, under FRAME's metadata paths.

use codec::{Decode, Encode, MaxEncodedLen};
use entroos_primitives::Balance;
use scale_info::TypeInfo;

/// The balance data kept in each `System.Account`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct AccountData {
    /// Spendable (less `frozen`) and what counts toward existence.
    pub free: Balance,
    /// Set aside by other pallets; cannot be spent.
    pub reserved: Balance,
    /// The part of `free` that locks keep from being spent.
    pub frozen: Balance,
    /// Layout flags (`ExtraFlags`); the top bit marks the new layout.
    pub flags: u128,
}

/// Set in `flags` of every account: the "new logic" layout clients detect.
pub const NEW_LOGIC_FLAG: u128 = 0x8000_0000_0000_0000_0000_0000_0000_0000;

impl AccountData {
    /// `free + reserved`.
    pub fn total(&self) -> Balance {
        self.free.saturating_add(self.reserved)
    }
    /// What can be spent: `free − frozen`.
    pub fn usable(&self) -> Balance {
        self.free.saturating_sub(self.frozen)
    }
}

/// Which operations a lock restricts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub enum Reasons {
    /// Paying fees.
    Fee,
    /// Everything but fees.
    Misc,
    /// Everything.
    All,
}

/// A lock on part of an account's free balance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct BalanceLock {
    /// Who holds the lock.
    pub id: [u8; 8],
    /// How much is locked.
    pub amount: Balance,
    /// What it restricts.
    pub reasons: Reasons,
}

/// Where repatriated reserved balance lands in the receiving account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen)]
pub enum BalanceStatus {
    /// In its free balance.
    Free,
    /// In its reserved balance.
    Reserved,
}

/// Described under FRAME's path, `frame_support::traits::tokens::misc`.
impl TypeInfo for BalanceStatus {
    type Identity = Self;
    fn type_info() -> scale_info::Type {
        scale_info::Type::builder()
            .path(scale_info::Path::new(
                "BalanceStatus",
                "frame_support::traits::tokens::misc",
            ))
            .variant(
                scale_info::build::Variants::new()
                    .variant("Free", |v| v.index(0))
                    .variant("Reserved", |v| v.index(1)),
            )
    }
}
