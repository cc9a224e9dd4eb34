//! Storage queries as `chainHead_v1_storage` and `archive_v1_storage` take
//! them (`value`, `hash`, `closestDescendantMerkleValue`,
//! `descendantsValues`, `descendantsHashes`), read a page at a time so that
//! neither holds more than one page of results.

use crate::api::{ReadError, StateApi};
use crate::error::invalid_params;
use crate::params::{hex_param, to_hex, Args};
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::H256;
use jsonrpsee::types::ErrorObjectOwned;
use serde::{Deserialize, Serialize};

/// What a query asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) enum QueryType {
    /// The value at the key.
    Value,
    /// The hash of the value at the key.
    Hash,
    /// The Merkle value of the key's node or closest descendant.
    ClosestDescendantMerkleValue,
    /// The values of every key starting with the key.
    DescendantsValues,
    /// The hashes of the values of every key starting with the key.
    DescendantsHashes,
}

impl QueryType {
    /// Whether the query iterates over descendants.
    pub(crate) fn is_descendants(self) -> bool {
        matches!(
            self,
            QueryType::DescendantsValues | QueryType::DescendantsHashes
        )
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawQuery {
    key: String,
    #[serde(rename = "type")]
    kind: QueryType,
    #[serde(default)]
    pagination_start_key: Option<String>,
}

/// One storage query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Query {
    /// The key (a prefix for descendants).
    pub key: Vec<u8>,
    /// What is asked.
    pub kind: QueryType,
    /// For descendants: report only keys strictly after this one.
    pub start: Option<Vec<u8>>,
}

/// The queries at `index`, at most `max` of them.
pub(crate) fn queries_param(
    args: &Args,
    index: usize,
    max: usize,
) -> Result<Vec<Query>, ErrorObjectOwned> {
    let raw: Vec<RawQuery> = args.req(index, "items")?;
    if raw.len() > max {
        return Err(invalid_params(format!(
            "parameter {index} (items): {} items, at most {max} allowed",
            raw.len()
        )));
    }
    raw.into_iter()
        .map(|q| {
            Ok(Query {
                key: hex_param(&q.key, index, "items")?,
                kind: q.kind,
                start: q
                    .pagination_start_key
                    .map(|k| hex_param(&k, index, "paginationStartKey"))
                    .transpose()?,
            })
        })
        .collect()
}

/// A storage item found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Item {
    /// The key, hex.
    pub key: String,
    /// The value, for `value` and `descendantsValues`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The value's blake2-256 hash, for `hash` and `descendantsHashes`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// The Merkle value, for `closestDescendantMerkleValue`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closest_descendant_merkle_value: Option<String>,
}

impl Item {
    fn of(key: &[u8], value: &[u8], kind: QueryType) -> Item {
        let hashed = matches!(kind, QueryType::Hash | QueryType::DescendantsHashes);
        Item {
            key: to_hex(key),
            value: (!hashed).then(|| to_hex(value)),
            hash: hashed.then(|| to_hex(&blake2_256(value))),
            closest_descendant_merkle_value: None,
        }
    }

    fn merkle(key: &[u8], merkle_value: &[u8]) -> Item {
        Item {
            key: to_hex(key),
            value: None,
            hash: None,
            closest_descendant_merkle_value: Some(to_hex(merkle_value)),
        }
    }
}

/// Where a list of queries has been read to.
pub(crate) struct Cursor {
    queries: Vec<Query>,
    next: usize,
    resume: Option<Vec<u8>>,
}

impl Cursor {
    /// A cursor at the first query.
    pub(crate) fn new(queries: Vec<Query>) -> Cursor {
        Cursor {
            queries,
            next: 0,
            resume: None,
        }
    }

    /// Whether some query iterates over descendants (only those are read
    /// in pages).
    pub(crate) fn has_descendants(&self) -> bool {
        self.queries.iter().any(|q| q.kind.is_descendants())
    }

    /// Whether every query has been read.
    pub(crate) fn is_done(&self) -> bool {
        self.next >= self.queries.len()
    }

    /// Reads on until `limit` items are found or the queries run out.
    pub(crate) fn read(
        &mut self,
        state: &dyn StateApi,
        at: H256,
        limit: usize,
    ) -> Result<Vec<Item>, ReadError> {
        let mut items = Vec::new();
        while items.len() < limit {
            let Some(query) = self.queries.get(self.next).cloned() else {
                break;
            };
            if query.kind.is_descendants() {
                let room = limit.saturating_sub(items.len());
                self.read_descendants(state, at, &query, room, &mut items)?;
            } else {
                items.extend(read_one(state, at, &query)?);
                self.next = self.next.saturating_add(1);
            }
        }
        Ok(items)
    }

    fn read_descendants(
        &mut self,
        state: &dyn StateApi,
        at: H256,
        query: &Query,
        room: usize,
        items: &mut Vec<Item>,
    ) -> Result<(), ReadError> {
        let start = self.resume.clone().or_else(|| query.start.clone());
        let page = state.pairs_paged(at, &query.key, start.as_deref(), room)?;
        let complete = page.len() < room;
        self.resume = page.last().map(|(key, _)| key.clone());
        items.extend(page.iter().map(|(k, v)| Item::of(k, v, query.kind)));
        if complete {
            self.next = self.next.saturating_add(1);
            self.resume = None;
        }
        Ok(())
    }
}

/// The item a single-key query finds, if any.
fn read_one(state: &dyn StateApi, at: H256, query: &Query) -> Result<Option<Item>, ReadError> {
    if query.kind == QueryType::ClosestDescendantMerkleValue {
        let value = state.closest_merkle_value(at, &query.key)?;
        return Ok(value.map(|v| Item::merkle(&query.key, &v)));
    }
    let value = state.storage(at, &query.key)?;
    Ok(value.map(|v| Item::of(&query.key, &v, query.kind)))
}
