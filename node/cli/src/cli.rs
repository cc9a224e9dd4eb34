//! The command line, in Substrate's shape: the same flag names, defaults and
//! subcommands, so that scripts and zombienet written for Substrate nodes
//! drive this one unchanged.

use clap::{Args, Parser, Subcommand, ValueEnum};
use entroos_primitives::crypto::KeyScheme;
use std::path::PathBuf;

/// The shortest slot `--slot-millis` accepts.
pub const MIN_SLOT_MILLIS: u64 = 100;

/// The longest slot `--slot-millis` accepts (one hour).
pub const MAX_SLOT_MILLIS: u64 = 3_600_000;

/// The EntroOS node.
#[derive(Debug, Parser)]
#[command(
    name = "entroos-node",
    version,
    about = "The EntroOS node",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// A subcommand; without one the node runs.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// How to run the node.
    #[command(flatten)]
    pub run: RunArgs,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Prints a chain spec as JSON on stdout.
    BuildSpec(BuildSpecArgs),
    /// Removes the chain's database.
    PurgeChain(PurgeArgs),
    /// Writes blocks to a file (SCALE, or JSON with --json).
    ExportBlocks(ExportArgs),
    /// Imports blocks from a file written by export-blocks.
    ImportBlocks(ImportArgs),
    /// Key utilities.
    #[command(subcommand)]
    Key(KeyCommand),
}

/// Log targets kept quiet unless `--log` names them: yamux warns each time
/// a peer drops a connection without closing it, which any remote peer can
/// repeat at will to flood the log.
pub const QUIET_BY_DEFAULT: &[&str] = &["yamux=error"];

/// Where the chain and its data are.
#[derive(Debug, Clone, Args)]
pub struct SharedArgs {
    /// `dev`, `local`, or the path of a chain spec file.
    #[arg(long, value_name = "CHAIN_SPEC")]
    pub chain: Option<String>,
    /// The development chain (same as `--chain dev`).
    #[arg(long)]
    pub dev: bool,
    /// The base directory for the chain's data.
    #[arg(long, short = 'd', value_name = "PATH")]
    pub base_path: Option<PathBuf>,
    /// Logging directives, e.g. `info,txpool=debug`.
    #[arg(long, short = 'l', value_name = "LOG_PATTERN", value_delimiter = ',')]
    pub log: Vec<String>,
    /// `text` or `json` log lines.
    #[arg(long, value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// Plain log lines on a terminal too (they are plain whenever stderr
    /// is not a terminal).
    #[arg(long)]
    pub disable_log_color: bool,
}

impl SharedArgs {
    /// `--base-path`, or the default (`$XDG_DATA_HOME/entroos-node` or
    /// `~/.local/share/entroos-node`).
    pub fn base_path(&self) -> PathBuf {
        self.base_path.clone().unwrap_or_else(default_base_path)
    }

    /// The logging directives: `--log`'s (`info` without it), then
    /// [`QUIET_BY_DEFAULT`] for each target `--log` does not name.
    pub fn log_directives(&self) -> String {
        let mut directives = match self.log.is_empty() {
            true => vec!["info".to_string()],
            false => self.log.clone(),
        };
        for quiet in QUIET_BY_DEFAULT {
            let target = quiet.split('=').next().unwrap_or(quiet);
            if !self.log.iter().any(|d| d.starts_with(target)) {
                directives.push((*quiet).to_string());
            }
        }
        directives.join(",")
    }

    /// Whether log lines carry ANSI colours: only on a terminal and without
    /// `--disable-log-color`, so that a log written to a file (zombienet
    /// matches patterns against the node's) is plain text.
    pub fn log_color(&self, stderr_is_terminal: bool) -> bool {
        stderr_is_terminal && !self.disable_log_color
    }

    /// The chain named on the command line (`dev` with `--dev`).
    pub fn chain_name(&self) -> String {
        match (&self.chain, self.dev) {
            (Some(chain), _) => chain.clone(),
            (None, true) => "dev".into(),
            (None, false) => "local".into(),
        }
    }
}

