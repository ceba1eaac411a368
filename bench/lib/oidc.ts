import { randomBytes } from 'node:crypto';
import { CookieJar, expectStatus, send } from './http.js';
import { pkce, throughProvider } from './login.js';

/**
 * The relying party of the OpenID rows, on both servers alike: a confidential client
 * (client_secret_basic) using PKCE, asking for `openid offline_access`, its ID tokens ES256.
 */
export const oidcSite = {
  id: 'bench-rp',
  name: 'Bench Relying Party',
  origin: 'https://rp.example',
  redirectUri: 'https://rp.example/callback',
  secret: 'bench-rp-secret-0123456789abcdef',
  scope: 'openid offline_access',
};

const basic = `Basic ${Buffer.from(
  `${encodeURIComponent(oidcSite.id)}:${encodeURIComponent(oidcSite.secret)}`,
).toString('base64')}`;

export interface OidcTokens {
  access_token: string;
  refresh_token: string;
  id_token: string;
}

/** A code waiting to be exchanged, with the PKCE verifier of its authorization request. */
export interface PendingCode {
  code: string;
  verifier: string;
}

/**
 * A new reader's login at Byline for the relying party, up to the code: `/authorize?scope=openid
 * offline_access&nonce=…&idp=wordpress` → the WordPress.com double → `/auth/wordpress/callback` → the
 * redirect_uri with a code. The exchange is left to the measured rows.
 */
export async function bylineOidcCode(byline: string): Promise<PendingCode> {
  const jar = new CookieJar();
  const { verifier, challenge } = pkce();
  const authorize = new URL('/authorize', byline);
  authorize.search = new URLSearchParams({
    client_id: oidcSite.id,
    redirect_uri: oidcSite.redirectUri,
    response_type: 'code',
    scope: oidcSite.scope,
    state: randomBytes(12).toString('base64url'),
    nonce: randomBytes(12).toString('base64url'),
    code_challenge: challenge,
    code_challenge_method: 'S256',
    idp: 'wordpress',
  }).toString();
  const start = expectStatus(await send(authorize.href, { jar }), 302, 'byline /authorize (openid)');
  const callback = await throughProvider(start.location, jar, 'byline (openid)');
  const back = expectStatus(await send(callback, { jar }), 302, 'byline callback (openid)');
  const code = back.location?.startsWith(oidcSite.redirectUri)
    ? new URL(back.location).searchParams.get('code')
    : null;
  if (!code) throw new Error(`byline callback (openid): no code for the site (${back.location})`);
  return { code, verifier };
}

function tokens(text: string, what: string): OidcTokens {
  const answer = JSON.parse(text) as Partial<OidcTokens>;
  if (!answer.access_token || !answer.refresh_token || !answer.id_token)
    throw new Error(`${what}: expected an access, refresh and ID token, got ${text.slice(0, 200)}`);
  return answer as OidcTokens;
}

/** `POST /token` with grant_type=authorization_code, the client authenticated with HTTP Basic. */
export async function exchangeCode(tokenUrl: string, pending: PendingCode): Promise<OidcTokens> {
  const answer = await send(tokenUrl, {
    headers: { authorization: basic },
    form: {
      grant_type: 'authorization_code',
      code: pending.code,
      redirect_uri: oidcSite.redirectUri,
      code_verifier: pending.verifier,
    },
  });
  return tokens(expectStatus(answer, 200, `code exchange at ${tokenUrl}`).text, 'code exchange');
}

/** `POST /token` with grant_type=refresh_token (HTTP Basic); returns the rotated tokens. */
export async function refreshGrant(tokenUrl: string, refreshToken: string): Promise<OidcTokens> {
  const answer = await send(tokenUrl, {
    headers: { authorization: basic },
    form: { grant_type: 'refresh_token', refresh_token: refreshToken },
  });
  return tokens(expectStatus(answer, 200, `refresh grant at ${tokenUrl}`).text, 'refresh grant');
}
