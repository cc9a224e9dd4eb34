//! The pallet's storage items (prefix `Poe`), keyed like FRAME's: the
//! ledger's entries, shared with the node through
//! [`entroos_poe_primitives::storage`], and the parameters.

use crate::params::Params;
use crate::PALLET;
use entroos_support::storage::{StorageValue, ValueQuery};
use entroos_support::storage_instance;

pub use entroos_poe_primitives::storage::*;

storage_instance!(pub ParametersPrefix, PALLET, "Parameters");

/// The ledger's parameters (defaults until genesis sets them).
pub type Parameters = StorageValue<ParametersPrefix, Params, ValueQuery>;
