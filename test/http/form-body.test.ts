import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import { formBody, parseForm } from '../../src/http/form-body.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { postForm } from '../support/security.js';

describe('parseForm', () => {
  test('decodes names and values as application/x-www-form-urlencoded says (+ is a space, %XX is UTF-8)', () => {
    assert.deepEqual(
      { ...parseForm('grant_type=refresh_token&name=Ada+L%C3%B6velace&empty=&flag', 50) },
      { grant_type: 'refresh_token', name: 'Ada Lövelace', empty: '', flag: '' },
    );
  });

  test('a repeated name becomes an array, which the parameter helpers refuse', () => {
    assert.deepEqual(parseForm('state=a&state=b&state=c', 50).state, ['a', 'b', 'c']);
  });

  test('no name reaches Object.prototype', () => {
    const body = parseForm('__proto__=x&constructor=y&toString=z', 50);
    assert.equal(Object.getPrototypeOf(body), null);
    assert.deepEqual(Object.entries(body), [
      ['__proto__', 'x'],
      ['constructor', 'y'],
      ['toString', 'z'],
    ]);
    assert.equal(({} as Record<string, unknown>).x, undefined);
    assert.equal(typeof ({} as { toString: unknown }).toString, 'function');
  });

  test('more pairs than the limit is an invalid_request', () => {
    assert.throws(() => parseForm('a=1&b=2&c=3', 2), { code: 'invalid_request' });
    assert.equal(Object.keys(parseForm('a=1&b=2', 2)).length, 2);
  });
});

describe('formBody', () => {
  let url: string;
  let close: () => void;
  before(async () => {
    const app = express();
    app.post('/echo', formBody({ limit: 64, parameterLimit: 5 }), (req, res) => {
      res.json({ body: req.body ?? null });
    });
    app.post(
      '/drained',
      (req, _res, next) => {
        req.resume();
        req.once('end', () => next());
      },
      formBody({ limit: 64, parameterLimit: 5 }),
      (req, res) => {
        res.json({ body: req.body ?? null });
      },
    );
    app.use(
      (err: { code?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
        res.status(400).json({ error: err.code });
      },
    );
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    url = `http://127.0.0.1:${port}/echo`;
    close = () => {
      server.closeAllConnections();
      server.close();
    };
  });
  after(() => close());

  async function post(body: string, headers: Record<string, string>) {
    const response = await fetch(url, { method: 'POST', body, headers });
    return {
      status: response.status,
      headers: response.headers,
      json: (await response.json()) as Record<string, unknown>,
    };
  }
  const form = { 'content-type': 'application/x-www-form-urlencoded' };

  test('reads a form body into req.body', async () => {
    const answer = await post('a=1&b=two', form);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json.body, { a: '1', b: 'two' });
  });

  test('takes charset=UTF-8 and parameters after the media type', async () => {
    const answer = await post('a=%C3%A9', {
      'content-type': 'Application/X-WWW-Form-Urlencoded; Charset="UTF-8"',
    });
    assert.deepEqual(answer.json.body, { a: 'é' });
  });

  test('leaves other media types alone for the next parser', async () => {
    for (const type of ['application/json', 'text/plain', 'application/x-www-form-urlencodedx']) {
      const answer = await post('a=1', { 'content-type': type });
      assert.equal(answer.status, 200, type);
      assert.equal(answer.json.body, null, type);
    }
  });

  test('refuses another charset, a Content-Encoding, too many pairs and a body over the limit', async () => {
    const cases: [string, string, Record<string, string>][] = [
      ['utf-16', 'a=1', { 'content-type': 'application/x-www-form-urlencoded; charset=utf-16' }],
      ['gzip', 'a=1', { ...form, 'content-encoding': 'gzip' }],
      ['six pairs', 'a&b&c&d&e&f', form],
      ['65 bytes', `a=${'x'.repeat(63)}`, form],
    ];
    for (const [what, body, headers] of cases) {
      const answer = await post(body, headers);
      assert.equal(answer.status, 400, what);
      assert.equal(answer.json.error, 'invalid_request', what);
    }
  });

  test('a body something else has already read is left alone instead of waited for', async () => {
    const response = await fetch(url.replace('/echo', '/drained'), {
      method: 'POST',
      body: 'a=1',
      headers: form,
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { body: null });
  });

  test('an oversized body is not read: the answer closes the connection', async () => {
    const answer = await post(`a=${'x'.repeat(100)}`, form);
    assert.equal(answer.status, 400);
    assert.equal(answer.headers.get('connection'), 'close');
  });

  test('a body streamed without Content-Length past the limit is cut off', async () => {
    const { status } = await new Promise<{ status: number }>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: form }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0 });
      });
      req.on('error', reject);
      req.write('a=');
      req.write('y'.repeat(40));
      req.end('y'.repeat(40));
    });
    assert.equal(status, 400);
  });
});

describe('the gateway’s form endpoints', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startGateway();
  });
  after(() => gateway.close());

  test('a repeated parameter at /token is refused by name', async () => {
    const answer = await postForm(
      `${gateway.url}/token`,
      'grant_type=refresh_token&client_id=blog&refresh_token=a&refresh_token=b',
    );
    assert.equal(answer.status, 400);
    assert.match(
      (JSON.parse(answer.body) as { error_description: string }).error_description,
      /refresh_token/,
    );
  });
});
