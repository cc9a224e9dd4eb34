//! Importing downloaded blocks, in order, on a blocking thread, through
//! the client's one import path (`BlockOrigin::Network`).
//!
//! The queue is bounded: it holds at most the sync machine's
//! `import_queue` blocks, which the machine never exceeds (it counts the
//! blocks handed over until their verdicts come back), so handing a block
//! over never waits and a fast peer cannot make the node buffer more. The
//! importer takes what has arrived, up to [`MAX_BATCH`] blocks, and sends
//! each block's verdict as soon as it is imported, so that the machine
//! refills the queue while the rest of the batch runs. On a
//! single-authority chain the imported best blocks are finalized once per
//! batch (see [`crate::finality`]); the pool follows the best chain on its
//! own (see [`crate::pool_maintenance`]). A justification that came with a
//! block goes to the finality task once the block is in the chain.

use crate::finality::{BatchFinality, FinalityLink, ToFinality};
use entroos_client::Client;
use entroos_client_api::{BlockImport, BlockOrigin, ImportOutcome};
use entroos_primitives::{BlockNumber, H256};
use entroos_sync::{ImportResult, IncomingBlock};
use entroos_txpool::TxPool;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// Blocks imported in one go at most.
pub const MAX_BATCH: usize = 128;
/// How long imported blocks wait for finality at most.
const FINALITY_DELAY: Duration = Duration::from_millis(500);

/// The verdict on one block, for `Input::Imported`.
#[derive(Debug)]
pub struct Verdict {
    /// The block's hash.
    pub hash: H256,
    /// Its number.
    pub number: BlockNumber,
    /// What import did.
    pub result: ImportResult,
}

/// What the importer works with.
#[derive(Clone)]
pub struct Importer {
    /// The chain.
    pub client: Arc<Client>,
    /// The pool, told of finalized transactions.
    pub pool: Arc<TxPool>,
    /// Where justifications that came with blocks go, once imported.
    pub finality: FinalityLink,
}

/// Imports the blocks of `queue` as they come and sends each one's
/// verdict to `verdicts`, until either channel closes.
pub async fn run(
    importer: Importer,
    mut queue: mpsc::Receiver<IncomingBlock>,
    verdicts: mpsc::Sender<Verdict>,
) {
    while let Some(first) = queue.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(block) => batch.push(block),
                Err(_) => break,
            }
        }
        let (importer, verdicts) = (importer.clone(), verdicts.clone());
        let done =
            tokio::task::spawn_blocking(move || import_batch(&importer, batch, &verdicts)).await;
        match done {
            Ok(true) => {}
            Ok(false) => return,
            Err(_) => {
                tracing::error!(target: "sync", "the import thread failed");
                return;
            }
        }
    }
}

/// Imports `batch` in order; false once the verdicts are no longer heard.
fn import_batch(
    importer: &Importer,
    batch: Vec<IncomingBlock>,
    verdicts: &mpsc::Sender<Verdict>,
) -> bool {
    let (client, pool) = (&*importer.client, &*importer.pool);
    let blocks = u32::try_from(batch.len()).unwrap_or(u32::MAX);
    let mut finality = BatchFinality::new(blocks, FINALITY_DELAY);
    let mut heard = true;
    for incoming in batch {
        let verdict = import_one(importer, incoming, &mut finality);
        heard = heard && verdicts.blocking_send(verdict).is_ok();
    }
    finalize(client, pool, &mut finality, BatchFinality::flush);
    heard
}

fn import_one(
    importer: &Importer,
    incoming: IncomingBlock,
    finality: &mut BatchFinality,
) -> Verdict {
    let (client, pool) = (&*importer.client, &*importer.pool);
    let block = incoming.block;
    let (hash, number) = (block.header.hash(), block.header.number);
    let outcome = client.import_block(block, BlockOrigin::Network);
    let result = ImportResult::from_import(&outcome);
    match &outcome {
        Ok(ImportOutcome::Imported { best, .. }) => {
            if *best {
                finalize(client, pool, finality, |f, c| f.note_best(c, number, hash));
            }
        }
        Ok(ImportOutcome::AlreadyKnown(_)) => {}
        Err(e) => {
            tracing::debug!(target: "sync", "block #{number} ({hash}) from {} refused: {e}", incoming.origin)
        }
    }
    if let (Ok(_), Some(bytes)) = (&outcome, incoming.justification) {
        importer.finality.send(ToFinality::Justification {
            peer: super::to_net(&incoming.origin),
            bytes,
        });
    }
    Verdict {
        hash,
        number,
        result,
    }
}

/// Runs a finality step and tells the pool of what it finalized.
fn finalize(
    client: &Client,
    pool: &TxPool,
    finality: &mut BatchFinality,
    step: impl FnOnce(
        &mut BatchFinality,
        &Client,
    ) -> Result<Option<BlockNumber>, entroos_client_api::ClientError>,
) {
    match step(finality, client) {
        Ok(Some(number)) => pool.on_finalized(number),
        Ok(None) => {}
        Err(e) => tracing::warn!(target: "sync", "finalizing imported blocks: {e}"),
    }
}
