// `<node>: js-script ./transfer.js with "<Name>"`: Alice sends 1 ENT to the
// dev account //<Name> (default Bob) through <node>, now and again at each
// of the next few new blocks, so that a `system event contains "balances :
// Transfer"` line that follows finds a block with a transfer among those it
// watches. Returns 1 once the pool accepted the first transfer; the later
// ones are sent after the script returns, and the connection is closed
// after the last.
const FOLLOW_UP_BLOCKS = 6;
const ONE_ENT = 1_000_000_000_000n;

async function run(nodeName, networkInfo, args) {
  await zombie.util.cryptoWaitReady();
  const api = await zombie.connect(networkInfo.nodesByName[nodeName].wsUri);
  const keyring = new zombie.Keyring({ type: "sr25519" });
  const alice = keyring.addFromUri("//Alice");
  const dest = keyring.addFromUri(`//${args[0] || "Bob"}`).address;
  const send = () => api.tx.balances.transferKeepAlive(dest, ONE_ENT).signAndSend(alice, { nonce: -1 });
  const hash = await send();
  console.log(`transfer ${hash.toHex()} from Alice to ${dest} is in the pool`);
  let blocks = 0;
  const unsubscribe = await api.rpc.chain.subscribeNewHeads(async () => {
    blocks += 1;
    if (blocks > FOLLOW_UP_BLOCKS) return;
    try {
      await send();
    } catch (e) {
      console.log(`follow-up transfer refused: ${e.message}`);
    }
    if (blocks === FOLLOW_UP_BLOCKS) {
      unsubscribe();
      await api.disconnect();
    }
  });
  return 1;
}

module.exports = { run };
