//! The commit and reveal phases: signed extrinsics of the assigned
//! executors, and the transitions they trigger.
//!
//! - `commit_receipt` is accepted from an executor of the job's current
//!   round while the job is `Committing`, once per executor. When all `k`
//!   have committed, the reveal phase starts at once.
//! - `reveal_receipt` is accepted from an executor that committed, while
//!   the job is `Revealing`, once: the receipt must name the job, hash
//!   with the executor and salt to its commitment (so it is bound to its
//!   signer and was fixed before any receipt was public), carry a valid
//!   `P` for the job's `E_s`, claim no more fuel than the limit, and come
//!   with the executor's signature of the receipt, which is stored with it
//!   (anyone can check a stored receipt offline against the account). When
//!   every committed executor has revealed, a round whose receipts hold a
//!   quorum is Verified at once, in that extrinsic; any other settles in
//!   the next block's hook (dispute, re-execution or reassignment).

use crate::receipt::{commitment, proof_is_valid, receipt_signature_is_valid};
use crate::types::{Job, JobStatus, SignedReceipt};
use crate::{Commitments, Config, Error, Event, Jobs, Pallet, Receipts};
use entroos_primitives::dispatch::DispatchResult;
use entroos_primitives::{AccountId32, BlockNumber, H256};
use entroos_support::state::Externalities;

impl<T: Config> Pallet<T> {
    fn assigned_job(ext: &dyn Externalities, job_id: u64, who: &AccountId32) -> Result<Job, Error> {
        let job = Jobs::get(ext, &job_id).ok_or(Error::UnknownJob)?;
        if !job.executors.as_slice().contains(who) {
            return Err(Error::NotAssigned);
        }
        Ok(job)
    }

    /// Records `who`'s commitment to its receipt for `job_id`.
    pub fn commit_receipt(
        ext: &mut dyn Externalities,
        who: &AccountId32,
        job_id: u64,
        commitment: H256,
    ) -> DispatchResult {
        let job = Self::assigned_job(ext, job_id, who).map_err(Self::error)?;
        if !matches!(job.status, JobStatus::Committing { .. }) {
            return Err(Self::error(Error::NotCommitting));
        }
        if Commitments::contains_key(ext, &job_id, who) {
            return Err(Self::error(Error::AlreadyCommitted));
        }
        Commitments::insert(ext, &job_id, who, &commitment);
        Self::deposit_event(
            ext,
            Event::ReceiptCommitted {
                job_id,
                executor: *who,
            },
        );
        if Self::committed(ext, job_id, &job) == job.executors.len() {
            let now = pallet_system::Number::get(ext);
            Self::start_reveal(ext, job_id, job, now).map_err(Self::error)?;
        }
        Ok(())
    }

    /// How many of the round's executors committed.
    pub(crate) fn committed(ext: &dyn Externalities, job_id: u64, job: &Job) -> usize {
        job.executors
            .as_slice()
            .iter()
            .filter(|who| Commitments::contains_key(ext, &job_id, who))
            .count()
    }

    /// Closes the commit phase at `now`: the reveal phase runs until
    /// `now + reveal_period`.
    pub(crate) fn start_reveal(
        ext: &mut dyn Externalities,
        job_id: u64,
        mut job: Job,
        now: BlockNumber,
    ) -> Result<(), Error> {
        let until = now.saturating_add(Self::params(ext).reveal_period);
        let committed = u32::try_from(Self::committed(ext, job_id, &job)).unwrap_or(u32::MAX);
        job.status = JobStatus::Revealing { until };
        Jobs::insert(ext, &job_id, &job);
        Self::schedule(ext, job_id, until.saturating_add(1))?;
        Self::deposit_event(
            ext,
            Event::RevealStarted {
                job_id,
                committed,
                reveal_until: until,
            },
        );
        Ok(())
    }

    fn check_reveal(
        ext: &dyn Externalities,
        who: &AccountId32,
        job_id: u64,
        signed: &SignedReceipt,
        salt: &[u8; 32],
    ) -> Result<Job, Error> {
        let receipt = &signed.receipt;
        let job = Self::assigned_job(ext, job_id, who)?;
        if !matches!(job.status, JobStatus::Revealing { .. }) {
            return Err(Error::NotRevealing);
        }
        let committed = Commitments::get(ext, &job_id, who).ok_or(Error::NotCommitted)?;
        if Receipts::contains_key(ext, &job_id, who) {
            return Err(Error::AlreadyRevealed);
        }
        if receipt.job_id != job_id {
            return Err(Error::WrongJob);
        }
        if commitment(receipt, who, salt) != committed {
            return Err(Error::CommitmentMismatch);
        }
        if !proof_is_valid(receipt, &job.entropy_seed) {
            return Err(Error::InvalidProof);
        }
        if receipt.fuel_used > job.fuel {
            return Err(Error::FuelAboveLimit);
        }
        if !receipt_signature_is_valid(signed, who) {
            return Err(Error::BadReceiptSignature);
        }
        Ok(job)
    }

    /// Records `who`'s signed receipt for `job_id` after checking it
    /// against its commitment, `P` and the signature.
    pub fn reveal_receipt(
        ext: &mut dyn Externalities,
        who: &AccountId32,
        job_id: u64,
        signed: SignedReceipt,
        salt: [u8; 32],
    ) -> DispatchResult {
        let mut job = Self::check_reveal(ext, who, job_id, &signed, &salt).map_err(Self::error)?;
        Receipts::insert(ext, &job_id, who, &signed);
        let receipt = signed.receipt;
        Self::deposit_event(
            ext,
            Event::ReceiptRevealed {
                job_id,
                executor: *who,
                output_hash: receipt.output_hash,
                exit: receipt.exit,
                fuel_used: receipt.fuel_used,
            },
        );
        let receipts = Self::round_receipts(ext, job_id, &job);
        let revealed = receipts.iter().flatten().count();
        if revealed == Self::committed(ext, job_id, &job) {
            let now = pallet_system::Number::get(ext);
            if Self::settle_if_quorum(ext, job_id, &job, &receipts, now) {
                return Ok(());
            }
            let next = now.saturating_add(1);
            job.status = JobStatus::Settling;
            Jobs::insert(ext, &job_id, &job);
            Self::schedule(ext, job_id, next).map_err(Self::error)?;
        }
        Ok(())
    }
}
