import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { Browser } from '../../support/browser.js';
import { authorizeUrl } from '../../support/flow.js';
import { listenOnFreePort } from '../../support/gateway.js';
import { type OidcDouble, oidcProviderConfig, startOidcDouble } from '../../support/oidc-double.js';
import { pkce } from '../../support/pkce.js';
import { type ObservedGateway, startObservedGateway } from '../../support/security.js';

let gateway: ObservedGateway;
let idp: OidcDouble;
const logLines: Record<string, unknown>[] = [];
const lineWaiters: { msg: string; resolve: () => void }[] = [];

before(async () => {
  idp = await startOidcDouble();
  const listening = await listenOnFreePort();
  idp.register(`${listening.url}/auth/acme/callback`);
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const line = JSON.parse(chunk.toString('utf8')) as Record<string, unknown>;
      logLines.push(line);
      for (const waiter of lineWaiters.splice(0))
        if (line.msg === waiter.msg) waiter.resolve();
        else lineWaiters.push(waiter);
      done();
    },
  });
  gateway = await startObservedGateway({
    listening,
    logger: pino({ level: 'info' }, sink),
    config: {
      providers: {
        acme: oidcProviderConfig(idp, 'Acme'),
      },
    },
  });
});
after(async () => {
  await gateway.close();
  await idp.close();
});

function logged(msg: string): Promise<void> {
  if (logLines.some((line) => line.msg === msg)) return Promise.resolve();
  return new Promise((resolve) => lineWaiters.push({ msg, resolve }));
}

test('a callback whose browser left while the provider answered creates no login and no code', async () => {
  const { challenge } = pkce();
  const browser = new Browser();
  const callback = `${gateway.url}/auth/acme/callback`;
  const toCallback = await browser.follow(authorizeUrl(gateway, challenge, { idp: 'acme' }), {}, (to) =>
    to.startsWith(callback),
  );
  assert.ok(toCallback.location, 'the provider sends the reader back');
  const before = await gateway.store.snapshot();

  idp.faults.userinfo = 'slow';
  const leaving = new AbortController();
  const answered = browser
    .request(toCallback.location, { signal: leaving.signal })
    .catch((error: Error) => error);
  await idp.whenHeld('userinfo');
  leaving.abort();
  assert.ok((await answered) instanceof Error, 'the reader is gone');
  // Let the server notice the closed connection before the provider answers.
  while (
    (await new Promise<number>((resolve, reject) =>
      gateway.server.getConnections((e, n) => (e ? reject(e) : resolve(n))),
    )) > 0
  )
    await new Promise((resolve) => setTimeout(resolve, 10));
  idp.proceed();
  await logged('login');
  assert.equal(logLines.find((line) => line.msg === 'login')?.outcome, 'error');

  const after = await gateway.store.snapshot();
  const logins = [...after.keys()].filter((key) => /^logins?:/.test(key) && !before.has(key));
  assert.deepEqual(logins, [], 'no login was stored');
});
