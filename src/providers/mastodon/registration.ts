import { setTimeout as sleep } from 'node:timers/promises';
import { randomId } from '../../crypto/random-id.js';
import type { Store } from '../../store/store.js';
import { exactId } from '../profile.js';
import { HandleError } from '../provider.js';
import { instanceMessages, readerFailure } from './errors.js';
import type { Instance } from './instance.js';
import { discoverServer, type InstanceServer, instanceJson } from './server.js';

/** Byline's app at one instance: what `POST /api/v1/apps` gave, and how that instance logs readers in. */
export interface Registration {
  clientId: string;
  clientSecret: string;
  /**
   * The redirect URI it was registered with, the instance's own: a changed publicUrl, or a registration
   * from before redirect URIs were per instance, needs a new registration.
   */
  redirectUri: string;
  server: InstanceServer;
}

export interface RegistrationOptions {
  store: Store;
  fetch: typeof fetch;
  /** The provider id: each provider keeps its own registrations. */
  provider: string;
  /** The redirect URI Byline registers at `instance` (one per instance: see callback-tag.ts). */
  redirectUri(instance: Instance): string;
  clientName: string;
  website: string;
  /** `http.upstreamTimeout`: each call to the instance is bounded by it, the whole registration by a few. */
  upstreamTimeout: number;
}

/** A registration is kept a year (every Store entry expires); an instance that forgets it gets a new one sooner. */
const keepMs = 365 * 24 * 3600_000;
/** A registration that failed is not tried again for this long: readers arriving meanwhile get the same reason. */
const failureMs = 15_000;
/** How often a reader waiting for another's registration looks again. */
const pollMs = 50;

/**
 * Byline's registrations at fediverse instances, one per instance and provider, in the Store: every Byline
 * instance shares them. The first reader of a new instance registers (discovery, `POST /api/v1/apps`)
 * under a Store lock taken with a compare-and-swap on an absent key; readers arriving meanwhile, here or
 * on another Byline instance, wait for that registration and read it, so an instance gets one app.
 */
export function instanceRegistrations(options: RegistrationOptions) {
  const { store, provider } = options;
  const key = (instance: Instance, what: 'app' | 'lock' | 'failed') =>
    `mastodon:${provider}:${what}:${instance.origin}`;
  // Registration takes discovery, the registration and (older Mastodon) a token: three calls at most.
  const lockMs = 4 * options.upstreamTimeout;
  // Readers of one instance on this process share one attempt; the Store lock serves the others.
  const inflight = new Map<string, Promise<Registration>>();

  const usable = (found: Registration | undefined, instance: Instance): found is Registration =>
    found !== undefined && found.redirectUri === options.redirectUri(instance);

  async function register(instance: Instance): Promise<Registration> {
    const server = await discoverServer(options.fetch, instance);
    const redirectUri = options.redirectUri(instance);
    const body = new URLSearchParams({
      client_name: options.clientName,
      redirect_uris: redirectUri,
      scopes: server.scope,
      website: options.website,
    });
    let response: Response;
    try {
      response = await options.fetch(server.registration, {
        method: 'POST',
        body,
        headers: { accept: 'application/json' },
      });
    } catch (error) {
      throw readerFailure(error, instance.host);
    }
    if (response.status >= 500) throw new HandleError(instanceMessages.broken(instance.host));
    const app = response.ok ? await instanceJson(response, instance) : undefined;
    const clientId = exactId(app?.client_id, 512);
    const clientSecret = exactId(app?.client_secret, 512);
    if (!clientId || !clientSecret) throw new HandleError(instanceMessages.notMastodon(instance.host));
    const registration = { clientId, clientSecret, redirectUri, server };
    // Mastodon before 4.3 removes apps that have no token yet; one app token keeps it (its docs' advice).
    if (!server.metadata) await appToken(registration).catch(() => {});
    return registration;
  }

  async function appToken({ clientId, clientSecret, server }: Registration): Promise<void> {
    const response = await options.fetch(server.token, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
        scope: server.scope,
      }),
      headers: { accept: 'application/json' },
    });
    await response.body?.cancel();
  }

  async function releaseLock(instance: Instance, token: string): Promise<void> {
    const lock = await store.getVersioned<string>(key(instance, 'lock'));
    if (lock?.value === token) await store.swap(key(instance, 'lock'), lock.version, undefined);
  }

  async function registerOnce(instance: Instance): Promise<Registration> {
    const deadline = performance.now() + lockMs + 1000;
    for (;;) {
      const [found, failed] = await Promise.all([
        store.get<Registration>(key(instance, 'app')),
        store.get<string>(key(instance, 'failed')),
      ]);
      if (usable(found, instance)) return found;
      if (failed !== undefined) throw new HandleError(failed);
      const token = randomId(16);
      if (await store.swap(key(instance, 'lock'), undefined, { value: token, ttlMs: lockMs })) {
        try {
          // Another Byline instance may have finished between the read and the lock.
          const again = await store.get<Registration>(key(instance, 'app'));
          if (usable(again, instance)) return again;
          const made = await register(instance).catch(async (error: unknown) => {
            if (error instanceof HandleError)
              await store.set(key(instance, 'failed'), error.message, failureMs);
            throw error;
          });
          await store.set(key(instance, 'app'), made, keepMs);
          return made;
        } finally {
          await releaseLock(instance, token);
        }
      }
      if (performance.now() > deadline) throw new HandleError(instanceMessages.slow(instance.host));
      await sleep(pollMs);
    }
  }

  return {
    /** Byline's registration at `instance`, made now (once, whoever asks at the same time) if there is none. */
    async get(instance: Instance): Promise<Registration> {
      const found = await store.get<Registration>(key(instance, 'app'));
      if (usable(found, instance)) return found;
      let pending = inflight.get(instance.origin);
      if (!pending) {
        pending = registerOnce(instance).finally(() => inflight.delete(instance.origin));
        inflight.set(instance.origin, pending);
      }
      return pending;
    },
    /** The registration as stored, without registering. */
    async find(instance: Instance): Promise<Registration | undefined> {
      const found = await store.get<Registration>(key(instance, 'app'));
      return usable(found, instance) ? found : undefined;
    },
    /**
     * Forgets the registration whose client id the instance no longer knows, unless it was already
     * replaced: the next login registers again.
     */
    async forget(instance: Instance, clientId: string): Promise<void> {
      const found = await store.getVersioned<Registration>(key(instance, 'app'));
      if (found?.value.clientId === clientId)
        await store.swap(key(instance, 'app'), found.version, undefined);
    },
  };
}
