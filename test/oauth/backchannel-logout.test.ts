// OpenID Back-Channel Logout 1.0: when a site session ends, the site's backchannelLogoutUri receives a
// signed logout_token. A real HTTP receiver on a free port plays the site's backend; each token is
// verified with jose against Byline's published JWKS.
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, type JWTPayload, jwtVerify } from 'jose';
import pino, { type Logger } from 'pino';
import { parseConfig } from '../../src/config/load.js';
import { createMetrics } from '../../src/http/metrics.js';
import { createUpstreamFetch } from '../../src/http/upstream-fetch.js';
import { backchannelLogout, backchannelLogoutEvent } from '../../src/oauth/backchannel-logout.js';
import { endSubjectSessions } from '../../src/oauth/login/end-sessions.js';
import { siteSessionLimit } from '../../src/oauth/login/sessions.js';
import { Browser } from '../support/browser.js';
import { devLogin, devTokens, loginTokens, logoutForm, postLogout, redeemLogin } from '../support/flow.js';
import { startGateway, type TestGateway, testSite } from '../support/gateway.js';
import { refresh, revoke, type Tokens, userinfoStatus } from '../support/tokens.js';

/** A delivery or log line that never comes fails its test (AbortError) instead of hanging the run. */
const waitLimitMs = 30_000;

/** One POST the receiver got: the path (which site), its Content-Type, the logout_token and its sid. */
interface Delivery {
  path: string;
  contentType: string;
  token: string;
  sid: string;
  /** The status the receiver answered; undefined while (or if never) answered. */
  answered?: number;
}

type Answer = number | 'hang';

/** A site backend's back-channel logout endpoint: records every POST, answers as `plan` says. */
class Receiver {
  readonly deliveries: Delivery[] = [];
  /** How to answer the nth (0-based) delivery to a path; default 200. */
  readonly plans = new Map<string, (n: number) => Answer>();
  private readonly events = new EventEmitter();
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.receive(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const token = new URLSearchParams(Buffer.concat(chunks).toString()).get('logout_token') ?? '';
    const path = req.url ?? '';
    const delivery: Delivery = {
      path,
      contentType: req.headers['content-type'] ?? '',
      token,
      sid: String(decodeJwt(token).sid),
    };
    const n = this.deliveries.filter((d) => d.path === path).length;
    this.deliveries.push(delivery);
    const answer = this.plans.get(path)?.(n) ?? 200;
    if (answer !== 'hang') {
      res.writeHead(answer).end();
      delivery.answered = answer;
    }
    this.events.emit('delivery');
  }

