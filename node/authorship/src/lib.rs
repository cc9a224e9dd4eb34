//! # EntroOS block authoring
//!
//! Building a block on a parent: the timestamp inherent, the pool's ready
//! transactions up to the runtime's weight and length limits (or a deadline,
//! whichever comes first), a pre-runtime digest carrying the slot, and an
//! sr25519 seal. [`build_block`] takes the time, the candidates and the
//! deadline as arguments; [`author_slot`] claims a slot (round robin over
//! the authority set at the best block) when its [`SlotKeys`] hold the
//! slot authority's key, builds, and imports through the client's one
//! import path. The keys are asked for every slot, so a key that arrives
//! while the node runs (inserted into the keystore) is used from the next
//! slot of its authority. On a chain with a single authority every authored
//! block is finalized at once.
//!
//! The slot timer around [`author_slot`] lives in the node binary, on a
//! thread of its own.

use codec::{Decode, Encode};
use entroos_client::state::TrieBackend;
use entroos_client::verify::{seal, slot_author};
use entroos_client::Client;
use entroos_client_api::{ClientError, Finalizer, ImportError, ImportOutcome, ENGINE_ID};
use entroos_primitives::crypto::sr25519;
use entroos_primitives::validity::{
    ApplyExtrinsicResult, InvalidTransaction, TransactionValidityError,
};
use entroos_primitives::{Block, DigestItem, Header, OpaqueExtrinsic, H256};
use entroos_support::state::{Changes, Overlay};
use entroos_txpool::TxPool;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Authoring errors.
#[derive(Debug, thiserror::Error)]
pub enum AuthorError {
    /// Reading the chain or calling the runtime failed.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// An inherent was refused by the runtime.
    #[error("the runtime refused inherent {index}: {error:?}")]
    InherentRefused {
        /// Its position.
        index: usize,
        /// The runtime's reason.
        error: TransactionValidityError,
    },
    /// The built block was refused by the import pipeline.
    #[error("the built block was refused: {0}")]
    Import(#[from] ImportError),
}

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
    /// The slot number.
    pub slot: u64,
    /// The time, in milliseconds since the UNIX epoch.
    pub timestamp: u64,
    /// Candidate transactions, in order: `(hash, encoded)`.
    pub candidates: &'a [(H256, Arc<Vec<u8>>)],
    /// When to stop adding transactions.
    pub deadline: Instant,
    /// The sealing key.
    pub key: &'a sr25519::Pair,
}

fn decode<T: Decode>(what: &'static str, bytes: &[u8]) -> Result<T, ClientError> {
    T::decode(&mut &bytes[..]).map_err(|e| ClientError::BadCallOutput {
        method: what.into(),
        reason: e.to_string(),
    })
}

/// Builds and seals a block on `parent`.
pub fn build_block(
    client: &Client,
    parent: &Header,
    proposal: Proposal<'_>,
) -> Result<Built, AuthorError> {
    let backend = client.state_at(&parent.hash())?;
    let mut overlay = Overlay::new(&*backend);
    let call = |overlay: &mut Overlay<'_, _>, method: &str, input: &[u8]| {
        entroos_executor::call(overlay, method, input)
    };
    let pending = Header {
        parent_hash: parent.hash(),
        number: parent.number.saturating_add(1),
        digest: entroos_primitives::Digest {
            logs: vec![DigestItem::PreRuntime(ENGINE_ID, proposal.slot.encode())],
        },
        ..Default::default()
    };
    call(&mut overlay, "Core_initialize_block", &pending.encode())?;
    let data = entroos_executor::inherent_data(proposal.timestamp);
    let inherents: Vec<OpaqueExtrinsic> = decode(
        "inherents",
        &call(
            &mut overlay,
            "BlockBuilder_inherent_extrinsics",
            &data.encode(),
        )?,
    )?;
    let mut extrinsics = Vec::with_capacity(proposal.candidates.len().saturating_add(1));
    for (index, inherent) in inherents.into_iter().enumerate() {
        let result: ApplyExtrinsicResult = decode(
            "apply result",
            &call(
                &mut overlay,
                "BlockBuilder_apply_extrinsic",
                &inherent.encode(),
            )?,
        )?;
        if let Err(error) = result {
            return Err(AuthorError::InherentRefused { index, error });
        }
        extrinsics.push(inherent);
    }
    let (mut included, mut invalid, mut refusals) = (Vec::new(), Vec::new(), 0usize);
    for (hash, xt) in proposal.candidates {
        if Instant::now() >= proposal.deadline || refusals >= FULL_AFTER_REFUSALS {
            break;
        }
        let result: ApplyExtrinsicResult = decode(
            "apply result",
            &call(&mut overlay, "BlockBuilder_apply_extrinsic", xt)?,
        )?;
        match result {
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
    let mut header: Header = decode(
        "header",
        &call(&mut overlay, "BlockBuilder_finalize_block", &[])?,
    )?;
    seal(&mut header, proposal.key);
    let changes = overlay.into_changes();
    Ok(Built {
        block: Block { header, extrinsics },
        changes,
        included,
        invalid,
        parent_state: backend,
    })
}

/// What authoring has done so far, for metrics.
#[derive(Debug, Default)]
pub struct AuthorStats(parking_lot::Mutex<ProposerTotals>);

/// Totals over the authored blocks.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProposerTotals {
    /// Blocks authored.
    pub blocks: u64,
    /// Transactions included (inherents excluded).
    pub transactions: u64,
    /// Time spent building blocks, in microseconds.
    pub build_micros: u64,
}

