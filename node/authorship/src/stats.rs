//! What authoring has done so far, for metrics.

use std::time::Duration;

/// Totals over the authored blocks, shared with the metrics endpoint.
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
    /// Blocks authored with a primary claim.
    pub primary_blocks: u64,
    /// Equivocations reported to the pool.
    pub equivocations_reported: u64,
}

impl AuthorStats {
    /// The totals.
    pub fn totals(&self) -> ProposerTotals {
        *self.0.lock()
    }

    /// Counts one authored block.
    pub fn record(&self, transactions: usize, build: Duration, primary: bool) {
        let mut totals = self.0.lock();
        totals.blocks = totals.blocks.saturating_add(1);
        totals.primary_blocks = totals.primary_blocks.saturating_add(u64::from(primary));
        totals.transactions = totals.transactions.saturating_add(transactions as u64);
        totals.build_micros = totals
            .build_micros
            .saturating_add(u64::try_from(build.as_micros()).unwrap_or(u64::MAX));
    }

    /// Counts one equivocation report.
    pub fn record_report(&self) {
        let mut totals = self.0.lock();
        totals.equivocations_reported = totals.equivocations_reported.saturating_add(1);
    }
}
