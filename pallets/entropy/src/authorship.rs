//! Reading the block's slot and claim from the slot pre-runtime digest the
//! node writes: one `PreRuntime(b"entr", SCALE(PreDigest))` item, with the
//! type from `entroos-consensus-primitives` that block import verifies.
//!
//! A digest without that item, with more than one, or with one that does
//! not decode states no slot and no claim here; block import refuses such
//! headers before they are executed.

use crate::types::{AuthorClaim, ClaimKind};
use crate::BlockAuthorship;
use entroos_consensus_primitives::{find_pre_digest, PreDigest};
use entroos_primitives::{Digest, Header};
use entroos_support::state::Externalities;

/// [`BlockAuthorship`] from the slot pre-runtime digest.
pub struct PreDigestAuthorship;

impl PreDigestAuthorship {
    fn of(digest: &Digest) -> Option<PreDigest> {
        find_pre_digest(digest).ok()
    }
}

impl BlockAuthorship for PreDigestAuthorship {
    fn current_slot(ext: &dyn Externalities) -> Option<u64> {
        Self::of(&pallet_system::DigestItems::get(ext)).map(|pre| pre.slot())
    }

    fn claim(ext: &dyn Externalities) -> Option<AuthorClaim> {
        Self::of(&pallet_system::DigestItems::get(ext)).map(|pre| AuthorClaim::from(&pre))
    }

    fn slot_of(header: &Header) -> Option<u64> {
        Self::of(&header.digest).map(|pre| pre.slot())
    }
}

impl From<&PreDigest> for AuthorClaim {
    fn from(pre: &PreDigest) -> Self {
        let kind = match pre.vrf_output() {
            Some(vrf_output) => ClaimKind::Primary { vrf_output },
            None => ClaimKind::Secondary,
        };
        AuthorClaim {
            authority_index: pre.authority_index(),
            kind,
        }
    }
}
