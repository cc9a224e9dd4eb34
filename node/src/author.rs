//! Block authoring for a single authority: one block per slot on the best
//! block, with the timestamp inherent, the pool's ready transactions up to
//! the runtime's weight and length limits (or half the slot, whichever comes
//! first), a pre-runtime digest carrying the slot and an sr25519 seal.
//! With one authority every authored block is final at once.
//!
//! [`build_block`] is the pure part (state in, block and changes out; time
//! and transactions are arguments); [`run`] is the slot timer around it.

use crate::client::{Client, ClientError, ENGINE_ID};
use crate::pool::TxPool;
use crate::state::TrieBackend;
use codec::{Decode, Encode};
use entroos_primitives::crypto::sr25519;
use entroos_primitives::validity::{
    ApplyExtrinsicResult, InvalidTransaction, TransactionValidityError,
};
use entroos_primitives::{Block, DigestItem, Header, OpaqueExtrinsic, H256};
use entroos_runtime::inherents::InherentData;
use entroos_support::state::{Changes, Overlay};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

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
    T::decode(&mut &bytes[..]).map_err(|e| {
        ClientError::Db(crate::db::DbError::Corrupt {
            what,
            reason: e.to_string(),
        })
    })
}

/// Builds and seals a block on `parent`.
pub fn build_block(
    client: &Client,
    parent: &Header,
    proposal: Proposal<'_>,
) -> Result<Built, ClientError> {
    let backend = client.state_at(&parent.hash())?;
    let mut overlay = Overlay::new(&*backend);
    let call = |overlay: &mut Overlay<'_, _>, method: &str, input: &[u8]| {
        entroos_runtime::api::call(overlay, method, input, None)
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
    let mut data = InherentData::new();
    data.insert(
        pallet_timestamp::INHERENT_IDENTIFIER,
        proposal.timestamp.encode(),
    );
    let inherents: Vec<OpaqueExtrinsic> = decode(
        "inherents",
        &call(
            &mut overlay,
            "BlockBuilder_inherent_extrinsics",
            &data.encode(),
        )?,
    )?;
    let mut extrinsics = Vec::with_capacity(proposal.candidates.len().saturating_add(1));
    for inherent in inherents {
        let result: ApplyExtrinsicResult = decode(
            "apply result",
            &call(
                &mut overlay,
                "BlockBuilder_apply_extrinsic",
                &inherent.encode(),
            )?,
        )?;
        if let Err(error) = result {
            return Err(ClientError::Runtime(
                entroos_runtime::RuntimeError::InvalidBlock(
                    entroos_runtime::BlockError::InvalidExtrinsic { index: 0, error },
                ),
            ));
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
    let signature = proposal.key.sign(header.hash().as_ref());
    header
        .digest
        .logs
        .push(DigestItem::Seal(ENGINE_ID, signature.to_vec()));
    let changes = overlay.into_changes();
    Ok(Built {
        block: Block { header, extrinsics },
        changes,
        included,
        invalid,
        parent_state: backend,
    })
}

/// The slot of a time, and the time a slot starts.
pub fn slot_at(millis: u64, slot_millis: u64) -> u64 {
    millis.checked_div(slot_millis).unwrap_or(0)
}

fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
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

    fn record(&self, transactions: usize, build: Duration) {
        let mut totals = self.0.lock();
        totals.blocks = totals.blocks.saturating_add(1);
        totals.transactions = totals.transactions.saturating_add(transactions as u64);
        totals.build_micros = totals
            .build_micros
            .saturating_add(u64::try_from(build.as_micros()).unwrap_or(u64::MAX));
    }
}

/// Authoring settings.
pub struct AuthorConfig {
    /// Slot length.
    pub slot: Duration,
    /// The sealing key.
    pub key: sr25519::Pair,
    /// Where to count what is authored.
    pub stats: Arc<AuthorStats>,
}

/// Authors one block per slot until `shutdown` fires.
pub async fn run(
    client: Arc<Client>,
    pool: Arc<TxPool>,
    config: AuthorConfig,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let slot_millis = u64::try_from(config.slot.as_millis())
        .unwrap_or(1000)
        .max(1);
    let key = Arc::new(config.key);
    let stats = config.stats.clone();
    let mut last_slot = 0u64;
    loop {
        let now = now_millis();
        let next_start = slot_at(now, slot_millis)
            .saturating_add(1)
            .saturating_mul(slot_millis);
        let wait = Duration::from_millis(next_start.saturating_sub(now));
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown.changed() => return,
        }
        let slot = slot_at(now_millis(), slot_millis);
        if slot <= last_slot {
            continue;
        }
        last_slot = slot;
        let (client, pool, key, stats) = (client.clone(), pool.clone(), key.clone(), stats.clone());
        let deadline = Instant::now() + config.slot / 2;
        let authored = tokio::task::spawn_blocking(move || {
            author_slot(&client, &pool, &key, slot, slot_millis, deadline, &stats)
        })
        .await;
        match authored {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(target: "author", "slot {slot}: block not authored: {e}"),
            Err(e) => tracing::error!(target: "author", "slot {slot}: authoring task failed: {e}"),
        }
    }
}

/// Builds, imports and finalizes the block of `slot`.
pub fn author_slot(
    client: &Client,
    pool: &TxPool,
    key: &sr25519::Pair,
    slot: u64,
    slot_millis: u64,
    deadline: Instant,
    stats: &AuthorStats,
) -> Result<(), ClientError> {
    let started = Instant::now();
    let best = client.heads().best.1;
    let parent = client
        .header(&best)?
        .ok_or(ClientError::UnknownBlock(best))?;
    let candidates: Vec<(H256, Arc<Vec<u8>>)> = pool
        .ready()
        .iter()
        .map(|t| (t.hash, t.data.clone()))
        .collect();
    let timestamp = slot.saturating_mul(slot_millis);
    let built = build_block(
        client,
        &parent,
        Proposal {
            slot,
            timestamp,
            candidates: &candidates,
            deadline,
            key,
        },
    )?;
    let number = built.block.header.number;
    let count = built.included.len();
    let build = started.elapsed();
    stats.record(count, build);
    let hash = client.import_built(built.block, &built.parent_state, &built.changes, true)?;
    let imported = started.elapsed();
    pool.report_invalid(&built.invalid);
    pool.on_block(number, hash, &built.included);
    pool.on_finalized(number);
    if count > 0 {
        tracing::info!(
            target: "author",
            "Prepared block #{number} with {count} transactions: built in {} ms, committed in {} ms, pool updated in {} ms",
            build.as_millis(),
            imported.saturating_sub(build).as_millis(),
            started.elapsed().saturating_sub(imported).as_millis()
        );
    }
    Ok(())
}

/// Checks a block's seal against `authorities`; returns the unsealed header's hash.
pub fn check_seal(header: &Header, authorities: &[[u8; 32]]) -> Result<(), String> {
    let (engine, signature) = header.digest.seal().ok_or("the block has no seal")?;
    if *engine != ENGINE_ID {
        return Err(format!(
            "seal of unknown engine {:?}",
            String::from_utf8_lossy(engine)
        ));
    }
    let mut unsealed = header.clone();
    unsealed.digest.logs.pop();
    let signature: [u8; 64] = signature
        .try_into()
        .map_err(|_| "the seal is not a 64-byte signature".to_string())?;
    let message = unsealed.hash();
    if authorities
        .iter()
        .any(|a| sr25519::verify(&signature, message.as_ref(), a))
    {
        Ok(())
    } else {
        Err("the seal is not signed by an authority".into())
    }
}
