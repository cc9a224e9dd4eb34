//! Header checks that need no execution: the slot claim and the seal,
//! by `entroos-consensus-slots`' [`verify_header`], against the epoch the
//! parent's state assigns the slot to (see [`crate::epochs`]):
//!
//! - exactly one `entr` pre-digest, decoding whole; the seal is the last
//!   digest item, 64 bytes of engine `entr`;
//! - the slot above the parent's (genesis: 0) and at most
//!   [`MAX_SLOT_DRIFT`] slots ahead of the local clock, inside its epoch;
//! - the authority index in the epoch's set; a primary claim's VRF proof
//!   under that authority's key for this slot and epoch, with a lottery
//!   value below its threshold, or a secondary claim by the slot's
//!   assignee;
//! - the seal: that authority's sr25519 signature over the unsealed header.

use crate::epochs::{current_holds, decode_epoch, CURRENT_EPOCH, NEXT_EPOCH};
use crate::Client;
use entroos_client_api::{slot_at, ClientError, ImportError, SlotsError};
use entroos_consensus_slots::{find_pre_digest, verify_header, Epoch, ParentInfo};
use entroos_primitives::{Header, H256};

pub use entroos_consensus_slots::{seal_header, unseal, VerifiedHeader, MAX_SLOT_DRIFT};

/// The slot `header` claims in its pre-digest.
pub fn slot_of(header: &Header) -> Result<u64, SlotsError> {
    Ok(find_pre_digest(&header.digest)?.slot())
}

/// What verification needs about a parent: its hash and slot (zero for
/// the genesis block, which claims none).
pub fn parent_info(parent: &Header) -> Result<ParentInfo, SlotsError> {
    let slot = if parent.number == 0 {
        0
    } else {
        slot_of(parent)?
    };
    Ok(ParentInfo {
        hash: parent.hash(),
        slot,
    })
}

impl Client {
    /// The epoch that holds `slot` for a block built on `parent`, from the
    /// runtime at `parent` (cached by its data).
    pub fn epoch_for(&self, parent: &H256, slot: u64) -> Result<Epoch, ClientError> {
        let current = decode_epoch(CURRENT_EPOCH, &self.call_at(parent, CURRENT_EPOCH, &[])?)?;
        if let Some(start) = current_holds(&current, slot) {
            return self.epochs.epoch(&current, start);
        }
        let next = decode_epoch(NEXT_EPOCH, &self.call_at(parent, NEXT_EPOCH, &[])?)?;
        let start = next.start_slot.ok_or_else(|| ClientError::BadCallOutput {
            method: NEXT_EPOCH.into(),
            reason: "the next epoch has no first slot while the current one has".into(),
        })?;
        let epoch = self.epochs.epoch(&next, start)?;
        epoch
            .skipped_to(slot)
            .ok_or_else(|| ClientError::BadCallOutput {
                method: NEXT_EPOCH.into(),
                reason: format!("slot {slot} is before the next epoch's first slot {start}"),
            })
    }

    /// The local clock's slot.
    pub fn now_slot(&self) -> u64 {
        slot_at(self.config.clock.now_millis(), self.slot_millis)
    }

    /// Verifies `header`'s slot claim and seal against `parent` (see the
    /// module docs).
    pub fn verify_claim(
        &self,
        header: &Header,
        parent: &Header,
    ) -> Result<VerifiedHeader, ImportError> {
        let parent_info = parent_info(parent)?;
        let slot = slot_of(header)?;
        let epoch = self.epoch_for(&parent_info.hash, slot)?;
        Ok(verify_header(
            header,
            &parent_info,
            &epoch,
            self.now_slot(),
        )?)
    }
}
