import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { isLoopbackUrl } from '../loopback.js';
import { ConfigError, type ConfigIssue, friendlyMessage, issuesFromZod } from './errors.js';
import { type Env, interpolate } from './interpolate.js';
import { redactedSecretIssues } from './redact.js';
import { type Config, configSchema } from './schema.js';

/** Whether `dir` holds this package's own package.json. */
function isPackageRoot(dir: string): boolean {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return false;
  return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === 'byline-gateway';
}

/**
 * The package root: the nearest folder above this module with Byline's package.json. The module is
 * src/config/load.ts, dist/config/load.js, or part of the CLI's bundle under dist/chunks/.
 */
export const packageRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!isPackageRoot(dir)) {
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`Byline's package.json is not above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
})();

export interface ParseOptions {
  /** Where `${VAR}` values and NODE_ENV come from (default: process.env). */
  env?: Env;
  /** What a relative `dataDir` is resolved against (default: process.cwd()). */
  cwd?: string;
}

export interface LoadOptions extends ParseOptions {
  /** The config file (`--config`); else `env.BYLINE_CONFIG`; else `<rootDir>/config/default.yaml`. */
  file?: string;
  /** Where the default config/ folder lives (default: the package root). */
  rootDir?: string;
}

export interface LoadedConfig {
  config: Config;
  /** The merged and interpolated file contents, before validation. */
  raw: unknown;
  /** The merged file contents before `${VAR}` interpolation (check-config prints secrets' references from it). */
  template: unknown;
  /** The files read, in merge order. */
  files: string[];
}

/**
 * Reads the config file(s), interpolates `${VAR}` placeholders and validates the result. Only the
 * default file gets `config/local.yaml` merged over it: an explicit file is taken as complete.
 * Throws a `ConfigError` for unreadable files, YAML errors, unset variables and invalid values.
 */
export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const chosen = options.file ?? (env.BYLINE_CONFIG || undefined);
  let files: string[];
  if (chosen) {
    files = [resolve(cwd, chosen)];
  } else {
    const dir = join(options.rootDir ?? packageRoot, 'config');
    const local = join(dir, 'local.yaml');
    files = [join(dir, 'default.yaml'), ...(existsSync(local) ? [local] : [])];
  }
  const merged = files.map(readYamlFile).reduce(deepMerge);
  const raw = interpolate(merged, env);
  return { config: validate(raw, env, cwd), raw, template: merged, files };
}

/** Interpolates and validates an already-parsed config object (as a YAML file would give it). */
export function parseConfig(raw: unknown, options: ParseOptions = {}): Config {
  const env = options.env ?? process.env;
  return validate(interpolate(raw, env), env, options.cwd ?? process.cwd());
}

function validate(input: unknown, env: Env, cwd: string): Config {
  // check-config's output fed back as is: say so, rather than that "[redacted]" is too short.
  const redacted = redactedSecretIssues(input);
  if (redacted.length > 0) throw new ConfigError(redacted);
  const result = configSchema.safeParse(withoutNulls(input), { error: friendlyMessage });
  if (!result.success) throw new ConfigError(issuesFromZod(result.error.issues));
  const config = result.data;
  const issues: ConfigIssue[] = [];
  if (env.NODE_ENV === 'production') issues.push(...productionIssues(config));
  if (issues.length > 0) throw new ConfigError(issues);
  config.dataDir = resolve(cwd, config.dataDir);
  return config;
}

/** Secrets that ship in files or docs: anyone can read them, so they protect nothing. */
const knownSecret = /dev-only|change.?me|placeholder|^(secret|password)$/i;

/**
 * What a development setup may do and a production one may not (NODE_ENV=production): the dev provider
 * (anyone can log in as anyone), a site secret that ships with Byline or its docs, and a plain-http
 * publicUrl that is not loopback (cookies, codes and tokens would cross the network in clear text).
 */
function productionIssues(config: Config): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const url = new URL(config.publicUrl);
  if (url.protocol !== 'https:' && !isLoopbackUrl(url))
    issues.push({
      path: 'publicUrl',
      message: 'must be an https URL when NODE_ENV=production (plain http only on loopback)',
    });
  for (const provider of Object.values(config.providers)) {
    if (provider.type === 'dev') {
      issues.push({
        path: `providers.${provider.id}`,
        message: 'the dev provider is refused when NODE_ENV=production',
      });
    }
  }
  for (const site of Object.values(config.sites)) {
    if (site.secret !== undefined && knownSecret.test(site.secret))
      issues.push({
        path: `sites.${site.id}.secret`,
        message: 'is a default or placeholder secret, refused when NODE_ENV=production',
      });
  }
  return issues;
}

function readYamlFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ConfigError([{ path: file, message: `cannot read the config file: ${reason}` }]);
  }
  // Merge keys (`<<: *anchor`) let admins share blocks such as endpoints between providers.
  const doc = parseDocument(text, { merge: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((error) => {
        const at = error.linePos?.[0];
        return {
          path: at ? `${file}:${at.line}:${at.col}` : file,
          // The pretty message repeats the position and quotes the source; the path says where.
          message: `invalid YAML: ${error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`,
        };
      }),
    );
  }
  // An empty file (or one that is all comments) configures nothing rather than being an error.
  return doc.toJS() ?? {};
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Objects merge key by key; arrays and scalars in `override` replace what `base` had. */
function deepMerge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  // Built with fromEntries so that a `__proto__` key stays a plain key.
  const merged = new Map(Object.entries(base));
  for (const [key, value] of Object.entries(override)) merged.set(key, deepMerge(merged.get(key), value));
  return Object.fromEntries(merged);
}

/** `key:` with nothing after it means "not set" (and lets local.yaml unset a default's key). */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== null)
      .map(([key, item]) => [key, withoutNulls(item)]),
  );
}
