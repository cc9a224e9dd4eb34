//! Protocol names, derived from the genesis hash as Substrate derives them,
//! so that nodes of different chains never speak on the same substream.

use entroos_primitives::H256;
use std::fmt;

/// The name of a notification or request-response protocol.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProtocolName(String);

impl ProtocolName {
    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProtocolName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The protocols of one chain: `/{genesis}[/{fork_id}]/{name}/{version}`,
/// the genesis hash in lower-case hex without `0x`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolNames {
    prefix: String,
    /// Block announcements, opened with a [`crate::Status`] handshake.
    pub block_announces: ProtocolName,
    /// Block requests and responses.
    pub sync: ProtocolName,
    /// Transaction gossip.
    pub transactions: ProtocolName,
}

impl ProtocolNames {
    /// The names for the chain with this genesis (and optional fork id).
    pub fn new(genesis: &H256, fork_id: Option<&str>) -> Self {
        let hash = hex::encode(genesis.as_bytes());
        let prefix = match fork_id {
            Some(fork) => format!("/{hash}/{fork}"),
            None => format!("/{hash}"),
        };
        ProtocolNames {
            block_announces: ProtocolName(format!("{prefix}/block-announces/1")),
            sync: ProtocolName(format!("{prefix}/sync/2")),
            transactions: ProtocolName(format!("{prefix}/transactions/1")),
            prefix,
        }
    }

    /// Another notification protocol of this chain (consensus or finality
    /// messages), e.g. `notification("grandpa", 1)`.
    pub fn notification(&self, name: &str, version: u32) -> ProtocolName {
        ProtocolName(format!("{}/{name}/{version}", self.prefix))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_substrate() {
        let genesis = H256([0xab; 32]);
        let hex = "ab".repeat(32);
        let names = ProtocolNames::new(&genesis, None);
        assert_eq!(
            names.block_announces.as_str(),
            format!("/{hex}/block-announces/1")
        );
        assert_eq!(names.sync.as_str(), format!("/{hex}/sync/2"));
        assert_eq!(
            names.transactions.as_str(),
            format!("/{hex}/transactions/1")
        );
        assert_eq!(
            names.notification("grandpa", 1).as_str(),
            format!("/{hex}/grandpa/1")
        );
        let forked = ProtocolNames::new(&genesis, Some("x1"));
        assert_eq!(forked.sync.to_string(), format!("/{hex}/x1/sync/2"));
    }
}
