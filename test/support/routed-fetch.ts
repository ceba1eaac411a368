import { createUpstreamFetch } from '../../src/http/upstream-fetch.js';
import { isLoopbackUrl } from '../../src/loopback.js';

/**
 * Byline's upstream fetch with some origins sent to a double on loopback, path and query kept, as a
 * hosts-file entry would send them: a preset whose discovery is at a fixed production URL (Google,
 * Microsoft, LinkedIn) runs as shipped against its double. A request for any other origin off loopback
 * fails at once, so no test reaches for the network.
 */
export function routedFetch(routes: Record<string, string>): typeof fetch {
  const upstream = createUpstreamFetch();
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const target = routes[url.origin];
    if (target === undefined) {
      if (isLoopbackUrl(url)) return upstream(input, init);
      return Promise.reject(new TypeError(`fetch failed: ${url.origin} is not routed to a double`));
    }
    const routed = new URL(url.pathname + url.search, target).href;
    return upstream(input instanceof Request ? new Request(routed, input) : routed, init);
  };
}
