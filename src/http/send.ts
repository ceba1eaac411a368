import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Response } from 'express';

/** A response body serialised once, with its ETag, so that answering it is only writing bytes. */
export interface PreparedBody {
  body: Buffer;
  etag: string;
  type: string;
}

/**
 * The app sends no ETag of its own (hashing every dynamic, `no-store` answer costs more than it ever
 * saves); the few bodies that stay the same for many requests (discovery, JWKS, widget.js, a site's
 * widget config) carry one, computed here once.
 */
export function prepareBody(content: string, type: string): PreparedBody {
  const body = Buffer.from(content, 'utf8');
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  return { body, etag, type };
}

/** Sends a prepared body (304 when the request's If-None-Match names its ETag), with `headers` besides. */
export function sendPrepared(
  res: Response,
  prepared: PreparedBody,
  headers: Record<string, string> = {},
): void {
  res.set(headers);
  res.setHeader('Content-Type', prepared.type);
  res.setHeader('ETag', prepared.etag);
  res.send(prepared.body);
}

/** The Content-Type of every JSON answer Byline writes itself. */
export const jsonType = 'application/json; charset=utf-8';

/**
 * `res.json(value)` without Express's detour through content-type parsing and charset rewriting:
 * the answers of the hot OAuth endpoints (Node sets Content-Length, and HEAD gets no body).
 */
export function sendJson(res: ServerResponse, value: unknown): void {
  res.setHeader('Content-Type', jsonType);
  res.end(JSON.stringify(value));
}
