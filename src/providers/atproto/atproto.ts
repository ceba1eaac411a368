import type { DidResolver, NodeOAuthClient } from '@atproto/oauth-client-node';
import type { ProviderConfigOf } from '../../config/providers-schema.js';
import { randomId } from '../../crypto/random-id.js';
import { msg } from '../../i18n/message.js';
import type { StartOptions, UpstreamProvider, UpstreamStart } from '../provider.js';
import { type ProviderContext, upstreamUrl } from '../provider-context.js';
import { atprotoClientKey } from './client-key.js';
import { atprotoClient, clientDocumentsRouter, clientMetadata } from './client-metadata.js';
import { finishFailure, readerHandle, startFailure } from './errors.js';
import { atprotoIdentity } from './profile.js';
import { atprotoStores } from './stores.js';

/**
 * `type: atproto`: Bluesky and any AT Protocol account, through the official OAuth client
 * (@atproto/oauth-client-node), which resolves the handle to a DID, the DID to a PDS and the PDS to its
 * authorization server, and does PAR, DPoP and PKCE. Its stores live in Byline's Store, so a login begun
 * on one instance finishes on any. Byline keeps no atproto session: once the profile is read, the session
 * is revoked. The admin's `plcDirectory` and `handleResolver` are reached like any configured endpoint
 * (the normal upstream fetch); every host a reader's handle or DID leads to, through the guarded fetch.
 */
export function atprotoProvider(config: ProviderConfigOf<'atproto'>, ctx: ProviderContext): UpstreamProvider {
  const { store, dataDir, guardedFetch } = ctx;
  if (!store || !dataDir || !guardedFetch)
    throw new TypeError(`providers.${config.id}: atproto needs the app's store, dataDir and guarded fetch`);
  const redirectUri = ctx.callbackUrl(config.id);
  const plcDirectory = upstreamUrl(`providers.${config.id}.plcDirectory`, config.plcDirectory);
  const handleResolver =
    config.handleResolver === undefined
      ? undefined
      : upstreamUrl(`providers.${config.id}.handleResolver`, config.handleResolver);
  const adminFetch = boundedFetch(ctx.fetch, ctx.upstreamTimeout);
  const client = atprotoClient(ctx.publicUrl, config.id, redirectUri);
  const metadata = clientMetadata(client, ctx.publicUrl, redirectUri);
  const key = () => atprotoClientKey(dataDir);
  if (client.kind === 'web') ctx.mount(clientDocumentsRouter(client, metadata, key));

  // The state each authorization saved, by the appState `start` gave it (read once, in `start`).
  const begun = new Map<string, string>();
  const stores = atprotoStores(store, config.id, (appState, state) => begun.set(appState, state));
  let built: Promise<NodeOAuthClient> | undefined;
  // Loaded on the first login, so a gateway without atproto logins never pays for the library.
  const oauthClient = () => {
    built ??= (async () => {
      const atproto = await import('@atproto/oauth-client-node');
      const keyset =
        client.kind === 'web' ? [await atproto.JoseKey.fromJWK({ ...(await key()) })] : undefined;
      const allowHttp = ctx.allowPrivateUpstreams === true;
      // A did:plc document comes from the admin's directory; a did:web one from the host the DID names.
      const plc = new atproto.DidResolverCommon({ fetch: adminFetch, plcDirectoryUrl: plcDirectory });
      const web = new atproto.DidResolverCommon({ fetch: guardedFetch, allowHttp });
      const didResolver: DidResolver<'plc' | 'web'> = {
        resolve: (did, options) => (did.startsWith('did:plc:') ? plc : web).resolve(did, options),
      };
      return new atproto.NodeOAuthClient({
        clientMetadata: metadata,
        ...(keyset ? { keyset } : {}),
        ...stores,
        // Byline never refreshes a session (it ends it at once), so no lock across instances is needed.
        requestLock: atproto.requestLocalLock,
        // Every other host it reaches (PDS, authorization server, a handle's well-known URL) is the reader's.
        fetch: guardedFetch,
        didResolver,
        ...(handleResolver
          ? { handleResolver: new atproto.XrpcHandleResolver(handleResolver, { fetch: adminFetch }) }
          : {}),
        allowHttp,
      });
    })().catch((error: unknown) => {
      built = undefined;
      throw error;
    });
    return built;
  };

  return {
    id: config.id,
    type: config.type,
    name: config.name,
    icon: ctx.iconUrl(config.icon, '/static/icons/atproto.svg'),
    responseMode: 'query',
    handle: { label: msg('handle.atprotoLabel'), help: msg('handle.atprotoHelp') },
    async start(options: StartOptions): Promise<UpstreamStart> {
      const handle = readerHandle(options.handle);
      const appState = randomId(16);
      try {
        const url = await (await oauthClient()).authorize(handle, {
          state: appState,
          ...(options.forceLogin ? { prompt: 'login' } : {}),
        });
        const state = begun.get(appState);
        if (!state) throw new Error('the atproto client saved no state for its authorization');
        return { upstream: { state }, url: url.href };
      } catch (error) {
        throw startFailure(error, handle);
      } finally {
        begun.delete(appState);
      }
    },
    async finish(params) {
      const atproto = await oauthClient();
      const { session } = await atproto.callback(params).catch((error: unknown) => {
        throw finishFailure(error);
      });
      try {
        // The handle as of now, checked both ways (the reader may have signed in with another account
        // than the handle typed): without one, the reader is still who the DID says.
        const resolved = await atproto.identityResolver.resolve(session.did).catch(() => undefined);
        const handle = resolved && resolved.handle !== 'handle.invalid' ? resolved.handle : undefined;
        return await atprotoIdentity(config.id, session, handle);
      } finally {
        // Revokes the tokens at the reader's server and deletes the stored session (even when revoking fails).
        await session.signOut().catch(() => {});
      }
    },
  };
}

/**
 * `fetchFn`, each call ended after `ms` (the library gives most of its requests no signal of their own). It
 * passes Request objects: their own signal is kept beside the time limit.
 */
function boundedFetch(fetchFn: typeof fetch, ms: number): typeof fetch {
  return (input, init) => {
    const own = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    const limit = AbortSignal.timeout(ms);
    return fetchFn(input, { ...init, signal: own ? AbortSignal.any([own, limit]) : limit });
  };
}
