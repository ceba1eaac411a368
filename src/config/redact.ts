import { stringify } from 'yaml';
import { formatDuration } from './duration.js';
import { type Config, configJsonSchema } from './schema.js';

const REDACTED = '[redacted]';

/**
 * The one list of secrets in the config: keys whose whole value is secret (`sites.*.secret`,
 * `providers.*.clientSecret`, `metrics.token`) and keys holding URLs whose password is (`store.url`).
 */
const SECRET_KEYS = new Set(['secret', 'clientSecret', 'token']);
const URL_KEYS_WITH_PASSWORDS = new Set(['url']);

// scheme://user:PASSWORD@host — the password runs to the last `@` of the authority.
const URL_PASSWORD = /^([a-z][a-z\d+.-]*:\/\/[^/?#:@]*:)[^/?#]*@/i;

/** A plain copy of the config with every secret replaced by `[redacted]`, safe to print or log. */
export function redactConfig(config: Config): unknown {
  return redact(config);
}

/**
 * The effective config as YAML with secrets redacted (what `byline check-config` prints). Durations
 * are written back with units: a bare number in a config file means seconds, not milliseconds.
 */
export function dumpConfigYaml(config: Config): string {
  const durations = durationKeys();
  return stringify(redactConfig(config), (key, value) =>
    typeof value === 'number' && durations.has(String(key)) ? formatDuration(value) : value,
  );
}

function redact(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) return value.map((item) => redact(item));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, redact(item, name)]));
  }
  if (typeof value !== 'string' || key === undefined) return value;
  if (SECRET_KEYS.has(key)) return REDACTED;
  if (URL_KEYS_WITH_PASSWORDS.has(key)) return value.replace(URL_PASSWORD, `$1${REDACTED}@`);
  return value;
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