/// The base path without `--base-path`: `$XDG_DATA_HOME/entroos-node` or
/// `~/.local/share/entroos-node`.
pub fn default_base_path() -> PathBuf {
    match (std::env::var_os("XDG_DATA_HOME"), std::env::var_os("HOME")) {
        (Some(data), _) => PathBuf::from(data).join("entroos-node"),
        (None, Some(home)) => PathBuf::from(home).join(".local/share/entroos-node"),
        (None, None) => PathBuf::from("entroos-node"),
    }
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// `--offchain-worker`: when the runtime's off-chain workers run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OffchainWorkerArg {
    /// After every new best block.
    Always,
    /// Never.
    Never,
    /// When the node authors blocks or holds an executor (`exec`) key.
    WhenAuthority,
}

/// `--rpc-methods`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RpcMethodsArg {
    /// Unsafe methods when listening on localhost only.
    Auto,
    /// Safe methods only.
    Safe,
    /// Every method.
    Unsafe,
}

/// Running the node.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Chain and data.
    #[command(flatten)]
    pub shared: SharedArgs,
    /// Use a temporary base path, removed at exit.
    #[arg(long, conflicts_with = "base_path")]
    pub tmp: bool,
    /// The node's name.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Author blocks.
    #[arg(long)]
    pub validator: bool,
    /// Shortcut for `--name Alice --validator` with Alice's key.
    #[arg(long, conflicts_with_all = ["bob", "charlie", "dave", "eve", "ferdie"])]
    pub alice: bool,
    /// Shortcut for `--name Bob --validator` with Bob's key.
    #[arg(long)]
    pub bob: bool,
    /// Shortcut for `--name Charlie --validator` with Charlie's key.
    #[arg(long)]
    pub charlie: bool,
    /// Shortcut for `--name Dave --validator` with Dave's key.
    #[arg(long)]
    pub dave: bool,
    /// Shortcut for `--name Eve --validator` with Eve's key.
    #[arg(long)]
    pub eve: bool,
    /// Shortcut for `--name Ferdie --validator` with Ferdie's key.
    #[arg(long)]
    pub ferdie: bool,
    /// JSON-RPC port (WebSocket and HTTP).
    #[arg(long, value_name = "PORT", default_value_t = 9944)]
    pub rpc_port: u16,
    /// Listen for RPC on all interfaces.
    #[arg(long)]
    pub rpc_external: bool,
    /// Listen for RPC on all interfaces, with unsafe methods.
    #[arg(long)]
    pub unsafe_rpc_external: bool,
    /// Allowed browser origins (`all`, or a list).
    #[arg(long, value_name = "ORIGINS")]
    pub rpc_cors: Option<String>,
    /// Which RPC methods to serve.
    #[arg(long, value_enum, default_value = "auto")]
    pub rpc_methods: RpcMethodsArg,
    /// The most RPC connections at once.
    #[arg(long, value_name = "COUNT", default_value_t = 100)]
    pub rpc_max_connections: u32,
    /// The most calls one JSON-RPC batch may hold (unlimited when absent).
    #[arg(long, value_name = "LEN")]
    pub rpc_max_batch_request_len: Option<u32>,
    /// The largest RPC request, in MiB.
    #[arg(long, value_name = "MiB", default_value_t = 15)]
    pub rpc_max_request_size: u32,
    /// The largest RPC response, in MiB.
    #[arg(long, value_name = "MiB", default_value_t = 15)]
    pub rpc_max_response_size: u32,
    /// Serve none of the new JSON-RPC API (chainHead_v1, chainSpec_v1, transaction_v1, transactionWatch_v1, archive_v1): clients then use the legacy methods.
    #[arg(long)]
    pub rpc_disable_spec_v2: bool,
    /// Prometheus port.
    #[arg(long, value_name = "PORT", default_value_t = 9615)]
    pub prometheus_port: u16,
    /// Serve Prometheus on all interfaces.
    #[arg(long)]
    pub prometheus_external: bool,
    /// Do not serve Prometheus metrics.
    #[arg(long)]
    pub no_prometheus: bool,
    /// `archive`, or the number of recent finalized blocks whose state is
    /// kept (default: the database's own mode, 256 for a new database).
    #[arg(long, value_name = "MODE")]
    pub state_pruning: Option<String>,
    /// Ready transactions the pool holds.
    #[arg(long, value_name = "COUNT", default_value_t = 8192)]
    pub pool_limit: usize,
    /// KiB of ready transactions the pool holds.
    #[arg(long, value_name = "KiB", default_value_t = 20480)]
    pub pool_kbytes: usize,
    /// Transactions one sender may have in the pool.
    #[arg(long, value_name = "COUNT", default_value_t = 512)]
    pub pool_sender_limit: usize,
    /// Slot length in milliseconds, 100 to 3600000, overriding the
    /// chain spec's (`entropy.params.slotDuration`, read through
    /// `EntropyApi_slot_duration`); every node of a chain must agree.
    #[arg(
        long,
        value_name = "MS",
        value_parser = clap::value_parser!(u64).range(MIN_SLOT_MILLIS..=MAX_SLOT_MILLIS)
    )]
    pub slot_millis: Option<u64>,
    /// The libp2p node key (hex ed25519 seed).
    #[arg(long, value_name = "KEY")]
    pub node_key: Option<String>,
    /// The file holding the libp2p node key (32 raw bytes or 64 hex
    /// characters), made with a new key if missing; `--node-key` wins.
    #[arg(long, value_name = "FILE")]
    pub node_key_file: Option<PathBuf>,
    /// Networking addresses to listen on.
    #[arg(long, value_name = "MULTIADDR", num_args = 1..)]
    pub listen_addr: Vec<String>,
    /// Peers to connect to.
    #[arg(long, value_name = "MULTIADDR", num_args = 1..)]
    pub bootnodes: Vec<String>,
    /// The p2p port, on every interface (30333 by default; ignored with `--listen-addr`).
    #[arg(long, value_name = "PORT")]
    pub port: Option<u16>,
    /// Addresses to announce to peers besides those observed.
    #[arg(long, value_name = "MULTIADDR", num_args = 1..)]
    pub public_addr: Vec<String>,
    /// Peers kept connected, outside the peer slots (`…/p2p/<peer id>`).
    #[arg(long, value_name = "MULTIADDR", num_args = 1..)]
    pub reserved_nodes: Vec<String>,
    /// Connect to and accept only reserved peers.
    #[arg(long)]
    pub reserved_only: bool,
    /// Inbound peer slots.
    #[arg(long, value_name = "COUNT", default_value_t = 32)]
    pub in_peers: u32,
    /// Outbound peer slots.
    #[arg(long, value_name = "COUNT", default_value_t = 8)]
    pub out_peers: u32,
    /// Do not discover peers with mDNS.
    #[arg(long)]
    pub no_mdns: bool,
    /// Do not send telemetry.
    #[arg(long)]
    pub no_telemetry: bool,
    /// Telemetry endpoints (`URL VERBOSITY`).
    #[arg(long, value_name = "URL VERBOSITY", num_args = 1..)]
    pub telemetry_url: Vec<String>,
    /// Allow a validator to listen on public addresses without further checks.
    #[arg(long)]
    pub insecure_validator_i_know_what_i_do: bool,
    /// The keystore directory (default: `<base>/chains/<id>/keystore`).
    #[arg(long)]
    pub keystore_path: Option<PathBuf>,
    /// When the runtime's off-chain workers run after a new best block.
    #[arg(
        long,
        value_name = "ENABLED",
        value_enum,
        default_value = "when-authority"
    )]
    pub offchain_worker: OffchainWorkerArg,
    /// How long an off-chain worker run may take before it is reported;
    /// new best blocks meanwhile wait, and only the latest runs.
    #[arg(
        long,
        value_name = "MS",
        default_value_t = 2_000,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub offchain_worker_budget_ms: u64,
}

