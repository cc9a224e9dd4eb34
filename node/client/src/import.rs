//! The import pipeline: verify → execute → commit, one block at a time.

use crate::state::TrieBackend;
use crate::verify::{unseal, VerifiedHeader};
use crate::{storage, Client};
use codec::Encode;
use entroos_client_api::{BlockImport, BlockOrigin, ImportError, ImportOutcome};
use entroos_db::{BlockCommit, StateDelta};
use entroos_primitives::{Block, Header, H256};
use entroos_support::state::Changes;
use entroos_support::trie::ordered_trie_root;
use std::time::Instant;

/// Measurements of block import, for metrics.
#[derive(Clone, Copy, Debug, Default)]
pub struct ImportStats {
    /// Blocks imported.
    pub imported: u64,
    /// Blocks refused.
    pub refused: u64,
    /// Total time spent importing, in microseconds.
    pub total_micros: u64,
}

/// An imported block as verification saw it, for equivocation detection.
#[derive(Clone, Debug)]
pub struct VerifiedImport {
    /// The sealed header.
    pub header: Header,
    /// What its slot claim and seal verification found.
    pub verified: VerifiedHeader,
    /// Whether fork choice made it the best block.
    pub best: bool,
}

/// How a block's state changes are obtained.
enum Execution<'a> {
    /// Execute the block on its parent's state.
    Run,
    /// This node built it: the changes it computed on `parent_state`.
    Built {
        parent_state: &'a TrieBackend,
        changes: &'a Changes,
    },
}

impl Client {
    /// Imports a block this node built on `parent_state`, with the state
    /// `changes` it computed; the header checks are the same as for any block.
    pub fn import_own(
        &self,
        block: Block,
        parent_state: &TrieBackend,
        changes: &Changes,
    ) -> Result<ImportOutcome, ImportError> {
        self.import(
            block,
            BlockOrigin::Own,
            Execution::Built {
                parent_state,
                changes,
            },
        )
    }

    fn import(
        &self,
        block: Block,
        origin: BlockOrigin,
        execution: Execution<'_>,
    ) -> Result<ImportOutcome, ImportError> {
        let started = Instant::now();
        let _writer = self.import_lock.lock();
        let result = self.import_locked(block, execution);
        let mut stats = self.stats.write();
        match &result {
            Ok(ImportOutcome::Imported { .. }) => {
                stats.imported = stats.imported.saturating_add(1);
                let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
                stats.total_micros = stats.total_micros.saturating_add(micros);
            }
            Ok(ImportOutcome::AlreadyKnown(_)) => {}
            Err(e) => {
                stats.refused = stats.refused.saturating_add(1);
                tracing::debug!(target: "import", "Refused a block ({origin:?}): {e}");
            }
        }
        result
    }

    fn import_locked(
        &self,
        block: Block,
        execution: Execution<'_>,
    ) -> Result<ImportOutcome, ImportError> {
        let hash = block.header.hash();
        if self.header(&hash)?.is_some() {
            return Ok(ImportOutcome::AlreadyKnown(hash));
        }
        let parent = self.check_header(&block.header)?;
        let verified = self.verify_claim(&block.header, &parent)?;
        let (unsealed, _) = unseal(&block.header).map_err(ImportError::from)?;
        let delta = match execution {
            Execution::Run => self.execute(&block, unsealed, &parent)?,
            Execution::Built {
                parent_state,
                changes,
            } => {
                if parent_state.root() != parent.state_root {
                    return Err(ImportError::UnknownParent(parent.hash()));
                }
                self.delta_for(parent_state, changes, block.header.state_root)?
            }
        };
        self.commit(block, delta, verified)
    }

    /// Parent known, number, descent from the finalized block.
    fn check_header(&self, header: &Header) -> Result<Header, ImportError> {
        let parent = self
            .header(&header.parent_hash)?
            .ok_or(ImportError::UnknownParent(header.parent_hash))?;
        if Some(header.number) != parent.number.checked_add(1) {
            return Err(ImportError::WrongNumber {
                parent: parent.number,
                number: header.number,
            });
        }
        let finalized = self.heads().finalized;
        if !self.descends_from(&parent, finalized)? {
            return Err(ImportError::NotDescendantOfFinalized {
                number: header.number,
                finalized: finalized.0,
            });
        }
        Ok(parent)
    }

    /// Extrinsics root, inherents, execution and state root of an external block.
    fn execute(
        &self,
        block: &Block,
        unsealed: Header,
        parent: &Header,
    ) -> Result<StateDelta, ImportError> {
        let leaves: Vec<Vec<u8>> = block.extrinsics.iter().map(Encode::encode).collect();
        let computed = H256(ordered_trie_root(&leaves));
        if computed != block.header.extrinsics_root {
            return Err(ImportError::ExtrinsicsRootMismatch {
                expected: block.header.extrinsics_root,
                computed,
            });
        }
        entroos_executor::check_body(block)?;
        let state = self.state_at(&parent.hash())?;
        let unsealed = Block {
            header: unsealed,
            extrinsics: block.extrinsics.clone(),
        };
        entroos_executor::check_inherents(&*state, &unsealed, self.config.clock.now_millis())?;
        let signatures = &self.config.signatures;
        let changes = entroos_executor::execute_block(&*state, &unsealed, |checks| {
            signatures.verify(checks)
        })?;
        self.delta_for(&state, &changes, block.header.state_root)
    }

    /// The trie delta of `changes` over `parent_state`, which must reach
    /// `expected`: the one computed for the state root during execution if
    /// it did, else computed now.
    fn delta_for(
        &self,
        parent_state: &TrieBackend,
        changes: &Changes,
        expected: H256,
    ) -> Result<StateDelta, ImportError> {
        let delta = match parent_state.take_delta(expected) {
            Some(delta) => delta,
            None => self
                .db
                .state()
                .delta(Some(parent_state.root()), changes)
                .map_err(storage)?,
        };
        if delta.root != expected {
            return Err(ImportError::StateRootMismatch {
                expected,
                computed: delta.root,
            });
        }
        Ok(delta)
    }

    fn commit(
        &self,
        block: Block,
        delta: StateDelta,
        verified: VerifiedHeader,
    ) -> Result<ImportOutcome, ImportError> {
        let hash = block.header.hash();
        let number = block.header.number;
        let best_header = self.expect_header(&self.heads().best.1)?;
        let weight = self.fork_choice_weight(&block.header)?;
        let set_best = self
            .fork_choice
            .prefers(weight, self.fork_choice_weight(&best_header)?);
        self.db
            .commit(BlockCommit {
                header: block.header.clone(),
                body: block.extrinsics,
                justification: None,
                delta,
                set_best,
                finalize: false,
            })
            .map_err(storage)?;
        self.refresh_heads()?;
        tracing::info!(target: "import", "Imported #{number} ({hash})");
        let _ = self.imported.send(block.header.clone());
        let _ = self.verified.send(VerifiedImport {
            header: block.header.clone(),
            verified,
            best: set_best,
        });
        if set_best {
            let _ = self.best.send(block.header);
        }
        Ok(ImportOutcome::Imported {
            hash,
            best: set_best,
        })
    }
}

impl BlockImport for Client {
    fn import_block(
        &self,
        block: Block,
        origin: BlockOrigin,
    ) -> Result<ImportOutcome, ImportError> {
        self.import(block, origin, Execution::Run)
    }
}
