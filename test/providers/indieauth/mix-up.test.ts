import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import express from 'express';
import { createGuardedFetch } from '../../../src/http/guarded-fetch.js';
import { indieauthProvider } from '../../../src/providers/indieauth/indieauth.js';
import type { UpstreamProvider } from '../../../src/providers/provider.js';
import {
  htmlPage,
  type IndieAuthServerDouble,
  type SiteDouble,
  startIndieAuthServer,
  startSite,
} from '../../support/indieauth-double.js';
import { testProviderContext } from '../../support/provider-context.js';

/**
 * A mix-up between IndieAuth servers: the victim's login goes to a server A (an attacker's: the site a
 * link's login_hint named declares it), which bounces the victim to the honest server H with Byline's
 * client_id (the same everywhere: a URL) and the victim's state. H's code must never log anyone in
 * through A's login, nor through the attacker's own login at H.
 */
describe('indieauth: a code from one server never serves a login at another (mix-up)', () => {
  let evil: IndieAuthServerDouble;
  let honest: IndieAuthServerDouble;
  let victimSite: SiteDouble;
  let evilSite: SiteDouble;
  let byline: Server;
  let indieauth: UpstreamProvider;
  const app = express();

  before(async () => {
    [evil, honest] = [await startIndieAuthServer(), await startIndieAuthServer()];
    [victimSite, evilSite] = [await startSite(), await startSite()];
    byline = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => byline.once('listening', resolve));
    const ctx = testProviderContext(
      { url: `http://127.0.0.1:${(byline.address() as AddressInfo).port}` },
      {
        guardedFetch: createGuardedFetch({ timeoutMs: 5000, allowPrivate: true }),
        mount: (router) => app.use(router),
        allowPrivateUpstreams: true,
      },
    );
    indieauth = indieauthProvider(
      { id: 'indieauth', type: 'indieauth', name: 'your website', email: false },
      ctx,
    );
  });
  after(async () => {
    byline?.close();
    for (const double of [evil, honest, victimSite, evilSite]) await double?.close();
  });
  beforeEach(() => {
    // The victim's site declares H; the attacker's declares A, through the earlier links (no metadata,
    // so no issuer to compare an iss with). H answers for the victim.
    victimSite.pages.set('/', htmlPage([['indieauth-metadata', honest.metadataUrl]]));
    evilSite.pages.set('/', htmlPage([['authorization_endpoint', evil.authorizationEndpoint]]));
    honest.answer = { me: `${victimSite.url}/` };
    evil.answer = { me: `${evilSite.url}/`, iss: null };
    for (const double of [evil, honest]) double.requests.length = 0;
  });

  /** A login's authorization request, re-sent by A to H: with `redirect`, and `challenge` if given. */
  async function bounce(to: IndieAuthServerDouble, from: URL, changes: Record<string, string> = {}) {
    const url = new URL(to.authorizationEndpoint);
    url.search = from.search;
    for (const [name, value] of Object.entries(changes)) url.searchParams.set(name, value);
    const answer = await fetch(url, { redirect: 'manual' });
    const location = answer.headers.get('location');
    assert.ok(location, `H sends the browser back (${answer.status})`);
    return new URL(location);
  }

  const redeemedAt = (double: IndieAuthServerDouble) =>
    double.to('/auth').filter((r) => r.method === 'POST').length;

  test('A forwards its own redirect URI: H’s code cannot be replayed in the attacker’s login at H (another redirect URI)', async () => {
    // The attacker's own login at H (typing the victim's site), whose PKCE challenge A puts in the bounce.
    const attacker = await indieauth.start({ forceLogin: false, handle: victimSite.url });
    assert.ok('url' in attacker);
    const victim = await indieauth.start({ forceLogin: false, handle: evilSite.url });
    assert.ok('url' in victim);
    const challenge = new URL(attacker.url).searchParams.get('code_challenge') ?? '';
    honest.answer = { me: `${victimSite.url}/`, iss: null };
    const callback = await bounce(honest, new URL(victim.url), { code_challenge: challenge });
    const stolen = callback.searchParams.get('code') ?? '';
    assert.ok(stolen, 'H issued a code, for the redirect URI A sent');
    // The attacker replays it at Byline's callback in their own login, which redeems at H: with H's tag and
    // H's iss, which are public, the replay passes Byline's checks, and H refuses the redirect URI.
    const ownRedirect = new URL(new URL(attacker.url).searchParams.get('redirect_uri') ?? '');
    const replay = new URLSearchParams({
      code: stolen,
      state: attacker.upstream.state,
      iss: honest.issuer,
      i: ownRedirect.searchParams.get('i') ?? '',
    });
    await assert.rejects(indieauth.finish(replay, attacker.upstream, {} as never), /invalid_grant/);
  });

  test('A swaps in H’s redirect URI: the victim’s callback is refused before A gets the code', async () => {
    const attacker = await indieauth.start({ forceLogin: false, handle: victimSite.url });
    assert.ok('url' in attacker);
    const victim = await indieauth.start({ forceLogin: false, handle: evilSite.url });
    assert.ok('url' in victim);
    honest.answer = { me: `${victimSite.url}/`, iss: null };
    const callback = await bounce(honest, new URL(victim.url), {
      redirect_uri: new URL(attacker.url).searchParams.get('redirect_uri') ?? '',
    });
    await assert.rejects(
      indieauth.finish(callback.searchParams, victim.upstream, {} as never),
      /did not come through the IndieAuth server's redirect URI/,
    );
    assert.equal(redeemedAt(evil), 0, 'A never saw the code');
  });

  test('an iss from a server whose metadata named no issuer: refused before A gets the code', async () => {
    const victim = await indieauth.start({ forceLogin: false, handle: evilSite.url });
    assert.ok('url' in victim);
    // H names itself in its callback (RFC 9207), as IndieAuth servers do; A's login expected no issuer.
    const callback = await bounce(honest, new URL(victim.url));
    assert.equal(callback.searchParams.get('iss'), honest.issuer);
    await assert.rejects(
      indieauth.finish(callback.searchParams, victim.upstream, {} as never),
      /has an iss, but the server's metadata named no issuer/,
    );
    assert.equal(redeemedAt(evil), 0, 'A never saw the code');
  });

  test('A’s own logins still work: no iss, its own redirect URI', async () => {
    const mine = await indieauth.start({ forceLogin: false, handle: evilSite.url });
    assert.ok('url' in mine);
    const answer = await fetch(mine.url, { redirect: 'manual' });
    const callback = new URL(answer.headers.get('location') ?? '');
    const identity = await indieauth.finish(callback.searchParams, mine.upstream, {} as never);
    assert.equal(identity.id, `${evilSite.url}/`);
  });
});
