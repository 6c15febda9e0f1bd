/**
 * A batch: 1,000 cancels in one call (IDs on stdin), against two undici scripts sending the
 * same 1,000 DELETEs (with the headers ges sends) with 8 in flight, compared by marginal rate:
 * jobs per second beyond the first (the 1,000-job run less a one-job run, each reading its IDs
 * from stdin), so start-up is left out.
 *
 * - "lean" (the budget's baseline): undici's request() loaded as ges loads undici, only the
 *   files it needs (the agent and the request API), with the same start-up choices (on
 *   Node 20, V8's baseline compiler only for WebAssembly), so the ratio compares the work per
 *   job.
 * - "index": require('undici'), as a user's script would. On Node 20 its one-job run waits
 *   at exit while V8 optimises undici's parser, which its 1,000-job run does alongside the
 *   requests: that flatters its marginal rate, so it is shown, not budgeted.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { check, fmt, median, ROOT } from './harness.mjs';

export const title = 'A batch of 1,000 cancels';

const BATCH = 1000;
const BATCH_RUNS = Number(process.env.BENCH_BATCH_RUNS ?? 7);
/** ges's marginal rate as a share of undici lean's. */
const RATE_BUDGET = 0.9;

const undiciFile = (file) => JSON.stringify(path.join(ROOT, 'node_modules/undici', file));

const LOAD = {
  index: `const { Agent, request } = require(${undiciFile('')});`,
  lean: `if (process.versions.node.startsWith('20.'))
  require('node:v8').setFlagsFromString('--liftoff-only');
const Agent = require(${undiciFile('lib/dispatcher/agent.js')});
const send = require(${undiciFile('lib/api/api-request.js')});
const request = (url, options) => {
  const { origin, pathname } = new URL(url);
  return send.call(options.dispatcher, { ...options, origin, path: pathname });
};`,
};

/** One baseline script: the DELETEs of the IDs on stdin, 8 in flight. */
function undiciScript(bench, kind) {
  const file = path.join(bench.home, `undici-${kind}.cjs`);
  const { endpoint, projectId } = bench.emu;
  const jobs = JSON.stringify(`${endpoint}/ges/v1.0/${projectId}/graphs/batch/jobs/`);
  writeFileSync(
    file,
    `${LOAD[kind]}
const ids = require('node:fs').readFileSync(0, 'utf8').split('\\n').filter(Boolean);
const agent = new Agent({ connections: 8 });
const options = { method: 'DELETE', dispatcher: agent };
options.headers = {
  'user-agent': 'ges-cli/0.1.0 node/' + process.versions.node,
  accept: 'application/json',
  'content-type': 'application/json',
  'x-auth-token': process.env.GES_TOKEN,
};
let next = 0;
const lane = async () => {
  while (next < ids.length) {
    const r = await request(${jobs} + ids[next++], options);
    await r.body.text();
    if (r.statusCode !== 200) throw new Error('HTTP ' + r.statusCode);
  }
};
Promise.all(Array.from({ length: 8 }, lane)).then(() => process.exit(0));
`,
  );
  return file;
}

/** Jobs per second beyond the first. */
const rate = (many, one) => (BATCH - 1) / ((many - one) / 1000);

async function measure(bench, node, scripts) {
  const runs = { ges: { many: [], one: [] }, lean: { many: [], one: [] } };
  runs.index = { many: [], one: [] };
  const input = async (n) => `${(await bench.newJobs('batch', n)).join('\n')}\n`;
  const cancel = [bench.bin, 'job', 'cancel', 'batch', '-'];
  for (let round = 0; round < BATCH_RUNS; round++) {
    for (const [kind, args] of [['ges', cancel], ...scripts.map(([k, f]) => [k, [f]])]) {
      runs[kind].many.push(bench.time(node.bin, args, { input: await input(BATCH) }));
      runs[kind].one.push(bench.time(node.bin, args, { input: await input(1) }));
    }
  }
  return Object.fromEntries(
    Object.entries(runs).map(([kind, r]) => {
      const many = median(r.many);
      const one = median(r.one);
      return [kind, { many, one, rate: rate(many, one) }];
    }),
  );
}

export async function run(bench) {
  const scripts = ['lean', 'index'].map((kind) => [kind, undiciScript(bench, kind)]);
  const results = [];
  for (const node of bench.nodes) results.push({ node, ...(await measure(bench, node, scripts)) });
  const pair = (x) => `${fmt(x.many)} / ${fmt(x.one)}`;
  const lines = [
    `Medians of ${BATCH_RUNS} rounds. Marginal rate: jobs per second beyond the first.`,
    '',
    '| Node | ges: 1,000 / one, ms | undici lean: 1,000 / one, ms ' +
      '| undici index: 1,000 / one, ms | rate, ges / lean / index (jobs/s) ' +
      '| ges / lean | ges / index |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${r.node.version} | ${pair(r.ges)} | ${pair(r.lean)} | ${pair(r.index)} ` +
        `| ${fmt(r.ges.rate, 0)} / ${fmt(r.lean.rate, 0)} / ${fmt(r.index.rate, 0)} ` +
        `| ${fmt(r.ges.rate / r.lean.rate, 2)} | ${fmt(r.ges.rate / r.index.rate, 2)} |`,
    ),
  ];
  const checks = results.map((r) =>
    check(
      `${r.node.version}: 1,000 cancels, marginal rate / undici lean's`,
      r.ges.rate / r.lean.rate,
      RATE_BUDGET,
      'min',
    ),
  );
  return { lines, checks };
}
