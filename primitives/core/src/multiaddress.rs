//! The address an extrinsic names its sender or a call its target by.

use codec::{Decode, Encode, HasCompact};
use scale_info::TypeInfo;

/// Substrate's `MultiAddress`: EntroOS resolves only `Id` (there are no
/// account indices); the other forms decode but do not look up.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("entroos_primitives", "sp_runtime"))]
pub enum MultiAddress<AccountId, AccountIndex: HasCompact> {
    /// An account id.
    Id(AccountId),
    /// An account index.
    Index(#[codec(compact)] AccountIndex),
    /// Raw bytes.
    Raw(Vec<u8>),
    /// A 32-byte address.
    Address32([u8; 32]),
    /// A 20-byte address.
    Address20([u8; 20]),
}

impl<AccountIndex: HasCompact> MultiAddress<crate::AccountId32, AccountIndex> {
    /// The account this address names, if it is the `Id` form.
    pub fn account(&self) -> Option<&crate::AccountId32> {
        match self {
            MultiAddress::Id(id) => Some(id),
            _ => None,
        }
    }
}

impl From<crate::AccountId32> for MultiAddress<crate::AccountId32, ()> {
    fn from(id: crate::AccountId32) -> Self {
        MultiAddress::Id(id)
    }
}
