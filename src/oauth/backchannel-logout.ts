import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Config, SiteConfig } from '../config/schema.js';
import type { Metrics } from '../http/metrics.js';
import { idTokenAlgorithmOf } from '../tokens/algorithms.js';
import { signCompact } from '../tokens/jws.js';
import type { KeyStore } from '../tokens/keystore.js';
import type { EndedSiteSession, LogoutNotifier } from './gateway-context.js';

/** The event a logout token carries (Back-Channel Logout 1.0 §2.4). */
export const backchannelLogoutEvent = 'http://schemas.openid.net/event/backchannel-logout';

/** How long a logout token is valid: the retries below all fall inside it. */
const logoutTokenTtlSeconds = 120;

/** The waits before each retry of a delivery that met a network error, a timeout or a 5xx. */
const defaultRetryDelays: readonly number[] = [1000, 4000, 16_000];

export interface BackchannelLogoutOptions {
  config: Config;
  issuer: string;
  sites: ReadonlyMap<string, SiteConfig>;
  keys: KeyStore;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  /** The app's upstream fetch (http/upstream-fetch.ts). */
  fetch: typeof fetch;
  retryDelays?: readonly number[];
}

/**
 * A logout token (Back-Channel Logout 1.0 §2.4): header `typ: logout+jwt`; `iss aud iat exp jti sub sid`
 * and the back-channel logout event; never a `nonce` (§2.4 forbids it, so it cannot pass as an ID token).
 */
function mintLogoutToken(
  options: Pick<BackchannelLogoutOptions, 'config' | 'issuer' | 'keys' | 'clock'>,
  site: SiteConfig,
  ended: EndedSiteSession,
): string {
  const key = options.keys.signingKey(idTokenAlgorithmOf(options.config, site));
  const iat = Math.floor(options.clock.now() / 1000);
  return signCompact(key, 'logout+jwt', {
    iss: options.issuer,
    aud: site.id,
    iat,
    exp: iat + logoutTokenTtlSeconds,
    jti: randomUUID(),
    sub: ended.sub,
    sid: ended.sid,
    events: { [backchannelLogoutEvent]: {} },
  });
}

const wait = (ms: number) =>
  new Promise<void>((resolve) => {
    // A pending retry must not keep a stopping process alive.
    setTimeout(resolve, ms).unref();
  });

/**
 * Back-Channel Logout 1.0 for the sites that configure `backchannelLogoutUri`: for each site session
 * that ended, a logout token POSTed as `logout_token=…` (form-encoded) to the site. Each attempt is
 * bounded by `http.upstreamTimeout`; network errors, timeouts and 5xx answers are tried again after
 * `retryDelays`; a 2xx is delivered, any other answer refused (the site will not take it on a retry).
 * All of it after the request that ended the sessions has been answered: `sessionsEnded` returns at
 * once. Every outcome is a log line (never with the token) and a count in
 * `byline_backchannel_logouts_total`.
 */
export function backchannelLogout(options: BackchannelLogoutOptions): LogoutNotifier {
  const counter = options.metrics.backchannelLogouts;
  const delays = options.retryDelays ?? defaultRetryDelays;
  const timeout = options.config.http.upstreamTimeout;

  async function attempt(uri: string, body: string): Promise<{ status?: number; error?: string }> {
    try {
      const response = await options.fetch(uri, {
        method: 'POST',
        // A logout token goes to the registered address only, never where a redirect points.
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'cache-control': 'no-cache' },
        body,
        signal: AbortSignal.timeout(timeout),
      });
      await response.arrayBuffer().catch(() => undefined);
      return { status: response.status };
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return { error: cause ?? (error instanceof Error ? error.name : 'error') };
    }
  }

  async function deliver(site: SiteConfig, uri: string, ended: EndedSiteSession): Promise<void> {
    // After the current request's answer is written: signing (RS256) is not the reader's wait.
    await new Promise((resolve) => setImmediate(resolve));
    const body = new URLSearchParams({ logout_token: mintLogoutToken(options, site, ended) }).toString();
    for (let n = 0; ; n++) {
      const { status, error } = await attempt(uri, body);
      const fields = { site: site.id, attempt: n + 1, ...(status ? { status } : { error }) };
      if (status !== undefined && status >= 200 && status < 300) {
        counter.inc({ site: site.id, outcome: 'delivered' });
        options.log.info(fields, 'back-channel logout delivered');
        return;
      }
      if (status !== undefined && status < 500) {
        counter.inc({ site: site.id, outcome: 'refused' });
        options.log.warn(fields, 'back-channel logout refused by the site');
        return;
      }
      const delay = delays[n];
      if (delay === undefined) {
        counter.inc({ site: site.id, outcome: 'failed' });
        options.log.warn(fields, 'back-channel logout failed; no more attempts');
        return;
      }
      counter.inc({ site: site.id, outcome: 'retried' });
      options.log.info({ ...fields, retryIn: delay }, 'back-channel logout attempt failed; trying again');
      await wait(delay);
    }
  }

  return {
    sessionsEnded(sessions) {
      for (const ended of sessions) {
        const site = options.sites.get(ended.site);
        const uri = site?.backchannelLogoutUri;
        if (!site || !uri) continue;
        deliver(site, uri, ended).catch((error: unknown) => {
          counter.inc({ site: site.id, outcome: 'failed' });
          options.log.error(
            { site: site.id, error: error instanceof Error ? error.message : String(error) },
            'back-channel logout could not be sent',
          );
        });
      }
    },
  };
}
