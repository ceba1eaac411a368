import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { UpstreamUnavailableError } from './provider.js';

/** What a provider's requests are held to: the per-request deadline and the upstream timer. */
interface Deadline {
  /** The provider's name, for the error. */
  provider: string;
  timeoutMs: number;
  time: (path: string) => () => void;
}

/** The endpoints watched, as `protocol//host/path`, and what each request to one is held to. */
const watched = new Map<string, Deadline>();

/**
 * A deadline and a timer for requests that a library makes with Node's http(s) and no timeout at all
 * (node-oauth, under passport-oauth2 and passport-facebook). Node's public `http.client.request.start`
 * channel shows every such request, process-wide: one to a watched endpoint gets a deadline (destroyed
 * with UpstreamUnavailableError, which node-oauth hands back as the request's one error, so the site
 * hears `temporarily_unavailable`) and is timed for the upstream duration histogram. Two apps on the
 * same endpoints share one entry (the same deadline; the timer of the last).
 */
export function watchEndpoints(urls: string[], deadline: Deadline): void {
  if (watched.size === 0)
    subscribe('http.client.request.start', (message) => {
      const { request } = message as { request: ClientRequest };
      const path = request.path.split('?')[0] ?? '';
      const held = watched.get(`${request.protocol}//${String(request.getHeader('host'))}${path}`);
      if (!held) return;
      const end = held.time(request.path);
      const timer = setTimeout(
        () =>
          request.destroy(
            new UpstreamUnavailableError(`${held.provider} did not answer within ${held.timeoutMs} ms`),
          ),
        held.timeoutMs,
      );
      request.once('close', () => {
        clearTimeout(timer);
        end();
      });
    });
  for (const url of urls) {
    const { protocol, host, pathname } = new URL(url);
    watched.set(`${protocol}//${host}${pathname}`, deadline);
  }
}
