import assert from 'node:assert/strict';
import { request } from 'node:http';
import { MemoryStore } from '../../src/store/memory.js';
import { TestClock } from './clock.js';
import { type GatewayOptions, startGateway, type TestGateway } from './gateway.js';
import { changedKeys, type ObservedStore, observeStore, type StoreSnapshot } from './store-snapshot.js';

export interface ObservedGateway extends TestGateway {
  store: ObservedStore;
}

/** startGateway with a store whose keys a test can snapshot (see store-snapshot.ts). */
export async function startObservedGateway(options: GatewayOptions = {}): Promise<ObservedGateway> {
  const clock = options.clock ?? new TestClock();
  const store = observeStore(options.store ?? new MemoryStore({ clock }));
  return (await startGateway({ ...options, clock, store })) as ObservedGateway;
}

export interface Answer {
  status: number;
  location: string | null;
  headers: Headers;
  body: string;
}

/** One request, redirects not followed. */
export async function send(url: string | URL, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, { redirect: 'manual', ...init });
  return {
    status: response.status,
    location: response.headers.get('location'),
    headers: response.headers,
    body: await response.text(),
  };
}

/** A urlencoded POST. */
export function postForm(
  url: string | URL,
  fields: Record<string, string> | string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return send(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: typeof fields === 'string' ? fields : new URLSearchParams(fields).toString(),
  });
}

/** An attack the browser sees as an error page: 4xx HTML, no redirect anywhere. */
export function assertErrorPage(answer: Answer, status = 400): void {
  assert.equal(answer.status, status, answer.body.slice(0, 300));
  assert.equal(answer.location, null, 'no redirect');
  assert.match(answer.headers.get('content-type') ?? '', /text\/html/);
}

/** "Nothing changed in the Store": the same contents under every key seen, before and after. */
export async function assertStoreUnchanged(store: ObservedStore, before: StoreSnapshot): Promise<void> {
  assert.deepEqual(changedKeys(before, await store.snapshot()), [], 'the store changed');
}

/** The first match of `pattern` in the HTML (a hidden field's value, a link). */
export function extract(htmlText: string, pattern: RegExp): string {
  const match = pattern.exec(htmlText)?.[1];
  assert.ok(match, `no match for ${pattern}`);
  return match.replace(/&amp;/g, '&');
}

/**
 * One request through node:http, so that headers fetch() forbids (Host, a second Host, raw bytes) can
 * be sent as an attacker would.
 */
export function sendRaw(
  url: string | URL,
  options: { method?: string; headers?: Record<string, string | string[]>; body?: string } = {},
): Promise<Answer> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        setHost: !Object.keys(options.headers ?? {}).some((name) => name.toLowerCase() === 'host'),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (value === undefined) continue;
            for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
          }
          resolve({
            status: res.statusCode ?? 0,
            location: headers.get('location'),
            headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
