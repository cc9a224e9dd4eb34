//! `poe_*` against the in-memory node: ledger state written with
//! the ledger's storage types (`entroos-poe-primitives`), receipts signed with dev sr25519 keys,
//! executor runs in the node's persistent off-chain storage under
//! `entroos_poe_primitives::local::run_key`.

mod ledger;

pub use ledger::{ledger_with_kept_run, open_job_moved_on, verify_request, OPEN_JOB};

use crate::support::events::{call, subscribe, subscribe_with};
use crate::support::{deps, error_code, module, Memory};
use codec::Encode;
use entroos_poe_primitives::local::run_key;
use entroos_poe_primitives::receipt::{commitment, receipt_signature_is_valid};
use entroos_poe_primitives::{JobStatus, Jobs, SignedReceipt};
use entroos_primitives::H256;
use entroos_rpc::api::OffchainStorageApi;
use entroos_rpc::Deps;
use entroos_support::state::TestExternalities;
use jsonrpsee::RpcModule;
use ledger::*;
use serde_json::{json, Value};
use std::sync::Arc;

#[tokio::test]
async fn a_verified_job_shows_its_fields_status_and_proof_record() {
    let (memory, best) = node();
    let module = module(&memory, true);
    let answer = call(&module, "poe_job", json!([VERIFIED])).await;
    let job = result(&answer);
    assert_eq!(job["at"], json!(best));
    assert_eq!(job["id"], json!(0));
    assert_eq!(job["owner"], json!(ss58("//Alice")));
    assert_eq!(job["ownerHex"], json!(hex(&account("//Alice").0)));
    assert_eq!(job["module"], json!(hex(&[1; 32])));
    assert_eq!(job["inputHash"], json!(hex(&[2; 32])));
    assert_eq!(
        (&job["fuel"], &job["memoryPages"], &job["replicas"]),
        (&json!(1_000_000), &json!(16), &json!(3))
    );
    assert_eq!(job["reward"], json!("12000000000000000000000"));
    assert_eq!(
        (&job["deadline"], &job["submittedAt"], &job["round"]),
        (&json!(80), &json!(1), &json!(0))
    );
    assert_eq!(job["entropySeed"], json!(seed(VERIFIED)));
    assert_eq!(
        job["executors"],
        json!([ss58("//Bob"), ss58("//Charlie"), ss58("//Dave")])
    );
    assert_eq!(job["executorsHex"][2], json!(hex(&account("//Dave").0)));
    assert_eq!(job["previous"], json!([]));
    assert_eq!(job["status"], json!({ "kind": "verified" }));
    let honest = run(VERIFIED, OUTPUT, LOG).receipt;
    let proof = &job["proof"];
    assert_eq!(
        proof["verdict"],
        json!({
            "outputHash": honest.output_hash,
            "exit": { "kind": "exited", "code": 0 },
            "fuelUsed": 4_200,
        })
    );
    assert_eq!(proof["settlement"], json!("quorum"));
    assert_eq!(proof["agreeing"], json!([ss58("//Bob"), ss58("//Charlie")]));
    assert_eq!(
        (&proof["proof"], &proof["logHash"], &proof["settledAt"]),
        (&json!(honest.proof), &json!(honest.log_hash), &json!(9))
    );

    let unknown = call(&module, "poe_job", json!([77])).await;
    assert_eq!(result(&unknown), &Value::Null, "an unknown job is null");
    let pending = call(&module, "poe_job", json!([PENDING, best])).await;
    assert_eq!(result(&pending)["status"], json!({ "kind": "pending" }));
    assert_eq!(result(&pending)["proof"], Value::Null);
    let failed = call(&module, "poe_job", json!([FAILED])).await;
    assert_eq!(
        result(&failed)["status"],
        json!({ "kind": "failed", "reason": "noQuorum" })
    );
    assert_eq!(result(&failed)["previous"], json!([ss58("//Dave")]));
    let revealing = call(&module, "poe_job", json!([REVEALING])).await;
    assert_eq!(
        result(&revealing)["status"],
        json!({ "kind": "revealing", "until": 20 })
    );
    let bad = call(&module, "poe_job", json!(["zero"])).await;
    assert_eq!(error_code(&bad), Some(-32602));
}

