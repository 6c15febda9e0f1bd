/**
 * What every bench scenario shares: the Nodes to measure, one emulator, a user's home with a
 * YAML profile, and a clock for whole processes. Scenarios are the other files in bench/
 * (see bench/README.md); run.mjs hands each one the `Bench` that `prepare()` returns.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = path.join(ROOT, 'bin/ges.cjs');
/** Rounds per figure: each round runs every command once, so drift hits all alike. */
export const RUNS = Number(process.env.BENCH_RUNS ?? 21);

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

export const fmt = (x, digits = 1) =>
  x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(digits);

/** A budget's outcome: `value` against `limit`, at most (`max`) or at least (`min`). */
export function check(what, value, limit, kind = 'max') {
  const ok = value !== null && (kind === 'max' ? value <= limit : value >= limit);
  return { what, value, budget: `${kind === 'max' ? '≤' : '≥'} ${limit}`, ok };
}

/**
 * The Nodes to measure: this one, then each one `node .ci/node-matrix.mjs --install-only`
 * installed. BENCH_NODES=20,24 keeps only those majors.
 */
export function nodes() {
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
  const wanted = process.env.BENCH_NODES?.split(',');
  return list
    .map((node) => ({ ...node, major: Number(node.version.slice(1).split('.')[0]) }))
    .filter((node) => !wanted || wanted.includes(String(node.major)));
}

/** `ges emulator` on a free port; what it prints on stderr is shown only if it fails to start. */
async function startEmulator(home) {
  const args = ['emulator', '--port', '0', '--json', '--pending-ms', '0'];
  args.push('--running-ms', '86400000', '--graph', 'movies', '--graph', 'batch');
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, HOME: home },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => {
    if (stderr.length < 10_000) stderr += d;
  });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', () => reject(new Error(`the emulator did not start: ${stderr}`)));
  });
  return { child, ...JSON.parse(line) };
}

/** One control-API call on a fresh connection (the harness blocks while commands run). */
function post(emu, route, body) {
  return new Promise((resolve, reject) => {
    const url = `${emu.endpoint}/emulator/${route}`;
    const req = httpRequest(url, { method: 'POST', agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d) => (text += d));
      res.on('end', () => resolve(JSON.parse(text)));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/**
 * Wall time of one whole process, in ms. Synchronous: the emulator is another process.
 * `options.env` is added to the user's clean environment.
 */
function timeProcess(bench, cmd, args, options = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, {
    env: { ...bench.env, ...options.env },
    cwd: bench.home,
    input: options.input,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/** Peak RSS of one process in MiB (GNU time), or null where there is no /usr/bin/time. */
function peakRss(bench, cmd, args) {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], {
    env: bench.env,
    cwd: bench.home,
    encoding: 'utf8',
  });
  const kib = Number(r.stderr?.trim().split('\n').pop());
  return r.status === 0 && kib > 0 ? kib / 1024 : null;
}

/**
 * The emulator and a user as users run ges: a clean environment (PATH and HOME only, as a CI
 * step: no NODE_EXTRA_CA_CERTS, which slows every Node 20 start) and a YAML profile in the
 * user config folder. `close()` stops the emulator and removes the home.
 */
export async function prepare() {
  const home = mkdtempSync(path.join(tmpdir(), 'ges-bench-'));
  const emu = await startEmulator(home);
  mkdirSync(path.join(home, '.config/ges'), { recursive: true });
  const profile = path.join(home, '.config/ges/config.yaml');
  const auth = '    auth:\n      type: token\n      token: ${GES_TOKEN}\n';
  const where = `    endpoint: ${emu.endpoint}\n    projectId: ${emu.projectId}\n`;
  writeFileSync(profile, `profiles:\n  default:\n${where}${auth}`);
  chmodSync(profile, 0o600);
  const bench = {
    bin: BIN,
    home,
    emu,
    env: { PATH: process.env.PATH, HOME: home, GES_TOKEN: emu.token },
    nodes: nodes(),
    newJobs: async (graph, n) => {
      const ids = [];
      for (let i = 0; i < n; i++)
        ids.push((await post(emu, 'jobs', { graph, status: 'running' })).jobId);
      return ids;
    },
    time: (cmd, args, options) => timeProcess(bench, cmd, args, options),
    rss: (cmd, args) => peakRss(bench, cmd, args),
    close: () => {
      emu.child.kill('SIGINT');
      rmSync(home, { recursive: true, force: true });
    },
  };
  return bench;
}
