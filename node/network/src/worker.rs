//! The network worker: one task that owns the swarm, interprets the
//! handles' commands and the substream tasks' reports, and spawns a task
//! per notification session and per inbound request.

mod peers;
mod swarm_events;

use crate::addr::{parse_addrs, parse_peer_addrs};
use crate::behaviour::{Behaviour, Settings};
use crate::config::NetworkConfig;
use crate::discovery::{RandomWalk, Redialer};
use crate::error::NetworkError;
use crate::events::{NetworkEvent, NetworkEvents};
use crate::handle::{Command, NetworkHandle};
use crate::identity::PeerId;
use crate::protocols::Protocols;
use crate::state::Shared;
use crate::substreams::OpenError;
use crate::transport;
use futures::StreamExt;
use libp2p::swarm::{self, Swarm};
use libp2p::Multiaddr;
use peers::Peer;
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, Semaphore};
use tokio::time::MissedTickBehavior;

/// How often bans expire, redials and random walks are checked.
const TICK: Duration = Duration::from_millis(250);
/// Reports from substream tasks waiting for the worker.
const REPORT_QUEUE: usize = 1024;

/// What substream tasks tell the worker.
#[derive(Debug)]
pub(crate) enum Report {
    /// A notification session is open.
    SessionOpened {
        peer: libp2p::PeerId,
        index: usize,
        id: u64,
    },
    /// A notification session ended; `opened` if it had been open.
    SessionEnded {
        peer: libp2p::PeerId,
        index: usize,
        id: u64,
        opened: bool,
    },
    /// The peer sent more than a limit allows.
    Misbehaved { peer: libp2p::PeerId },
}

/// Runs the swarm; see the crate docs.
pub struct NetworkWorker {
    swarm: Swarm<Behaviour>,
    shared: Arc<Shared>,
    events: mpsc::Sender<NetworkEvent>,
    commands: mpsc::Receiver<Command>,
    reports_tx: mpsc::Sender<Report>,
    reports: mpsc::Receiver<Report>,
    peers: HashMap<libp2p::PeerId, Peer>,
    request_permits: Vec<Arc<Semaphore>>,
    redialer: Redialer,
    random_walk: RandomWalk,
    public_addresses: Vec<Multiaddr>,
    reserved_only: bool,
    misbehaviour_ban: Duration,
    next_session: u64,
}

impl NetworkWorker {
    /// Builds the swarm, starts listening and schedules the boot and
    /// reserved peers. Must be called within a tokio runtime; then run
    /// [`NetworkWorker::run`] on it.
    pub fn new(
        config: NetworkConfig,
    ) -> Result<(Self, NetworkHandle, NetworkEvents), NetworkError> {
        let protocols = Protocols::new(&config)?;
        let keypair = config.node_key.keypair();
        let shared = Arc::new(Shared::new(config.node_key.peer_id(), protocols));
        let behaviour = Behaviour::new(Settings {
            keypair: &keypair,
            protocols: &shared.protocols,
            agent_version: config.agent_version.clone(),
            reserved_only: config.reserved_only,
            in_peers: config.in_peers,
            out_peers: config.out_peers,
            enable_mdns: config.enable_mdns,
            refused: shared.refused.clone(),
        })?;
        let swarm_config =
            swarm::Config::with_tokio_executor().with_idle_connection_timeout(config.idle_timeout);
        let transport = transport::build(&keypair, shared.bytes.clone())?;
        let swarm = Swarm::new(
            transport,
            behaviour,
            keypair.public().to_peer_id(),
            swarm_config,
        );
        let (events_tx, events) = mpsc::channel(config.event_queue.max(1));
        let (commands_tx, commands) = mpsc::channel(config.command_queue.max(1));
        let (reports_tx, reports) = mpsc::channel(REPORT_QUEUE);
        let request_permits = shared
            .protocols
            .requests
            .iter()
            .map(|p| Arc::new(Semaphore::new(p.config.max_concurrent_inbound)))
            .collect();
        let mut worker = Self {
            swarm,
            shared: shared.clone(),
            events: events_tx,
            commands,
            reports_tx,
            reports,
            peers: HashMap::new(),
            request_permits,
            redialer: Redialer::default(),
            random_walk: RandomWalk::new(Instant::now()),
            public_addresses: parse_addrs(&config.public_addresses)?,
            reserved_only: config.reserved_only,
            misbehaviour_ban: config.misbehaviour_ban,
            next_session: 0,
        };
        worker.start(&config)?;
        Ok((
            worker,
            NetworkHandle::new(shared, commands_tx),
            NetworkEvents::new(events),
        ))
    }

