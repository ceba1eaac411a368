import type { Router } from 'express';
import type { Clock } from '../clock.js';
import { isLoopbackUrl } from '../loopback.js';
import type { Store } from '../store/store.js';

/** What a provider factory gets from the app: no globals, so tests can pass their own fetch and clock. */
export interface ProviderContext {
  publicUrl: string;
  fetch: typeof fetch;
  /** ms allowed for every call to the provider */
  upstreamTimeout: number;
  /** ms of clock skew tolerated in upstream ID tokens (`tokens.clockSkew`, the one tolerance everywhere); default 60 s */
  clockSkew?: number;
  clock: Clock;
  /** The redirect URI Byline registers at the provider for `id`. */
  callbackUrl(id: string): string;
  /** Mounts routes the provider serves itself (the dev IdP's pages). */
  mount(router: Router): void;
  /** Starts timing one call to a provider (for the upstream duration histogram); call the result when it ends. */
  timeUpstream(provider: string, url: string): () => void;
  /** Resolves an icon setting (absolute URL or `/static/...`) to a URL. */
  iconUrl(icon: string | undefined, fallback: string): string;
  /** The app's Store, for a provider whose library keeps state of its own between the two legs (atproto). */
  store?: Store;
  /** The config's dataDir, for a provider with a key of its own (atproto's client key). */
  dataDir?: string;
  /** `http.allowPrivateUpstreams`: reader-named hosts may be private or loopback, and plain http. */
  allowPrivateUpstreams?: boolean;
  /**
   * The fetch for hosts that readers name (http/guarded-fetch.ts): private addresses refused after DNS
   * and on every redirect (unless `allowPrivateUpstreams`), answers capped, `upstreamTimeout` as a whole.
   * Handle-based providers fetch nothing else from those hosts.
   */
  guardedFetch?: typeof fetch;
}

/**
 * An upstream URL from config: https, or plain http on a loopback host only (a test double, a local
 * proxy). Checked when the provider is built, so a bad endpoint stops start-up instead of failing logins
 * later or sending a client secret in clear text.
 */
export function upstreamEndpoint(provider: string, key: string, value: string): URL {
  return upstreamUrl(`providers.${provider}.endpoints.${key}`, value);
}

/** As upstreamEndpoint, for the URL at config key `path` (`providers.corp.issuer`). */
export function upstreamUrl(path: string, value: string): URL {
  const url = new URL(value);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackUrl(url)))
    throw new TypeError(`${path}: must be an https URL (plain http only on loopback)`);
  return url;
}
