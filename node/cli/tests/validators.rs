//! Four validators on the local chain's genesis (Alice, Bob, Charlie and
//! Dave, keys by `--alice` … `--dave`), four real `entroos-node` processes
//! networked over `/ws` boot nodes: every one of them authors blocks that
//! finality keeps, the nodes agree on their best blocks, and the
//! chain crosses epochs (the spec is `build-spec --chain local` with
//! one-second slots and ten-slot epochs, so that a test of a few tens of
//! seconds sees several epochs and enough blocks). Each validator's share
//! of the blocks is printed beside its weight.

mod support;

use entroos_primitives::crypto::sr25519;
use serde_json::json;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;
use support::local::{fast_local_spec, listen_address, start_validator, NAMES};
use support::{author_of, claim_of, epoch_at, parse_hash, wait_for, Node};

const WAIT: Duration = Duration::from_secs(60);

fn start(dir: &Path, spec: &str, name: &str, bootnode: Option<&str>) -> (Node, String) {
    start_validator(dir, spec, name, &listen_address(), bootnode)
}

fn slot_key(name: &str) -> [u8; 32] {
    let mut title = name.to_string();
    title[..1].make_ascii_uppercase();
    sr25519::Pair::from_uri(&format!("//{title}"))
        .expect("dev key")
        .public()
}

/// Blocks `1..=number` of `node`'s chain, by the name of their author, and
/// how many claims were primary (`number` at most the finalized block's).
fn authors(node: &Node, number: u32) -> (BTreeMap<&'static str, u32>, u32) {
    let mut counts = BTreeMap::new();
    let mut primary = 0;
    for n in 1..=number {
        let hash = parse_hash(&node.rpc("chain_getBlockHash", json!([n])));
        let author = author_of(node, hash);
        let name = NAMES
            .into_iter()
            .find(|name| slot_key(name) == author)
            .expect("an author of the set");
        *counts.entry(name).or_insert(0) += 1;
        let header = node.rpc("chain_getHeader", json!([format!("{hash}")]));
        primary += u32::from(claim_of(&header).is_primary());
    }
    (counts, primary)
}

#[test]
fn four_validators_all_author_and_agree_on_the_best_chain() {
    let dirs: Vec<_> = NAMES.iter().map(|_| tempfile::tempdir().unwrap()).collect();
    let spec = fast_local_spec(dirs[0].path());
    let (alice, bootnode) = start(dirs[0].path(), &spec, NAMES[0], None);
    let mut nodes = vec![alice];
    for (dir, name) in dirs.iter().zip(NAMES).skip(1) {
        nodes.push(start(dir.path(), &spec, name, Some(&bootnode)).0);
    }
    wait_for("every node to know the other three", WAIT, || {
        nodes
            .iter()
            .all(|n| n.rpc("system_health", json!([]))["peers"].as_u64() >= Some(3))
            .then_some(())
    });
    // Finalized blocks only: a best block's branch may be discarded by
    // finality while the loop below reads it.
    let (counts, primary, number) = wait_for(
        "every validator to author on the finalized chain",
        WAIT,
        || {
            let number = nodes[0].finalized().0;
            let (counts, primary) = authors(&nodes[0], number);
            (counts.len() == NAMES.len() && number >= 30).then_some((counts, primary, number))
        },
    );
    let agreed = wait_for("the four nodes to agree on their best block", WAIT, || {
        let bests: Vec<_> = nodes.iter().map(|n| n.best()).collect();
        bests.iter().all(|b| *b == bests[0]).then_some(bests[0])
    });
    assert!(agreed.0 >= number, "{agreed:?}");

    let best = parse_hash(&nodes[0].rpc("chain_getBlockHash", json!([number])));
    let epoch = epoch_at(&nodes[0], best, true);
    assert!(
        epoch.index >= 1,
        "ten-slot epochs: epoch {} at #{number}",
        epoch.index
    );
    let total: u128 = epoch.authorities.iter().map(|a| a.weight).sum();
    println!(
        "{number} blocks, {primary} with a primary claim; epoch {} weights:",
        epoch.index
    );
    for name in NAMES {
        let weight = epoch
            .authorities
            .iter()
            .find(|a| a.vrf_key == slot_key(name))
            .map_or(0, |a| a.weight);
        let blocks = counts.get(name).copied().unwrap_or(0);
        println!(
            "  {name:<8} {blocks:>3} blocks ({:>5.1}%)  weight {weight} ({:>5.1}%)",
            100.0 * f64::from(blocks) / f64::from(number),
            100.0 * weight as f64 / total as f64,
        );
    }
    for node in &nodes {
        assert_eq!(
            node.rpc("system_nodeRoles", json!([])),
            json!(["Authority"])
        );
    }
}
