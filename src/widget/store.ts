/**
 * The widget's sessionStorage: the refresh token and who is logged in (per gateway and site), drafts
 * (per page and form), and pending redirect logins (per state). sessionStorage is per tab and per
 * origin, survives reloads and same-tab navigations (a redirect login), and ends with the tab.
 * Storage can be unavailable (privacy modes): then nothing is kept, and nothing breaks.
 */
export function load<T>(key: string): T | undefined {
  try {
    const text = sessionStorage.getItem(key);
    return text ? (JSON.parse(text) as T) : undefined;
  } catch {
    return undefined;
  }
}

export function save(key: string, value: unknown): void {
  try {
    if (value === undefined) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, JSON.stringify(value));
  } catch {}
}

/** Reads and removes in one step. */
export function take<T>(key: string): T | undefined {
  const value = load<T>(key);
  save(key, undefined);
  return value;
}

export const storageKeys = {
  auth: (gateway: string, site: string) => `byline:auth:${gateway}|${site}`,
  /** The access token of a redirect login, handed once to the page the reader returns to. */
  handoff: (gateway: string, site: string) => `byline:handoff:${gateway}|${site}`,
  draft: (site: string, form: string) => `byline:draft:${site}|${location.pathname}|${form}`,
  pending: (state: string) => `byline:pending:${state}`,
  flash: (site: string) => `byline:flash:${site}`,
};
