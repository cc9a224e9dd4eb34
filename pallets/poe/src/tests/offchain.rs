//! The executor's off-chain worker on the mock runtime, with a test
//! off-chain context: local storage in a map, the mock's sr25519 keys as
//! its keystore, and the calls it returns dispatched by the tests.

use crate::local::{run_key, LocalRun, EXECUTOR_KEY_TYPE};
use crate::mock::*;
use crate::offchain::{work, Submission, RESUBMIT_AFTER};
use crate::receipt::{commitment, receipt_of, receipt_signature_is_valid};
use crate::types::{JobStatus, SignedReceipt};
use crate::{Call, Commitments, Jobs};
use codec::Decode;
use entroos_primitives::AccountId32;
use entroos_support::jobs::WithJobExecutor;
use entroos_support::offchain::testing::TestOffchain;
use entroos_support::state::Externalities;

type TestContext = TestOffchain;

/// A node holding the executor keys of accounts `keys`.
fn with_keys(keys: &[u8]) -> TestContext {
    TestOffchain::with_keys(EXECUTOR_KEY_TYPE, keys.iter().map(|n| pair(*n)))
}

/// `who`'s kept run of round `round` of job `job_id`, if any.
fn kept_run(ctx: &TestContext, job_id: u64, round: u8, who: &AccountId32) -> Option<LocalRun> {
    let bytes = ctx.storage.get(&run_key(job_id, round, who))?;
    Some(LocalRun::decode(&mut &bytes[..]).unwrap())
}

/// The worker of the current block, with `engine` lent.
fn worker(
    ext: &mut dyn Externalities,
    ctx: &mut TestContext,
    engine: &ScriptedEngine,
) -> Vec<Submission> {
    let now = pallet_system::Number::get(ext);
    work(&WithJobExecutor::new(ext, engine), now, ctx)
}

/// Dispatches each submission as its signer.
fn dispatch(ext: &mut dyn Externalities, submissions: &[Submission]) {
    for s in submissions {
        call(ext, index_of(&s.signer), s.call.clone()).unwrap();
    }
}

/// Three providers 10..13, a job of `k` over `b"in"` assigned.
fn assigned(ext: &mut dyn Externalities, k: u8, engine: &ScriptedEngine) -> u64 {
    let module = upload(ext, OWNER);
    for n in 10..13 {
        register(ext, n, &format!("op{n}"), &format!("zone{n}"), BOND);
    }
    let job = submit(ext, module, b"in", k, 1_000);
    next_block(ext, Some(engine)).unwrap();
    job
}

#[test]
fn the_worker_commits_then_reveals_a_signed_receipt_of_its_run() {
    let mut t = new_test_ext(test_params());
    t.execute_with(|ext| {
        let engine = ScriptedEngine::honest(&[b"in"]);
        let job = assigned(ext, 1, &engine);
        let [who]: [AccountId32; 1] = executors(ext, job).try_into().unwrap();
        let n = index_of(&who);
        let others: Vec<u8> = (10..13).filter(|m| *m != n).collect();
        assert!(
            worker(ext, &mut with_keys(&others), &engine).is_empty(),
            "keys not assigned do nothing"
        );
        assert_eq!(engine.runs.get(), 0);

        let mut ctx = with_keys(&[n]);
        let commits = worker(ext, &mut ctx, &engine);
        assert_eq!(engine.runs.get(), 1);
        let run = kept_run(&ctx, job, 0, &who).unwrap();
        let seed = Jobs::get(ext, &job).unwrap().entropy_seed;
        assert_eq!(run.receipt, receipt_of(job, &seed, &honest_outcome(b"in")));
        assert_eq!(run.output, honest_outcome(b"in").output);
        assert_eq!(run.log, b"log");
        assert_eq!(run.committed_at, Some(2));
        let expected = Call::commit_receipt {
            job_id: job,
            commitment: commitment(&run.receipt, &who, &run.salt),
        };
        assert_eq!(
            commits,
            vec![Submission {
                signer: who,
                call: expected
            }]
        );
        assert!(
            worker(ext, &mut ctx, &engine).is_empty(),
            "never twice for one block"
        );

        dispatch(ext, &commits);
        assert!(matches!(
            Jobs::get(ext, &job).unwrap().status,
            JobStatus::Revealing { .. }
        ));
        let reveals = worker(ext, &mut ctx, &engine);
        let [Submission {
            signer,
            call:
                Call::reveal_receipt {
                    receipt,
                    salt,
                    signature,
                    ..
                },
        }] = reveals.as_slice()
        else {
            panic!("one reveal expected: {reveals:?}");
        };
        assert_eq!((*signer, *receipt, *salt), (who, run.receipt, run.salt));
        let signed = SignedReceipt {
            receipt: *receipt,
            signature: *signature,
        };
        assert!(receipt_signature_is_valid(&signed, &who));
        assert_eq!(kept_run(&ctx, job, 0, &who).unwrap().revealed_at, Some(2));
        dispatch(ext, &reveals);
        next_block(ext, Some(&engine)).unwrap();
        assert_eq!(Jobs::get(ext, &job).unwrap().status, JobStatus::Verified);
        assert!(worker(ext, &mut ctx, &engine).is_empty());
        assert_eq!(engine.runs.get(), 1, "run once");
    });
}

