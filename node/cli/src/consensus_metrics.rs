//! The consensus metrics (`entroos_*`), rendered from the best block's
//! state: each member of the current set's weight, stake, reliability and
//! entropy (labelled by stash SS58, so at most `MaxValidators` series
//! each), the epoch index, the finality set id, the diversity of the set
//! (entropies in parts per billion, Nakamoto coefficient) and the offences
//! slashed since genesis (the entropy pallet's `SlashedOffences`), plus the
//! finality round from [`FinalityStatus`] once a voter publishes one.
//!
//! Reading them takes runtime calls, so the text is rendered once per best
//! block and cached; a scrape at the same best block costs a lock and a
//! copy. A block whose state cannot be read renders no consensus series
//! (and nothing is cached), never an error page.

use crate::finality_status::FinalityStatus;
use codec::DecodeAll;
use entroos_client::Client;
use entroos_consensus_primitives::{DiversityReport, FinalityVoters, ValidatorsReport};
use entroos_primitives::arithmetic::FixedU128;
use entroos_primitives::hashing::storage_prefix;
use entroos_primitives::H256;
use entroos_support::state::Backend;
use parking_lot::Mutex;
use std::fmt::Write;
use std::sync::Arc;

/// The consensus series, cached per best block.
pub struct ConsensusMetrics {
    client: Arc<Client>,
    finality: Arc<FinalityStatus>,
    chain: String,
    ss58_format: u16,
    cache: Mutex<Option<(H256, Arc<str>)>>,
}

