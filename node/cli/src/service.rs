//! The running node: opens the database for the chain spec and the
//! keystore, starts the pool, the network and its sync driver, the JSON-RPC
//! server, metrics and (for a validator) the author, and stops them in order
//! on shutdown.
//!
//! A validator authors with the `babe` (sr25519 VRF and sealing) keys of
//! its keystore, looked up at each slot among the epoch's authorities: one
//! started with an empty keystore authors once a key of an authority is
//! inserted (`key insert`, `author_insertKey`). `--alice` … `--ferdie` (and
//! `--dev`, as Alice) make that account's session keys (`babe` and `gran`)
//! in memory through the runtime, as Substrate does. Every node, validator
//! or not, watches imports for equivocations and reports them, and runs
//! the finality task: voting with a `gran` key of the set, following the
//! votes without one.

use crate::authoring::{watch_equivocations, Authoring, VrfKeys};
use crate::chain_spec::{ChainSpec, ChainSpecError};
use crate::cli::{RpcMethodsArg, RunArgs, SharedArgs};
use crate::consensus_metrics::ConsensusMetrics;
use crate::finality::{self, FinalityLink, FinalityParts, FinalityTask};
use crate::finality_status::FinalityStatus;
use crate::keys::{self, KeyError};
use crate::metrics;
use crate::network::{self, NetworkParts};
use crate::rpc_bridge::{ClientRpc, OffchainRpc, PoolRpc};
use crate::session_keys::{self, KeystoreRpc};
use crate::tasks::TaskManager;
use entroos_authorship::{AuthorStats, SlotWorker};
use entroos_client::{Client, ClientConfig, ClientError};
use entroos_client_api::SystemClock;
use entroos_db::{Database, DbError, DirLock, Pruning};
use entroos_finality::FinalityConfig;
use entroos_keystore::Keystore;
use entroos_primitives::crypto::key_types::known::BABE;
use entroos_rpc::{RpcConfig, RpcMethods, SystemInfo};
use entroos_txpool::{graph::Limits, TxPool};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// Service errors: what stops the node from starting.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The chain spec.
    #[error(transparent)]
    ChainSpec(#[from] ChainSpecError),
    /// The database.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The chain.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// Keys.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// A bad flag value.
    #[error("{0}")]
    Config(String),
    /// A socket or file.
    #[error("{what}")]
    Io {
        /// What was being done.
        what: String,
        /// The cause.
        source: std::io::Error,
    },
}

/// Requests of the finality task waiting for the network at most.
const FINALITY_OUT_QUEUE: usize = 1_024;

/// The pruning mode of a new database when `--state-pruning` is not given.
pub const DEFAULT_PRUNING: Pruning = Pruning::Keep(256);

/// Parses `--state-pruning`.
pub fn parse_pruning(text: &str) -> Result<Pruning, ServiceError> {
    match text {
        "archive" | "archive-canonical" => Ok(Pruning::Archive),
        n => n
            .parse::<u32>()
            .ok()
            .filter(|n| *n > 0)
            .map(Pruning::Keep)
            .ok_or_else(|| {
                ServiceError::Config(format!(
                    "--state-pruning {n:?}: expected archive or a positive number of blocks"
                ))
            }),
    }
}

/// The directory of a chain's data under a base path.
pub fn chain_dir(base: &Path, spec: &ChainSpec) -> PathBuf {
    base.join("chains").join(&spec.info.id)
}

/// The database directory of a chain's data directory.
pub fn db_dir(chain_dir: &Path) -> PathBuf {
    chain_dir.join("db").join("full")
}

