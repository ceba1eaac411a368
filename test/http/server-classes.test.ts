import assert from 'node:assert/strict';
import { createServer, IncomingMessage, type Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import express, { type Express } from 'express';
import { expressServerClasses } from '../../src/http/server-classes.js';

function makeApp(name: string): Express {
  const app = express();
  app.get('/who', (req, res) => {
    res.json({ app: name, q: req.query.q ?? null, sameApp: req.app === app });
  });
  return app;
}

const classes = expressServerClasses();
const seen: { request: object; response: object }[] = [];
let current: Express | undefined;
let server: Server;
let url: string;
before(async () => {
  server = createServer(classes.options, (req, res) => {
    // As the request reaches the handler, before Express has touched it.
    seen.push({ request: Object.getPrototypeOf(req), response: Object.getPrototypeOf(res) });
    if (current) current(req, res);
    else res.end('no app');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

test('before an app is given, requests and responses are Node’s own', async () => {
  assert.equal(await (await fetch(`${url}/who`)).text(), 'no app');
  const last = seen.at(-1);
  assert.equal(last?.request, IncomingMessage.prototype);
  assert.equal(last?.response, ServerResponse.prototype);
});

test('requests and responses are born with the app’s Express prototypes, and Express works as ever', async () => {
  const first = makeApp('first');
  classes.use(first);
  current = first;
  assert.deepEqual(await (await fetch(`${url}/who?q=1`)).json(), { app: 'first', q: '1', sameApp: true });
  const last = seen.at(-1);
  assert.equal(last?.request, first.request);
  assert.equal(last?.response, first.response);
  assert.ok(Object.create(first.request) instanceof IncomingMessage);
});

test('after a reload’s use(), new requests get the new app’s prototypes', async () => {
  const second = makeApp('second');
  classes.use(second);
  current = second;
  assert.deepEqual(await (await fetch(`${url}/who`)).json(), { app: 'second', q: null, sameApp: true });
  assert.equal(seen.at(-1)?.request, second.request);
});
