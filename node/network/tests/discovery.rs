//! Four workers find each other through one boot node over `/ws`.

mod common;

use common::{config, start, wait_until, within, Node, ANNOUNCES, GENESIS, SYNC};
use entroos_network::NetworkEvent;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_workers_discover_each_other_from_one_boot_node() {
    let boot = start(config(GENESIS, 64 * 1024, b"boot")).await;
    let mut nodes = vec![boot];
    for i in 1..4u8 {
        let mut cfg = config(GENESIS, 64 * 1024, &[i]);
        cfg.boot_nodes = vec![nodes[0].addr()];
        nodes.push(start(cfg).await);
    }
    for node in &nodes {
        let handle = node.handle.clone();
        wait_until("three open peers each", move || {
            handle.stats().open_peers == 3
        })
        .await;
    }

    let sender = nodes[1].peer;
    for (i, node) in nodes.iter().enumerate().filter(|(i, _)| *i != 1) {
        let message = vec![i as u8; 100];
        nodes[1]
            .handle
            .send_notification(&node.peer, ANNOUNCES, message)
            .expect("open");
    }
    for (i, node) in nodes.iter_mut().enumerate().filter(|(i, _)| *i != 1) {
        assert_eq!(node.notification(sender).await, vec![i as u8; 100]);
    }

    let (requester, responder) = (nodes[3].handle.clone(), nodes[2].peer);
    let request = tokio::spawn(requester.request(&responder, SYNC, b"blocks?".to_vec()));
    serve_one(&mut nodes[2], b"blocks!").await;
    assert_eq!(
        within("response", request).await.expect("task"),
        Ok(b"blocks!".to_vec())
    );
}

async fn serve_one(node: &mut Node, response: &[u8]) {
    let respond = node
        .next("a request", |event| match event {
            NetworkEvent::Request { respond, .. } => Some(respond),
            _ => None,
        })
        .await;
    respond.send(response.to_vec()).expect("requester waiting");
}
