import type { Request, Response } from 'express';

/** Parses the Cookie header; the first occurrence of a name wins, as browsers send the most specific first. */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Every cookie whose name starts with `prefix`, as `[name, value]` in the order the browser sent them. */
export function readCookiesByPrefix(req: Request, prefix: string): [string, string][] {
  const found: [string, string][] = [];
  for (const part of req.headers.cookie?.split(';') ?? []) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? '' : part.slice(0, eq).trim();
    if (name.startsWith(prefix)) found.push([name, part.slice(eq + 1).trim()]);
  }
  return found;
}

export interface CookiePolicy {
  secure: boolean;
  /** The cookie's name: `__Host-` prefixed on https, so no subdomain or path can shadow it. */
  name(base: string): string;
}

export function cookiePolicy(publicUrl: string): CookiePolicy {
  const secure = publicUrl.startsWith('https:');
  return { secure, name: (base) => (secure ? `__Host-${base}` : base) };
}

export function setCookie(
  res: Response,
  policy: CookiePolicy,
  base: string,
  value: string,
  maxAgeMs?: number,
): void {
  res.cookie(policy.name(base), value, {
    httpOnly: true,
    sameSite: 'lax',
    secure: policy.secure,
    path: '/',
    ...(maxAgeMs === undefined ? {} : { maxAge: maxAgeMs }),
  });
}

export function clearCookie(res: Response, policy: CookiePolicy, base: string): void {
  res.clearCookie(policy.name(base), { httpOnly: true, sameSite: 'lax', secure: policy.secure, path: '/' });
}
