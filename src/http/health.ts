import type { RequestHandler } from 'express';
import type { GatewayContext } from '../oauth/gateway-context.js';

/** `GET /readyz`: 200 when the store answers and a signing key is loaded, 503 otherwise. */
export function readinessHandler(ctx: GatewayContext): RequestHandler {
  return async (_req, res) => {
    const checks: Record<string, 'ok' | 'failing'> = { store: 'ok', keys: 'ok' };
    try {
      await Promise.race([
        ctx.store.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('store ping timed out')), 2000).unref()),
      ]);
    } catch {
      checks.store = 'failing';
    }
    try {
      ctx.keys.signingKey();
    } catch {
      checks.keys = 'failing';
    }
    const ready = Object.values(checks).every((check) => check === 'ok');
    res
      .status(ready ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status: ready ? 'ready' : 'unavailable', checks });
  };
}
