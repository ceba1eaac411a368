import { createHash } from 'node:crypto';

/**
 * Per-server redirect URIs for the providers whose servers readers name (a fediverse instance, an
 * IndieAuth server): `<publicUrl>/auth/<id>/callback?i=<tag>`, the tag naming the server. One callback
 * for every server would let a server the reader was sent to (an attacker's) bounce them to another one
 * (their own instance, with Byline's client there and the same redirect URI) and receive that server's
 * code at its own token endpoint: a mix-up (RFC 9207 §1), which Mastodon's callbacks, without `iss`, cannot
 * reveal. With a tag, the honest server refuses a redirect URI registered elsewhere (Mastodon's Doorkeeper
 * compares the query of a registered redirect URI; IndieAuth servers bind the code to the redirect URI),
 * and the callback is refused when its tag is not the one of the server its login went to.
 */
const tagParam = 'i';

/** The first 12 characters of base64url(SHA-256(server)): short, and the same on every Byline instance. */
function serverTag(server: string): string {
  return createHash('sha256').update(server).digest('base64url').slice(0, 12);
}

/** `callbackUrl` tagged for `server` (an origin, an endpoint URL): the redirect URI Byline uses there alone. */
export function taggedCallback(callbackUrl: string, server: string): string {
  const url = new URL(callbackUrl);
  url.searchParams.set(tagParam, serverTag(server));
  return url.href;
}

/** Whether the callback came back through `server`'s redirect URI (its tag, exactly once). */
export function cameFrom(params: URLSearchParams, server: string): boolean {
  const tags = params.getAll(tagParam);
  return tags.length === 1 && tags[0] === serverTag(server);
}
