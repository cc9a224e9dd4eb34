//! Finality seen from the client's side. A `chain_subscribeFinalizedHeads`
//! subscription is read on a thread of its own, which stamps each
//! notification with the moment it arrived, so that fetching blocks never
//! delays a stamp. One notification may finalize several blocks: every
//! number from the last one handled up to the notified one is fetched (by
//! number, which below the finalized head is the finalized chain), and its
//! extrinsics are matched by hash (blake2_256 of the encoded extrinsic) to
//! the acknowledged submissions. A transfer's time to finality runs from
//! its acknowledgement to the arrival of the first notification that
//! finalized its block.

use super::ws::Ws;
use super::{block_number, http, Error, TxHash};
use entroos_primitives::hashing::blake2_256;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::{Shutdown, TcpStream};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A finalized head as it arrived: when, and its number.
type Head = Result<(Instant, u32), String>;

/// A live `chain_subscribeFinalizedHeads` subscription; the socket is shut
/// and the reader joined when dropped.
pub struct FinalizedHeads {
    heads: mpsc::Receiver<Head>,
    socket: TcpStream,
    reader: Option<JoinHandle<()>>,
}

impl FinalizedHeads {
    /// Subscribes on the node at `rpc_port`.
    pub fn subscribe(rpc_port: u16) -> Result<Self, Error> {
        let mut ws = Ws::connect(rpc_port)?;
        let request = json!({"jsonrpc": "2.0", "id": 1, "method": "chain_subscribeFinalizedHeads", "params": []});
        ws.send(&request.to_string())?;
        let socket = ws.0.try_clone()?;
        let (sender, heads) = mpsc::channel();
        let reader = std::thread::spawn(move || read_heads(ws, sender));
        Ok(FinalizedHeads {
            heads,
            socket,
            reader: Some(reader),
        })
    }

    /// The next finalized head, waited for until `deadline`; `None` once
    /// it has passed.
    fn next(&self, deadline: Instant) -> Result<Option<(Instant, u32)>, Error> {
        let wait = deadline.saturating_duration_since(Instant::now());
        match self.heads.recv_timeout(wait) {
            Ok(head) => Ok(Some(head?)),
            Err(RecvTimeoutError::Timeout) => Ok(None),
            Err(RecvTimeoutError::Disconnected) => {
                Err("the finalized-heads subscription ended".into())
            }
        }
    }
}

impl Drop for FinalizedHeads {
    fn drop(&mut self) {
        let _ = self.socket.shutdown(Shutdown::Both);
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}

/// Forwards each `chain_finalizedHead` notification, stamped on arrival,
/// until the socket closes, the receiver is gone or the node refuses.
fn read_heads(mut ws: Ws, heads: mpsc::Sender<Head>) {
    while let Ok(Some(payload)) = ws.receive() {
        let at = Instant::now();
        let head = match serde_json::from_slice::<Value>(&payload) {
            Ok(message) => head_of(&message, at),
            Err(e) => Some(Err(format!("a notification that is not JSON: {e}"))),
        };
        let failed = matches!(head, Some(Err(_)));
        if let Some(head) = head {
            if heads.send(head).is_err() || failed {
                return;
            }
        }
    }
}

/// The head a message notifies; `None` for the subscription's answer.
fn head_of(message: &Value, at: Instant) -> Option<Head> {
    if let Some(error) = message.get("error") {
        return Some(Err(format!("subscription refused: {error}")));
    }
    if message["method"] != "chain_finalizedHead" {
        return None;
    }
    Some(block_number(&message["params"]["result"]).map_or_else(
        |e| Err(format!("a finalized head without a number: {e}")),
        |number| Ok((at, number)),
    ))
}

/// What following finality found.
pub struct Finalized {
    /// How many transfers were acknowledged.
    pub acknowledged: usize,
    /// Each acknowledged transfer's time to finality, in block order.
    pub times: Vec<Duration>,
    /// The transfers in each finalized block from the first followed.
    pub per_block: Vec<usize>,
    /// When the last acknowledged transfer was reported finalized.
    pub last_at: Option<Instant>,
}

/// Follows `heads` from block `first` until every `acknowledged` transfer
/// is in a finalized block of the node at `rpc_port`, or none of those
/// left has been finalized for `stall`, or `deadline` has passed: what
/// was found by then.
pub fn follow(
    rpc_port: u16,
    heads: &FinalizedHeads,
    first: u32,
    acknowledged: &HashMap<TxHash, Instant>,
    stall: Duration,
    deadline: Instant,
) -> Result<Finalized, Error> {
    let mut found = Finalized {
        acknowledged: acknowledged.len(),
        times: Vec::new(),
        per_block: Vec::new(),
        last_at: None,
    };
    let (mut next, mut progress_at) = (first, Instant::now());
    while found.times.len() < acknowledged.len() {
        let Some((at, number)) = heads.next(deadline.min(progress_at + stall))? else {
            break;
        };
        let before = found.times.len();
        for block in next..=number {
            found.add_block(rpc_port, block, at, acknowledged)?;
        }
        next = next.max(number.saturating_add(1));
        if found.times.len() > before {
            progress_at = at;
        }
    }
    Ok(found)
}

impl Finalized {
    /// Acknowledged transfers not found in a finalized block.
    pub fn missing(&self) -> usize {
        self.acknowledged.saturating_sub(self.times.len())
    }

