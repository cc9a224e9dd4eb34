// `<node>: js-script ./finality-halted.js`: with a third or more of the
// voting weight stopped, blocks go on and finality stands still. Waits
// until <node>'s best block is STALL_GAP blocks above its finalized one,
// then until MORE_BLOCKS further blocks are authored, and fails if the
// finalized block moved meanwhile. Returns how far the best block is then
// above the finalized one.
const { bestHeight, finalizedHeight, waitFor } = require("./rpc.js");

const STALL_GAP = 3;
const MORE_BLOCKS = 4;
const DEADLINE_SECONDS = 90;

async function run(nodeName, networkInfo) {
  const node = networkInfo.nodesByName[nodeName].wsUri;
  const stalledAt = await waitFor(`a gap of ${STALL_GAP} blocks on ${nodeName}`, DEADLINE_SECONDS, async () => {
    const [best, finalized] = [await bestHeight(node), await finalizedHeight(node)];
    return best - finalized >= STALL_GAP && { best, finalized };
  });
  const best = await waitFor(`${MORE_BLOCKS} more blocks on ${nodeName}`, DEADLINE_SECONDS, async () => {
    const height = await bestHeight(node);
    return height >= stalledAt.best + MORE_BLOCKS && height;
  });
  const finalized = await finalizedHeight(node);
  if (finalized !== stalledAt.finalized) {
    throw new Error(`finality moved from #${stalledAt.finalized} to #${finalized} without enough weight`);
  }
  console.log(`${nodeName}: best #${best}, finalized still #${finalized}`);
  return best - finalized;
}

module.exports = { run };
