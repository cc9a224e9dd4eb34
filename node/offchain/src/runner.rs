//! The node's [`Runner`]: the runtime's off-chain workers, through
//! `entroos-executor`, on the state of the block, when the node's policy
//! lets them run.

use crate::{NodeContext, Runner, WorkerError};
use entroos_client::Client;
use entroos_primitives::crypto::KeyTypeId;
use entroos_primitives::Header;
use entroos_support::state::Overlay;
use std::sync::Arc;

/// The key type of executor keys (sr25519; the public key is the compute
/// provider's account), as the proof-of-execution pallet names it.
pub const EXECUTOR_KEY_TYPE: KeyTypeId = KeyTypeId(*b"exec");

/// When the node runs off-chain workers (`--offchain-worker`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkerPolicy {
    /// After every new best block.
    Always,
    /// Never.
    Never,
    /// When the node authors blocks, or holds an executor key at the time
    /// of the block (a key inserted while the node runs counts from then).
    WhenAuthority,
}

/// Runs the runtime's off-chain workers with the node's context.
pub struct ExecutorRunner {
    client: Arc<Client>,
    context: NodeContext,
    always: bool,
}

impl ExecutorRunner {
    /// The runner for `policy` on a node that authors blocks if `authors`;
    /// `None` if workers never run.
    pub fn new(
        client: Arc<Client>,
        context: NodeContext,
        policy: WorkerPolicy,
        authors: bool,
    ) -> Option<Self> {
        let always = match policy {
            WorkerPolicy::Never => return None,
            WorkerPolicy::Always => true,
            WorkerPolicy::WhenAuthority => authors,
        };
        Some(ExecutorRunner {
            client,
            context,
            always,
        })
    }

    /// Whether workers run for every block, whatever the keystore holds.
    pub fn runs_always(&self) -> bool {
        self.always
    }

    /// Whether workers run now: always, or while the keystore holds an
    /// executor key.
    pub fn enabled(&self) -> Result<bool, WorkerError> {
        if self.always {
            return Ok(true);
        }
        let keys = self.context.keystore().public_keys(EXECUTOR_KEY_TYPE)?;
        Ok(!keys.is_empty())
    }
}

impl Runner for ExecutorRunner {
    fn run(&self, header: &Header) -> Result<(), WorkerError> {
        if !self.enabled()? {
            return Ok(());
        }
        let state = self.client.state_at(&header.hash())?;
        let mut overlay = Overlay::new(&*state);
        let mut context = self.context.clone();
        entroos_executor::offchain_worker(&mut overlay, header, &mut context)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LocalStorage;
    use entroos_client::testing::dev_client;
    use entroos_db::Pruning;
    use entroos_keystore::Keystore;
    use entroos_primitives::crypto::sr25519;
    use entroos_txpool::{graph::Limits, TxPool};

    fn runner(
        policy: WorkerPolicy,
        authors: bool,
        keystore: &std::path::Path,
    ) -> Option<(ExecutorRunner, Arc<Client>)> {
        let (client, _clock) = dev_client(Pruning::Archive).unwrap();
        let pool = Arc::new(TxPool::new(client.clone(), Limits::default()));
        let storage = LocalStorage::new(client.db().clone());
        let context = NodeContext::new(pool, Arc::new(Keystore::open(keystore)), storage);
        ExecutorRunner::new(client.clone(), context, policy, authors).map(|r| (r, client))
    }

    #[test]
    fn the_executor_key_type_is_the_ledgers() {
        assert_eq!(
            EXECUTOR_KEY_TYPE.0,
            entroos_poe_primitives::local::EXECUTOR_KEY_TYPE
        );
    }

    #[test]
    fn policies_decide_when_workers_run() {
        let dir = tempfile::tempdir().unwrap();
        assert!(runner(WorkerPolicy::Never, true, dir.path()).is_none());
        let (always, _) = runner(WorkerPolicy::Always, false, dir.path()).unwrap();
        assert!(always.enabled().unwrap());
        let (author, _) = runner(WorkerPolicy::WhenAuthority, true, dir.path()).unwrap();
        assert!(author.enabled().unwrap());
        let (full, _) = runner(WorkerPolicy::WhenAuthority, false, dir.path()).unwrap();
        assert!(!full.enabled().unwrap(), "no executor key yet");
        let pair = sr25519::Pair::from_uri("//Executor").unwrap();
        let keystore = Keystore::open(dir.path());
        keystore
            .insert(EXECUTOR_KEY_TYPE, "//Executor", &pair.public())
            .unwrap();
        assert!(full.enabled().unwrap(), "an executor key inserted since");
    }

    #[test]
    fn the_runtime_workers_run_on_a_block_and_leave_its_state_alone() {
        let dir = tempfile::tempdir().unwrap();
        let (runner, client) = runner(WorkerPolicy::Always, true, dir.path()).unwrap();
        let genesis = client.expect_header(&client.heads().genesis).unwrap();
        runner.run(&genesis).unwrap();
        assert_eq!(client.heads().best.0, 0);
        let unknown = Header {
            number: 7,
            ..Header::default()
        };
        assert!(matches!(runner.run(&unknown), Err(WorkerError::Client(_))));
    }
}
