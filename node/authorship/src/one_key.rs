//! Authoring by one key outside the slot timer: claims `slot` with the key
//! (primary by VRF, else secondary), builds on the best block with no
//! transactions, seals, and imports. Block files, tools and tests that
//! make a chain of one validator use it.

use crate::{build_block, AuthorError, Proposal};
use entroos_client::Client;
use entroos_consensus_slots::{claim_slot, HeldKeys};
use entroos_primitives::crypto::sr25519;
use entroos_primitives::Header;
use std::time::{Duration, Instant};

/// How long building one block may take.
const BUILD_DEADLINE: Duration = Duration::from_secs(60);

/// Authors and imports the block of `slot` on the best block with `key`,
/// timestamped at the slot's start (`slot × slot_millis`); its header.
pub fn author_with_key(
    client: &Client,
    key: &sr25519::Pair,
    slot: u64,
    slot_millis: u64,
) -> Result<Header, AuthorError> {
    let parent = client.expect_header(&client.heads().best.1)?;
    let epoch = client.epoch_for(&parent.hash(), slot)?;
    let held: HeldKeys = std::iter::once(key.clone()).collect();
    let claim = claim_slot(&held, &epoch, slot).ok_or(AuthorError::NoClaim { slot })?;
    let proposal = Proposal {
        pre_digest: claim.pre_digest,
        timestamp: slot.saturating_mul(slot_millis),
        candidates: &[],
        deadline: Instant::now() + BUILD_DEADLINE,
        key,
    };
    let built = build_block(client, &parent, proposal)?;
    let header = built.block.header.clone();
    client.import_own(built.block, &built.parent_state, &built.changes)?;
    Ok(header)
}
