//! The finality task's loop: inputs in batches, the machine applied to
//! each, its effects performed in order, timers fired when due.

use super::chain::{ClientChain, NotedChain};
use super::hand_over::HandOverAsks;
use super::sets::{voters_at, SetChanges};
use super::status::round_state;
use super::timers::Timers;
use super::{store, FinalityLink, FinalityTaskError, FromFinality, ToFinality};
use crate::finality_status::FinalityStatus;
use crate::network::gossip::KnownSet;
use codec::Encode;
use entroos_client::Client;
use entroos_client_api::{Finalizer, Spawner};
use entroos_finality::{
    BlockId, Ed25519, Effect, FinalityConfig, FinalityError, FinalityVoter, Input, Justification,
    Message, VoterParams, VoterSet,
};
use entroos_keystore::Keystore;
use entroos_network::PeerId;
use entroos_network_api::ReputationChange;
use entroos_primitives::crypto::ed25519;
use entroos_primitives::crypto::key_types::known::GRANDPA;
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::H256;
use entroos_txpool::TxPool;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc as async_mpsc;

/// The longest the task waits for an input, so that a stop is seen.
const MAX_WAIT: Duration = Duration::from_millis(100);
/// Inputs taken in one batch at most.
const MAX_BATCH: usize = 256;
/// How often the task looks for a hand-over to ask peers for (ms).
const CHECK_PERIOD: u64 = 500;

/// What the task is built from.
pub struct FinalityParts {
    /// The chain.
    pub client: Arc<Client>,
    /// The pool (equivocation reports go there).
    pub pool: Arc<TxPool>,
    /// The keystore (`gran` keys).
    pub keystore: Arc<Keystore>,
    /// The machine's timers.
    pub config: FinalityConfig,
    /// The task's inputs.
    pub inputs: mpsc::Receiver<ToFinality>,
    /// What the task asks of the network.
    pub network: async_mpsc::Sender<FromFinality>,
    /// The task's own link, which imported blocks are sent through.
    pub link: FinalityLink,
    /// Where the round in progress is published.
    pub status: Arc<FinalityStatus>,
}

/// A running finality task; dropping it stops the thread (the spawner
/// joins it).
pub struct FinalityTask {
    stop: Arc<AtomicBool>,
}

