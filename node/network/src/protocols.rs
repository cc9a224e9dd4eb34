//! The protocol table: user names, wire names (`/<genesis hex>/<name>`)
//! and limits.

use crate::config::{NetworkConfig, NotificationProtocol, RequestProtocol};
use crate::error::NetworkError;
use libp2p::StreamProtocol;
use std::collections::HashMap;
use std::sync::Arc;

/// Which protocol a wire name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Index into [`Protocols::notifications`].
    Notification(usize),
    /// Index into [`Protocols::requests`].
    Request(usize),
}

/// A notification protocol with its wire name.
#[derive(Debug)]
pub(crate) struct Notification {
    pub(crate) name: Arc<str>,
    pub(crate) wire: StreamProtocol,
    pub(crate) config: NotificationProtocol,
}

/// A request-response protocol with its wire name.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) name: Arc<str>,
    pub(crate) wire: StreamProtocol,
    pub(crate) config: RequestProtocol,
}

/// Every protocol of the node, fixed at start.
#[derive(Debug)]
pub(crate) struct Protocols {
    pub(crate) notifications: Vec<Notification>,
    pub(crate) requests: Vec<Request>,
    pub(crate) kad: StreamProtocol,
    by_wire: HashMap<StreamProtocol, Kind>,
    by_name: HashMap<Arc<str>, Kind>,
}

impl Protocols {
    pub(crate) fn new(config: &NetworkConfig) -> Result<Self, NetworkError> {
        let prefix = format!("/{}", hex::encode(config.genesis_hash));
        let wire = |name: &str| wire_name(&prefix, name);
        let mut table = Self {
            notifications: Vec::new(),
            requests: Vec::new(),
            kad: wire("kad")?,
            by_wire: HashMap::new(),
            by_name: HashMap::new(),
        };
        for proto in &config.notification_protocols {
            let kind = Kind::Notification(table.notifications.len());
            let entry = Notification {
                name: proto.name.as_str().into(),
                wire: wire(&proto.name)?,
                config: proto.clone(),
            };
            table.index(&entry.name, &entry.wire, kind)?;
            table.notifications.push(entry);
        }
        for proto in &config.request_protocols {
            let kind = Kind::Request(table.requests.len());
            let entry = Request {
                name: proto.name.as_str().into(),
                wire: wire(&proto.name)?,
                config: proto.clone(),
            };
            table.index(&entry.name, &entry.wire, kind)?;
            table.requests.push(entry);
        }
        Ok(table)
    }

    fn index(
        &mut self,
        name: &Arc<str>,
        wire: &StreamProtocol,
        kind: Kind,
    ) -> Result<(), NetworkError> {
        if &**name == "kad" || self.by_name.insert(name.clone(), kind).is_some() {
            return Err(NetworkError::InvalidProtocolName(name.to_string()));
        }
        self.by_wire.insert(wire.clone(), kind);
        Ok(())
    }

    /// The protocol a negotiated wire name is.
    pub(crate) fn by_wire(&self, wire: &StreamProtocol) -> Option<Kind> {
        self.by_wire.get(wire).copied()
    }

    /// The protocol a user name is.
    pub(crate) fn by_name(&self, name: &str) -> Option<Kind> {
        self.by_name.get(name).copied()
    }

    /// Every wire name a peer may open a substream for.
    pub(crate) fn inbound(&self) -> Vec<StreamProtocol> {
        let notifications = self.notifications.iter().map(|p| p.wire.clone());
        notifications
            .chain(self.requests.iter().map(|p| p.wire.clone()))
            .collect()
    }
}

fn wire_name(prefix: &str, name: &str) -> Result<StreamProtocol, NetworkError> {
    let valid =
        !name.is_empty() && !name.starts_with('/') && name.chars().all(|c| c.is_ascii_graphic());
    if !valid {
        return Err(NetworkError::InvalidProtocolName(name.to_string()));
    }
    StreamProtocol::try_from_owned(format!("{prefix}/{name}"))
        .map_err(|_| NetworkError::InvalidProtocolName(name.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::NodeKey;

    #[test]
    fn names_carry_the_genesis_hash() {
        let mut config = NetworkConfig::new(NodeKey::generate(), [0xab; 32]);
        config
            .notification_protocols
            .push(NotificationProtocol::new("block-announces/1", 1024));
        config
            .request_protocols
            .push(RequestProtocol::new("sync/2", 1024, 1024));
        let table = Protocols::new(&config).expect("valid names");
        let genesis = "ab".repeat(32);
        assert_eq!(table.kad.as_ref(), format!("/{genesis}/kad"));
        assert_eq!(
            table.notifications[0].wire.as_ref(),
            format!("/{genesis}/block-announces/1")
        );
        assert_eq!(table.by_name("sync/2"), Some(Kind::Request(0)));
        assert_eq!(
            table.by_wire(&table.requests[0].wire),
            Some(Kind::Request(0))
        );
    }

    #[test]
    fn bad_or_repeated_names_are_refused() {
        for names in [
            vec!["a", "a"],
            vec![""],
            vec!["/a"],
            vec!["a b"],
            vec!["kad"],
        ] {
            let mut config = NetworkConfig::new(NodeKey::generate(), [0; 32]);
            config.notification_protocols = names
                .iter()
                .map(|n| NotificationProtocol::new(*n, 1))
                .collect();
            assert!(Protocols::new(&config).is_err(), "{names:?}");
        }
    }
}
