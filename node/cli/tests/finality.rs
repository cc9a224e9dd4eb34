//! Finality on four real validators of the local chain (one-second slots,
//! ten-slot epochs, each validator a quarter of the weight): finalized
//! follows best within two slots; with one validator killed finality goes
//! on; with two killed blocks go on and finality halts; once both are
//! restarted finality catches up by itself, with no operator action. A
//! full node without keys that was down while finality crossed several
//! sets, holding blocks it never saw finalized, catches up too. The lag of
//! finalized behind best is printed as a distribution.

mod support;

use serde_json::json;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;
use support::local::{fast_local_spec, listen_address, start_full_node, start_validator, NAMES};
use support::{wait_for, Node};

const WAIT: Duration = Duration::from_secs(90);
/// New best blocks at which the lag is sampled.
const SAMPLES: usize = 20;

/// The lag of finalized behind best at each of the next `count` new best
/// blocks of `node`, read right after the block arrived.
fn lags(node: &Node, count: usize) -> Vec<u32> {
    let mut last = node.best().0;
    (0..count)
        .map(|_| {
            let best = wait_for("a new best block", WAIT, || {
                let best = node.best().0;
                (best > last).then_some(best)
            });
            last = best;
            best.saturating_sub(node.finalized().0)
        })
        .collect()
}

fn print_distribution(lags: &[u32]) {
    let mut counts = BTreeMap::new();
    for lag in lags {
        *counts.entry(*lag).or_insert(0u32) += 1;
    }
    let shown: Vec<String> = counts
        .iter()
        .map(|(lag, n)| format!("{lag} blocks: {n}"))
        .collect();
    println!(
        "finalized behind best at {} new best blocks: {}",
        lags.len(),
        shown.join(", ")
    );
}

fn wait_finalized(node: &Node, at_least: u32, what: &str) -> u32 {
    wait_for(what, WAIT, || {
        let finalized = node.finalized().0;
        (finalized >= at_least).then_some(finalized)
    })
}

/// Waits for `node` to finalize `target`; on failure, names it with its
/// best and finalized blocks and its log tail.
fn follow(node: &Node, name: &str, target: u32, alice_at: u32) {
    let deadline = std::time::Instant::now() + WAIT;
    while node.finalized().0 < target {
        assert!(
            std::time::Instant::now() < deadline,
            "{name} did not finalize #{target} (alice is at #{alice_at}): best #{}, finalized #{}\n{}",
            node.best().0,
            node.finalized().0,
            node.log_tail()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

struct Validator {
    name: &'static str,
    dir: tempfile::TempDir,
}

impl Validator {
    /// Starts (or restarts, with the same database and node key) on a port
    /// picked just before, so that no concurrent test takes it meanwhile;
    /// a restarted validator is found again through its boot node.
    fn start(&self, spec: &str, bootnode: Option<&str>) -> (Node, String) {
        start_validator(
            self.dir.path(),
            spec,
            self.name,
            &listen_address(),
            bootnode,
        )
    }
}

fn spec_in(dir: &Path) -> String {
    fast_local_spec(dir)
}

#[test]
fn finality_goes_on_without_one_validator_halts_without_two_and_recovers_by_itself() {
    let validators: Vec<Validator> = NAMES
        .into_iter()
        .map(|name| Validator {
            name,
            dir: tempfile::tempdir().unwrap(),
        })
        .collect();
    let spec = spec_in(validators[0].dir.path());
    let (alice, bootnode) = validators[0].start(&spec, None);
    let mut others: Vec<Node> = validators[1..]
        .iter()
        .map(|v| v.start(&spec, Some(&bootnode)).0)
        .collect();
    let eve_dir = tempfile::tempdir().unwrap();
    let start_eve = || start_full_node(eve_dir.path(), &spec, &listen_address(), Some(&bootnode)).0;
    let eve = start_eve();
    wait_for("every node to know the other three", WAIT, || {
        std::iter::once(&alice)
            .chain(&others)
            .all(|n| n.rpc("system_health", json!([]))["peers"].as_u64() >= Some(3))
            .then_some(())
    });
    wait_finalized(&alice, 5, "the four validators to finalize #5");

    let all_up = lags(&alice, SAMPLES);
    print_distribution(&all_up);
    let within_two = all_up.iter().filter(|lag| **lag <= 2).count();
    assert!(
        within_two * 10 >= all_up.len() * 9,
        "finalized is within two blocks of best at 90 % of new blocks: {all_up:?}"
    );

    let dave = others.pop().expect("dave");
    dave.kill9();
    let before = alice.finalized().0;
    let after = wait_finalized(&alice, before + 5, "finality to go on with three of four");
    println!("dave down: finalized #{before} -> #{after}");

    let charlie = others.pop().expect("charlie");
    charlie.kill9();
    let best_at_kill = alice.best().0;
    // Votes already cast may still finalize what they were for; then it halts.
    alice.wait_best(best_at_kill + 4, WAIT);
    let halted_at = alice.finalized().0;
    alice.wait_best(best_at_kill + 10, WAIT);
    let (best, finalized) = (alice.best().0, alice.finalized().0);
    // Eve holds blocks across a set change that only later gets finalized.
    eve.wait_best(best, WAIT);
    eve.kill9();
    assert_eq!(
        finalized, halted_at,
        "with half the weight down, finality halts while blocks go on (best #{best})"
    );
    assert!(finalized <= best_at_kill, "#{finalized} vs #{best_at_kill}");
    println!(
        "charlie and dave down: best #{best_at_kill} -> #{best}, finalized stays #{finalized}"
    );

    let restarted: Vec<Node> = validators[2..]
        .iter()
        .map(|v| v.start(&spec, Some(&bootnode)).0)
        .collect();
    let target = alice.best().0;
    let caught_up = wait_finalized(&alice, target, "finality to catch up after the restart");
    let named = ["bob", "charlie", "dave"];
    for (node, name) in others.iter().chain(&restarted).zip(named) {
        follow(node, name, target, caught_up);
    }
    println!("charlie and dave back: finalized #{halted_at} -> #{caught_up} (best was #{target})");

    let eve = start_eve();
    let eve_from = eve.finalized().0;
    follow(&eve, "eve", target, caught_up);
    println!("eve back: finalized #{eve_from} -> #{}", eve.finalized().0);
}
