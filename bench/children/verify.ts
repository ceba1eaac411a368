// The verify SDK against its floor, in one process: `verify()` (byline-gateway/verify, warm key cache)
// and jose's `jwtVerify` with an imported key, on the same ES256 tokens.
import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT } from 'jose';
import { fromDist } from './dist.js';
import { exitWithParent, onMessage, ready } from './ipc.js';

const { createVerifier } = await fromDist<typeof import('byline-verify')>('verify.js');

const issuer = 'https://byline.example';
const audience = 'bench';
const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
const jwk = { ...(await exportJWK(publicKey)), kid: 'bench-key', alg: 'ES256', use: 'sig' };
const now = Math.floor(Date.now() / 1000);

// Distinct tokens shaped like Byline's (the claims of a WordPress.com login), cycled through.
const tokens = await Promise.all(
  Array.from({ length: 256 }, (_, i) =>
    new SignJWT({
      idp: 'wordpress',
      name: 'Ada Lovelace',
      picture: 'https://0.gravatar.com/avatar/5f1c2b?s=96&d=identicon',
      website: 'https://gravatar.com/adalovelace',
      email: 'ada@example.com',
      email_verified: true,
      client_id: audience,
      sid: randomBytes(18).toString('base64url'),
    })
      .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ: 'at+jwt' })
      .setSubject(`wordpress:${81234567 + i}`)
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .setJti(randomUUID())
      .sign(privateKey),
  ),
);

// The gateway's discovery document and JWKS, served from memory: only the warm path is measured.
const gateway: typeof fetch = async (input) => {
  const url = input instanceof Request ? input.url : String(input);
  if (url.endsWith('/.well-known/openid-configuration'))
    return Response.json({ issuer, jwks_uri: `${issuer}/.well-known/jwks.json` });
  if (url.endsWith('/.well-known/jwks.json')) return Response.json({ keys: [jwk] });
  return new Response('not found', { status: 404 });
};
const verifier = createVerifier({ issuer, audience, fetch: gateway });
await verifier.verify(tokens[0] as string);
const key = await importJWK(jwk, 'ES256');

const cases: Record<string, (token: string) => Promise<unknown>> = {
  verify: (token) => verifier.verify(token),
  jwtVerify: (token) => jwtVerify(token, key, { issuer, audience, algorithms: ['ES256'] }),
};

/** Calls/s of one case: `concurrency` loops, each awaiting one call at a time, for `ms`. */
async function run(name: string, ms: number, concurrency = 4): Promise<{ ops: number; seconds: number }> {
  const call = cases[name];
  if (!call) throw new Error(`no case ${name}`);
  const started = performance.now();
  const deadline = started + ms;
  let ops = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, loop) => {
      let i = loop;
      while (performance.now() < deadline) {
        await call(tokens[i++ % tokens.length] as string);
        ops++;
      }
    }),
  );
  return { ops, seconds: (performance.now() - started) / 1000 };
}

onMessage((message) => {
  if (message.type !== 'run') return;
  run(String(message.name), Number(message.ms)).then(
    (result) => process.send?.({ type: 'result', ...result }),
    (error: unknown) => process.send?.({ type: 'result', error: String(error) }),
  );
});
ready();
exitWithParent();
