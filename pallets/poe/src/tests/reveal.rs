//! What commit and reveal refuse.

use crate::mock::*;
use crate::receipt::{execution_proof, receipt_signature_is_valid};
use crate::{Call, Error, Receipts};
use entroos_primitives::AccountId32;
use entroos_primitives::H256;

#[test]
fn commits_and_reveals_are_checked_against_the_assignment_commitment_and_proof() {
    let mut t = new_test_ext(test_params());
    t.execute_with(|ext| {
        let module = upload(ext, OWNER);
        for n in 10..12 {
            register(ext, n, &format!("op{n}"), &format!("z{n}"), BOND);
        }
        let job = submit(ext, module, b"in", 2, 1_000);
        let early = Call::commit_receipt {
            job_id: job,
            commitment: H256::default(),
        };
        assert_eq!(
            call(ext, 10, early.clone()),
            err(Error::NotAssigned),
            "nobody is assigned yet"
        );
        let engine = ScriptedEngine::honest(&[b"in"]);
        next_block(ext, Some(&engine)).unwrap();
        let [a, b]: [AccountId32; 2] = executors(ext, job).try_into().unwrap();
        let good = receipt(ext, job, &honest_outcome(b"in"));
        assert_eq!(call(ext, 30, early), err(Error::NotAssigned));
        let unknown = Call::commit_receipt {
            job_id: 99,
            commitment: H256::default(),
        };
        assert_eq!(call(ext, index_of(&a), unknown), err(Error::UnknownJob));
        assert_eq!(reveal(ext, &a, &good), err(Error::NotRevealing));
        commit(ext, &a, &good).unwrap();
        assert_eq!(commit(ext, &a, &good), err(Error::AlreadyCommitted));

        // `b` commits to a receipt whose proof is wrong, and so on.
        let mut bad_proof = good;
        bad_proof.proof = H256([1; 32]);
        commit(ext, &b, &bad_proof).unwrap();
        assert_eq!(reveal(ext, &b, &bad_proof), err(Error::InvalidProof));
        let wrong_salt = Call::reveal_receipt {
            job_id: job,
            receipt: bad_proof,
            salt: [0; 32],
            signature: sign_receipt(&b, &bad_proof),
        };
        assert_eq!(
            call(ext, index_of(&b), wrong_salt),
            err(Error::CommitmentMismatch)
        );
        assert_eq!(
            reveal(ext, &b, &good),
            err(Error::CommitmentMismatch),
            "not what it committed to"
        );
        let mut other_job = good;
        other_job.job_id = job + 1;
        let call_ = Call::reveal_receipt {
            job_id: job,
            receipt: other_job,
            salt: salt(&b),
            signature: sign_receipt(&b, &other_job),
        };
        assert_eq!(call(ext, index_of(&b), call_), err(Error::WrongJob));
        // `a`'s receipt revealed by `b` does not match `b`'s commitment: bound to its signer.
        assert_eq!(reveal(ext, &b, &good), err(Error::CommitmentMismatch));
        // `a`'s receipt signed by `b`, or `a`'s signature of another
        // receipt, is not `a`'s signature of it.
        for signature in [sign_receipt(&b, &good), sign_receipt(&a, &bad_proof)] {
            let forged = Call::reveal_receipt {
                job_id: job,
                receipt: good,
                salt: salt(&a),
                signature,
            };
            assert_eq!(
                call(ext, index_of(&a), forged),
                err(Error::BadReceiptSignature)
            );
        }
        reveal(ext, &a, &good).unwrap();
        let stored = Receipts::get(ext, &job, &a).unwrap();
        assert_eq!(stored.receipt, good);
        assert!(
            receipt_signature_is_valid(&stored, &a),
            "kept with its signature"
        );
        assert!(!receipt_signature_is_valid(&stored, &b));
        assert_eq!(reveal(ext, &a, &good), err(Error::AlreadyRevealed));
        assert_eq!(commit(ext, &b, &good), err(Error::NotCommitting));
    });
}

#[test]
fn a_receipt_claiming_more_fuel_than_the_limit_is_refused() {
    let mut t = new_test_ext(test_params());
    t.execute_with(|ext| {
        let module = upload(ext, OWNER);
        register(ext, 10, "op", "z", BOND);
        let job = submit(ext, module, b"in", 1, 1_000);
        next_block(ext, None).unwrap();
        let who = account(10);
        let mut greedy = receipt(ext, job, &honest_outcome(b"in"));
        greedy.fuel_used = 1_001;
        let seed = crate::Jobs::get(ext, &job).unwrap().entropy_seed;
        greedy.proof = execution_proof(job, &seed, greedy.fuel_used, &greedy.output_hash);
        commit(ext, &who, &greedy).unwrap();
        assert_eq!(reveal(ext, &who, &greedy), err(Error::FuelAboveLimit));
    });
}
