//! Chain specifications in Substrate's JSON shape.
//!
//! A plain spec carries the genesis as a patch over the runtime's default
//! configuration (`genesis.runtimeGenesis.patch`, or a full `config`); a raw
//! spec carries the genesis storage itself (`genesis.raw.top`, hex keys to
//! hex values). The patch is kept as the exact JSON text it was read from, so
//! balances above 2^53 (zombienet writes bare integers such as `1e21`) are
//! read as `u128` without passing through a float.

use codec::{DecodeAll, Encode};
use entroos_executor::genesis::{self, RuntimeGenesisConfig, CODE_KEY};
use entroos_executor::genesis::{SS58_PREFIX, TOKEN_DECIMALS, TOKEN_SYMBOL};
use entroos_primitives::{RuntimeVersion, H256};
use entroos_support::state::{Changes, InMemoryBackend};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Chain spec errors.
#[derive(Debug, thiserror::Error)]
pub enum ChainSpecError {
    /// The file cannot be read.
    #[error("cannot read chain spec {}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file's content is refused.
    #[error("in chain spec file {}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// Why it is refused.
        source: Box<ChainSpecError>,
    },
    /// The JSON does not have the chain spec's shape.
    #[error("chain spec is not valid")]
    Json(#[from] serde_json::Error),
    /// `chainType` is not one of Substrate's chain types.
    #[error("chainType {0} is not one of \"Development\", \"Local\", \"Live\" or {{\"Custom\": \"<name>\"}}")]
    ChainType(Value),
    /// `properties` is not a JSON object.
    #[error("properties must be a JSON object (such as {{\"tokenSymbol\": \"ENT\"}}), not {0}")]
    Properties(Value),
    /// The genesis section has none of the known forms.
    #[error("chain spec genesis: expected genesis.runtimeGenesis.patch, genesis.runtimeGenesis.config or genesis.raw.top")]
    GenesisForm,
    /// A raw genesis key or value is not hex.
    #[error("chain spec genesis: raw {what} {text:?} is not hex")]
    Hex {
        /// `key` or `value`.
        what: &'static str,
        /// The text.
        text: String,
        /// The decoder's error.
        source: hex::FromHexError,
    },
    /// A raw genesis without runtime code.
    #[error("chain spec genesis: genesis.raw.top has no :code entry")]
    NoCode,
    /// A raw genesis whose `:code` is not this node's runtime.
    #[error("chain spec genesis: :code is {found}, but this node runs {expected}; write the spec with this node's `build-spec --raw`")]
    Code {
        /// What the spec's `:code` holds.
        found: String,
        /// This node's runtime.
        expected: String,
    },
    /// The patch does not describe a runtime configuration.
    #[error("chain spec genesis: runtimeGenesis.patch")]
    Patch(#[source] serde_json::Error),
    /// The runtime refused to build the genesis.
    #[error("chain spec genesis")]
    Build(#[source] genesis::GenesisError),
    /// The runtime has no such preset.
    #[error("the runtime has no genesis preset {0:?}")]
    NoPreset(String),
    /// No built-in chain has this name.
    #[error("unknown chain {0:?}: the built-in chains are dev and local (and dev-raw, local-raw); give a chain spec file as a path (with a / or ending in .json)")]
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

/// Substrate's `ChainType`, in its JSON form: `"Development"`, `"Local"`,
/// `"Live"` or `{"Custom": "<name>"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChainType {
    /// A development chain that runs mainly on one node.
    Development,
    /// A chain run locally on several nodes for tests.
    Local,
    /// A live chain.
    Live,
    /// Any other kind.
    Custom(String),
}

impl SpecInfo {
    /// Refuses a `chainType` Substrate would not read and `properties` that
    /// are not an object; rewrites `chainType` in its canonical JSON form.
    fn validate(&mut self) -> Result<(), ChainSpecError> {
        let chain_type: ChainType = serde_json::from_value(self.chain_type.clone())
            .map_err(|_| ChainSpecError::ChainType(self.chain_type.clone()))?;
        self.chain_type = serde_json::to_value(&chain_type)?;
        match &self.properties {
            Some(properties) if !properties.is_object() => {
                Err(ChainSpecError::Properties(properties.clone()))
            }
            _ => Ok(()),
        }
    }
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

fn hex_decode(what: &'static str, text: &str) -> Result<Vec<u8>, ChainSpecError> {
    hex::decode(text.trim_start_matches("0x")).map_err(|source| ChainSpecError::Hex {
        what,
        text: text.into(),
        source,
    })
}

/// Whether `--chain` names a file rather than a built-in chain.
fn names_a_file(chain: &str) -> bool {
    chain.contains(['/', std::path::MAIN_SEPARATOR])
        || chain.ends_with(".json")
        || Path::new(chain).exists()
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
            _ if names_a_file(chain) => return Self::from_file(Path::new(chain)),
            _ => return Err(ChainSpecError::UnknownChain(chain.into())),
        };
        if raw {
            spec.into_raw()
        } else {
            Ok(spec)
        }
    }

    /// A spec from its parts; checks the chain type and properties, and
    /// builds (and so checks) the genesis storage.
    pub fn new(mut info: SpecInfo, genesis: Genesis) -> Result<Self, ChainSpecError> {
        info.validate()?;
        let storage = build_storage(&genesis)?;
        Ok(ChainSpec {
            info,
            genesis,
            storage,
        })
    }

    /// Whether this is a development chain (`chainType` `Development`).
    pub fn is_development(&self) -> bool {
        self.chain_type() == ChainType::Development
    }

    /// The chain type.
    pub fn chain_type(&self) -> ChainType {
        serde_json::from_value(self.info.chain_type.clone()).unwrap_or(ChainType::Live)
    }

    fn builtin(
        name: &str,
        id: &str,
        chain_type: &str,
        preset: &str,
    ) -> Result<Self, ChainSpecError> {
        let patch =
            genesis::preset(preset).ok_or_else(|| ChainSpecError::NoPreset(preset.into()))?;
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
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_json(&text).map_err(|e| ChainSpecError::File {
            path: path.to_path_buf(),
            source: Box::new(e),
        })
    }

    /// Parses a spec.
    pub fn from_json(text: &str) -> Result<Self, ChainSpecError> {
        let spec: SpecJson = serde_json::from_str(text)?;
        let info: SpecInfo = serde_json::from_value(Value::Object(spec.info.0))?;
        let genesis = match (spec.genesis.raw, spec.genesis.runtime_genesis) {
            (Some(raw), _) => {
                let mut top = BTreeMap::new();
                for (key, value) in raw.top {
                    top.insert(hex_decode("key", &key)?, hex_decode("value", &value)?);
                }
                Genesis::Raw(top)
            }
            (
                None,
                Some(RuntimeGenesisJson {
                    patch: Some(patch), ..
                }),
            ) => Genesis::Patch(patch),
            (
                None,
                Some(RuntimeGenesisJson {
                    config: Some(config),
                    ..
                }),
            ) => Genesis::Patch(config),
            _ => return Err(ChainSpecError::GenesisForm),
        };
        Self::new(info, genesis)
    }

    /// The runtime configuration a patch describes.
    pub fn runtime_config(patch: &RawValue) -> Result<RuntimeGenesisConfig, ChainSpecError> {
        serde_json::from_str(patch.get()).map_err(ChainSpecError::Patch)
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
                    code: Some(format!("0x{}", hex::encode(genesis::version().encode()))),
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
            check_code(top.get(CODE_KEY).ok_or(ChainSpecError::NoCode)?)?;
            Ok(top
                .iter()
                .map(|(k, v)| (k.clone(), Some(v.clone())))
                .collect())
        }
        Genesis::Patch(patch) => {
            let config = ChainSpec::runtime_config(patch)?;
            genesis::storage(&config).map_err(ChainSpecError::Build)
        }
    }
}

