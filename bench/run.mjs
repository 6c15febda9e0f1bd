#!/usr/bin/env node
/**
 * npm run bench: ges as users run it, measured against baselines taken in the same run.
 *
 * - Clean environment: PATH and HOME only (`env -i`), as a CI step or a fresh shell without
 *   this machine's NODE_EXTRA_CA_CERTS (which costs every Node 20 start ~40 ms).
 * - A YAML profile in the user config folder, as the design's path reads it.
 * - On the Node running this, and on each Node the matrix script installed
 *   (~/.cache/ges-node-matrix: 22, 24, 26), each against `node -e 0` of the same Node.
 * - Medians of interleaved runs: every round runs every command once, so drift hits all alike.
 *
 * Prints a table, writes bench/results.md, and exits 1 when a budget is missed.
 * Loopback only; every loop is bounded.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { cpus, homedir, platform, release, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin/ges.cjs');
const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const BATCH = 1000;
const BATCH_RUNS = Number(process.env.BENCH_BATCH_RUNS ?? 7);
/** Budgets: ratios to `node -e 0` of the same Node; the batch as a share of undici's own marginal rate. */
const BUDGETS = {
  cancel: { 20: 2.7, 24: 2.4 },
  cancelAim: { 20: 2.3, 24: 2.0 },
  quick: 1.3,
  batchRate: 0.9,
  rssMiB: 60,
};

const home = mkdtempSync(path.join(tmpdir(), 'ges-bench-'));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/** The Node binaries to measure: this one, then the matrix's. */
function nodes() {
  const list = [{ bin: process.execPath, version: process.version }];
  const cache = path.join(
    process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache'),
    'ges-node-matrix',
  );
  for (const major of ['22', '24', '26']) {
    const bin = path.join(cache, `node${major}`, 'node_modules/.bin/node');
    if (!existsSync(bin)) continue;
    const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
    if (version !== process.version) list.push({ bin, version });
  }
  return list;
}

async function startEmulator() {
  const child = spawn(
    process.execPath,
    [
      BIN,
      'emulator',
      '--port',
      '0',
      '--json',
      '--pending-ms',
      '0',
      '--running-ms',
      '86400000',
      '--graph',
      'movies',
      '--graph',
      'batch',
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { PATH: process.env.PATH, HOME: home },
    },
  );
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', () => reject(new Error('the emulator did not start')));
  });
  return { child, ...JSON.parse(line) };
}

const emu = await startEmulator();
process.on('exit', () => emu.child.kill('SIGINT'));

// The user's profile: a YAML file in the user config folder (trusted without asking).
mkdirSync(path.join(home, '.config/ges'), { recursive: true });
const profile = path.join(home, '.config/ges/config.yaml');
writeFileSync(
  profile,
  `profiles:\n  default:\n    endpoint: ${emu.endpoint}\n    projectId: ${emu.projectId}\n    auth:\n      type: token\n      token: \${GES_TOKEN}\n`,
);
chmodSync(profile, 0o600);
const env = { PATH: process.env.PATH, HOME: home, GES_TOKEN: emu.token };

/** One control-API call on a fresh connection (the harness blocks while commands run, so no keep-alive). */
function post(route, body) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${emu.endpoint}/emulator/${route}`,
      { method: 'POST', agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d) => (text += d));
        res.on('end', () => resolve(JSON.parse(text)));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

async function newJobs(graph, n) {
  const ids = [];
  for (let i = 0; i < n; i++) ids.push((await post('jobs', { graph, status: 'running' })).jobId);
  return ids;
}

/** Wall time of one command, in ms (the harness waits synchronously: the emulator is another process). */
function timeRun(cmd, args, input) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, cwd: home, input, stdio: ['pipe', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/**
 * Two undici scripts doing the same DELETEs with 8 in flight, the batch's baselines:
 * - "index": require('undici'), as a user's script would. On Node 20 its one-job run spends
 *   ~70 ms at exit while V8 compiles llhttp with TurboFan, which its 1,000-job run does
 *   alongside the requests: its marginal rate (beyond the first job) is flattered by that.
 * - "lean": undici's request() loaded as ges loads undici: only the files it needs (the agent
 *   and the request API), and on Node 20 the same Liftoff-only flag. The budget compares with
 *   this one: the same start-up choices, so the ratio is the per-job work. (ges itself sends
 *   through the agent's dispatch(), without request()'s stream per answer.)
 */
const undiciScript = (kind) => {
  const file = path.join(home, `undici-${kind}.cjs`);
  const load =
    kind === 'index'
      ? `const { Agent, request: send } = require(${JSON.stringify(path.join(ROOT, 'node_modules/undici'))});
const request = (url, options) => send(url, options);`
      : `if (Number(process.versions.node.split('.')[0]) < 22) require('node:v8').setFlagsFromString('--liftoff-only');
