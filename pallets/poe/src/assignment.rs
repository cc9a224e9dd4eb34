//! Assigning a job's executors in a block's hook: the eligible providers,
//! their weights, the seed, the draw (see [`crate::selection`]).
//!
//! **Weight** of provider `p`:
//! `⌊R_poe(p) × VoteWeight(p)⌋` with `VoteWeight(p) = ⌊E × R × bond⌋`,
//! where `(R, E)` are `p`'s reliability and entropy scores in pallet
//! Entropy when `p` is also a validator (it has scores there), and Entropy's
//! initial scores otherwise; `R_poe(p)` is `p`'s execution reliability
//! kept here (see [`crate::settlement`]): receipts that agree with the
//! verdict raise it, dissent and no-shows lower it, so an unreliable
//! executor is drawn less often. All fixed point, rounded down.
//!
//! **Eligible**: active providers, other than the job's owner and the
//! previous round's executors, whose declared memory holds the job's pages.
//!
//! **Seed** `E_s = blake2_256(SCALE(("entroos/poe/assign", randomness,
//! parent_hash, job_id, round)))` with the current epoch's randomness from
//! Entropy and the parent block's hash: fixed at assignment, stored in the
//! job, and what receipts prove against.

use crate::selection::{draw, Candidate};
use crate::types::{Executors, FailReason, Job, JobStatus, Provider, ProviderStatus};
use crate::{Config, Event, Jobs, Pallet, Providers};
use codec::Encode;
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::{AccountId32, BlockNumber, H256};
use entroos_support::bounded::BoundedVec;
use entroos_support::state::Externalities;

/// Pages of 64 KiB in one MiB.
const PAGES_PER_MIB: u32 = 16;

impl<T: Config> Pallet<T> {
    /// `p`'s selection weight (see the module docs).
    pub fn provider_weight(
        ext: &dyn Externalities,
        who: &AccountId32,
        provider: &Provider,
    ) -> u128 {
        let scores = pallet_entropy::Scores::get(ext, who).unwrap_or_else(|| {
            pallet_entropy::scores::initial(&pallet_entropy::Pallet::<T>::params(ext))
        });
        let vote_weight = pallet_entropy::scores::vote_weight(&scores, provider.bond);
        provider.reliability.saturating_mul_int(vote_weight)
    }

    /// The providers eligible for `job`, in storage-key order.
    pub fn candidates(ext: &dyn Externalities, job: &Job) -> Vec<Candidate> {
        Providers::iter(ext)
            .into_iter()
            .filter(|(who, p)| {
                p.status == ProviderStatus::Active
                    && *who != job.owner
                    && !job.previous.as_slice().contains(who)
                    && p.info.capacity.memory_mib.saturating_mul(PAGES_PER_MIB) >= job.memory_pages
            })
            .map(|(who, p)| Candidate {
                weight: Self::provider_weight(ext, &who, &p),
                operator: p.info.operator,
                zone: p.info.zone,
                who,
            })
            .collect()
    }

    /// `E_s` of round `round` of `job_id`, assigned in this block.
    pub fn entropy_seed(ext: &dyn Externalities, job_id: u64, round: u8) -> H256 {
        let randomness = pallet_entropy::Pallet::<T>::current_set(ext).randomness;
        let parent = pallet_system::ParentHash::get(ext);
        let tag: &[u8] = b"entroos/poe/assign";
        H256(blake2_256(
            &(tag, randomness, parent, job_id, round).encode(),
        ))
    }

    /// Draws the executors of `job`'s current round and opens its commit
    /// phase, or says why it cannot.
    pub(crate) fn assign(
        ext: &mut dyn Externalities,
        job_id: u64,
        mut job: Job,
        now: BlockNumber,
    ) -> Result<(), FailReason> {
        let candidates = Self::candidates(ext, &job);
        let seed = Self::entropy_seed(ext, job_id, job.round);
        let picks = draw(&candidates, u32::from(job.replicas), &seed)
            .ok_or(FailReason::NotEnoughExecutors)?;
        let executors: Vec<AccountId32> = picks
            .iter()
            .filter_map(|i| candidates.get(*i).map(|c| c.who))
            .collect();
        let executors =
            Executors::try_from(executors).map_err(|_| FailReason::NotEnoughExecutors)?;
        for who in executors.as_slice() {
            Self::note_assignment(ext, who, true);
        }
        let until = now.saturating_add(Self::params(ext).commit_period);
        job.entropy_seed = seed;
        job.executors = executors.clone();
        job.status = JobStatus::Committing { until };
        Jobs::insert(ext, &job_id, &job);
        // The job has an entry already: rescheduling never fails.
        let _ = Self::schedule(ext, job_id, until.saturating_add(1));
        Self::deposit_event(
            ext,
            Event::JobAssigned {
                job_id,
                round: job.round,
                executors,
                entropy_seed: seed,
                commit_until: until,
            },
        );
        Ok(())
    }

    /// Opens (`true`) or closes an assignment of `who`.
    pub(crate) fn note_assignment(ext: &mut dyn Externalities, who: &AccountId32, open: bool) {
        Providers::mutate(ext, who, |provider| {
            if let Some(p) = provider {
                p.open_assignments = if open {
                    p.open_assignments.saturating_add(1)
                } else {
                    p.open_assignments.saturating_sub(1)
                };
            }
        });
    }

    /// Moves `job` to its next round: the current executors become the
    /// excluded ones.
    pub(crate) fn next_round(job: &mut Job) {
        job.previous = std::mem::take(&mut job.executors);
        job.round = job.round.saturating_add(1);
        job.entropy_seed = H256::default();
        job.executors = BoundedVec::default();
    }
}