impl Drop for FinalityTask {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// Starts the finality task on a thread of its own, and the task that
/// tells it of every imported block.
pub fn start(parts: FinalityParts, spawner: &dyn Spawner) -> FinalityTask {
    forward_imports(&parts.client, parts.link.clone(), spawner);
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    spawner.spawn_blocking("finality", Box::new(move || run(parts, &flag)));
    FinalityTask { stop }
}

/// Sends every imported header to the task; a missed one makes it look
/// at every leaf again.
fn forward_imports(client: &Client, link: FinalityLink, spawner: &dyn Spawner) {
    let mut imported = client.subscribe_imported();
    spawner.spawn(
        "finality-imports",
        Box::pin(async move {
            loop {
                match imported.recv().await {
                    Ok(header) => link.send(ToFinality::Imported(header)),
                    Err(RecvError::Lagged(_)) => link.send(ToFinality::Rescan),
                    Err(RecvError::Closed) => return,
                }
            }
        }),
    );
}

fn run(parts: FinalityParts, stop: &AtomicBool) {
    let (mut worker, inputs) = match Worker::start(parts) {
        Ok(started) => started,
        Err(e) => {
            tracing::error!(target: "finality", "the finality task cannot start: {e}");
            return;
        }
    };
    while !stop.load(Ordering::SeqCst) {
        let wait = worker.wait();
        let mut batch = Vec::new();
        match inputs.recv_timeout(wait) {
            Ok(first) => {
                batch.push(first);
                batch.extend(inputs.try_iter().take(MAX_BATCH));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        worker.handle(batch);
    }
    tracing::debug!(target: "finality", "the finality task stops");
}

struct Worker {
    client: Arc<Client>,
    pool: Arc<TxPool>,
    keystore: Arc<Keystore>,
    config: FinalityConfig,
    network: async_mpsc::Sender<FromFinality>,
    status: Arc<FinalityStatus>,
    voter: FinalityVoter,
    signer: Option<[u8; 32]>,
    sets: SetChanges,
    timers: Timers,
    relayed: KnownSet,
    pending: Vec<Effect>,
    broken: bool,
    /// Set by the link when an import notification was dropped.
    missed_imports: Arc<AtomicBool>,
    asks: HandOverAsks,
    next_check: u64,
}

impl Worker {
    /// The worker and its input queue. The task keeps no sender of its
    /// own queue (it would never see it close), only the link's flag of
    /// dropped import notifications.
    fn start(
        parts: FinalityParts,
    ) -> Result<(Self, mpsc::Receiver<ToFinality>), FinalityTaskError> {
        let FinalityParts {
            client,
            pool,
            keystore,
            config,
            inputs,
            network,
            link,
            status,
        } = parts;
        let (voter, effects, signer) = build_machine(&client, &keystore, &config)?;
        let mut worker = Worker {
            client,
            pool,
            keystore,
            config,
            network,
            status,
            voter,
            signer,
            sets: SetChanges::default(),
            timers: Timers::default(),
            relayed: KnownSet::default(),
            pending: effects,
            broken: false,
            missed_imports: link.missed_imports,
            asks: HandOverAsks::default(),
            next_check: 0,
        };
        worker.take_over();
        worker.publish();
        Ok((worker, inputs))
    }

    /// After a machine is built: its set changes found again, the chain
    /// as it stands given to it, and its start-up effects performed.
    fn take_over(&mut self) {
        self.log_start();
        self.rescan();
        self.apply(Input::BlockImported, None);
        self.perform_pending();
    }

    fn log_start(&self) {
        let set = self.voter.set();
        let finalized = self.voter.finalized();
        match self.signer {
            Some(key) => {
                tracing::info!(target: "finality", "Voting in set {} ({} voters) as {}, round {}, from #{}", set.set_id(), set.len(), H256(key), self.voter.round(), finalized.number)
            }
            None => {
                tracing::info!(target: "finality", "Following set {} ({} voters) without a key of it, from #{}", set.set_id(), set.len(), finalized.number)
            }
        }
    }

    fn now(&self) -> u64 {
        self.client.clock().now_millis()
    }

    /// How long to wait for an input: until the next timer, at most
    /// [`MAX_WAIT`].
    fn wait(&self) -> Duration {
        let now = self.now();
        self.timers
            .next_at()
            .map_or(MAX_WAIT, |at| Duration::from_millis(at.saturating_sub(now)))
            .min(MAX_WAIT)
    }

    fn handle(&mut self, batch: Vec<ToFinality>) {
        let now = self.now();
        let periodic = now >= self.next_check;
        if periodic {
            self.next_check = now.saturating_add(CHECK_PERIOD);
        }
        let due = self.timers.take_due(now);
        let missed = self.missed_imports.swap(false, Ordering::SeqCst);
        if batch.is_empty() && due.is_empty() && !periodic && !missed {
            return;
        }
        let mut imported = false;
        if missed {
            self.rescan();
            imported = true;
        }
        for input in batch {
            match input {
                ToFinality::Imported(header) => {
                    self.note_changes(&header);
                    imported = true;
                }
                ToFinality::Rescan => {
                    self.rescan();
                    imported = true;
                }
                ToFinality::Message { peer, bytes } => self.on_message(peer, &bytes),
                ToFinality::Justification { peer, bytes } => self.on_justification(peer, &bytes),
            }
        }
        if imported {
            self.apply(Input::BlockImported, None);
        }
        for timeout in due {
            self.apply(timeout, None);
        }
        if periodic {
            self.ask_for_hand_over(now);
        }
        self.perform_pending();
        if self.broken {
            self.rebuild();
        }
        self.publish();
    }

    /// Asks peers for the justification of the lowest pending change on
    /// the best chain, when it is due (see [`super::hand_over`]).
    fn ask_for_hand_over(&mut self, now: u64) {
        let next = match self.next_change_on_best() {
            Ok(next) => next,
            Err(e) => {
                tracing::debug!(target: "finality", "looking for the next set change: {e}");
                return;
            }
        };
        if let Some(block) = self.asks.due(next, now) {
            tracing::debug!(target: "finality", "asking peers for the justification of #{} ({}), which hands set {} over", block.number, block.hash, self.voter.set().set_id());
            self.send(FromFinality::WantJustification(block));
        }
    }

    /// The lowest block on the best chain that enacts a pending change
    /// (looked up by number on the best chain, however far it is).
    fn next_change_on_best(&self) -> Result<Option<BlockId>, FinalityTaskError> {
        for block in self.voter.changes_ahead() {
            if self.client.hash_of(block.number)? == Some(block.hash) {
                return Ok(Some(block));
            }
        }
        Ok(None)
    }

    /// Publishes the round in progress for RPC and metrics.
    fn publish(&self) {
        self.status.set(round_state(&self.voter));
    }

    /// Gives the machine the set changes of `header` and the unchecked
    /// blocks below it.
    fn note_changes(&mut self, header: &entroos_primitives::Header) {
        let finalized = self.voter.finalized();
        match self.sets.find(&self.client, header, finalized) {
            Ok(changes) => {
                for (block, next) in changes {
                    if !self.apply(Input::SetChange { block, next }, None) {
                        // Refused (too many pending): the block and those
                        // above it are unchecked again, so the machine
                        // does not see them and the change is reported
                        // again with the next block.
                        self.sets.forget_from(block.number);
                        break;
                    }
                }
            }
            Err(e) => {
                tracing::debug!(target: "finality", "set changes up to #{} (a branch finality discarded?): {e}", header.number)
            }
        }
    }

    /// Checks every leaf for set changes (at start-up, after missed
    /// notifications and after a rebuild).
    fn rescan(&mut self) {
        let leaves = match self.client.leaves() {
            Ok(leaves) => leaves,
            Err(e) => {
                tracing::warn!(target: "finality", "reading the leaves: {e}");
                return;
            }
        };
        for leaf in leaves {
            if let Ok(Some(header)) = self.client.header(&leaf) {
                self.note_changes(&header);
            }
        }
    }

    fn on_message(&mut self, peer: PeerId, bytes: &[u8]) {
        let message = match Message::decode_bounded(bytes) {
            Ok(message) => message,
            Err(e) => {
                tracing::debug!(target: "finality", "{peer}: bad finality message: {e}");
                self.report(peer, ReputationChange::BAD_MESSAGE);
                return;
            }
        };
        if let Message::Commit(justification) = &message {
            self.note_target(&justification.target);
        }
        let is_vote = matches!(message, Message::Vote(_));
        if self.apply(Input::Message(message), Some(&peer)) && is_vote {
            self.relay(peer, bytes);
        }
    }

    /// Sends a vote the machine accepted to the other peers, once.
    fn relay(&mut self, from: PeerId, bytes: &[u8]) {
        if self.relayed.insert(H256(blake2_256(bytes))) {
            self.send(FromFinality::Send {
                bytes: bytes.to_vec(),
                except: Some(from),
            });
        }
    }

    fn on_justification(&mut self, peer: Option<PeerId>, bytes: &[u8]) {
        let justification = match Justification::from_stored(bytes) {
            Ok(justification) => justification,
            Err(e) => {
                tracing::debug!(target: "finality", "an undecodable justification: {e}");
                if let Some(peer) = peer {
                    self.report(peer, ReputationChange::BAD_MESSAGE);
                }
                return;
            }
        };
        self.note_target(&justification.target);
        self.apply(Input::Justification(justification), peer.as_ref());
    }

    /// Gives the machine the set changes up to a justification's target
    /// before the justification, whether or not the target's import
    /// notification has come yet.
    fn note_target(&mut self, target: &BlockId) {
        if target.number <= self.voter.finalized().number {
            return;
        }
        if let Ok(Some(header)) = self.client.header(&target.hash) {
            self.note_changes(&header);
        }
    }

    /// Applies one input; whether the machine took it.
    fn apply(&mut self, input: Input, from: Option<&PeerId>) -> bool {
        let now = self.now();
        let chain = NotedChain {
            client: &self.client,
            sets: &self.sets,
            finalized: self.voter.finalized().number,
        };
        match self.voter.apply(now, input, &chain) {
            Ok(effects) => {
                self.pending.extend(effects);
                true
            }
            Err(e) if e.is_misbehaviour() => {
                tracing::debug!(target: "finality", "refused: {e}");
                if let Some(peer) = from {
                    self.report(*peer, ReputationChange::BAD_MESSAGE);
                }
                false
            }
            Err(e) if is_refusal(&e) => {
                tracing::trace!(target: "finality", "refused: {e}");
                false
            }
            Err(e) => {
                tracing::warn!(target: "finality", "the finality machine stops: {e}; rebuilding it from the persisted state");
                self.broken = true;
                false
            }
        }
    }

    fn perform_pending(&mut self) {
        let effects = coalesce(std::mem::take(&mut self.pending));
        let mut new_set = false;
        for effect in effects {
            match effect {
                Effect::Persist(state) => {
                    if let Err(e) = store::save(self.client.db(), &state) {
                        tracing::error!(target: "finality", "the voter state cannot be written ({e}); nothing more is sent until it can");
                        self.broken = true;
                        return;
                    }
                }
                Effect::Broadcast(message) => {
                    let bytes = message.encode();
                    if matches!(message, Message::Vote(_)) {
                        self.relayed.insert(H256(blake2_256(&bytes)));
                    }
                    self.send(FromFinality::Send {
                        bytes,
                        except: None,
                    });
                }
                Effect::Finalize {
                    block,
                    justification,
                } => self.finalize(block, &justification),
                Effect::ReportEquivocation(equivocation) => {
                    let offender = H256(equivocation.offender());
                    tracing::warn!(target: "finality", "voter {offender} signed two different votes in round {} of set {}: reporting it", equivocation.first.vote.round, equivocation.first.vote.set_id);
                    let report = entroos_executor::vote_equivocation_report(&equivocation);
                    if let Err(e) = self.pool.submit(report) {
                        tracing::warn!(target: "finality", "the equivocation report of {offender} was not pooled: {e}");
                    }
                }
                Effect::FetchBlock(block) => {
                    tracing::debug!(target: "finality", "votes for #{} ({}), not imported yet, wait for it", block.number, block.hash)
                }
                Effect::ScheduleTimeout {
                    set_id,
                    round,
                    step,
                    at,
                } => self.timers.schedule(at, set_id, round, step),
                Effect::NewSet { set_id, base } => {
                    tracing::info!(target: "finality", "Voter set {set_id} takes over from #{} ({})", base.number, base.hash);
                    new_set = true;
                }
            }
        }
        if new_set && self.signer_changed() {
            self.rebuild();
        }
    }

    fn finalize(&mut self, block: BlockId, justification: &Justification) {
        let stored = justification.to_stored();
        match self.client.finalize(&block.hash, Some(stored)) {
            Ok(()) => {
                tracing::debug!(target: "finality", "finalized #{} ({}) in round {} of set {}", block.number, block.hash, justification.round, justification.set_id);
                self.pool.on_finalized(self.client.heads().finalized.0);
                self.sets.prune(block.number);
                self.note_round(justification);
            }
            Err(e) => {
                tracing::debug!(target: "finality", "#{} ({}) is not finalized again: {e}", block.number, block.hash)
            }
        }
    }

    /// A voter puts the round's precommits in the pool as the finality
    /// duties of the set; the pool keeps one note per round, the runtime
    /// refuses a stale one. A set of one voter has nothing to tell.
    fn note_round(&self, justification: &Justification) {
        if self.signer.is_none() || self.voter.set().len() < 2 {
            return;
        }
        let Some(note) = entroos_executor::round_note(justification) else {
            return;
        };
        if let Err(e) = self.pool.submit(note) {
            tracing::debug!(target: "finality", "round {} of set {} not noted: {e}", justification.round, justification.set_id);
        }
    }

    /// Whether the keystore holds a key of the current set other than the
    /// one the machine signs with.
    fn signer_changed(&self) -> bool {
        let found = signer_for(&self.keystore, self.voter.set()).map(|pair| pair.public());
        found != self.signer
    }

    /// Rebuilds the machine from the persisted state and the chain.
    fn rebuild(&mut self) {
        self.broken = false;
        match build_machine(&self.client, &self.keystore, &self.config) {
            Ok((voter, effects, signer)) => {
                self.voter = voter;
                self.signer = signer;
                self.sets = SetChanges::default();
                self.pending = effects;
                self.take_over();
            }
            Err(e) => {
                tracing::error!(target: "finality", "the finality machine cannot be rebuilt: {e}");
                self.broken = true;
            }
        }
    }

    fn report(&self, peer: PeerId, change: ReputationChange) {
        self.send(FromFinality::Report(peer, change));
    }

    fn send(&self, out: FromFinality) {
        if let Err(e) = self.network.try_send(out) {
            tracing::debug!(target: "finality", "the network is busy or gone: {e}");
        }
    }
}

/// Errors that refuse one input and leave the machine as it was.
fn is_refusal(error: &FinalityError) -> bool {
    matches!(
        error,
        FinalityError::UnknownBlock(_)
            | FinalityError::WrongSet { .. }
            | FinalityError::SetIdGap { .. }
            | FinalityError::TooManyPendingChanges
            | FinalityError::InvalidVoterSet(_)
    )
}

/// A machine, its start-up effects and the public key it signs with.
type Built = (FinalityVoter, Vec<Effect>, Option<[u8; 32]>);

/// The machine for the set at the finalized block, from the persisted
/// state if there is one, with its start-up effects and signing key.
fn build_machine(
    client: &Client,
    keystore: &Keystore,
    config: &FinalityConfig,
) -> Result<Built, FinalityTaskError> {
    let (number, hash) = client.heads().finalized;
    let base = BlockId::new(number, hash);
    let set = voters_at(client, &hash)?;
    let mut signer = signer_for(keystore, &set);
    let persisted = store::load(client.db())?;
    if let Some(state) = &persisted {
        if state.set_id > set.set_id() {
            tracing::error!(target: "finality", "the persisted voter state is for set {}, ahead of the finalized block's set {}: following without voting", state.set_id, set.set_id());
            signer = None;
        }
    }
    let public = signer.as_ref().map(|pair| pair.public());
    let params = VoterParams {
        config: config.clone(),
        set,
        signer,
        verifier: Ed25519,
    };
    let now = client.clock().now_millis();
    let (voter, effects) = match persisted {
        Some(state) if public.is_some() => {
            FinalityVoter::restore(params, state, base, now, &ClientChain(client))?
        }
        _ => FinalityVoter::new(params, base, now),
    };
    Ok((voter, effects, public))
}

/// The keystore's `gran` key of a member of `set`, if any.
fn signer_for(keystore: &Keystore, set: &VoterSet) -> Option<ed25519::Pair> {
    set.voters()
        .iter()
        .find_map(|(key, _)| match keystore.ed25519_pair(GRANDPA, key) {
            Ok(pair) => pair,
            Err(e) => {
                tracing::warn!(target: "finality", "the gran key {} cannot be used: {e}", H256(*key));
                None
            }
        })
}

/// The effects to perform: a finalization followed by a later one of the
/// same batch is dropped (the later one finalizes its blocks too), unless
/// a new set starts between them, whose hand-over must be stored.
fn coalesce(effects: Vec<Effect>) -> Vec<Effect> {
    let mut kept = Vec::with_capacity(effects.len());
    let mut later_finalize = false;
    for effect in effects.into_iter().rev() {
        match &effect {
            Effect::Finalize { .. } if later_finalize => continue,
            Effect::Finalize { .. } => later_finalize = true,
            Effect::NewSet { .. } => later_finalize = false,
            _ => {}
        }
        kept.push(effect);
    }
    kept.reverse();
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use entroos_finality::Step;

    fn finalize(number: u32) -> Effect {
        let block = BlockId::new(number, H256([number as u8; 32]));
        Effect::Finalize {
            block,
            justification: Justification {
                round: 0,
                set_id: 0,
                target: block,
                precommits: Vec::new(),
                ancestry: Vec::new(),
            },
        }
    }

    fn numbers(effects: &[Effect]) -> Vec<Option<u32>> {
        effects
            .iter()
            .map(|effect| match effect {
                Effect::Finalize { block, .. } => Some(block.number),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn only_the_last_finalization_of_a_batch_is_performed_but_hand_overs_are_kept() {
        let timer = Effect::ScheduleTimeout {
            set_id: 0,
            round: 1,
            step: Step::Prevote,
            at: 5,
        };
        let new_set = Effect::NewSet {
            set_id: 1,
            base: BlockId::new(3, H256([3; 32])),
        };
        let effects = vec![
            finalize(1),
            timer.clone(),
            finalize(2),
            finalize(3),
            new_set,
            finalize(4),
            finalize(5),
        ];
        assert_eq!(
            numbers(&coalesce(effects)),
            [None, Some(3), None, Some(5)],
            "#3 enacts the next set and keeps its justification; #1, #2 and #4 are covered"
        );
    }
}
