#!/usr/bin/env node
/**
 * npm run bench [scenario...]: runs every scenario in bench/ (or the ones named), prints each
 * budget with PASS or FAIL, writes the figures into bench/results.md, and exits 1 when a
 * budget fails. A scenario is a file here exporting `title` and `async function run(bench)`,
 * which resolves to `{ lines, checks }`: Markdown for the results and the budgets it checked
 * (harness.mjs).
 * Loopback only; every loop is bounded.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { fmt, prepare, ROOT } from './harness.mjs';

const BENCH = path.join(ROOT, 'bench');
const RESULTS = path.join(BENCH, 'results.md');
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/**
 * The scenario files: those that export run(). Other scripts here run on their own (`node
 * bench/x.mjs`) and are not imported, since importing one would run it.
 */
async function scenarios(only) {
  const list = [];
  for (const file of readdirSync(BENCH).sort()) {
    if (!file.endsWith('.mjs') || file === 'run.mjs' || file === 'harness.mjs') continue;
    const name = file.slice(0, -'.mjs'.length);
    if (only.length && !only.includes(name)) continue;
    const source = readFileSync(path.join(BENCH, file), 'utf8');
    if (!/^export (async )?function run\(/m.test(source)) continue;
    const scenario = await import(pathToFileURL(path.join(BENCH, file)).href);
    list.push({ name, ...scenario });
  }
  return list;
}

function machine() {
  const load = loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
  const cpu = cpus()[0]?.model.trim() ?? 'unknown cpu';
  const memory = `${(totalmem() / 2 ** 30).toFixed(0)} GiB`;
  return `${platform()} ${release()}, ${cpu}, ${cpus().length} cores, ${memory}, load ${load}`;
}

/** Replaces the figures in bench/results.md (between the markers), keeping the rest. */
function writeResults(lines) {
  let text = '';
  try {
    text = readFileSync(RESULTS, 'utf8');
  } catch {
    text = `# Benchmark results\n\n${START}\n${END}\n`;
  }
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from < 0 || to < from) text = `${text}\n${START}\n${END}\n`;
  const head = text.slice(0, text.indexOf(START) + START.length);
  writeFileSync(RESULTS, `${head}\n${lines.join('\n')}\n${text.slice(text.indexOf(END))}`);
}

const bench = await prepare();
const started = machine();
const sections = [];
const checks = [];
try {
  for (const scenario of await scenarios(process.argv.slice(2))) {
    const result = await scenario.run(bench);
    sections.push(`### ${scenario.title}`, '', ...result.lines, '');
    checks.push(...result.checks);
  }
} finally {
  bench.close();
}
const lines = [
  `${new Date().toISOString().slice(0, 10)}; at the start: ${started}; at the end: load ` +
    `${loadavg()[0].toFixed(1)}.`,
  'Clean environment (PATH and HOME only), a YAML profile in the user config folder, ' +
    'against `ges emulator` on 127.0.0.1.',
  '',
  ...sections,
  '| budget | measured | budget | result |',
  '|---|---:|---:|---|',
  ...checks.map(
    (c) => `| ${c.what} | ${fmt(c.value, 2)} | ${c.budget} | ${c.ok ? 'PASS' : '**FAIL**'} |`,
  ),
];
console.log(lines.join('\n'));
console.log('');
for (const c of checks)
  console.log(`${c.ok ? 'PASS' : 'FAIL'}  ${c.what}: ${fmt(c.value, 2)} (budget ${c.budget})`);
writeResults(lines);
if (checks.some((c) => !c.ok)) process.exitCode = 1;
