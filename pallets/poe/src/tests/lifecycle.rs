//! The job lifecycle with honest and lying executors.

use crate::mock::*;
use crate::types::{JobStatus, Offence, Settlement, MIN_RELIABILITY};
use crate::{Event, Jobs, ProofRecords, Providers, Receipts};
use entroos_primitives::AccountId32;
use entroos_support::jobs::JobOutcome;
use entroos_support::state::Externalities;

/// Registers providers 10.. (distinct operators and zones), uploads the
/// module and submits a `k`-replica job over `input`; runs the assigning
/// block.
fn assigned_job(
    ext: &mut dyn Externalities,
    k: u8,
    input: &[u8],
    fuel: u64,
    engine: &ScriptedEngine,
) -> u64 {
    let module = upload(ext, OWNER);
    for n in 10..10 + k.max(4) {
        register(ext, n, &format!("op{n}"), &format!("zone{n}"), BOND);
    }
    let job = submit(ext, module, input, k, fuel);
    next_block(ext, Some(engine)).unwrap();
    job
}

/// Each executor commits, then each reveals, the outcome `answer` gives it.
fn answer_all(
    ext: &mut dyn Externalities,
    job: u64,
    answer: impl Fn(usize, &AccountId32) -> Option<JobOutcome>,
) {
    let receipts: Vec<_> = executors(ext, job)
        .iter()
        .enumerate()
        .filter_map(|(i, who)| answer(i, who).map(|o| (*who, receipt(ext, job, &o))))
        .collect();
    for (who, r) in &receipts {
        commit(ext, who, r).unwrap();
    }
    for (who, r) in &receipts {
        reveal(ext, who, r).unwrap();
    }
}

fn slashed(events: &[Event], who: &AccountId32) -> Option<Offence> {
    events.iter().find_map(|e| match e {
        Event::ExecutorSlashed {
            executor, offence, ..
        } if executor == who => Some(*offence),
        _ => None,
    })
}

fn rewarded(events: &[Event], who: &AccountId32) -> Option<u128> {
    events.iter().find_map(|e| match e {
        Event::ExecutorRewarded {
            executor, amount, ..
        } if executor == who => Some(*amount),
        _ => None,
    })
}

#[test]
fn an_honest_quorum_verifies_the_job_and_shares_the_reward() {
    let mut t = new_test_ext(test_params());
    t.execute_with(|ext| {
        let engine = ScriptedEngine::honest(&[b"in"]);
        let job = assigned_job(ext, 3, b"in", 1_000, &engine);
        let executors = executors(ext, job);
        assert_eq!(executors.len(), 3);
        assert!(matches!(
            Jobs::get(ext, &job).unwrap().status,
            JobStatus::Committing { until: 5 }
        ));
        assert_eq!(reserved(ext, OWNER), 100 + job_module().len() as u128 + 900);
        answer_all(ext, job, |_, _| Some(honest_outcome(b"in")));
        let events = poe_events(ext);
        assert!(
            events
                .iter()
                .any(|e| matches!(e, Event::RevealStarted { committed: 3, .. })),
            "all committed: reveal at once"
        );
        assert_eq!(
            Jobs::get(ext, &job).unwrap().status,
            JobStatus::Verified,
            "the last reveal settles a quorum at once"
        );
        let verdict = honest_outcome(b"in");
        assert!(events.contains(&Event::JobVerified {
            job_id: job,
            output_hash: verdict.output_hash(),
            exit: verdict.exit,
            fuel_used: verdict.fuel_used,
            settlement: Settlement::Quorum,
        }));
        for who in &executors {
            assert_eq!(rewarded(&events, who), Some(300));
            assert_eq!(slashed(&events, who), None);
            let provider = Providers::get(ext, who).unwrap();
            assert_eq!(provider.reliability, fixed("0.55"), "0.9 × 0.5 + 0.1");
            assert_eq!(provider.open_assignments, 0);
        }
        assert_eq!(engine.runs.get(), 0, "a quorum needs no re-execution");
        let record = ProofRecords::get(ext, &job).unwrap();
        assert_eq!(record.settlement, Settlement::Quorum);
        assert_eq!(record.agreeing.into_inner(), executors);
        assert_eq!(record.verdict.output_hash, verdict.output_hash());
        assert_eq!(
            reserved(ext, OWNER),
            100 + job_module().len() as u128,
            "the reward left the reserve"
        );
        assert_eq!(Jobs::get(ext, &job).unwrap().status, JobStatus::Verified);
        assert_eq!(crate::Pallet::<Test>::active_jobs(ext), 0);
    });
}

