//! The local chain's four validators (Alice, Bob, Charlie, Dave) as
//! `entroos-node` processes networked over `/ws` on 127.0.0.1, without
//! mDNS: Alice starts first and is every other node's boot node. The
//! network is ready once every node knows the other three and Alice has
//! finalized a block past genesis. Each node is killed when dropped.

use super::{finalized_number, free_port, http, wait_until, Error, NodeProcess};
use serde_json::json;
use std::path::Path;
use std::time::Instant;

/// The validators of the local chain, by their `--<name>` flags.
pub const NAMES: [&str; 4] = ["alice", "bob", "charlie", "dave"];

/// The four validators, Alice first.
pub struct LocalNetwork {
    pub nodes: Vec<NodeProcess>,
}

impl LocalNetwork {
    /// Starts the validators of `spec`, each on a base path under `dir`
    /// and with `extra` arguments besides its own.
    pub fn start(bin: &str, spec: &Path, dir: &Path, extra: &[String]) -> Result<Self, Error> {
        let mut nodes: Vec<NodeProcess> = Vec::new();
        let mut bootnode: Option<String> = None;
        for name in NAMES {
            let address = format!("/ip4/127.0.0.1/tcp/{}/ws", free_port()?);
            let mut args = vec![
                "--chain".to_string(),
                text(spec)?,
                "--base-path".into(),
                text(&dir.join(name))?,
                format!("--{name}"),
                "--listen-addr".into(),
                address.clone(),
                "--no-mdns".into(),
            ];
            if let Some(bootnode) = &bootnode {
                args.extend(["--bootnodes".into(), bootnode.clone()]);
            }
            args.extend(extra.iter().cloned());
            let node = NodeProcess::start(bin, &args)?;
            if bootnode.is_none() {
                let peer_id = http(node.rpc_port, "system_localPeerId", json!([]))?;
                let peer_id = peer_id.as_str().ok_or("no peer id")?;
                bootnode = Some(format!("{address}/p2p/{peer_id}"));
            }
            nodes.push(node);
        }
        Ok(LocalNetwork { nodes })
    }

    /// Waits until every node has the other three as peers and Alice has
    /// finalized past genesis.
    pub fn wait_ready(&self, deadline: Instant) -> Result<(), Error> {
        wait_until("every validator to know the other three", deadline, || {
            for node in &self.nodes {
                let health = http(node.rpc_port, "system_health", json!([]))?;
                if health["peers"].as_u64() < Some(3) {
                    return Ok(false);
                }
            }
            Ok(true)
        })?;
        let alice = self.nodes.first().ok_or("no validators")?;
        wait_until("the validators to finalize a block", deadline, || {
            Ok(finalized_number(alice.rpc_port)? >= 1)
        })
    }
}

fn text(path: &Path) -> Result<String, Error> {
    Ok(path.to_str().ok_or("a UTF-8 temporary path")?.to_string())
}
