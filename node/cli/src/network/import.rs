//! Importing downloaded blocks: one batch at a time, in order, on a
//! blocking thread, through the client's one import path
//! (`BlockOrigin::Network`). On a single-authority chain an imported best
//! block is finalized at once, as the author and `import-blocks` do, and
//! the pool learns of the transactions each block included.

use codec::Encode;
use entroos_client::Client;
use entroos_client_api::{BlockImport, BlockOrigin, Finalizer, ImportOutcome};
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::{BlockNumber, H256};
use entroos_sync::{ImportResult, IncomingBlock};
use entroos_txpool::TxPool;
use std::sync::Arc;
use tokio::sync::mpsc;

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

/// Runs batches from `batches` one after the other and sends each
/// block's verdict to `verdicts`. The queue holds at most what the sync
/// machine has handed over (bounded by its `max_blocks_ahead`).
pub async fn run(
    client: Arc<Client>,
    pool: Arc<TxPool>,
    mut batches: mpsc::UnboundedReceiver<Vec<IncomingBlock>>,
    verdicts: mpsc::UnboundedSender<Vec<Verdict>>,
) {
    while let Some(batch) = batches.recv().await {
        let (client, pool) = (client.clone(), pool.clone());
        let done = tokio::task::spawn_blocking(move || import_batch(&client, &pool, batch)).await;
        let Ok(results) = done else {
            tracing::error!(target: "sync", "the import thread failed");
            return;
        };
        if verdicts.send(results).is_err() {
            return;
        }
    }
}

fn import_batch(client: &Client, pool: &TxPool, batch: Vec<IncomingBlock>) -> Vec<Verdict> {
    batch
        .into_iter()
        .map(|incoming| import_one(client, pool, incoming))
        .collect()
}

fn import_one(client: &Client, pool: &TxPool, incoming: IncomingBlock) -> Verdict {
    let block = incoming.block;
    let (hash, number) = (block.header.hash(), block.header.number);
    let included: Vec<H256> = block
        .extrinsics
        .iter()
        .map(|xt| H256(blake2_256(&xt.encode())))
        .collect();
    let outcome = client.import_block(block, BlockOrigin::Network);
    let result = ImportResult::from_import(&outcome);
    match &outcome {
        Ok(ImportOutcome::Imported { best, .. }) => {
            if *best {
                finalize_single_authority(client, hash, number);
            }
            pool.on_block(number, hash, &included);
            pool.on_finalized(client.heads().finalized.0);
        }
        Ok(ImportOutcome::AlreadyKnown(_)) => {}
        Err(e) => {
            tracing::debug!(target: "sync", "block #{number} ({hash}) from {} refused: {e}", incoming.origin)
        }
    }
    Verdict {
        hash,
        number,
        result,
    }
}

fn finalize_single_authority(client: &Client, hash: H256, number: BlockNumber) {
    match client.single_authority(&hash) {
        Ok(true) => {
            if let Err(e) = client.finalize(&hash, None) {
                tracing::warn!(target: "sync", "finalizing #{number} ({hash}): {e}");
            }
        }
        Ok(false) => {}
        Err(e) => tracing::warn!(target: "sync", "authorities at #{number}: {e}"),
    }
}