/// Refuses runtime code other than this node's runtime (whose `:code` is
/// its encoded version, as `build-spec --raw` writes it).
fn check_code(code: &[u8]) -> Result<(), ChainSpecError> {
    let expected = genesis::version();
    if code == expected.encode().as_slice() {
        return Ok(());
    }
    let (found, expected) = match RuntimeVersion::decode_all(&mut &code[..]) {
        Ok(found) => describe_difference(&found, &expected),
        Err(_) => (describe_unknown_code(code), describe_version(&expected)),
    };
    Err(ChainSpecError::Code { found, expected })
}

/// Two versions in as much detail as it takes to tell them apart.
fn describe_difference(found: &RuntimeVersion, expected: &RuntimeVersion) -> (String, String) {
    let (short_found, short_expected) = (describe_version(found), describe_version(expected));
    if short_found != short_expected {
        return (short_found, short_expected);
    }
    let detail = |v: &RuntimeVersion| {
        format!(
            "{} (impl {} version {}, authoring version {}, transaction version {}, system version {}, runtime APIs {})",
            describe_version(v),
            v.impl_name,
            v.impl_version,
            v.authoring_version,
            v.transaction_version,
            v.system_version,
            v.apis
                .iter()
                .map(|(id, version)| format!("0x{}:{version}", hex::encode(id)))
                .collect::<Vec<_>>()
                .join(",")
        )
    };
    (detail(found), detail(expected))
}

fn describe_version(version: &RuntimeVersion) -> String {
    format!(
        "spec {} version {}",
        version.spec_name, version.spec_version
    )
}

fn describe_unknown_code(code: &[u8]) -> String {
    const SHOWN: usize = 16;
    let shown = code.get(..SHOWN).unwrap_or(code);
    let more = if code.len() > SHOWN { "…" } else { "" };
    format!(
        "{} bytes (0x{}{more}) that are not a runtime version",
        code.len(),
        hex::encode(shown)
    )
}

#[cfg(test)]
mod tests;
