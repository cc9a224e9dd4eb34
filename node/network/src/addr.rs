//! Parsing the multiaddrs of the configuration and the command line.

use crate::error::NetworkError;
use libp2p::multiaddr::Protocol;
use libp2p::{Multiaddr, PeerId};

/// Every address in the entries; an entry may hold several separated by
/// whitespace.
pub(crate) fn parse_addrs(entries: &[String]) -> Result<Vec<Multiaddr>, NetworkError> {
    entries
        .iter()
        .flat_map(|e| e.split_whitespace())
        .map(parse_addr)
        .collect()
}

/// Every peer address in the entries (each with `/p2p/<peer id>`).
pub(crate) fn parse_peer_addrs(
    entries: &[String],
) -> Result<Vec<(PeerId, Multiaddr)>, NetworkError> {
    entries
        .iter()
        .flat_map(|e| e.split_whitespace())
        .map(parse_peer_addr)
        .collect()
}

/// One address.
pub(crate) fn parse_addr(addr: &str) -> Result<Multiaddr, NetworkError> {
    addr.parse::<Multiaddr>()
        .map_err(|e| NetworkError::InvalidMultiaddr {
            addr: addr.to_string(),
            reason: e.to_string(),
        })
}

/// A peer address: the peer id of its `/p2p/` suffix, and the address
/// without it.
pub(crate) fn parse_peer_addr(addr: &str) -> Result<(PeerId, Multiaddr), NetworkError> {
    let mut multiaddr = parse_addr(addr)?;
    match multiaddr.pop() {
        Some(Protocol::P2p(peer)) => Ok((peer, multiaddr)),
        _ => Err(NetworkError::MissingPeerId(addr.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE: &str = "12D3KooWQCkBm1BYtkHpocxCwMgR8yjitEeHGx8spzcDLGt2gkBm";

    #[test]
    fn zombienet_boot_node_parses() {
        let (peer, addr) =
            parse_peer_addr(&format!("/ip4/127.0.0.1/tcp/30333/ws/p2p/{ALICE}")).expect("valid");
        assert_eq!(peer.to_base58(), ALICE);
        assert_eq!(addr.to_string(), "/ip4/127.0.0.1/tcp/30333/ws");
    }

    #[test]
    fn whitespace_separated_entries_split() {
        let entry = format!("/ip4/127.0.0.1/tcp/1/p2p/{ALICE} /ip4/127.0.0.1/tcp/2/ws/p2p/{ALICE}");
        assert_eq!(parse_peer_addrs(&[entry]).expect("valid").len(), 2);
    }

    #[test]
    fn missing_peer_id_and_garbage_are_refused() {
        assert!(matches!(
            parse_peer_addr("/ip4/127.0.0.1/tcp/1"),
            Err(NetworkError::MissingPeerId(_))
        ));
        assert!(matches!(
            parse_addr("not an address"),
            Err(NetworkError::InvalidMultiaddr { .. })
        ));
    }
}
