// Guesses at one mailed code sent all at once: each is counted (compare-and-swap on the code's record),
// so a burst gets no more than the code's five tries, and a right code verifies once. In memory and in
// Redis, where the store's swap is a script run against other instances' writes.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { Store } from '../../../src/store/store.js';
import { startGateway, type TestGateway } from '../../support/gateway.js';
import { from, otherCode, postForm, verifyingSite } from '../../support/guest-codes.js';
import { codeIn, startMailServer } from '../../support/mail-server.js';
import { redisStore, removePrefix, uniquePrefix } from '../../support/redis.js';

const origin = { origin: 'https://strict.example' };
const ada = { client_id: 'strict', name: 'Ada Lovelace', email: 'ada@example.com' };

const backends: [string, () => { store?: Store; cleanup(): Promise<void> }][] = [
  ['memory', () => ({ cleanup: async () => {} })],
  [
    'redis',
    () => {
      const prefix = uniquePrefix('guest-races');
      return { store: redisStore(prefix), cleanup: () => removePrefix(prefix) };
    },
  ],
];

for (const [name, backend] of backends) {
  describe(`concurrent tries at one code (${name})`, async () => {
    const mail = await startMailServer();
    const { store, cleanup } = backend();
    const gateway: TestGateway = await startGateway({
      ...(store ? { store } : {}),
      config: {
        sites: { strict: verifyingSite('strict', { verifyEmail: 'required' }) },
        smtp: { url: mail.url, from },
        // Every request here comes from one client: only the code's own tries may hold it back.
        rateLimits: { guest: { points: 1000, window: '1m' } },
      },
    });
    after(async () => {
      await gateway.close();
      await mail.close();
      await cleanup();
    });

    const post = (path: string, fields: Record<string, string>) => postForm(gateway, path, fields, origin);
    const mailedCode = async () => {
      assert.equal((await post('/guest/code', ada)).status, 202);
      return codeIn(await mail.next());
    };

    test('30 wrong codes at once: exactly five are counted, and the code is dead after them', async () => {
      const code = await mailedCode();
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => post('/guest', { ...ada, code: otherCode(code, i + 1) })),
      );
      const said = answers.map((answer) => String(answer.body.error_description));
      const counted = said.filter((text) => /not right/.test(text));
      assert.equal(counted.length, 5, JSON.stringify(said));
      // Each count once: 4, 3, 2 and 1 left, then the one that ends it.
      assert.deepEqual(counted.sort(), [
        'That code is not right, and it cannot be tried again. Ask for a new code.',
        'That code is not right. 1 try left.',
        'That code is not right. 2 tries left.',
        'That code is not right. 3 tries left.',
        'That code is not right. 4 tries left.',
      ]);
      assert.ok(answers.every((answer) => answer.status === 400));
      const right = await post('/guest', { ...ada, code });
      assert.equal(right.status, 400);
      assert.match(String(right.body.error_description), /Ask for a new code/);
    });

    test('the right code 10 times at once: one token, nine refusals', async () => {
      const code = await mailedCode();
      const answers = await Promise.all(Array.from({ length: 10 }, () => post('/guest', { ...ada, code })));
      const statuses = answers.map((answer) => answer.status).sort();
      assert.deepEqual(statuses, [200, 400, 400, 400, 400, 400, 400, 400, 400, 400]);
    });
  });
}
