import {
  createRemoteJWKSet,
  customFetch,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  jwtVerify,
  type ProtectedHeaderParameters,
  type RemoteJWKSet,
} from 'jose';
import { CommenterTokenError } from './errors.js';

export interface VerifierOptions {
  /** Byline's `publicUrl`, exactly as it appears in the tokens' `iss`. */
  issuer: string;
  /** The site id (OAuth client_id) this backend serves, or several; a token must name one of them. */
  audience: string | string[];
  /** Accepted signature algorithms; asymmetric only. Default: ES256, EdDSA, RS256. */
  algorithms?: string[];
  /** Seconds of tolerated clock skew for exp/nbf/iat. Default and maximum: 60. */
  clockTolerance?: number;
  /** Used for discovery and the JWKS. Default: `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** The clock, in milliseconds since the epoch. Default: `Date.now`. */
  now?: () => number;
  /**
   * Milliseconds after a JWKS fetch before an unknown `kid` may trigger another, and after a failed
   * discovery or JWKS request before another is made (until then, verify fails fast with
   * `ERR_JWKS_UNAVAILABLE`). Default: 30 s.
   */
  cooldown?: number;
  /** Milliseconds a fetched JWKS is used before it is fetched again. Default: 10 min. */
  cacheMaxAge?: number;
  /** Milliseconds before a discovery or JWKS request is abandoned. Default: 5 s. */
  timeout?: number;
}

export interface Commenter {
  sub: string;
  name: string;
  /** The commenter's handle at their provider (`preferred_username`), where it has handles; it may change. */
  username?: string;
  picture?: string;
  website?: string;
  email?: string;
  emailVerified: boolean;
  /** The provider id (`wordpress`, `facebook`, …) or `guest`. */
  idp: string;
  /** The site id the token was issued to (its `client_id`). */
  site: string;
  /** The site session (`sid`); it ends when the commenter logs out or the token is revoked. */
  sessionId: string;
  expiresAt: Date;
  /** The verified payload, frozen. */
  claims: Readonly<JWTPayload>;
}

export interface Verifier {
  verify(token: string): Promise<Commenter>;
}

const DEFAULT_ALGORITHMS = ['ES256', 'EdDSA', 'RS256'];
// Symmetric algorithms would let anyone holding the public JWKS forge tokens, and `none` needs no key.
const ASYMMETRIC_ALGORITHMS = new Set([
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
]);
const MAX_CLOCK_TOLERANCE = 60;
const MAX_TOKEN_LENGTH = 8 * 1024;
// Three base64url parts; the signature may be empty only so that `alg: none` is reported as such.
const COMPACT_JWS = /^[\w-]+\.[\w-]+\.[\w-]*$/;
// Headers that point at or carry key material chosen by the token's author: trusting them would let
// the author pick the key, and following jku/x5u would make us fetch attacker URLs.
const REFUSED_HEADERS = ['jku', 'x5u', 'jwk', 'x5c', 'crit'] as const;
const REQUIRED_CLAIMS = ['exp', 'iat', 'sub', 'iss', 'aud'];
// Errors that the remote JWKS raises when the key set cannot be fetched or read (see keySetFetch).
const KEY_SET_FAILURES = new Set(['ERR_JOSE_GENERIC', 'ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID']);

