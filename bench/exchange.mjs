#!/usr/bin/env node
/**
 * node bench/exchange.mjs: how ges sends a request (src/core/http/exchange.ts, a handler on the
 * agent's dispatch(), within each attempt's deadline) against undici's request() loaded file by
 * file as ges loads undici, its answer read the way ges would need it (bounded, as text); and
 * the same exchange() without its deadline, for what the deadline costs.
 *
 * 1,000 DELETEs at 8 in flight against a plain node:http server in another process (200 `{}`):
 * over http, over https, and over http with each answer held back 20 ms. Each round runs every
 * way once, each going first in turn; the figures are medians over the rounds. Wall time and
 * this process's CPU time (the client's work: the server runs elsewhere) are both shown, and
 * their ratios (below 1: ges's way costs less).
 *
 * BENCH_ROUNDS (default 7) sets the rounds; the latency scenario runs half as many.
 * Loopback only; every loop is bounded.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(ROOT, 'package.json'));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const JOBS = 1000;
const IN_FLIGHT = 8;
const LIMIT = 64 * 1024 * 1024;
const work = mkdtempSync(path.join(tmpdir(), 'ges-bench-exchange-'));

const Agent = require('undici/lib/dispatcher/agent.js');
const apiRequest = require('undici/lib/api/api-request.js');

/**
 * ges's exchange(), bundled from its TypeScript source as the build would; `timed: false`
 * bundles it with a deadline.ts whose watch() and unwatch() do nothing: without its deadline.
 */
async function loadExchange(timed) {
  const { build } = await import('esbuild');
  const untimed = {
    name: 'untimed',
    setup(b) {
      b.onResolve({ filter: /deadline\.js$/ }, () => ({ path: 'deadline', namespace: 'stub' }));
      b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
        contents:
          'export const watch = () => {}; export const unwatch = () => {}; ' +
          'export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;',
      }));
    },
  };
  const file = path.join(work, `exchange-${timed ? 'timed' : 'untimed'}.mjs`);
  await build({
    entryPoints: [path.join(ROOT, 'src/core/http/exchange.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile: file,
    logLevel: 'error',
    plugins: timed ? [] : [untimed],
  });
  return (await import(pathToFileURL(file).href)).exchange;
}

/** A self-signed certificate for 127.0.0.1, or null without openssl. */
function certificate() {
  const key = path.join(work, 'key.pem');
  const cert = path.join(work, 'cert.pem');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
      ].concat(['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']),
      { stdio: 'ignore' },
    );
    return { key, cert };
  } catch {
    return null;
  }
}

/** A server in a child process answering every request 200 `{}`, after `delayMs` if given. */
async function startServer({ tls, delayMs = 0 }) {
  const script = `
const tls = ${JSON.stringify(tls)};
const fs = require('node:fs');
const options = tls ? { key: fs.readFileSync(tls.key), cert: fs.readFileSync(tls.cert) } : {};
const server = require(tls ? 'node:https' : 'node:http').createServer(options, (req, res) => {
  req.resume();
  const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  ${delayMs ? `setTimeout(answer, ${delayMs});` : 'answer();'}
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(Number(String(d).trim())));
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  return { origin: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`, stop: () => child.kill() };
}

/** A bounded read of request()'s body stream, as ges would need it. */
async function readBounded(body, limit) {
  const chunks = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

/** ges's limits, as the CLI's defaults give them. */
const LIMITS = { connectMs: 10_000, answerMs: 30_000 };

/** The ways to send one DELETE and read its answer, each through its own agent. */
function ways(timed, untimed) {
  const options = (origin, i) => ({
    origin,
    path: `/ges/v1.0/demo/graphs/batch/jobs/job-${i}`,
    method: 'DELETE',
    headers: { 'x-auth-token': 'bench', accept: 'application/json' },
  });
  const viaExchange = (exchange) => async (agent, origin, i) => {
    const r = await exchange(agent, options(origin, i), () => LIMIT, LIMITS);
    if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
  };
  return {
    'request()': async (agent, origin, i) => {
      const r = await apiRequest.call(agent, options(origin, i));
      await readBounded(r.body, LIMIT);
      if (r.statusCode !== 200) throw new Error(`HTTP ${r.statusCode}`);
    },
    ges: viaExchange(timed),
    'ges without its deadline': viaExchange(untimed),
  };
}

/** One batch: wall and CPU milliseconds for JOBS requests, IN_FLIGHT at a time, fresh agent. */
async function batch(send, origin, tls) {
  const agent = new Agent({ connections: IN_FLIGHT, connect: tls ? { ca: tls.ca } : {} });
  let next = 0;
  const lane = async () => {
    while (next < JOBS) await send(agent, origin, next++);
  };
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  await agent.destroy();
  return { wall, cpu: (used.user + used.system) / 1000 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Each way's wall and CPU milliseconds, round by round (after one warm-up each). */
async function scenario(server, tls, rounds, senders) {
  const names = Object.keys(senders);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (const n of names) await batch(senders[n], server.origin, tls);
  for (let round = 0; round < rounds; round++) {
    // Each way goes first in turn, so drift hits all alike.
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const n of order) times[n].push(await batch(senders[n], server.origin, tls));
  }
  return times;
}

/** Medians of a way's times. */
const medians = (ts) => ({
  wall: median(ts.map((t) => t.wall)),
  cpu: median(ts.map((t) => t.cpu)),
});

/**
 * The median of per-round ratios a / b: ways run back to back within a round, so a ratio taken
 * there is spared the load that drifts between rounds (this machine is shared).
 */
const ratioOf = (a, b) => ({
  wall: median(a.map((t, i) => t.wall / b[i].wall)),
  cpu: median(a.map((t, i) => t.cpu / b[i].cpu)),
});

const senders = ways(await loadExchange(true), await loadExchange(false));
const pem = certificate();
const scenarios = [
  { name: 'http', server: { tls: null }, rounds: ROUNDS },
  ...(pem ? [{ name: 'https', server: { tls: pem }, rounds: ROUNDS }] : []),
  { name: 'http, 20 ms', server: { tls: null, delayMs: 20 }, rounds: Math.ceil(ROUNDS / 2) },
];
const rows = [];
try {
  for (const s of scenarios) {
    const server = await startServer(s.server);
    const tls = s.server.tls ? { ca: readFileSync(s.server.tls.cert, 'utf8') } : null;
    try {
      rows.push({ ...s, times: await scenario(server, tls, s.rounds, senders) });
    } finally {
      server.stop();
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const pair = ({ wall, cpu }, digits) => `${wall.toFixed(digits)} / ${cpu.toFixed(digits)}`;
console.log(
  `node ${process.version}; ${JOBS} DELETEs, ${IN_FLIGHT} in flight; wall / CPU ms of this ` +
    'process (the server runs in another), medians; ratios: medians of per-round ratios',
);
console.log(
  '| server | rounds | ges | request() | ges without deadline ' +
    '| ges / request() | ges / without deadline |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const { name, rounds, times } of rows) {
  const { ges, 'request()': request, 'ges without its deadline': untimed } = times;
  console.log(
    `| ${name} | ${rounds} | ${pair(medians(ges), 1)} | ${pair(medians(request), 1)} ` +
      `| ${pair(medians(untimed), 1)} | ${pair(ratioOf(ges, request), 2)} ` +
      `| ${pair(ratioOf(ges, untimed), 2)} |`,
  );
}
