//! Prometheus metrics in the text exposition format, served at `/metrics`.
//!
//! Names follow Substrate's (`substrate_` prefix) so that zombienet and
//! existing dashboards read them: process start time, best and finalized
//! height, peers, sync state and target, network traffic, blocks served to
//! peers, ready transactions and block import time. The consensus series
//! (`entroos_*`: validators, epoch, finality, diversity, equivocations)
//! come from [`crate::consensus_metrics`].
//!
//! The server is bounded: at most [`Limits::max_connections`] connections
//! are served at once (more are closed as soon as they are accepted), a
//! client has [`Limits::request_timeout`] to send its request and as long to
//! take the response, and failing `accept` calls (such as running out of
//! file descriptors) are retried after a growing pause, never in a busy loop.

use entroos_client::Client;
use entroos_txpool::TxPool;
use std::fmt::Write;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

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
    /// The network, when it runs.
    pub network: Option<Arc<crate::network::NodeNetwork>>,
    /// The consensus series (`entroos_*`), cached per best block.
    pub consensus: Option<Arc<crate::consensus_metrics::ConsensusMetrics>>,
    /// Off-chain worker totals, when workers run.
    pub offchain: Option<Arc<entroos_offchain::WorkerStats>>,
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
    match &sources.network {
        Some(network) => render_network(&mut out, chain, network),
        None => gauge(
            &mut out,
            "sub_libp2p_peers_count",
            "Number of connected peers",
            &[(&plain, 0)],
        ),
    }
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
        counter(
            &mut out,
            "proposer_primary_blocks",
            "Authored blocks claimed with a primary (VRF) claim",
            &[(&plain, totals.primary_blocks)],
        );
        counter(
            &mut out,
            "equivocations_reported",
            "Block equivocations reported to the pool",
            &[(&plain, totals.equivocations_reported)],
        );
    }
    if let Some(offchain) = &sources.offchain {
        render_offchain(&mut out, chain, &offchain.snapshot());
    }
    if let Some(consensus) = &sources.consensus {
        consensus.render(&mut out);
    }
    out
}

/// Off-chain worker runs by outcome, runs past their budget, and best
/// blocks coalesced away while a run went on.
fn render_offchain(out: &mut String, chain: &str, stats: &entroos_offchain::StatsSnapshot) {
    let outcome = |name: &str| format!("{{outcome=\"{name}\",chain=\"{chain}\"}}");
    let (succeeded, failed, panicked) =
        (outcome("succeeded"), outcome("failed"), outcome("panicked"));
    counter(
        out,
        "offchain_worker_runs",
        "Off-chain worker runs ended, by outcome",
        &[
            (&succeeded, stats.succeeded),
            (&failed, stats.failed),
            (&panicked, stats.panicked),
        ],
    );
    let plain = format!("{{chain=\"{chain}\"}}");
    counter(
        out,
        "offchain_worker_over_budget",
        "Off-chain worker runs that went past their budget",
        &[(&plain, stats.over_budget)],
    );
    counter(
        out,
        "offchain_worker_coalesced_blocks",
        "Best blocks whose off-chain workers did not run because a later best block arrived during a run",
        &[(&plain, stats.coalesced)],
    );
}

fn counter(out: &mut String, name: &str, help: &str, samples: &[(&str, u64)]) {
    let _ = writeln!(out, "# HELP substrate_{name} {help}");
    let _ = writeln!(out, "# TYPE substrate_{name} counter");
    for (labels, value) in samples {
        let _ = writeln!(out, "substrate_{name}{labels} {value}");
    }
}

