//! `archive_v1_storageDiff`: the keys added, modified and deleted between
//! an ancestor's state (`previousHash`, the parent by default) and a
//! block's, under each item's prefix (the whole trie without items). Both
//! states are walked side by side a page at a time, so a diff holds two
//! pages whatever its size. A deleted key is reported with the value (or
//! hash) it had.

use super::hash_arg;
use crate::api::{ReadError, StateApi};
use crate::error::invalid_params;
use crate::params::{hex_param, to_hex, Args};
use crate::server::Deps;
use crate::spec_v2::keys::{CancelGuard, Cancels, Key};
use crate::state::MAX_QUERY_KEYS;
use crate::tasks::{blocking, send};
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::H256;
use jsonrpsee::types::{ErrorObjectOwned, Params};
use jsonrpsee::{PendingSubscriptionSink, SubscriptionSink};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::Arc;

/// Keys read per state per blocking read.
const PAGE: usize = 256;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
enum ReturnType {
    Value,
    Hash,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawItem {
    #[serde(default)]
    key: Option<String>,
    return_type: ReturnType,
    #[serde(default)]
    child_trie_key: Option<String>,
}

/// One prefix to compare.
struct Item {
    prefix: Vec<u8>,
    returns: ReturnType,
}

#[derive(Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
enum Change {
    Added,
    Modified,
    Deleted,
}

/// One notification of `archive_v1_storageDiff` (the variants are the
/// spec's event names).
#[derive(Serialize)]
#[allow(clippy::enum_variant_names)]
#[serde(
    tag = "event",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
enum DiffEvent {
    StorageDiff {
        key: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        value: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        hash: Option<String>,
        #[serde(rename = "type")]
        change: Change,
    },
    StorageDiffDone,
    StorageDiffError {
        error: String,
    },
}

impl DiffEvent {
    fn diff(key: &[u8], value: &[u8], returns: ReturnType, change: Change) -> DiffEvent {
        let hashed = returns == ReturnType::Hash;
        DiffEvent::StorageDiff {
            key: to_hex(key),
            value: (!hashed).then(|| to_hex(value)),
            hash: hashed.then(|| to_hex(&blake2_256(value))),
            change,
        }
    }
}

/// The items; items naming a child trie are left out (the node keeps no
/// child tries, so nothing differs in them).
fn items_param(args: &Args) -> Result<Vec<Item>, ErrorObjectOwned> {
    let raw: Option<Vec<RawItem>> = args.opt(1)?;
    let Some(raw) = raw else {
        return Ok(vec![Item {
            prefix: Vec::new(),
            returns: ReturnType::Value,
        }]);
    };
    if raw.len() > MAX_QUERY_KEYS {
        return Err(invalid_params(format!(
            "parameter 1 (items): {} items, at most {MAX_QUERY_KEYS} allowed",
            raw.len()
        )));
    }
    raw.into_iter()
        .filter(|item| item.child_trie_key.is_none())
        .map(|item| {
            let prefix = item.key.map(|k| hex_param(&k, 1, "key")).transpose()?;
            Ok(Item {
                prefix: prefix.unwrap_or_default(),
                returns: item.return_type,
            })
        })
        .collect()
}

/// Runs one `archive_v1_storageDiff` subscription.
pub(crate) async fn run(
    p: Params<'static>,
    pending: PendingSubscriptionSink,
    deps: Arc<Deps>,
    cancels: Arc<Cancels>,
) {
    let parsed = Args::parse(&p)
        .and_then(|args| Ok((hash_arg(&args, 0)?, items_param(&args)?, args.hash(2)?)));
    let (hash, items, previous) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => return pending.reject(e).await,
    };
    let mut stopped = cancels.register(Key::new(
        pending.connection_id(),
        &pending.subscription_id(),
    ));
    let Ok(sink) = pending.accept().await else {
        return;
    };
    let last = match compare(&sink, &deps, (hash, previous), items, &mut stopped).await {
        Some(Ok(())) => DiffEvent::StorageDiffDone,
        Some(Err(error)) => DiffEvent::StorageDiffError { error },
        None => return,
    };
    let _ = send(&sink, &last).await;
}

/// The states compared: `previous` (the parent if not given), which must
/// be an ancestor of `hash`.
fn states(deps: &Deps, hash: H256, previous: Option<H256>) -> Result<(H256, H256), String> {
    let header = deps
        .chain
        .header(hash)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("unknown block {hash}"))?;
    let Some(previous) = previous else {
        return Ok((header.parent_hash, hash));
    };
    let mut cursor = header;
    while cursor.parent_hash != previous {
        let parent = cursor.parent_hash;
        cursor = match deps.chain.header(parent).map_err(|e| e.to_string())? {
            Some(header) if header.number > 0 => header,
            _ => return Err(format!("{previous} is not an ancestor of {hash}")),
        };
    }
    Ok((previous, hash))
}

