// Helpers for papi.test.mjs: dev keys derived the way PAPI's own docs do
// (@polkadot-labs/hdkd from the dev phrase), a PAPI client over
// `polkadot-api/ws`'s getWsProvider that records its JSON-RPC traffic, and
// observable waits that fail with the traffic instead of hanging.
import { createClient } from 'polkadot-api';
import { getWsProvider } from 'polkadot-api/ws';
import { getPolkadotSigner } from 'polkadot-api/signer';
import { sr25519CreateDerive } from '@polkadot-labs/hdkd';
import { DEV_PHRASE, entropyToMiniSecret, mnemonicToEntropy, ss58Address } from '@polkadot-labs/hdkd-helpers';
import { firstValueFrom, filter, throwError, timeout } from 'rxjs';
// Node.js 20 (Debian's) has no global WebSocket; PAPI's docs pass `ws` then.
import { WebSocket } from 'ws';

const derive = sr25519CreateDerive(entropyToMiniSecret(mnemonicToEntropy(DEV_PHRASE)));

// `path` is a derivation such as `//Alice` or `//Alice//stash`.
export function devAccount(path) {
  const pair = derive(path);
  return {
    path,
    publicKey: pair.publicKey,
    address: ss58Address(pair.publicKey, 42),
    signer: getPolkadotSigner(pair.publicKey, 'Sr25519', pair.sign),
  };
}

export const ENDOWED = ['//Alice', '//Bob', '//Charlie', '//Dave', '//Eve', '//Ferdie', '//Alice//stash', '//Bob//stash'];

// A PAPI client on `wsUrl` whose WebSocket traffic is recorded: every method
// sent (`methods`) and the last messages both ways (`tail()`), so that a
// failure names the call and the node's answer.
export function tracedClient(wsUrl) {
  const methods = new Set();
  const recent = [];
  const logger = (event) => {
    if (event.type !== 'IN' && event.type !== 'OUT') return;
    if (event.type === 'OUT') {
      try {
        const { method } = JSON.parse(event.msg);
        if (method) methods.add(method);
      } catch {
        // not JSON: recorded below as is
      }
    }
    recent.push(`${event.type === 'OUT' ? '>>' : '<<'} ${event.msg.length > 1500 ? `${event.msg.slice(0, 1500)}…` : event.msg}`);
    if (recent.length > 80) recent.shift();
  };
  const client = createClient(getWsProvider(wsUrl, { websocketClass: WebSocket, logger }));
  return {
    client,
    methods,
    tail: (n = 40) => recent.slice(-n).join('\n'),
  };
}

// The first value of `observable$` that satisfies `predicate`, or an error
// after `ms`.
export function firstMatching(observable$, predicate, ms, what) {
  return firstValueFrom(
    observable$.pipe(
      filter(predicate),
      timeout({ first: ms, with: () => throwError(() => new Error(`timed out after ${ms} ms waiting for ${what}`)) }),
    ),
  );
}
