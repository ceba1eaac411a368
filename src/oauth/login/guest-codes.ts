import { createHmac } from 'node:crypto';
import { deriveKey } from '../../crypto/derive-key.js';
import { randomDigits } from '../../crypto/random-digits.js';
import { randomId } from '../../crypto/random-id.js';
import { sameSecret } from '../../crypto/same-secret.js';
import { mailboxKey, normalisedEmail } from '../../mail/address.js';
import { StoreUnavailableError, type StoreWrite } from '../../store/store.js';
import type { GatewayContext } from '../gateway-context.js';
import { storeKeys } from './store-keys.js';

/** How long a mailed code (and its link) works. */
export const guestCodeTtlMs = 10 * 60_000;

/** Wrong codes a mailed code survives: the fifth wrong one ends it. */
const guestCodeTries = 5;

/**
 * Who asked for a code, which is who may use a confirmation made with the mail's link: the chooser's
 * pending request (bound to its browser), or the widget's client address (a hash of it).
 */
export type CodeRequester = { request: string } | { address: string };

/**
 * One live code (`guestcode:<id>`), at most one per site and address: a new request replaces it. Only
 * MACs of the code and of the link's secret are kept, so a store dump holds nothing that verifies.
 */
interface GuestCodeRecord {
  site: string;
  /** The address as the reader typed it (trimmed): what a verified identity carries. */
  email: string;
  salt: string;
  /** MAC of the code; empty once the link spent it. */
  code: string;
  /** MAC of the link's secret. */
  link: string;
  /** Wrong codes so far. */
  tries: number;
  expires: number;
  requester: CodeRequester;
  /** The mail's link was followed and its button pressed: the requester may use the verification once. */
  confirmed?: true;
}

function mac(ctx: GatewayContext, purpose: string, value: string): string {
  return createHmac('sha256', deriveKey(ctx.keys.rootSecret, purpose)).update(value).digest('base64url');
}

/** The record's id: a MAC of site and address, so the Store's key names list no addresses. */
const recordId = (ctx: GatewayContext, site: string, email: string) =>
  mac(ctx, 'byline guest code id', `${site}\n${normalisedEmail(email)}`);

const codeMac = (ctx: GatewayContext, salt: string, code: string) =>
  mac(ctx, 'byline guest code', `${salt}\n${code}`);

const linkMac = (ctx: GatewayContext, salt: string, secret: string) =>
  mac(ctx, 'byline guest code link', `${salt}\n${secret}`);

/**
 * What the per-address limits count by: a MAC of the mailbox the address delivers to (mailboxKey:
 * `ada+1@…` and `ada+2@…` are one), the same on every site.
 */
export const emailRateKey = (ctx: GatewayContext, email: string) =>
  mac(ctx, 'byline guest email', mailboxKey(email));

/** What a widget's requester is kept as: a MAC of its client address. */
export const addressRequester = (ctx: GatewayContext, address: string): CodeRequester => ({
  address: mac(ctx, 'byline guest code requester', address),
});

const sameRequester = (a: CodeRequester, b: CodeRequester) =>
  'request' in a ? 'request' in b && a.request === b.request : 'address' in b && a.address === b.address;

/** A fresh code for `email` at `site`, the token of its link, and the write that stores it. */
export function newGuestCode(
  ctx: GatewayContext,
  details: { site: string; email: string; requester: CodeRequester },
): { code: string; linkToken: string; write: StoreWrite } {
  const code = randomDigits(6);
  const secret = randomId(24);
  const salt = randomId(12);
  const id = recordId(ctx, details.site, details.email);
  const record: GuestCodeRecord = {
    site: details.site,
    email: details.email.trim(),
    salt,
    code: codeMac(ctx, salt, code),
    link: linkMac(ctx, salt, secret),
    tries: 0,
    expires: ctx.clock.now() + guestCodeTtlMs,
    requester: details.requester,
  };
  return {
    code,
    linkToken: `${id}.${secret}`,
    write: { op: 'set', key: storeKeys.guestCode(id), value: record, ttlMs: guestCodeTtlMs },
  };
}

/** What checking a typed code found. */
export type CodeOutcome =
  | { verified: true }
  | { verified: false; reason: 'wrong'; triesLeft: number }
  | { verified: false; reason: 'expired' };

const maxRounds = 20;

/**
 * Reads record `id` and stores what `decide` makes of it, by compare-and-swap: of concurrent guesses
 * each is counted, and a code verifies once. `decide` answers the result and the next record (null:
 * remove it; undefined: leave it).
 */
