import type { RequestHandler } from 'express';

/**
 * `GET /readyz`: 200 when every check passes (resolves within 2 s without throwing), 503 otherwise. The
 * app names the checks (the store answers, a signing key is loaded).
 */
export function readinessHandler(probes: Record<string, () => unknown>): RequestHandler {
  return async (_req, res) => {
    const checks: Record<string, 'ok' | 'failing'> = {};
    await Promise.all(
      Object.entries(probes).map(async ([name, probe]) => {
        try {
          await Promise.race([
            probe(),
            new Promise((_, reject) =>
              setTimeout(() => reject(new Error(`${name} timed out`)), 2000).unref(),
            ),
          ]);
          checks[name] = 'ok';
        } catch {
          checks[name] = 'failing';
        }
      }),
    );
    const ready = Object.values(checks).every((check) => check === 'ok');
    res
      .status(ready ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status: ready ? 'ready' : 'unavailable', checks });
  };
}
