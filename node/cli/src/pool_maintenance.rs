//! The pool follows the best chain: a task hands every new best header to
//! [`TxPool::on_best`] (off the async workers), which prunes what the
//! gained blocks included and brings back what lost blocks carried. A
//! notification missed under load is made up for by following the current
//! best block, whose route covers the blocks in between.

use entroos_client::Client;
use entroos_client_api::Spawner;
use entroos_txpool::TxPool;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;

/// Starts the task.
pub fn start(client: Arc<Client>, pool: Arc<TxPool>, spawner: &dyn Spawner) {
    let mut best = client.subscribe_best();
    spawner.spawn(
        "pool-maintenance",
        Box::pin(async move {
            loop {
                let header = match best.recv().await {
                    Ok(header) => header,
                    Err(RecvError::Lagged(_)) => match client.header(&client.heads().best.1) {
                        Ok(Some(header)) => header,
                        _ => continue,
                    },
                    Err(RecvError::Closed) => return,
                };
                let pool = pool.clone();
                if tokio::task::spawn_blocking(move || pool.on_best(&header))
                    .await
                    .is_err()
                {
                    tracing::error!(target: "txpool", "following the best block failed");
                }
            }
        }),
    );
}
