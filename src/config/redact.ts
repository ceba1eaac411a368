import { stringify } from 'yaml';
import { formatDuration } from './duration.js';
import { type ConfigIssue, formatPath } from './errors.js';
import { type Config, configJsonSchema } from './schema.js';

/** What check-config prints in place of a secret it cannot show as a `${VAR}` reference. */
const REDACTED = '[redacted]';

type Path = readonly (string | number)[];

/**
 * The one list of secrets in the config: keys whose whole value is secret (`sites.*.secret`,
 * `providers.*.clientSecret` and any `privateKey` or `password`, and `metrics.token` — not
 * `providers.*.endpoints.token`, a URL), and `url` keys whose password is (`store.url`).
 */
function secretKind(path: Path): 'whole' | 'url' | undefined {
  const key = path.at(-1);
  if (key === 'secret' || key === 'clientSecret' || key === 'privateKey' || key === 'password')
    return 'whole';
  if (path.length === 2 && path[0] === 'metrics' && key === 'token') return 'whole';
  return key === 'url' ? 'url' : undefined;
}

// scheme://user:PASSWORD@host — the password runs to the last `@` of the authority.
const URL_PASSWORD = /^([a-z][a-z\d+.-]*:\/\/[^/?#:@]*:)([^/?#]*)@/i;
// A value that is exactly one placeholder: `${NAME}` or `${NAME:-default}` (see interpolate.ts).
const REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?\}$/s;

const redactUrl = (url: string, keep: (password: string) => boolean = () => false) =>
  url.replace(URL_PASSWORD, (whole, head: string, password: string) =>
    keep(password) ? whole : `${head}${REDACTED}@`,
  );

/** A literal string as a config file must spell it: `${` would be read as a placeholder. */
const literal = (value: string) => value.replaceAll('${', () => '$${'); // a function: '$$' in a string means '$'

/**
 * A secret as check-config prints it. Taken from `${VAR}` (the file's text, `template`, is exactly
 * one placeholder) it is printed as that reference, any default redacted; written into the file it is
 * `[redacted]`. A URL keeps everything but its password, which stays only as a `${VAR}` reference.
 */
function redactSecret(kind: 'whole' | 'url', value: string, template: unknown): string {
  const reference = typeof template === 'string' ? REFERENCE.exec(template) : null;
  if (reference) {
    const [, name, fallback] = reference;
    if (fallback === undefined || fallback === '') return template as string;
    return `\${${name}:-${kind === 'url' ? redactUrl(fallback) : REDACTED}}`;
  }
  if (kind === 'whole') return REDACTED;
  if (typeof template === 'string' && template.includes('${'))
    return redactUrl(template, (password) => /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(password));
  return literal(redactUrl(value));
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function redact(value: unknown, path: Path, template: unknown, forFile: boolean): unknown {
  if (Array.isArray(value))
    return value.map((item, i) =>
      redact(item, [...path, i], Array.isArray(template) ? template[i] : undefined, forFile),
    );
  if (isObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [
        name,
        redact(item, [...path, name], isObject(template) ? template[name] : undefined, forFile),
      ]),
    );
  }
  if (typeof value !== 'string') return value;
  const kind = secretKind(path);
  if (kind) return redactSecret(kind, value, template);
  return forFile ? literal(value) : value;
}

/** A plain copy of the config with every secret replaced by `[redacted]`, safe to print or log. */
export function redactConfig(config: Config): unknown {
  return redact(config, [], undefined, false);
}

/**
 * The effective config as YAML that loads again as a config file (what `byline check-config` prints):
 * defaults filled in; no `id` keys (a site's or provider's id is its key); durations written with units
 * (a bare number in a config file means seconds, not milliseconds); a literal `${` escaped as `$${`; and
 * secrets shown as the `${VAR}` references they came from, else as `[redacted]`, which the loader
 * refuses with an explanation. `template` is the merged config text before interpolation
 * (`LoadedConfig.template`); without it every secret is `[redacted]`.
 */
export function dumpConfigYaml(config: Config, options: { template?: unknown } = {}): string {
  const durations = durationKeys();
  const withoutIds = (entries: Record<string, { id: string }>) =>
    Object.fromEntries(Object.entries(entries).map(([key, { id: _id, ...rest }]) => [key, rest]));
  const plain = { ...config, sites: withoutIds(config.sites), providers: withoutIds(config.providers) };
  return stringify(redact(plain, [], options.template, true), (key, value) =>
    typeof value === 'number' && durations.has(String(key)) ? formatDuration(value) : value,
  );
}

/**
 * Secrets that read `[redacted]`: the config is check-config's output, fed back without its secrets.
 * Checked on the interpolated file contents, before validation, so the admin reads why rather than a
 * length or format error.
 */
export function redactedSecretIssues(input: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const visit = (value: unknown, path: Path) => {
    if (Array.isArray(value)) for (const [i, item] of value.entries()) visit(item, [...path, i]);
    else if (isObject(value)) for (const [name, item] of Object.entries(value)) visit(item, [...path, name]);
    else if (typeof value === 'string') {
      const kind = secretKind(path);
      const password = kind === 'url' ? URL_PASSWORD.exec(value)?.[2] : undefined;
      if ((kind === 'whole' && value === REDACTED) || password === REDACTED)
        issues.push({
          path: formatPath(path),
          message: `${kind === 'url' ? 'has the password' : 'is'} "${REDACTED}": this config is a redacted dump (byline check-config hides secrets); put the real secret back, or a \${VAR} reference to it`,
        });
    }
  };
  visit(input, []);
  return issues;
}

interface JsonNode {
  title?: string;
  properties?: Record<string, JsonNode>;
  additionalProperties?: JsonNode | boolean;
  anyOf?: JsonNode[];
  oneOf?: JsonNode[];
}

let cachedDurationKeys: Set<string> | undefined;

/** The names of the keys the schema types as durations (no other key shares those names). */
function durationKeys(): Set<string> {
  if (cachedDurationKeys) return cachedDurationKeys;
  const keys = new Set<string>();
  const visit = (node: JsonNode) => {
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      if (child.title === 'duration') keys.add(name);
      visit(child);
    }
    if (typeof node.additionalProperties === 'object') visit(node.additionalProperties);
    for (const variant of [...(node.anyOf ?? []), ...(node.oneOf ?? [])]) visit(variant);
  };
  visit(configJsonSchema() as JsonNode);
  cachedDurationKeys = keys;
  return keys;
}
