import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { msg } from '../i18n/message.js';
import { BylineError } from './errors.js';

export interface FormBodyOptions {
  /** Largest body read, in bytes. */
  limit: number;
  /** Most `name=value` pairs accepted. */
  parameterLimit: number;
}

const formType = /^\s*application\/x-www-form-urlencoded\s*(?:;|$)/i;
const charsetParam = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;

function unreadable(): BylineError {
  return new BylineError('invalid_request', msg('error.unreadableBody'));
}

/** Whether the request says it has a body at all (RFC 9112 §6.3). */
function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length']) > 0;
}

/**
 * The `name=value&…` pairs of a form body, on an object without a prototype (so no name can reach
 * `Object.prototype`). A repeated name becomes an array, which the parameter helpers refuse.
 */
export function parseForm(text: string, parameterLimit: number): Record<string, string | string[]> {
  const body: Record<string, string | string[]> = Object.create(null);
  if (text === '') return body;
  let count = 1;
  for (let at = text.indexOf('&'); at !== -1; at = text.indexOf('&', at + 1))
    if (++count > parameterLimit) throw unreadable();
  for (const [name, value] of new URLSearchParams(text)) {
    const seen = body[name];
    if (seen === undefined) body[name] = value;
    else if (typeof seen === 'string') body[name] = [seen, value];
    else seen.push(value);
  }
  return body;
}

/** A request whose form body may have been read (`formBody`): what client authentication looks at. */
export type FormRequest = IncomingMessage & { body?: unknown };

/** A middleware in Express's shape that needs only Node's request and response (POST /token calls it). */
export type FormReader = (req: FormRequest, res: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * Reads an `application/x-www-form-urlencoded` body into `req.body`: UTF-8, no Content-Encoding, at most
 * `limit` bytes and `parameterLimit` pairs; anything else is `invalid_request` and the body is not used.
 * Other media types are left to the next parser. It does what `express.urlencoded` did for the OAuth
 * endpoints at a fraction of the CPU (see docs/performance.md).
 */
export function formBody(options: FormBodyOptions): FormReader & RequestHandler {
  const { limit, parameterLimit } = options;
  const read: FormReader = (req, res, next) => {
    const type = req.headers['content-type'];
    // Nothing to read: parsed already, another type, no body, or the stream was consumed before.
    if (req.body !== undefined || !type || !formType.test(type) || !hasBody(req) || req.readableEnded)
      return next();
    const charset = charsetParam.exec(type)?.[1]?.toLowerCase();
    const encoding = req.headers['content-encoding']?.trim().toLowerCase();
    if (
      (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') ||
      (encoding !== undefined && encoding !== '' && encoding !== 'identity')
    )
      return next(unreadable());
    if (Number(req.headers['content-length']) > limit) {
      // Nothing of an oversized body is read; the connection closes after the answer.
      res.setHeader('Connection', 'close');
      return next(unreadable());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error?: BylineError) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (error) return next(error);
      try {
        req.body = parseForm(Buffer.concat(chunks, size).toString('utf8'), parameterLimit);
      } catch (parseError) {
        return next(parseError);
      }
      next();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        res.setHeader('Connection', 'close');
        settle(unreadable());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => settle();
    const onError = () => settle(unreadable());
    const onClose = () => settle(unreadable());
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  };
  // The same function is an Express middleware: Express's request and response are Node's.
  return read as FormReader & RequestHandler;
}
