import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hostResolver } from '../../src/http/resolve-host.js';
import { type DnsServer, startDnsServer } from '../support/dns-server.js';

describe('hostResolver: DNS for hosts that readers name (c-ares, bounded, cancellable)', () => {
  let dns: DnsServer;
  before(async () => {
    dns = await startDnsServer();
    dns.records.set('blog.example', ['192.0.2.10', '2001:db8::10']);
    dns.records.set('v6only.example', ['2001:db8:0:1::7']);
  });
  after(() => dns.close());

  const resolver = (localhost = false, timeoutMs = 2000) =>
    hostResolver({ timeoutMs, localhost, servers: [dns.address] });

  test('A and AAAA are asked at once, from the servers given, and both kept', async () => {
    dns.queries.length = 0;
    assert.deepEqual(await resolver()('blog.example'), [
      { address: '192.0.2.10', family: 4 },
      { address: '2001:db8::10', family: 6 },
    ]);
    assert.deepEqual(dns.queries.map(({ type }) => type).sort(), ['A', 'AAAA']);
    assert.deepEqual(await resolver()('v6only.example'), [{ address: '2001:db8:0:1::7', family: 6 }]);
  });

  test('a name nobody has is ENOTFOUND, as dns.lookup says it', async () => {
    await assert.rejects(resolver()('nobody.example'), { code: 'ENOTFOUND' });
  });

  test('a name server that never answers: the lookup ends with the signal, with its reason', async () => {
    dns.queries.length = 0;
    dns.silent = true;
    try {
      const controller = new AbortController();
      // A time limit far beyond the test's: only the signal can end this lookup.
      const pending = resolver(false, 600_000)('silent.example', controller.signal);
      await dns.queried();
      const reason = new DOMException('the request ended', 'TimeoutError');
      controller.abort(reason);
      await assert.rejects(pending, (error: unknown) => error === reason);
    } finally {
      dns.silent = false;
    }
  });

  test('a name server that never answers and no signal: c-ares gives up on its own (ETIMEOUT), nothing is left pending', async () => {
    dns.silent = true;
    try {
      await assert.rejects(resolver(false, 200)('silent.example'), { code: 'ETIMEOUT' });
    } finally {
      dns.silent = false;
    }
  });

  test('localhost: the hosts file only with `localhost` (allowPrivateUpstreams); else a name like any other', async () => {
    dns.queries.length = 0;
    const addresses = await resolver(true)('localhost');
    assert.ok(addresses.length > 0);
    assert.ok(addresses.every(({ address }) => address === '127.0.0.1' || address === '::1'));
    assert.equal(dns.queries.length, 0, 'no name server was asked');
    await assert.rejects(resolver(false)('localhost'), { code: 'ENOTFOUND' });
    assert.ok(dns.queries.some(({ name }) => name === 'localhost'));
  });
});
