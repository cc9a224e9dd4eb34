"""py-substrate-interface against a running EntroOS node: connect, read
System.Account, compose, sign and submit a transfer, wait for finalization.

    python transfer_test.py ws://127.0.0.1:9944
"""
import sys

from substrateinterface import Keypair, SubstrateInterface


def main(url: str) -> None:
    substrate = SubstrateInterface(url=url)
    assert substrate.chain == "Development", substrate.chain
    assert substrate.ss58_format == 42, substrate.ss58_format
    alice = Keypair.create_from_uri("//Alice")
    bob = Keypair.create_from_uri("//Bob")

    before = substrate.query("System", "Account", [bob.ss58_address])
    assert before.value["data"]["free"] > 0, before.value

    amount = 7 * 10**12
    call = substrate.compose_call(
        call_module="Balances",
        call_function="transfer_keep_alive",
        call_params={"dest": bob.ss58_address, "value": amount},
    )
    extrinsic = substrate.create_signed_extrinsic(call=call, keypair=alice)
    receipt = substrate.submit_extrinsic(extrinsic, wait_for_finalization=True)
    assert receipt.is_success, receipt.error_message
    events = [f"{e.value['module_id']}.{e.value['event_id']}" for e in receipt.triggered_events]
    assert "Balances.Transfer" in events, events
    assert "System.ExtrinsicSuccess" in events, events

    after = substrate.query("System", "Account", [bob.ss58_address], block_hash=receipt.block_hash)
    assert after.value["data"]["free"] - before.value["data"]["free"] == amount
    print(f"transfer finalized in {receipt.block_hash}, fee {receipt.total_fee_amount}, events {events}")
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main(sys.argv[1])