/// Why the consensus state could not be read at a block.
#[derive(Debug, thiserror::Error)]
enum ReadFailure {
    #[error(transparent)]
    Client(#[from] entroos_client::ClientError),
    #[error("{0} answered bytes that do not decode: {1}")]
    Decode(&'static str, codec::Error),
    #[error("state read failed: {0}")]
    State(String),
}

impl ConsensusMetrics {
    /// Metrics of `client`'s chain (`chain` labels them, `ss58_format`
    /// spells stashes) and of the round `finality` publishes.
    pub fn new(
        client: Arc<Client>,
        finality: Arc<FinalityStatus>,
        chain: String,
        ss58_format: u16,
    ) -> Self {
        ConsensusMetrics {
            client,
            finality,
            chain,
            ss58_format,
            cache: Mutex::new(None),
        }
    }

    /// Appends the consensus series to `out`.
    pub fn render(&self, out: &mut String) {
        let best = self.client.heads().best.1;
        if let Some(text) = self.cached_at(best) {
            out.push_str(&text);
        }
        if let Some((_, round)) = self.finality.round() {
            let labels = format!("{{chain=\"{}\"}}", self.chain);
            gauge(
                out,
                "finality_round",
                "The finality round in progress",
                &[(labels, round.to_string())],
            );
        }
    }

    /// The best block's text, rendered now if it is not cached.
    fn cached_at(&self, best: H256) -> Option<Arc<str>> {
        let mut cache = self.cache.lock();
        if let Some((hash, text)) = cache.as_ref() {
            if *hash == best {
                return Some(text.clone());
            }
        }
        match self.render_at(best) {
            Ok(text) => {
                let text: Arc<str> = text.into();
                *cache = Some((best, text.clone()));
                Some(text)
            }
            Err(e) => {
                tracing::debug!(target: "metrics", "No consensus metrics at {best}: {e}");
                None
            }
        }
    }

    fn call<T: DecodeAll>(&self, at: H256, method: &'static str) -> Result<T, ReadFailure> {
        let bytes = self.client.call_at(&at, method, &[])?;
        T::decode_all(&mut &bytes[..]).map_err(|e| ReadFailure::Decode(method, e))
    }

    fn slashed_offences(&self, at: H256) -> Result<u64, ReadFailure> {
        let key = storage_prefix("Entropy", "SlashedOffences");
        let state = self.client.state_at(&at)?;
        let value = Backend::get(&*state, &key).map_err(|e| ReadFailure::State(e.to_string()))?;
        match value {
            None => Ok(0),
            Some(bytes) => u64::decode_all(&mut &bytes[..])
                .map_err(|e| ReadFailure::Decode("Entropy.SlashedOffences", e)),
        }
    }

    fn render_at(&self, at: H256) -> Result<String, ReadFailure> {
        let validators: ValidatorsReport = self.call(at, "EntropyApi_validators")?;
        let diversity: DiversityReport = self.call(at, "EntropyApi_diversity")?;
        let voters: FinalityVoters = self.call(at, "EntropyApi_finality_voters")?;
        let slashed = self.slashed_offences(at)?;
        let mut out = String::new();
        self.render_validators(&mut out, &validators);
        let plain = format!("{{chain=\"{}\"}}", self.chain);
        let one = |value: String| [(plain.clone(), value)];
        gauge(
            &mut out,
            "epoch_index",
            "The current epoch",
            &one(validators.epoch.to_string()),
        );
        gauge(
            &mut out,
            "finality_set_id",
            "The finality voter set id (the epoch index)",
            &one(voters.set_id.to_string()),
        );
        render_diversity(&mut out, &plain, &diversity);
        write_family(
            &mut out,
            "equivocations_total",
            "counter",
            "Offences slashed on chain since genesis",
            &one(slashed.to_string()),
        );
        Ok(out)
    }

    /// Per-member gauges; candidates outside the set are left out.
    fn render_validators(&self, out: &mut String, report: &ValidatorsReport) {
        let members: Vec<_> = report.validators.iter().filter(|v| v.member).collect();
        let label = |stash: &[u8; 32]| {
            let address = entroos_primitives::ss58::encode(self.ss58_format, stash);
            format!("{{stash=\"{address}\",chain=\"{}\"}}", self.chain)
        };
        let series = |value: &dyn Fn(&entroos_consensus_primitives::ValidatorInfo) -> String| {
            members
                .iter()
                .map(|v| (label(&v.stash.0), value(v)))
                .collect::<Vec<_>>()
        };
        gauge(
            out,
            "validator_weight",
            "A current validator's weight (entropy × reliability × stake)",
            &series(&|v| v.weight.to_string()),
        );
        gauge(
            out,
            "validator_stake",
            "A current validator's active bond",
            &series(&|v| v.stake.to_string()),
        );
        gauge(
            out,
            "validator_reliability_ppb",
            "A current validator's reliability score, in parts per billion",
            &series(&|v| ppb(v.reliability).to_string()),
        );
        gauge(
            out,
            "validator_entropy_ppb",
            "A current validator's entropy score, in parts per billion",
            &series(&|v| ppb(v.entropy).to_string()),
        );
    }
}

fn render_diversity(out: &mut String, plain: &str, report: &DiversityReport) {
    let one = |value: u128| [(plain.to_string(), value.to_string())];
    gauge(
        out,
        "diversity_validator_entropy_ppb",
        "Normalized Shannon entropy of the set's weights over validators, in parts per billion",
        &one(ppb(report.validator_entropy)),
    );
    gauge(out, "diversity_operator_entropy_ppb", "Normalized Shannon entropy of the set's weights over declared operators, in parts per billion", &one(ppb(report.operator_entropy)));
    gauge(
        out,
        "diversity_zone_entropy_ppb",
        "Normalized Shannon entropy of the set's weights over declared zones, in parts per billion",
        &one(ppb(report.zone_entropy)),
    );
    gauge(
        out,
        "diversity_nakamoto_coefficient",
        "The fewest validators holding a third of the set's weight",
        &one(u128::from(report.nakamoto)),
    );
}

/// A fixed-point value in parts per billion, rounded down.
fn ppb(value: FixedU128) -> u128 {
    value.into_inner() / (FixedU128::DIV / 1_000_000_000)
}

fn gauge(out: &mut String, name: &str, help: &str, samples: &[(String, String)]) {
    write_family(out, name, "gauge", help, samples);
}

fn write_family(
    out: &mut String,
    name: &str,
    kind: &str,
    help: &str,
    samples: &[(String, String)],
) {
    let _ = writeln!(out, "# HELP entroos_{name} {help}");
    let _ = writeln!(out, "# TYPE entroos_{name} {kind}");
    for (labels, value) in samples {
        let _ = writeln!(out, "entroos_{name}{labels} {value}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entroos_client::testing::dev_client;
    use entroos_db::Pruning;
    use entroos_rpc::{BlockRef, RoundState};

    fn sample<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
        text.lines()
            .filter(|l| l.starts_with(&format!("entroos_{name}{{")))
            .collect()
    }

    #[test]
    fn the_best_blocks_consensus_is_rendered_and_cached() {
        let (client, _clock) = dev_client(Pruning::Archive).unwrap();
        let status = Arc::new(FinalityStatus::default());
        let metrics = ConsensusMetrics::new(client.clone(), status.clone(), "dev".into(), 42);
        let mut text = String::new();
        metrics.render(&mut text);
        let stash = entroos_executor::genesis::dev_stash("Alice").unwrap();
        let alice = entroos_primitives::ss58::encode(42, &stash.0);
        let weights = sample(&text, "validator_weight");
        assert_eq!(weights.len(), 1, "one member: {text}");
        assert!(
            weights[0].contains(&format!("stash=\"{alice}\"")),
            "{}",
            weights[0]
        );
        assert_eq!(
            sample(&text, "epoch_index"),
            ["entroos_epoch_index{chain=\"dev\"} 0"]
        );
        assert_eq!(
            sample(&text, "finality_set_id"),
            ["entroos_finality_set_id{chain=\"dev\"} 0"]
        );
        assert_eq!(
            sample(&text, "diversity_nakamoto_coefficient"),
            ["entroos_diversity_nakamoto_coefficient{chain=\"dev\"} 1"]
        );
        assert_eq!(
            sample(&text, "equivocations_total"),
            ["entroos_equivocations_total{chain=\"dev\"} 0"]
        );
        assert!(sample(&text, "finality_round").is_empty(), "no voter yet");
        let cached = metrics.cache.lock().clone().map(|(hash, _)| hash);
        assert_eq!(
            cached,
            Some(client.heads().best.1),
            "cached for the best block"
        );

        status.set(RoundState {
            set_id: 0,
            round: 7,
            base: BlockRef {
                number: 0,
                hash: client.heads().genesis,
            },
            total_weight: 1,
            threshold: 1,
            prevote_weight: 0,
            precommit_weight: 0,
            voters: Vec::new(),
        });
        let mut again = String::new();
        metrics.render(&mut again);
        assert_eq!(
            sample(&again, "finality_round"),
            ["entroos_finality_round{chain=\"dev\"} 7"]
        );
        assert!(again.starts_with(&text), "the cached text, then the round");
    }
}