  /** The first `count` deliveries for `sid`, once they have arrived. */
  async forSid(sid: string, count = 1): Promise<Delivery[]> {
    const signal = AbortSignal.timeout(waitLimitMs);
    for (;;) {
      const found = this.deliveries.filter((d) => d.sid === sid);
      if (found.length >= count) return found.slice(0, count);
      await once(this.events, 'delivery', { signal });
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** A logger whose lines the test can wait for. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const events = new EventEmitter();
  const logger: Logger = pino(
    { level: 'info' },
    {
      write(line: string) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
        events.emit('line');
      },
    },
  );
  return {
    logger,
    lines,
    async waitFor(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
      const signal = AbortSignal.timeout(waitLimitMs);
      for (;;) {
        const found = lines.find(match);
        if (found) return found;
        await once(events, 'line', { signal });
      }
    },
  };
}

const site = (id: string, extra: Record<string, unknown> = {}) => ({
  origins: [`https://${id}.example`],
  redirectUris: [`https://${id}.example/callback`],
  ...extra,
});

const receiver = new Receiver();
const log = capturingLogger();
let gateway: TestGateway;

before(async () => {
  await receiver.start();
  gateway = await startGateway({
    logger: log.logger,
    config: {
      // Short, so that the slow receiver's first attempt times out soon; the dev login's own calls to
      // its IdP share it, and a cold first one takes some hundred milliseconds.
      http: { upstreamTimeout: '2s' },
      // One test sends a browser to /authorize past the site-session limit.
      rateLimits: { authorize: { points: 100_000, window: '1m' } },
      sites: {
        blog: { ...testSite, backchannelLogoutUri: `${receiver.url}/blog` },
        other: site('other', { backchannelLogoutUri: `${receiver.url}/other`, idTokenAlgorithm: 'ES256' }),
        quiet: site('quiet'),
        slow: site('slow', { backchannelLogoutUri: `${receiver.url}/slow` }),
        flaky: site('flaky', { backchannelLogoutUri: `${receiver.url}/flaky` }),
        refusing: site('refusing', { backchannelLogoutUri: `${receiver.url}/refusing` }),
      },
    },
  });
});
after(async () => {
  await gateway.close();
  await receiver.close();
});

/** The claims of an ID token Byline issued (not checked here: the logout token is what is under test). */
function idTokenOf(tokens: Tokens): JWTPayload & { sid: string; sub: string } {
  assert.equal(typeof tokens.id_token, 'string', 'an ID token');
  return decodeJwt(tokens.id_token as string) as JWTPayload & { sid: string; sub: string };
}

/**
 * Verifies a logout token as a relying party would (Back-Channel Logout 1.0 §2.6), with jose against
 * Byline's JWKS: typ logout+jwt, iss, aud, iat, exp, jti, the event, no nonce; answers its claims.
 */
async function verifyLogoutToken(gw: TestGateway, token: string, audience: string) {
  const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', gw.url));
  const { payload, protectedHeader } = await jwtVerify(token, jwks, {
    issuer: gw.url,
    audience,
    typ: 'logout+jwt',
    currentDate: new Date(gw.clock.now()),
    requiredClaims: ['iat', 'exp', 'jti', 'sid', 'sub', 'events'],
  });
  assert.deepEqual(payload.events, { [backchannelLogoutEvent]: {} });
  assert.equal('nonce' in payload, false, 'a logout token never carries a nonce');
  assert.ok((payload.exp as number) - (payload.iat as number) <= 300, 'a short lifetime');
  return { payload, protectedHeader };
}

/** Asserts a delivery is a form-encoded logout token for the site session of `idToken`. */
async function assertLogoutFor(delivery: Delivery, audience: string, idToken: { sid: string; sub: string }) {
  assert.equal(delivery.path, `/${audience}`);
  assert.match(delivery.contentType, /^application\/x-www-form-urlencoded/);
  const { payload, protectedHeader } = await verifyLogoutToken(gateway, delivery.token, audience);
  assert.equal(payload.sid, idToken.sid);
  assert.equal(payload.sub, idToken.sub);
  return protectedHeader;
}

/** A reader's login at `siteId` with the openid scope; `browser` to log in in a browser of one's own. */
function openidLogin(siteId: string, browser = new Browser(), prompt?: string) {
  return devTokens(gateway, {
    browser,
    ...(siteId === 'blog' ? {} : { site: siteId }),
    params: { scope: 'openid', ...(prompt ? { prompt } : {}) },
  });
}

describe('back-channel logout', () => {
  test('discovery says back-channel logout with sid is supported', async () => {
    const document = (await (
      await fetch(new URL('/.well-known/openid-configuration', gateway.url))
    ).json()) as Record<string, unknown>;
    assert.equal(document.backchannel_logout_supported, true);
    assert.equal(document.backchannel_logout_session_supported, true);
    assert.equal(document.end_session_endpoint, `${gateway.url}/logout`);
  });

  test("a reader's logout sends each site with a backchannelLogoutUri a logout token for its session", async () => {
    const browser = new Browser();
    const blog = await openidLogin('blog', browser);
    // Later logins in the same browser (each site chosen on the chooser): the logout ends the earlier
    // ones too. quiet has no backchannelLogoutUri and hears nothing.
    const other = await openidLogin('other', browser, 'login');
    await openidLogin('quiet', browser, 'login');
    const { csrf } = await logoutForm(gateway, browser);
    const done = await postLogout(gateway, browser, { csrf: csrf as string });
    assert.equal(done.response.status, 200);
    const [toBlog] = (await receiver.forSid(idTokenOf(blog.tokens).sid)) as [Delivery];
    const [toOther] = (await receiver.forSid(idTokenOf(other.tokens).sid)) as [Delivery];
    const blogHeader = await assertLogoutFor(toBlog, 'blog', idTokenOf(blog.tokens));
    assert.equal(blogHeader.alg, 'RS256', "signed with the site's ID-token algorithm");
    const otherHeader = await assertLogoutFor(toOther, 'other', idTokenOf(other.tokens));
    assert.equal(otherHeader.alg, 'ES256', "signed with the site's ID-token algorithm");
    assert.equal(otherHeader.kid, decodeProtectedHeader(other.tokens.id_token as string).kid);
  });

  test('revoking a token sends the site a logout token for that session only', async () => {
    const browser = new Browser();
    const { tokens } = await openidLogin('blog', browser);
    const idToken = idTokenOf(tokens);
    const answer = await revoke(gateway, { token: tokens.refresh_token, client_id: 'blog' });
    assert.equal(answer.status, 200);
    const [delivery] = (await receiver.forSid(idToken.sid)) as [Delivery];
    await assertLogoutFor(delivery, 'blog', idToken);
    assert.equal(await userinfoStatus(gateway, tokens.access_token), 401);
  });

  test('reusing a rotated refresh token sends the site a logout token for the session it ended', async () => {
    const { tokens } = await openidLogin('blog');
    const idToken = idTokenOf(tokens);
    assert.equal((await refresh(gateway, tokens.refresh_token)).status, 200);
    const reused = await refresh(gateway, tokens.refresh_token);
    assert.equal(reused.body.error, 'invalid_grant');
    const [delivery] = (await receiver.forSid(idToken.sid)) as [Delivery];
    await assertLogoutFor(delivery, 'blog', idToken);
  });

  test('replaying a redeemed code sends the site a logout token for the session it ended', async () => {
    const login = await devLogin(gateway, { params: { scope: 'openid' } });
    const tokens = await loginTokens(gateway, login);
    const idToken = idTokenOf(tokens);
    const replay = await redeemLogin(gateway, login);
    assert.equal(replay.body.error, 'invalid_grant');
    const [delivery] = (await receiver.forSid(idToken.sid)) as [Delivery];
    await assertLogoutFor(delivery, 'blog', idToken);
  });

  test("ending every login of a subject (Facebook's data deletion) sends a logout token for each session", async () => {
    const { tokens } = await devTokens(gateway, { name: 'Deleted Reader', params: { scope: 'openid' } });
    const idToken = idTokenOf(tokens);
    assert.equal(await endSubjectSessions(gateway.ctx, idToken.sub), 1);
    const [delivery] = (await receiver.forSid(idToken.sid)) as [Delivery];
    await assertLogoutFor(delivery, 'blog', idToken);
  });

  test("a site that does not answer does not delay the reader's logout, and gets the token again", async () => {
    receiver.plans.set('/slow', (n) => (n === 0 ? 'hang' : 200));
    const browser = new Browser();
    const { tokens } = await openidLogin('slow', browser);
    const idToken = idTokenOf(tokens);
    const { csrf } = await logoutForm(gateway, browser);
    const done = await postLogout(gateway, browser, { csrf: csrf as string });
    assert.equal(done.response.status, 200);
    const answeredWhenLoggedOut = receiver.deliveries.filter((d) => d.sid === idToken.sid && d.answered);
    assert.deepEqual(answeredWhenLoggedOut, [], 'the reader had their answer before the site answered');
    // The first attempt times out (http.upstreamTimeout); the retry gets the same token.
    const [first, second] = (await receiver.forSid(idToken.sid, 2)) as [Delivery, Delivery];
    assert.equal(first.answered, undefined, 'the first attempt was never answered');
    assert.equal(second.answered, 200);
    assert.equal(second.token, first.token);
    await assertLogoutFor(second, 'slow', idToken);
    await log.waitFor((line) => line.msg === 'back-channel logout delivered' && line.site === 'slow');
  });

  test('a 5xx answer is retried, and each outcome is counted', async () => {
    receiver.plans.set('/flaky', (n) => (n === 0 ? 503 : 200));
    const counts = async () => {
      const metric = gateway.ctx.metrics.registry.getSingleMetric('byline_backchannel_logouts_total');
      const values = metric ? (await metric.get()).values : [];
      const of = (outcome: string) =>
        values.find((v) => v.labels.site === 'flaky' && v.labels.outcome === outcome)?.value ?? 0;
      return { retried: of('retried'), delivered: of('delivered') };
    };
    const { tokens } = await openidLogin('flaky');
    const idToken = idTokenOf(tokens);
    await revoke(gateway, { token: tokens.access_token, client_id: 'flaky' });
    const [first, second] = (await receiver.forSid(idToken.sid, 2)) as [Delivery, Delivery];
    assert.equal(first.answered, 503);
    assert.equal(second.answered, 200);
    assert.equal(second.token, first.token);
    await log.waitFor((line) => line.msg === 'back-channel logout delivered' && line.site === 'flaky');
    assert.deepEqual(await counts(), { retried: 1, delivered: 1 });
  });

  test('a 4xx answer is a refusal: logged, counted and not tried again', async () => {
    receiver.plans.set('/refusing', () => 400);
    const { tokens } = await openidLogin('refusing');
    const idToken = idTokenOf(tokens);
    await revoke(gateway, { token: tokens.refresh_token, client_id: 'refusing' });
    const refused = await log.waitFor(
      (line) => line.msg === 'back-channel logout refused by the site' && line.site === 'refusing',
    );
    assert.equal(refused.status, 400);
    assert.equal(refused.attempt, 1);
    assert.equal(receiver.deliveries.filter((d) => d.sid === idToken.sid).length, 1);
  });

  test('an unreachable site is tried a few times, then the failure is logged without the token', async () => {
    // A port that was just free: nothing listens there.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const own = capturingLogger();
    const blog = gateway.ctx.sites.get('blog');
    assert.ok(blog);
    const notifier = backchannelLogout({
      ...gateway.ctx,
      sites: new Map([['blog', { ...blog, backchannelLogoutUri: `http://127.0.0.1:${port}/gone` }]]),
      log: own.logger,
      metrics: createMetrics({ defaultMetrics: false }),
      fetch: createUpstreamFetch(),
      retryDelays: [10, 20],
    });
    notifier.sessionsEnded([{ site: 'blog', sid: 'A'.repeat(22), sub: 'dev:unreachable' }]);
    assert.equal(own.lines.length, 0, 'sessionsEnded returns before any attempt');
    const failed = await own.waitFor((line) => line.msg === 'back-channel logout failed; no more attempts');
    assert.equal(failed.attempt, 3);
    assert.equal(failed.error, 'ECONNREFUSED');
    const retries = own.lines.filter((line) => line.retryIn !== undefined).map((line) => line.retryIn);
    assert.deepEqual(retries, [10, 20]);
    assert.doesNotMatch(JSON.stringify(own.lines), /eyJ|logout_token/);
  });

  test('a redeemed site session pushed out past the per-login limit is logged out at its site', async () => {
    const browser = new Browser();
    const first = idTokenOf((await openidLogin('blog', browser)).tokens);
    const later = [];
    for (let i = 0; i < siteSessionLimit; i++)
      later.push(idTokenOf((await openidLogin('blog', browser)).tokens));
    const [delivery] = await receiver.forSid(first.sid);
    await assertLogoutFor(delivery as Delivery, 'blog', first);
    const laterSids = new Set(later.map((token) => token.sid));
    assert.equal(
      receiver.deliveries.filter((d) => laterSids.has(d.sid)).length,
      0,
      'only the evicted session is named',
    );
  });
});

describe('back-channel logout with pairwise subjects', () => {
  let pairwise: TestGateway;
  before(async () => {
    pairwise = await startGateway({
      config: {
        tokens: { subject: 'pairwise' },
        sites: { blog: { ...testSite, backchannelLogoutUri: `${receiver.url}/blog` } },
      },
    });
  });
  after(() => pairwise.close());

  test('the logout token names the pairwise sub the site knows', async () => {
    const { tokens } = await devTokens(pairwise, { params: { scope: 'openid' } });
    const idToken = idTokenOf(tokens);
    assert.notEqual(idToken.sub, 'dev:ada-lovelace');
    await revoke(pairwise, { token: tokens.refresh_token, client_id: 'blog' });
    const [delivery] = (await receiver.forSid(idToken.sid)) as [Delivery];
    const { payload } = await verifyLogoutToken(pairwise, delivery.token, 'blog');
    assert.equal(payload.sub, idToken.sub);
    assert.equal(payload.sid, idToken.sid);
  });
});

describe('backchannelLogoutUri in the config', () => {
  const parse = (uri: string) =>
    parseConfig(
      {
        publicUrl: 'https://byline.example',
        providers: { dev: { type: 'dev' } },
        sites: { blog: { ...testSite, backchannelLogoutUri: uri } },
      },
      { env: {}, cwd: '/tmp' },
    );
  test('is an https URL, or http on a loopback host', () => {
    assert.equal(
      parse('https://blog.example/logout').sites.blog?.backchannelLogoutUri,
      'https://blog.example/logout',
    );
    assert.equal(
      parse('http://127.0.0.1:8080/logout').sites.blog?.backchannelLogoutUri,
      'http://127.0.0.1:8080/logout',
    );
    assert.throws(
      () => parse('http://blog.example/logout'),
      /https:\/\/ URL \(http:\/\/ only on a loopback host\)/,
    );
    assert.throws(() => parse('http://127.0.0.1.nip.io/logout'), /loopback/);
    assert.throws(() => parse('not a url'), /absolute URL/);
  });
});