export function createVerifier(options: VerifierOptions): Verifier {
  const { issuer, audience, algorithms, clockTolerance, now, fetchImpl, cooldown, cacheMaxAge, timeout } =
    checkOptions(options);
  const allowedAlgorithms = new Set(algorithms);
  const audiences = typeof audience === 'string' ? [audience] : audience;
  // Bumped by every discovery or JWKS request: a key resolved before a fetch may be gone after it.
  let generation = 0;
  // When the last discovery or JWKS request started, and the failure of the latest one that failed.
  // jose's cooldown counts only from successful fetches, so without this every token would ask a failing
  // gateway again (red-team finding 5). Measured with Date.now(), the clock jose's cooldown reads.
  let lastFetchAt = 0;
  let failure: { fetchedAt: number; error: CommenterTokenError } | undefined;
  const guardedFetch = keySetFetch(fetchImpl, () => {
    if (failure !== undefined && Date.now() < failure.fetchedAt + cooldown) {
      throw unavailable(
        "The gateway's signing keys could not be read a moment ago; they are not asked for again yet.",
        failure.error,
      );
    }
    lastFetchAt = Date.now();
    generation++;
  });
  // The keys the remote key set resolved, by alg and kid, with the generation they were resolved in.
  // While the key set is fresh and nothing was fetched since, the key set would resolve the same key
  // again, so verify hands it to jose directly; anything else (a stale set, an unknown kid, a refetch in
  // progress) goes through the key set, which refetches as configured.
  const resolvedKeys = new Map<string, { key: CryptoKey; generation: number }>();

  let keySet: RemoteJWKSet | undefined;
  let discovery: Promise<RemoteJWKSet> | undefined;

  // One discovery shared by concurrent first calls; a failure is forgotten so the next call retries.
  function loadKeySet(): Promise<RemoteJWKSet> {
    discovery ??= discover(issuer, guardedFetch, timeout).then(
      (jwksUri) => {
        keySet = createRemoteJWKSet(jwksUri, {
          [customFetch]: guardedFetch,
          cooldownDuration: cooldown,
          cacheMaxAge,
          timeoutDuration: timeout,
        });
        return keySet;
      },
      (error: unknown) => {
        discovery = undefined;
        throw error;
      },
    );
    return discovery;
  }

  /** The error verify reports; a key set that could not be read starts the failure cooldown. */
  function failed(error: unknown): CommenterTokenError {
    const tokenError = toTokenError(error);
    // A refusal within the cooldown made no request: it must not extend the cooldown.
    if (tokenError.code === 'ERR_JWKS_UNAVAILABLE' && failure?.fetchedAt !== lastFetchAt) {
      failure = { fetchedAt: lastFetchAt, error: tokenError };
    }
    return tokenError;
  }

  async function verify(token: string): Promise<Commenter> {
    const header = checkHeader(token, allowedAlgorithms);
    let keys: RemoteJWKSet;
    try {
      keys = keySet ?? (await loadKeySet());
    } catch (error) {
      throw failed(error);
    }
    const slot = `${header.alg} ${typeof header.kid === 'string' ? `kid:${header.kid}` : 'no kid'}`;
    const known = resolvedKeys.get(slot);
    const resolved =
      known && known.generation === generation && keys.fresh && !keys.reloading ? known.key : undefined;
    const before = generation;
    const nowMs = now();
    let payload: JWTPayload;
    try {
      const options = {
        issuer,
        audience,
        algorithms,
        clockTolerance,
        currentDate: new Date(nowMs),
        requiredClaims: REQUIRED_CLAIMS,
        typ: 'at+jwt',
      };
      if (resolved) {
        ({ payload } = await jwtVerify(token, resolved, options));
      } else {
        const result = await jwtVerify(token, keys, options);
        payload = result.payload;
        if (generation === before && !keys.reloading && isCryptoKey(result.key))
          resolvedKeys.set(slot, { key: result.key, generation: before });
      }
    } catch (error) {
      throw failed(error);
    }
    // jose checks iat only together with maxTokenAge; a token minted in the future is not ours.
    if ((payload.iat as number) > nowMs / 1000 + clockTolerance) {
      throw invalid('The commenter token was issued in the future.');
    }
    return toCommenter(payload, audiences);
  }

  return { verify };
}

interface CheckedOptions {
  issuer: string;
  audience: string | string[];
  algorithms: string[];
  clockTolerance: number;
  now: () => number;
  fetchImpl: typeof fetch;
  cooldown: number;
  cacheMaxAge: number;
  timeout: number;
}

