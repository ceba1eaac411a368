// What holds guests' code mails back: the limits per client network, per mailbox and per site, the cap
// on wrong codes per address, and a mail server that refuses or is down; each counted in the metric.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startGateway, type TestGateway } from '../../support/gateway.js';
import { from, otherCode, postForm, verifyingSite } from '../../support/guest-codes.js';
import {
  codeIn,
  downMailServerUrl,
  type MailServerOptions,
  startMailServer,
  type TestMailServer,
} from '../../support/mail-server.js';

const origin = 'https://strict.example';
const ada = { client_id: 'strict', name: 'Ada Lovelace', email: 'ada@example.com' };

/** A gateway with a `strict` site (verifyEmail: required) that trusts one proxy hop, mailing to `server`. */
function limitedGateway(config: Record<string, unknown>, server: TestMailServer) {
  return startGateway({
    config: {
      sites: {
        strict: verifyingSite('strict', { verifyEmail: 'required' }),
        other: verifyingSite('other', { verifyEmail: 'required' }),
      },
      smtp: { url: server.url, from },
      http: { trustProxy: 1 },
      ...config,
    },
  });
}

/** The headers of a POST from `client` (as the trusted proxy names it) at `site`’s origin. */
const viaProxy = (client: string, site = 'strict') => ({
  origin: `https://${site}.example`,
  'x-forwarded-for': client,
});

/** The code mails counted so far for `site`, by outcome. */
async function mailsCounted(gateway: TestGateway, site = 'strict') {
  const metric = gateway.ctx.metrics.registry.getSingleMetric('byline_guest_code_mails_total');
  const values = metric ? (await metric.get()).values : [];
  return Object.fromEntries(
    values.filter((v) => v.labels.site === site).map((v) => [String(v.labels.outcome), v.value]),
  );
}

/** Runs `body` with a mail server and a gateway configured with `config`, and closes both. */
async function withGateway(
  config: Record<string, unknown>,
  body: (gateway: TestGateway, server: TestMailServer) => Promise<void>,
  options: MailServerOptions = {},
): Promise<void> {
  const server = await startMailServer(options);
  const gateway = await limitedGateway(config, server);
  try {
    await body(gateway, server);
  } finally {
    await gateway.close();
    await server.close();
  }
}