    fn start(&mut self, config: &NetworkConfig) -> Result<(), NetworkError> {
        for addr in parse_addrs(&config.listen_addresses)? {
            self.swarm
                .listen_on(addr.clone())
                .map_err(|e| NetworkError::Listen {
                    addr: addr.to_string(),
                    reason: e.to_string(),
                })?;
        }
        for addr in self.public_addresses.clone() {
            self.swarm.add_external_address(addr);
        }
        self.publish_external();
        let now = Instant::now();
        let local = *self.swarm.local_peer_id();
        for (peer, addr) in parse_peer_addrs(&config.boot_nodes)?
            .into_iter()
            .filter(|(p, _)| *p != local)
        {
            self.swarm
                .behaviour_mut()
                .kad
                .add_address(&peer, addr.clone());
            self.swarm.add_peer_address(peer, addr.clone());
            self.redialer.add_boot(peer, addr, now);
        }
        for (peer, addr) in parse_peer_addrs(&config.reserved_nodes)?
            .into_iter()
            .filter(|(p, _)| *p != local)
        {
            self.add_reserved(peer, addr, now);
        }
        Ok(())
    }

    /// Runs until every [`NetworkHandle`] is dropped.
    pub async fn run(mut self) {
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                event = self.swarm.select_next_some() => self.on_swarm_event(event),
                command = self.commands.recv() => match command {
                    Some(command) => self.on_command(command),
                    None => return,
                },
                Some(report) = self.reports.recv() => self.on_report(report),
                _ = tick.tick() => self.on_tick(Instant::now()),
            }
        }
    }

    fn on_command(&mut self, command: Command) {
        match command {
            Command::OpenRequest { peer, index, reply } => {
                let wire = self
                    .shared
                    .protocols
                    .requests
                    .get(index)
                    .map(|p| p.wire.clone());
                match wire {
                    Some(wire) if self.swarm.is_connected(&peer.libp2p()) => {
                        self.swarm
                            .behaviour_mut()
                            .substreams
                            .open_with(peer.libp2p(), wire, reply);
                    }
                    _ => {
                        let _ = reply.send(Err(OpenError::NotConnected));
                    }
                }
            }
            Command::Disconnect(peer) => {
                let _ = self.swarm.disconnect_peer_id(peer.libp2p());
            }
            Command::Ban(peer, duration) => self.ban(peer.libp2p(), duration),
            Command::Misbehaved(peer) => self.on_report(Report::Misbehaved {
                peer: peer.libp2p(),
            }),
            Command::AddReserved(peer, addr) => {
                self.add_reserved(peer.libp2p(), addr, Instant::now())
            }
            Command::RemoveReserved(peer) => self.remove_reserved(peer),
        }
    }

    fn add_reserved(&mut self, peer: libp2p::PeerId, addr: Multiaddr, now: Instant) {
        self.swarm.behaviour_mut().policy.add_reserved(peer);
        self.swarm.add_peer_address(peer, addr.clone());
        self.redialer.add_reserved(peer, addr, now);
        self.publish_peers();
    }

    fn remove_reserved(&mut self, peer: PeerId) {
        let peer = peer.libp2p();
        self.swarm.behaviour_mut().policy.remove_reserved(&peer);
        self.redialer.remove_reserved(&peer);
        if self.reserved_only {
            let _ = self.swarm.disconnect_peer_id(peer);
        }
        self.publish_peers();
    }

    fn ban(&mut self, peer: libp2p::PeerId, duration: Duration) {
        self.swarm
            .behaviour_mut()
            .policy
            .ban(peer, Instant::now() + duration);
        let _ = self.swarm.disconnect_peer_id(peer);
    }

    fn on_report(&mut self, report: Report) {
        match report {
            Report::SessionOpened { peer, index, id } => self.session_opened(peer, index, id),
            Report::SessionEnded {
                peer,
                index,
                id,
                opened,
            } => self.session_ended(peer, index, id, opened),
            Report::Misbehaved { peer } => {
                tracing::debug!(%peer, "peer broke a protocol limit, banned");
                self.shared.misbehaving.fetch_add(1, Ordering::Relaxed);
                self.ban(peer, self.misbehaviour_ban);
            }
        }
    }

    fn on_tick(&mut self, now: Instant) {
        self.swarm.behaviour_mut().policy.expire_bans(now);
        for (peer, addrs) in self.redialer.due(now) {
            if self.swarm.is_connected(&peer) {
                self.redialer.connected(&peer);
            } else if !self.dial(peer, addrs) {
                self.redialer.failed(&peer, now);
            }
        }
        if self.random_walk.take_due(now) {
            self.swarm
                .behaviour_mut()
                .kad
                .get_closest_peers(libp2p::PeerId::random());
        }
    }
}