const Agent = require(${JSON.stringify(path.join(ROOT, 'node_modules/undici/lib/dispatcher/agent.js'))});
const send = require(${JSON.stringify(path.join(ROOT, 'node_modules/undici/lib/api/api-request.js'))});
const request = (url, options) => { const { origin, pathname } = new URL(url); return send.call(options.dispatcher, { ...options, origin, path: pathname }); };`;
  writeFileSync(
    file,
    `${load}
const ids = require('fs').readFileSync(0, 'utf8').split('\\n').filter(Boolean);
const agent = new Agent({ connections: 8 });
let next = 0;
const lane = async () => {
  while (next < ids.length) {
    const id = ids[next++];
    const r = await request(${JSON.stringify(`${emu.endpoint}/ges/v1.0/${emu.projectId}/graphs/batch/jobs/`)} + id, { method: 'DELETE', dispatcher: agent, headers: { 'x-auth-token': process.env.GES_TOKEN } });
    await r.body.text();
    if (r.statusCode !== 200) throw new Error('HTTP ' + r.statusCode);
  }
};
Promise.all(Array.from({ length: 8 }, lane)).then(() => process.exit(0));
`,
  );
  return file;
};
const baselines = { index: undiciScript('index'), lean: undiciScript('lean') };

const rssOf = (node, args) => {
  try {
    const r = spawnSync('/usr/bin/time', ['-f', '%M', node, ...args], {
      env,
      cwd: home,
      encoding: 'utf8',
    });
    return Number(r.stderr.trim().split('\n').pop()) / 1024;
  } catch {
    return null;
  }
};

const results = [];
for (const node of nodes()) {
  const major = Number(node.version.slice(1).split('.')[0]);
  const kinds = ['node', 'version', 'help', 'config', 'cancel'];
  const samples = Object.fromEntries(kinds.map((k) => [k, []]));
  const ids = await newJobs('movies', RUNS + 2);
  timeRun(node.bin, [BIN, 'job', 'cancel', 'movies', ids.pop()]); // warm the file and code caches
  timeRun(node.bin, [BIN, 'job', 'cancel', 'movies', ids.pop()]);
  for (let round = 0; round < RUNS; round++) {
    samples.node.push(timeRun(node.bin, ['-e', '0']));
    samples.version.push(timeRun(node.bin, [BIN, '--version']));
    samples.help.push(timeRun(node.bin, [BIN, '--help']));
    samples.config.push(timeRun(node.bin, [BIN, 'config', 'show']));
    samples.cancel.push(timeRun(node.bin, [BIN, 'job', 'cancel', 'movies', ids.pop()]));
  }
  // 1,000 cancels, and each baseline's 1,000 DELETEs; the one-job runs give each its fixed cost.
  // Each the same way for both sizes: IDs on stdin.
  const batch = [];
  const batchOne = [];
  const lib = { index: { many: [], one: [] }, lean: { many: [], one: [] } };
  const idLines = async (n) => `${(await newJobs('batch', n)).join('\n')}\n`;
  for (let round = 0; round < BATCH_RUNS; round++) {
    batch.push(timeRun(node.bin, [BIN, 'job', 'cancel', 'batch', '-'], await idLines(BATCH)));
    batchOne.push(timeRun(node.bin, [BIN, 'job', 'cancel', 'batch', '-'], await idLines(1)));
    for (const [kind, script] of Object.entries(baselines)) {
      lib[kind].many.push(timeRun(node.bin, [script], await idLines(BATCH)));
      lib[kind].one.push(timeRun(node.bin, [script], await idLines(1)));
    }
  }
  const m = Object.fromEntries(kinds.map((k) => [k, median(samples[k])]));
  // Marginal rate: jobs per second beyond the first, from the batch less the one-job run.
  const rate = (many, one) => (BATCH - 1) / ((many - one) / 1000);
  const gesRate = rate(median(batch), median(batchOne));
  const libs = Object.fromEntries(
    Object.entries(lib).map(([kind, l]) => [
      kind,
      { many: median(l.many), one: median(l.one), rate: rate(median(l.many), median(l.one)) },
    ]),
  );
  const [rssId] = await newJobs('movies', 1);
  const rss = rssOf(node.bin, [BIN, 'job', 'cancel', 'movies', rssId]);
  results.push({
    node,
    major,
    m,
    batch: median(batch),
    batchOne: median(batchOne),
    libs,
    gesRate,
    rss,
  });
}
emu.child.kill('SIGINT');

const fmt = (x, digits = 1) =>
  x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(digits);
const checks = [];
for (const r of results) {
  const ratio = (x) => x / r.m.node;
  const v = r.node.version;
  const cancelBudget = BUDGETS.cancel[r.major];
  if (cancelBudget) {
    checks.push({
      what: `${v}: one cancel with a YAML profile / \`node -e 0\``,
      value: ratio(r.m.cancel),
      budget: `≤ ${cancelBudget}`,
      aim: `${BUDGETS.cancelAim[r.major]}`,
      ok: ratio(r.m.cancel) <= cancelBudget,
    });
  }
  checks.push({
    what: `${v}: \`ges --version\` / \`node -e 0\``,
    value: ratio(r.m.version),
    budget: `≤ ${BUDGETS.quick}`,
    ok: ratio(r.m.version) <= BUDGETS.quick,
  });
  checks.push({
    what: `${v}: \`ges --help\` / \`node -e 0\``,
    value: ratio(r.m.help),
    budget: `≤ ${BUDGETS.quick}`,
    ok: ratio(r.m.help) <= BUDGETS.quick,
  });
  const batchRatio = r.gesRate / r.libs.lean.rate;
  checks.push({
    what: `${v}: 1,000 cancels, marginal rate / undici request(), loaded lean`,
    value: batchRatio,
    budget: `≥ ${BUDGETS.batchRate}`,
    ok: batchRatio >= BUDGETS.batchRate,
  });
  if (r.rss !== null)
    checks.push({
      what: `${v}: peak RSS of one cancel (MiB)`,
      value: r.rss,
      budget: `≤ ${BUDGETS.rssMiB}`,
      ok: r.rss <= BUDGETS.rssMiB,
    });
}

