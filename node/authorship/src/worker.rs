//! A node's slot authorship: the `entroos-consensus-slots` slot machine,
//! fed by the slot timer (ticks, with the best chain's epoch for the slot
//! and the keys held among its authorities) and by block import (every
//! verified header); its claims are built and imported here, its
//! equivocations reported to the pool as unsigned extrinsics.

use crate::build::{build_block, Proposal};
use crate::{AuthorError, AuthorStats, SlotKeys};
use entroos_client::verify::parent_info;
use entroos_client::{Client, VerifiedImport};
use entroos_client_api::{Finalizer, ImportOutcome};
use entroos_consensus_slots::{
    BlockEquivocation, Effect, Input, SlotClaim, SlotMachine, SlotsConfig,
};
use entroos_primitives::crypto::sr25519;
use entroos_primitives::H256;
use entroos_txpool::TxPool;
use parking_lot::Mutex;
use std::sync::Arc;
use std::time::Instant;

/// What one slot came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlotOutcome {
    /// No key this node holds may author the slot on the best block (or the
    /// best block is already at or past it).
    NotOurs,
    /// A block was authored and imported.
    Authored {
        /// Its number.
        number: u32,
        /// Its hash.
        hash: H256,
        /// Whether its claim is primary.
        primary: bool,
    },
}

/// Slot authorship and equivocation detection for one node.
pub struct SlotWorker {
    client: Arc<Client>,
    pool: Arc<TxPool>,
    keys: Arc<dyn SlotKeys + Send + Sync>,
    stats: Arc<AuthorStats>,
    machine: Mutex<SlotMachine>,
}

impl SlotWorker {
    /// A worker authoring with `keys` (none for a node that only watches
    /// for equivocations).
    pub fn new(
        client: Arc<Client>,
        pool: Arc<TxPool>,
        keys: Arc<dyn SlotKeys + Send + Sync>,
        stats: Arc<AuthorStats>,
    ) -> Self {
        let machine = SlotMachine::new(SlotsConfig::default(), Default::default());
        SlotWorker {
            client,
            pool,
            keys,
            stats,
            machine: Mutex::new(machine),
        }
    }

    /// The author's counters.
    pub fn stats(&self) -> &Arc<AuthorStats> {
        &self.stats
    }

    /// Claims `slot` on the best block with a held key that wins it
    /// (primary, else secondary) and, if one does, builds, imports (and,
    /// with a single authority, finalizes) its block.
    pub fn author_slot(&self, slot: u64, deadline: Instant) -> Result<SlotOutcome, AuthorError> {
        let started = Instant::now();
        let best = self.client.heads().best.1;
        let parent = self.client.expect_header(&best)?;
        if slot <= parent_info(&parent)?.slot {
            return Ok(SlotOutcome::NotOurs);
        }
        let Some((claim, key)) = self.claim(&best, slot)? else {
            return Ok(SlotOutcome::NotOurs);
        };
        let candidates: Vec<(H256, Arc<Vec<u8>>)> = self
            .pool
            .ready()
            .iter()
            .map(|t| (t.hash, t.data.clone()))
            .collect();
        let built = build_block(
            &self.client,
            &parent,
            Proposal {
                pre_digest: claim.pre_digest,
                timestamp: slot.saturating_mul(self.client.slot_millis()),
                candidates: &candidates,
                deadline,
                key: &key,
            },
        )?;
        let (number, count) = (built.block.header.number, built.included.len());
        let header = built.block.header.clone();
        let primary = claim.pre_digest.is_primary();
        let build = started.elapsed();
        self.stats.record(count, build, primary);
        let outcome = self
            .client
            .import_own(built.block, &built.parent_state, &built.changes)?;
        let hash = match outcome {
            ImportOutcome::Imported { hash, .. } | ImportOutcome::AlreadyKnown(hash) => hash,
        };
        if self.client.single_authority(&hash)? {
            self.client.finalize(&hash, None)?;
        }
        let imported = started.elapsed();
        self.pool.report_invalid(&built.invalid);
        if self.client.heads().best.1 == hash {
            self.pool.on_best(&header);
        }
        self.pool.on_finalized(self.client.heads().finalized.0);
        log_authored(number, count, primary, build, imported, started);
        Ok(SlotOutcome::Authored {
            number,
            hash,
            primary,
        })
    }

    /// The machine's claim on `slot`, given the best chain's epoch for it
    /// and the keys held among that epoch's authorities, with the key that
    /// must seal it.
    fn claim(
        &self,
        best: &H256,
        slot: u64,
    ) -> Result<Option<(SlotClaim, sr25519::Pair)>, AuthorError> {
        let epoch = self.client.epoch_for(best, slot)?;
        let authorities: Vec<[u8; 32]> = epoch.authorities().iter().map(|a| a.vrf_key).collect();
        let keys = self.keys.held(&authorities);
        let now = self.client.now_slot();
        let effects = {
            let mut machine = self.machine.lock();
            machine.apply(Input::KeysChanged { keys: keys.clone() });
            machine.apply(Input::EpochChanged { epoch });
            machine.apply(Input::SlotTick { slot, now })
        };
        Ok(effects.into_iter().find_map(|effect| match effect {
            Effect::Claim { claim, .. } => Some((claim, keys.get(&claim.author)?.clone())),
            Effect::Equivocation(_) => None,
        }))
    }

    /// Feeds an imported block to the machine; an equivocation it completes
    /// (a second header by one author for one slot) is reported to the
    /// pool. Returns the report's pool hash, if one was submitted.
    pub fn on_imported(&self, imported: &VerifiedImport) -> Result<Option<H256>, AuthorError> {
        let effects = self.machine.lock().apply(Input::Imported {
            header: imported.header.clone(),
            verified: imported.verified,
            best: imported.best,
        });
        let mut submitted = None;
        for effect in effects {
            if let Effect::Equivocation(equivocation) = effect {
                submitted = Some(self.report(equivocation)?);
            }
        }
        Ok(submitted)
    }

    fn report(&self, equivocation: BlockEquivocation) -> Result<H256, AuthorError> {
        let BlockEquivocation {
            slot,
            offender,
            first,
            second,
        } = equivocation;
        let who = entroos_primitives::ss58::encode(42, &offender);
        tracing::warn!(target: "author", "Equivocation: {who} sealed two blocks for slot {slot} ({} and {}); reporting it", first.hash(), second.hash());
        let report = entroos_executor::block_equivocation_report(slot, offender, first, second);
        let hash = self.pool.submit(report)?;
        self.stats.record_report();
        Ok(hash)
    }
}

fn log_authored(
    number: u32,
    count: usize,
    primary: bool,
    build: std::time::Duration,
    imported: std::time::Duration,
    started: Instant,
) {
    let kind = if primary { "primary" } else { "secondary" };
    tracing::debug!(target: "author", "Authored #{number} ({kind} claim)");
    if count > 0 {
        tracing::info!(
            target: "author",
            "Prepared block #{number} ({kind}) with {count} transactions: built in {} ms, committed in {} ms, pool updated in {} ms",
            build.as_millis(),
            imported.saturating_sub(build).as_millis(),
            started.elapsed().saturating_sub(imported).as_millis()
        );
    }
}
