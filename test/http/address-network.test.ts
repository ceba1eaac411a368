import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressNetwork } from '../../src/http/rate-limit.js';

test('addressNetwork: an IPv6 address counts by its /64, however it is written; IPv4 as it is', () => {
  const network = '2001:db8:1:2::/64';
  for (const address of ['2001:db8:1:2::a', '2001:0DB8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::'])
    assert.equal(addressNetwork(address), network, address);
  assert.equal(addressNetwork('fe80::1%eth0'), 'fe80:0:0:0::/64');
  assert.equal(addressNetwork('2001:db8::1'), '2001:db8:0:0::/64');
  assert.equal(addressNetwork('::1'), '0:0:0:0::/64');
  assert.notEqual(addressNetwork('2001:db8:1:3::a'), network);
  // IPv4, also mapped into IPv6 (as a dual-stack socket reports it), is one address.
  assert.equal(addressNetwork('203.0.113.9'), '203.0.113.9');
  assert.equal(addressNetwork('::ffff:203.0.113.9'), '::ffff:203.0.113.9');
  assert.equal(addressNetwork('unknown'), 'unknown');
});
