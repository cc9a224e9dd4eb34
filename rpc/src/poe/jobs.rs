//! `poe_job` and `poe_jobs`: jobs as JSON, one by id or a page in id order.
//!
//! `Poe.Jobs` is keyed by `twox64(id) ‖ id`, so its key order is the hash
//! order, not the id order. Job ids are handed out in sequence
//! (`Poe.NextJobId`) and jobs are never removed, so a page is read by id
//! from `startAfter + 1` up, each job by its key: at most
//! [`MAX_JOBS_SCANNED`] jobs are read per call, so a page filtered down to
//! few matches may hold fewer than `limit` jobs and still have a `next`.

use super::chain::{job, next_job_id, proof_record};
use super::format::{job_json, status_kind, STATUS_KINDS};
use crate::entropy::ss58_format;
use crate::error::PoeError;
use crate::server::Deps;
use entroos_poe_primitives::{Job, JobStatus};
use entroos_primitives::{AccountId32, H256};
use serde::Deserialize;
use serde_json::{json, Value};

/// The page size when none is asked for.
pub const DEFAULT_JOBS_PAGE: u32 = 50;
/// The largest page.
pub const MAX_JOBS_PAGE: u32 = 256;
/// The most jobs one `poe_jobs` call reads.
pub const MAX_JOBS_SCANNED: u64 = 1024;

/// Job `id` at `at`, with its proof record; `null` if there is no such job.
pub(super) fn job_at(deps: &Deps, at: H256, id: u64) -> Result<Value, PoeError> {
    let Some(job) = job(deps, at, id)? else {
        return Ok(Value::Null);
    };
    let mut value = rendered(deps, at, id, &job)?;
    if let Some(object) = value.as_object_mut() {
        object.insert("at".into(), json!(at));
    }
    Ok(value)
}

/// Job `id` as JSON, its proof record read if it was verified.
fn rendered(deps: &Deps, at: H256, id: u64, job: &Job) -> Result<Value, PoeError> {
    let record = match job.status {
        JobStatus::Verified => proof_record(deps, at, id)?,
        _ => None,
    };
    Ok(job_json(ss58_format(deps), id, job, record.as_ref()))
}

/// The `poe_jobs` query, as clients send it.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct JobsQuery {
    status: Option<String>,
    owner: Option<String>,
    start_after: Option<u64>,
    limit: Option<u32>,
}

/// A checked query.
struct Filter {
    status: Option<&'static str>,
    owner: Option<AccountId32>,
    first: u64,
    limit: usize,
}

impl Filter {
    fn parse(query: JobsQuery) -> Result<Filter, PoeError> {
        let status = query
            .status
            .map(|kind| {
                STATUS_KINDS
                    .iter()
                    .find(|known| **known == kind)
                    .copied()
                    .ok_or_else(|| {
                        PoeError::InvalidParams(format!(
                            "status {kind:?} is none of {}",
                            STATUS_KINDS.join(", ")
                        ))
                    })
            })
            .transpose()?;
        let owner = query
            .owner
            .map(|text| {
                AccountId32::from_ss58_or_hex(&text)
                    .map_err(|e| PoeError::InvalidParams(format!("owner {text}: {e}")))
            })
            .transpose()?;
        let limit = query.limit.unwrap_or(DEFAULT_JOBS_PAGE);
        if !(1..=MAX_JOBS_PAGE).contains(&limit) {
            return Err(PoeError::InvalidParams(format!(
                "limit {limit} is not within 1..={MAX_JOBS_PAGE}"
            )));
        }
        Ok(Filter {
            status,
            owner,
            first: query.start_after.map_or(0, |id| id.saturating_add(1)),
            limit: limit as usize,
        })
    }

    fn matches(&self, job: &Job) -> bool {
        self.status
            .is_none_or(|kind| status_kind(&job.status) == kind)
            && self.owner.is_none_or(|owner| job.owner == owner)
    }
}

/// A page of the jobs `query` selects at `at`, in id order, and the id to
/// continue after (`null` once every job was read).
pub(super) fn jobs(deps: &Deps, at: H256, query: JobsQuery) -> Result<Value, PoeError> {
    let filter = Filter::parse(query)?;
    let end = next_job_id(deps, at)?;
    let scan_end = end.min(filter.first.saturating_add(MAX_JOBS_SCANNED));
    let mut page = Vec::new();
    let mut id = filter.first;
    while id < scan_end && page.len() < filter.limit {
        if let Some(job) = job(deps, at, id)? {
            if filter.matches(&job) {
                page.push(rendered(deps, at, id, &job)?);
            }
        }
        id = id.saturating_add(1);
    }
    let next = (id < end).then(|| id.saturating_sub(1));
    Ok(json!({ "at": at, "jobs": page, "next": next }))
}
