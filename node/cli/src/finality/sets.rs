//! Voter sets as the runtime states them (`EntropyApi_finality_voters`:
//! the epoch's ed25519 finality keys and weights, the epoch index as the
//! set id), and the blocks that hand over from one set to the next.
//!
//! A block enacts a new set when the set id at its state is above the
//! one at its parent's, i.e. it is the first block of an epoch. The
//! [`SetChanges`] tracker checks each block once, walking down from a
//! new block to the first one already checked (or the finalized one), so
//! that every change on every branch is found before the block is
//! announced to the machine, whatever order notifications come in.

use super::FinalityTaskError;
use codec::Decode;
use entroos_client::Client;
use entroos_consensus_primitives::FinalityVoters;
use entroos_finality::{BlockId, VoterSet};
use entroos_primitives::{BlockNumber, Header, H256};
use std::collections::BTreeMap;

/// The runtime API that states the current set.
pub const FINALITY_VOTERS: &str = "EntropyApi_finality_voters";

/// The voter set in force at the state of block `at`.
pub fn voters_at(client: &Client, at: &H256) -> Result<VoterSet, FinalityTaskError> {
    let bytes = client.call_at(at, FINALITY_VOTERS, &[])?;
    let stated = FinalityVoters::decode(&mut &bytes[..])
        .map_err(|e| FinalityTaskError::Runtime(format!("{FINALITY_VOTERS}: {e}")))?;
    let voters = stated.voters.iter().map(|v| (v.key, v.weight)).collect();
    Ok(VoterSet::new(stated.set_id, voters)?)
}

/// The set id at each block checked above the finalized one.
#[derive(Debug, Default)]
pub struct SetChanges {
    checked: BTreeMap<(BlockNumber, H256), u64>,
}

impl SetChanges {
    /// The changes enacted by `header` and the unchecked blocks below it
    /// down to `finalized`, lowest first. Blocks at or below `finalized`
    /// are never reported.
    pub fn find(
        &mut self,
        client: &Client,
        header: &Header,
        finalized: BlockId,
    ) -> Result<Vec<(BlockId, VoterSet)>, FinalityTaskError> {
        if header.number <= finalized.number {
            return Ok(Vec::new());
        }
        let mut path = Vec::new();
        let mut cursor = header.clone();
        while cursor.number > finalized.number && !self.is_noted(cursor.number, &cursor.hash()) {
            let parent = client.expect_header(&cursor.parent_hash)?;
            path.push(cursor);
            cursor = parent;
        }
        let mut parent_set = self.set_id_of(client, &cursor)?;
        let mut checked = Vec::with_capacity(path.len());
        let mut changes = Vec::new();
        for block in path.into_iter().rev() {
            let hash = block.hash();
            let set = voters_at(client, &hash)?;
            let set_id = set.set_id();
            checked.push(((block.number, hash), set_id));
            if set_id > parent_set {
                changes.push((BlockId::new(block.number, hash), set));
            }
            parent_set = set_id;
        }
        // Only a whole walk counts: after a failure every block of it is
        // checked again, and no change found on the way is lost.
        self.checked.extend(checked);
        Ok(changes)
    }

    /// Forgets the blocks at or above `number` on every branch, so that
    /// they are checked, and their changes reported, again.
    pub fn forget_from(&mut self, number: BlockNumber) {
        self.checked.split_off(&(number, H256::default()));
    }

    /// Forgets the blocks at or below `finalized`.
    pub fn prune(&mut self, finalized: BlockNumber) {
        self.checked = self
            .checked
            .split_off(&(finalized.saturating_add(1), H256::default()));
    }

    /// Whether block `number` (`hash`) has been checked (and its change,
    /// if any, reported).
    pub fn is_noted(&self, number: BlockNumber, hash: &H256) -> bool {
        self.checked.contains_key(&(number, *hash))
    }

    fn set_id_of(&self, client: &Client, header: &Header) -> Result<u64, FinalityTaskError> {
        let hash = header.hash();
        match self.checked.get(&(header.number, hash)) {
            Some(set_id) => Ok(*set_id),
            None => Ok(voters_at(client, &hash)?.set_id()),
        }
    }
}
