//! Chain specifications in Substrate's JSON shape.
//!
//! A plain spec carries the genesis as a patch over the runtime's default
//! configuration (`genesis.runtimeGenesis.patch`, or a full `config`); a raw
//! spec carries the genesis storage itself (`genesis.raw.top`, hex keys to
//! hex values). The patch is kept as the exact JSON text it was read from, so
//! balances above 2^53 (zombienet writes bare integers such as `1e21`) are
//! read as `u128` without passing through a float.

use entroos_executor::genesis::{self, RuntimeGenesisConfig, CODE_KEY};
use entroos_executor::genesis::{SS58_PREFIX, TOKEN_DECIMALS, TOKEN_SYMBOL};
use entroos_primitives::H256;
use entroos_support::state::{Changes, InMemoryBackend};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// Chain spec errors.
#[derive(Debug, thiserror::Error)]
pub enum ChainSpecError {
    /// The file cannot be read.
    #[error("reading chain spec {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The JSON does not have the chain spec's shape.
    #[error("chain spec is not valid: {0}")]
    Json(#[from] serde_json::Error),
    /// The genesis section is missing or has an unknown form.
    #[error("chain spec genesis: {0}")]
    Genesis(String),
    /// No built-in chain has this name.
    #[error("unknown chain {0:?}: use dev, local or the path of a chain spec file")]
    UnknownChain(String),
}

/// The genesis: a configuration to build, or the storage itself.
#[derive(Debug)]
pub enum Genesis {
    /// A patch over the runtime's default configuration (JSON text).
    Patch(Box<RawValue>),
    /// The genesis storage, key to value.
    Raw(BTreeMap<Vec<u8>, Vec<u8>>),
}

/// A chain specification.
#[derive(Debug)]
pub struct ChainSpec {
    /// The fields other than the genesis.
    pub info: SpecInfo,
    /// The genesis as the spec states it.
    pub genesis: Genesis,
    /// The genesis storage, built once when the spec is made (which is
    /// also how a bad genesis is refused early).
    storage: Changes,
}

/// The fields of a chain spec other than its genesis.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpecInfo {
    /// Human-readable name.
    pub name: String,
    /// Identifier (the directory under `<base>/chains/`).
    pub id: String,
    /// `Development`, `Local`, `Live` or `{"Custom": …}`.
    #[serde(default = "live")]
    pub chain_type: Value,
    /// Peers to connect to at start.
    #[serde(default)]
    pub boot_nodes: Vec<String>,
    /// Telemetry endpoints (unused; kept for tools that read them).
    #[serde(default)]
    pub telemetry_endpoints: Option<Value>,
    /// The network protocol id.
    #[serde(default)]
    pub protocol_id: Option<String>,
    /// A fork id, set by tools that isolate test networks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fork_id: Option<String>,
    /// Token symbol, decimals and SS58 format, as clients read them.
    #[serde(default)]
    pub properties: Option<Value>,
    /// Runtime code substitutes (none for a native runtime).
    #[serde(default)]
    pub code_substitutes: BTreeMap<String, String>,
}

