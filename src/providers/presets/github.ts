import type { ProviderConfigOf } from '../../config/providers-schema.js';
import type { Identity } from '../../identity.js';
import type { ProfileInput, ProviderDescription } from '../description.js';
import { identityOf } from '../profile.js';
import { type ProviderContext, upstreamEndpoint } from '../provider-context.js';
import { presetBase } from './base.js';

/** The fields of `GET /user` that Byline reads. */
interface GitHubUser {
  id?: unknown;
  login?: unknown;
  name?: unknown;
  avatar_url?: unknown;
  html_url?: unknown;
}

/**
 * The reader's primary address from `GET /user/emails`, only when GitHub verified it: an unverified
 * primary gives no email at all (GitHub could not say it is the reader's), and another verified
 * address is not the one the reader chose to be reached at.
 */
function primaryVerifiedEmail(emails: unknown[]): unknown {
  const primary = emails.find(
    (entry): entry is Record<string, unknown> =>
      entry !== null && typeof entry === 'object' && (entry as { primary?: unknown }).primary === true,
  );
  return primary?.verified === true ? primary.email : undefined;
}

/**
 * `GET /user` (and the verified email) as Byline's Identity. The subject is the numeric `id`, never the
 * `login`, which the reader can change (and someone else can then take).
 */
export function identityFromUser(provider: string, user: GitHubUser, email: unknown): Identity {
  if (typeof user.id !== 'number' || !Number.isSafeInteger(user.id) || user.id <= 0)
    throw new Error('GitHub returned no numeric user id');
  return identityOf({
    provider,
    id: String(user.id),
    name: user.name,
    username: user.login,
    // Only the primary address GitHub verified is ever given (primaryVerifiedEmail).
    email,
    emailVerified: true,
    picture: user.avatar_url,
    website: user.html_url,
  });
}

const web = 'https://github.com';
const api = 'https://api.github.com';

/**
 * What api.github.com asks of every call: a User-Agent naming the app (no User-Agent is a 403), its
 * media type, and the REST API version the answers are read as.
 */
const apiHeaders = {
  'user-agent': 'Byline',
  accept: 'application/vnd.github+json',
  'x-github-api-version': '2022-11-28',
};

const emailScope = 'user:email';

/**
 * True when the token may read `/user/emails`. GitHub lists the granted scopes comma-separated, and a
 * reader may grant fewer than asked; no `scope` at all means the ones asked (RFC 6749 §5.1).
 */
function mayReadEmails(scope: string | undefined): boolean {
  if (scope === undefined) return true;
  const granted = scope.split(/[\s,]+/);
  return granted.includes(emailScope) || granted.includes('user');
}

/**
 * `/user/emails` beside the profile: api.github.com's, or, when `endpoints.userinfo` is overridden
 * (GitHub Enterprise Server's `https://ghe.example/api/v3/user`, a proxy), next to that `/user`. The
 * token must never go to api.github.com when the profile comes from elsewhere, so an override that
 * does not end in `/user` needs `endpoints.emails` too.
 */
function defaultEmailsUrl(provider: string, userinfo: string | undefined): URL {
  if (userinfo === undefined) return new URL(`${api}/user/emails`);
  const user = upstreamEndpoint(provider, 'userinfo', userinfo);
  if (!/\/user\/?$/.test(user.pathname))
    throw new TypeError(
      `providers.${provider}.endpoints.emails: must be set when endpoints.userinfo does not end in /user`,
    );
  return new URL(`${user.pathname.replace(/\/?$/, '')}/emails`, user);
}

/**
 * `type: github`: GitHub's OAuth apps (OAuth 2.0, not OpenID Connect). The token endpoint takes the
 * secret in the body and answers its errors with 200 OK (the engine reads the `error` there); PKCE S256
 * is sent. The profile is `GET /user`; the email, `GET /user/emails` with scope `user:email`.
 */
export function githubDescription(
  config: ProviderConfigOf<'github'>,
  ctx: ProviderContext,
): ProviderDescription {
  const { emails: emailsOverride, ...endpoints } = config.endpoints ?? {};
  const emailsUrl = emailsOverride
    ? upstreamEndpoint(config.id, 'emails', emailsOverride)
    : defaultEmailsUrl(config.id, endpoints.userinfo);
  // 100 per page (the most GitHub allows), so that the primary address is on the one page read.
  emailsUrl.searchParams.set('per_page', '100');

  async function profile({ provider, tokens, fetchJson, fetchJsonArray }: ProfileInput): Promise<Identity> {
    const user = await fetchJson(undefined, apiHeaders);
    const email = mayReadEmails(tokens.scope)
      ? primaryVerifiedEmail(await fetchJsonArray(emailsUrl, apiHeaders))
      : undefined;
    return identityFromUser(provider, user, email);
  }

  return {
    ...presetBase(config, ctx, 'github'),
    server: {
      endpoints: {
        authorization: `${web}/login/oauth/authorize`,
        token: `${web}/login/oauth/access_token`,
        userinfo: `${api}/user`,
      },
    },
    ...(Object.keys(endpoints).length > 0 ? { endpoints } : {}),
    clientAuth: { method: 'client_secret_post', secret: config.clientSecret },
    // The public profile needs no scope; the email addresses need user:email.
    scopes: [emailScope],
    forceLoginParams: { prompt: 'select_account' },
    // GitHub refuses a token to an account whose primary address is unverified.
    deniedTokenErrors: ['unverified_user_email'],
    profile,
  };
}
