// Plain JSON-RPC over HTTP (the node serves HTTP POST on its WebSocket port)
// for the checks zombienet runs with `js-script`, and a deadline-bound wait.

function httpUrl(wsUri) {
  return wsUri.replace(/^ws/, "http");
}

async function call(wsUri, method, params = []) {
  const response = await fetch(httpUrl(wsUri), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = await response.json();
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

async function bestHeight(wsUri) {
  const header = await call(wsUri, "chain_getHeader");
  return parseInt(header.number, 16);
}

async function finalizedHeight(wsUri) {
  const hash = await call(wsUri, "chain_getFinalizedHead");
  const header = await call(wsUri, "chain_getHeader", [hash]);
  return parseInt(header.number, 16);
}

// Polls `check` every half second until it returns a truthy value, which it
// returns; throws with `what` and the last value seen once `seconds` pass.
async function waitFor(what, seconds, check) {
  const deadline = Date.now() + seconds * 1000;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) {
      last = e.message;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`timed out after ${seconds} s waiting for ${what} (last: ${last})`);
}

module.exports = { call, bestHeight, finalizedHeight, waitFor };