#[test]
fn one_liar_is_outvoted_by_a_quorum_and_slashed() {
    // k = 4: three agreeing receipts are more than two thirds.
    let mut t = new_test_ext(test_params());
    t.execute_with(|ext| {
        let engine = ScriptedEngine::honest(&[b"in"]);
        let job = assigned_job(ext, 4, b"in", 1_000, &engine);
        let executors = executors(ext, job);
        let liar = executors[2];
        answer_all(ext, job, |i, _| {
            Some(if i == 2 {
                lie(9)
            } else {
                honest_outcome(b"in")
            })
        });
        let events = poe_events(ext);
        assert!(events.iter().any(|e| matches!(
            e,
            Event::JobVerified {
                settlement: Settlement::Quorum,
                ..
            }
        )));
        assert_eq!(slashed(&events, &liar), Some(Offence::Dissent));
        assert_eq!(Providers::get(ext, &liar).unwrap().bond, BOND - 1_000);
        assert_eq!(
            Providers::get(ext, &liar).unwrap().reliability,
            fixed("0.45")
        );
        assert_eq!(
            reserved(ext, index_of(&liar)),
            BOND - 1_000,
            "the slash is burned from the reserve"
        );
        for who in executors.iter().filter(|w| **w != liar) {
            assert_eq!(rewarded(&events, who), Some(300));
        }
        assert_eq!(rewarded(&events, &liar), None);
        assert_eq!(engine.runs.get(), 0);
    });
}

#[test]
fn one_liar_of_three_is_outvoted_by_a_quorum_of_two_and_slashed() {
    // k = 3: two agreeing receipts are two thirds.
    let mut t = new_test_ext(test_params());
    t.execute_with(|ext| {
        let engine = ScriptedEngine::honest(&[b"in"]);
        let job = assigned_job(ext, 3, b"in", 1_000, &engine);
        let executors = executors(ext, job);
        answer_all(ext, job, |i, _| {
            Some(if i == 0 {
                lie(1)
            } else {
                honest_outcome(b"in")
            })
        });
        let events = poe_events(ext);
        assert!(events.iter().any(|e| matches!(
            e,
            Event::JobVerified {
                settlement: Settlement::Quorum,
                ..
            }
        )));
        assert!(!events
            .iter()
            .any(|e| matches!(e, Event::JobDisputed { .. })));
        assert_eq!(engine.runs.get(), 0, "a quorum needs no re-execution");
        assert_eq!(slashed(&events, &executors[0]), Some(Offence::Dissent));
        assert_eq!(rewarded(&events, &executors[1]), Some(450));
        assert_eq!(rewarded(&events, &executors[2]), Some(450));
    });
}

#[test]
fn two_liars_of_three_are_disputed_and_re_execution_settles() {
    let mut t = new_test_ext(test_params());
    t.execute_with(|ext| {
        let engine = ScriptedEngine::honest(&[b"in"]);
        let job = assigned_job(ext, 3, b"in", 1_000, &engine);
        let executors = executors(ext, job);
        // Each liar tells its own lie: no two receipts agree.
        answer_all(ext, job, |i, _| {
            Some(if i == 1 {
                honest_outcome(b"in")
            } else {
                lie(7 + i as u8)
            })
        });
        next_block(ext, Some(&engine)).unwrap();
        let events = poe_events(ext);
        let truth = honest_outcome(b"in");
        assert!(events.contains(&Event::JobDisputed {
            job_id: job,
            round: 0
        }));
        assert!(events.contains(&Event::JobReExecuted {
            job_id: job,
            output_hash: truth.output_hash(),
            exit: truth.exit,
            fuel_used: truth.fuel_used,
        }));
        assert_eq!(engine.runs.get(), 1);
        assert_eq!(slashed(&events, &executors[0]), Some(Offence::Dissent));
        assert_eq!(slashed(&events, &executors[2]), Some(Offence::Dissent));
        assert_eq!(
            rewarded(&events, &executors[1]),
            Some(900),
            "the honest one takes it all"
        );
        let record = ProofRecords::get(ext, &job).unwrap();
        assert_eq!(record.settlement, Settlement::ReExecution);
        assert_eq!(record.agreeing.into_inner(), vec![executors[1]]);
        assert_eq!(record.log_hash, truth.log_hash());
        assert_eq!(
            record.proof,
            crate::receipt::execution_proof(
                job,
                &record.entropy_seed,
                truth.fuel_used,
                &truth.output_hash()
            )
        );
    });
}

