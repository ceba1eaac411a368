// A real relying party in another language: Python authlib from Debian, its Flask client used as its
// documentation shows (authlib/flask_rp.py), logs a reader in through Byline's dev login. authlib
// validates the ID token itself (JWKS from discovery, alg, iss, aud, nonce, at_hash, exp) and puts its
// claims in token['userinfo']. This file plays the reader's browser and reads the script's JSON.
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { ada, devLoginAt } from './reader.js';

// Debian's interpreter, where apt-get puts python3-authlib (not whichever python3 comes first on PATH).
const python = '/usr/bin/python3';
const script = fileURLToPath(new URL('./authlib/flask_rp.py', import.meta.url));
const debianPackages = { authlib: 'python3-authlib', flask: 'python3-flask', requests: 'python3-requests' };

/** Fails (never skips) with the line that installs what is missing. */
function requireAuthlib(): void {
  const found = spawnSync(
    python,
    [
      '-c',
      'import importlib.util, sys; print(" ".join(m for m in sys.argv[1:] if importlib.util.find_spec(m) is None))',
      ...Object.keys(debianPackages),
    ],
    { encoding: 'utf8' },
  );
  const missing =
    found.error || found.status !== 0
      ? ['python3', ...Object.values(debianPackages)]
      : found.stdout
          .split(/\s+/)
          .filter(Boolean)
          .map((module) => debianPackages[module as keyof typeof debianPackages]);
  if (missing.length)
    assert.fail(`Python authlib is missing for ${python}: apt-get install -y ${missing.join(' ')}`);
}

const sites = {
  // authlib's defaults for a confidential client: client_secret_basic; PKCE as its docs enable it.
  notes: {
    name: 'Notes',
    origins: ['https://notes.example'],
    redirectUris: ['https://notes.example/callback'],
    secret: 'notes-secret-0123456789',
  },
  // No PKCE and client_secret_post, as Comentario and WordPress plugins log in.
  board: {
    name: 'Board',
    origins: ['https://board.example'],
    redirectUris: ['https://board.example/callback'],
    secret: 'board-secret-0123456789',
    pkce: 'optional',
  },
};

let gateway: TestGateway;
const children = new Set<ChildProcessWithoutNullStreams>();
before(async () => {
  gateway = await startGateway({ config: { sites } });
});
after(async () => {
  for (const child of children) child.kill();
  await gateway.close();
});

interface Settings {
  client_id: keyof typeof sites;
  pkce?: boolean;
  auth_method?: 'client_secret_basic' | 'client_secret_post';
}

/** What the script printed after the callback: authlib's token['userinfo'] and its userinfo call. */
interface Outcome {
  userinfo: Record<string, unknown>;
  endpoint: Record<string, unknown>;
  token: string[];
  scope?: string;
  token_type?: string;
}

/**
 * Runs the authlib RP for `settings.client_id`: takes the authorization URL it prints, logs the reader
 * in through Byline in this process's browser, gives the script the URL Byline sent the reader to, and
 * returns the authorization URL and the script's outcome. A refusal by authlib fails with its error.
 */
async function authlibLogin(settings: Settings): Promise<{ authorize: URL; outcome: Outcome }> {
  requireAuthlib();
  const site = sites[settings.client_id];
  const redirectUri = site.redirectUris[0] as string;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NO_PROXY: '127.0.0.1,localhost',
    PYTHONDONTWRITEBYTECODE: '1',
  };
  for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ALL_PROXY', 'all_proxy'])
    delete env[name];
  const child = spawn(
    python,
    [
      script,
      JSON.stringify({
        issuer: gateway.url,
        client_secret: site.secret,
        redirect_uri: redirectUri,
        ...settings,
      }),
    ],
    { env },
  );
  children.add(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const line = await lines.next();
    if (line.done) throw new Error(`the authlib script ended (${await exited}): ${stderr.slice(-2000)}`);
    return JSON.parse(line.value) as Record<string, unknown>;
  };
  try {
    const authorize = new URL((await next()).authorize as string);
    assert.equal(authorize.origin + authorize.pathname, `${gateway.url}/authorize`);
    const callback = await devLoginAt(authorize, redirectUri);
    child.stdin.end(`${callback}\n`);
    const result = await next();
    assert.equal(
      result.error,
      undefined,
      `authlib refused the login: ${result.error}\n${stderr.slice(-2000)}`,
    );
    assert.equal(await exited, 0, stderr);
    return { authorize, outcome: result as unknown as Outcome };
  } finally {
    child.kill();
    children.delete(child);
  }
}

describe('Python authlib (Debian) against Byline', () => {
  test("authlib's Flask client logs a reader in with PKCE, and token['userinfo'] holds the validated ID token's claims", async () => {
    const { authorize, outcome } = await authlibLogin({ client_id: 'notes' });
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(authorize.searchParams.get('state'), 'authlib sends state');
    const nonce = authorize.searchParams.get('nonce');
    assert.ok(nonce, 'authlib sends a nonce with scope openid');
    assert.ok(outcome.token.includes('id_token'), `an id_token among ${outcome.token.join(', ')}`);
    assert.equal(outcome.scope, 'openid profile email');
    assert.equal(outcome.token_type, 'Bearer');
    // token['userinfo'] is authlib's parse_id_token: the claims of an ID token whose signature, iss,
    // aud, nonce, at_hash and exp it checked.
    const claims = outcome.userinfo;
    assert.equal(claims.iss, gateway.url);
    assert.equal(claims.aud, 'notes');
    assert.equal(claims.nonce, nonce);
    assert.equal(typeof claims.sub, 'string');
    assert.equal(claims.name, ada.name);
    assert.equal(claims.email, ada.email);
    assert.equal(typeof claims.at_hash, 'string');
    // And the userinfo endpoint, called by authlib with the access token, names the same reader.
    assert.equal(outcome.endpoint.sub, claims.sub);
    assert.equal(outcome.endpoint.name, ada.name);
    assert.equal(outcome.endpoint.email, ada.email);
  });

  test("without PKCE and with client_secret_post, authlib's token['userinfo'] names the reader too", async () => {
    const { authorize, outcome } = await authlibLogin({
      client_id: 'board',
      pkce: false,
      auth_method: 'client_secret_post',
    });
    assert.equal(authorize.searchParams.get('code_challenge'), null);
    assert.equal(outcome.userinfo.aud, 'board');
    assert.equal(outcome.userinfo.nonce, authorize.searchParams.get('nonce'));
    assert.equal(outcome.userinfo.name, ada.name);
    assert.equal(outcome.userinfo.email, ada.email);
    assert.equal(outcome.endpoint.sub, outcome.userinfo.sub);
  });
});