/// Peers, sync, roles and traffic, under Substrate's names.
fn render_network(out: &mut String, chain: &str, network: &crate::network::NodeNetwork) {
    let plain = format!("{{chain=\"{chain}\"}}");
    let stats = network.stats();
    let sync = network.sync_status();
    gauge(
        out,
        "sub_libp2p_peers_count",
        "Number of connected peers",
        &[(&plain, stats.open_peers as u64)],
    );
    gauge(
        out,
        "sub_libp2p_is_major_syncing",
        "Whether the node is performing a major sync or not",
        &[(&plain, u64::from(sync.is_syncing()))],
    );
    let role = if network.is_authority() { 4 } else { 1 };
    gauge(
        out,
        "node_roles",
        "The roles the node is running as",
        &[(&plain, role)],
    );
    let target = format!("{{status=\"sync_target\",chain=\"{chain}\"}}");
    gauge(
        out,
        "block_height",
        "Block height info of the chain",
        &[(&target, u64::from(sync.highest))],
    );
    let inbound = format!("{{direction=\"in\",chain=\"{chain}\"}}");
    let outbound = format!("{{direction=\"out\",chain=\"{chain}\"}}");
    counter(
        out,
        "sub_libp2p_network_bytes_total",
        "Total bandwidth usage",
        &[
            (&inbound, stats.bytes_inbound),
            (&outbound, stats.bytes_outbound),
        ],
    );
    counter(
        out,
        "sync_blocks_served_total",
        "Blocks sent to peers in answer to their block requests",
        &[(&plain, network.blocks_served())],
    );
    render_admission(out, &plain, &stats);
}

/// Peers turned away or dropped: refused connections (bans, reserved-only
/// mode, full slots), peers banned for breaking a protocol limit, and peers
/// with which no notification protocol opened.
fn render_admission(out: &mut String, plain: &str, stats: &entroos_network::NetworkStats) {
    counter(
        out,
        "sub_libp2p_refused_connections_total",
        "Connections refused by the admission rules (bans, reserved-only mode, peer slots)",
        &[(plain, stats.refused_connections)],
    );
    counter(
        out,
        "sub_libp2p_misbehaving_peers_total",
        "Peers banned for sending more than a protocol's size limit",
        &[(plain, stats.misbehaving_peers)],
    );
    counter(
        out,
        "sub_libp2p_incompatible_peers_total",
        "Peers dropped because no notification protocol opened with them",
        &[(plain, stats.incompatible_peers)],
    );
}

/// How much the metrics server serves, and for how long.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The most connections served at once.
    pub max_connections: usize,
    /// How long a client has to send its request, and to take the response.
    pub request_timeout: Duration,
    /// The first pause after a failed `accept`; it doubles up to [`MAX_ACCEPT_BACKOFF`].
    pub accept_backoff: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 64,
            request_timeout: Duration::from_secs(10),
            accept_backoff: Duration::from_millis(10),
        }
    }
}

/// The longest pause between failing `accept` calls.
pub const MAX_ACCEPT_BACKOFF: Duration = Duration::from_secs(1);

/// The largest request head read; the request line is all that is used.
const MAX_REQUEST_BYTES: usize = 8192;

/// The pause before the next `accept` after a failure: doubling from the
/// first pause up to [`MAX_ACCEPT_BACKOFF`], back to the first on success.
#[derive(Debug)]
pub struct Backoff {
    first: Duration,
    next: Duration,
}

impl Backoff {
    /// A backoff starting at `first`.
    pub fn new(first: Duration) -> Self {
        Backoff { first, next: first }
    }

    /// The pause after one more failure.
    pub fn failed(&mut self) -> Duration {
        let pause = self.next;
        self.next = self.next.saturating_mul(2).min(MAX_ACCEPT_BACKOFF);
        pause
    }

    /// An `accept` succeeded.
    pub fn succeeded(&mut self) {
        self.next = self.first;
    }
}

/// Where connections come from (a TCP listener; tests inject failures).
pub trait Accept: Send + 'static {
    /// The next connection.
    fn accept(&mut self) -> impl Future<Output = io::Result<TcpStream>> + Send;
}

impl Accept for TcpListener {
    async fn accept(&mut self) -> io::Result<TcpStream> {
        TcpListener::accept(self).await.map(|(stream, _)| stream)
    }
}

/// The metrics text to serve.
pub type Render = Arc<dyn Fn() -> String + Send + Sync>;

/// Serves `/metrics` on `addr` with the default [`Limits`] until the task is dropped.
pub async fn serve(
    addr: SocketAddr,
    sources: Arc<Sources>,
) -> io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    serve_with(addr, Arc::new(move || render(&sources)), Limits::default()).await
}

