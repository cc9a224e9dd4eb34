//! The notifications of `chainHead_v1_follow` (`chainHead_v1_followEvent`)
//! and the answers of its operations, in the spec's JSON.

use crate::spec_v2::storage::Item;
use entroos_primitives::version::RuntimeVersion;
use entroos_primitives::H256;
use serde::Serialize;
use std::collections::BTreeMap;

/// A runtime as the follow subscription reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub(crate) enum RuntimeEvent {
    /// The runtime's specification.
    Valid {
        /// Its version.
        spec: RuntimeSpec,
    },
    /// The runtime could not be read.
    Invalid {
        /// Why.
        error: String,
    },
}

/// The fields of a runtime version the spec reports; `apis` maps each API
/// id (hex of its 8 bytes) to its version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RuntimeSpec {
    spec_name: String,
    impl_name: String,
    spec_version: u32,
    impl_version: u32,
    transaction_version: u32,
    apis: BTreeMap<String, u32>,
}

impl From<&RuntimeVersion> for RuntimeSpec {
    fn from(v: &RuntimeVersion) -> Self {
        RuntimeSpec {
            spec_name: v.spec_name.clone(),
            impl_name: v.impl_name.clone(),
            spec_version: v.spec_version,
            impl_version: v.impl_version,
            transaction_version: v.transaction_version,
            apis: v
                .apis
                .iter()
                .map(|(id, version)| (crate::params::to_hex(id), *version))
                .collect(),
        }
    }
}

/// One notification of a follow subscription.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(
    tag = "event",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub(crate) enum FollowEvent {
    /// The first event: the finalized block(s), pinned.
    Initialized {
        /// Finalized blocks, oldest first; the last is the current one.
        finalized_block_hashes: Vec<H256>,
        /// The runtime of the last one; present iff following with the runtime.
        #[serde(skip_serializing_if = "Option::is_none")]
        finalized_block_runtime: Option<RuntimeEvent>,
    },
    /// A new non-finalized block, pinned.
    NewBlock {
        /// The block.
        block_hash: H256,
        /// Its parent: the finalized block or one reported before.
        parent_block_hash: H256,
        /// Absent without the runtime; `null` if the parent's runtime is kept.
        #[serde(skip_serializing_if = "Option::is_none")]
        new_runtime: Option<Option<RuntimeEvent>>,
    },
    /// The best block changed.
    BestBlockChanged {
        /// The new best block.
        best_block_hash: H256,
    },
    /// Blocks were finalized, and others will never be.
    Finalized {
        /// Newly finalized blocks, oldest first.
        finalized_block_hashes: Vec<H256>,
        /// Reported blocks that are not descendants of the last finalized one.
        pruned_block_hashes: Vec<H256>,
    },
    /// A body operation finished.
    OperationBodyDone {
        /// The operation.
        operation_id: String,
        /// The extrinsics, hex of their encoding.
        value: Vec<String>,
    },
    /// A call operation finished.
    OperationCallDone {
        /// The operation.
        operation_id: String,
        /// The runtime's output, hex.
        output: String,
    },
    /// Items found by a storage operation.
    OperationStorageItems {
        /// The operation.
        operation_id: String,
        /// The items.
        items: Vec<Item>,
    },
    /// A storage operation waits for `chainHead_v1_continue`.
    OperationWaitingForContinue {
        /// The operation.
        operation_id: String,
    },
    /// A storage operation reported every item.
    OperationStorageDone {
        /// The operation.
        operation_id: String,
    },
    /// The block's data could not be read; trying again may work.
    OperationInaccessible {
        /// The operation.
        operation_id: String,
    },
    /// The operation failed for good.
    OperationError {
        /// The operation.
        operation_id: String,
        /// Why.
        error: String,
    },
    /// The subscription is over.
    Stop,
}
