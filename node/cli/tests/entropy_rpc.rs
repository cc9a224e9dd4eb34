//! The `entropy_*` methods over the node's real chain: a finality proof
//! read from a justification stored with a block verifies against the
//! voter set the runtime reports, newly justified blocks are notified,
//! the round published through the node's `FinalityStatus` is served, and
//! the consensus reports decode. The chain is built in process (blocks
//! authored by `//Alice`, the dev validator) so that justifications signed
//! with Alice's finality key can be stored with it.

mod support;

use codec::Decode;
use entroos_authorship::author_with_key;
use entroos_client::testing::{dev_client, TEST_SLOT_MILLIS, TEST_START_MILLIS};
use entroos_client::Client;
use entroos_client_api::Finalizer;
use entroos_consensus_primitives::FinalityVoters;
use entroos_db::Pruning;
use entroos_finality::{BlockId, Justification, SignedVote, Vote, VoteKind, VoterSet};
use entroos_keystore::Keystore;
use entroos_node::finality_status::FinalityStatus;
use entroos_node::rpc_bridge::{ClientRpc, OffchainRpc, PoolRpc};
use entroos_node::session_keys::KeystoreRpc;
use entroos_primitives::crypto::{ed25519, sr25519};
use entroos_primitives::{BlockNumber, H256};
use entroos_rpc::api::Health;
use entroos_rpc::{
    BlockRef, Cors, Deps, FinalityProof, NetworkApi, RoundState, RpcConfig, RpcMethods,
    ServerHandle, SystemInfo, VoterRound,
};
use entroos_txpool::{graph::Limits, TxPool};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use support::http::post_json;
use support::ws::Ws;

/// What a node without a network reports (the entropy methods never ask).
struct NoNetwork;