/// Serves `render`'s text at `/metrics` on `addr` within `limits`.
pub async fn serve_with(
    addr: SocketAddr,
    render: Render,
    limits: Limits,
) -> io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    Ok((local, tokio::spawn(accept_loop(listener, render, limits))))
}

/// Accepts connections and serves each on its own task, within `limits`.
pub async fn accept_loop(mut listener: impl Accept, render: Render, limits: Limits) {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let mut backoff = Backoff::new(limits.accept_backoff);
    loop {
        let stream = match listener.accept().await {
            Ok(stream) => stream,
            Err(e) if is_per_connection(&e) => continue,
            Err(e) => {
                let pause = backoff.failed();
                tracing::warn!(target: "metrics", "Accepting a connection failed: {e}; retrying in {pause:?}");
                tokio::time::sleep(pause).await;
                continue;
            }
        };
        backoff.succeeded();
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            tracing::debug!(target: "metrics", "{} connections open: closing a new one", limits.max_connections);
            continue;
        };
        let render = render.clone();
        tokio::spawn(async move {
            let _ = serve_connection(stream, &*render, limits.request_timeout).await;
            drop(permit);
        });
    }
}

/// Errors that concern one connection only, not the listener.
fn is_per_connection(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
    )
}

async fn serve_connection(
    mut stream: TcpStream,
    render: &(dyn Fn() -> String + Send + Sync),
    timeout: Duration,
) -> io::Result<()> {
    let request = tokio::time::timeout(timeout, read_request(&mut stream))
        .await
        .map_err(|_| io::Error::from(io::ErrorKind::TimedOut))??;
    let response = respond(&request, render);
    tokio::time::timeout(timeout, async {
        stream.write_all(response.as_bytes()).await?;
        stream.shutdown().await
    })
    .await
    .map_err(|_| io::Error::from(io::ErrorKind::TimedOut))?
}

/// Reads until the end of the request head, the size limit, or EOF.
async fn read_request(stream: &mut TcpStream) -> io::Result<Vec<u8>> {
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < MAX_REQUEST_BYTES {
        let read = stream.read(&mut buf).await?;
        if read == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        request.extend_from_slice(buf.get(..read).unwrap_or_default());
    }
    Ok(request)
}