function checkOptions(options: VerifierOptions): CheckedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createVerifier needs an options object with issuer and audience');
  }
  const { issuer, audience } = options;
  if (typeof issuer !== 'string' || !URL.canParse(issuer) || !/^https?:$/.test(new URL(issuer).protocol)) {
    throw new TypeError('"issuer" must be the gateway\'s http(s) URL');
  }
  const audienceOk =
    typeof audience === 'string'
      ? audience !== ''
      : Array.isArray(audience) && audience.length > 0 && audience.every((a) => typeof a === 'string' && a);
  if (!audienceOk) {
    throw new TypeError('"audience" must be a site id or a non-empty array of site ids');
  }
  const algorithms = options.algorithms ?? DEFAULT_ALGORITHMS;
  if (
    !Array.isArray(algorithms) ||
    algorithms.length === 0 ||
    !algorithms.every((a) => ASYMMETRIC_ALGORITHMS.has(a))
  ) {
    throw new TypeError(`"algorithms" must list some of ${[...ASYMMETRIC_ALGORITHMS].join(', ')}`);
  }
  const clockTolerance = options.clockTolerance ?? MAX_CLOCK_TOLERANCE;
  if (!isDuration(clockTolerance) || clockTolerance > MAX_CLOCK_TOLERANCE) {
    throw new TypeError(`"clockTolerance" must be between 0 and ${MAX_CLOCK_TOLERANCE} seconds`);
  }
  const now = options.now ?? Date.now;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof now !== 'function' || typeof fetchImpl !== 'function') {
    throw new TypeError('"now" and "fetch" must be functions');
  }
  const cooldown = options.cooldown ?? 30_000;
  const cacheMaxAge = options.cacheMaxAge ?? 10 * 60_000;
  const timeout = options.timeout ?? 5_000;
  if (
    !isDuration(cooldown) ||
    !isDuration(cacheMaxAge) ||
    !isDuration(timeout) ||
    !Number.isInteger(timeout)
  ) {
    throw new TypeError('"cooldown", "cacheMaxAge" and "timeout" must be non-negative milliseconds');
  }
  return {
    issuer,
    // A private copy, so that later changes to the caller's array cannot widen what we accept.
    audience: typeof audience === 'string' ? audience : [...audience],
    algorithms: [...algorithms],
    clockTolerance,
    now,
    fetchImpl,
    cooldown,
    cacheMaxAge,
    timeout,
  };
}

function isDuration(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && !Number.isNaN(value);
}

function isCryptoKey(key: unknown): key is CryptoKey {
  return typeof CryptoKey === 'function' && key instanceof CryptoKey;
}

/** The checks that need no key and no network, so that junk fails fast and never causes a fetch. */
function checkHeader(token: unknown, allowedAlgorithms: ReadonlySet<string>): ProtectedHeaderParameters {
  if (typeof token !== 'string' || token === '') {
    throw new CommenterTokenError('ERR_TOKEN_MISSING', 'No commenter token was given.');
  }
  if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
    throw new CommenterTokenError('ERR_TOKEN_MALFORMED', 'The commenter token is not a signed JWT.');
  }
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch (cause) {
    throw new CommenterTokenError('ERR_TOKEN_MALFORMED', 'The commenter token header cannot be read.', {
      cause,
    });
  }
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : undefined;
  if (typ !== 'at+jwt' && typ !== 'application/at+jwt') {
    throw invalid('The token is not a commenter access token.');
  }
  if (typeof header.alg !== 'string' || !allowedAlgorithms.has(header.alg)) {
    throw invalid('The commenter token is signed with an algorithm that is not accepted.');
  }
  for (const name of REFUSED_HEADERS) {
    if (header[name] !== undefined) throw invalid(`The commenter token carries a "${name}" header.`);
  }
  return header;
}

async function discover(issuer: string, fetchImpl: typeof fetch, timeout: number): Promise<URL> {
  // OpenID Connect Discovery 1.0 §4: the issuer without its trailing slash, then the well-known path.
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const response = await fetchImpl(url, {
    headers: { accept: 'application/json' },
    redirect: 'manual',
    signal: AbortSignal.timeout(timeout),
  });
  let metadata: unknown;
  try {
    metadata = await response.json();
  } catch (cause) {
    throw unavailable("The gateway's discovery document is not JSON.", cause);
  }
  const { issuer: named, jwks_uri: jwksUri } = (metadata ?? {}) as Record<string, unknown>;
  // Mix-up defence: a document that names another issuer is not about the keys we were told to trust.
  if (named !== issuer) {
    throw unavailable("The gateway's discovery document names a different issuer.");
  }
  if (typeof jwksUri !== 'string' || !URL.canParse(jwksUri) || !/^https?:$/.test(new URL(jwksUri).protocol)) {
    throw unavailable("The gateway's discovery document has no usable jwks_uri.");
  }
  return new URL(jwksUri);
}