impl RunArgs {
    /// The dev account named by `--alice` … `--ferdie`.
    pub fn dev_key_name(&self) -> Option<&'static str> {
        [
            (self.alice, "Alice"),
            (self.bob, "Bob"),
            (self.charlie, "Charlie"),
            (self.dave, "Dave"),
            (self.eve, "Eve"),
            (self.ferdie, "Ferdie"),
        ]
        .into_iter()
        .find_map(|(set, name)| set.then_some(name))
    }
}

/// `build-spec`.
#[derive(Debug, Clone, Args)]
pub struct BuildSpecArgs {
    /// Chain and data.
    #[command(flatten)]
    pub shared: SharedArgs,
    /// Print the genesis as storage (`genesis.raw.top`).
    #[arg(long)]
    pub raw: bool,
    /// Leave out the default boot node.
    #[arg(long)]
    pub disable_default_bootnode: bool,
}

/// `purge-chain`.
#[derive(Debug, Clone, Args)]
pub struct PurgeArgs {
    /// Chain and data.
    #[command(flatten)]
    pub shared: SharedArgs,
    /// Do not ask for confirmation.
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// `export-blocks`.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// Chain and data.
    #[command(flatten)]
    pub shared: SharedArgs,
    /// The file (stdout if absent).
    pub output: Option<PathBuf>,
    /// The first block.
    #[arg(long, default_value_t = 1)]
    pub from: u32,
    /// The last block (the best if absent).
    #[arg(long)]
    pub to: Option<u32>,
    /// Write JSON instead of SCALE.
    #[arg(long)]
    pub json: bool,
    /// `archive` or N (default: the database's own mode).
    #[arg(long, value_name = "MODE")]
    pub state_pruning: Option<String>,
}