    /// Matches the extrinsics of finalized block `number`, reported at
    /// `at`, to the acknowledged transfers.
    fn add_block(
        &mut self,
        rpc_port: u16,
        number: u32,
        at: Instant,
        acknowledged: &HashMap<TxHash, Instant>,
    ) -> Result<(), Error> {
        let hash = http(rpc_port, "chain_getBlockHash", json!([number]))?;
        let block = http(rpc_port, "chain_getBlock", json!([hash]))?;
        let extrinsics = block["block"]["extrinsics"]
            .as_array()
            .ok_or_else(|| format!("block #{number} without extrinsics"))?;
        // The first extrinsic is the timestamp inherent.
        self.per_block.push(extrinsics.len().saturating_sub(1));
        for extrinsic in extrinsics {
            let text = extrinsic.as_str().ok_or("an extrinsic that is not hex")?;
            let bytes = hex::decode(text.trim_start_matches("0x"))?;
            if let Some(acknowledged_at) = acknowledged.get(&blake2_256(&bytes)) {
                self.times
                    .push(at.saturating_duration_since(*acknowledged_at));
                self.last_at = Some(at);
            }
        }
        Ok(())
    }
}

/// Nearest-rank percentiles of a set of durations.
pub struct Percentiles {
    pub p50: Duration,
    pub p90: Duration,
    pub p99: Duration,
    pub max: Duration,
}

impl Percentiles {
    /// The percentiles of `times`; `None` when there are none.
    pub fn of(times: &[Duration]) -> Option<Self> {
        let mut sorted = times.to_vec();
        sorted.sort_unstable();
        let rank = |percent: usize| {
            let index = (percent * sorted.len()).div_ceil(100).max(1) - 1;
            sorted.get(index).copied()
        };
        Some(Percentiles {
            p50: rank(50)?,
            p90: rank(90)?,
            p99: rank(99)?,
            max: *sorted.last()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles_of_one_to_a_hundred_milliseconds() {
        let times: Vec<Duration> = (1..=100).rev().map(Duration::from_millis).collect();
        let p = Percentiles::of(&times).expect("some times");
        assert_eq!(p.p50, Duration::from_millis(50));
        assert_eq!(p.p90, Duration::from_millis(90));
        assert_eq!(p.p99, Duration::from_millis(99));
        assert_eq!(p.max, Duration::from_millis(100));
    }

    #[test]
    fn one_time_is_every_percentile_and_none_gives_none() {
        let p = Percentiles::of(&[Duration::from_millis(7)]).expect("one time");
        let seven = Duration::from_millis(7);
        assert_eq!((p.p50, p.p90, p.p99, p.max), (seven, seven, seven, seven));
        assert!(Percentiles::of(&[]).is_none());
    }

    #[test]
    fn a_notification_carries_its_head_number_and_the_answer_none() {
        let at = Instant::now();
        let notification = json!({"jsonrpc": "2.0", "method": "chain_finalizedHead", "params": {"subscription": "s", "result": {"number": "0x1f"}}});
        assert_eq!(head_of(&notification, at), Some(Ok((at, 31))));
        let answer = json!({"jsonrpc": "2.0", "id": 1, "result": "s"});
        assert_eq!(head_of(&answer, at), None);
        let refused = json!({"jsonrpc": "2.0", "id": 1, "error": {"code": -32601}});
        assert!(matches!(head_of(&refused, at), Some(Err(_))));
    }
}