/// Opens the chain's database and client (used by the node and the block
/// subcommands), holding the chain directory's lock for as long as the
/// client lives; a damaged or mismatched database is refused unchanged.
pub fn open_client(
    shared: &SharedArgs,
    base: &Path,
    pruning: Option<&str>,
    slot_millis: Option<u64>,
) -> Result<(ChainSpec, Arc<Client>), ServiceError> {
    let spec = ChainSpec::load(&shared.chain_name())?;
    let chain = chain_dir(base, &spec);
    let lock = DirLock::acquire(&chain)?;
    let pruning = match pruning {
        Some(text) => parse_pruning(text)?,
        None => Database::recorded_pruning(&db_dir(&chain))?.unwrap_or(DEFAULT_PRUNING),
    };
    let db = Database::open(&db_dir(&chain), pruning)?.holding(lock);
    let config = ClientConfig {
        slot_millis,
        clock: Arc::new(SystemClock),
        signatures: Arc::new(crate::signatures::ParallelBatches::per_core()),
    };
    let client = Client::open(db, spec.genesis_storage(), config)?;
    Ok((spec, Arc::new(client)))
}

/// A running node.
pub struct Service {
    /// The chain.
    pub client: Arc<Client>,
    /// The pool.
    pub pool: Arc<TxPool>,
    /// The RPC address.
    pub rpc_addr: SocketAddr,
    /// The metrics address, if served.
    pub metrics_addr: Option<SocketAddr>,
    /// The finality round in progress, for the finality voter to publish
    /// (`entropy_roundState`, `entroos_finality_round`).
    pub finality_status: Arc<FinalityStatus>,
    rpc: entroos_rpc::ServerHandle,
    tasks: TaskManager,
    authoring: Option<Authoring>,
    finality: FinalityTask,
    _tmp: Option<tempfile::TempDir>,
}

/// The keystore directory: `--keystore-path`, else
/// `<base>/chains/<chain id>/keystore` (where `key insert` writes too).
pub fn keystore_dir(flag: Option<&Path>, base: &Path, spec: &ChainSpec) -> PathBuf {
    flag.map_or_else(|| chain_dir(base, spec).join("keystore"), Path::to_path_buf)
}

/// The development seed of `--alice` … `--ferdie`, or Alice's with `--dev`.
fn dev_seed(args: &RunArgs) -> Option<String> {
    let name = args.dev_key_name().or(args.shared.dev.then_some("Alice"))?;
    Some(format!("//{name}"))
}

/// Readies the keystore (its development keys made, its directory read: an
/// unreadable one stops the node) and says whether this node authors: a
/// validator, a development key, or a development chain with a `babe` key
/// stored.
fn prepare_keystore(
    args: &RunArgs,
    spec: &ChainSpec,
    client: &Client,
    keystore: &Keystore,
) -> Result<bool, ServiceError> {
    let stored = keystore.public_keys(BABE).map_err(KeyError::from)?;
    let seed = dev_seed(args);
    if let Some(seed) = &seed {
        session_keys::generate_session_keys(client, keystore, client.heads().best.1, Some(seed))?;
    }
    let authors = args.validator || seed.is_some() || (spec.is_development() && !stored.is_empty());
    if authors {
        log_slot_keys(keystore)?;
    }
    Ok(authors)
}

fn log_slot_keys(keystore: &Keystore) -> Result<(), ServiceError> {
    let keys = keystore.public_keys(BABE).map_err(KeyError::from)?;
    let addresses: Vec<String> = keys
        .iter()
        .map(|key| entroos_primitives::ss58::encode(42, key))
        .collect();
    match addresses.is_empty() {
        true => {
            tracing::warn!(target: "service", "No babe key in the keystore {} yet: blocks are authored from the first slot won by an authority whose key is inserted (key insert --key-type babe, author_insertKey)", keystore.dir().display())
        }
        false => {
            tracing::info!(target: "service", "Authoring with the babe keys {}", addresses.join(", "))
        }
    }
    Ok(())
}

/// The chain's SS58 format (its `ss58Format` property, else the runtime's).
fn ss58_format(spec: &ChainSpec) -> u16 {
    spec.info
        .properties
        .as_ref()
        .and_then(|p| p["ss58Format"].as_u64())
        .and_then(|f| u16::try_from(f).ok())
        .unwrap_or(entroos_executor::genesis::SS58_PREFIX)
}

