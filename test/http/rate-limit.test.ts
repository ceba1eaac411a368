import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addressNetwork } from '../../src/http/rate-limit.js';

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
