/** Store key prefixes, in one place so the Redis layout is readable. */
export const storeKeys = {
  authorizationRequest: (id: string) => `ar:${id}`,
  transaction: (state: string) => `tx:${state}`,
  /** One login: the identity, the browser holding it, its site sessions and their refresh families. */
  login: (id: string) => `login:${id}`,
  /** A Facebook data deletion request, by its confirmation code. */
  deletion: (code: string) => `deletion:${code}`,
  /** Set: the ids of every login of one public subject (for provider-initiated deletion). */
  subjectLogins: (publicSub: string) => `logins:${publicSub}`,
  /** That a reader chose a site (consent.ts): by site id and a keyed hash of the public subject. */
  consent: (site: string, subjectHash: string) => `consent:${site}:${subjectHash}`,
  /** A code mailed to a guest (guest-codes.ts): by a keyed hash of site and address. */
  guestCode: (id: string) => `guestcode:${id}`,
};
