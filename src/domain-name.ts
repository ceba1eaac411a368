/**
 * The one spelling of a DNS name that readers' handles (fediverse instances, IndieAuth sites, atproto
 * handles) and the admin's host patterns are checked against. Imports nothing, so config, providers and
 * http may all use it.
 */

/** One label (RFC 1123): letters, digits and inner hyphens, 1 to 63 characters, lower case. */
const label = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';

/**
 * A name of at least two labels, at most 253 characters, as the URL parser leaves a host (lower case,
 * IDNs in punycode): no single label such as `intranet`, no IP address spelling that is not also a name.
 */
export const domainName = new RegExp(`^(?=.{1,253}$)(?:${label}\\.)+${label}$`);

/** A host name in config, any case: `example.social`, a single label, or `*.example.social` for its subdomains. */
export const hostPattern = new RegExp(`^(?:\\*\\.)?(?:${label}\\.)*${label}$`, 'i');
