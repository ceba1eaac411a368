import { createHash, randomBytes } from 'node:crypto';
import type { Commenter } from 'byline-gateway/verify';
import { createVerifier } from 'byline-gateway/verify';
import express, { type Router } from 'express';

export interface DemoOptions {
  issuer: string;
  site: { id: string; name: string; redirectUris: string[]; secret?: string };
  fetch: typeof fetch;
}

const flowCookie = 'byline_demo_flow';
const tokenCookie = 'byline_demo_token';

function readCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=');
    if (eq > 0) cookies.set(part.slice(0, eq).trim(), decodeURIComponent(part.slice(eq + 1).trim()));
  }
  return cookies;
}

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const esc = (value: unknown) => String(value ?? '').replace(/[&<>"']/g, (ch) => entities[ch] as string);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title><link rel="stylesheet" href="/static/demo.css"></head><body><main>${body}</main></body></html>`;
}

/**
 * The demo blog: a post with a comment section, and the example comment backend. The backend is an
 * ordinary confidential site of Byline — it redeems the code with its secret and PKCE, then trusts
 * nothing but `byline-gateway/verify`.
 */
export function demoRouter(options: DemoOptions): Router {
  const { issuer, site } = options;
  const redirectUri = site.redirectUris[0] as string;
  const verifier = createVerifier({ issuer, audience: site.id, fetch: options.fetch });
  const router = express.Router();
  const secure = issuer.startsWith('https:');
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, secure, path: '/demo' };

  router.get('/', async (req, res) => {
    const token = readCookies(req.headers.cookie).get(tokenCookie);
    let commenter: Commenter | undefined;
    if (token) commenter = await verifier.verify(token).catch(() => undefined);
    const identity = commenter
      ? `<div class="byline-identity">${commenter.picture ? `<img src="${esc(commenter.picture)}" alt="" width="40" height="40">` : ''}<p>You are commenting as <strong>${esc(commenter.name)}</strong> (<code>${esc(commenter.sub)}</code>, via ${esc(commenter.idp)}).</p></div>
<details><summary>The verified token</summary><pre>${esc(JSON.stringify(commenter.claims, null, 2))}</pre><p>Raw JWT:</p><pre class="token">${esc(token)}</pre></details>`
      : '<p>Fill in your details below or click an icon to log in.</p><p><a class="button" href="/demo/login">Log in to comment</a></p>';
    res
      .set('Cache-Control', 'no-store')
      .type('html')
      .send(
        page(
          site.name,
          `<article><h1>Hello, Byline</h1><p>This is the demo blog post. Its comment section is served by the example backend, which accepts a commenter only with a token that <code>byline-gateway/verify</code> accepts.</p></article>
<section class="comments"><h2>Leave a Reply</h2>${identity}</section>`,
        ),
      );
  });

  router.get('/login', (_req, res) => {
    const flow = {
      state: randomBytes(16).toString('base64url'),
      verifier: randomBytes(32).toString('base64url'),
    };
    const url = new URL(`${issuer}/authorize`);
    url.search = new URLSearchParams({
      client_id: site.id,
      redirect_uri: redirectUri,
      response_type: 'code',
      state: flow.state,
      code_challenge: createHash('sha256').update(flow.verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    res
      .cookie(flowCookie, JSON.stringify(flow), { ...cookieOptions, maxAge: 10 * 60_000 })
      .redirect(302, url.href);
  });

  router.get('/callback', async (req, res) => {
    const cookies = readCookies(req.headers.cookie);
    res.clearCookie(flowCookie, cookieOptions);
    let flow: { state?: string; verifier?: string } = {};
    try {
      flow = JSON.parse(cookies.get(flowCookie) ?? '{}');
    } catch {}
    const { code, state, error } = req.query;
    if (
      typeof error === 'string' ||
      typeof code !== 'string' ||
      !flow.state ||
      state !== flow.state ||
      !flow.verifier
    ) {
      res
        .status(400)
        .type('html')
        .send(
          page(
            'Login failed',
            `<p>The login did not complete${typeof error === 'string' ? ` (${esc(error)})` : ''}. <a href="/demo">Back to the post</a></p>`,
          ),
        );
      return;
    }
    const response = await options.fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(site.secret
          ? {
              authorization: `Basic ${Buffer.from(`${site.id}:${encodeURIComponent(site.secret)}`).toString('base64')}`,
            }
          : {}),
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        code_verifier: flow.verifier,
        ...(site.secret ? {} : { client_id: site.id }),
      }).toString(),
    });
    const tokens = (await response.json()) as { access_token?: string };
    if (!response.ok || !tokens.access_token) {
      res
        .status(502)
        .type('html')
        .send(
          page('Login failed', '<p>The code could not be redeemed. <a href="/demo">Back to the post</a></p>'),
        );
      return;
    }
    res.cookie(tokenCookie, tokens.access_token, cookieOptions).redirect(302, '/demo');
  });

  return router;
}