#[tokio::test]
async fn accounts_use_the_chains_ss58_format_and_at_reads_older_blocks() {
    let memory = Arc::new(Memory::new());
    let mut ledger = Ledger(TestExternalities::default());
    ledger.put_job(0, job("//Alice", JobStatus::Pending, 0));
    let before = ledger.push_to(&memory);
    ledger.put_job(0, job("//Alice", JobStatus::Committing { until: 7 }, 0));
    ledger.push_to(&memory);
    let mut deps: Deps = deps(&memory, true);
    deps.info.properties = json!({ "ss58Format": 7 });
    let module = entroos_rpc::build_module(deps).unwrap();
    let now = call(&module, "poe_job", json!([0])).await;
    assert_eq!(result(&now)["owner"], json!(account("//Alice").to_ss58(7)));
    assert_eq!(result(&now)["status"]["kind"], json!("committing"));
    let then = call(&module, "poe_job", json!([0, before])).await;
    assert_eq!(result(&then)["status"]["kind"], json!("pending"));
    assert_eq!(result(&then)["at"], json!(before));
}

async fn page(module: &RpcModule<Deps>, query: Value) -> (Vec<u64>, Value) {
    let answer = call(module, "poe_jobs", json!([query])).await;
    let page = result(&answer);
    let ids = page["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["id"].as_u64().unwrap())
        .collect();
    (ids, page["next"].clone())
}

#[tokio::test]
async fn jobs_page_in_id_order_and_filter_by_owner_and_status() {
    let (memory, best) = node();
    let module = module(&memory, true);
    let all = call(&module, "poe_jobs", json!([])).await;
    assert_eq!(result(&all)["at"], json!(best));
    assert_eq!(result(&all)["jobs"].as_array().unwrap().len(), 5);
    assert_eq!(result(&all)["next"], Value::Null);
    assert_eq!(
        result(&all)["jobs"][0],
        {
            let mut one = result(&call(&module, "poe_job", json!([0])).await).clone();
            one.as_object_mut().unwrap().remove("at");
            one
        },
        "a page's jobs are poe_job's answers"
    );

    assert_eq!(
        page(&module, json!({ "limit": 2 })).await,
        (vec![0, 1], json!(1))
    );
    let second = page(&module, json!({ "limit": 2, "startAfter": 1 })).await;
    assert_eq!(second, (vec![2, 3], json!(3)));
    let last = page(&module, json!({ "limit": 2, "startAfter": 3 })).await;
    assert_eq!(last, (vec![4], Value::Null));
    let beyond = page(&module, json!({ "startAfter": 4 })).await;
    assert_eq!(beyond, (vec![], Value::Null));

    let alice = ss58("//Alice");
    let by_alice = page(&module, json!({ "owner": alice })).await;
    assert_eq!(by_alice, (vec![0, 2, 4], Value::Null));
    let eve_hex = hex(&account("//Eve").0);
    let by_eve = page(&module, json!({ "owner": eve_hex, "limit": 1 })).await;
    assert_eq!(by_eve, (vec![1], json!(1)));
    let verified = page(&module, json!({ "status": "verified" })).await;
    assert_eq!(verified, (vec![0], Value::Null));
    let failed_by_eve = page(
        &module,
        json!({ "status": "failed", "owner": ss58("//Eve") }),
    )
    .await;
    assert_eq!(failed_by_eve, (vec![3], Value::Null));

    for bad in [
        json!({ "status": "done" }),
        json!({ "limit": 0 }),
        json!({ "limit": 257 }),
        json!({ "owner": "nobody" }),
        json!({ "colour": "red" }),
    ] {
        let answer = call(&module, "poe_jobs", json!([bad])).await;
        assert_eq!(error_code(&answer), Some(-32602), "{bad}: {answer}");
    }
}

#[tokio::test]
async fn receipts_show_every_executor_of_both_rounds_and_agreement() {
    let (memory, _) = node();
    let module = module(&memory, true);
    let answer = call(&module, "poe_receipts", json!([VERIFIED])).await;
    let receipts = result(&answer);
    let honest = run(VERIFIED, OUTPUT, LOG);
    let liar = run(VERIFIED, b"a lie", LOG);
    assert_eq!(
        receipts["verdict"]["outputHash"],
        json!(honest.receipt.output_hash)
    );
    assert_eq!(receipts["status"], json!({ "kind": "verified" }));
    let entries = receipts["executors"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    let bob = &entries[0];
    assert_eq!(bob["executor"], json!(ss58("//Bob")));
    assert_eq!(bob["executorHex"], json!(hex(&account("//Bob").0)));
    assert_eq!(bob["round"], json!(0));
    assert_eq!(
        bob["commitment"],
        json!(commitment(&honest.receipt, &account("//Bob"), &SALT))
    );
    assert_eq!(
        bob["receipt"],
        json!({
            "jobId": 0,
            "outputHash": honest.receipt.output_hash,
            "logHash": honest.receipt.log_hash,
            "exit": { "kind": "exited", "code": 0 },
            "fuelUsed": 4_200,
            "proof": honest.receipt.proof,
        })
    );
    let shown = bob["signature"]
        .as_str()
        .expect("the kept signature is shown");
    let signature: [u8; 64] = hex::decode(shown.trim_start_matches("0x"))
        .expect("hex")
        .try_into()
        .expect("64 bytes");
    let kept = SignedReceipt {
        receipt: honest.receipt,
        signature,
    };
    assert!(receipt_signature_is_valid(&kept, &account("//Bob")));
    assert_eq!(bob["agrees"], json!(true));
    assert_eq!(
        entries[2]["receipt"]["outputHash"],
        json!(liar.receipt.output_hash)
    );
    assert_eq!(entries[2]["agrees"], json!(false), "Dave dissented");

    let revealing = call(&module, "poe_receipts", json!([REVEALING])).await;
    let entries = &result(&revealing)["executors"];
    assert_eq!(result(&revealing)["verdict"], Value::Null);
    assert_eq!(entries[0]["agrees"], Value::Null, "no verdict yet");
    assert!(entries[1]["commitment"].is_string() && entries[1]["receipt"].is_null());
    assert!(entries[2]["commitment"].is_null() && entries[2]["signature"].is_null());

    let failed = call(&module, "poe_receipts", json!([FAILED])).await;
    let entries = &result(&failed)["executors"];
    assert_eq!(result(&failed)["round"], json!(1));
    assert_eq!(
        (&entries[2]["executor"], &entries[2]["round"]),
        (&json!(ss58("//Dave")), &json!(0)),
        "the previous round's executor comes last, with its round"
    );
    assert!(entries[2]["receipt"].is_object());

    let unknown = call(&module, "poe_receipts", json!([77])).await;
    assert_eq!(error_code(&unknown), Some(7101));
}

async fn output(module: &RpcModule<Deps>, id: u64) -> Value {
    call(module, "poe_output", json!([id])).await
}

#[tokio::test]
async fn output_and_logs_are_served_only_when_they_match_the_chain() {
    let (memory, _) = node();
    let module = module(&memory, true);
    assert_eq!(error_code(&output(&module, 77).await), Some(7101));
    assert_eq!(
        error_code(&output(&module, VERIFIED).await),
        Some(7102),
        "this node ran no executor of the job"
    );

    keep(
        &memory,
        VERIFIED,
        0,
        "//Dave",
        &run(VERIFIED, b"a lie", LOG),
    );
    let refused = output(&module, VERIFIED).await;
    assert_eq!(error_code(&refused), Some(7103), "{refused}");
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains("verdict"));

    keep(&memory, VERIFIED, 0, "//Bob", &run(VERIFIED, OUTPUT, LOG));
    let served = output(&module, VERIFIED).await;
    let served = result(&served);
    assert_eq!(served["bytes"], json!(hex(OUTPUT)));
    assert_eq!(
        served["hash"],
        json!(run(VERIFIED, OUTPUT, LOG).receipt.output_hash)
    );
    assert_eq!(served["length"], json!(OUTPUT.len()));
    assert_eq!(served["checkedAgainst"], json!("verdict"));
    assert_eq!(
        (&served["executor"], &served["round"]),
        (&json!(ss58("//Bob")), &json!(0))
    );
    let logs = call(&module, "poe_logs", json!([VERIFIED])).await;
    assert_eq!(result(&logs)["bytes"], json!(hex(LOG)));
    assert_eq!(
        result(&logs)["hash"],
        json!(run(VERIFIED, OUTPUT, LOG).receipt.log_hash)
    );
}

#[tokio::test]
async fn a_tampered_local_copy_is_never_served() {
    let (memory, _) = node();
    let module = module(&memory, true);
    let mut tampered = run(VERIFIED, OUTPUT, LOG);
    tampered.output = b"the honest outpuT".to_vec();
    keep(&memory, VERIFIED, 0, "//Bob", &tampered);
    let refused = output(&module, VERIFIED).await;
    assert_eq!(error_code(&refused), Some(7103), "{refused}");
    let logs = call(&module, "poe_logs", json!([VERIFIED])).await;
    assert_eq!(result(&logs)["bytes"], json!(hex(LOG)), "the log is intact");

    let mut rehashed = run(VERIFIED, b"forged", LOG);
    rehashed.log = b"forged log".to_vec();
    rehashed.receipt.log_hash = H256(entroos_primitives::hashing::blake2_256(&rehashed.log));
    keep(&memory, VERIFIED, 0, "//Bob", &rehashed);
    let refused = output(&module, VERIFIED).await;
    assert_eq!(
        error_code(&refused),
        Some(7103),
        "consistent but not the verdict"
    );
    let refused = call(&module, "poe_logs", json!([VERIFIED])).await;
    assert_eq!(error_code(&refused), Some(7103), "{refused}");

    memory
        .set(&run_key(VERIFIED, 0, &account("//Bob")), b"\x01\x02")
        .unwrap();
    assert_eq!(error_code(&output(&module, VERIFIED).await), Some(7105));
}

#[tokio::test]
async fn before_settlement_copies_are_checked_against_receipts_then_commitments() {
    let (memory, _) = node();
    let module = module(&memory, true);
    keep(&memory, REVEALING, 0, "//Bob", &run(REVEALING, OUTPUT, LOG));
    let served = output(&module, REVEALING).await;
    assert_eq!(result(&served)["checkedAgainst"], json!("receipt"));

    keep(
        &memory,
        COMMITTING,
        0,
        "//Bob",
        &run(COMMITTING, OUTPUT, LOG),
    );
    let served = output(&module, COMMITTING).await;
    assert_eq!(result(&served)["checkedAgainst"], json!("commitment"));
    assert_eq!(result(&served)["bytes"], json!(hex(OUTPUT)));

    let mut salted = run(COMMITTING, OUTPUT, LOG);
    salted.salt = [6; 32];
    keep(&memory, COMMITTING, 0, "//Bob", &salted);
    assert_eq!(
        error_code(&output(&module, COMMITTING).await),
        Some(7103),
        "not the receipt Bob committed to"
    );

    keep(
        &memory,
        COMMITTING,
        0,
        "//Bob",
        &run(COMMITTING, b"other", LOG),
    );
    assert_eq!(error_code(&output(&module, COMMITTING).await), Some(7103));

    let mut damaged = run(COMMITTING, OUTPUT, LOG);
    damaged.output = b"damaged on disk".to_vec();
    keep(&memory, COMMITTING, 0, "//Bob", &damaged);
    let refused = output(&module, COMMITTING).await;
    assert_eq!(
        error_code(&refused),
        Some(7103),
        "the committed receipt names other bytes"
    );
    let logs = call(&module, "poe_logs", json!([COMMITTING])).await;
    assert_eq!(result(&logs)["checkedAgainst"], json!("commitment"));

    let mut ledger = ledger();
    ledger.put_job(5, job("//Alice", JobStatus::Committing { until: 9 }, 0));
    ledger.push_to(&memory);
    keep(&memory, 5, 0, "//Charlie", &run(5, OUTPUT, LOG));
    assert_eq!(
        error_code(&output(&module, 5).await),
        Some(7104),
        "Charlie has not committed yet: nothing on chain to check against"
    );
}

async fn verify(module: &RpcModule<Deps>, request: Value) -> Value {
    let answer = call(module, "poe_verifyReceipt", json!([request])).await;
    result(&answer).clone()
}

fn reason(answer: &Value) -> &str {
    answer["reason"].as_str().unwrap_or("")
}

#[tokio::test]
async fn verify_receipt_accepts_a_real_signed_receipt() {
    let (memory, _) = node();
    let module = module(&memory, true);
    let signed = sign("//Bob", run(VERIFIED, OUTPUT, LOG).receipt);
    let mut with_salt = request("//Bob", &signed);
    with_salt["salt"] = json!(hex(&SALT));
    let answer = verify(&module, with_salt).await;
    assert_eq!(answer["valid"], json!(true), "{answer}");
    assert_eq!(
        (&answer["signature"], &answer["proof"]),
        (&json!(true), &json!(true))
    );
    assert_eq!(answer["entropySeed"], json!(seed(VERIFIED)));
    assert!(answer.get("reason").is_none());
    let chain = &answer["onChain"];
    assert_eq!(chain["status"], json!({ "kind": "verified" }));
    assert_eq!(chain["round"], json!(0));
    assert_eq!(
        (&chain["receiptMatches"], &chain["commitmentMatches"]),
        (&json!(true), &json!(true))
    );
    assert_eq!(chain["agreesWithVerdict"], json!(true));

    let dave = sign("//Dave", run(VERIFIED, b"a lie", LOG).receipt);
    let answer = verify(&module, request("//Dave", &dave)).await;
    assert_eq!(
        answer["valid"],
        json!(true),
        "Dave's receipt is his: {answer}"
    );
    assert_eq!(answer["onChain"]["agreesWithVerdict"], json!(false));
    assert_eq!(
        answer["onChain"]["commitmentMatches"],
        Value::Null,
        "no salt given"
    );

    let offline = sign("//Ferdie", run(99, OUTPUT, LOG).receipt);
    let mut with_seed = request("//Ferdie", &offline);
    with_seed["entropySeed"] = json!(seed(99));
    let answer = verify(&module, with_seed).await;
    assert_eq!(answer["valid"], json!(true), "{answer}");
    assert_eq!(
        (&answer["proof"], &answer["onChain"]),
        (&json!(true), &Value::Null)
    );
    let answer = verify(&module, request("//Ferdie", &offline)).await;
    assert_eq!(answer["proof"], Value::Null, "no seed to check P against");
    assert_eq!(answer["valid"], json!(true));
}

#[tokio::test]
async fn verify_receipt_names_each_tampering() {
    let (memory, _) = node();
    let module = module(&memory, true);
    let honest = run(VERIFIED, OUTPUT, LOG).receipt;
    let signed = sign("//Bob", honest);

    let mut forged = signed;
    forged.signature[0] ^= 1;
    let answer = verify(&module, request("//Bob", &forged)).await;
    assert_eq!(
        (&answer["valid"], &answer["signature"]),
        (&json!(false), &json!(false))
    );
    assert!(reason(&answer).starts_with("signature"), "{answer}");

    let mut swapped = signed;
    swapped.receipt.output_hash = H256([9; 32]);
    let answer = verify(&module, request("//Bob", &swapped)).await;
    assert_eq!(answer["valid"], json!(false));
    assert!(reason(&answer).starts_with("signature"), "{answer}");
    assert_eq!(answer["proof"], json!(false), "P no longer matches either");

    let mut resigned = honest;
    resigned.output_hash = H256([9; 32]);
    let answer = verify(&module, request("//Bob", &sign("//Bob", resigned))).await;
    assert_eq!(
        (&answer["signature"], &answer["proof"]),
        (&json!(true), &json!(false))
    );
    assert!(reason(&answer).starts_with("proof"), "{answer}");

    let mut bad_proof = honest;
    bad_proof.proof = H256([3; 32]);
    let answer = verify(&module, request("//Bob", &sign("//Bob", bad_proof))).await;
    assert!(reason(&answer).starts_with("proof"), "{answer}");

    let mut other_seed = request("//Bob", &signed);
    other_seed["entropySeed"] = json!(seed(7));
    let answer = verify(&module, other_seed).await;
    assert_eq!(
        (&answer["valid"], &answer["proof"]),
        (&json!(false), &json!(false))
    );

    let equivocation = sign("//Bob", run(VERIFIED, b"second answer", LOG).receipt);
    let answer = verify(&module, request("//Bob", &equivocation)).await;
    assert_eq!(answer["onChain"]["receiptMatches"], json!(false));
    assert!(reason(&answer).starts_with("receipt"), "{answer}");

    let mut wrong_salt = request("//Bob", &signed);
    wrong_salt["salt"] = json!(hex(&[8; 32]));
    let answer = verify(&module, wrong_salt).await;
    assert!(reason(&answer).starts_with("commitment"), "{answer}");

    let stranger = sign("//Ferdie", honest);
    let answer = verify(&module, request("//Ferdie", &stranger)).await;
    assert!(reason(&answer).starts_with("executor"), "{answer}");
}

#[tokio::test]
async fn verify_receipt_refuses_malformed_requests() {
    let (memory, _) = node();
    let module = module(&memory, true);
    let good = request("//Bob", &sign("//Bob", run(VERIFIED, OUTPUT, LOG).receipt));
    let mut short_signature = good.clone();
    short_signature["signature"] = json!(hex(&[1; 63]));
    let mut bad_exit = good.clone();
    bad_exit["receipt"]["exit"] = json!({ "kind": "exploded" });
    let mut bad_hash = good.clone();
    bad_hash["receipt"]["outputHash"] = json!("0x1234");
    let mut no_executor = good.clone();
    no_executor.as_object_mut().unwrap().remove("executor");
    let mut bad_executor = good.clone();
    bad_executor["executor"] = json!("5Nope");
    for bad in [
        short_signature,
        bad_exit,
        bad_hash,
        no_executor,
        bad_executor,
    ] {
        let answer = call(&module, "poe_verifyReceipt", json!([bad])).await;
        assert_eq!(error_code(&answer), Some(-32602), "{answer}");
        assert!(!answer["error"]["message"].as_str().unwrap().is_empty());
    }
    let answer = call(&module, "poe_verifyReceipt", json!([])).await;
    assert_eq!(error_code(&answer), Some(-32602));
}

/// Makes job `id` `status` in a new best block.
fn move_to(memory: &Memory, id: u64, status: JobStatus) {
    let mut updated = job("//Alice", status, 0);
    updated.entropy_seed = seed(id);
    memory.push(&[(&Jobs::key(&id), Some(&updated.encode()))], None);
}

#[tokio::test]
async fn a_job_subscription_follows_changes_and_ends_after_the_final_status() {
    let (memory, _) = node();
    let module = module(&memory, true);
    let mut statuses = subscribe(&module, "poe_subscribeJob", json!([REVEALING])).await;
    let first = statuses.next().await;
    assert_eq!(first["jobId"], json!(REVEALING));
    assert_eq!(first["status"], json!({ "kind": "revealing", "until": 20 }));
    assert_eq!(first["block"]["hash"], json!(memory.best_hash()));

    memory.push(&[(b"unrelated", Some(b"1"))], None);
    move_to(&memory, REVEALING, JobStatus::Settling);
    let settling = statuses.next().await;
    assert_eq!(settling["status"], json!({ "kind": "settling" }));
    assert_eq!(
        settling["block"],
        json!({ "number": 3, "hash": memory.best_hash() }),
        "the block without a change sent nothing"
    );
    move_to(&memory, REVEALING, JobStatus::Verified);
    assert_eq!(
        statuses.next().await["status"],
        json!({ "kind": "verified" })
    );
    statuses.closed().await;

    let mut done = subscribe(&module, "poe_subscribeJob", json!([FAILED])).await;
    assert_eq!(done.next().await["status"]["kind"], json!("failed"));
    done.closed().await;

    let (refused, _) = subscribe_with(&module, "poe_subscribeJob", json!([77]), 8).await;
    assert_eq!(error_code(&refused), Some(7101));
}
