/** A private Redis process started by `startRedis`. */
export interface RedisProcess {
  readonly port: number;
  /** `redis://127.0.0.1:<port>/0` */
  readonly url: string;
  /** The redis-server's own pid. */
  readonly pid: number;
  /** Its working directory (and configuration file, when given), removed once it has exited. */
  readonly dir: string;
  /** Settles once it has exited and its directory is gone. */
  readonly exited: Promise<void>;
  /** Sends `signal` (SIGTERM: a clean shutdown; SIGKILL: an abrupt outage) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface RedisOptions {
  /** `redis-server` (the default) or `redis-sentinel`. */
  command?: string;
  /** A fixed port; by default a free one (retried if another process takes it first). */
  port?: number;
  /** Configuration file text, written to `<dir>/redis.conf` and passed first (redis-sentinel needs one). */
  config?: string;
  /** Further `--name value` arguments. */
  args?: string[];
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number>;

/** Starts a private Redis on loopback that keeps nothing on disk and never outlives this process. */
export function startRedis(options?: RedisOptions): Promise<RedisProcess>;
