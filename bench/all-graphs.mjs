/**
 * A project-wide stop: `job cancel --all --all-graphs --yes` over four graphs of 250 running
 * jobs each, against the same 1,000 jobs on one graph cancelled with `job cancel <graph>
 * --all` (the baseline: the same DELETEs, 8 in flight, one list read). The stop adds the
 * management plane's list and three more job lists, read in parallel with the cancels; its
 * time over the baseline's is the cost of going graph by graph in one pool. Four `--all`
 * runs one after the other (what a script would do without --all-graphs) are shown too.
 */
import { check, fmt, median } from './harness.mjs';

export const title = 'A project-wide stop: 4 graphs of 250 jobs';

const GRAPHS = ['stop1', 'stop2', 'stop3', 'stop4'];
const PER_GRAPH = 250;
const ROUNDS = Number(process.env.BENCH_BATCH_RUNS ?? 5);
/** The stop's time as a share of one --all over as many jobs. */
const RATIO_BUDGET = 1.25;

async function control(bench, route, body) {
  const res = await fetch(`${bench.emu.endpoint}/emulator/${route}`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST /emulator/${route}: HTTP ${res.status}`);
  return res.json();
}

async function fill(bench, graphs, perGraph) {
  for (const graph of graphs) await bench.newJobs(graph, perGraph);
}

async function measure(bench, node) {
  const env = { GES_MANAGEMENT_ENDPOINT: bench.emu.endpoint, GES_PROJECT_ID: bench.emu.projectId };
  const stopAll = [bench.bin, 'job', 'cancel', '--all', '--all-graphs', '--yes'];
  const one = (graph) => [bench.bin, 'job', 'cancel', graph, '--all'];
  // Whatever other scenarios left running is stopped first, so each round starts the same.
  bench.time(node.bin, stopAll, { env });
  const runs = { stop: [], single: [], sequential: [], ratio: [] };
  for (let round = 0; round < ROUNDS; round++) {
    await fill(bench, GRAPHS, PER_GRAPH);
    const stop = bench.time(node.bin, stopAll, { env });
    await fill(bench, GRAPHS.slice(0, 1), PER_GRAPH * GRAPHS.length);
    const single = bench.time(node.bin, one(GRAPHS[0]));
    await fill(bench, GRAPHS, PER_GRAPH);
    let sequential = 0;
    for (const graph of GRAPHS) sequential += bench.time(node.bin, one(graph));
    runs.stop.push(stop);
    runs.single.push(single);
    runs.sequential.push(sequential);
    runs.ratio.push(stop / single);
  }
  return Object.fromEntries(Object.entries(runs).map(([k, xs]) => [k, median(xs)]));
}

export async function run(bench) {
  for (const name of GRAPHS) await control(bench, 'graphs', { name });
  const results = [];
  for (const node of bench.nodes) results.push({ node, ...(await measure(bench, node)) });
  const lines = [
    `Medians of ${ROUNDS} rounds, ms; ratio: the stop's time over one --all's, each round.`,
    '',
    '| Node | --all-graphs, 4 × 250 | --all, 1 × 1,000 | 4 × --all of 250, in turn | ratio |',
    '|---|---:|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${r.node.version} | ${fmt(r.stop)} | ${fmt(r.single)} | ${fmt(r.sequential)} ` +
        `| ${fmt(r.ratio, 2)} |`,
    ),
  ];
  const checks = results.map((r) =>
    check(
      `${r.node.version}: --all-graphs over 4 graphs / --all over as many jobs on one`,
      r.ratio,
      RATIO_BUDGET,
    ),
  );
  return { lines, checks };
}