#[test]
fn executors_that_never_commit_are_slashed_after_the_commit_phase() {
    let mut t = new_test_ext(test_params());
    t.execute_with(|ext| {
        let engine = ScriptedEngine::honest(&[b"in"]);
        let job = assigned_job(ext, 4, b"in", 1_000, &engine);
        let executors = executors(ext, job);
        let r = receipt(ext, job, &honest_outcome(b"in"));
        for who in &executors[..3] {
            commit(ext, who, &r).unwrap();
        }
        assert!(matches!(
            Jobs::get(ext, &job).unwrap().status,
            JobStatus::Committing { until: 5 }
        ));
        run_to(ext, 5, Some(&engine));
        assert!(
            matches!(
                Jobs::get(ext, &job).unwrap().status,
                JobStatus::Committing { .. }
            ),
            "through its last block"
        );
        next_block(ext, Some(&engine)).unwrap();
        assert!(poe_events(ext).contains(&Event::RevealStarted {
            job_id: job,
            committed: 3,
            reveal_until: 9
        }));
        for who in &executors[..3] {
            reveal(ext, who, &r).unwrap();
        }
        let events = poe_events(ext);
        assert_eq!(slashed(&events, &executors[3]), Some(Offence::NoShow));
        assert!(events.iter().any(|e| matches!(
            e,
            Event::JobVerified {
                settlement: Settlement::Quorum,
                ..
            }
        )));
    });
}

#[test]
fn an_executor_that_commits_but_never_reveals_is_slashed_after_the_reveal_phase() {
    let mut t = new_test_ext(test_params());
    t.execute_with(|ext| {
        let engine = ScriptedEngine::honest(&[b"in"]);
        let job = assigned_job(ext, 4, b"in", 1_000, &engine);
        let executors = executors(ext, job);
        let r = receipt(ext, job, &honest_outcome(b"in"));
        for who in &executors {
            commit(ext, who, &r).unwrap();
        }
        for who in &executors[1..] {
            reveal(ext, who, &r).unwrap();
        }
        assert!(matches!(
            Jobs::get(ext, &job).unwrap().status,
            JobStatus::Revealing { until: 5 }
        ));
        run_to(ext, 5, Some(&engine));
        assert!(Receipts::get(ext, &job, &executors[0]).is_none());
        next_block(ext, Some(&engine)).unwrap();
        let events = poe_events(ext);
        assert_eq!(slashed(&events, &executors[0]), Some(Offence::NoShow));
        assert_eq!(Jobs::get(ext, &job).unwrap().status, JobStatus::Verified);
    });
}

#[test]
fn repeated_slashes_keep_reliability_above_its_floor() {
    let mut t = new_test_ext(test_params());
    t.execute_with(|ext| {
        let engine = ScriptedEngine::honest(&[b"in"]);
        let module = upload(ext, OWNER);
        register(ext, 10, "op", "z", 500_000_000);
        // Each job: assigned, never committed, settled by re-execution.
        for _ in 0..80 {
            submit(ext, module, b"in", 1, 1_000);
            let now = pallet_system::Number::get(ext);
            run_to(ext, now + 5, Some(&engine));
        }
        assert_eq!(engine.runs.get(), 80);
        let provider = Providers::get(ext, &account(10)).unwrap();
        assert_eq!(provider.reliability, MIN_RELIABILITY);
        assert!(provider.bond > 0);
    });
}