/**
 * Wraps fetch so that an unreachable or failing gateway surfaces as ERR_JWKS_UNAVAILABLE. jose passes
 * errors thrown here through unchanged, so the per-token path needs no extra wrapper of its own.
 */
function keySetFetch(fetchImpl: typeof fetch, onFetch: () => void): typeof fetch {
  return async (input, init) => {
    onFetch();
    let response: Response;
    try {
      response = await fetchImpl(input, init);
    } catch (cause) {
      throw unavailable('The gateway could not be reached.', cause);
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw unavailable(`The gateway answered HTTP ${response.status}.`);
    }
    return response;
  };
}

function toTokenError(error: unknown): CommenterTokenError {
  if (error instanceof CommenterTokenError) return error;
  if (error instanceof errors.JWTExpired) {
    return new CommenterTokenError('ERR_TOKEN_EXPIRED', 'The commenter token has expired.', { cause: error });
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') {
      return new CommenterTokenError('ERR_TOKEN_AUDIENCE', 'The commenter token is for another site.', {
        cause: error,
      });
    }
    if (error.claim === 'iss') {
      return new CommenterTokenError('ERR_TOKEN_ISSUER', 'The commenter token is from another issuer.', {
        cause: error,
      });
    }
    return invalid(`The commenter token's "${error.claim}" is not acceptable.`, error);
  }
  if (error instanceof errors.JOSEError && KEY_SET_FAILURES.has(error.code)) {
    return unavailable("The gateway's signing keys could not be read.", error);
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return invalid('The commenter token is signed with an unknown key.', error);
  }
  return invalid('The commenter token signature is not valid.', error);
}

function toCommenter(payload: JWTPayload, audiences: readonly string[]): Commenter {
  const { sub, name, idp, sid, aud, client_id: clientId } = payload;
  if (
    typeof sub !== 'string' ||
    typeof name !== 'string' ||
    typeof idp !== 'string' ||
    typeof sid !== 'string'
  ) {
    // Tokens of OpenID requests carry only what their scopes allow; a commenter needs a name.
    const scope = typeof payload.scope === 'string' ? payload.scope.split(' ') : undefined;
    if (scope && !scope.includes('profile'))
      throw invalid(
        'The token was issued without the profile scope, so it names no commenter: ask for profile.',
      );
    throw invalid('The token is not a Byline commenter token.');
  }
  return {
    sub,
    name,
    username: optionalString(payload.preferred_username),
    picture: optionalString(payload.picture),
    website: optionalString(payload.website),
    email: optionalString(payload.email),
    emailVerified: payload.email_verified === true,
    idp,
    site: typeof clientId === 'string' ? clientId : siteFromAudience(aud, audiences),
    sessionId: sid,
    expiresAt: new Date((payload.exp as number) * 1000),
    claims: deepFreeze(payload),
  };
}

// jose has checked that aud names one of ours; for an array, the site is the one that matched.
function siteFromAudience(aud: unknown, audiences: readonly string[]): string {
  if (typeof aud === 'string') return aud;
  return audiences.find((a) => Array.isArray(aud) && aud.includes(a)) as string;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

function invalid(message: string, cause?: unknown): CommenterTokenError {
  return new CommenterTokenError('ERR_TOKEN_INVALID', message, cause === undefined ? undefined : { cause });
}

function unavailable(message: string, cause?: unknown): CommenterTokenError {
  return new CommenterTokenError(
    'ERR_JWKS_UNAVAILABLE',
    message,
    cause === undefined ? undefined : { cause },
  );
}
