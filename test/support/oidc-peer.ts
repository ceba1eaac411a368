import type { Server } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { inMemoryIdpSettings } from '../../src/providers/dev-idp-settings.js';
import { listenOnFreePort } from './gateway.js';

interface PeerAccount {
  sub: string;
  name?: string;
  email?: string;
  email_verified?: boolean;
  picture?: string;
  website?: string;
}

export interface OidcPeer {
  issuer: string;
  clientId: string;
  clientSecret: string;
  provider: Provider;
  /** The account the next login completes as. */
  account: PeerAccount;
  /** Set to make the interaction deny the login (error=access_denied back to Byline). */
  deny: boolean;
  requests: string[];
  /** Points the peer's registered redirect URI at Byline (known once Byline listens). */
  register(redirectUri: string): void;
  close(): Promise<void>;
}

/**
 * A real OpenID provider (oidc-provider) on 127.0.0.1:0 whose login interaction completes at once as
 * `peer.account`, so tests drive a full authorization code flow over HTTP.
 */
export async function startOidcPeer(
  options: { clientId?: string; clientSecret?: string } = {},
): Promise<OidcPeer> {
  const { server, url } = await listenOnFreePort();
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig' };
  const peer = {
    issuer: url,
    clientId: options.clientId ?? 'byline-client',
    clientSecret: options.clientSecret ?? 'peer-client-secret-0123456789',
    account: {
      sub: 'alice-123',
      name: 'Alice Example',
      email: 'alice@example.com',
      email_verified: true,
    } as PeerAccount,
    deny: false,
    requests: [] as string[],
  };
  let provider: Provider | undefined;
  server.on('request', (req, res) => {
    peer.requests.push(`${req.method} ${req.url}`);
    if (!provider) {
      res.statusCode = 503;
      res.end();
      return;
    }
    const uid = /^\/interaction\/([^/?]+)/.exec(req.url ?? '')?.[1];
    if (uid && req.method === 'GET') {
      const result = peer.deny
        ? { error: 'access_denied', error_description: 'The user said no.' }
        : { login: { accountId: peer.account.sub } };
      provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false }).catch(() => {
        res.statusCode = 500;
        res.end();
      });
      return;
    }
    provider.callback()(req, res);
  });

  function register(redirectUri: string): void {
    const configuration: Configuration = {
      ...inMemoryIdpSettings,
      clients: [
        {
          client_id: peer.clientId,
          client_secret: peer.clientSecret,
          redirect_uris: [redirectUri],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
      jwks: { keys: [jwk] },
      cookies: { keys: ['peer-cookie-key'] },
      claims: {
        openid: ['sub'],
        profile: ['name', 'picture', 'website'],
        email: ['email', 'email_verified'],
      },
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx: KoaContextWithOIDC, interaction) => `/interaction/${interaction.uid}` },
      findAccount: async (_ctx: KoaContextWithOIDC, sub: string) => ({
        accountId: sub,
        claims: async () => ({ ...peer.account, sub }),
      }),
      async loadExistingGrant(ctx: KoaContextWithOIDC) {
        const { oidc } = ctx;
        if (!oidc.client || !oidc.session?.accountId) return undefined;
        const grant = new oidc.provider.Grant({
          clientId: oidc.client.clientId,
          accountId: oidc.session.accountId,
        });
        grant.addOIDCScope('openid profile email');
        await grant.save();
        return grant;
      },
    };
    provider = new Provider(url, configuration);
  }

  Object.defineProperty(peer, 'provider', {
    get() {
      if (!provider) throw new Error('register() the redirect URI first');
      return provider;
    },
  });
  return Object.assign(peer, { register, close: () => closeServer(server) }) as OidcPeer;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
