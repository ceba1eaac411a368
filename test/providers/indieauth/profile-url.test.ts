import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  profileUrl,
  serverUrl,
  siteLabel,
  typedWebsite,
} from '../../../src/providers/indieauth/profile-url.js';
import { HandleError } from '../../../src/providers/provider.js';

test('what the reader types becomes the URL discovered (IndieAuth §3.4): https, a path, lower-case host', () => {
  const typed = (input: string) => typedWebsite(input, false).href;
  assert.equal(typed('alice.example'), 'https://alice.example/');
  assert.equal(typed('  Alice.Example  '), 'https://alice.example/');
  assert.equal(typed('https://alice.example'), 'https://alice.example/');
  assert.equal(typed('HTTPS://ALICE.EXAMPLE/About'), 'https://alice.example/About');
  assert.equal(typed('alice.example/users?id=100'), 'https://alice.example/users?id=100');
  assert.equal(typed('https://alice.example/#me'), 'https://alice.example/', 'the fragment is dropped');
  assert.equal(typed('http://alice.example/'), 'https://alice.example/', 'public sites over https');
  assert.equal(typed('https://alice.example:443/'), 'https://alice.example/', 'the default port is no port');
  assert.equal(typed('bücher.example'), 'https://xn--bcher-kva.example/');
});

test('what cannot be a website is refused with a message for the reader', () => {
  const refused = (input: string | undefined, pattern: RegExp) =>
    assert.throws(
      () => typedWebsite(input, false),
      (error) => error instanceof HandleError && pattern.test(error.message),
      String(input),
    );
  refused(undefined, /Type the address of your website/);
  refused('   ', /Type the address of your website/);
  refused('alice@example.com', /email address/);
  refused('https://user:pass@alice.example/', /user name or password/);
  refused('alice.example:8443', /port/);
  refused('172.28.92.51', /IP address/);
  refused('[::1]', /IP address/);
  refused('localhost', /domain such as/);
  refused('ftp://alice.example/', /not a website address|domain such as/);
  refused('alice .example', /not a website address/);
  refused(`alice.example/${'a'.repeat(600)}`, /too long/);
});

test('with allowPrivateUpstreams (tests, development): http, ports, loopback and IP addresses', () => {
  assert.equal(typedWebsite('http://127.0.0.1:8080', true).href, 'http://127.0.0.1:8080/');
  assert.equal(typedWebsite('localhost:3000', true).href, 'https://localhost:3000/');
  assert.equal(profileUrl('http://localhost:3000/alice', true)?.href, 'http://localhost:3000/alice');
});

test('the `me` a server answers must be a profile URL (IndieAuth §3.2)', () => {
  const me = (value: unknown) => profileUrl(value, false)?.href;
  assert.equal(me('https://alice.example/'), 'https://alice.example/');
  assert.equal(me('https://Alice.Example'), 'https://alice.example/', 'the URL standard normalises');
  assert.equal(me('https://example.com/users?id=100'), 'https://example.com/users?id=100');
  for (const bad of [
    'alice.example',
    'mailto:alice@example.com',
    'https://example.com/foo/../bar',
    'https://example.com/./bar',
    'https://example.com/%2e%2E/bar',
    'https://example.com/#me',
    'https://user:pass@example.com/',
    'https://example.com:8443/',
    'https://172.28.92.51/',
    'http://alice.example/',
    'javascript:alert(1)',
    `https://alice.example/${'a'.repeat(600)}`,
    42,
    undefined,
  ])
    assert.equal(me(bad), undefined, String(bad));
});

test('server URLs resolve against their page, https only, no credentials or fragment; labels', () => {
  const page = new URL('https://alice.example/blog/');
  assert.equal(serverUrl('/auth', page, false)?.href, 'https://alice.example/auth');
  assert.equal(serverUrl('meta', page, false)?.href, 'https://alice.example/blog/meta');
  assert.equal(serverUrl('http://alice.example/auth', page, false), undefined);
  assert.equal(serverUrl('http://alice.example/auth', page, true)?.href, 'http://alice.example/auth');
  assert.equal(serverUrl('https://a:b@alice.example/', page, false), undefined);
  assert.equal(serverUrl('https://alice.example/#x', page, false), undefined);
  assert.equal(serverUrl('/auth', undefined, false), undefined);
  assert.equal(siteLabel(new URL('https://alice.example/')), 'alice.example');
  assert.equal(siteLabel(new URL('https://example.com/alice/')), 'example.com/alice');
});
