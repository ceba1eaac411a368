import { createHash } from 'node:crypto';
import type { ProviderConfigOf } from '../../config/providers-schema.js';
import { randomId } from '../../crypto/random-id.js';
import { msg } from '../../i18n/message.js';
import { cameFrom, taggedCallback } from '../callback-tag.js';
import type {
  IndieAuthServer,
  IndieAuthTransaction,
  StartOptions,
  UpstreamProvider,
  UpstreamStart,
} from '../provider.js';
import type { ProviderContext } from '../provider-context.js';
import { clientDocumentRouter, indieAuthClient } from './client-metadata.js';
import { discoverServer, sameServer } from './discovery.js';
import { typedWebsite } from './profile-url.js';
import { indieAuthIdentity, redeemCode } from './redeem.js';

/**
 * `type: indieauth`: the reader logs in with their own website (IndieAuth, https://indieauth.spec.indieweb.org/).
 * `start` takes the address they typed, finds the authorization server their home page declares and sends
 * them there with Byline's client_id (a metadata document under publicUrl), PKCE S256, `state` and the
 * `profile` scope. `finish` checks `iss`, redeems the code at the authorization endpoint and accepts the
 * profile URL (`me`) it answers only on the site the reader typed and when that page declares the same
 * server (IndieAuth §5.4). Every fetch goes to a host a reader named, so through the guarded fetch.
 * Against a mix-up between servers (one the reader was sent to, bouncing them to another), the redirect
 * URI is tagged per server (callback-tag.ts; a redirect URI on the client_id's origin needs no listing in
 * the client metadata, §4.2.2, which lists the untagged one), a callback through another server's is
 * refused, and so is an `iss` from a server whose metadata named no issuer.
 */
export function indieauthProvider(
  config: ProviderConfigOf<'indieauth'>,
  ctx: ProviderContext,
): UpstreamProvider {
  const allowPrivate = ctx.allowPrivateUpstreams === true;
  const callback = ctx.callbackUrl(config.id);
  const client = indieAuthClient(ctx.publicUrl, config.id, callback);
  const redirectUri = (server: IndieAuthServer) => taggedCallback(callback, server.authorization);
  ctx.mount(clientDocumentRouter(client));
  // Every host here is one a reader named: the site, its metadata, the server's endpoint.
  const siteFetch = ctx.guardedFetch;
  if (!siteFetch) throw new TypeError(`providers.${config.id}: indieauth needs the app's guarded fetch`);
  const scope = config.email ? 'profile email' : 'profile';

  return {
    id: config.id,
    type: config.type,
    name: config.name,
    icon: ctx.iconUrl(config.icon, '/static/icons/indieauth.svg'),
    responseMode: 'query',
    handle: { label: msg('handle.indieauthLabel'), help: msg('handle.indieauthHelp') },
    // IndieAuth has no parameter asking for a fresh login: `forceLogin` is the server's to ignore.
    async start(options: StartOptions): Promise<UpstreamStart> {
      const typed = typedWebsite(options.handle, allowPrivate);
      const signal = AbortSignal.timeout(ctx.upstreamTimeout);
      const found = await discoverServer(siteFetch, typed, { allowPrivate, signal });
      const state = randomId(32);
      const codeVerifier = randomId(32);
      const url = new URL(found.server.authorization);
      for (const [name, value] of Object.entries({
        response_type: 'code',
        client_id: client.clientId,
        redirect_uri: redirectUri(found.server),
        state,
        code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
        code_challenge_method: 'S256',
        scope,
        // IndieAuth §5.2: a hint of who is logging in, as typed (canonicalised).
        me: typed.href,
      }))
        url.searchParams.set(name, value);
      const indieauth: IndieAuthTransaction = {
        server: found.server,
        page: found.page.href,
        hosts: found.hosts,
      };
      return { upstream: { state, codeVerifier, indieauth }, url: url.href };
    },

    async finish(params, upstream) {
      const { indieauth, codeVerifier } = upstream;
      if (!indieauth || !codeVerifier) throw new Error('the login transaction has no IndieAuth server');
      const { server } = indieauth;
      // RFC 9207 as IndieAuth §5.2.1 requires: simple string comparison with the metadata's issuer. A server
      // found through the earlier links has no issuer: a callback with one came from another server.
      const iss = params.get('iss');
      if (
        server.issuer === undefined ? iss !== null : iss === null ? server.issRequired : iss !== server.issuer
      )
        throw new Error(
          iss === null
            ? 'the callback has no iss'
            : server.issuer === undefined
              ? "the callback has an iss, but the server's metadata named no issuer"
              : "the callback's iss is not the server's issuer",
        );
      if (!cameFrom(params, server.authorization))
        throw new Error("the callback did not come through the IndieAuth server's redirect URI");
      const signal = AbortSignal.timeout(ctx.upstreamTimeout);
      const answer = await redeemCode(
        siteFetch,
        {
          endpoint: server.authorization,
          code: params.get('code') ?? '',
          clientId: client.clientId,
          redirectUri: redirectUri(server),
          codeVerifier,
        },
        allowPrivate,
        signal,
      );
      const { me } = answer;
      if (!indieauth.hosts.includes(me.host))
        throw new Error(`the IndieAuth server answered a profile URL on another site (${me.host})`);
      // IndieAuth §5.4: unless it is the page the server was found on, the profile URL must declare the
      // same server, or this server could speak for any page of the site.
      if (me.href !== indieauth.page) {
        const declared = await discoverServer(siteFetch, me, { allowPrivate, signal }).catch(
          (error: unknown) => {
            throw new Error('the profile URL the IndieAuth server answered declares no server', {
              cause: error,
            });
          },
        );
        if (!sameServer(declared.server, server))
          throw new Error('the profile URL the IndieAuth server answered declares another server');
      }
      return indieAuthIdentity(config.id, answer);
    },
  };
}
