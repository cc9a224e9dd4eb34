//! RPC load that must not grow the node: reads of many distinct keys at the
//! best block, and batches above `--rpc-max-batch-request-len`.

mod support;

use serde_json::json;
use std::time::Duration;
use support::*;

/// Bound on the node's resident memory after the read loop.
const READ_LOOP_RSS_BOUND_KIB: u64 = 256 * 1024;

#[test]
fn two_hundred_thousand_distinct_storage_reads_stay_within_a_memory_bound() {
    let dir = tempfile::tempdir().expect("tempdir");
    let node = Node::start(dir.path(), &[]);
    node.wait_best(1, Duration::from_secs(30));
    let rss_before = node.rss_kib();
    let mut rss_max = rss_before;
    let mut answered = 0usize;
    for round in 0u32..200 {
        let calls: Vec<(String, serde_json::Value)> = (0u32..1000)
            .map(|i| {
                let key = [round.to_be_bytes(), i.to_be_bytes(), [0xab; 4], [0xcd; 4]].concat();
                ("state_getStorage".to_string(), json!([hex_of(&key)]))
            })
            .collect();
        let calls: Vec<(&str, serde_json::Value)> =
            calls.iter().map(|(m, p)| (m.as_str(), p.clone())).collect();
        let answers = node.batch(&calls);
        answered += answers.iter().filter(|a| a.get("result").is_some()).count();
        rss_max = rss_max.max(node.rss_kib());
    }
    let (best, _) = node.best();
    eprintln!(
        "200000 distinct state_getStorage calls: {answered} answered; RSS {rss_before} KiB before, {rss_max} KiB at most (bound {READ_LOOP_RSS_BOUND_KIB} KiB); best #{best}"
    );
    assert_eq!(answered, 200_000);
    assert!(
        rss_max < READ_LOOP_RSS_BOUND_KIB,
        "RSS grew to {rss_max} KiB"
    );
}

#[test]
fn a_batch_above_the_limit_is_refused_with_substrates_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let node = Node::start(dir.path(), &["--rpc-max-batch-request-len", "100"]);
    let calls: Vec<serde_json::Value> = (0..1000)
        .map(|id| json!({"jsonrpc": "2.0", "id": id, "method": "system_name", "params": []}))
        .collect();
    let (status, body) = node
        .post_raw(serde_json::Value::Array(calls).to_string().as_bytes())
        .expect("the node answers");
    let answer: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(status, 200, "{body}");
    assert_eq!(answer["error"]["code"], -32010, "{body}");
    assert_eq!(
        answer["error"]["message"],
        "The batch request was too large"
    );
    let small: Vec<(&str, serde_json::Value)> =
        (0..100).map(|_| ("system_name", json!([]))).collect();
    assert_eq!(
        node.batch(&small).len(),
        100,
        "a batch within the limit is served"
    );
}
