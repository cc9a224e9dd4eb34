// SubQuery mapping handlers for EntroOS, in plain CommonJS: @subql/node
// requires this file inside its sandbox, where `store` is the entity store
// (entities are plain objects with an `id`; a relation `x: X` is stored as
// `xId`). The block handler records every block and each of its extrinsics
// with its outcome (read from System.ExtrinsicSuccess / ExtrinsicFailed);
// the event handler records every Balances.Transfer.

function extrinsicEvents(events, index) {
  return events.filter(({ phase }) => phase.isApplyExtrinsic && phase.asApplyExtrinsic.toNumber() === index);
}

function extrinsicEntity(blockId, xt, index, events) {
  const outcome = extrinsicEvents(events, index);
  return {
    id: `${blockId}-${index}`,
    blockId,
    index,
    hash: xt.hash.toHex(),
    module: xt.method.section,
    call: xt.method.method,
    signer: xt.isSigned ? xt.signer.toString() : undefined,
    nonce: xt.isSigned ? xt.nonce.toNumber() : undefined,
    success: outcome.some(({ event }) => event.section === 'system' && event.method === 'ExtrinsicSuccess'),
  };
}

async function handleBlock(block) {
  const { header, extrinsics } = block.block;
  const number = header.number.toNumber();
  const id = `${number}`;
  await store.set('Block', id, {
    id,
    number,
    hash: header.hash.toHex(),
    parentHash: header.parentHash.toHex(),
    stateRoot: header.stateRoot.toHex(),
    extrinsicsRoot: header.extrinsicsRoot.toHex(),
    specVersion: block.specVersion,
    timestamp: block.timestamp,
    extrinsicCount: extrinsics.length,
    eventCount: block.events.length,
  });
  const rows = extrinsics.map((xt, index) => extrinsicEntity(id, xt, index, block.events));
  if (rows.length > 0) await store.bulkCreate('Extrinsic', rows);
}

async function handleTransfer(event) {
  const [from, to, amount] = event.event.data;
  const blockId = `${event.block.block.header.number.toNumber()}`;
  const { phase } = event;
  const id = `${blockId}-${event.idx}`;
  await store.set('Transfer', id, {
    id,
    blockId,
    extrinsicId: phase.isApplyExtrinsic ? `${blockId}-${phase.asApplyExtrinsic.toNumber()}` : undefined,
    from: from.toString(),
    to: to.toString(),
    amount: amount.toBigInt(),
  });
}

module.exports = { handleBlock, handleTransfer };
