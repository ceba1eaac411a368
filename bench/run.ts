// `npm run bench`: Byline side by side with Auth.js, oidc-provider and Express's hello-world, on this
// machine, in one run. See docs/performance.md for what each row measures and how to read it.
//
//   npm run bench                              # everything (about 4 minutes on 2 cores)
//   npm run bench -- --only=login,rps          # some sections: login rps oidc verify memory widget cold
//   BENCH_SECONDS=10 BENCH_ROUNDS=3 npm run bench
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { compileChildren } from './lib/build.js';
import { startByline, type WordPressApp } from './lib/byline.js';
import { cannon } from './lib/cannon.js';
import { coldStarts } from './lib/cold-start.js';
import { expectStatus, send } from './lib/http.js';
import { authjsLogin, bylineLogin, bylineRefresh } from './lib/login.js';
import { bylineOidcCode, exchangeCode, oidcSite, type PendingCode, refreshGrant } from './lib/oidc.js';
import {
  type Child,
  hasTaskset,
  loadCore,
  pinSelf,
  repoRoot,
  serverCore,
  startChild,
} from './lib/processes.js';
import { closedLoop, drain, formatNumber, median } from './lib/stats.js';

function setting(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

const settings = {
  /** Each case runs this many times, the cases of a comparison alternating (A B A B …). */
  rounds: setting('BENCH_ROUNDS', 3),
  /** Seconds per measured run. */
  seconds: setting('BENCH_SECONDS', 4),
  /** Seconds of unmeasured load before a case's first run. */
  warmupSeconds: setting('BENCH_WARMUP', 1.5),
  /** Concurrent clients (connections) of every load run. */
  clients: setting('BENCH_CLIENTS', 10),
  /** Authorization codes exchanged per run of a code-exchange case (codes are single use). */
  codes: setting('BENCH_CODES', 1200),
  sessions: setting('BENCH_MEMORY_SESSIONS', 100_000),
  coldStarts: setting('BENCH_COLD_STARTS', 3),
};
const sections = ['login', 'rps', 'oidc', 'verify', 'memory', 'widget', 'cold'] as const;
type Section = (typeof sections)[number];
const onlyArg = process.argv.find((arg) => arg.startsWith('--only='));
const only = new Set((onlyArg ? onlyArg.slice('--only='.length).split(',') : sections) as Section[]);
for (const name of only) if (!sections.includes(name)) throw new Error(`unknown section ${name}`);

interface Sample {
  /** Operations per second. */
  rate: number;
  /** Server CPU per operation (µs), from /proc/<pid>/stat. */
  cpuUs?: number;
}

const samples: Record<string, Sample[]> = {};
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Case {
  name: string;
  /** The process whose CPU time is charged to this case. */
  server?: Child;
  /** Makes what a run uses up (authorization codes), before the server's CPU is read. */
  prepare?(): Promise<void>;
  run(seconds: number): Promise<{ ops: number; seconds: number }>;
}

async function measure(item: Case, seconds: number): Promise<Sample> {
  await item.prepare?.();
  const before = item.server?.cpuMs();
  const { ops, seconds: took } = await item.run(seconds);
  const after = item.server?.cpuMs();
  if (ops === 0) throw new Error(`${item.name}: no operation completed`);
  return {
    rate: ops / took,
    ...(before !== undefined && after !== undefined ? { cpuUs: ((after - before) * 1000) / ops } : {}),
  };
}

/** Warms every case up, then runs them in alternation, `rounds` times: A B A B. */
async function alternate(cases: Case[], warmupSeconds = settings.warmupSeconds): Promise<void> {
  for (const item of cases) {
    await item.prepare?.();
    await item.run(warmupSeconds);
  }
  for (let round = 1; round <= settings.rounds; round++) {
    for (const item of cases) {
      const sample = await measure(item, settings.seconds);
      samples[item.name] = [...(samples[item.name] ?? []), sample];
      log(
        `  ${item.name.padEnd(17)} round ${round}: ${formatNumber(sample.rate, 1)}/s` +
          (sample.cpuUs === undefined ? '' : `, ${formatNumber(sample.cpuUs)} µs server CPU each`),
      );
    }
  }
}

const rate = (name: string) => median((samples[name] ?? []).map((s) => s.rate));
/**
 * The median over rounds of `a ÷ b` measured in the same round (next to each other in time), which
 * cancels most of what other load on the machine does to both; `value` picks the measure.
 */
const pairedRatio = (a: string, b: string, value: (s: Sample) => number | undefined) =>
  median(
    (samples[a] ?? []).flatMap((sample, round) => {
      const x = value(sample);
      const y = samples[b]?.[round] ? value(samples[b][round] as Sample) : undefined;
      return x === undefined || y === undefined ? [] : [x / y];
    }),
  );
const cpu = (name: string) =>
  median((samples[name] ?? []).flatMap((s) => (s.cpuUs === undefined ? [] : [s.cpuUs])));

const clientStates = <S>(make: () => S): S[] => Array.from({ length: settings.clients }, make);
const loop = (op: () => Promise<unknown>) => (seconds: number) =>
  closedLoop({
    clients: settings.clients,
    durationMs: seconds * 1000,
    state: clientStates(() => undefined),
    op: async () => {
      await op();
    },
  });

// ---------------------------------------------------------------------------------------------------

pinSelf();
log(
  `Byline benchmark: ${os.cpus().length} cores, ${hasTaskset ? `servers on core ${serverCore}, load on core ${loadCore}` : 'no taskset: nothing pinned'}; ${settings.rounds} rounds of ${settings.seconds} s, ${settings.clients} clients`,
);
await compileChildren();

const extra: Record<string, unknown> = {};
const children: Child[] = [];
const keep = <T extends Child>(child: T): T => {
  children.push(child);
  return child;
};

try {
  if (only.has('login') || only.has('rps') || only.has('oidc')) {
    const wordpress = keep(await startChild('wordpress', { core: loadCore }));
    const wordpressApp = wordpress.info as unknown as WordPressApp;
    const byline = keep(await startByline(wordpressApp, { core: serverCore }));
    const authjs = only.has('login')
      ? keep(
          await startChild('authjs', {
            core: serverCore,
            env: { BENCH_WORDPRESS: JSON.stringify(wordpressApp) },
          }),
        )
      : undefined;
    const authjsUrl = authjs?.info.url as string;
    await wordpress.ask(
      {
        type: 'register',
        redirectUris: [
          `${byline.url}/auth/wordpress/callback`,
          ...(authjs ? [`${authjsUrl}/auth/callback/wordpress`] : []),
        ],
      },
      'registered',
    );

    if (authjs) {
      log('Login flows (server CPU per flow and flows/s):');
      await alternate([
        { name: 'byline-login', server: byline, run: loop(() => bylineLogin(byline.url)) },
        { name: 'authjs-login', server: authjs, run: loop(() => authjsLogin(authjsUrl)) },
      ]);
    }

    if (only.has('rps')) {
      const hello = keep(await startChild('hello', { core: serverCore }));
      const helloUrl = hello.info.url as string;
      const { access_token: accessToken } = await bylineLogin(byline.url);
      const chains = await Promise.all(
        clientStates(async () => ({ token: (await bylineLogin(byline.url)).refresh_token })),
      );
      const connections = settings.clients;
      const whole = (seconds: number) => Math.max(1, Math.round(seconds));
      log('Requests/s:');
      await alternate([
        {
          name: 'hello',
          server: hello,
          run: (seconds) => cannon({ url: helloUrl, connections, seconds: whole(seconds) }),
        },
        {
          name: 'userinfo',
          server: byline,
          run: (seconds) =>
            cannon({
              url: `${byline.url}/userinfo`,
              connections,
              seconds: whole(seconds),
              headers: { authorization: `Bearer ${accessToken}` },
            }),
        },
        {
          name: 'jwks',
          server: byline,
          run: (seconds) =>
            cannon({ url: `${byline.url}/.well-known/jwks.json`, connections, seconds: whole(seconds) }),
        },
        {
          name: 'refresh',
          server: byline,
          // Each client chains its own family: every grant rotates the token the next one uses.
          run: (seconds) =>
            closedLoop({
              clients: settings.clients,
              durationMs: seconds * 1000,
              state: chains,
              op: async (chain) => {
                chain.token = (await bylineRefresh(byline.url, chain.token)).refresh_token;
              },
            }),
        },
        {
          name: 'hello-driver',
          server: hello,
          // The refresh driver's own ceiling: the hello-world through the same undici client.
          run: loop(async () => expectStatus(await send(helloUrl), 200, 'hello')),
        },
      ]);
    }

    if (only.has('oidc')) {
      // oidc-provider 8 configured like Byline's relying-party site: ES256 ID and access tokens,
      // rotating refresh tokens, client_secret_basic, PKCE, scope openid offline_access.
      const provider = keep(
        await startChild('oidc-provider', {
          core: serverCore,
          env: { BENCH_OIDC_SITE: JSON.stringify(oidcSite) },
        }),
      );
      const providerToken = `${provider.info.url as string}/token`;
      const bylineToken = `${byline.url}/token`;
      // Codes are single use and live 60 s: each run exchanges a batch made just before it, Byline's
      // by real logins through the WordPress.com double, oidc-provider's through its own models.
      const bylineCodes = async (count: number) => {
        const codes: PendingCode[] = [];
        await drain({
          clients: settings.clients,
          items: Array.from({ length: count }),
          op: async () => {
            codes.push(await bylineOidcCode(byline.url));
          },
        });
        return codes;
      };
      const providerCodes = async (count: number) => {
        const answer = await provider.ask({ type: 'codes', count }, 'codes');
        if (answer.error) throw new Error(String(answer.error));
        return answer.codes as PendingCode[];
      };
      const exchangeCase = (
        name: string,
        server: Child,
        tokenUrl: string,
        make: (count: number) => Promise<PendingCode[]>,
      ): Case => {
        let codes: PendingCode[] = [];
        return {
          name,
          server,
          prepare: async () => {
            codes = await make(settings.codes);
          },
          run: () =>
            drain({
              clients: settings.clients,
              items: codes,
              op: async (pending) => {
                await exchangeCode(tokenUrl, pending);
              },
            }),
        };
      };
      // Refresh first: it also warms up what the code exchange shares with it (client authentication,
      // minting). Each client chains its own family, as the refresh row above does. A longer warm-up
      // than the other sections': oidc-provider's first seconds still cost it up to 1.5× its later ones.
      const chains = async (tokenUrl: string, codes: PendingCode[]) =>
        Promise.all(
          codes.map(async (code) => ({ token: (await exchangeCode(tokenUrl, code)).refresh_token })),
        );
      const refreshCase = (
        name: string,
        server: Child,
        tokenUrl: string,
        states: { token: string }[],
      ): Case => ({
        name,
        server,
        run: (seconds) =>
          closedLoop({
            clients: settings.clients,
            durationMs: seconds * 1000,
            state: states,
            op: async (chain) => {
              chain.token = (await refreshGrant(tokenUrl, chain.token)).refresh_token;
            },
          }),
      });
      log('Refresh grant with an ID token (rotating):');
      await alternate(
        [
          refreshCase(
            'byline-rp-refresh',
            byline,
            bylineToken,
            await chains(bylineToken, await bylineCodes(settings.clients)),
          ),
          refreshCase(
            'oidcp-refresh',
            provider,
            providerToken,
            await chains(providerToken, await providerCodes(settings.clients)),
          ),
        ],
        2 * settings.warmupSeconds,
      );

      log(`Code exchange with an ID token (${formatNumber(settings.codes)} codes a run):`);
      await alternate([
        exchangeCase('byline-code', byline, bylineToken, bylineCodes),
        exchangeCase('oidcp-code', provider, providerToken, providerCodes),
      ]);
    }
  }

  if (only.has('verify')) {
    log('verify() against jose.jwtVerify (one process):');
    const verifier = keep(await startChild('verify', { core: serverCore }));
    const run = (name: string) => async (seconds: number) => {
      const answer = await verifier.ask({ type: 'run', name, ms: seconds * 1000 }, 'result');
      if (answer.error) throw new Error(String(answer.error));
      return { ops: Number(answer.ops), seconds: Number(answer.seconds) };
    };
    await alternate([
      { name: 'verify', run: run('verify') },
      { name: 'jwtVerify', run: run('jwtVerify') },
    ]);
  }

  if (only.has('memory')) {
    log(`Memory per live session (${formatNumber(settings.sessions)} sessions in the memory store; Redis)…`);
    const memory = keep(
      await startChild('memory', {
        core: serverCore,
        nodeArgs: ['--expose-gc', '--max-old-space-size=4096'],
        env: { BENCH_MEMORY_SESSIONS: String(settings.sessions) },
      }),
    );
    extra.memory = memory.info.memory;
    extra.redis = memory.info.redis;
    log(`  ${JSON.stringify(memory.info.memory)}\n  ${JSON.stringify(memory.info.redis)}`);
  }

  if (only.has('widget')) {
    const widget = readFileSync(join(repoRoot, 'dist/widget.js'));
    extra.widget = { bytes: widget.length, gzipBytes: gzipSync(widget, { level: 9 }).length };
  }

  if (only.has('cold')) {
    log('Cold start (byline serve → "listening on")…');
    extra.coldStart = await coldStarts(settings.coldStarts);
    log(`  ${JSON.stringify(extra.coldStart)}`);
  }
} finally {
  await Promise.all(children.map((child) => child.stop()));
}

// ---------------------------------------------------------------------------------------------------

interface Row {
  measure: string;
  byline: number;
  reference?: number;
  referenceName?: string;
  unit: string;
  /** byline ÷ reference */
  ratio?: number;
  target: string;
  met?: boolean;
}

const rows: Row[] = [];
const compare = (
  measure: string,
  unit: string,
  byline: number,
  referenceName: string,
  reference: number,
  ratio: number,
  target?: { text: string; ok: (ratio: number) => boolean },
) => {
  rows.push({
    measure,
    unit,
    byline,
    reference,
    referenceName,
    ratio,
    target: target?.text ?? '',
    ...(target ? { met: target.ok(ratio) } : {}),
  });
};
const limit = (measure: string, unit: string, byline: number, max: number, text: string) => {
  rows.push({ measure, unit, byline, target: text, met: byline <= max });
};

const byRate = (s: Sample) => s.rate;
const byCpu = (s: Sample) => s.cpuUs;
if (samples['byline-login'] && samples['authjs-login']) {
  compare(
    'Login: server CPU per flow',
    'ms',
    cpu('byline-login') / 1000,
    'Auth.js',
    cpu('authjs-login') / 1000,
    pairedRatio('byline-login', 'authjs-login', byCpu),
    { text: '≤ 0.5× Auth.js', ok: (r) => r <= 0.5 },
  );
  compare(
    `Login: flows/s (${settings.clients} clients)`,
    '/s',
    rate('byline-login'),
    'Auth.js',
    rate('authjs-login'),
    pairedRatio('byline-login', 'authjs-login', byRate),
  );
}
if (samples.hello) {
  // One core's capacity: requests per second of server CPU (1e6 ÷ CPU µs per request). It is what the
  // req/s would be with the server's core saturated, which a load generator on the other core of a
  // shared 2-core machine cannot always do: the targets are judged on it, the measured req/s follow.
  const capacity = (name: string) => 1e6 / cpu(name);
  const target = {
    userinfo: { text: '≥ 0.6× hello', ok: (r: number) => r >= 0.6 },
    refresh: { text: '≥ 0.4× hello', ok: (r: number) => r >= 0.4 },
  };
  const endpoints = [
    ['GET /userinfo', 'userinfo'],
    ['GET /.well-known/jwks.json', 'jwks'],
    ['POST /token refresh (chained)', 'refresh'],
  ] as const;
  for (const [label, name] of endpoints) {
    compare(
      `${label}: req/s per server CPU-second`,
      'req/s',
      capacity(name),
      'hello-world',
      capacity('hello'),
      pairedRatio('hello', name, byCpu),
      name === 'jwks' ? undefined : target[name],
    );
  }
  for (const [label, name] of endpoints)
    compare(
      `${label}: req/s measured`,
      'req/s',
      rate(name),
      'hello-world',
      rate('hello'),
      pairedRatio(name, 'hello', byRate),
    );
  compare(
    '  refresh vs hello through the same driver',
    'req/s',
    rate('refresh'),
    'hello via that driver',
    rate('hello-driver'),
    pairedRatio('refresh', 'hello-driver', byRate),
  );
}
{
  // The OpenID grants against oidc-provider 8 configured alike, on the same core.
  const target = { text: '≤ 0.5× oidc-provider', ok: (r: number) => r <= 0.5 };
  const grants = [
    ['Code exchange + ID token: server CPU per grant', 'byline-code', 'oidcp-code'],
    ['Refresh + ID token (rotating): server CPU per grant', 'byline-rp-refresh', 'oidcp-refresh'],
  ] as const;
  for (const [label, ours, theirs] of grants)
    if (samples[ours] && samples[theirs])
      compare(label, 'µs', cpu(ours), 'oidc-provider', cpu(theirs), pairedRatio(ours, theirs, byCpu), target);
}
if (samples.verify) {
  compare(
    'verify() (warm)',
    'calls/s',
    rate('verify'),
    'jose.jwtVerify',
    rate('jwtVerify'),
    pairedRatio('verify', 'jwtVerify', byRate),
    { text: '≥ 0.9× jwtVerify', ok: (r) => r >= 0.9 },
  );
}
const memory = extra.memory as { bytesPerSession: number } | undefined;
const redis = extra.redis as { bytesPerSession: number } | undefined;
if (memory) limit('Memory per session, memory store', 'B', memory.bytesPerSession, 2048, '≤ 2 KiB');
if (redis) limit('Memory per session, Redis', 'B', redis.bytesPerSession, 1024, '≤ 1 KiB');
const widget = extra.widget as { gzipBytes: number } | undefined;
if (widget) limit('widget.js, gzip -9', 'B', widget.gzipBytes, 8192, '≤ 8 KiB');
const cold = extra.coldStart as { existingKeys: number[]; newKeys: number[]; node: number[] } | undefined;
if (cold) {
  limit('Cold start, keys in dataDir', 'ms', median(cold.existingKeys), 1000, '≤ 1 s');
  limit('Cold start, keys generated', 'ms', median(cold.newKeys), 1000, '≤ 1 s');
}

const digits = (unit: string, value: number) =>
  unit === 'ms' && value < 100 ? 2 : unit === 'calls/s' || value >= 100 ? 0 : 1;
const table = [
  '| measure | Byline | reference | ratio | target | |',
  '|---|---:|---:|---:|---|---|',
  ...rows.map((row) => {
    const value = (v: number) => `${formatNumber(v, digits(row.unit, v))} ${row.unit}`;
    return `| ${row.measure} | ${value(row.byline)} | ${
      row.reference === undefined ? '' : `${value(row.reference)} (${row.referenceName})`
    } | ${row.ratio === undefined ? '' : `${formatNumber(row.ratio, 2)}×`} | ${row.target} | ${
      row.met === undefined ? '' : row.met ? 'met' : '**missed**'
    } |`;
  }),
];
// How busy the server's core was: well under 100 % means the load generator, not the server, set the pace.
const busy = [
  'hello',
  'userinfo',
  'jwks',
  'refresh',
  'hello-driver',
  'byline-login',
  'authjs-login',
  'byline-code',
  'oidcp-code',
  'byline-rp-refresh',
  'oidcp-refresh',
]
  .filter((name) => samples[name])
  .map(
    (name) =>
      `${name} ${formatNumber(cpu(name))} µs (core ${formatNumber((rate(name) * cpu(name)) / 1e4)} % busy)`,
  )
  .join(', ');

process.stdout.write(`\n${table.join('\n')}\n`);
if (busy) process.stdout.write(`\nServer CPU per operation: ${busy}.\n`);

const results = {
  date: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    pinned: hasTaskset,
    loadAverage: os.loadavg(),
  },
  settings,
  rows,
  medians: Object.fromEntries(
    Object.keys(samples).map((name) => [name, { rate: rate(name), cpuUs: cpu(name) }]),
  ),
  samples,
  ...extra,
};
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
log('\nWrote bench/results.json.');
