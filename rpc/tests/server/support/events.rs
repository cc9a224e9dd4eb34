//! Calls and subscriptions on a module, for the new API's tests: each
//! subscription's notifications read one at a time, within [`PATIENCE`].

use super::{request, PATIENCE};
use entroos_rpc::Deps;
use jsonrpsee::RpcModule;
use serde_json::value::RawValue;
use serde_json::Value;
use std::future::Future;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::timeout;

/// The notifications of one subscription.
pub struct Events {
    /// The subscription id, as the subscribe call answered it.
    pub id: Value,
    receiver: mpsc::Receiver<Box<RawValue>>,
}

impl Events {
    /// The next notification's `result`; fails the test after [`PATIENCE`].
    pub async fn next(&mut self) -> Value {
        let raw = timeout(PATIENCE, self.receiver.recv())
            .await
            .expect("a notification in time")
            .expect("the subscription is open");
        let notification: Value = serde_json::from_str(raw.get()).expect("JSON");
        assert_eq!(notification["params"]["subscription"], self.id);
        notification["params"]["result"].clone()
    }

    /// The next notification whose `event` is `name`, skipping others.
    pub async fn next_event(&mut self, name: &str) -> Value {
        loop {
            let event = self.next().await;
            if event["event"] == name {
                return event;
            }
        }
    }

    /// Waits for the server to end the subscription, failing the test on
    /// any further notification or after [`PATIENCE`].
    pub async fn closed(&mut self) {
        let next = timeout(PATIENCE, self.receiver.recv())
            .await
            .expect("the subscription ends in time");
        assert!(next.is_none(), "a notification after the last: {next:?}");
    }

    /// The notifications already delivered, without waiting.
    pub fn drain(&mut self) -> Vec<Value> {
        let mut results = Vec::new();
        while let Ok(raw) = self.receiver.try_recv() {
            let notification: Value = serde_json::from_str(raw.get()).expect("JSON");
            results.push(notification["params"]["result"].clone());
        }
        results
    }
}

/// Calls `method`; the whole response object.
pub async fn call(module: &RpcModule<Deps>, method: &str, params: Value) -> Value {
    subscribe_with(module, method, params, 64).await.0
}

/// Calls a subscribe `method`; its response and its notifications, of
/// which at most `buffer` wait unread.
pub async fn subscribe_with(
    module: &RpcModule<Deps>,
    method: &str,
    params: Value,
    buffer: usize,
) -> (Value, Events) {
    let text = request(1, method, params).to_string();
    let (response, receiver) = timeout(PATIENCE, module.raw_json_request(&text, buffer))
        .await
        .expect("an answer in time")
        .expect("a well-formed request");
    let response: Value = serde_json::from_str(response.get()).expect("a JSON response");
    let events = Events {
        id: response["result"].clone(),
        receiver,
    };
    (response, events)
}

/// Calls a subscribe `method` that must succeed; its notifications.
pub async fn subscribe(module: &RpcModule<Deps>, method: &str, params: Value) -> Events {
    let (response, events) = subscribe_with(module, method, params, 64).await;
    assert!(response.get("result").is_some(), "{method}: {response}");
    events
}

/// Polls `check` until it gives a value; fails the test after [`PATIENCE`].
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let waited = timeout(PATIENCE, async {
        loop {
            if let Some(value) = check().await {
                return value;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    waited.unwrap_or_else(|_| panic!("timed out waiting for {what}"))
}
