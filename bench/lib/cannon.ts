import autocannon from 'autocannon';

/** Requests/s from autocannon (closed loop, `connections` keep-alive connections, no pipelining). */
export async function cannon(options: {
  url: string;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
}): Promise<{ ops: number; seconds: number }> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    pipelining: 1,
    ...(options.headers ? { headers: options.headers } : {}),
  });
  if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0)
    throw new Error(
      `${options.url}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers`,
    );
  return { ops: result.requests.total, seconds: result.duration };
}