const cpu = cpus()[0]?.model ?? 'unknown cpu';
const lines = [
  '# Benchmark results',
  '',
  `${new Date().toISOString().slice(0, 10)}, ${platform()} ${release()}, ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB.`,
  `Clean environment (PATH and HOME only), a YAML profile in the user config folder, against \`ges emulator\` on 127.0.0.1.`,
  `Medians of ${RUNS} interleaved runs of the whole process (batch rows: ${BATCH_RUNS} runs); ratios to \`node -e 0\` of the same Node.`,
  '',
  '| Node | `node -e 0` ms | `--version` | `--help` | `config show` | one cancel | peak RSS MiB |',
  '|---|---:|---:|---:|---:|---:|---:|',
  ...results.map(
    (r) =>
      `| ${r.node.version} | ${fmt(r.m.node)} | ${fmt(r.m.version)} (${fmt(r.m.version / r.m.node, 2)}×) | ${fmt(r.m.help)} (${fmt(r.m.help / r.m.node, 2)}×) | ${fmt(r.m.config)} (${fmt(r.m.config / r.m.node, 2)}×) | ${fmt(r.m.cancel)} (${fmt(r.m.cancel / r.m.node, 2)}×) | ${fmt(r.rss)} |`,
  ),
  '',
  '1,000 cancels in one call (IDs on stdin) and undici doing the same 1,000 DELETEs, 8 in flight; marginal rate = jobs per second beyond the first (the 1,000-job run less a one-job run, both reading IDs from stdin):',
  '',
  '| Node | ges: 1,000 / one, ms | undici lean: 1,000 / one, ms | undici index: 1,000 / one, ms | marginal rate, ges / lean / index (jobs/s) | ges / lean | ges / index |',
  '|---|---:|---:|---:|---:|---:|---:|',
  ...results.map(
    (r) =>
      `| ${r.node.version} | ${fmt(r.batch)} / ${fmt(r.batchOne)} | ${fmt(r.libs.lean.many)} / ${fmt(r.libs.lean.one)} | ${fmt(r.libs.index.many)} / ${fmt(r.libs.index.one)} | ${fmt(r.gesRate, 0)} / ${fmt(r.libs.lean.rate, 0)} / ${fmt(r.libs.index.rate, 0)} | ${fmt(r.gesRate / r.libs.lean.rate, 2)} | ${fmt(r.gesRate / r.libs.index.rate, 2)} |`,
  ),
  '',
  '| budget | measured | budget | aim | result |',
  '|---|---:|---:|---:|---|',
  ...checks.map(
    (c) =>
      `| ${c.what} | ${fmt(c.value, 2)} | ${c.budget} | ${c.aim ?? ''} | ${c.ok ? 'ok' : '**missed**'} |`,
  ),
  '',
  'Reproduce: `npm run bench` (`BENCH_RUNS=41 BENCH_BATCH_RUNS=15 npm run bench` for more runs; `node .ci/node-matrix.mjs --install-only` first to measure Node 22, 24 and 26 too).',
  '',
];
writeFileSync(path.join(ROOT, 'bench/results.md'), lines.join('\n'));
console.log(lines.join('\n'));
const missed = checks.filter((c) => !c.ok);
if (missed.length) {
  console.error(`budget missed: ${missed.map((c) => c.what).join('; ')}`);
  process.exitCode = 1;
}
