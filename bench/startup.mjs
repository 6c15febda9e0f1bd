/**
 * Start-up: what one call of ges costs, as a shell loop or a CI step pays it on every call,
 * against `node -e 0` of the same Node. Per Node, in interleaved rounds: `node -e 0`,
 * `ges --version`, `ges --help`, `ges config show`, one `ges job cancel` with the compile
 * cache warm, and one with an empty cache (the first run after an install or an upgrade);
 * then the peak RSS of one cancel.
 */
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { check, fmt, median, RUNS } from './harness.mjs';

export const title = 'Start-up';

/** One cancel with a YAML profile, as a ratio to `node -e 0`: Node 22 is shown, not budgeted. */
const CANCEL_BUDGET = { 20: 3.0, 24: 2.0, 26: 2.0 };
/** `--version` and `--help`, as a ratio to `node -e 0`. */
const QUICK_BUDGET = 1.3;
const RSS_BUDGET_MIB = 60;

const KINDS = ['node', 'version', 'help', 'config', 'cancel', 'cold'];

async function measure(bench, node) {
  const samples = Object.fromEntries(KINDS.map((k) => [k, []]));
  const ids = await bench.newJobs('movies', 2 * RUNS + 3);
  const ges = (...args) => [bench.bin, ...args];
  const cancel = () => ges('job', 'cancel', 'movies', ids.pop());
  // Warm the file system's cache and the compile cache.
  for (let i = 0; i < 2; i++) bench.time(node.bin, cancel());
  for (let round = 0; round < RUNS; round++) {
    samples.node.push(bench.time(node.bin, ['-e', '0']));
    samples.version.push(bench.time(node.bin, ges('--version')));
    samples.help.push(bench.time(node.bin, ges('--help')));
    samples.config.push(bench.time(node.bin, ges('config', 'show')));
    samples.cancel.push(bench.time(node.bin, cancel()));
    const empty = mkdtempSync(path.join(bench.home, 'cache-'));
    samples.cold.push(bench.time(node.bin, cancel(), { env: { XDG_CACHE_HOME: empty } }));
  }
  const m = Object.fromEntries(KINDS.map((k) => [k, median(samples[k])]));
  // Each round's ratios to that round's `node -e 0`, then their median: load that
  // comes and goes on a shared machine hits both sides of a ratio alike.
  const ratio = Object.fromEntries(
    KINDS.map((k) => [k, median(samples[k].map((ms, i) => ms / samples.node[i]))]),
  );
  return { node, m, ratio, rss: bench.rss(node.bin, cancel()) };
}

function checks({ node, ratio, rss }) {
  const v = node.version;
  const list = [];
  const cancelBudget = CANCEL_BUDGET[node.major];
  if (cancelBudget)
    list.push(check(`${v}: one cancel, YAML profile / node -e 0`, ratio.cancel, cancelBudget));
  list.push(check(`${v}: ges --version / node -e 0`, ratio.version, QUICK_BUDGET));
  list.push(check(`${v}: ges --help / node -e 0`, ratio.help, QUICK_BUDGET));
  list.push(check(`${v}: peak RSS of one cancel, MiB`, rss, RSS_BUDGET_MIB));
  return list;
}

export async function run(bench) {
  const results = [];
  for (const node of bench.nodes) results.push(await measure(bench, node));
  const cell = (r, kind) => `${fmt(r.m[kind])} (${fmt(r.ratio[kind], 2)}×)`;
  const lines = [
    `Medians of ${RUNS} interleaved rounds, ms (the median of each round's ratio to its ` +
      '`node -e 0` run).',
    '',
    '| Node | `node -e 0` | `--version` | `--help` | `config show` | one cancel ' +
      '| one cancel, empty cache | peak RSS MiB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${r.node.version} | ${fmt(r.m.node)} | ${cell(r, 'version')} | ${cell(r, 'help')} ` +
        `| ${cell(r, 'config')} | ${cell(r, 'cancel')} | ${cell(r, 'cold')} | ${fmt(r.rss)} |`,
    ),
  ];
  return { lines, checks: results.flatMap(checks) };
}