fn live() -> Value {
    Value::String("Live".into())
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RuntimeGenesisJson {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    patch: Option<Box<RawValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    config: Option<Box<RawValue>>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawJson {
    top: BTreeMap<String, String>,
    #[serde(default)]
    children_default: BTreeMap<String, Value>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GenesisJson {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    runtime_genesis: Option<RuntimeGenesisJson>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    raw: Option<RawJson>,
}

#[derive(Serialize, Deserialize)]
struct SpecJson {
    #[serde(flatten)]
    info: SpecInfoRef,
    genesis: GenesisJson,
}

// `flatten` buffers its input, which `RawValue` cannot come through; the info
// fields are therefore read into a `Value` and converted.
#[derive(Serialize, Deserialize)]
#[serde(transparent)]
struct SpecInfoRef(serde_json::Map<String, Value>);

fn hex_decode(what: &str, text: &str) -> Result<Vec<u8>, ChainSpecError> {
    hex::decode(text.trim_start_matches("0x"))
        .map_err(|e| ChainSpecError::Genesis(format!("{what} {text:?} is not hex: {e}")))
}

impl ChainSpec {
    /// A built-in chain (`dev`, `local`, and their `-raw` forms), or a file.
    pub fn load(chain: &str) -> Result<Self, ChainSpecError> {
        let (name, raw) = chain
            .strip_suffix("-raw")
            .map_or((chain, false), |name| (name, true));
        let spec = match name {
            "dev" | "" => Self::builtin("Development", "dev", "Development", genesis::DEV_PRESET)?,
            "local" => Self::builtin(
                "Local Testnet",
                "local_testnet",
                "Local",
                genesis::LOCAL_PRESET,
            )?,
            _ if Path::new(chain).is_file() => return Self::from_file(Path::new(chain)),
            _ => return Err(ChainSpecError::UnknownChain(chain.into())),
        };
        if raw {
            spec.into_raw()
        } else {
            Ok(spec)
        }
    }

    /// A spec from its parts; builds (and so checks) the genesis storage.
    pub fn new(info: SpecInfo, genesis: Genesis) -> Result<Self, ChainSpecError> {
        let storage = build_storage(&genesis)?;
        Ok(ChainSpec {
            info,
            genesis,
            storage,
        })
    }

    /// Whether this is a development chain (`chainType` `Development`).
    pub fn is_development(&self) -> bool {
        self.info.chain_type == Value::String("Development".into())
    }

    fn builtin(
        name: &str,
        id: &str,
        chain_type: &str,
        preset: &str,
    ) -> Result<Self, ChainSpecError> {
        let patch = genesis::preset(preset).ok_or_else(|| {
            ChainSpecError::Genesis(format!("the runtime has no preset {preset}"))
        })?;
        let patch = serde_json::value::to_raw_value(&patch)?;
        let info = SpecInfo {
            name: name.into(),
            id: id.into(),
            chain_type: Value::String(chain_type.into()),
            boot_nodes: Vec::new(),
            telemetry_endpoints: None,
            protocol_id: Some("entroos".into()),
            fork_id: None,
            properties: Some(serde_json::json!({
                "ss58Format": SS58_PREFIX,
                "tokenDecimals": TOKEN_DECIMALS,
                "tokenSymbol": TOKEN_SYMBOL,
            })),
            code_substitutes: BTreeMap::new(),
        };
        Self::new(info, Genesis::Patch(patch))
    }

    /// Reads a spec file.
    pub fn from_file(path: &Path) -> Result<Self, ChainSpecError> {
        let text = std::fs::read_to_string(path).map_err(|source| ChainSpecError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_json(&text)
    }

    /// Parses a spec.
    pub fn from_json(text: &str) -> Result<Self, ChainSpecError> {
        let spec: SpecJson = serde_json::from_str(text)?;
        let info: SpecInfo = serde_json::from_value(Value::Object(spec.info.0))?;
        let genesis = match (spec.genesis.raw, spec.genesis.runtime_genesis) {
            (Some(raw), _) => {
                let mut top = BTreeMap::new();
                for (key, value) in raw.top {
                    top.insert(hex_decode("raw key", &key)?, hex_decode("raw value", &value)?);
                }
                Genesis::Raw(top)
            }
            (None, Some(RuntimeGenesisJson { patch: Some(patch), .. })) => Genesis::Patch(patch),
            (None, Some(RuntimeGenesisJson { config: Some(config), .. })) => Genesis::Patch(config),
            _ => return Err(ChainSpecError::Genesis("expected genesis.runtimeGenesis.patch, genesis.runtimeGenesis.config or genesis.raw.top".into())),
        };
        Self::new(info, genesis)
    }

    /// The runtime configuration a patch describes.
    pub fn runtime_config(patch: &RawValue) -> Result<RuntimeGenesisConfig, ChainSpecError> {
        serde_json::from_str(patch.get())
            .map_err(|e| ChainSpecError::Genesis(format!("runtimeGenesis.patch: {e}")))
    }

    /// The genesis storage.
    pub fn genesis_storage(&self) -> &Changes {
        &self.storage
    }

    /// The spec with its genesis turned into storage.
    pub fn into_raw(self) -> Result<Self, ChainSpecError> {
        let top = self
            .storage
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), v.clone()?)))
            .collect();
        Ok(ChainSpec {
            info: self.info,
            genesis: Genesis::Raw(top),
            storage: self.storage,
        })
    }

    /// The spec as JSON text (`raw` converts the genesis to storage first).
    pub fn to_json(self, raw: bool) -> Result<String, ChainSpecError> {
        let spec = if raw { self.into_raw()? } else { self };
        let genesis = match spec.genesis {
            Genesis::Raw(top) => GenesisJson {
                runtime_genesis: None,
                raw: Some(RawJson {
                    top: top
                        .iter()
                        .map(|(k, v)| {
                            (
                                format!("0x{}", hex::encode(k)),
                                format!("0x{}", hex::encode(v)),
                            )
                        })
                        .collect(),
                    children_default: BTreeMap::new(),
                }),
            },
            Genesis::Patch(patch) => GenesisJson {
                runtime_genesis: Some(RuntimeGenesisJson {
                    code: Some(format!(
                        "0x{}",
                        hex::encode(codec::Encode::encode(&genesis::version()))
                    )),
                    patch: Some(patch),
                    config: None,
                }),
                raw: None,
            },
        };
        let info = match serde_json::to_value(&spec.info)? {
            Value::Object(map) => map,
            _ => serde_json::Map::new(),
        };
        Ok(serde_json::to_string_pretty(&SpecJson {
            info: SpecInfoRef(info),
            genesis,
        })?)
    }

    /// The spec with `boot_nodes` replaced.
    pub fn with_boot_nodes(mut self, nodes: Vec<String>) -> Self {
        self.info.boot_nodes = nodes;
        self
    }

    /// The genesis block's hash.
    pub fn genesis_hash(&self) -> H256 {
        let mut backend = InMemoryBackend::default();
        backend.apply(self.storage.clone());
        genesis::header(backend.root()).hash()
    }
}

/// The storage a genesis describes.
fn build_storage(genesis: &Genesis) -> Result<Changes, ChainSpecError> {
    match genesis {
        Genesis::Raw(top) => {
            if !top.contains_key(CODE_KEY) {
                return Err(ChainSpecError::Genesis(
                    "genesis.raw.top has no :code entry".into(),
                ));
            }
            Ok(top
                .iter()
                .map(|(k, v)| (k.clone(), Some(v.clone())))
                .collect())
        }
        Genesis::Patch(patch) => {
            let config = ChainSpec::runtime_config(patch)?;
            genesis::storage(&config).map_err(|e| ChainSpecError::Genesis(e.to_string()))
        }
    }
}

#[cfg(test)]
mod tests;