fn rpc_methods(args: &RunArgs) -> RpcMethods {
    match args.rpc_methods {
        RpcMethodsArg::Safe => RpcMethods::Safe,
        RpcMethodsArg::Unsafe => RpcMethods::Unsafe,
        RpcMethodsArg::Auto if args.rpc_external => RpcMethods::Safe,
        RpcMethodsArg::Auto => RpcMethods::Unsafe,
    }
}

fn bind_ip(external: bool) -> IpAddr {
    if external {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    } else {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    }
}

impl Service {
    /// Starts the node.
    pub async fn start(args: RunArgs) -> Result<Self, ServiceError> {
        let start_time = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let tmp = if args.tmp {
            Some(tempfile::tempdir().map_err(|source| ServiceError::Io {
                what: "creating a temporary base path".into(),
                source,
            })?)
        } else {
            None
        };
        let base = match &tmp {
            Some(dir) => dir.path().to_path_buf(),
            None => args.shared.base_path(),
        };
        let (spec, client) = open_client(
            &args.shared,
            &base,
            args.state_pruning.as_deref(),
            args.slot_millis,
        )?;
        let heads = client.heads();
        tracing::info!(target: "service", "Chain: {} ({}), base path {}", spec.info.name, spec.info.id, base.display());
        if let Some(name) = &args.name {
            tracing::info!(target: "service", "Node name: {name}");
        }
        tracing::info!(target: "service", "Genesis {}; best #{} ({}), finalized #{}", heads.genesis, heads.best.0, heads.best.1, heads.finalized.0);
        let limits = Limits::new(args.pool_limit, args.pool_kbytes, args.pool_sender_limit);
        let pool = Arc::new(TxPool::new(client.clone(), limits));
        let keystore = Arc::new(Keystore::open(keystore_dir(
            args.keystore_path.as_deref(),
            &base,
            &spec,
        )));
        let authors = prepare_keystore(&args, &spec, &client, &keystore)?;
        let tasks = TaskManager::new(tokio::runtime::Handle::current());
        crate::pool_maintenance::start(client.clone(), pool.clone(), &tasks);

        let node_key = keys::node_key_hex(
            args.node_key.as_deref(),
            args.node_key_file.as_deref(),
            &base,
            &spec.info.id,
        )?;
        let finality_status = Arc::new(FinalityStatus::default());
        let (finality_link, finality_inputs) = FinalityLink::new();
        let (to_network, from_finality) = tokio::sync::mpsc::channel(FINALITY_OUT_QUEUE);
        let network = network::start(
            NetworkParts {
                args: &args,
                spec_boot_nodes: &spec.info.boot_nodes,
                node_key_hex: &node_key,
                client: client.clone(),
                pool: pool.clone(),
                authority: authors,
                should_have_peers: !spec.is_development(),
                finality: finality_link.clone(),
                from_finality,
            },
            &tasks,
        )?;
        let finality = finality::start(
            FinalityParts {
                client: client.clone(),
                pool: pool.clone(),
                keystore: keystore.clone(),
                config: FinalityConfig::for_slot(client.slot_millis()),
                inputs: finality_inputs,
                network: to_network,
                link: finality_link,
                status: finality_status.clone(),
            },
            &tasks,
        );
        let roles = if authors { "Authority" } else { "Full" };
        let info = SystemInfo {
            impl_name: "EntroOS Node".into(),
            impl_version: env!("CARGO_PKG_VERSION").into(),
            chain_name: spec.info.name.clone(),
            chain_type: spec.info.chain_type.clone(),
            properties: spec
                .info
                .properties
                .clone()
                .unwrap_or(serde_json::json!({})),
            roles: vec![roles.into()],
        };
        let methods = rpc_methods(&args);
        let config = RpcConfig {
            addr: SocketAddr::new(
                bind_ip(args.rpc_external || args.unsafe_rpc_external),
                args.rpc_port,
            ),
            max_connections: args.rpc_max_connections,
            max_batch_len: args.rpc_max_batch_request_len,
            max_request_bytes: args.rpc_max_request_size.saturating_mul(1024 * 1024),
            max_response_bytes: args.rpc_max_response_size.saturating_mul(1024 * 1024),
            methods,
            cors: match (&args.rpc_cors, spec.is_development()) {
                (Some(text), _) => entroos_rpc::Cors::parse(text),
                (None, true) => entroos_rpc::Cors::All,
                (None, false) => entroos_rpc::Cors::local_default(),
            },
        };
        let deps = entroos_rpc::Deps {
            chain: Arc::new(ClientRpc(client.clone())),
            state: Arc::new(ClientRpc(client.clone())),
            pool: Arc::new(PoolRpc(pool.clone())),
            network: network.clone(),
            keystore: Arc::new(KeystoreRpc {
                client: client.clone(),
                keystore: keystore.clone(),
            }),
            finality: finality_status.clone(),
            offchain: Arc::new(OffchainRpc(client.clone())),
            info,
            deny_unsafe: methods == RpcMethods::Safe,
            spec_v2: (!args.rpc_disable_spec_v2)
                .then(|| entroos_rpc::SpecV2Config::new(client.db().pruning() == Pruning::Archive)),
        };
        let module =
            entroos_rpc::build_module(deps).map_err(|e| ServiceError::Config(e.to_string()))?;
        let (rpc_addr, rpc) = entroos_rpc::start(&config, module)
            .await
            .map_err(|source| ServiceError::Io {
                what: format!("starting JSON-RPC on {}", config.addr),
                source,
            })?;
        tracing::info!(target: "service", "Running JSON-RPC server: addr={rpc_addr}, methods={methods:?}");

        let stats = Arc::new(AuthorStats::default());
        let author_stats = authors.then(|| stats.clone());
        let metrics_addr = if args.no_prometheus {
            None
        } else {
            let sources = Arc::new(metrics::Sources {
                client: client.clone(),
                pool: pool.clone(),
                start_time,
                chain: spec.info.id.clone(),
                author: author_stats.clone(),
                network: Some(network.clone()),
                consensus: Some(Arc::new(ConsensusMetrics::new(
                    client.clone(),
                    finality_status.clone(),
                    spec.info.id.clone(),
                    ss58_format(&spec),
                ))),
            });
            let addr = SocketAddr::new(bind_ip(args.prometheus_external), args.prometheus_port);
            let (addr, task) =
                metrics::serve(addr, sources)
                    .await
                    .map_err(|source| ServiceError::Io {
                        what: format!("starting Prometheus on {addr}"),
                        source,
                    })?;
            tracing::info!(target: "service", "Prometheus exporter started at {addr}/metrics");
            tasks.adopt("prometheus", task);
            Some(addr)
        };

        let worker = Arc::new(SlotWorker::new(
            client.clone(),
            pool.clone(),
            Arc::new(VrfKeys(keystore.clone())),
            stats,
        ));
        watch_equivocations(&client, worker.clone(), &tasks);
        let authoring = authors.then(|| Authoring::start(client.clone(), worker, &tasks));
        Ok(Service {
            client,
            pool,
            rpc_addr,
            metrics_addr,
            finality_status,
            rpc,
            tasks,
            authoring,
            finality,
            _tmp: tmp,
        })
    }

    /// Stops every task and the RPC server; the database closes when the
    /// last handle is dropped.
    pub async fn stop(self) {
        drop(self.authoring);
        drop(self.finality);
        let _ = self.rpc.stop();
        self.rpc.stopped().await;
        self.tasks.shutdown().await;
        tracing::info!(target: "service", "Stopped at best #{}", self.client.heads().best.0);
    }
}
