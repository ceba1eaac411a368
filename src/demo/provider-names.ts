/** How long fetched names are used, and how soon a failed fetch is tried again. */
const freshForMs = 5 * 60_000;
const retryAfterMs = 30_000;

/**
 * The brand names of the site's providers ("WordPress.com", "Dev login") by provider id, as Byline's
 * public `GET /widget/config` names them: the demo learns them the way any blog could, importing
 * nothing of the gateway. Fetched on first use and again every five minutes; while Byline cannot be
 * reached, the names fetched before (or none: the id stands in) are used.
 */
export function providerNames(options: {
  issuer: string;
  site: string;
  fetch?: typeof fetch;
  now: () => number;
}): () => Promise<ReadonlyMap<string, string>> {
  const get = options.fetch ?? fetch;
  const url = `${options.issuer}/widget/config?client_id=${encodeURIComponent(options.site)}`;
  let names: ReadonlyMap<string, string> = new Map();
  let nextFetch = 0;
  let pending: Promise<void> | undefined;

  async function load(): Promise<void> {
    try {
      const response = await get(url, { signal: AbortSignal.timeout(2_000) });
      if (!response.ok) throw new Error(`widget config: ${response.status}`);
      const body = (await response.json()) as { providers?: unknown };
      const providers = Array.isArray(body.providers) ? (body.providers as unknown[]) : [];
      names = new Map(
        providers.flatMap((provider) => {
          const { id, name } = (provider ?? {}) as { id?: unknown; name?: unknown };
          return typeof id === 'string' && typeof name === 'string' && name.length <= 100 ? [[id, name]] : [];
        }),
      );
      nextFetch = options.now() + freshForMs;
    } catch {
      nextFetch = options.now() + retryAfterMs;
    }
  }

  return async () => {
    if (options.now() >= nextFetch) {
      pending ??= load().finally(() => {
        pending = undefined;
      });
      await pending;
    }
    return names;
  };
}