describe('rate limits', () => {
  test('per client address: codes for many addresses from one client stop at the limit', () =>
    withGateway({ rateLimits: { guestCodes: { points: 2, window: '10m' } } }, async (gateway, server) => {
      const ask = (n: number) =>
        postForm(
          gateway,
          '/guest/code',
          { ...ada, email: `reader${n}@example.com` },
          viaProxy('203.0.113.9'),
        );
      assert.equal((await ask(1)).status, 202);
      assert.equal((await ask(2)).status, 202);
      const third = await ask(3);
      assert.equal(third.status, 429);
      assert.equal(third.body.error, 'too_many_requests');
      assert.ok(Number(third.headers.get('retry-after')) > 0);
      assert.equal(server.mails.length, 2);
      assert.deepEqual(await mailsCounted(gateway), { sent: 2, limited: 1 });
    }));

  test('per client address: the addresses of one IPv6 /64 are one client', () =>
    withGateway({ rateLimits: { guestCodes: { points: 2, window: '10m' } } }, async (gateway, server) => {
      const ask = (n: number, client: string) =>
        postForm(gateway, '/guest/code', { ...ada, email: `reader${n}@example.com` }, viaProxy(client));
      assert.equal((await ask(1, '2001:db8:1:2::a')).status, 202);
      assert.equal((await ask(2, '2001:db8:1:2:ffff:0:0:b')).status, 202);
      assert.equal((await ask(3, '2001:0db8:0001:0002::c')).status, 429);
      // The next /64 is another client.
      assert.equal((await ask(4, '2001:db8:1:3::a')).status, 202);
      assert.equal(server.mails.length, 3);
    }));

  test('per email address: codes to one address from many clients stop at the limit', () =>
    withGateway(
      { rateLimits: { guestCodesPerEmail: { points: 2, window: '1h' } } },
      async (gateway, server) => {
        const ask = (n: number) => postForm(gateway, '/guest/code', ada, viaProxy(`203.0.113.${n}`));
        assert.equal((await ask(1)).status, 202);
        assert.equal((await ask(2)).status, 202);
        const third = await ask(3);
        assert.equal(third.status, 429);
        assert.match(String(third.body.error_description), /this email address/);
        // Another address is not held back.
        const other = { ...ada, email: 'other@example.com' };
        assert.equal((await postForm(gateway, '/guest/code', other, viaProxy('203.0.113.4'))).status, 202);
        assert.equal(server.mails.length, 3);
      },
    ));

  test('per email address: +tags, case, and a Gmail address’s dots are one mailbox', () =>
    withGateway(
      { rateLimits: { guestCodesPerEmail: { points: 2, window: '1h' } } },
      async (gateway, server) => {
        const ask = (email: string, n: number) =>
          postForm(gateway, '/guest/code', { ...ada, email }, viaProxy(`203.0.113.${n}`));
        assert.equal((await ask('ada+1@example.com', 1)).status, 202);
        assert.equal((await ask('ADA+2@Example.com', 2)).status, 202);
        assert.equal((await ask('ada+3@example.com', 3)).status, 429);
        assert.equal((await ask('ada.lovelace@gmail.com', 4)).status, 202);
        assert.equal((await ask('adalovelace+x@gmail.com', 5)).status, 202);
        assert.equal((await ask('Ada.Love.Lace@googlemail.com', 6)).status, 429);
        // Each mail still goes to the address as typed (its domain in lower case, as mailparser reads it).
        assert.deepEqual(
          server.mails.map((mail) => (mail.to as { text: string }).text),
          ['ada+1@example.com', 'ADA+2@example.com', 'ada.lovelace@gmail.com', 'adalovelace+x@gmail.com'],
        );
      },
    ));

  test('per site: the site’s code mails stop at its hourly cap, other sites go on', () =>
    withGateway({ rateLimits: { guestMailsPerSite: { points: 2, window: '1h' } } }, async (gateway) => {
      const ask = (n: number, site = 'strict') =>
        postForm(
          gateway,
          '/guest/code',
          { ...ada, client_id: site, email: `reader${n}@example.com` },
          viaProxy(`203.0.113.${n}`, site),
        );
      assert.equal((await ask(1)).status, 202);
      assert.equal((await ask(2)).status, 202);
      const third = await ask(3);
      assert.equal(third.status, 429);
      assert.match(String(third.body.error_description), /for this site/);
      assert.equal((await ask(4, 'other')).status, 202);
      assert.deepEqual(await mailsCounted(gateway), { sent: 2, limited: 1 });
    }));

  test('wrong codes per address: past the cap no code for it is checked or mailed, whichever code and site', () =>
    withGateway(
      { rateLimits: { guestWrongCodes: { points: 6, window: '1d' }, guestCodesPerEmail: { points: 50 } } },
      async (gateway, server) => {
        const guess = async (fields: Record<string, string>, site = 'strict') => {
          const asked = await postForm(gateway, '/guest/code', fields, viaProxy('203.0.113.1', site));
          assert.equal(asked.status, 202);
          const code = codeIn(await server.next());
          return {
            code,
            answer: (typed: string) =>
              postForm(gateway, '/guest', { ...fields, code: typed }, viaProxy('203.0.113.1', site)),
          };
        };
        // Four wrong tries at one code, then a new code (which starts its own five), two more wrong.
        const first = await guess(ada);
        for (let i = 1; i <= 4; i++) assert.equal((await first.answer(otherCode(first.code, i))).status, 400);
        const second = await guess({ ...ada, client_id: 'other', email: 'Ada+x@example.com' }, 'other');
        assert.equal((await second.answer(otherCode(second.code))).status, 400);
        assert.equal((await second.answer(otherCode(second.code, 2))).status, 400);
        // Six wrong codes for this mailbox were allowed; the seventh is one too many, and from then on
        // not even the right code is checked.
        for (const typed of [otherCode(second.code, 3), second.code]) {
          const refused = await second.answer(typed);
          assert.equal(refused.status, 429);
          assert.equal(
            refused.body.error_description,
            'Too many wrong codes were typed for this email address. Try again later.',
          );
        }
        const mailed = server.mails.length;
        const again = await postForm(gateway, '/guest/code', ada, viaProxy('203.0.113.2'));
        assert.equal(again.status, 429);
        assert.match(String(again.body.error_description), /wrong codes/);
        assert.equal(server.mails.length, mailed);
        // Another reader is not held back.
        const grace = await guess({ ...ada, email: 'grace@example.com' });
        assert.equal((await grace.answer(grace.code)).status, 200);
      },
    ));
});

describe('a mail server that fails', () => {
  test('a refused address, a refused mail and a server that is down each say so; nothing is sent twice', async () => {
    const options: MailServerOptions = { refuseRecipients: true };
    await withGateway(
      {},
      async (gateway, server) => {
        const refusedAddress = await postForm(gateway, '/guest/code', ada, { origin });
        assert.equal(refusedAddress.status, 400);
        assert.equal(refusedAddress.body.field, 'email');
        assert.match(String(refusedAddress.body.error_description), /refused this address/);

        options.refuseRecipients = false;
        const sent = await postForm(gateway, '/guest/code', ada, { origin });
        assert.equal(sent.status, 202);
        const code = codeIn(await server.next());

        options.refuseData = true;
        const refusedMail = await postForm(gateway, '/guest/code', ada, { origin });
        assert.equal(refusedMail.status, 503);
        assert.equal(refusedMail.body.error, 'temporarily_unavailable');
        assert.match(String(refusedMail.body.error_description), /mail server refused it/);
        // The mail that failed stored no code: the one mailed before still works, and was mailed once.
        assert.equal(server.mails.length, 1);
        assert.equal((await postForm(gateway, '/guest', { ...ada, code }, { origin })).status, 200);
        assert.deepEqual(await mailsCounted(gateway), { refused: 2, sent: 1 });
      },
      options,
    );

    const down = await startGateway({
      config: {
        sites: { strict: verifyingSite('strict', { verifyEmail: 'required' }) },
        smtp: { url: await downMailServerUrl(), from },
      },
    });
    try {
      const unreachable = await postForm(down, '/guest/code', ada, { origin });
      assert.equal(unreachable.status, 503);
      assert.match(String(unreachable.body.error_description), /did not answer/);
      assert.ok(Number(unreachable.headers.get('retry-after')) > 0);
      assert.deepEqual(await mailsCounted(down), { unreachable: 1 });
    } finally {
      await down.close();
    }
  });
});
