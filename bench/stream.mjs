#!/usr/bin/env node
/**
 * node bench/stream.mjs [--ids 1000000] [--small 10000] [--pair 200000]:
 * `ges job cancel <graph> -` over a stream of job IDs, measured against itself in one run, with
 * a small node:http server on 127.0.0.1 answering every DELETE 200 `{}`.
 *
 * - Peak RSS of the built bin at --ids in each output mode (human, --json, --jsonl, --quiet),
 *   as getrusage's ru_maxrss reported by the child itself at exit (a preloaded hook), so no
 *   tool on the machine is needed and nothing else is counted.
 * - Time per job at --ids against --small (--json both; the small run's median of three): does
 *   the run slow as it grows?
 * - Human output against --json: three pairs run back to back at --pair IDs (default 200,000),
 *   the median of their ratios, so that a busy moment of the machine hits both sides.
 * - Time from the server's first answer to the first byte on the child's stdout, in every
 *   mode (the worst is checked).
 *
 * Needs `npm run build` first. Prints each figure, PASS/FAIL per budget, and exits 1 on a FAIL.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin/ges.cjs');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const BIG = arg('--ids', 1_000_000);
const SMALL = arg('--small', 10_000);
const PAIR = arg('--pair', 200_000);
const BUDGETS = { rssMiB: 120, perJobGrowth: 1.25, humanOverJson: 1.1, firstByteMs: 1000 };
const MODES = [
  ['human', []],
  ['--json', ['--json']],
  ['--jsonl', ['--jsonl']],
  ['--quiet', ['--quiet']],
];

const work = mkdtempSync(path.join(tmpdir(), 'ges-stream-bench-'));
const PRELOAD = path.join(work, 'maxrss.cjs');
// Written when the process exits (bin/ges.cjs ends with process.exit): ru_maxrss in KiB.
writeFileSync(
  PRELOAD,
  "process.on('exit', () => require('node:fs').writeFileSync(process.env.GES_BENCH_RSS, " +
    'String(process.resourceUsage().maxRSS)));\n',
);

/** The server: every DELETE 200 `{}`; notes when it first answered. */
function startServer() {
  const state = { firstAnswer: 0, deletes: 0 };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'DELETE') state.deletes++;
      if (state.firstAnswer === 0) state.firstAnswer = performance.now();
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2' });
      res.end('{}');
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, state }));
  });
}

/** Job IDs as GES makes them (45 characters), `count` of them, in chunks of lines. */
function* idChunks(count) {
  const lines = [];
  for (let i = 0; i < count; i++) {
    const hex = (i * 2654435761 + 0x9e3779b9).toString(16).padStart(12, '0').slice(-12);
    lines.push(`4448c9fb-0b16-4a78-8d89-${hex}${String(i).padStart(9, '0')}`);
    if (lines.length === 2000) yield `${lines.splice(0).join('\n')}\n`;
  }
  if (lines.length) yield `${lines.join('\n')}\n`;
}

/** One run of the bin over `count` IDs: wall time, peak RSS, first stdout byte. */
async function runOnce(url, state, count, flags, { discard = false } = {}) {
  const rssFile = path.join(work, 'rss');
  rmSync(rssFile, { force: true });
  state.firstAnswer = 0;
  state.deletes = 0;
  const out = discard ? openSync('/dev/null', 'w') : 'pipe';
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['-r', PRELOAD, BIN, 'job', 'cancel', 'movies', '-', ...flags],
    {
      // Pairs write to /dev/null: the cost measured is ges's, not this process's reading.
      stdio: ['pipe', out, 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: work,
        XDG_CONFIG_HOME: path.join(work, 'config'),
        XDG_CACHE_HOME: path.join(work, 'cache'),
        CI: 'true',
        GES_ENDPOINT: url,
        GES_PROJECT_ID: 'demo',
        GES_TOKEN: 'bench-token',
        GES_BENCH_RSS: rssFile,
      },
    },
  );
  if (typeof out === 'number') closeSync(out);
  let firstByte = 0;
  let bytes = 0;
  let stderr = '';
  child.stdout?.on('data', (d) => {
    if (firstByte === 0) firstByte = performance.now();
    bytes += d.length;
  });
  child.stderr.setEncoding('utf8').on('data', (d) => {
    if (stderr.length < 4000) stderr += d;
  });
  Readable.from(idChunks(count)).pipe(child.stdin);
  const code = await new Promise((resolve) => child.on('close', resolve));
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`ges exited ${code}: ${stderr}`);
  if (state.deletes !== count)
    throw new Error(`the server saw ${state.deletes} DELETEs of ${count}`);
  const rssMiB = Number(readFileSync(rssFile, 'utf8')) / 1024;
  const firstByteMs = flags.includes('--quiet') ? null : firstByte - state.firstAnswer;
  return { ms, rssMiB, firstByteMs, bytes };
}