impl AuthorStats {
    /// The totals.
    pub fn totals(&self) -> ProposerTotals {
        *self.0.lock()
    }

    /// Counts one authored block.
    pub fn record(&self, transactions: usize, build: Duration) {
        let mut totals = self.0.lock();
        totals.blocks = totals.blocks.saturating_add(1);
        totals.transactions = totals.transactions.saturating_add(transactions as u64);
        totals.build_micros = totals
            .build_micros
            .saturating_add(u64::try_from(build.as_micros()).unwrap_or(u64::MAX));
    }
}

/// Where the author finds sealing keys: the sr25519 pair of an authority,
/// if this node holds it.
pub trait SlotKeys {
    /// The pair whose public key is `authority`, if held.
    fn authority_pair(&self, authority: &[u8; 32]) -> Option<sr25519::Pair>;
}

/// A single key: the pair itself.
impl SlotKeys for sr25519::Pair {
    fn authority_pair(&self, authority: &[u8; 32]) -> Option<sr25519::Pair> {
        (self.public() == *authority).then(|| self.clone())
    }
}

/// What one slot came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlotOutcome {
    /// The slot's authority is not one whose key this node holds.
    NotOurs,
    /// A block was authored and imported.
    Authored {
        /// Its number.
        number: u32,
        /// Its hash.
        hash: H256,
    },
}

/// Claims `slot` on the best block and, if `keys` hold its authority's
/// key, builds, imports (and, with a single authority, finalizes) its block.
pub fn author_slot(
    client: &Client,
    pool: &TxPool,
    keys: &dyn SlotKeys,
    slot: u64,
    deadline: Instant,
    stats: &AuthorStats,
) -> Result<SlotOutcome, AuthorError> {
    let started = Instant::now();
    let best = client.heads().best.1;
    let parent = client.expect_header(&best)?;
    let authorities = client.authorities_at(&best)?;
    let Some(key) = slot_author(slot, &authorities).and_then(|a| keys.authority_pair(&a)) else {
        return Ok(SlotOutcome::NotOurs);
    };
    let candidates: Vec<(H256, Arc<Vec<u8>>)> = pool
        .ready()
        .iter()
        .map(|t| (t.hash, t.data.clone()))
        .collect();
    let timestamp = slot.saturating_mul(client.slot_millis());
    let built = build_block(
        client,
        &parent,
        Proposal {
            slot,
            timestamp,
            candidates: &candidates,
            deadline,
            key: &key,
        },
    )?;
    let number = built.block.header.number;
    let count = built.included.len();
    let build = started.elapsed();
    stats.record(count, build);
    let hash = match client.import_own(built.block, &built.parent_state, &built.changes)? {
        ImportOutcome::Imported { hash, .. } | ImportOutcome::AlreadyKnown(hash) => hash,
    };
    if authorities.len() == 1 {
        client.finalize(&hash, None)?;
    }
    let imported = started.elapsed();
    pool.report_invalid(&built.invalid);
    pool.on_block(number, hash, &built.included);
    pool.on_finalized(client.heads().finalized.0);
    if count > 0 {
        tracing::info!(
            target: "author",
            "Prepared block #{number} with {count} transactions: built in {} ms, committed in {} ms, pool updated in {} ms",
            build.as_millis(),
            imported.saturating_sub(build).as_millis(),
            started.elapsed().saturating_sub(imported).as_millis()
        );
    }
    Ok(SlotOutcome::Authored { number, hash })
}
