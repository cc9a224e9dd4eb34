//! Disputes beyond the re-execution bound, failures, and the limits of a
//! block's re-execution.

use crate::mock::*;
use crate::types::{FailReason, JobStatus, Offence};
use crate::{Error, Event, Jobs, Providers};
use entroos_support::state::Externalities;

fn providers(ext: &mut dyn Externalities, range: std::ops::Range<u8>) {
    for n in range {
        register(ext, n, &format!("op{n}"), &format!("zone{n}"), BOND);
    }
}

/// Every executor of the round commits and reveals a different output.
fn all_disagree(ext: &mut dyn Externalities, job: u64) {
    let answers: Vec<_> = executors(ext, job)
        .into_iter()
        .enumerate()
        .map(|(i, who)| (who, receipt(ext, job, &lie(i as u8))))
        .collect();
    for (who, r) in &answers {
        commit(ext, who, r).unwrap();
    }
    for (who, r) in &answers {
        reveal(ext, who, r).unwrap();
    }
}

#[test]
fn beyond_the_bound_a_job_is_reassigned_once_then_failed_and_refunded() {
    let mut t = new_test_ext(test_params());
    t.execute_with(|ext| {
        let engine = ScriptedEngine::default();
        let module = upload(ext, OWNER);
        providers(ext, 10..16);
        let before = free(ext, OWNER);
        let job = submit(ext, module, b"big", 3, 50_000);
        next_block(ext, Some(&engine)).unwrap();
        let first = executors(ext, job);
        all_disagree(ext, job);
        next_block(ext, Some(&engine)).unwrap();
        let events = poe_events(ext);
        assert!(events.contains(&Event::JobDisputed {
            job_id: job,
            round: 0
        }));
        assert!(events.contains(&Event::JobReassigned {
            job_id: job,
            round: 1
        }));
        assert!(
            !events
                .iter()
                .any(|e| matches!(e, Event::ExecutorSlashed { .. })),
            "who was right is unknown"
        );
        let second = executors(ext, job);
        assert_eq!(second.len(), 3);
        assert!(
            second.iter().all(|who| !first.contains(who)),
            "fresh executors"
        );
        assert_eq!(Jobs::get(ext, &job).unwrap().round, 1);
        // Round 1: nobody commits.
        let now = pallet_system::Number::get(ext);
        run_to(ext, now + 4, Some(&engine));
        let events = poe_events(ext);
        assert!(events.contains(&Event::JobDisputed {
            job_id: job,
            round: 1
        }));
        assert!(events.contains(&Event::JobFailed {
            job_id: job,
            reason: FailReason::NoQuorum,
            refunded: 900
        }));
        for who in &second {
            assert!(events.contains(&Event::ExecutorSlashed {
                job_id: job,
                executor: *who,
                amount: 1_000,
                offence: Offence::NoShow
            }));
        }
        assert_eq!(
            Jobs::get(ext, &job).unwrap().status,
            JobStatus::Failed(FailReason::NoQuorum)
        );
        assert_eq!(free(ext, OWNER), before, "the reward is refunded in full");
        assert_eq!(engine.runs.get(), 0, "never re-executed");
        for who in first.iter().chain(&second) {
            assert_eq!(Providers::get(ext, who).unwrap().open_assignments, 0);
        }
    });
}

#[test]
fn no_reassignment_that_cannot_end_before_the_deadline() {
    let mut t = new_test_ext(test_params());
    t.execute_with(|ext| {
        let module = upload(ext, OWNER);
        providers(ext, 10..16);
        let submit = crate::Call::submit_job {
            module,
            input: crate::JobInput::try_from(b"big".to_vec()).unwrap(),
            fuel: 50_000,
            memory_pages: 16,
            replicas: 3,
            reward: 900,
            deadline: 9,
        };
        assert_eq!(
            call(ext, OWNER, submit.clone()),
            err(Error::DeadlineTooSoon)
        );
        let crate::Call::submit_job {
            module,
            input,
            fuel,
            memory_pages,
            replicas,
            reward,
            ..
        } = submit
        else {
            unreachable!()
        };
        let submit = crate::Call::submit_job {
            module,
            input,
            fuel,
            memory_pages,
            replicas,
            reward,
            deadline: 10,
        };
        call(ext, OWNER, submit).unwrap();
        let engine = ScriptedEngine::default();
        next_block(ext, Some(&engine)).unwrap();
        all_disagree(ext, 0);
        next_block(ext, Some(&engine)).unwrap();
        assert!(poe_events(ext).contains(&Event::JobFailed {
            job_id: 0,
            reason: FailReason::DeadlinePassed,
            refunded: 900
        }));
    });
}

#[test]
fn a_job_fails_when_fewer_than_k_providers_are_eligible() {
    let mut t = new_test_ext(test_params());
    t.execute_with(|ext| {
        let module = upload(ext, OWNER);
        register(ext, OWNER, "op", "z", BOND);
        providers(ext, 10..12);
        let job = submit(ext, module, b"x", 3, 1_000);
        next_block(ext, None).unwrap();
        assert!(poe_events(ext).contains(&Event::JobFailed {
            job_id: job,
            reason: FailReason::NotEnoughExecutors,
            refunded: 900
        }));
        assert_eq!(
            reserved(ext, OWNER),
            BOND + 100 + job_module().len() as u128
        );
    });
}

#[test]
fn a_block_re_executes_at_most_the_bound_and_the_rest_waits() {
    let mut t = new_test_ext(test_params());
    t.execute_with(|ext| {
        let module = upload(ext, OWNER);
        providers(ext, 10..14);
        let engine = ScriptedEngine::default();
        let first = submit(ext, module, b"a", 3, 6_000);
        let second = submit(ext, module, b"b", 3, 6_000);
        next_block(ext, Some(&engine)).unwrap();
        all_disagree(ext, first);
        all_disagree(ext, second);
        let engine = ScriptedEngine::honest(&[b"a", b"b"]);
        next_block(ext, Some(&engine)).unwrap();
        assert_eq!(engine.runs.get(), 1);
        assert_eq!(Jobs::get(ext, &first).unwrap().status, JobStatus::Verified);
        assert_eq!(Jobs::get(ext, &second).unwrap().status, JobStatus::Disputed);
        next_block(ext, Some(&engine)).unwrap();
        assert_eq!(engine.runs.get(), 2);
        assert_eq!(Jobs::get(ext, &second).unwrap().status, JobStatus::Verified);
        assert!(
            !poe_events(ext)
                .iter()
                .any(|e| matches!(e, Event::JobDisputed { .. })),
            "reported once"
        );
    });
}

#[test]
fn a_block_needing_re_execution_is_refused_without_a_working_engine() {
    let mut t = new_test_ext(test_params());
    t.execute_with(|ext| {
        let module = upload(ext, OWNER);
        providers(ext, 10..13);
        let job = submit(ext, module, b"a", 3, 1_000);
        next_block(ext, None).unwrap();
        all_disagree(ext, job);
        assert_eq!(next_block(ext, None), Err(Error::NoJobExecutor));
        let broken = ScriptedEngine::default();
        assert_eq!(
            next_block(ext, Some(&broken)),
            Err(Error::JobExecutorFailed)
        );
    });
}
