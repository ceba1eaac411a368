import { createHmac } from 'node:crypto';
import type { SiteConfig } from '../../config/schema.js';
import { deriveKey } from '../../crypto/derive-key.js';
import type { Identity } from '../../identity.js';
import type { StoreWrite } from '../../store/store.js';
import { publicSubject } from '../../tokens/subject.js';
import type { GatewayContext } from '../gateway-context.js';
import { storeKeys } from './store-keys.js';

/**
 * How long a reader's choice of a site is remembered: beyond one login (a login lasts `session.ttl`),
 * so a reader who logs in again is not asked again, but not forever (nothing in the Store is).
 */
const consentTtlMs = 365 * 24 * 60 * 60_000;

/** What the Store keeps: only when the reader chose the site. */
interface ConsentRecord {
  at: number;
}

/**
 * The key of one reader's consent to one site. The public subject is hashed under a key of its own, so
 * the Store's key names do not list who uses which site; under `subject: pairwise` too it is the public
 * subject, so one choice holds whatever the site's subject kind.
 */
function consentKey(ctx: GatewayContext, site: string, publicSub: string): string {
  const hash = createHmac('sha256', deriveKey(ctx.keys.rootSecret, 'byline consent'))
    .update(publicSub)
    .digest('base64url');
  return storeKeys.consent(site, hash);
}

/**
 * The writes that remember that the reader `identity` chose `site`, for a batch of the caller's: none for
 * a trusted site, which never asks (a record there would be read by nobody).
 */
export function consentWrites(ctx: GatewayContext, site: SiteConfig, identity: Identity): StoreWrite[] {
  if (site.trusted) return [];
  const value: ConsentRecord = { at: ctx.clock.now() };
  return [{ op: 'set', key: consentKey(ctx, site.id, publicSubject(identity)), value, ttlMs: consentTtlMs }];
}

/**
 * Whether `site` may learn who `identity` is without asking: the admin trusts the site, or the reader
 * chose it before.
 */
export async function hasConsent(
  ctx: GatewayContext,
  site: SiteConfig,
  identity: Identity,
): Promise<boolean> {
  if (site.trusted) return true;
  return (
    (await ctx.store.get<ConsentRecord>(consentKey(ctx, site.id, publicSubject(identity)))) !== undefined
  );
}

/** Forgets every site a public subject (`<idp>:<id>`) chose, e.g. on the provider's data deletion request. */
export async function forgetConsents(ctx: GatewayContext, publicSub: string): Promise<void> {
  await ctx.store.delete(...[...ctx.sites.keys()].map((site) => consentKey(ctx, site, publicSub)));
}
