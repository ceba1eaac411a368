import type { NodeSavedSession, NodeSavedState } from '@atproto/oauth-client-node';
import type { Store } from '../../store/store.js';

/** How long a started login's state is kept: as long as Byline's own login transaction lives. */
const stateTtlMs = 10 * 60_000;
/** Byline reads the profile and revokes the session in the callback: a session never needs to last. */
const sessionTtlMs = 2 * 60_000;

/** The library's SimpleStore over Byline's Store, so that any instance can finish a login another began. */
function storeBacked<V>(store: Store, prefix: string, ttlMs: number) {
  return {
    get: (key: string) => store.get<V>(prefix + key),
    set: (key: string, value: V) => store.set(prefix + key, value, ttlMs),
    del: (key: string) => store.delete(prefix + key),
  };
}

/**
 * The state store (keyed by the `state` the library sends, holding its PKCE verifier and DPoP key) and
 * the session store (keyed by DID), under `atproto:<provider id>:`. `onState` hears each state saved with
 * the `appState` it carries, which is how `start` learns the state of the authorization it began.
 */
export function atprotoStores(
  store: Store,
  provider: string,
  onState: (appState: string, state: string) => void,
) {
  const states = storeBacked<NodeSavedState>(store, `atproto:${provider}:state:`, stateTtlMs);
  return {
    stateStore: {
      ...states,
      async set(key: string, value: NodeSavedState) {
        await states.set(key, value);
        if (value.appState) onState(value.appState, key);
      },
    },
    sessionStore: storeBacked<NodeSavedSession>(store, `atproto:${provider}:session:`, sessionTtlMs),
  };
}