impl NetworkApi for NoNetwork {
    fn health(&self) -> Health {
        Health::default()
    }
    fn local_peer_id(&self) -> String {
        String::new()
    }
    fn listen_addresses(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Builds and imports the next block at `slot`; its hash.
fn import_next(client: &Client, slot: u64) -> H256 {
    let alice = sr25519::Pair::from_uri("//Alice").unwrap();
    author_with_key(client, &alice, slot, TEST_SLOT_MILLIS)
        .unwrap()
        .hash()
}

/// A dev chain of `count` blocks (none final yet), served over JSON-RPC
/// with the node's bridge on 127.0.0.1.
struct Served {
    client: Arc<Client>,
    status: Arc<FinalityStatus>,
    blocks: Vec<H256>,
    port: u16,
    _server: ServerHandle,
    _keystore: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

impl Served {
    fn start(count: u32) -> Served {
        let (client, _clock) = dev_client(Pruning::Archive).unwrap();
        let first_slot = TEST_START_MILLIS / TEST_SLOT_MILLIS - 100;
        let blocks = (0..u64::from(count))
            .map(|i| import_next(&client, first_slot + i))
            .collect();
        let status = Arc::new(FinalityStatus::default());
        let keystore = tempfile::tempdir().unwrap();
        let deps = Deps {
            chain: Arc::new(ClientRpc(client.clone())),
            state: Arc::new(ClientRpc(client.clone())),
            pool: Arc::new(PoolRpc(Arc::new(TxPool::new(
                client.clone(),
                Limits::new(8, 64, 8),
            )))),
            network: Arc::new(NoNetwork),
            keystore: Arc::new(KeystoreRpc {
                client: client.clone(),
                keystore: Arc::new(Keystore::open(keystore.path())),
            }),
            finality: status.clone(),
            offchain: Arc::new(OffchainRpc(client.clone())),
            info: SystemInfo {
                impl_name: "EntroOS Node".into(),
                impl_version: "test".into(),
                chain_name: "Development".into(),
                chain_type: json!("Development"),
                properties: json!({ "ss58Format": 42 }),
                roles: vec!["Full".into()],
            },
            deny_unsafe: true,
            spec_v2: None,
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let config = RpcConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            max_connections: 8,
            max_request_bytes: 1 << 20,
            max_response_bytes: 16 << 20,
            methods: RpcMethods::Safe,
            cors: Cors::All,
            max_batch_len: None,
        };
        let module = entroos_rpc::build_module(deps).unwrap();
        let (addr, server) = runtime
            .block_on(entroos_rpc::start(&config, module))
            .unwrap();
        Served {
            client,
            status,
            blocks,
            port: addr.port(),
            _server: server,
            _keystore: keystore,
            _runtime: runtime,
        }
    }

    /// The whole response to `method(params)`.
    fn call(&self, method: &str, params: Value) -> Value {
        let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
        let response = post_json(self.port, body.to_string().as_bytes()).unwrap();
        serde_json::from_str(&response.body).unwrap()
    }

    /// The result of `method(params)`, which must succeed.
    fn result(&self, method: &str, params: Value) -> Value {
        let response = self.call(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// The finality voters the runtime reports at the best block.
    fn voter_set(&self) -> VoterSet {
        let best = self.client.heads().best.1;
        let bytes = self
            .client
            .call_at(&best, "EntropyApi_finality_voters", &[])
            .unwrap();
        let voters = FinalityVoters::decode(&mut &bytes[..]).unwrap();
        let weights = voters.voters.iter().map(|v| (v.key, v.weight)).collect();
        VoterSet::new(voters.set_id, weights).unwrap()
    }

    /// Finalizes block `number` with Alice's precommit as its justification.
    fn finalize_justified(&self, number: BlockNumber) -> Justification {
        let set = self.voter_set();
        let alice = ed25519::Pair::from_uri("//Alice").unwrap();
        assert!(set.index_of(&alice.public()).is_some(), "Alice votes");
        let target = BlockId::new(number, self.blocks[number as usize - 1]);
        let vote = Vote {
            kind: VoteKind::Precommit,
            round: 0,
            set_id: set.set_id(),
            target_hash: target.hash,
            target_number: target.number,
        };
        let justification = Justification {
            round: 0,
            set_id: set.set_id(),
            target,
            precommits: vec![SignedVote::sign(vote, &alice)],
            ancestry: Vec::new(),
        };
        self.client
            .finalize(&target.hash, Some(justification.to_stored()))
            .unwrap();
        justification
    }
}

fn proof_of(answer: &Value) -> FinalityProof {
    let hex_text = answer["proof"].as_str().expect("a proof");
    let bytes = hex::decode(hex_text.trim_start_matches("0x")).unwrap();
    FinalityProof::decode_exact(&bytes).unwrap()
}

#[test]
fn a_stored_justification_proves_finality_against_the_runtimes_voters() {
    let node = Served::start(5);
    assert_eq!(
        node.result("entropy_proveFinality", json!([2])),
        json!(null),
        "nothing is final yet"
    );
    node.finalize_justified(3);
    let answer = node.result("entropy_proveFinality", json!([2]));
    let proof = proof_of(&answer);
    assert_eq!(proof.block, BlockId::new(2, node.blocks[1]));
    assert_eq!(proof.headers.len(), 2, "blocks 2 and 3");
    let justified = BlockId::new(3, node.blocks[2]);
    let set = node.voter_set();
    assert_eq!(proof.verify(&set).unwrap(), justified);
    entroos_finality::verify_justification(&set, &proof.justification, &justified).unwrap();
    assert_eq!(answer["decoded"]["setId"], json!(set.set_id()));
    assert_eq!(
        answer["headers"][0],
        serde_json::to_value(node.client.expect_header(&node.blocks[1]).unwrap()).unwrap()
    );

    node.client.finalize(&node.blocks[4], None).unwrap();
    let unjustified = node.call("entropy_proveFinality", json!([4]));
    assert_eq!(unjustified["error"]["code"], json!(7002), "{unjustified}");
    assert_eq!(
        node.call("entropy_proveFinality", json!(["x"]))["error"]["code"],
        json!(-32602)
    );
}

#[test]
fn newly_justified_blocks_are_notified_over_websocket() {
    let node = Served::start(2);
    let mut ws = Ws::connect(node.port).unwrap();
    ws.0.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let subscribe = json!({"jsonrpc": "2.0", "id": 1, "method": "entropy_subscribeJustifications", "params": []});
    ws.send(&subscribe.to_string()).unwrap();
    let frame = ws.receive().unwrap().expect("the subscription id");
    let answer: Value = serde_json::from_slice(&frame).unwrap();
    assert!(answer["result"].is_string(), "{answer}");
    node.client.finalize(&node.blocks[0], None).unwrap();
    let justification = node.finalize_justified(2);
    let frame = ws.receive().unwrap().expect("a notification");
    let message: Value = serde_json::from_slice(&frame).unwrap();
    assert_eq!(message["method"], json!("entropy_justification"));
    let result = &message["params"]["result"];
    assert_eq!(
        (result["number"].clone(), result["hash"].clone()),
        (json!(2), json!(node.blocks[1])),
        "block 1, finalized without a justification, sent nothing"
    );
    assert_eq!(result["round"], json!(justification.round));
    assert_eq!(
        result["justification"],
        json!(format!(
            "0x{}",
            hex::encode(codec::Encode::encode(&justification))
        ))
    );
}

#[test]
fn the_round_published_through_finality_status_is_served() {
    let node = Served::start(1);
    assert_eq!(node.result("entropy_roundState", json!([])), json!(null));
    let set = node.voter_set();
    let genesis = node.client.heads().genesis;
    let base = BlockRef {
        number: 0,
        hash: genesis,
    };
    let voted = BlockRef {
        number: 1,
        hash: node.blocks[0],
    };
    node.status.set(RoundState {
        set_id: set.set_id(),
        round: 3,
        base,
        total_weight: set.total(),
        threshold: set.threshold(),
        prevote_weight: set.total(),
        precommit_weight: 0,
        voters: set
            .voters()
            .iter()
            .map(|(id, weight)| VoterRound {
                id: *id,
                weight: *weight,
                prevote: Some(voted),
                precommit: None,
            })
            .collect(),
    });
    let state = node.result("entropy_roundState", json!([]));
    assert_eq!(state["round"], json!(3));
    assert_eq!(state["totalWeight"], json!(set.total().to_string()));
    assert_eq!(state["threshold"], json!(set.threshold().to_string()));
    assert_eq!(
        state["voters"][0]["prevote"],
        json!({ "number": 1, "hash": node.blocks[0] })
    );
}

#[test]
fn the_runtimes_reports_are_served_at_any_block() {
    let node = Served::start(1);
    let validators = node.result("entropy_validators", json!([]));
    let alice = &validators["validators"][0];
    let stash = entroos_executor::genesis::dev_stash("Alice").unwrap();
    assert_eq!(
        alice["stash"],
        json!(entroos_primitives::ss58::encode(42, &stash.0))
    );
    assert_eq!(
        alice["share"]["ppb"],
        json!(1_000_000_000),
        "the only member"
    );
    let genesis = node.client.heads().genesis;
    let epoch = node.result("entropy_epoch", json!([genesis]));
    assert_eq!(epoch["startSlot"], json!(null), "no block yet at genesis");
    let epoch = node.result("entropy_epoch", json!([]));
    assert_eq!(
        (epoch["index"].clone(), epoch["setId"].clone()),
        (json!(0), json!(0))
    );
    assert!(epoch["startSlot"].is_u64());
    let diversity = node.result("entropy_diversity", json!([]));
    assert_eq!(diversity["nakamoto"], json!(1));
    assert_eq!(
        diversity["validatorEntropy"]["ppb"],
        json!(0),
        "one validator"
    );
    let unknown = node.call("entropy_diversity", json!([H256([7; 32])]));
    assert_eq!(unknown["error"]["code"], json!(4003));
}
