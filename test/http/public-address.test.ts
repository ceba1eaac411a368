import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isPublicAddress } from '../../src/http/public-address.js';

describe('isPublicAddress', () => {
  test('public IPv4 and IPv6 unicast addresses are public', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '1.1.1.1', '2606:4700::1111', '2a00:1450:4001::200e'])
      assert.equal(isPublicAddress(address), true, address);
  });

  test('loopback, private, link-local, CGNAT, unspecified, multicast and reserved IPv4 are not', () => {
    for (const address of [
      '127.0.0.1',
      '127.255.0.9',
      '10.0.0.1',
      '172.16.5.4',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '100.127.255.254',
      '0.0.0.0',
      '224.0.0.1',
      '239.255.255.250',
      '240.0.0.1',
      '255.255.255.255',
      '192.0.2.10',
      '198.18.0.1',
    ])
      assert.equal(isPublicAddress(address), false, address);
    // The neighbours of those ranges are public.
    for (const address of ['172.32.0.1', '100.128.0.1', '11.0.0.1', '169.255.0.1'])
      assert.equal(isPublicAddress(address), true, address);
  });

  test('IPv6 loopback, unspecified, ULA, link-local, multicast, 6to4, documentation are not', () => {
    for (const address of [
      '::1',
      '0:0:0:0:0:0:0:1',
      '[::1]',
      '::',
      'fc00::1',
      'fd12:3456:789a::1',
      'fe80::1',
      'fe80::1%eth0',
      'ff02::1',
      '2002:7f00:1::1',
      '2001:db8::1',
      '2001::1',
    ])
      assert.equal(isPublicAddress(address), false, address);
  });

  test('IPv4-mapped, IPv4-compatible and NAT64 forms are refused whatever they embed', () => {
    for (const address of [
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      '::ffff:169.254.169.254',
      '::ffff:8.8.8.8',
      '::127.0.0.1',
      '64:ff9b::a00:1',
    ])
      assert.equal(isPublicAddress(address), false, address);
  });

  test('what is not an address is not public', () => {
    for (const value of ['', 'localhost', 'example.com', '127.1', '999.1.1.1', '[127.0.0.1]'])
      assert.equal(isPublicAddress(value), false, value);
  });
});
