import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import express from 'express';
import { addressBehind, addressNetwork } from '../../src/http/rate-limit.js';

describe('addressNetwork: what a per-client limit counts', () => {
  test('an IPv6 address is its /64, however it is written', () => {
    for (const address of [
      '2001:db8:1:2::a',
      '2001:0db8:0001:0002:ffff:ffff:ffff:ffff',
      '2001:DB8:1:2:0:0:0:1',
      '2001:db8:1:2::1.2.3.4',
      '2001:db8:1:2::1%eth0',
    ])
      assert.equal(addressNetwork(address), '2001:db8:1:2::/64', address);
    assert.equal(addressNetwork('2001:db8:1:3::a'), '2001:db8:1:3::/64');
    assert.equal(addressNetwork('::1'), '0:0:0:0::/64');
    assert.equal(addressNetwork('fe80::1%eth0'), 'fe80:0:0:0::/64');
  });

  test('an IPv4 address is itself, IPv4-mapped or not; anything else is left alone', () => {
    assert.equal(addressNetwork('192.0.2.7'), '192.0.2.7');
    assert.equal(addressNetwork('::ffff:192.0.2.7'), '192.0.2.7');
    assert.equal(addressNetwork('::ffff:c000:207'), '192.0.2.7');
    assert.equal(addressNetwork('unknown'), 'unknown');
  });
});

describe('addressBehind: the client address outside Express', () => {
  test('is the address req.ip gives for every trustProxy hop count and X-Forwarded-For', async () => {
    const chains = [
      undefined,
      '203.0.113.9',
      '198.51.100.1, 203.0.113.9',
      '192.0.2.1, 198.51.100.1, 203.0.113.9',
    ];
    for (const hops of [0, 1, 2, 3]) {
      const app = express();
      app.set('trust proxy', hops);
      const behind = addressBehind(hops);
      app.get('/', (req, res) => {
        res.json({ express: req.ip, ours: behind(req) });
      });
      const server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
        for (const chain of chains) {
          const response = await fetch(url, { headers: chain ? { 'x-forwarded-for': chain } : {} });
          const { express: expected, ours } = (await response.json()) as Record<string, string>;
          assert.equal(ours, expected, `${hops} hops, X-Forwarded-For: ${chain}`);
        }
        // Without trust, a forwarded address changes nothing: the socket's address is the client's.
        const spoofed = await fetch(url, { headers: { 'x-forwarded-for': '203.0.113.9' } });
        if (hops === 0) assert.equal(((await spoofed.json()) as { ours: string }).ours, '127.0.0.1');
      } finally {
        server.close();
      }
    }
  });
});
