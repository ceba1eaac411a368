import { createHash, randomBytes } from 'node:crypto';
import express, { type RequestHandler, type Router } from 'express';
import { exportJWK, generateKeyPair } from 'jose';
import type Provider from 'oidc-provider';
import type { Configuration as IdpConfiguration, KoaContextWithOIDC } from 'oidc-provider';
import type { ProviderConfigOf } from '../config/schema.js';
import { BylineError, htmlErrors } from '../http/errors.js';
import { formBody } from '../http/form-body.js';
import { openerAllowed } from '../http/security.js';
import { html, renderPage } from '../http/views.js';
import { msg } from '../i18n/message.js';
import type { ProviderDescription } from './description.js';
import { inMemoryIdpSettings } from './dev-idp-settings.js';
import { oidcProfile } from './oidc-profile.js';
import { cleanEmail, cleanText } from './profile.js';
import type { ProviderContext } from './provider-context.js';

interface DevAccount {
  name: string;
  email?: string;
}

/** Where the dev IdP lives under Byline's public URL. */
function devIdpPath(id: string): string {
  return id === 'dev' ? '/dev-idp' : `/dev-idp-${id}`;
}

/** A stable subject for a typed name, so logging in as "Ada" twice is the same commenter. */
function accountId(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  const id = slug || Buffer.from(name).toString('base64url');
  // A subject is at most 255 characters (profile.ts refuses longer ones): 80 non-Latin characters
  // encode to ~320, so a long one becomes its digest.
  return id.length <= 255 ? id : createHash('sha256').update(name).digest('base64url');
}

/**
 * `type: dev`: a real OpenID provider (oidc-provider) mounted inside Byline, whose login page takes any
 * name. Byline talks to it over HTTP through the same engine as any other OpenID provider, so the
 * default configuration exercises the real code path with no credentials.
 */
export function devDescription(config: ProviderConfigOf<'dev'>, ctx: ProviderContext): ProviderDescription {
  const path = devIdpPath(config.id);
  const issuer = `${ctx.publicUrl}${path}`;
  const clientId = 'byline';
  const clientSecret = randomBytes(24).toString('base64url');
  // Accounts live as long as the process: the dev IdP is for one developer's machine.
  const accounts = new Map<string, DevAccount>();

  // oidc-provider takes most of a second to import: it is loaded on the first dev login, not at start-up.
  let started: Promise<Provider> | undefined;
  const ready = () => (started ??= start());
  const start = async (): Promise<Provider> => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const signingJwk = { ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig' };
    const idpConfig: IdpConfiguration = {
      ...inMemoryIdpSettings,
      clients: [
        {
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: [ctx.callbackUrl(config.id)],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          id_token_signed_response_alg: 'ES256',
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
      jwks: { keys: [signingJwk] },
      cookies: { keys: [randomBytes(32).toString('base64url')] },
      claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
      features: { devInteractions: { enabled: false } },
      pkce: { required: () => true },
      interactions: {
        url: (_ctx: KoaContextWithOIDC, interaction) => `${path}/interaction/${interaction.uid}`,
      },
      async findAccount(_ctx: KoaContextWithOIDC, sub: string) {
        const account = accounts.get(sub);
        if (!account) return undefined;
        return {
          accountId: sub,
          async claims() {
            return {
              sub,
              name: account.name,
              ...(account.email ? { email: account.email, email_verified: true } : {}),
            };
          },
        };
      },
      // Byline is the only client and is first-party: grant its scopes without a consent screen.
      async loadExistingGrant(ctx: KoaContextWithOIDC) {
        const { oidc } = ctx;
        if (!oidc.client || !oidc.session?.accountId) return undefined;
        const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
        if (grantId) {
          const existing = await oidc.provider.Grant.find(grantId);
          if (existing) return existing;
        }
        const grant = new oidc.provider.Grant({
          clientId: oidc.client.clientId,
          accountId: oidc.session.accountId,
        });
        grant.addOIDCScope('openid profile email');
        await grant.save();
        return grant;
      },
      async renderError(ctx: KoaContextWithOIDC, out) {
        ctx.type = 'html';
        ctx.body = `<!doctype html><title>Dev IdP error</title><p>${html`${out.error}: ${out.error_description ?? ''}`.html}</p>`;
      },
    };
    const { default: OidcProvider } = await import('oidc-provider');
    const idp = new OidcProvider(issuer, idpConfig);
    // It reads its own URL from the forwarding headers that pinToPublicUrl sets, never from the client's.
    idp.proxy = true;
    return idp;
  };

  const router: Router = express.Router();
  // oidc-provider builds its endpoint URLs (discovery, redirects, form actions) from the request's Host;
  // pin them to publicUrl so that no Host or X-Forwarded-* header a client sends can change them.
  const external = new URL(ctx.publicUrl);
  const pinToPublicUrl: RequestHandler = (req, _res, next) => {
    req.headers.host = external.host;
    req.headers['x-forwarded-host'] = external.host;
    req.headers['x-forwarded-proto'] = external.protocol.slice(0, -1);
    delete req.headers['x-forwarded-port'];
    delete req.headers.forwarded;
    next();
  };
  router.use(path, htmlErrors, openerAllowed, pinToPublicUrl);
  const form = formBody({ limit: 4 * 1024, parameterLimit: 20 });
  router.get(`${path}/interaction/:uid`, async (req, res, next) => {
    try {
      const idp = await ready();
      const details = await idp.interactionDetails(req, res);
      if (details.prompt.name !== 'login') throw new BylineError('invalid_request', msg('dev.expired'));
      res
        .type('html')
        .send(
          renderPage(
            'dev-login',
            { title: msg('dev.title'), action: `${path}/interaction/${details.uid}/login` },
            res,
          ),
        );
    } catch (error) {
      next(error instanceof BylineError ? error : new BylineError('invalid_request', msg('dev.expired')));
    }
  });
  router.post(`${path}/interaction/:uid/login`, form, async (req, res, next) => {
    try {
      const idp = await ready();
      await idp.interactionDetails(req, res);
      const name = cleanText(req.body?.name, 80);
      if (!name) throw new BylineError('invalid_request', msg('dev.nameMissing'));
      const email = cleanEmail(req.body?.email);
      const sub = accountId(name);
      accounts.set(sub, { name, ...(email ? { email } : {}) });
      await idp.interactionFinished(
        req,
        res,
        { login: { accountId: sub } },
        { mergeWithLastSubmission: false },
      );
    } catch (error) {
      next(error instanceof BylineError ? error : new BylineError('invalid_request', msg('dev.expired')));
    }
  });
  router.use(path, async (req, res, next) => {
    try {
      (await ready()).callback()(req, res);
    } catch (error) {
      next(error);
    }
  });
  ctx.mount(router);

  return {
    id: config.id,
    type: 'dev',
    name: config.name,
    icon: ctx.iconUrl(config.icon, '/static/icons/dev.svg'),
    // Written out: Byline is not listening yet when providers are built, so nothing could be discovered.
    server: {
      issuer,
      endpoints: {
        authorization: `${issuer}/auth`,
        token: `${issuer}/token`,
        userinfo: `${issuer}/me`,
      },
      metadata: {
        jwks_uri: `${issuer}/jwks`,
        code_challenge_methods_supported: ['S256'],
        id_token_signing_alg_values_supported: ['ES256'],
      },
    },
    clientId,
    clientAuth: { method: 'client_secret_post', secret: clientSecret },
    scopes: ['openid', 'profile', 'email'],
    oidc: true,
    forceLoginParams: { prompt: 'login' },
    profile: oidcProfile,
  };
}
