//! A chain whose runtime answers `validate_transaction` from a table.

use codec::Encode;
use entroos_client_api::{CallExecutor, ChainHeads, ClientError, HeaderBackend};
use entroos_primitives::validity::{TransactionValidity, ValidTransaction};
use entroos_primitives::{BlockNumber, Header, OpaqueExtrinsic, H256};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::{Arc, Barrier};

const VALIDATE: &str = "TaggedTransactionQueue_validate_transaction";

/// The table of validities, keyed by the encoded extrinsic, and a tree of
/// blocks with their bodies.
#[derive(Default)]
pub struct MockChain {
    validity: Mutex<HashMap<Vec<u8>, TransactionValidity>>,
    gate: Mutex<Option<Arc<Barrier>>>,
    blocks: Mutex<HashMap<H256, (Header, Vec<OpaqueExtrinsic>)>>,
}

impl MockChain {
    /// Adds a block on `parent` (none for the genesis) carrying `xts`
    /// (wire bytes); `tag` tells siblings apart.
    pub fn add_block(&self, parent: Option<&Header>, tag: u8, xts: &[Vec<u8>]) -> Header {
        let header = Header {
            parent_hash: parent.map(Header::hash).unwrap_or_default(),
            number: parent.map_or(0, |p| p.number + 1),
            extrinsics_root: H256([tag; 32]),
            ..Header::default()
        };
        let body = xts
            .iter()
            .map(|xt| codec::Decode::decode(&mut &xt[..]).expect("wire bytes"))
            .collect();
        self.blocks
            .lock()
            .insert(header.hash(), (header.clone(), body));
        header
    }

    /// Sets what validating `xt` answers.
    pub fn set(&self, xt: &[u8], validity: TransactionValidity) {
        self.validity.lock().insert(xt.to_vec(), validity);
    }

    /// Makes every validation wait at `barrier` first.
    pub fn gate(&self, barrier: Arc<Barrier>) {
        *self.gate.lock() = Some(barrier);
    }

    fn validate(&self, input: &[u8]) -> Result<Vec<u8>, ClientError> {
        let gate = self.gate.lock().clone();
        if let Some(barrier) = gate {
            barrier.wait();
        }
        let xt = input
            .get(1..input.len().saturating_sub(32))
            .unwrap_or_default();
        self.validity
            .lock()
            .get(xt)
            .map(Encode::encode)
            .ok_or_else(|| ClientError::BadCallInput {
                method: VALIDATE.into(),
                reason: "unknown extrinsic".into(),
            })
    }
}

/// A valid transaction with the given priority and tags, for 64 blocks.
pub fn valid(priority: u64, requires: &[&[u8]], provides: &[&[u8]]) -> TransactionValidity {
    valid_for(64, priority, requires, provides)
}

/// As [`valid`], for `longevity` blocks.
pub fn valid_for(
    longevity: u64,
    priority: u64,
    requires: &[&[u8]],
    provides: &[&[u8]],
) -> TransactionValidity {
    Ok(ValidTransaction {
        priority,
        requires: requires.iter().map(|t| t.to_vec()).collect(),
        provides: provides.iter().map(|t| t.to_vec()).collect(),
        longevity,
        propagate: true,
    })
}

impl HeaderBackend for MockChain {
    fn heads(&self) -> ChainHeads {
        let best = (0, H256::default());
        ChainHeads {
            genesis: H256::default(),
            best,
            finalized: best,
            pruned_below: 0,
        }
    }
    fn header(&self, hash: &H256) -> Result<Option<Header>, ClientError> {
        Ok(self.blocks.lock().get(hash).map(|(h, _)| h.clone()))
    }
    fn body(&self, hash: &H256) -> Result<Option<Vec<OpaqueExtrinsic>>, ClientError> {
        Ok(self.blocks.lock().get(hash).map(|(_, b)| b.clone()))
    }
    fn justification(&self, _: &H256) -> Result<Option<Vec<u8>>, ClientError> {
        Ok(None)
    }
    fn hash_of(&self, _: BlockNumber) -> Result<Option<H256>, ClientError> {
        Ok(None)
    }
}

impl CallExecutor for MockChain {
    fn call_at(&self, _: &H256, method: &str, input: &[u8]) -> Result<Vec<u8>, ClientError> {
        match method {
            VALIDATE => self.validate(input),
            "AccountNonceApi_account_nonce" => Ok(0u32.encode()),
            other => Err(ClientError::BadCallInput {
                method: other.into(),
                reason: "not in the mock".into(),
            }),
        }
    }
}
