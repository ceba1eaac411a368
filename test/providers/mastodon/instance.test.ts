import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { accountIdentity } from '../../../src/providers/mastodon/account.js';
import { checkInstanceAllowed, parseInstance } from '../../../src/providers/mastodon/instance.js';
import { HandleError } from '../../../src/providers/provider.js';

const readerError = (pattern: RegExp) => (error: unknown) =>
  error instanceof HandleError && pattern.test(error.message);

describe('parseInstance: what a reader types names an instance', () => {
  test('a handle, with or without its @, a bare host, a host and port, or a URL on it', () => {
    for (const typed of [
      '@alice@example.social',
      'alice@example.social',
      '  @Alice@Example.Social  ',
      'example.social',
      'example.social/',
      'example.social/@alice',
      'https://example.social',
      'https://example.social/@alice',
      'HTTPS://EXAMPLE.SOCIAL/',
    ])
      assert.deepEqual(
        parseInstance(typed, false),
        { origin: 'https://example.social', host: 'example.social', hostname: 'example.social' },
        typed,
      );
    assert.deepEqual(parseInstance('@bob@social.example.org:8443', false), {
      origin: 'https://social.example.org:8443',
      host: 'social.example.org:8443',
      hostname: 'social.example.org',
    });
    // An international domain name is reached by its ASCII form.
    assert.equal(parseInstance('@anna@bücher.example', false).host, 'xn--bcher-kva.example');
  });

  test('plain http only where private upstreams are allowed: the URL’s scheme, or a private literal', () => {
    assert.equal(parseInstance('http://example.social', false).origin, 'https://example.social');
    assert.equal(parseInstance('http://mastodon.local', true).origin, 'http://mastodon.local');
    assert.equal(parseInstance('@alice@127.0.0.1:3000', true).origin, 'http://127.0.0.1:3000');
    assert.equal(parseInstance('@alice@127.0.0.1:3000', false).origin, 'https://127.0.0.1:3000');
    assert.equal(parseInstance('localhost:3000', true).origin, 'http://localhost:3000');
    assert.equal(parseInstance('example.social', true).origin, 'https://example.social');
  });

  test('anything else is the reader’s mistake, said plainly', () => {
    assert.throws(() => parseInstance('', false), readerError(/Type your fediverse address/));
    assert.throws(() => parseInstance(undefined, false), readerError(/Type your fediverse address/));
    for (const typed of [
      'alice',
      'not a handle',
      '@alice@',
      'alice@@example.social',
      'al ice@example.social',
      'ftp://example.social',
      'https://user:pass@example.social',
      'javascript:alert(1)',
      '@alice@example.social?x=1',
      'example..social',
      '-example.social',
      `${'a'.repeat(64)}.example`,
      'x'.repeat(600),
    ])
      assert.throws(() => parseInstance(typed, false), readerError(/not a fediverse address/), typed);
  });

  test('allowedInstances and blockedInstances: host names, *. for subdomains, blocked first', () => {
    const at = (typed: string) => parseInstance(typed, false);
    const refused = readerError(/cannot log in here/);
    checkInstanceAllowed(at('example.social'), { blocked: [] });
    checkInstanceAllowed(at('example.social'), { allowed: ['example.social'], blocked: [] });
    checkInstanceAllowed(at('eu.example.social'), { allowed: ['*.example.social'], blocked: [] });
    assert.throws(
      () => checkInstanceAllowed(at('example.social'), { allowed: ['*.example.social'], blocked: [] }),
      refused,
    );
    assert.throws(
      () => checkInstanceAllowed(at('other.social'), { allowed: ['example.social'], blocked: [] }),
      refused,
    );
    assert.throws(
      () => checkInstanceAllowed(at('badexample.social'), { allowed: ['*.example.social'], blocked: [] }),
      refused,
    );
    assert.throws(() => checkInstanceAllowed(at('spam.example'), { blocked: ['spam.example'] }), refused);
    assert.throws(() => checkInstanceAllowed(at('a.spam.example'), { blocked: ['*.spam.example'] }), refused);
    assert.throws(
      () =>
        checkInstanceAllowed(at('eu.example.social'), {
          allowed: ['*.example.social'],
          blocked: ['eu.example.social'],
        }),
      refused,
    );
    // The port is not part of the match.
    checkInstanceAllowed(at('example.social:8443'), { allowed: ['example.social'], blocked: [] });
  });
});

describe('accountIdentity: verify_credentials as Byline’s identity', () => {
  const instance = parseInstance('example.social', false);

  test('the subject names the instance; the display name keeps its shortcodes as text', () => {
    const identity = accountIdentity('mastodon', instance, {
      id: '109348271846154372',
      username: 'alice',
      acct: 'alice',
      display_name: 'Alice :blobcat: <b>',
      avatar: 'https://files.example.social/avatars/a.png',
      url: 'https://example.social/@alice',
      emojis: [{ shortcode: 'blobcat', url: 'https://files.example.social/blobcat.png' }],
    });
    assert.deepEqual(identity, {
      provider: 'mastodon',
      id: 'example.social:109348271846154372',
      name: 'Alice :blobcat: <b>',
      username: 'alice@example.social',
      emailVerified: false,
      picture: 'https://files.example.social/avatars/a.png',
      website: 'https://example.social/@alice',
    });
  });

  test('no display name: the username; an http or script URL is dropped; no id fails the login', () => {
    const identity = accountIdentity('fedi', instance, {
      id: '7',
      username: 'bob',
      acct: 'bob',
      display_name: '',
      avatar: 'http://example.social/a.png',
      url: 'javascript:alert(1)',
    });
    assert.equal(identity.name, 'bob');
    assert.equal(identity.id, 'example.social:7');
    assert.equal(identity.username, 'bob@example.social');
    assert.equal(identity.picture, undefined);
    assert.equal(identity.website, undefined);
    assert.throws(() => accountIdentity('mastodon', instance, { id: 7, username: 'x' }), /no account id/);
    assert.throws(() => accountIdentity('mastodon', instance, { id: ' 7', username: 'x' }), /no account id/);
  });

  test('only the instance speaks for the account: acct and a foreign url cannot make it someone else', () => {
    const identity = accountIdentity('mastodon', instance, {
      id: '1',
      username: 'gargron',
      acct: 'gargron@mastodon.social',
      display_name: 'Eugen',
      url: 'https://mastodon.social/@Gargron',
    });
    assert.equal(identity.username, 'gargron@example.social');
    assert.equal(identity.website, undefined, 'a profile page elsewhere is not kept');
    // A username that is no user part (an address, spaces) names nobody: no username at all.
    const odd = accountIdentity('mastodon', instance, {
      id: '2',
      username: 'a@mastodon.social',
      url: 'https://example.social/@a',
    });
    assert.equal(odd.username, undefined);
    assert.equal(odd.name, 'Anonymous');
    assert.equal(odd.website, 'https://example.social/@a', 'a profile page on the instance is kept');
  });

  test('account ids are letters, digits, _ and - only: one with a colon could name an account of another port', () => {
    const on = (typed: string, id: unknown) =>
      accountIdentity('mastodon', parseInstance(typed, true), { id, username: 'a' });
    assert.equal(on('example.social', '01HXYZ_ab-9').id, 'example.social:01HXYZ_ab-9');
    // Else `example.social` id `8443:5` and `example.social:8443` id `5` would be one subject.
    assert.equal(on('example.social:8443', '5').id, 'example.social:8443:5');
    for (const id of ['8443:5', 'a/b', '5 ', 'ü', '1.2'])
      assert.throws(() => on('example.social', id), /no account id/, id);
  });
});
