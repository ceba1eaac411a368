import { ConfigError, type ConfigIssue, formatPath } from './errors.js';

export type Env = Record<string, string | undefined>;

// `$${` is an escaped literal `${`; anything else starting with `${` is a placeholder, closed or not.
const TOKEN = /\$\$\{|\$\{([^}]*)(\})?/g;
const PLACEHOLDER = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of a parsed config (keys are left alone).
 * As in the shell, the default also applies when the variable is set but empty; `$${` writes a
 * literal `${`. Values stay strings: the schema accepts numeric and boolean strings where it wants
 * numbers or booleans. Throws a `ConfigError` listing every unset variable with its key path.
 */
export function interpolate(value: unknown, env: Env): unknown {
  const issues: ConfigIssue[] = [];
  const result = walk(value, [], env, issues);
  if (issues.length > 0) throw new ConfigError(issues);
  return result;
}

function walk(value: unknown, path: (string | number)[], env: Env, issues: ConfigIssue[]): unknown {
  if (typeof value === 'string') return substitute(value, path, env, issues);
  if (Array.isArray(value)) return value.map((item, index) => walk(item, [...path, index], env, issues));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, walk(item, [...path, key], env, issues)]),
    );
  }
  return value;
}

function substitute(text: string, path: (string | number)[], env: Env, issues: ConfigIssue[]): string {
  return text.replace(TOKEN, (token, body: string | undefined, closed: string | undefined) => {
    if (token === '$${') return '${';
    const match = closed ? PLACEHOLDER.exec(body ?? '') : null;
    if (!match) {
      issues.push({
        path: formatPath(path),
        message: `malformed placeholder "${token}": write \${NAME} or \${NAME:-default} (and $\${ for a literal \${)`,
      });
      return token;
    }
    const [, name = '', fallback] = match;
    const found = env[name];
    if (fallback !== undefined) return found ? found : fallback;
    if (found === undefined) {
      issues.push({ path: formatPath(path), message: `environment variable ${name} is not set` });
      return token;
    }
    return found;
  });
}
