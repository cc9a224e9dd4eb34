// `<node>: js-script ./caught-up.js with "<reference>"`: waits until <node>
// has finalized the height that <reference> (default: <node> itself) had
// as its best block when the check began, and no longer reports itself
// syncing. Returns <node>'s finalized height.
//
// After a restart this shows a validator back in sync; for a node started
// late, that it synced; on a node whose finality had stalled, that every
// block authored meanwhile got finalized.
const { call, bestHeight, finalizedHeight, waitFor } = require("./rpc.js");

const DEADLINE_SECONDS = 120;

async function run(nodeName, networkInfo, args) {
  const node = networkInfo.nodesByName[nodeName].wsUri;
  const reference = networkInfo.nodesByName[args[0] || nodeName].wsUri;
  const target = await bestHeight(reference);
  const finalized = await waitFor(
    `${nodeName} to finalize #${target}`,
    DEADLINE_SECONDS,
    async () => {
      const height = await finalizedHeight(node);
      return height >= target && height;
    },
  );
  await waitFor(`${nodeName} to stop syncing`, DEADLINE_SECONDS, async () => {
    const health = await call(node, "system_health");
    return !health.isSyncing;
  });
  console.log(`${nodeName} finalized #${finalized} (target #${target})`);
  return finalized;
}

module.exports = { run };
