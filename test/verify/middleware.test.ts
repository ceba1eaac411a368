import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createVerifier, requireCommenter, type Verifier } from 'byline-verify';
import express from 'express';
import request from 'supertest';
import { startTestIssuer, type TestIssuer } from '../support/jwt-issuer.js';

let issuer: TestIssuer;
let verifier: Verifier;
beforeEach(async () => {
  issuer = await startTestIssuer();
  verifier = createVerifier({ issuer: issuer.url, audience: 'blog' });
});
afterEach(async () => {
  await issuer.close();
});

/** A comment backend: POST /comments answers with who the middleware says is commenting. */
function backend(options?: { optional?: boolean }) {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.post('/comments', requireCommenter(verifier, options), (req, res) => {
    res.json({ name: req.commenter?.name ?? null, fromLocals: res.locals.commenter?.sub ?? null });
  });
  return app;
}

describe('requireCommenter', () => {
  it('accepts a token in the Authorization header, whatever the scheme case', async () => {
    const token = await issuer.sign();
    for (const scheme of ['Bearer', 'bearer']) {
      const res = await request(backend())
        .post('/comments')
        .set('Authorization', `${scheme} ${token}`)
        .expect(200);
      assert.deepEqual(res.body, { name: 'Ada Lovelace', fromLocals: 'wordpress:1234' });
    }
  });

  it('accepts a token in the byline_token form field', async () => {
    const token = await issuer.sign();
    const res = await request(backend())
      .post('/comments')
      .type('form')
      .send({ byline_token: token })
      .expect(200);
    assert.equal(res.body.name, 'Ada Lovelace');
  });

  it('accepts the same token in both places, and refuses two different ones with 400', async () => {
    const [one, two] = [await issuer.sign(), await issuer.sign()];
    await request(backend())
      .post('/comments')
      .set('Authorization', `Bearer ${one}`)
      .type('form')
      .send({ byline_token: one })
      .expect(200);
    const res = await request(backend())
      .post('/comments')
      .set('Authorization', `Bearer ${one}`)
      .type('form')
      .send({ byline_token: two })
      .expect(400);
    assert.equal(res.body.error, 'invalid_request');
  });

  it('answers a request without a token with 401 and a bare Bearer challenge', async () => {
    for (const req of [
      request(backend()).post('/comments'),
      request(backend()).post('/comments').set('Authorization', 'Basic dXNlcjpwYXNz'),
      request(backend()).post('/comments').type('form').send({ byline_token: '', text: 'Hi' }),
    ]) {
      const res = await req.expect(401);
      assert.equal(res.headers['www-authenticate'], 'Bearer');
      assert.equal(res.body.error, 'invalid_token');
    }
    assert.equal(issuer.requests.total, 0);
  });

  it('answers a bad token with 401, error="invalid_token" and a JSON body that does not echo it', async () => {
    const token = await issuer.sign(issuer.claims({ aud: 'other-blog', client_id: 'other-blog' }));
    const res = await request(backend())
      .post('/comments')
      .set('Authorization', `Bearer ${token}`)
      .expect(401);
    assert.equal(res.headers['www-authenticate'], 'Bearer error="invalid_token"');
    assert.match(res.headers['content-type'] ?? '', /application\/json/);
    assert.equal(res.body.error, 'invalid_token');
    assert.equal(typeof res.body.error_description, 'string');
    assert.ok(!res.text.includes(token.split('.')[1] as string));
  });

  it('answers 503 temporarily_unavailable when the JWKS is down', async () => {
    issuer.fail('jwks', 500);
    const token = await issuer.sign();
    const res = await request(backend())
      .post('/comments')
      .set('Authorization', `Bearer ${token}`)
      .expect(503);
    assert.equal(res.body.error, 'temporarily_unavailable');
  });

  it('lets a request without a token through when optional, but still refuses a bad one', async () => {
    const app = backend({ optional: true });
    const res = await request(app).post('/comments').expect(200);
    assert.deepEqual(res.body, { name: null, fromLocals: null });
    await request(app).post('/comments').set('Authorization', 'Bearer not.a.token').expect(401);
  });

  it('works on routes without a body parser', async () => {
    const app = express();
    app.get('/me', requireCommenter(verifier), (_req, res) => {
      res.json({ sub: res.locals.commenter.sub });
    });
    const res = await request(app)
      .get('/me')
      .set('Authorization', `Bearer ${await issuer.sign()}`)
      .expect(200);
    assert.equal(res.body.sub, 'wordpress:1234');
  });
});
