//! subxt (dynamic API, no code generated from metadata) against a running
//! EntroOS node: reads System.Account, then signs a transfer with subxt's
//! own signer and waits for it to be finalized successfully.
//!
//!     entroos-subxt-test ws://127.0.0.1:9944
//!
//! Prints "1 passed, 0 failed" and exits 0 when every check holds.

use subxt::dynamic::{self, Value};
use subxt::ext::scale_value::At;
use subxt::{OnlineClient, PolkadotConfig};
use subxt_signer::sr25519::dev;

type Error = Box<dyn std::error::Error>;

fn free_balance(account: &Value) -> Result<u128, Error> {
    account
        .at("data")
        .at("free")
        .and_then(|v| v.as_u128())
        .ok_or_else(|| format!("no data.free in {account}").into())
}

async fn run(url: &str) -> Result<(), Error> {
    let api = OnlineClient::<PolkadotConfig>::from_url(url).await?;
    let at = api.at_current_block().await?;
    let account = dynamic::storage::<([u8; 32],), Value>("System", "Account");
    let bob_id: [u8; 32] = dev::bob().public_key().0;
    let bob_before = free_balance(
        &at.storage()
            .fetch(account.clone(), (bob_id,))
            .await?
            .decode()?,
    )?;
    let alice_free = free_balance(
        &at.storage()
            .fetch(account.clone(), (dev::alice().public_key().0,))
            .await?
            .decode()?,
    )?;
    assert_eq!(alice_free, 1u128 << 60, "Alice's endowment");
    println!("storage read: Alice free {alice_free}, Bob free {bob_before}");

    let amount = 9_000_000_000_000u128;
    let transfer = dynamic::transaction(
        "Balances",
        "transfer_keep_alive",
        (dev::bob().public_key().to_address::<()>(), amount),
    );
    let events = at
        .transactions()
        .sign_and_submit_then_watch_default(&transfer, &dev::alice())
        .await?
        .wait_for_finalized_success()
        .await?;
    let mut names = Vec::new();
    for event in events.iter() {
        let event = event?;
        names.push(format!("{}.{}", event.pallet_name(), event.event_name()));
    }
    assert!(names.iter().any(|n| n == "Balances.Transfer"), "{names:?}");
    assert!(
        names.iter().any(|n| n == "System.ExtrinsicSuccess"),
        "{names:?}"
    );

    let later = api.at_current_block().await?;
    let bob_after = free_balance(&later.storage().fetch(account, (bob_id,)).await?.decode()?)?;
    assert!(
        bob_after >= bob_before + amount,
        "Bob {bob_before} -> {bob_after}"
    );
    println!("transfer finalized; events {names:?}");
    Ok(())
}

#[tokio::main]
async fn main() {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "ws://127.0.0.1:9944".into());
    match run(&url).await {
        Ok(()) => println!("1 passed, 0 failed"),
        Err(e) => {
            eprintln!("subxt test failed: {e}");
            println!("0 passed, 1 failed");
            std::process::exit(1);
        }
    }
}