#[test]
fn one_node_runs_a_job_once_for_all_its_assigned_keys() {
    let mut t = new_test_ext(test_params());
    t.execute_with(|ext| {
        let engine = ScriptedEngine::honest(&[b"in"]);
        let job = assigned(ext, 3, &engine);
        let mut ctx = with_keys(&[10, 11, 12]);
        let commits = worker(ext, &mut ctx, &engine);
        assert_eq!(engine.runs.get(), 1);
        assert_eq!(commits.len(), 3);
        let salts: Vec<_> = executors(ext, job)
            .iter()
            .map(|who| kept_run(&ctx, job, 0, who).unwrap().salt)
            .collect();
        assert!(salts[0] != salts[1] && salts[1] != salts[2] && salts[0] != salts[2]);
        dispatch(ext, &commits);
        let reveals = worker(ext, &mut ctx, &engine);
        dispatch(ext, &reveals);
        next_block(ext, Some(&engine)).unwrap();
        assert_eq!(Jobs::get(ext, &job).unwrap().status, JobStatus::Verified);
        assert_eq!(engine.runs.get(), 1);
    });
}

#[test]
fn a_commitment_not_seen_on_chain_is_submitted_again_after_a_few_blocks() {
    let mut params = test_params();
    params.commit_period = 10;
    let mut t = new_test_ext(params);
    t.execute_with(|ext| {
        let engine = ScriptedEngine::honest(&[b"in"]);
        let job = assigned(ext, 1, &engine);
        let who = executors(ext, job)[0];
        let mut ctx = with_keys(&[index_of(&who)]);
        let first = worker(ext, &mut ctx, &engine);
        assert_eq!(first.len(), 1);
        // The pool drops it: nothing for the next blocks, then again.
        for _ in 1..RESUBMIT_AFTER {
            next_block(ext, Some(&engine)).unwrap();
            assert!(worker(ext, &mut ctx, &engine).is_empty());
        }
        next_block(ext, Some(&engine)).unwrap();
        let again = worker(ext, &mut ctx, &engine);
        assert_eq!(again, first, "the same commitment, made again");
        assert_eq!(engine.runs.get(), 1, "from the kept run");
        assert_eq!(
            kept_run(&ctx, job, 0, &who).unwrap().committed_at,
            Some(2 + RESUBMIT_AFTER)
        );
        dispatch(ext, &again);
        assert!(Commitments::contains_key(ext, &job, &who));
        assert_eq!(worker(ext, &mut ctx, &engine).len(), 1, "then the reveal");
    });
}

#[test]
fn a_node_without_an_engine_or_keys_submits_nothing() {
    let mut t = new_test_ext(test_params());
    t.execute_with(|ext| {
        let engine = ScriptedEngine::honest(&[b"in"]);
        let job = assigned(ext, 3, &engine);
        let mut ctx = with_keys(&[10, 11, 12]);
        let now = pallet_system::Number::get(ext);
        assert!(work(ext, now, &mut ctx).is_empty(), "no engine lent");
        assert!(ctx.storage.is_empty());
        assert!(worker(ext, &mut TestContext::default(), &engine).is_empty());
        // Keys of accounts that are not providers are ignored.
        let unregistered = with_keys(&[30, 31]);
        assert!(worker(ext, &mut { unregistered }, &engine).is_empty());
        assert!(!Commitments::contains_key(ext, &job, &account(10)));
    });
}

#[cfg(feature = "fault-injection")]
mod faults {
    use super::*;
    use crate::local::{fault_key, Fault};
    use crate::Receipts;
    use codec::Encode;
    use entroos_support::hooks::OffchainContext;

    #[test]
    fn faults_make_the_worker_lie_or_withhold() {
        let mut t = new_test_ext(test_params());
        t.execute_with(|ext| {
            let engine = ScriptedEngine::honest(&[b"in"]);
            let job = assigned(ext, 3, &engine);
            let [liar, mute, absent]: [AccountId32; 3] = executors(ext, job).try_into().unwrap();
            let mut ctx = with_keys(&[10, 11, 12]);
            for (who, fault) in [
                (liar, Fault::Lie),
                (mute, Fault::WithholdReveal),
                (absent, Fault::WithholdCommit),
            ] {
                ctx.local_storage_set(&fault_key(&who), &fault.encode());
            }
            let commits = worker(ext, &mut ctx, &engine);
            let mut signers: Vec<_> = commits.iter().map(|s| s.signer).collect();
            signers.sort();
            let mut expected = vec![liar, mute];
            expected.sort();
            assert_eq!(signers, expected, "keys in account order");
            let lie = kept_run(&ctx, job, 0, &liar).unwrap();
            let honest = honest_outcome(b"in").output;
            assert_eq!(lie.output, [&honest[..], &liar.0[..]].concat());
            assert_eq!(kept_run(&ctx, job, 0, &mute).unwrap().output, honest);
            assert!(kept_run(&ctx, job, 0, &absent).is_none());
            dispatch(ext, &commits);
            run_to(ext, 6, Some(&engine));
            let reveals = worker(ext, &mut ctx, &engine);
            let signers: Vec<_> = reveals.iter().map(|s| s.signer).collect();
            assert_eq!(signers, vec![liar]);
            dispatch(ext, &reveals);
            let revealed = Receipts::get(ext, &job, &liar).unwrap().receipt;
            assert_eq!(revealed.output_hash, lie.receipt.output_hash);
        });
    }
}
