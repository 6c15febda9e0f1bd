#!/usr/bin/env node
/**
 * node bench/watch.mjs (after npm run build): does `ges job list --watch` hold its memory?
 * A watch over a graph of 5,000 jobs (BENCH_JOBS) reads the list every 250 ms for 80 s
 * (BENCH_MS) while jobs move from pending to running and on; its resident memory in the last
 * quarter of the run is compared with the second quarter's, once the heap has grown to its
 * working size (a ratio near 1: only the jobs shown now are kept). Exits 1 past 1.15.
 *
 * Linux only (reads /proc). Loopback only; every loop is bounded.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin/ges.cjs');
const JOBS = Number(process.env.BENCH_JOBS ?? 5000);
const RUN_MS = Number(process.env.BENCH_MS ?? 80_000);
const INTERVAL_MS = 250;

const home = mkdtempSync(path.join(tmpdir(), 'ges-bench-watch-'));
const env = { PATH: process.env.PATH ?? '', HOME: home, CI: 'true', GES_TOKEN: 'demo-token' };

function start(args) {
  return spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'ignore'] });
}

/** The emulator on a free port: its one JSON line says where. */
async function emulator() {
  const child = start([
    'emulator',
    '--port',
    '0',
    '--graph',
    'big',
    '--running-ms',
    '1m',
    '--json',
  ]);
  const line = await new Promise((resolve, reject) => {
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      text += d;
      if (text.includes('\n')) resolve(text.split('\n')[0]);
    });
    child.once('exit', () => reject(new Error('the emulator did not start')));
  });
  return { child, endpoint: JSON.parse(line).endpoint };
}

function rssMiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const { child: emu, endpoint } = await emulator();
Object.assign(env, { GES_ENDPOINT: endpoint, GES_PROJECT_ID: 'demo' });
const states = ['pending', 'running', 'success', 'failed'];
for (let i = 0; i < JOBS; i += 250) {
  await Promise.all(
    Array.from({ length: Math.min(250, JOBS - i) }, (_, k) =>
      fetch(`${endpoint}/emulator/jobs`, {
        method: 'POST',
        body: JSON.stringify({ graph: 'big', status: states[(i + k) % 4], pendingMs: 5000 }),
      }),
    ),
  );
}

const watch = start(['job', 'list', 'big', '--watch', '--interval', `${INTERVAL_MS}ms`]);
let lines = 0;
watch.stdout.setEncoding('utf8').on('data', (d) => {
  lines += d.split('\n').length - 1;
});
const samples = [];
const started = Date.now();
while (Date.now() - started < RUN_MS) {
  await new Promise((r) => setTimeout(r, INTERVAL_MS));
  const rss = rssMiB(watch.pid);
  if (rss !== undefined && lines >= JOBS) samples.push(rss);
}
watch.kill('SIGINT');
await new Promise((r) => watch.once('exit', r));
// Each read of the list starts with its first page.
const log = await (await fetch(`${endpoint}/emulator/requests`)).json();
const reads = log.requests.filter((q) => q.path.includes('/jobs/status?offset=0&')).length;
emu.kill('SIGTERM');

// The first reads grow the heap to its working size; a leak would keep growing after that.
const quarter = Math.floor(samples.length / 4);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const settled = median(samples.slice(quarter, 2 * quarter));
const end = median(samples.slice(-quarter));
const report = [
  `job list --watch over ${JOBS} jobs: ${reads} reads in ${RUN_MS / 1000} s, ` +
    `${lines} change lines`,
  `  median RSS in the second quarter ${settled.toFixed(1)} MiB, in the last quarter ` +
    `${end.toFixed(1)} MiB: ratio ${(end / settled).toFixed(2)}`,
];
process.stdout.write(`${report.join('\n')}\n`);
process.exitCode = quarter < 5 || end / settled > 1.15 ? 1 : 0;
