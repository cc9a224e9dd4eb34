//! Building a block on a parent: the claim's pre-digest, the timestamp
//! inherent, pool transactions until the block is full or the deadline
//! passes, the runtime's header, and the seal.

use crate::AuthorError;
use codec::{Decode, Encode};
use entroos_client::state::TrieBackend;
use entroos_client::verify::seal_header;
use entroos_client::Client;
use entroos_client_api::ClientError;
use entroos_consensus_slots::PreDigest;
use entroos_primitives::crypto::sr25519;
use entroos_primitives::validity::{
    ApplyExtrinsicResult, InvalidTransaction, TransactionValidityError,
};
use entroos_primitives::{Block, Digest, Header, OpaqueExtrinsic, H256};
use entroos_support::state::{Changes, Overlay};
use std::sync::Arc;
use std::time::Instant;

/// Consecutive "block is full" refusals after which filling stops.
const FULL_AFTER_REFUSALS: usize = 8;

/// A built, sealed block and the state changes it makes.
pub struct Built {
    /// The block.
    pub block: Block,
    /// Its state changes.
    pub changes: Changes,
    /// Hashes of the pool transactions it includes.
    pub included: Vec<H256>,
    /// Hashes of pool transactions found invalid.
    pub invalid: Vec<H256>,
    /// The parent's state it was built on.
    pub parent_state: Arc<TrieBackend>,
}

/// What goes into a block besides the parent.
pub struct Proposal<'a> {
    /// The slot claim (its slot is the block's).
    pub pre_digest: PreDigest,
    /// The time, in milliseconds since the UNIX epoch.
    pub timestamp: u64,
    /// Candidate transactions, in order: `(hash, encoded)`.
    pub candidates: &'a [(H256, Arc<Vec<u8>>)],
    /// When to stop adding transactions.
    pub deadline: Instant,
    /// The sealing key: the claiming authority's.
    pub key: &'a sr25519::Pair,
}

fn decode<T: Decode>(what: &'static str, bytes: &[u8]) -> Result<T, ClientError> {
    T::decode(&mut &bytes[..]).map_err(|e| ClientError::BadCallOutput {
        method: what.into(),
        reason: e.to_string(),
    })
}

/// Where a block being built stands.
struct Building<'a> {
    overlay: Overlay<'a, TrieBackend>,
}

impl Building<'_> {
    fn call(&mut self, method: &str, input: &[u8]) -> Result<Vec<u8>, ClientError> {
        entroos_executor::call(&mut self.overlay, method, input)
    }

    fn apply(&mut self, xt: &[u8]) -> Result<ApplyExtrinsicResult, ClientError> {
        decode(
            "apply result",
            &self.call("BlockBuilder_apply_extrinsic", xt)?,
        )
    }
}

/// Builds and seals a block on `parent`.
pub fn build_block(
    client: &Client,
    parent: &Header,
    proposal: Proposal<'_>,
) -> Result<Built, AuthorError> {
    let backend = client.state_at(&parent.hash())?;
    let mut building = Building {
        overlay: Overlay::new(&*backend),
    };
    let pending = Header {
        parent_hash: parent.hash(),
        number: parent.number.saturating_add(1),
        digest: Digest {
            logs: vec![proposal.pre_digest.to_digest_item()],
        },
        ..Default::default()
    };
    building.call("Core_initialize_block", &pending.encode())?;
    let mut extrinsics = inherents(&mut building, proposal.timestamp)?;
    let (included, invalid) = fill(&mut building, &proposal, &mut extrinsics)?;
    let mut header: Header = decode(
        "header",
        &building.call("BlockBuilder_finalize_block", &[])?,
    )?;
    seal_header(&mut header, proposal.key);
    let changes = building.overlay.into_changes();
    Ok(Built {
        block: Block { header, extrinsics },
        changes,
        included,
        invalid,
        parent_state: backend,
    })
}

/// Applies the runtime's inherents for `timestamp`.
fn inherents(
    building: &mut Building<'_>,
    timestamp: u64,
) -> Result<Vec<OpaqueExtrinsic>, AuthorError> {
    let data = entroos_executor::inherent_data(timestamp);
    let inherents: Vec<OpaqueExtrinsic> = decode(
        "inherents",
        &building.call("BlockBuilder_inherent_extrinsics", &data.encode())?,
    )?;
    for (index, inherent) in inherents.iter().enumerate() {
        if let Err(error) = building.apply(&inherent.encode())? {
            return Err(AuthorError::InherentRefused { index, error });
        }
    }
    Ok(inherents)
}

/// Applies the candidates until the block is full or the deadline passes;
/// returns the included and the invalid ones.
fn fill(
    building: &mut Building<'_>,
    proposal: &Proposal<'_>,
    extrinsics: &mut Vec<OpaqueExtrinsic>,
) -> Result<(Vec<H256>, Vec<H256>), AuthorError> {
    let (mut included, mut invalid, mut refusals) = (Vec::new(), Vec::new(), 0usize);
    for (hash, xt) in proposal.candidates {
        if Instant::now() >= proposal.deadline || refusals >= FULL_AFTER_REFUSALS {
            break;
        }
        match building.apply(xt)? {
            Ok(_) => {
                refusals = 0;
                included.push(*hash);
                extrinsics.push(decode("extrinsic", xt)?);
            }
            Err(TransactionValidityError::Invalid(InvalidTransaction::ExhaustsResources)) => {
                refusals = refusals.saturating_add(1)
            }
            Err(TransactionValidityError::Invalid(InvalidTransaction::Future))
            | Err(TransactionValidityError::Unknown(_)) => {}
            Err(TransactionValidityError::Invalid(_)) => invalid.push(*hash),
        }
    }
    Ok((included, invalid))
}