async function updateCode<R>(
  ctx: GatewayContext,
  id: string,
  decide: (record: GuestCodeRecord | undefined) => { result: R; next?: GuestCodeRecord | null },
): Promise<R> {
  const key = storeKeys.guestCode(id);
  for (let round = 0; round < maxRounds; round++) {
    const read = await ctx.store.getVersioned<GuestCodeRecord>(key);
    const live = read && read.value.expires > ctx.clock.now() ? read.value : undefined;
    const { result, next } = decide(live);
    if (next === undefined) return result;
    const stored = next && { value: next, ttlMs: Math.max(next.expires - ctx.clock.now(), 1) };
    if (await ctx.store.swap(key, read?.version, stored ?? undefined)) return result;
  }
  throw new StoreUnavailableError('swap', { cause: new Error('a guest code changed too often to update') });
}

/**
 * Spends the code typed for `email` at `site`: right, it verifies once and is gone; wrong, it counts a
 * try and the fifth wrong one ends it. A code whose link was already confirmed by `requester` verifies
 * too (the reader did both); anyone else's is spent.
 */
export function spendGuestCode(
  ctx: GatewayContext,
  details: { site: string; email: string; code: string; requester: CodeRequester },
): Promise<CodeOutcome> {
  return updateCode<CodeOutcome>(ctx, recordId(ctx, details.site, details.email), (record) => {
    if (!record) return { result: { verified: false, reason: 'expired' } };
    if (record.confirmed)
      return sameRequester(record.requester, details.requester)
        ? { result: { verified: true }, next: null }
        : { result: { verified: false, reason: 'expired' } };
    if (record.code && sameSecret(codeMac(ctx, record.salt, details.code), record.code))
      return { result: { verified: true }, next: null };
    const tries = record.tries + 1;
    const triesLeft = Math.max(guestCodeTries - tries, 0);
    return {
      result: { verified: false, reason: 'wrong', triesLeft },
      next: triesLeft > 0 ? { ...record, tries } : null,
    };
  });
}

/** Uses, once, a verification that `requester` confirmed with the mail's link; false when there is none. */
export function claimConfirmed(
  ctx: GatewayContext,
  details: { site: string; email: string; requester: CodeRequester },
): Promise<boolean> {
  return updateCode(ctx, recordId(ctx, details.site, details.email), (record) =>
    record?.confirmed && sameRequester(record.requester, details.requester)
      ? { result: true, next: null }
      : { result: false },
  );
}

/** What the mail's link page shows and checks. */
export interface LinkedCode {
  site: string;
  requester: CodeRequester;
  confirmed: boolean;
}

const linkPattern = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{32})$/;

function openLink(ctx: GatewayContext, token: string, record: GuestCodeRecord | undefined): boolean {
  const secret = linkPattern.exec(token)?.[2];
  return Boolean(record && secret && sameSecret(linkMac(ctx, record.salt, secret), record.link));
}

/** The live code a link token names, read only (a GET of the link changes nothing); undefined if none. */
export async function readLink(ctx: GatewayContext, token: string): Promise<LinkedCode | undefined> {
  const id = linkPattern.exec(token)?.[1];
  if (!id) return undefined;
  const record = await ctx.store.get<GuestCodeRecord>(storeKeys.guestCode(id));
  if (!record || record.expires <= ctx.clock.now() || !openLink(ctx, token, record)) return undefined;
  return { site: record.site, requester: record.requester, confirmed: Boolean(record.confirmed) };
}

/**
 * The link's button: spends the code (typing it no longer works) and marks the verification confirmed,
 * when `me` (who sent this request, as far as the caller could tell) is who asked for the code.
 * Answers what the link named and whether it is now confirmed; undefined when the link is dead
 * (expired, replaced, spent, made up).
 */
export function confirmLink(
  ctx: GatewayContext,
  token: string,
  me: CodeRequester,
): Promise<LinkedCode | undefined> {
  const id = linkPattern.exec(token)?.[1];
  if (!id) return Promise.resolve(undefined);
  return updateCode(ctx, id, (record) => {
    if (!record || !openLink(ctx, token, record) || record.confirmed) return { result: undefined };
    const linked = { site: record.site, requester: record.requester, confirmed: false };
    if (!sameRequester(record.requester, me)) return { result: linked };
    return { result: { ...linked, confirmed: true }, next: { ...record, code: '', confirmed: true } };
  });
}
