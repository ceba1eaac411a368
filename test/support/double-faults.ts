import type { ServerResponse } from 'node:http';
import { sendJson } from './double-http.js';

/**
 * Where a double misbehaves: never answer, answer an HTML page, or answer a 500; `slow` holds the request
 * until `proceed()` and then answers it as usual.
 */
export type Fault = 'hang' | 'html' | 'error' | 'slow';

/** A double's fault switches at work: the requests they hold, and the answers they give instead. */
export interface FaultSwitches<E extends string> {
  /** Requests held open by a `hang` fault right now. */
  readonly held: number;
  /** Resolves when a request to `endpoint` is being held open (by `hang` or `slow`). */
  whenHeld(endpoint: E): Promise<void>;
  /** Ends every held request (with a 503). */
  release(): void;
  /** Lets every request held by a `slow` fault go on as usual. */
  proceed(): void;
  /** Holds a request to `endpoint` while it has a `slow` fault, until `proceed()`. */
  slowed(endpoint: E): Promise<void>;
  /** Answers the fault of `endpoint`, if it has one (not `slow`); true when it did. */
  faulted(endpoint: E, res: ServerResponse): boolean;
}

/** Fault switches reading the double's current `faults` (which tests set and `reset()` replaces). */
export function faultSwitches<E extends string>(faults: () => Partial<Record<E, Fault>>): FaultSwitches<E> {
  const heldResponses = new Set<ServerResponse>();
  const slowRequests: (() => void)[] = [];
  const waiters: { endpoint: E; resolve: () => void }[] = [];

  function notifyHeld(endpoint: E): void {
    for (const waiter of waiters.splice(0))
      if (waiter.endpoint === endpoint) waiter.resolve();
      else waiters.push(waiter);
  }

  return {
    get held() {
      return heldResponses.size;
    },
    whenHeld(endpoint) {
      return new Promise((resolve) => waiters.push({ endpoint, resolve }));
    },
    release() {
      for (const res of heldResponses) res.writeHead(503).end();
      heldResponses.clear();
    },
    proceed() {
      for (const resume of slowRequests.splice(0)) resume();
    },
    async slowed(endpoint) {
      if (faults()[endpoint] !== 'slow') return;
      const resumed = new Promise<void>((resolve) => slowRequests.push(resolve));
      notifyHeld(endpoint);
      await resumed;
    },
    faulted(endpoint, res) {
      const fault = faults()[endpoint];
      if (fault === 'slow') return false;
      if (fault === 'hang') {
        heldResponses.add(res);
        res.on('close', () => heldResponses.delete(res));
        notifyHeld(endpoint);
        return true;
      }
      if (fault === 'html')
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><h1>Maintenance</h1>');
      if (fault === 'error') sendJson(res, 500, { error: 'server_error' });
      return fault !== undefined;
    },
  };
}
