//! `state_subscribeRuntimeVersion` and `state_subscribeStorage`: the current
//! value at once, then one notification per new best block that changed it.
//! Every read runs on the blocking pool.

use super::query::{change_set, changes_since, values_at};
use crate::error::StateError;
use crate::server::Deps;
use crate::tasks::{blocking, next_header, send};
use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::PendingSubscriptionSink;
use std::sync::Arc;

/// Runs `read` on the blocking pool, flattening its error.
async fn read<T, E>(
    deps: &Arc<Deps>,
    read: impl FnOnce(&Deps) -> Result<T, E> + Send + 'static,
) -> Result<T, ErrorObjectOwned>
where
    T: Send + 'static,
    E: Into<ErrorObjectOwned> + Send + 'static,
{
    let deps = deps.clone();
    blocking(move || read(&deps)).await?.map_err(Into::into)
}

/// Sends the runtime version of the best block, then every new one.
pub(crate) async fn runtime_versions(pending: PendingSubscriptionSink, deps: Arc<Deps>) {
    let start = read(&deps, |d| {
        let heads = d.chain.subscribe_best();
        let version = d.state.runtime_version(d.chain.best().1)?;
        Ok::<_, StateError>((heads, version))
    })
    .await;
    let (mut heads, mut current) = match start {
        Ok(start) => start,
        Err(e) => return pending.reject(e).await,
    };
    let Ok(sink) = pending.accept().await else {
        return;
    };
    if send(&sink, &current).await.is_err() {
        return;
    }
    while let Some(header) = next_header(&sink, &mut heads).await {
        let at = header.hash();
        let Ok(version) = read(&deps, move |d| d.state.runtime_version(at)).await else {
            continue;
        };
        if version != current {
            current = version;
            if send(&sink, &current).await.is_err() {
                return;
            }
        }
    }
}

/// Sends every key's value at the best block, then the keys that changed
/// in each new best block.
pub(crate) async fn storage_changes(
    pending: PendingSubscriptionSink,
    deps: Arc<Deps>,
    keys: Vec<Vec<u8>>,
) {
    let keys: Arc<[Vec<u8>]> = keys.into();
    let start = read(&deps, {
        let keys = keys.clone();
        move |d| {
            let heads = d.chain.subscribe_best();
            let at = d.chain.best().1;
            Ok::<_, StateError>((heads, at, values_at(d, at, &keys)?))
        }
    })
    .await;
    let (mut heads, at, mut values) = match start {
        Ok(start) => start,
        Err(e) => return pending.reject(e).await,
    };
    let Ok(sink) = pending.accept().await else {
        return;
    };
    if send(&sink, &change_set(at, &keys, &values)).await.is_err() {
        return;
    }
    while let Some(header) = next_header(&sink, &mut heads).await {
        let at = header.hash();
        let keys_now = keys.clone();
        let Ok(new) = read(&deps, move |d| values_at(d, at, &keys_now)).await else {
            continue;
        };
        if let Some(set) = changes_since(at, &keys, Some(&values), &new) {
            if send(&sink, &set).await.is_err() {
                return;
            }
        }
        values = new;
    }
}
