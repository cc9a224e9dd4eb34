//! What a simulation shows: safety across every pair of nodes, finality
//! progress, and the lag from a block's slot to its finalization.

use super::sim::Sim;
use super::tree::slot_of;
use entroos_finality::BlockId;
use std::collections::{BTreeMap, BTreeSet};

/// Asserts that all blocks finalized by `nodes` lie on one chain: every
/// one is an ancestor of (or is) the highest, so no two conflict; and
/// that each node's finality only moved forward along it.
pub fn assert_safe(sim: &Sim, nodes: &[usize]) {
    let all: Vec<BlockId> = nodes
        .iter()
        .flat_map(|&n| sim.nodes[n].finalized.iter().map(|(block, _)| *block))
        .collect();
    let Some(highest) = all.iter().max_by_key(|b| b.number).copied() else {
        return;
    };
    let chain = ancestors(sim, highest);
    for block in &all {
        assert!(
            chain.contains(&block.hash),
            "conflicting finality: {block:?} is not an ancestor of {highest:?}"
        );
    }
    for &n in nodes {
        let numbers: Vec<u32> = sim.nodes[n]
            .finalized
            .iter()
            .map(|(b, _)| b.number)
            .collect();
        assert!(
            numbers.windows(2).all(|w| w[0] < w[1]),
            "node {n} went back"
        );
    }
}

fn ancestors(sim: &Sim, block: BlockId) -> BTreeSet<entroos_primitives::H256> {
    let mut hashes = BTreeSet::new();
    let mut current = Some(block.hash);
    while let Some(hash) = current {
        hashes.insert(hash);
        let header = &sim.headers[&hash];
        current = (header.number > 0).then_some(header.parent_hash);
    }
    hashes
}

/// The finalized number of `node` at time `at` (ms).
pub fn finalized_at(sim: &Sim, node: usize, at: u64) -> u32 {
    sim.nodes[node]
        .finalized
        .iter()
        .take_while(|(_, t)| *t <= at)
        .last()
        .map_or(0, |(b, _)| b.number)
}

/// The lowest finalized number among `nodes` at time `at`.
pub fn min_finalized_at(sim: &Sim, nodes: &[usize], at: u64) -> u32 {
    nodes
        .iter()
        .map(|&n| finalized_at(sim, n, at))
        .min()
        .unwrap_or(0)
}

/// Lags in slots, `⌈(finalized at − slot start) / slot⌉`, of every block
/// each of `nodes` finalized between `from` and `to` (ms), by lag.
pub fn lags(sim: &Sim, nodes: &[usize], from: u64, to: u64) -> BTreeMap<u64, u64> {
    let slot_ms = sim.cfg.slot_ms;
    let mut histogram = BTreeMap::new();
    for &n in nodes {
        let mut previous = 0u32;
        for &(block, at) in &sim.nodes[n].finalized {
            let mut current = block;
            while current.number > previous {
                let header = &sim.headers[&current.hash];
                let made = slot_of(header) * slot_ms;
                if at >= from && at <= to {
                    *histogram.entry((at - made).div_ceil(slot_ms)).or_insert(0) += 1;
                }
                current = BlockId::new(current.number - 1, header.parent_hash);
            }
            previous = block.number;
        }
    }
    histogram
}

/// The `p`-th percentile (0–100) of a histogram.
pub fn percentile(histogram: &BTreeMap<u64, u64>, p: u64) -> u64 {
    let total: u64 = histogram.values().sum();
    let rank = (total * p).div_ceil(100).max(1);
    let mut seen = 0;
    for (&lag, &count) in histogram {
        seen += count;
        if seen >= rank {
            return lag;
        }
    }
    0
}

/// One line: counts per lag (lags above 10 slots together) and the
/// percentiles.
pub fn describe(histogram: &BTreeMap<u64, u64>) -> String {
    let total: u64 = histogram.values().sum();
    let mut buckets: Vec<String> = histogram
        .range(..=10)
        .map(|(lag, count)| format!("{lag}: {count}"))
        .collect();
    let beyond: u64 = histogram.range(11..).map(|(_, count)| count).sum();
    if beyond > 0 {
        buckets.push(format!(">10: {beyond}"));
    }
    format!(
        "{total} finalizations; by lag in slots {{{}}}; p50 {} p90 {} p99 {} max {}",
        buckets.join(", "),
        percentile(histogram, 50),
        percentile(histogram, 90),
        percentile(histogram, 99),
        histogram.keys().last().copied().unwrap_or(0)
    )
}
