//! The two honest nodes under attack: an authority (`--dev`, Alice) and a
//! full node that boots from it over `/ws` and also listens on plain TCP;
//! what the full node shows of itself (RPC, metrics, its log).

use crate::harness::Target;
use crate::support::{self, wait_for, Node};
use crate::WAIT;
use entroos_network::PeerId;
use serde_json::json;

/// The reputation reasons, as the node logs a report (`<peer>: <reason> (<change>)`).
const REASONS: [&str; 8] = [
    "GenesisMismatch",
    "BadBlock",
    "BadMessage",
    "BadResponse",
    "Timeout",
    "Flood",
    "UselessResponse",
    "UnconnectedBlocks",
];
/// The refused-connections counter.
const REFUSED: &str = "substrate_sub_libp2p_refused_connections_total";
/// The counter of peers banned for breaking a size limit.
const MISBEHAVING: &str = "substrate_sub_libp2p_misbehaving_peers_total";

/// The authority and the full node that follows it.
pub struct Pair {
    /// The authority: Alice authors every slot.
    pub authority: Node,
    /// The full node the harnesses attack.
    pub full: Node,
    /// The full node, as harnesses dial it.
    pub target: Target,
    /// The full node's plain TCP p2p port (it also listens on `/ws`).
    pub full_tcp_port: u16,
    /// The full node's WebSocket p2p port.
    pub full_ws_port: u16,
    _dirs: [tempfile::TempDir; 2],
}

impl Pair {
    pub fn start() -> Pair {
        let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
        let authority_listen = format!("/ip4/127.0.0.1/tcp/{}/ws", support::free_port());
        let authority = Node::start_on(
            dirs[0].path(),
            &["--dev", "--no-mdns"],
            &["--listen-addr", &authority_listen],
        );
        let bootnode = format!("{authority_listen}/p2p/{}", peer_id_of(&authority));
        let (full_ws_port, full_tcp_port) = (support::free_port(), support::free_port());
        let full_ws = format!("/ip4/127.0.0.1/tcp/{full_ws_port}/ws");
        let full_tcp = format!("/ip4/127.0.0.1/tcp/{full_tcp_port}");
        let full = Node::start_on(
            dirs[1].path(),
            &["--chain", "dev", "--no-mdns"],
            &[
                "--log",
                "info,sync=debug,entroos_network::worker=debug,entroos_network::policy=debug",
                "--bootnodes",
                &bootnode,
                "--listen-addr",
                &full_ws,
                &full_tcp,
            ],
        );
        let peer = peer_id_of(&full);
        let target = Target {
            addr: format!("{full_ws}/p2p/{peer}"),
            peer,
            genesis: full.genesis(),
        };
        let pair = Pair {
            authority,
            full,
            target,
            full_tcp_port,
            full_ws_port,
            _dirs: dirs,
        };
        pair.wait_following();
        pair
    }

    /// Waits until the full node has the authority's current best block.
    pub fn wait_following(&self) {
        let (number, hash) = self.authority.best();
        wait_for(&format!("the full node at #{number}"), WAIT, || {
            let theirs = self
                .full
                .try_rpc("chain_getBlockHash", json!([number]))
                .ok()?;
            (theirs["result"] == json!(format!("{hash}"))).then_some(())
        });
    }

    /// Waits until both nodes have finalized the same block at the
    /// authority's current finalized height.
    pub fn wait_finalized_agree(&self) {
        let (number, hash) = self.authority.finalized();
        wait_for(&format!("agreement on finalized #{number}"), WAIT, || {
            let theirs = self
                .full
                .try_rpc("chain_getBlockHash", json!([number]))
                .ok()?;
            let finalized = self.full.finalized().0;
            (theirs["result"] == json!(format!("{hash}")) && finalized >= number).then_some(())
        });
    }

    pub fn refused(&self) -> f64 {
        support::http::metric(self.full.metrics_port, REFUSED).expect("the refused counter")
    }

    pub fn misbehaving(&self) -> f64 {
        support::http::metric(self.full.metrics_port, MISBEHAVING).expect("the misbehaving counter")
    }

    pub fn lists(&self, peer: &PeerId) -> bool {
        let peers = self.full.rpc("system_peers", json!([]));
        let id = peer.to_base58();
        peers
            .as_array()
            .expect("peers")
            .iter()
            .any(|p| p["peerId"] == id)
    }

    /// The full node's log (plain text: the node colours only a terminal).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.full.base.join("node.log")).unwrap_or_default()
    }

    /// The full node never reported the authority: no honest peer paid
    /// for the attackers.
    pub fn assert_authority_unblamed(&self) {
        let authority = peer_id_of(&self.authority).to_base58();
        let log = self.log();
        let blamed: Vec<&str> = log
            .lines()
            .filter(|l| {
                REASONS
                    .iter()
                    .any(|r| l.contains(&format!("{authority}: {r} (")))
            })
            .collect();
        assert!(
            blamed.is_empty(),
            "the authority was blamed:\n{}",
            blamed.join("\n")
        );
        assert!(!log.contains(&format!("banning {authority}")));
    }

    /// Where the full node's log ends now.
    pub fn log_mark(&self) -> usize {
        self.log().len()
    }

    /// No peer made the full node warn or fail since `mark`.
    pub fn assert_log_clean_since(&self, mark: usize) {
        let log = self.log();
        let alarms: Vec<&str> = log
            .get(mark..)
            .unwrap_or_default()
            .lines()
            .filter(|l| {
                l.split_whitespace()
                    .nth(1)
                    .is_some_and(|level| level == "WARN" || level == "ERROR")
            })
            .collect();
        assert!(
            alarms.is_empty(),
            "the full node warned:\n{}",
            alarms.join("\n")
        );
    }
}

pub fn peer_id_of(node: &Node) -> PeerId {
    let id = node.rpc("system_localPeerId", json!([]));
    id.as_str().expect("peer id").parse().expect("a peer id")
}
