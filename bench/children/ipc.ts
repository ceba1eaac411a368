/**
 * The child side of the benchmark's process protocol: a child tells the runner it is ready (with
 * whatever the runner needs, such as its URL) over the IPC channel, and exits when the runner goes away.
 */
export function ready(info: Record<string, unknown> = {}): void {
  process.send?.({ type: 'ready', ...info });
}

/** Sends a result to the runner. */
export function report(result: unknown): void {
  process.send?.({ type: 'result', result });
}

/** Exits when the runner disconnects or asks; `cleanup` runs first. */
export function exitWithParent(cleanup: () => Promise<void> | void = () => {}): void {
  const stop = () => {
    Promise.resolve()
      .then(cleanup)
      .finally(() => process.exit(0));
  };
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  process.on('message', (message) => {
    if ((message as { type?: string } | null)?.type === 'stop') stop();
  });
}

/** Messages from the runner other than `stop`. */
export function onMessage(handler: (message: Record<string, unknown>) => void): void {
  process.on('message', (message) => {
    if (typeof message === 'object' && message !== null && (message as { type?: string }).type !== 'stop')
      handler(message as Record<string, unknown>);
  });
}