/// `import-blocks`.
#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// Chain and data.
    #[command(flatten)]
    pub shared: SharedArgs,
    /// The file (stdin if absent).
    pub input: Option<PathBuf>,
    /// The input is JSON.
    #[arg(long)]
    pub json: bool,
    /// `archive` or N (default: the database's own mode, 256 for a new database).
    #[arg(long, value_name = "MODE")]
    pub state_pruning: Option<String>,
}

/// `key`.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Generates a random phrase and prints its keys.
    Generate(KeyOutput),
    /// Prints the keys of a secret URI (phrase, seed or `//Dev` path) or of
    /// an SS58 address.
    Inspect(InspectArgs),
    /// Inserts a key into the keystore of a node.
    Insert(InsertArgs),
    /// Generates a random node key, writes it to a file or stdout, and
    /// writes its peer id to stderr.
    GenerateNodeKey(GenerateNodeKeyArgs),
    /// Reads a node key from a file or stdin and prints its peer id.
    InspectNodeKey(InspectNodeKeyArgs),
}

/// `key insert`.
#[derive(Debug, Clone, Args)]
pub struct InsertArgs {
    /// The secret URI (a phrase, a seed or a `//Dev` path), or the path of
    /// a file holding it.
    #[arg(long)]
    pub suri: Option<String>,
    /// The key type: four characters, such as `babe` (the sr25519 slot
    /// key) or `gran` (the ed25519 finality key).
    #[arg(long)]
    pub key_type: String,
    /// `sr25519` or `ed25519`.
    #[arg(long, default_value = "sr25519", value_parser = parse_scheme)]
    pub scheme: KeyScheme,
    /// Chain and data.
    #[command(flatten)]
    pub shared: SharedArgs,
    /// The keystore directory (default: `<base>/chains/<id>/keystore`).
    #[arg(long)]
    pub keystore_path: Option<PathBuf>,
}

/// `--scheme`, in any case.
fn parse_scheme(text: &str) -> Result<KeyScheme, String> {
    text.parse()
        .map_err(|e: entroos_primitives::Error| e.to_string())
}

