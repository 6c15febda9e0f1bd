#!/usr/bin/env node
/**
 * npm run test:node-matrix: the end-to-end suite on Node.js 22, 24 and 26 (as well as the Node
 * running this). Each is installed once from the npm registry's `node@22` / `node@24` /
 * `node@26` packages into $XDG_CACHE_HOME/ges-node-matrix (default ~/.cache/ges-node-matrix);
 * `npm run bench` measures on each one installed there too. `--install-only` installs them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cache = path.join(
  process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache'),
  'ges-node-matrix',
);
const versions = (process.env.GES_NODE_MATRIX || '22,24,26').split(',');
const installOnly = process.argv.includes('--install-only');

function nodeBinary(major) {
  const dir = path.join(cache, `node${major}`);
  const bin = path.join(dir, 'node_modules/.bin/node');
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    console.log(`installing node@${major} into ${dir}`);
    execFileSync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--no-save', '--prefix', dir, `node@${major}`],
      { stdio: 'inherit' },
    );
  }
  return bin;
}

const results = [];
for (const major of versions) {
  const node = nodeBinary(major);
  if (installOnly) continue;
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  console.log(`\n=== end-to-end tests on Node ${version}`);
  const run = spawnSync(
    node,
    [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'test/e2e'],
    { cwd: root, stdio: 'inherit' },
  );
  results.push({ version, ok: run.status === 0 });
}
console.log('');
for (const r of results) console.log(`Node ${r.version}: ${r.ok ? 'passed' : 'FAILED'}`);
if (results.some((r) => !r.ok)) process.exitCode = 1;
