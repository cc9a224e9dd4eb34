//! `transactionWatch_v1_submitAndWatch`: the pool's statuses of one
//! transaction, as the spec's events (`validated`,
//! `bestChainBlockIncluded`, `finalized`, `invalid`, `dropped`, `error`).

use crate::api::{ChainApi, SubmitError, TxStatus};
use crate::server::Deps;
use crate::spec_v2::keys::{Cancels, Key};
use crate::tasks::{blocking, send};
use entroos_primitives::H256;
use jsonrpsee::PendingSubscriptionSink;
use serde::Serialize;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Where a transaction is in a block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct TxBlock {
    hash: H256,
    index: u32,
}

/// One notification of a watched transaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "camelCase")]
pub(crate) enum TxEvent {
    /// The runtime found it valid.
    Validated,
    /// In a block of the best chain (`null`: no longer).
    BestChainBlockIncluded {
        /// The block and the index in its body.
        block: Option<TxBlock>,
    },
    /// In a finalized block. Last event.
    Finalized {
        /// The block and the index in its body.
        block: TxBlock,
    },
    /// The node failed. Last event.
    Error {
        /// Why.
        error: String,
    },
    /// The runtime found it invalid. Last event.
    Invalid {
        /// Why.
        error: String,
    },
    /// The node stopped tracking it. Last event.
    Dropped {
        /// Why.
        error: String,
    },
}

impl TxEvent {
    fn is_final(&self) -> bool {
        !matches!(
            self,
            TxEvent::Validated | TxEvent::BestChainBlockIncluded { .. }
        )
    }
}

/// The event of a submission the pool refused.
pub(crate) fn refused(e: SubmitError) -> TxEvent {
    let error = e.to_string();
    match e {
        SubmitError::Verification(_) => TxEvent::Error { error },
        SubmitError::Invalid(reason) | SubmitError::Unknown(reason) => TxEvent::Invalid {
            error: format!("{error}: {reason}"),
        },
        SubmitError::TooLowPriority(..) | SubmitError::PoolFull => TxEvent::Dropped { error },
        SubmitError::BadFormat(_)
        | SubmitError::TemporarilyBanned
        | SubmitError::AlreadyImported => TxEvent::Invalid { error },
    }
}

/// Where transaction `tx` is in block `block`, read off the blocking pool.
async fn locate(chain: &Arc<dyn ChainApi>, block: H256, tx: H256) -> Option<TxBlock> {
    let chain = chain.clone();
    let body = blocking(move || chain.body(block)).await.ok()?.ok()??;
    let index = body.iter().position(|x| x.hash() == tx)?;
    Some(TxBlock {
        hash: block,
        index: u32::try_from(index).ok()?,
    })
}

/// The event of a pool status, if it has one.
async fn event_of(chain: &Arc<dyn ChainApi>, tx: H256, status: TxStatus) -> Option<TxEvent> {
    let invalid = |error: &str| TxEvent::Invalid {
        error: error.into(),
    };
    let dropped = |error: &str| TxEvent::Dropped {
        error: error.into(),
    };
    Some(match status {
        TxStatus::Future | TxStatus::Ready => TxEvent::Validated,
        TxStatus::Broadcast(_) => return None,
        TxStatus::InBlock(block) => TxEvent::BestChainBlockIncluded {
            block: Some(locate(chain, block, tx).await?),
        },
        TxStatus::Retracted(_) => TxEvent::BestChainBlockIncluded { block: None },
        TxStatus::Finalized(block) => match locate(chain, block, tx).await {
            Some(block) => TxEvent::Finalized { block },
            None => dropped("the finalized block holding the transaction cannot be read"),
        },
        TxStatus::FinalityTimeout(_) => {
            dropped("the block holding the transaction was not finalized in time")
        }
        TxStatus::Usurped(_) => invalid("Extrinsic was rendered invalid by another extrinsic"),
        TxStatus::Dropped => dropped("Extrinsic dropped from the pool due to exceeding limits"),
        TxStatus::Invalid => invalid("Extrinsic marked as invalid"),
    })
}

/// Submits `extrinsic` to the pool; its hash and statuses, or the one
/// event that reports the refusal.
async fn submit(
    deps: &Deps,
    extrinsic: Vec<u8>,
) -> Result<(H256, mpsc::UnboundedReceiver<TxStatus>), TxEvent> {
    let pool = deps.pool.clone();
    match blocking(move || pool.submit_and_watch(extrinsic)).await {
        Ok(Ok(watching)) => Ok(watching),
        Ok(Err(e)) => Err(refused(e)),
        Err(e) => Err(TxEvent::Error {
            error: e.message().to_string(),
        }),
    }
}

/// Submits `extrinsic` and sends its events until the last one, the
/// client leaves, or `transactionWatch_v1_unwatch`.
pub(crate) async fn run(
    pending: PendingSubscriptionSink,
    deps: Arc<Deps>,
    cancels: Arc<Cancels>,
    extrinsic: Vec<u8>,
) {
    let mut unwatched = cancels.register(Key::new(
        pending.connection_id(),
        &pending.subscription_id(),
    ));
    let Ok(sink) = pending.accept().await else {
        return;
    };
    let (tx, mut statuses) = match submit(&deps, extrinsic).await {
        Ok(watching) => watching,
        Err(event) => {
            let _ = send(&sink, &event).await;
            return;
        }
    };
    let mut last = None;
    loop {
        let status = tokio::select! {
            biased;
            _ = unwatched.cancelled() => return,
            _ = sink.closed() => return,
            status = statuses.recv() => status,
        };
        let event = match status {
            Some(status) => match event_of(&deps.chain, tx, status).await {
                Some(event) => event,
                None => continue,
            },
            None => TxEvent::Dropped {
                error: "the pool stopped tracking the transaction".into(),
            },
        };
        if last.as_ref() == Some(&event) {
            continue;
        }
        if send(&sink, &event).await.is_err() || event.is_final() {
            return;
        }
        last = Some(event);
    }
}