/// `key generate-node-key`.
#[derive(Debug, Clone, Args)]
pub struct GenerateNodeKeyArgs {
    /// The file to write the secret key to (replaced if it exists); without
    /// it, and without a base path, the key goes to stdout.
    #[arg(long, conflicts_with_all = ["base_path", "default_base_path", "chain"])]
    pub file: Option<PathBuf>,
    /// Write the 32 raw bytes instead of hex.
    #[arg(long)]
    pub bin: bool,
    /// The chain whose network directory the key goes to with a base path.
    #[arg(long, value_name = "CHAIN_SPEC")]
    pub chain: Option<String>,
    /// Write the key to `<PATH>/chains/<id>/network/secret_ed25519`, which
    /// must not exist yet.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["file", "default_base_path"])]
    pub base_path: Option<PathBuf>,
    /// Like `--base-path` with the default base path.
    #[arg(long, conflicts_with_all = ["base_path", "file"])]
    pub default_base_path: bool,
}

/// `key inspect-node-key`.
#[derive(Debug, Clone, Args)]
pub struct InspectNodeKeyArgs {
    /// The file to read the secret key from (stdin if absent).
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// The key is 32 raw bytes, not hex.
    #[arg(long)]
    pub bin: bool,
}

/// How keys are printed.
#[derive(Debug, Clone, Args)]
pub struct KeyOutput {
    /// `sr25519` or `ed25519`.
    #[arg(long, default_value = "sr25519")]
    pub scheme: String,
    /// `text` or `json`.
    #[arg(long, default_value = "text")]
    pub output_type: String,
    /// Words in the generated phrase (12, 15, 18, 21 or 24).
    #[arg(long, short = 'w', default_value_t = 12)]
    pub words: usize,
    /// The SS58 network: a prefix 0..=16383 other than the reserved 46 and 47,
    /// or polkadot, kusama, substrate (default: substrate, or an address's own).
    #[arg(long, value_parser = crate::keys::parse_network)]
    pub network: Option<u16>,
}

/// `key inspect`.
#[derive(Debug, Clone, Args)]
pub struct InspectArgs {
    /// The secret URI, or an SS58 address.
    pub uri: String,
    /// Output options.
    #[command(flatten)]
    pub output: KeyOutput,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directives(args: &[&str]) -> String {
        let cli = Cli::try_parse_from([&["entroos-node"], args].concat()).expect("valid flags");
        cli.run.shared.log_directives()
    }

    #[test]
    fn offchain_worker_flags_default_to_authorities_and_two_seconds() {
        let run = |args: &[&str]| Cli::try_parse_from([&["entroos-node"], args].concat());
        let default = run(&[]).expect("valid flags").run;
        assert_eq!(default.offchain_worker, OffchainWorkerArg::WhenAuthority);
        assert_eq!(default.offchain_worker_budget_ms, 2_000);
        let set = run(&[
            "--offchain-worker",
            "always",
            "--offchain-worker-budget-ms",
            "250",
        ])
        .expect("valid flags")
        .run;
        assert_eq!(set.offchain_worker, OffchainWorkerArg::Always);
        assert_eq!(set.offchain_worker_budget_ms, 250);
        let never = run(&["--offchain-worker", "never"]).expect("valid flags");
        assert_eq!(never.run.offchain_worker, OffchainWorkerArg::Never);
        assert!(run(&["--offchain-worker", "sometimes"]).is_err());
        assert!(run(&["--offchain-worker-budget-ms", "0"]).is_err());
    }

    #[test]
    fn log_colours_only_on_a_terminal_unless_disabled() {
        let shared = |args: &[&str]| {
            Cli::try_parse_from([&["entroos-node"], args].concat())
                .expect("valid flags")
                .run
                .shared
        };
        assert!(shared(&[]).log_color(true));
        assert!(!shared(&[]).log_color(false));
        assert!(!shared(&["--disable-log-color"]).log_color(true));
        assert!(!shared(&["--disable-log-color"]).log_color(false));
    }

    #[test]
    fn noisy_targets_are_quiet_unless_named() {
        assert_eq!(directives(&[]), "info,yamux=error");
        assert_eq!(
            directives(&["-l", "debug,sync=trace"]),
            "debug,sync=trace,yamux=error"
        );
        assert_eq!(
            directives(&["--log", "info,yamux::connection=debug"]),
            "info,yamux::connection=debug"
        );
    }
}
