export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Runs `clients` concurrent loops of `op` for `durationMs` (closed loop: each client starts its next
 * operation when the last one ends). No operation starts after the deadline; the clock stops when the
 * last one finishes. The first failure stops the run: a benchmark of errors measures nothing.
 */
export async function closedLoop<S>(options: {
  clients: number;
  durationMs: number;
  state: S[];
  op: (state: S) => Promise<void>;
}): Promise<{ ops: number; seconds: number }> {
  const started = performance.now();
  const deadline = started + options.durationMs;
  let ops = 0;
  let failure: unknown;
  await Promise.all(
    options.state.slice(0, options.clients).map(async (state) => {
      while (failure === undefined && performance.now() < deadline) {
        try {
          await options.op(state);
          ops++;
        } catch (error) {
          failure ??= error;
        }
      }
    }),
  );
  if (failure !== undefined) throw failure;
  return { ops, seconds: (performance.now() - started) / 1000 };
}

export function formatNumber(value: number | undefined, digits = 0): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/**
 * Runs `op` once on every item, `clients` at a time (each client takes the next item when its last
 * operation ends), for single-use inputs such as authorization codes. The first failure stops the run.
 */
export async function drain<T>(options: {
  clients: number;
  items: T[];
  op: (item: T) => Promise<void>;
}): Promise<{ ops: number; seconds: number }> {
  const started = performance.now();
  let next = 0;
  let failure: unknown;
  await Promise.all(
    Array.from({ length: options.clients }, async () => {
      while (failure === undefined && next < options.items.length) {
        try {
          await options.op(options.items[next++] as T);
        } catch (error) {
          failure ??= error;
        }
      }
    }),
  );
  if (failure !== undefined) throw failure;
  return { ops: options.items.length, seconds: (performance.now() - started) / 1000 };
}