async fn compare(
    sink: &SubscriptionSink,
    deps: &Arc<Deps>,
    (hash, previous): (H256, Option<H256>),
    items: Vec<Item>,
    stopped: &mut CancelGuard,
) -> Option<Result<(), String>> {
    let reader = deps.clone();
    let (old, new) = match blocking(move || states(&reader, hash, previous)).await {
        Ok(Ok(pair)) => pair,
        Ok(Err(error)) => return Some(Err(error)),
        Err(e) => return Some(Err(e.message().to_string())),
    };
    for item in items {
        let mut walk = Walk::new((old, new), item);
        while !walk.is_done() {
            let state = deps.state.clone();
            let (next, events) = match blocking(move || walk.step(&*state)).await {
                Ok((next, Ok(events))) => (next, events),
                Ok((_, Err(e))) => return Some(Err(e.to_string())),
                Err(e) => return Some(Err(e.message().to_string())),
            };
            walk = next;
            for event in events {
                tokio::select! {
                    _ = stopped.cancelled() => return None,
                    sent = send(sink, &event) => sent.ok()?,
                }
            }
        }
    }
    Some(Ok(()))
}

/// One side of the comparison: a page of key-value pairs and where to
/// read on.
struct Side {
    at: H256,
    page: VecDeque<(Vec<u8>, Vec<u8>)>,
    after: Option<Vec<u8>>,
    exhausted: bool,
}

impl Side {
    fn new(at: H256) -> Side {
        Side {
            at,
            page: VecDeque::new(),
            after: None,
            exhausted: false,
        }
    }

    /// Reads the next page if this one is used up.
    fn fill(&mut self, state: &dyn StateApi, prefix: &[u8]) -> Result<(), ReadError> {
        if !self.page.is_empty() || self.exhausted {
            return Ok(());
        }
        let pairs = state.pairs_paged(self.at, prefix, self.after.as_deref(), PAGE)?;
        self.exhausted = pairs.len() < PAGE;
        self.after = pairs.last().map(|(k, _)| k.clone());
        self.page.extend(pairs);
        Ok(())
    }
}

/// The side-by-side walk of one item.
struct Walk {
    item: Item,
    old: Side,
    new: Side,
}

impl Walk {
    fn new((old, new): (H256, H256), item: Item) -> Walk {
        Walk {
            item,
            old: Side::new(old),
            new: Side::new(new),
        }
    }

    fn is_done(&self) -> bool {
        self.old.exhausted
            && self.new.exhausted
            && self.old.page.is_empty()
            && self.new.page.is_empty()
    }

    /// Compares until one side's page is used up; the differences found.
    fn step(mut self, state: &dyn StateApi) -> (Walk, Result<Vec<DiffEvent>, ReadError>) {
        let filled = self
            .old
            .fill(state, &self.item.prefix)
            .and_then(|()| self.new.fill(state, &self.item.prefix));
        if let Err(e) = filled {
            return (self, Err(e));
        }
        let mut events = Vec::new();
        while let Some(event) = self.next_difference() {
            events.extend(event);
        }
        (self, Ok(events))
    }

    /// The next pair of fronts compared: `Some(Some(event))` for a
    /// difference, `Some(None)` for an equal key and value, `None` when a
    /// side needs its next page (or both are done).
    fn next_difference(&mut self) -> Option<Option<DiffEvent>> {
        let returns = self.item.returns;
        let old_front = self.old.page.front().map(|(k, _)| k.clone());
        let new_front = self.new.page.front().map(|(k, _)| k.clone());
        let side_pending = |side: &Side| side.page.is_empty() && !side.exhausted;
        if side_pending(&self.old) || side_pending(&self.new) {
            return None;
        }
        let taken = match (old_front, new_front) {
            (None, None) => return None,
            (Some(o), Some(n)) if o == n => {
                let (key, before) = self.old.page.pop_front()?;
                let (_, after) = self.new.page.pop_front()?;
                (before != after).then(|| DiffEvent::diff(&key, &after, returns, Change::Modified))
            }
            (Some(o), Some(n)) if n < o => self.take_new(returns),
            (None, Some(_)) => self.take_new(returns),
            (Some(_), _) => {
                let (key, before) = self.old.page.pop_front()?;
                Some(DiffEvent::diff(&key, &before, returns, Change::Deleted))
            }
        };
        Some(taken)
    }

    fn take_new(&mut self, returns: ReturnType) -> Option<DiffEvent> {
        let (key, value) = self.new.page.pop_front()?;
        Some(DiffEvent::diff(&key, &value, returns, Change::Added))
    }
}
