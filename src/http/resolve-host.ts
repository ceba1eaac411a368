import type { LookupAddress } from 'node:dns';
import { lookup, Resolver } from 'node:dns/promises';

/** Resolves a host name to its addresses, as `dns.lookup(name, { all: true })` does; `signal` ends it. */
export type Resolve = (hostname: string, signal?: AbortSignal) => Promise<LookupAddress[]>;

export interface HostResolverOptions {
  /** ms a lookup may take as a whole (the guarded fetch's time limit; its signal ends it sooner). */
  timeoutMs: number;
  /** `localhost` is looked up in the hosts file (`http.allowPrivateUpstreams`: a development server). */
  localhost: boolean;
  /** DNS servers (`ip` or `ip:port`) asked instead of the system's: tests run their own. */
  servers?: string[];
}

/**
 * Queries sent to each server before c-ares gives up, each try given a share of the time limit (c-ares
 * lengthens later tries: the caller's signal, not this, is the exact bound).
 */
const tries = 2;
const noAddress = new Set(['ENODATA', 'ENOTFOUND']);

/**
 * DNS for hosts that readers name, through c-ares (`dns.Resolver`): every lookup is bounded by the time
 * limit and cancelled with the request, and none takes a thread of libuv's pool, as `dns.lookup`
 * (getaddrinfo) would for as long as a name server chosen by whoever owns the name cares to take: four
 * such names would stall every file read and key derivation of the process. A and AAAA are asked at once.
 * The hosts file is not read, except for `localhost` when `localhost` is set.
 */
export function hostResolver(options: HostResolverOptions): Resolve {
  const timeout = Math.max(50, Math.floor(options.timeoutMs / tries));
  return async (hostname, signal) => {
    signal?.throwIfAborted();
    if (hostname === 'localhost' && options.localhost) return lookup(hostname, { all: true, verbatim: true });
    // One resolver per lookup, so that cancelling it cancels no other reader's lookup.
    const resolver = new Resolver({ timeout, tries });
    if (options.servers) resolver.setServers(options.servers);
    const cancel = () => resolver.cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      const [v4, v6] = await Promise.allSettled([resolver.resolve4(hostname), resolver.resolve6(hostname)]);
      signal?.throwIfAborted();
      const addresses: LookupAddress[] = [
        ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 })) : []),
        ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 })) : []),
      ];
      if (addresses.length > 0) return addresses;
      const errors = [v4, v6].flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
      // A failure to ask (a timeout, a refusing server) says more than a missing record of the other kind.
      const failure = errors.find((error) => !noAddress.has((error as NodeJS.ErrnoException).code ?? ''));
      throw (
        failure ?? Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND', hostname })
      );
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
  };
}
