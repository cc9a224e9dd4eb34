//! The node's off-chain workers and its PERSISTENT off-chain storage, on a
//! real development node: workers run after each new best block without
//! failing, and a value set with `offchain_localStorageSet` is read back
//! with `offchain_localStorageGet`, before and after a restart, while the
//! `LOCAL` kind is refused with Substrate's error. (A safe node refusing
//! both methods is checked with the other unsafe methods in `cli.rs`.)

mod support;

use serde_json::{json, Value};
use std::time::Duration;
use support::Node;

const KEY: &str = "0x706f652f6661756c742f74657374";
const VALUE: &str = "0x00010203";

fn get(node: &Node, kind: &str) -> Value {
    node.try_rpc("offchain_localStorageGet", json!([kind, KEY]))
        .expect("an answer")
}

#[test]
fn persistent_values_survive_a_restart_and_workers_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let node = Node::start(dir.path(), &["--offchain-worker-budget-ms", "500"]);
    assert_eq!(get(&node, "PERSISTENT")["result"], Value::Null);
    let set = node
        .try_rpc(
            "offchain_localStorageSet",
            json!(["PERSISTENT", KEY, VALUE]),
        )
        .expect("an answer");
    assert_eq!(set["result"], Value::Null, "{set}");
    assert_eq!(get(&node, "PERSISTENT")["result"], VALUE);
    let local = get(&node, "LOCAL");
    assert_eq!(local["error"]["code"], 5001, "{local}");
    assert_eq!(
        local["error"]["message"],
        "This storage kind is not available yet"
    );
    node.wait_best(3, Duration::from_secs(30));
    let succeeded = r#"substrate_offchain_worker_runs{outcome="succeeded""#;
    support::wait_for("worker runs", Duration::from_secs(30), || {
        let runs = support::http::metric(node.metrics_port, succeeded).ok()?;
        (runs >= 2.0).then_some(())
    });
    for outcome in ["failed", "panicked"] {
        let name = format!(r#"substrate_offchain_worker_runs{{outcome="{outcome}""#);
        let runs = support::http::metric(node.metrics_port, &name).expect("metric");
        assert_eq!(runs, 0.0, "{outcome} runs");
    }
    let best = node.best().0;
    node.stop();

    let log = std::fs::read_to_string(dir.path().join("node.log")).expect("log");
    assert!(
        log.contains("Off-chain workers: run after each new best block"),
        "a development node authors, so its workers run"
    );
    for failure in ["panicked after", "failed after"] {
        assert!(!log.contains(failure), "a worker run {failure}: {log}");
    }

    let node = Node::start(dir.path(), &["--offchain-worker", "never"]);
    assert!(node.best().0 >= best, "the chain was kept");
    assert_eq!(get(&node, "PERSISTENT")["result"], VALUE, "kept on disk");
    let log = std::fs::read_to_string(dir.path().join("node.log")).expect("log");
    assert!(log.contains("Off-chain workers: never run"), "{log}");
}
