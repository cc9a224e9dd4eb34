//! The sync machine's limits.

/// Limits and timings of [`crate::ChainSync`]. Times are milliseconds of
/// the injected clock ([`crate::Input::Tick`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncConfig {
    /// Requests in flight to one peer at most.
    pub max_requests_per_peer: u32,
    /// Blocks asked for in one range request.
    pub blocks_per_request: u32,
    /// Blocks downloaded ahead of the local best block at most.
    pub max_blocks_ahead: u32,
    /// The capacity of the node's import queue: blocks handed to import
    /// and not yet answered, together with the blocks that branch and
    /// fetch downloads in progress may still hand over, never exceed it.
    pub import_queue: u32,
    /// A request unanswered this long fails.
    pub request_timeout_millis: u64,
    /// A peer whose request failed gets no new request for this long.
    pub failure_backoff_millis: u64,
    /// This many timeouts without an answer in between disconnect a peer.
    pub max_timeouts_in_row: u32,
    /// Peers synced with at most; more are disconnected.
    pub max_peers: usize,
    /// Announced blocks fetched by hash at once, at most.
    pub max_fetches: usize,
    /// Blocks walked back from an announced block to find a known one.
    pub max_fetch_blocks: u32,
    /// The window of the announcement rate limit.
    pub announce_window_millis: u64,
    /// Announcements accepted from one peer per window.
    pub max_announces_per_window: u32,
    /// Behind the peers' median best by more than this is a major sync.
    pub major_sync_threshold: u32,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            max_requests_per_peer: 2,
            blocks_per_request: 64,
            max_blocks_ahead: 2_048,
            import_queue: 512,
            request_timeout_millis: 20_000,
            failure_backoff_millis: 2_000,
            max_timeouts_in_row: 3,
            max_peers: 64,
            max_fetches: 16,
            max_fetch_blocks: 128,
            announce_window_millis: 1_000,
            max_announces_per_window: 16,
            major_sync_threshold: 5,
        }
    }
}
