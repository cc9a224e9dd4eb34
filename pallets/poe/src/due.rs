//! The due queue: every job in flight has exactly one entry `(block, job)`
//! naming the block its current phase ends at, kept sorted, so each
//! block's hook reads one value to find the jobs it must move on.

use crate::types::MAX_DUE_PER_BLOCK;
use crate::{Config, DueJobs, Error, Pallet};
use entroos_primitives::BlockNumber;
use entroos_support::bounded::BoundedVec;
use entroos_support::state::Externalities;

impl<T: Config> Pallet<T> {
    /// Sets `job_id`'s entry to `at` (adding it if it has none). Fails only
    /// when adding to a full queue.
    pub(crate) fn schedule(
        ext: &mut dyn Externalities,
        job_id: u64,
        at: BlockNumber,
    ) -> Result<(), Error> {
        let mut entries = DueJobs::get(ext).into_inner();
        entries.retain(|(_, id)| *id != job_id);
        let position = entries.partition_point(|entry| *entry < (at, job_id));
        entries.insert(position, (at, job_id));
        let entries = BoundedVec::try_from(entries).map_err(|_| Error::TooManyActiveJobs)?;
        DueJobs::put(ext, &entries);
        Ok(())
    }

    /// Removes `job_id`'s entry.
    pub(crate) fn unschedule(ext: &mut dyn Externalities, job_id: u64) {
        DueJobs::mutate(ext, |entries| {
            let mut kept = std::mem::take(entries).into_inner();
            kept.retain(|(_, id)| *id != job_id);
            *entries = BoundedVec::try_from(kept).unwrap_or_default();
        });
    }

    /// The jobs due at or before `now`, earliest first, at most
    /// [`MAX_DUE_PER_BLOCK`].
    pub fn due_jobs(ext: &dyn Externalities, now: BlockNumber) -> Vec<u64> {
        DueJobs::get(ext)
            .as_slice()
            .iter()
            .take_while(|(at, _)| *at <= now)
            .take(MAX_DUE_PER_BLOCK as usize)
            .map(|(_, id)| *id)
            .collect()
    }

    /// How many jobs are in flight.
    pub fn active_jobs(ext: &dyn Externalities) -> u32 {
        u32::try_from(DueJobs::get(ext).len()).unwrap_or(u32::MAX)
    }
}