const fmt = (n, d = 1) => (n === null ? '-' : n.toFixed(d));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The runs: the small baseline, each mode at --ids, then human and --json pairs. */
async function measure(url, state) {
  const smallMs = [];
  for (let i = 0; i < 3; i++) smallMs.push((await runOnce(url, state, SMALL, ['--json'])).ms);
  const small = median(smallMs);
  console.log(
    `--json ${SMALL}: median ${fmt(small, 0)} ms, ${fmt((small * 1000) / SMALL, 2)} µs/job`,
  );
  const big = {};
  for (const [name, flags] of MODES) {
    const r = await runOnce(url, state, BIG, flags);
    big[name] = r;
    console.log(
      `${name} ${BIG}: ${fmt(r.ms, 0)} ms, ${fmt((r.ms * 1000) / BIG, 2)} µs/job, ` +
        `peak RSS ${fmt(r.rssMiB)} MiB, first byte ${fmt(r.firstByteMs)} ms after the first ` +
        `answer, ${fmt(r.bytes / 1048576)} MiB on stdout`,
    );
  }
  const ratios = [];
  for (let i = 0; i < 3; i++) {
    // Each goes first in turn: a run after another pays for what that one left behind.
    const run = (flags) => runOnce(url, state, PAIR, flags, { discard: true });
    let human;
    let json;
    if (i % 2 === 0) {
      human = await run([]);
      json = await run(['--json']);
    } else {
      json = await run(['--json']);
      human = await run([]);
    }
    ratios.push(human.ms / json.ms);
    console.log(
      `pair ${i + 1} at ${PAIR}: human ${fmt(human.ms, 0)} ms, --json ${fmt(json.ms, 0)} ms`,
    );
  }
  return { small, big, humanOverJson: median(ratios) };
}

async function main() {
  const { server, state } = await startServer();
  const url = `http://127.0.0.1:${server.address().port}`;
  console.log(
    `node ${process.version}, ${cpus().length} cores; ` +
      `${BIG} IDs (baseline ${SMALL}, pairs ${PAIR})`,
  );
  const { small, big, humanOverJson } = await measure(url, state);
  server.close();
  rmSync(work, { recursive: true, force: true });

  const perJob = big['--json'].ms / BIG / (small / SMALL);
  const rss = Math.max(...Object.values(big).map((r) => r.rssMiB));
  const first = Math.max(...Object.values(big).map((r) => r.firstByteMs ?? 0));
  const checks = [
    [`peak RSS at ${BIG} IDs, worst mode (MiB)`, rss, `≤ ${BUDGETS.rssMiB}`, rss <= BUDGETS.rssMiB],
    [
      `time per job, ${BIG} / ${SMALL} (--json)`,
      perJob,
      `≤ ${BUDGETS.perJobGrowth}`,
      perJob <= BUDGETS.perJobGrowth,
    ],
    [
      `human / --json time (median of 3 pairs at ${PAIR})`,
      humanOverJson,
      `≤ ${BUDGETS.humanOverJson}`,
      humanOverJson <= BUDGETS.humanOverJson,
    ],
    [
      'first stdout byte after the first answer, worst mode (ms)',
      first,
      `≤ ${BUDGETS.firstByteMs}`,
      first <= BUDGETS.firstByteMs,
    ],
  ];
  console.log('\n| budget | measured | limit | result |\n|---|---:|---:|---|');
  for (const [what, value, limit, ok] of checks)
    console.log(`| ${what} | ${fmt(value, 2)} | ${limit} | ${ok ? 'PASS' : 'FAIL'} |`);
  if (checks.some((c) => !c[3])) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