fn respond(request: &[u8], render: &(dyn Fn() -> String + Send + Sync)) -> String {
    let request = String::from_utf8_lossy(request);
    let path = request.split_whitespace().nth(1).unwrap_or("");
    let (status, body) = if path == "/metrics" || path.starts_with("/metrics?") {
        ("200 OK", render())
    } else {
        ("404 Not Found", "not found: try /metrics\n".to_string())
    };
    format!("HTTP/1.1 {status}\r\ncontent-type: text/plain; version=0.0.4\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Instant;
    use tokio::sync::Notify;

    const GUARD: Duration = Duration::from_secs(20);

    async fn start(limits: Limits) -> (SocketAddr, tokio::task::JoinHandle<()>) {
        let render: Render = Arc::new(|| "substrate_test 1\n".to_string());
        serve_with("127.0.0.1:0".parse().unwrap(), render, limits)
            .await
            .unwrap()
    }

    /// Reads until the server closes the connection; what it sent.
    async fn read_to_close(stream: &mut TcpStream) -> String {
        let mut response = Vec::new();
        let read = tokio::time::timeout(GUARD, stream.read_to_end(&mut response)).await;
        assert!(read.is_ok(), "the server did not close the connection");
        String::from_utf8_lossy(&response).into_owned()
    }

    async fn scrape(addr: SocketAddr) -> io::Result<String> {
        let mut stream = TcpStream::connect(addr).await?;
        stream
            .write_all(b"GET /metrics HTTP/1.1\r\nhost: x\r\n\r\n")
            .await?;
        Ok(read_to_close(&mut stream).await)
    }

    #[tokio::test]
    async fn serves_metrics_and_404s_the_rest() {
        let (addr, task) = start(Limits::default()).await;
        let response = scrape(addr).await.unwrap();
        assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
        assert!(response.ends_with("substrate_test 1\n"), "{response}");
        let mut stream = TcpStream::connect(addr).await.unwrap();
        // The request arrives in pieces.
        stream.write_all(b"GET /other HT").await.unwrap();
        stream.write_all(b"TP/1.1\r\n\r\n").await.unwrap();
        assert!(read_to_close(&mut stream).await.starts_with("HTTP/1.1 404"));
        task.abort();
    }

    #[tokio::test]
    async fn a_silent_or_slow_client_is_closed_after_the_timeout() {
        let timeout = Duration::from_millis(300);
        let (addr, task) = start(Limits {
            request_timeout: timeout,
            ..Limits::default()
        })
        .await;
        let started = Instant::now();
        let mut silent = TcpStream::connect(addr).await.unwrap();
        let mut slow = TcpStream::connect(addr).await.unwrap();
        slow.write_all(b"GET /metr").await.unwrap();
        assert_eq!(read_to_close(&mut silent).await, "");
        assert_eq!(read_to_close(&mut slow).await, "");
        assert!(started.elapsed() >= timeout, "{:?}", started.elapsed());
        assert!(scrape(addr).await.unwrap().starts_with("HTTP/1.1 200"));
        task.abort();
    }

    #[tokio::test]
    async fn connections_beyond_the_cap_are_closed_until_one_ends() {
        let (addr, task) = start(Limits {
            max_connections: 3,
            request_timeout: Duration::from_secs(60),
            ..Limits::default()
        })
        .await;
        let mut idle = Vec::new();
        for _ in 0..3 {
            idle.push(TcpStream::connect(addr).await.unwrap());
        }
        for _ in 0..2 {
            let mut over = TcpStream::connect(addr).await.unwrap();
            assert_eq!(read_to_close(&mut over).await, "", "served beyond the cap");
        }
        drop(idle.pop());
        let deadline = Instant::now() + GUARD;
        loop {
            match scrape(addr).await {
                Ok(response) if response.starts_with("HTTP/1.1 200") => break,
                _ => assert!(Instant::now() < deadline, "a freed place was not reused"),
            }
            tokio::task::yield_now().await;
        }
        task.abort();
    }

    /// An acceptor that always fails as a process out of file descriptors does.
    struct OutOfFiles {
        calls: Arc<AtomicUsize>,
        enough: usize,
        done: Arc<Notify>,
    }

    impl Accept for OutOfFiles {
        async fn accept(&mut self) -> io::Result<TcpStream> {
            tokio::task::yield_now().await;
            if self.calls.fetch_add(1, Ordering::SeqCst) + 1 == self.enough {
                self.done.notify_one();
            }
            Err(io::Error::from_raw_os_error(24))
        }
    }

    #[tokio::test]
    async fn failing_accepts_back_off_instead_of_spinning() {
        let (calls, done) = (Arc::new(AtomicUsize::new(0)), Arc::new(Notify::new()));
        let acceptor = OutOfFiles {
            calls: calls.clone(),
            enough: 5,
            done: done.clone(),
        };
        let limits = Limits {
            accept_backoff: Duration::from_millis(20),
            ..Limits::default()
        };
        let started = Instant::now();
        let task = tokio::spawn(accept_loop(acceptor, Arc::new(String::new), limits));
        tokio::time::timeout(GUARD, done.notified()).await.unwrap();
        let elapsed = started.elapsed();
        task.abort();
        // Pauses of 20, 40, 80 and 160 ms separate the five attempts.
        assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
        assert!(calls.load(Ordering::SeqCst) <= 6);
    }

    #[test]
    fn the_backoff_doubles_up_to_a_second_and_resets() {
        let mut backoff = Backoff::new(Duration::from_millis(10));
        let pauses: Vec<u128> = (0..9).map(|_| backoff.failed().as_millis()).collect();
        assert_eq!(pauses, [10, 20, 40, 80, 160, 320, 640, 1000, 1000]);
        backoff.succeeded();
        assert_eq!(backoff.failed(), Duration::from_millis(10));
    }
}
