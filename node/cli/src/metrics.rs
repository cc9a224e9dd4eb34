//! Prometheus metrics in the text exposition format, served at `/metrics`.
//!
//! Names follow Substrate's (`substrate_` prefix) so that zombienet and
//! existing dashboards read them: process start time, best and finalized
//! height, peers, ready transactions and block import time.

use entroos_client::Client;
use entroos_txpool::TxPool;
use std::fmt::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the metrics are read from.
pub struct Sources {
    /// The chain.
    pub client: Arc<Client>,
    /// The pool.
    pub pool: Arc<TxPool>,
    /// Process start, in seconds since the UNIX epoch.
    pub start_time: u64,
    /// The chain id label.
    pub chain: String,
    /// Authoring totals, on an authoring node.
    pub author: Option<Arc<entroos_authorship::AuthorStats>>,
}

fn gauge(out: &mut String, name: &str, help: &str, samples: &[(&str, u64)]) {
    let _ = writeln!(out, "# HELP substrate_{name} {help}");
    let _ = writeln!(out, "# TYPE substrate_{name} gauge");
    for (labels, value) in samples {
        let _ = writeln!(out, "substrate_{name}{labels} {value}");
    }
}

fn summary(out: &mut String, name: &str, help: &str, labels: &str, (sum, count): (u64, u64)) {
    let _ = writeln!(out, "# HELP substrate_{name} {help}");
    let _ = writeln!(out, "# TYPE substrate_{name} summary");
    let _ = writeln!(out, "substrate_{name}_sum{labels} {sum}");
    let _ = writeln!(out, "substrate_{name}_count{labels} {count}");
}

/// The metrics text.
pub fn render(sources: &Sources) -> String {
    let chain = &sources.chain;
    let heads = sources.client.heads();
    let stats = sources.client.import_stats();
    let pool = sources.pool.status();
    let mut out = String::new();
    let plain = format!("{{chain=\"{chain}\"}}");
    gauge(
        &mut out,
        "process_start_time_seconds",
        "Number of seconds between the UNIX epoch and the moment the process started",
        &[(&plain, sources.start_time)],
    );
    let best = format!("{{status=\"best\",chain=\"{chain}\"}}");
    let finalized = format!("{{status=\"finalized\",chain=\"{chain}\"}}");
    gauge(
        &mut out,
        "block_height",
        "Block height info of the chain",
        &[
            (&best, u64::from(heads.best.0)),
            (&finalized, u64::from(heads.finalized.0)),
        ],
    );
    gauge(
        &mut out,
        "sub_libp2p_peers_count",
        "Number of connected peers",
        &[(&plain, 0)],
    );
    gauge(
        &mut out,
        "ready_transactions_number",
        "Number of transactions in the ready queue",
        &[(&plain, pool.ready as u64)],
    );
    gauge(
        &mut out,
        "sub_txpool_future_transactions_number",
        "Number of transactions in the future queue",
        &[(&plain, pool.future as u64)],
    );
    summary(
        &mut out,
        "block_import_time_microseconds",
        "Total time spent importing blocks, and blocks imported",
        &plain,
        (stats.total_micros, stats.imported),
    );
    if let Some(author) = &sources.author {
        let totals = author.totals();
        summary(
            &mut out,
            "proposer_block_constructed_microseconds",
            "Total time spent building authored blocks, and blocks authored",
            &plain,
            (totals.build_micros, totals.blocks),
        );
        gauge(
            &mut out,
            "proposer_transactions_included",
            "Transactions included in authored blocks",
            &[(&plain, totals.transactions)],
        );
    }
    out
}

/// Serves `/metrics` on `addr` until the task is dropped.
pub async fn serve(
    addr: SocketAddr,
    sources: Arc<Sources>,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let task = tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                continue;
            };
            let sources = sources.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 2048];
                let Ok(read) = stream.read(&mut buf).await else {
                    return;
                };
                let request = String::from_utf8_lossy(buf.get(..read).unwrap_or_default());
                let path = request.split_whitespace().nth(1).unwrap_or("");
                let (status, body) = if path == "/metrics" || path.starts_with("/metrics?") {
                    ("200 OK", render(&sources))
                } else {
                    ("404 Not Found", "not found: try /metrics\n".to_string())
                };
                let response = format!("HTTP/1.1 {status}\r\ncontent-type: text/plain; version=0.0.4\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
                let _ = stream.write_all(response.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    Ok((local, task))
}
